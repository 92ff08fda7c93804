package node

import (
	"bufio"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/gatewaytest"
)

// BenchmarkInstallOneKeyChange is a key revocation reaching a node at 10,000
// routes and 50,000 keys, as the sync loop handles it: decode the wire
// delta, apply it and check the hash, swap, append it to the last-known-good
// journal with fsync (and, every so many changes, the background snapshot
// that shortens the journal).
func BenchmarkInstallOneKeyChange(b *testing.B) {
	st, err := gatewaytest.State(1, gatewaytest.Config{APIs: 10_000, Keys: 50_000, Upstream: "http://10.0.0.1:8080/api", RatePerMinute: 600})
	if err != nil {
		b.Fatal(err)
	}
	n := New(Options{DataDir: b.TempDir()})
	if err := n.Install(st); err != nil {
		b.Fatal(err)
	}
	src := gatewaytest.NewSource(st)
	log := slog.New(slog.DiscardHandler)
	var s syncState
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		cur, _ := src.Snapshot(b.Context())
		k, _ := cur.Key("k000001")
		c := *k
		c.App = "app-" + string(rune('a'+i%26))
		if _, err := src.Change(gateway.Delta{Keys: gateway.Changes[gateway.Key]{Upsert: []gateway.Key{c}}}); err != nil {
			b.Fatal(err)
		}
		d, ok, err := src.DeltaSince(b.Context(), n.Current().Head())
		if err != nil || !ok {
			b.Fatal("no delta", err)
		}
		body := d.Encode()
		b.StartTimer()
		n.receiveDelta(body, &s, log)
		if s.typ != gateway.MsgAck || n.Current().Version() != d.Version {
			b.Fatalf("not applied: %+v", s.rejected)
		}
	}
}

// BenchmarkHandle is the data plane's hot path for one request, as the
// server calls it: route, key, rate limit, header edits, the upstream call
// over a kept-alive loopback connection (a fasthttp server answering a
// fixed body), metrics and usage. Its allocations per request are the
// figure to watch; its time includes the upstream's.
func BenchmarkHandle(b *testing.B) {
	b.Run("access log off", func(b *testing.B) { benchmarkHandle(b, nil) })
	// As portico-gateway writes it (--access-log on, text), to a writer that
	// keeps nothing.
	b.Run("access log on", func(b *testing.B) { benchmarkHandle(b, NewAccessLog(io.Discard, false)) })
	// A browser app's request to a route with CORS origins: the upstream's
	// CORS headers removed, the node's set.
	b.Run("cors on", func(b *testing.B) { benchmarkHandle(b, nil, "https://app.example.com") })
}

func benchmarkHandle(b *testing.B, access *AccessLog, corsOrigins ...string) {
	serve := handleFixture(b, access, corsOrigins...)
	for b.Loop() {
		serve()
	}
}

// The hot path's allocations per forwarded request, with the access log on:
// the request id, the upstream path and the benchmark's own (a change that
// makes the handler's state escape, such as an access log entry pointing
// into it, shows here).
func TestHandleAllocations(t *testing.T) {
	if raceDetector {
		t.Skip("the race detector allocates on its own; the count is checked by go test without -race")
	}
	serve := handleFixture(t, NewAccessLog(io.Discard, false))
	serve()
	if n := testing.AllocsPerRun(200, serve); n > 3 {
		t.Errorf("allocations per forwarded request: got %v, want at most 3", n)
	}
	// A browser app's request to a route with CORS origins costs none more.
	serve = handleFixture(t, NewAccessLog(io.Discard, false), "https://other.example", "https://app.example.com")
	serve()
	if n := testing.AllocsPerRun(200, serve); n > 3 {
		t.Errorf("allocations per forwarded request with CORS: got %v, want at most 3", n)
	}
}

