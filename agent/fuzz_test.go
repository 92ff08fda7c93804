package agent_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store/storetest"
)

// rpcAnswer is a JSON-RPC answer of the MCP endpoint.
type rpcAnswer struct {
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int64  `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// fuzzPortal serves the catalog fixture and returns a function posting
// one JSON-RPC request to /mcp as a catalog reader, without the SDK's
// client (which puts the resource URI in a header), as any client may.
func fuzzPortal(f *testing.F) (*portal, func(t *testing.T, method string, params any) (rpcAnswer, string)) {
	p := newPortal(f, storetest.New(f), 1<<30, 1<<30)
	p.catalogFixture()
	token, _ := p.token(p.user("ann", policy.RoleMember, "commerce", policy.RoleViewer))
	client := &http.Client{Timeout: 10 * time.Second}
	return p, func(t *testing.T, method string, params any) (rpcAnswer, string) {
		t.Helper()
		body, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
		if err != nil {
			t.Fatal(err)
		}
		req, err := http.NewRequest("POST", p.url+"/mcp", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("Mcp-Protocol-Version", "2025-03-26")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		var a rpcAnswer
		if resp.StatusCode != http.StatusOK || json.Unmarshal(raw, &a) != nil || (a.Error == nil) == (a.Result == nil) {
			t.Fatalf("%s %s: status %d, answer %.500q", method, body, resp.StatusCode, raw)
		}
		return a, string(raw)
	}
}

// FuzzReadResource reads arbitrary resource URIs through the MCP endpoint:
// a read answers the OpenAPI description (JSON) of the URI asked, or is
// refused as "resource not found" in a JSON-RPC answer, and never fails
// inside the server.
func FuzzReadResource(f *testing.F) {
	for _, s := range []string{
		"portico://apis/sms/versions/1.0.0/openapi.json",
		"portico://apis/billing/versions/1.1.0/openapi.json",
		"portico://apis/quillwort/versions/1.0.0/openapi.json",
		"portico://apis/nosuch/versions/1.0.0/openapi.json",
		"portico://apis/sms/versions/1.0.0/openapi.yaml",
		"portico://apis/sms%2Fx/versions/1%2E0%2E0/openapi.json",
		"portico://apis/sms/versions/%zz/openapi.json",
		"portico://apis//versions//openapi.json",
		"portico://apis/sms/versions/1.0.0/versions/2/openapi.json",
		"file:///etc/passwd",
		"portico://apis/\x01/versions/\a/openapi.json",
		"portico://apis/" + strings.Repeat("a", 5000) + "/versions/1/openapi.json",
		"",
	} {
		f.Add(s)
	}
	p, post := fuzzPortal(f)
	f.Fuzz(func(t *testing.T, uri string) {
		// What the server reads: JSON carries invalid UTF-8 as U+FFFD.
		var sent string
		if b, err := json.Marshal(uri); err != nil || json.Unmarshal(b, &sent) != nil {
			t.Fatal(err)
		}
		a, raw := post(t, "resources/read", map[string]any{"uri": uri})
		if a.Error != nil {
			if a.Error.Code != jsonrpc.CodeInvalidParams || a.Error.Message != "Resource not found" {
				t.Fatalf("read %q: %s, want resource not found", uri, raw)
			}
		} else {
			var res mcp.ReadResourceResult
			if err := json.Unmarshal(a.Result, &res); err != nil || len(res.Contents) != 1 || res.Contents[0].URI != sent ||
				res.Contents[0].MIMEType != "application/json" || !json.Valid([]byte(res.Contents[0].Text)) {
				t.Fatalf("read %q: %.500s", uri, raw)
			}
		}
		if logs := p.logs.String(); strings.Contains(logs, "failed") {
			t.Fatalf("read %q logged a failure: %s", uri, logs)
		}
	})
}

// FuzzToolArguments calls each tool with arbitrary arguments: the answer is
// a result, a tool error the model reads or an invalid-params error, within
// a bounded size, and never the portal's internal error.
func FuzzToolArguments(f *testing.F) {
	for _, s := range []struct {
		tool uint8
		args string
	}{
		{0, `{"query":"sms"}`},
		{0, `{"query":"","tag":"money","limit":50}`},
		{0, `{"query":"x","state":"nonsense","limit":-1}`},
		{0, `{"query":"` + strings.Repeat("é", 300) + `"}`},
		{1, `{"api":"billing"}`},
		{1, `{"api":"quillwort"}`},
		{1, `{"api":"\u0000\u202e"}`},
		{2, `{"api":"sms","filter":"send"}`},
		{2, `{"api":"sms","version":"9.9.9"}`},
		{3, `{"api":"sms","version":"1.0.0","operation":"sendMessage"}`},
		{3, `{"api":"sms","version":"1.0.0","operation":"GET /nowhere"}`},
		{3, `{"api":"sms","version":"` + strings.Repeat("1", 400) + `","operation":"x"}`},
		{4, `{"state":"active"}`},
		{4, `{"state":7}`},
		{5, `{}`},
		{0, `[1,2]`},
		{1, `null`},
	} {
		f.Add(s.tool, []byte(s.args))
	}
	tools := []string{"search_apis", "get_api", "list_operations", "get_operation", "my_subscriptions", "no_such_tool"}
	p, post := fuzzPortal(f)
	f.Fuzz(func(t *testing.T, tool uint8, args []byte) {
		if !json.Valid(args) {
			return
		}
		name := tools[int(tool)%len(tools)]
		a, raw := post(t, "tools/call", map[string]any{"name": name, "arguments": json.RawMessage(args)})
		if len(raw) > 256<<10 {
			t.Fatalf("%s %s: an answer of %d bytes", name, args, len(raw))
		}
		if a.Error != nil && a.Error.Code != -32602 {
			t.Fatalf("%s %s: %.500s, want a result or invalid params", name, args, raw)
		}
		if strings.Contains(raw, "Something went wrong on the portal") {
			t.Fatalf("%s %s: internal error: %.500s", name, args, raw)
		}
		if logs := p.logs.String(); strings.Contains(logs, "failed") {
			t.Fatalf("%s %s logged a failure: %s", name, args, logs)
		}
	})
}
