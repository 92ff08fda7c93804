package handlers_test

import (
	"context"
	"strings"
	"testing"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestControlCharactersRefused: a NUL byte (which PostgreSQL refuses or drops while SQLite keeps it, so that the two
// databases would hold different data) or another control character in a name is refused with a field message and
// nothing is stored; a bidi override in a name is refused as spoofing; tabs and newlines in a description still pass.
func TestControlCharactersRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newLCEnvOn(t, s)
		ctx := context.Background()
		fieldMsg := func(out map[string]any, field string) string {
			t.Helper()
			errs, _ := out["errors"].([]any)
			for _, e := range errs {
				if m, ok := e.(map[string]any); ok && m["field"] == field {
					msg, _ := m["message"].(string)
					return msg
				}
			}
			return ""
		}
		for _, tc := range []struct {
			what, method, path, field string
			body                      map[string]any
		}{
			{"team name with NUL", "POST", "/api/v1/teams", "name", map[string]any{"slug": "nul-team", "name": "T\x001"}},
			{"team name with a newline", "POST", "/api/v1/teams", "name", map[string]any{"slug": "nl-team", "name": "T\n1"}},
			{"team description with NUL", "POST", "/api/v1/teams", "description", map[string]any{"slug": "nd-team", "name": "T", "description": "a\x00b"}},
			{"team name with a bidi override", "POST", "/api/v1/teams", "name", map[string]any{"slug": "bidi-team", "name": "Pay\u202Emoc"}},
			{"app name with NUL", "POST", "/api/v1/teams/search/apps", "name", map[string]any{"slug": "nul-app", "name": "A\x001"}},
			{"API name with NUL", "POST", "/api/v1/apis", "name", map[string]any{"team": "payments", "slug": "nul-api", "name": "P\x001"}},
			{"API summary with a bell", "POST", "/api/v1/apis", "summary", map[string]any{"team": "payments", "slug": "bel-api", "name": "P", "summary": "ring\a"}},
		} {
			who := map[string]string{"/api/v1/teams": "admin", "/api/v1/teams/search/apps": "outsider", "/api/v1/apis": "maint"}[tc.path]
			res, out := e.api(tc.method, tc.path, e.tok[who], tc.body)
			if res.StatusCode != 422 || fieldMsg(out, tc.field) == "" {
				t.Errorf("%s: status %d, %v; want 422 with a message on %s", tc.what, res.StatusCode, out, tc.field)
			}
		}
		if _, err := s.TeamBySlug(ctx, "nul-team"); err == nil {
			t.Error("the team with a NUL in its name was stored")
		}
		if _, err := s.APIBySlug(ctx, "nul-api"); err == nil {
			t.Error("the API with a NUL in its name was stored")
		}
		// Tabs and newlines in a multi-line text still pass, and are kept as sent.
		e.call("POST", "/api/v1/teams", "admin", map[string]any{"slug": "tabs", "name": "Tabs", "description": "one\ttwo\r\nthree\nfour"}, 201)
		if tm, err := s.TeamBySlug(ctx, "tabs"); err != nil || !strings.Contains(tm.Description, "one\ttwo\r\nthree\nfour") {
			t.Errorf("team with tabs and newlines in its description: %+v, %v", tm, err)
		}
	})
}
