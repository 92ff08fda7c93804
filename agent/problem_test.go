package agent_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store/storetest"
)

// TestTransportErrorsAreProblems: the MCP endpoint answers errors with problem
// documents, as the rest of the API does. The SDK's transport answered a POST
// without the Accept it asks for (400), a GET or DELETE (405), a body that is
// not JSON (415) and a batch over the limit (413) in plain text.
func TestTransportErrorsAreProblems(t *testing.T) {
	p := newPortal(t, storetest.New(t), 0, 0)
	ann := p.user("ann", policy.RoleMember, "", "")
	tok, _ := p.token(ann)
	ping := `{"jsonrpc":"2.0","id":1,"method":"ping"}`
	for _, tt := range []struct {
		name, method, contentType, accept, body string
		status                                  int
		allow                                   string
	}{
		{"no accept", "POST", "application/json", "", ping, http.StatusBadRequest, ""},
		{"get", "GET", "", "text/event-stream", "", http.StatusMethodNotAllowed, "POST"},
		{"delete", "DELETE", "", "", "", http.StatusMethodNotAllowed, "POST"},
		{"not json", "POST", "text/plain", "application/json, text/event-stream", ping, http.StatusUnsupportedMediaType, ""},
		{"malformed", "POST", "application/json", "application/json, text/event-stream", "{", http.StatusBadRequest, ""},
		{"batch too large", "POST", "application/json", "application/json, text/event-stream", "[" + strings.Repeat(ping+",", 30) + ping + "]", http.StatusRequestEntityTooLarge, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var body io.Reader
			if tt.body != "" {
				body = bytes.NewReader([]byte(tt.body))
			}
			req, err := http.NewRequest(tt.method, p.url+"/mcp", body)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+tok)
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			if tt.accept != "" {
				req.Header.Set("Accept", tt.accept)
			}
			req.Header.Set("Mcp-Protocol-Version", "2025-03-26")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.status {
				t.Fatalf("got status %d (%s), want %d", resp.StatusCode, raw, tt.status)
			}
			if got := resp.Header.Get("Content-Type"); got != "application/problem+json" {
				t.Errorf("got Content-Type %q (body %q), want application/problem+json", got, raw)
			}
			var doc struct {
				Type, Title, Detail, Instance string
				Status                        int
			}
			if err := json.Unmarshal(raw, &doc); err != nil {
				t.Fatalf("body %q is not a problem document: %v", raw, err)
			}
			if doc.Status != tt.status || doc.Title != http.StatusText(tt.status) || doc.Type != "about:blank" || doc.Detail == "" || doc.Instance != "/mcp" {
				t.Errorf("got problem %+v, want status %d, title %q, a detail and instance /mcp", doc, tt.status, http.StatusText(tt.status))
			}
			if got := resp.Header.Get("Allow"); got != tt.allow {
				t.Errorf("got Allow %q, want %q", got, tt.allow)
			}
		})
	}
}
