package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestServeMCP runs the real serve command and calls a tool of its MCP
// endpoint with a token made by `portico token create`, under the rate
// limit set by --mcp-calls-per-minute.
func TestServeMCP(t *testing.T) {
	vars := map[string]string{"PORTICO_DATA_DIR": t.TempDir(), "PORTICO_ADDR": "127.0.0.1:0", "PORTICO_MCP_CALLS_PER_MINUTE": "4"}
	e, _, _ := testEnv(vars, "a long enough password\n")
	if err := runEnv(context.Background(), []string{"user", "create", "--username", "ops", "--password-stdin"}, e); err != nil {
		t.Fatal(err)
	}
	e, tokOut, _ := testEnv(vars, "")
	if err := runEnv(context.Background(), []string{"token", "create", "--username", "ops"}, e); err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(tokOut.String())

	e, _, logs := testEnv(vars, "")
	addr := startServing(t, e).addr

	call := func() (int, string) {
		t.Helper()
		body := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search_apis","arguments":{"query":"payments"}}}`
		req, _ := http.NewRequest("POST", "http://"+addr+"/mcp", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	status, body := call()
	if status != 200 || !strings.Contains(body, `"total":0`) || strings.Contains(body, `"isError":true`) {
		t.Fatalf("first call: %d %s", status, body)
	}
	// 4 calls a minute allow one at once.
	if status, body = call(); status != 200 || !strings.Contains(body, "Rate limit reached: 4 calls a minute per token") {
		t.Errorf("second call: %d %s, want the rate limit", status, body)
	}
	// The server's log is buffered: wait for the batch with the calls.
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(logs.String(), "mcp call") && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(logs.String(), "mcp call") || strings.Contains(logs.String(), token) {
		t.Errorf("logs: want the calls, never the token:\n%s", logs.String())
	}
}
