package agent_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestToolArgumentsNull: a tool call whose arguments are JSON null is
// answered as one with {}. search_apis, whose schema has a default,
// made the SDK assign to a nil map: the panic, in a goroutine of the SDK's
// own, ended the portal's process.
func TestToolArgumentsNull(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		p := newPortal(t, s, 0, 0)
		p.catalogFixture()
		tok, _ := p.token(p.user("ann", policy.RoleMember, "commerce", policy.RoleViewer))
		post := func(tool, args string) string {
			body := []byte(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"` + tool + `","arguments":` + args + `}}`)
			req, _ := http.NewRequest("POST", p.url+"/mcp", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json, text/event-stream")
			req.Header.Set("Mcp-Protocol-Version", "2025-03-26")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, _ := io.ReadAll(resp.Body)
			var a struct {
				Result json.RawMessage `json:"result"`
			}
			if err := json.Unmarshal(raw, &a); err != nil || a.Result == nil {
				t.Errorf("%s with arguments %s: status %d, answer %q, want a result", tool, args, resp.StatusCode, raw)
			}
			return string(raw)
		}
		for _, tool := range []string{"search_apis", "get_api", "list_operations", "get_operation", "my_subscriptions"} {
			if null, empty := post(tool, "null"), post(tool, "{}"); null != empty {
				t.Errorf("%s: with null arguments %s, with {} %s, want the same", tool, null, empty)
			}
		}
	})
}
