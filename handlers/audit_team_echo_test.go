package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/portico-dev/portico/policy"
)

// TestAuditUnknownTeamEchoIsCut: the problem for an unknown team filter
// quotes at most 80 characters of it, as the house cuts echoed input, not
// the whole query value.
func TestAuditUnknownTeamEchoIsCut(t *testing.T) {
	e := newEnv(t)
	tok := e.token(e.user("admin", policy.RoleAdmin, "", ""))
	team := strings.Repeat("x", 2000)
	res, body := e.api("GET", "/api/v1/audit?team="+team, tok, nil)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("got status %d (%v), want 422", res.StatusCode, body)
	}
	errs, _ := body["errors"].([]any)
	if len(errs) != 1 {
		t.Fatalf("got errors %v, want one", body["errors"])
	}
	msg, _ := errs[0].(map[string]any)["message"].(string)
	if want := fmt.Sprintf("There is no team \u2068%.80q\u2069.", team); msg != want {
		t.Errorf("got message of %d characters %.120q…, want %q", len(msg), msg, want)
	}
}

// TestCreateAPIUnknownTeamEchoIsCut: creating an API in an unknown team
// quotes at most 80 characters of the team from the body.
func TestCreateAPIUnknownTeamEchoIsCut(t *testing.T) {
	e := newEnv(t)
	tok := e.token(e.user("admin", policy.RoleAdmin, "", ""))
	team := strings.Repeat("x", 2000)
	res, body := e.api("POST", "/api/v1/apis", tok, map[string]any{"team": team, "slug": "pets", "name": "Pets"})
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("got status %d (%v), want 404", res.StatusCode, body)
	}
	msg, _ := body["detail"].(string)
	if want := fmt.Sprintf("There is no team \u2068%.80q\u2069.", team); msg != want || len(msg) > 200 {
		t.Errorf("got detail of %d characters %.120q…, want %q", len(msg), msg, want)
	}
}
