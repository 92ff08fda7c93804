package agent_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store/storetest"
)

// The MCP endpoint's answers, passed from the MCP transport through the
// portal's net/http adaptor, keep the security headers every answer of the
// portal carries: the JSON-RPC answer, the event stream and the problem
// document the transport's refusals become.
func TestMCPAnswersCarryTheSecurityHeaders(t *testing.T) {
	p := newPortal(t, storetest.New(t), 0, 0)
	tok, _ := p.token(p.user("dev", policy.RoleMember, "", ""))
	for _, tt := range []struct {
		what, method, accept, body string
		want                       int
	}{
		{"initialize", "POST", "application/json, text/event-stream", `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`, 200},
		{"refused by the transport", "POST", "text/html", `{"jsonrpc":"2.0","id":1,"method":"initialize"}`, 400},
	} {
		req, _ := http.NewRequest(tt.method, p.url+"/mcp", strings.NewReader(tt.body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", tt.accept)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tt.want {
			t.Errorf("%s: status %d, want %d: %.200s", tt.what, res.StatusCode, tt.want, body)
		}
		for name, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"} {
			if got := res.Header.Get(name); got != want {
				t.Errorf("%s: %s is %q, want %q (%s)", tt.what, name, got, want, res.Header.Get("Content-Type"))
			}
		}
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: Content-Security-Policy %q", tt.what, csp)
		}
	}
}