// handleFixture returns a function serving one request through a node's
// header hook and handler to a loopback upstream, failing tb unless it is
// answered 200. With corsOrigins, the route has them, the request comes
// from the last and the upstream answers with CORS headers of its own;
// the answer must carry the node's.
func handleFixture(tb testing.TB, access *AccessLog, corsOrigins ...string) func() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	up := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		ctx.SetContentType("application/json")
		if len(corsOrigins) > 0 {
			ctx.Response.Header.Set("Access-Control-Allow-Origin", "*")
		}
		ctx.SetBodyString(`{"id":1,"name":"item","ok":true}`)
	}}
	go up.Serve(ln)
	tb.Cleanup(func() { up.Shutdown() })
	const key = "ptk_bench_0123456789abcdef0123456789abcdef"
	st, err := gateway.NewState(1,
		[]gateway.Route{{API: "bench", Major: 1, Targets: []string{"http://" + ln.Addr().String() + "/v1"}, State: gateway.StatePublished, CORSOrigins: corsOrigins}},
		[]gateway.Plan{{ID: "bench", RatePerMinute: 100_000_000, Burst: 10_000_000}},
		[]gateway.Key{{ID: "kbench", Hash: gateway.HashKey(key), Subscription: "sub-bench", Team: "bench", App: "wrk", API: "bench", Major: 1, Plan: "bench", State: gateway.KeyActive}})
	if err != nil {
		tb.Fatal(err)
	}
	n := New(Options{DataDir: tb.TempDir(), AccessLog: access})
	if err := n.Install(st); err != nil {
		tb.Fatal(err)
	}
	client := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}
	var ctx fasthttp.RequestCtx
	var req fasthttp.Request
	req.SetRequestURI("/bench/v1/items")
	req.Header.SetHost("gateway.example")
	req.Header.Set("X-API-Key", key)
	req.Header.Set("User-Agent", "wrk")
	var origin string
	if len(corsOrigins) > 0 {
		origin = corsOrigins[len(corsOrigins)-1]
		req.Header.Set("Origin", origin)
	}
	return func() {
		ctx.Init(&req, client, nil)
		n.bodyAllowance(&ctx.Request.Header) // as the server calls it, before the body
		n.handle(&ctx)
		if ctx.Response.StatusCode() != fasthttp.StatusOK {
			tb.Fatalf("status %d: %s", ctx.Response.StatusCode(), ctx.Response.Body())
		}
		if got := ctx.Response.Header.Peek("Access-Control-Allow-Origin"); string(got) != origin {
			tb.Fatalf("Access-Control-Allow-Origin %q, want %q", got, origin)
		}
	}
}

// A request without a body (Content-Length -2 in fasthttp: neither
// Content-Length nor Transfer-Encoding, as every GET) or with a small one
// is let through by the header hook without its route or key being looked
// at; only a larger or chunked body has them checked there.
func TestBodyAllowanceChecksOnlyLargeBodies(t *testing.T) {
	const key = "ptk_allow_0123456789abcdef0123456789abcdef"
	st, err := gateway.NewState(1,
		[]gateway.Route{{API: "items", Major: 1, Targets: []string{"http://127.0.0.1:1/v1"}, State: gateway.StatePublished}},
		[]gateway.Plan{{ID: "p"}},
		[]gateway.Key{{ID: "k", Hash: gateway.HashKey(key), Subscription: "s", Team: "t", App: "a", API: "items", Major: 1, Plan: "p", State: gateway.KeyActive}})
	if err != nil {
		t.Fatal(err)
	}
	n := New(Options{DataDir: t.TempDir()})
	if err := n.Install(st); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, raw string
		want      int
	}{
		{"GET", "GET /items/v1/x HTTP/1.1\r\nHost: g\r\nX-API-Key: " + key + "\r\n\r\n", unauthenticatedBody},
		{"small body", "POST /items/v1/x HTTP/1.1\r\nHost: g\r\nX-API-Key: " + key + "\r\nContent-Length: 10\r\n\r\n", unauthenticatedBody},
		{"large body", "POST /items/v1/x HTTP/1.1\r\nHost: g\r\nX-API-Key: " + key + "\r\nContent-Length: 1000000\r\n\r\n", n.opts.MaxRequestBody},
		{"chunked body", "POST /items/v1/x HTTP/1.1\r\nHost: g\r\nX-API-Key: " + key + "\r\nTransfer-Encoding: chunked\r\n\r\n", n.opts.MaxRequestBody},
		{"large body, unknown key", "POST /items/v1/x HTTP/1.1\r\nHost: g\r\nX-API-Key: ptk_nobody\r\nContent-Length: 1000000\r\n\r\n", unauthenticatedBody},
	} {
		var h fasthttp.RequestHeader
		if err := h.Read(bufio.NewReader(strings.NewReader(tt.raw))); err != nil {
			t.Fatal(err)
		}
		// A GET's key is valid: were it looked at, the allowance would be
		// the full limit, and the key hashed twice per request.
		if got := n.allowance(&h); got != tt.want {
			t.Errorf("%s: allowance %d, want %d", tt.name, got, tt.want)
		}
	}
}
