package handlers_test

import (
	"fmt"
	"net/http"
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
