package agent_test

import (
	"context"
	"io/fs"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/samples"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// BenchmarkToolCalls measures tool calls through the whole portal (HTTP,
// token check, MCP session, tool) against the same search through the JSON
// API, in one run so that the ratio holds on a noisy machine:
//
//	go test ./agent -run '^$' -bench ToolCalls -benchtime 200x
func BenchmarkToolCalls(b *testing.B) {
	p := newPortal(b, storetest.New(b), 1_000_000, 1_000_000)
	data, err := fs.ReadFile(samples.FS(), "stripe.com__stripe__2018-05-21.yaml")
	if err != nil {
		b.Fatal(err)
	}
	p.api("payments", lifecycle.APIInput{Slug: "stripe", Name: "Stripe", Visibility: store.VisibilityPublic}, data, []string{"2018.5.21"})
	p.catalogFixture()
	u := p.user("bench", policy.RoleMember, "", "")
	token, _ := p.token(u)
	cs, err := p.connect(token)
	if err != nil {
		b.Fatal(err)
	}
	defer cs.Close()
	ctx := context.Background()
	callTool := func(name string, args map[string]any) {
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: name, Arguments: args})
		if err != nil || res.IsError {
			b.Fatalf("%s: %v %+v", name, err, res)
		}
	}
	measure := func(fn func()) time.Duration {
		start := time.Now()
		fn()
		return time.Since(start)
	}
	var api, search, getOp time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		api += measure(func() {
			if status := p.getJSON("/api/v1/search?q=customer", token, nil); status != 200 {
				b.Fatalf("search: %d", status)
			}
		})
		search += measure(func() { callTool("search_apis", map[string]any{"query": "customer"}) })
		getOp += measure(func() {
			callTool("get_operation", map[string]any{"api": "stripe", "version": "2018.5.21", "operation": "POST /v1/customers/{customer}"})
		})
	}
	n := float64(b.N)
	b.ReportMetric(float64(api.Microseconds())/n, "api-search-µs/op")
	b.ReportMetric(float64(search.Microseconds())/n, "mcp-search-µs/op")
	b.ReportMetric(float64(getOp.Microseconds())/n, "mcp-get-operation-µs/op")
	b.ReportMetric(float64(search)/float64(api), "mcp/api-search-ratio")
}
