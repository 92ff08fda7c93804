package agent_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/portico-dev/portico/agent"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store/storetest"
)

// TestBatchIsBounded: a JSON-RPC batch (MCP 2025-03-26) holds at most agent.MaxBatch messages. Listing the tools is
// not a rate-limited call, so a batch of thousands of tools/list, a request of a few hundred kilobytes, had the
// portal build and send tens of megabytes.
func TestBatchIsBounded(t *testing.T) {
	p := newPortal(t, storetest.New(t), 0, 0)
	ann := p.user("ann", policy.RoleMember, "", "")
	tok, _ := p.token(ann)
	batch := func(n int) []byte {
		var b bytes.Buffer
		b.WriteString("[")
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"jsonrpc":"2.0","id":%d,"method":"tools/list"}`, i)
		}
		b.WriteString("]")
		return b.Bytes()
	}
	for _, tt := range []struct {
		name    string
		body    []byte
		status  int
		answers int
	}{
		{"two", batch(2), http.StatusOK, 2},
		{"at the limit", batch(agent.MaxBatch), http.StatusOK, agent.MaxBatch},
		{"one more", batch(agent.MaxBatch + 1), http.StatusRequestEntityTooLarge, 0},
		{"thousands", batch(3000), http.StatusRequestEntityTooLarge, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest("POST", p.url+"/mcp", bytes.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json, text/event-stream")
			req.Header.Set("Mcp-Protocol-Version", "2025-03-26")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.status {
				t.Fatalf("batch of %d bytes: got status %d and %d bytes, want %d", len(tt.body), resp.StatusCode, len(body), tt.status)
			}
			if tt.answers > 0 {
				var answers []json.RawMessage
				if err := json.Unmarshal(body, &answers); err != nil || len(answers) != tt.answers {
					t.Errorf("got %d answers (%v), want %d", len(answers), err, tt.answers)
				}
			}
		})
	}
}
