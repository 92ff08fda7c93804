package agent

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/portico-dev/portico/logtest"
)

// TestPanicAnsweredAsInternalError: a panic while answering an MCP request
// is that request's internal error, logged with its stack, and the process
// goes on. (The SDK answers in a goroutine of its own: unrecovered there, a
// panic ends the portal.)
func TestPanicAnsweredAsInternalError(t *testing.T) {
	logs := &logtest.Buffer{}
	s := &Server{log: slog.New(slog.NewTextHandler(logs, nil))}
	h := s.recoverPanics(func(context.Context, string, mcp.Request) (mcp.Result, error) {
		panic("assignment to entry in nil map") // what the SDK once did
	})
	res, err := h(context.Background(), "tools/call", &mcp.CallToolRequest{})
	var rpc *jsonrpc.Error
	if res != nil || !errors.As(err, &rpc) || rpc.Code != jsonrpc.CodeInternalError {
		t.Fatalf("answer %v, %v; want an internal error", res, err)
	}
	if out := logs.String(); !strings.Contains(out, "mcp request panicked") || !strings.Contains(out, "assignment to entry in nil map") || !strings.Contains(out, "recover_test.go") {
		t.Errorf("log lacks the panic and its stack:\n%s", out)
	}
	// Without a panic the answer passes through.
	want := &mcp.CallToolResult{}
	if res, err := s.recoverPanics(func(context.Context, string, mcp.Request) (mcp.Result, error) { return want, nil })(context.Background(), "tools/call", &mcp.CallToolRequest{}); res != want || err != nil {
		t.Errorf("answer without a panic: %v, %v", res, err)
	}
}
