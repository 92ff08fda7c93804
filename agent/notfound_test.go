package agent_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestResourceNotFoundIsJSON: a read of a URI the portal does not serve is
// answered "resource not found" with the URI in the error's data, whatever
// characters the URI holds. The SDK quoted it with Go's %q, which is not
// JSON for a control character: the answer to such a read was an empty
// body, and the client waited for an answer that never came.
func TestResourceNotFoundIsJSON(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		p := newPortal(t, s, 0, 0)
		p.catalogFixture()
		tok, _ := p.token(p.user("ann", policy.RoleMember, "commerce", policy.RoleViewer))
		for _, uri := range []string{
			"portico://apis/\x01/versions/\a/openapi.json", // the template's shape: the portal's reader refuses it
			"portico://nothing/\x7f",                       // no template: the SDK refuses it
			"portico://apis/nosuch/versions/1.0.0/openapi.json",
		} {
			body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "resources/read", "params": map[string]any{"uri": uri}})
			req, _ := http.NewRequest("POST", p.url+"/mcp", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json, text/event-stream")
			req.Header.Set("Mcp-Protocol-Version", "2025-03-26")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var a struct {
				Error *struct {
					Code    int64  `json:"code"`
					Message string `json:"message"`
					Data    struct {
						URI string `json:"uri"`
					} `json:"data"`
				} `json:"error"`
			}
			if err := json.Unmarshal(raw, &a); err != nil || a.Error == nil || a.Error.Code != jsonrpc.CodeInvalidParams || a.Error.Message != "Resource not found" || a.Error.Data.URI != uri {
				t.Errorf("read %q: status %d, answer %q (%v), want resource not found naming the URI", uri, resp.StatusCode, raw, err)
			}
		}
	})
}
