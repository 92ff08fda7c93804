package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestUnknownNamesEchoedAlike asks for a gateway node and a rule that do not
// exist, with names as long as a request line allows: each answer quotes
// the name as every refusal does (cut to 80 characters, isolated), and the
// node's lookup reads a name and answers in the very words of its
// revocation.
func TestUnknownNamesEchoedAlike(t *testing.T) {
	e := newLCEnv(t)
	long := strings.Repeat("x", 3000)
	detail := func(method, path string, body any) string {
		t.Helper()
		res, out := e.api(method, path, e.tok["admin"], body)
		if res.StatusCode != http.StatusNotFound {
			t.Fatalf("%s %.60s…: status %d, want 404: %.200v", method, path, res.StatusCode, out)
		}
		d, _ := out["detail"].(string)
		return d
	}
	quoted := fmt.Sprintf("\u2068%.80q\u2069", long)

	get := detail("GET", "/api/v1/gateway/nodes/"+long, nil)
	del := detail("DELETE", "/api/v1/gateway/nodes/"+long, nil)
	if get != del {
		t.Errorf("unknown node: GET says %.120q… (%d bytes), DELETE %q", get, len(get), del)
	}
	if want := "There is no registered gateway node " + quoted + "."; get != want {
		t.Errorf("unknown node: GET says %.120q… (%d bytes), want %q", get, len(get), want)
	}
	// A name is read alike too: as the revocation reads it.
	e.call("POST", "/api/v1/gateway/nodes", "admin", map[string]any{"name": "edge-eu-1"}, 201)
	if n := e.call("GET", "/api/v1/gateway/nodes/EDGE-EU-1", "admin", nil, 200); n["name"] != "edge-eu-1" {
		t.Errorf("GET /api/v1/gateway/nodes/EDGE-EU-1: %v, want edge-eu-1", n)
	}
	if got, want := detail("PUT", "/api/v1/rules/"+long, map[string]any{"severity": "off"}), "There is no rule "+quoted+"."; got != want {
		t.Errorf("unknown rule: %.120q… (%d bytes), want %q", got, len(got), want)
	}
}

// TestUnknownMemberEchoCut removes, and marks as a reviewer, a team member
// named as long as a request line allows: the refusal quotes the name cut
// to 80 characters, as the refusal to add such a user does.
func TestUnknownMemberEchoCut(t *testing.T) {
	e := newLCEnv(t)
	long := strings.Repeat("x", 3000)
	quoted := fmt.Sprintf("\u2068%.80q\u2069", long)
	res, out := e.api("DELETE", "/api/v1/teams/payments/members/"+long, e.tok["admin"], nil)
	d, _ := out["detail"].(string)
	if res.StatusCode != http.StatusNotFound || len(d) > 200 || !strings.Contains(d, quoted) {
		t.Errorf("DELETE an unknown member: %d %.120q… (%d bytes), want 404 quoting %q", res.StatusCode, d, len(d), quoted)
	}
	// Adding such a user is refused quoting it so.
	res, out = e.api("PUT", "/api/v1/teams/payments/members/"+long, e.tok["admin"], map[string]any{"role": "viewer"})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(out["errors"]), quoted) {
		t.Errorf("PUT an unknown member: %d %.200v, want 422 quoting %q", res.StatusCode, out["errors"], quoted)
	}
	b := e.browser()
	b.login("admin")
	b.post("/teams/payments/members/"+long+"/reviewer", url.Values{"reviewer": {"true"}})
	f := doc(t, b.get("/teams/payments")).Find(`[data-testid="flash"]`).Text()
	if len(f) > 200 || !strings.Contains(f, fmt.Sprintf("%.80q", long)) {
		t.Errorf("reviewer of an unknown member: flash %.120q… (%d bytes), want the name quoted and cut", f, len(f))
	}
}
