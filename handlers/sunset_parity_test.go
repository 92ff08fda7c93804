package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/portico-dev/portico/lifecycle"
)

// TestSunsetReadAlikeByPageAndAPI deprecates a version with the same sunset
// through the page's form and the JSON API: a sunset one of them takes, the
// other takes, and one they refuse is refused in the same words on the
// field sunset.
func TestSunsetReadAlikeByPageAndAPI(t *testing.T) {
	e := newLCEnv(t)
	e.createAPI("pets", "public")
	e.version("pets", "1.0.0", lifecycle.Published)
	e.version("pets", "1.1.0", lifecycle.Published)
	b := e.browser()
	b.login("maint")
	pageMessage := func(sunset string) string {
		t.Helper()
		res := b.post("/apis/pets/versions/1.0.0/deprecate", url.Values{"sunset": {sunset}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("page, sunset %q: status %d, want 422", sunset, res.StatusCode)
		}
		return strings.TrimSpace(doc(t, res).Find(`[data-testid="error-sunset"]`).Text())
	}
	for _, bad := range []string{"31/01/2027", "tomorrow"} {
		api := fieldMessage(t, e, "POST", "/api/v1/apis/pets/versions/1.0.0/deprecate", map[string]any{"sunset": bad}, "sunset")
		if page := pageMessage(bad); page != strings.NewReplacer("\u2068", "", "\u2069", "").Replace(api) {
			t.Errorf("sunset %q: the page says %q, the JSON API %q", bad, page, api)
		}
	}
	// An RFC 3339 time, which the JSON API takes, is taken by the form too.
	sunset := lcSunset(90) + "T12:00:00Z"
	res := b.post("/apis/pets/versions/1.1.0/deprecate", url.Values{"sunset": {sunset}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("page, sunset %q: status %d, want 303 (the JSON API takes it)", sunset, res.StatusCode)
	}
	v := e.call("GET", "/api/v1/apis/pets/versions/1.1.0", "maint", nil, 200)
	if got, _ := v["sunset_at"].(string); got != sunset {
		t.Errorf("sunset_at %q, want %q", got, sunset)
	}
}
