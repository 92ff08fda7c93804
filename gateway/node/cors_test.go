package node_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
)

// corsState: ledger v1 allows one origin, maps v1 any, ledger v2 none;
// down v1 has an unreachable target, slow v1 a response timeout of 200 ms,
// and old v1 is retired, all with the origin allowed.
func corsState(t *testing.T, upstream, dead string) *gateway.State {
	t.Helper()
	const app = "https://app.example.com"
	st, err := gateway.NewState(1,
		[]gateway.Route{
			{API: "ledger", Major: 1, Targets: []string{upstream}, State: gateway.StatePublished, CORSOrigins: []string{"http://localhost:3000", app}},
			{API: "ledger", Major: 2, Targets: []string{upstream}, State: gateway.StatePublished},
			{API: "maps", Major: 1, Targets: []string{upstream}, State: gateway.StatePublished, CORSOrigins: []string{gateway.AnyOrigin}},
			{API: "down", Major: 1, Targets: []string{dead}, State: gateway.StatePublished, CORSOrigins: []string{app}},
			{API: "slow", Major: 1, Targets: []string{upstream}, ResponseTimeoutMS: 200, State: gateway.StatePublished, CORSOrigins: []string{app}},
			{API: "old", Major: 1, Targets: []string{upstream}, State: gateway.StateRetired, RetiredAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), CORSOrigins: []string{app}},
		},
		[]gateway.Plan{{ID: "big", RatePerMinute: 1_000_000, Burst: 100_000}, {ID: "tiny", RatePerMinute: 1, Burst: 2}},
		[]gateway.Key{
			{ID: "k1", Hash: gateway.HashKey("ptk_k1_secret"), Subscription: "sub-1", Team: "acme", App: "web", API: "ledger", Major: 1, Plan: "big", State: gateway.KeyActive},
			{ID: "k2", Hash: gateway.HashKey("ptk_k2_secret"), Subscription: "sub-2", Team: "acme", App: "web", API: "ledger", Major: 1, Plan: "tiny", State: gateway.KeyActive},
			{ID: "k3", Hash: gateway.HashKey("ptk_k3_secret"), Subscription: "sub-3", Team: "acme", App: "web", API: "ledger", Major: 2, Plan: "big", State: gateway.KeyActive},
			{ID: "k4", Hash: gateway.HashKey("ptk_k4_secret"), Subscription: "sub-4", Team: "acme", App: "web", API: "down", Major: 1, Plan: "big", State: gateway.KeyActive},
			{ID: "k5", Hash: gateway.HashKey("ptk_k5_secret"), Subscription: "sub-5", Team: "acme", App: "web", API: "slow", Major: 1, Plan: "big", State: gateway.KeyActive},
		})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func do(t *testing.T, method, url string, header ...string) response {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return response{resp.StatusCode, resp.Header, []byte(b.String())}
}

// TestCORS: through a real listener, a preflight from an allowed origin is
// answered by the node (204, no key, not forwarded, not counted against
// the plan's limit); one from another origin, or to a route without CORS,
// is refused as before without CORS headers; every answer to an allowed
// origin, the node's problems included, carries the origin and the
// exposed headers, and the upstream's own CORS headers give way to the
// node's on a route with CORS, and pass on a route without.
func TestCORS(t *testing.T) {
	var hits atomic.Int64
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if strings.HasPrefix(r.URL.Path, "/sleep") {
			time.Sleep(time.Second) // beyond slow v1's response timeout
		}
		w.Header().Set("Access-Control-Allow-Origin", "https://upstream.example")
		w.Header().Set("Access-Control-Allow-Credentials", "true")
		w.Header().Set("Access-Control-Expose-Headers", "X-Total")
		w.Header().Set("X-Total", "7")
		w.Write([]byte("ok"))
	}))
	t.Cleanup(up.Close)
	p := startPortal(t, corsState(t, up.URL, deadTarget(t)))
	n := startNode(t, p.srv.URL, "tok-a", t.TempDir())
	waitVersion(t, n.Node, 1)
	const app = "https://app.example.com"

	preflight := func(path, origin string) response {
		return do(t, http.MethodOptions, n.url+path, "Origin", origin, "Access-Control-Request-Method", "PUT",
			"Access-Control-Request-Headers", "x-api-key,content-type,x-trace")
	}
	noCORS := func(what string, r response) {
		t.Helper()
		for name := range r.header {
			if strings.HasPrefix(name, "Access-Control-") {
				t.Errorf("%s: %s: %q, want no CORS header", what, name, r.header.Values(name))
			}
		}
	}
	allowed := func(what string, r response, origin string) {
		t.Helper()
		if got := r.header.Values("Access-Control-Allow-Origin"); !slices.Equal(got, []string{origin}) {
			t.Errorf("%s: Access-Control-Allow-Origin %q, want just %q", what, got, origin)
		}
		if !slices.Contains(r.header.Values("Vary"), "Origin") {
			t.Errorf("%s: Vary %q, want Origin", what, r.header.Values("Vary"))
		}
		exposed := strings.Join(r.header.Values("Access-Control-Expose-Headers"), ", ")
		for _, h := range []string{"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After", "X-Request-Id", "Deprecation", "Sunset", "Link"} {
			if !strings.Contains(exposed, h) {
				t.Errorf("%s: Access-Control-Expose-Headers %q lack %s", what, exposed, h)
			}
		}
		if c := r.header.Get("Access-Control-Allow-Credentials"); c != "" {
			t.Errorf("%s: Access-Control-Allow-Credentials %q, want none", what, c)
		}
	}

	// Preflights from allowed origins: the node's 204, nothing forwarded,
	// many more than the tiny plan allows.
	for range 5 {
		r := preflight("/ledger/v1/items/1", app)
		if r.status != 204 || len(r.body) != 0 {
			t.Fatalf("preflight: %d %s, want 204 without a body", r.status, r.body)
		}
		if r.header.Get("Access-Control-Allow-Origin") != app || !slices.Contains(r.header.Values("Vary"), "Origin") {
			t.Errorf("preflight: %v", r.header)
		}
		if got := r.header.Get("Access-Control-Allow-Methods"); got != "PUT" {
			t.Errorf("preflight: Access-Control-Allow-Methods %q, want PUT", got)
		}
		allowedHeaders := strings.ToLower(r.header.Get("Access-Control-Allow-Headers"))
		for _, h := range []string{"x-api-key", "authorization", "content-type", "x-trace"} {
			if !strings.Contains(allowedHeaders, h) {
				t.Errorf("preflight: Access-Control-Allow-Headers %q lack %s", allowedHeaders, h)
			}
		}
		if got := r.header.Get("Access-Control-Max-Age"); got != "600" {
			t.Errorf("preflight: Access-Control-Max-Age %q, want 600", got)
		}
		if r.header.Get("X-Request-Id") == "" {
			t.Error("preflight: no X-Request-Id")
		}
	}
	if r := preflight("/ledger/v1/items/1", "http://localhost:3000"); r.status != 204 || r.header.Get("Access-Control-Allow-Origin") != "http://localhost:3000" {
		t.Errorf("preflight from the second origin: %d %v", r.status, r.header)
	}
	if r := preflight("/maps/v1/tiles", "https://anyone.example"); r.status != 204 || r.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("preflight to a route allowing any origin: %d %v", r.status, r.header)
	}
	// Requested headers that are no list of names are not echoed.
	if r := do(t, http.MethodOptions, n.url+"/maps/v1/tiles", "Origin", app, "Access-Control-Request-Method", "GET",
		"Access-Control-Request-Headers", "x-a, bad header"); r.status != 204 || r.header.Get("Access-Control-Allow-Headers") != "X-API-Key, Authorization, Content-Type" {
		t.Errorf("preflight asking for an invalid header name: %d %q", r.status, r.header.Get("Access-Control-Allow-Headers"))
	}
	// A retired route's preflight passes, so that the app reads its 410.
	if r := preflight("/old/v1/x", app); r.status != 204 {
		t.Errorf("preflight to a retired route: %d", r.status)
	}
	if got := hits.Load(); got != 0 {
		t.Errorf("preflights reached the upstream %d times", got)
	}

	// Other origins, and routes without CORS: as before.
	for _, c := range []struct{ what, path, origin string }{
		{"another origin", "/ledger/v1/items/1", "https://evil.example"},
		{"the origin with another port", "/ledger/v1/items/1", "https://app.example.com:8443"},
		{"a route without CORS", "/ledger/v2/items/1", app},
	} {
		r := preflight(c.path, c.origin)
		if r.status != 401 {
			t.Errorf("preflight from %s: %d, want 401", c.what, r.status)
		}
		noCORS("preflight from "+c.what, r)
	}
	if r := do(t, http.MethodOptions, n.url+"/ledger/v1/items/1", "Origin", app); r.status != 401 {
		t.Errorf("OPTIONS without Access-Control-Request-Method (no preflight): %d, want 401", r.status)
	}

	// Actual requests from the allowed origin: the upstream's answer with
	// the node's CORS headers only (its Expose-Headers kept beside).
	r := do(t, http.MethodGet, n.url+"/ledger/v1/items/1", "Origin", app, "X-API-Key", "ptk_k1_secret")
	if r.status != 200 || string(r.body) != "ok" {
		t.Fatalf("GET from the allowed origin: %d %s", r.status, r.body)
	}
	allowed("the upstream's answer", r, app)
	if exposed := strings.Join(r.header.Values("Access-Control-Expose-Headers"), ", "); !strings.Contains(exposed, "X-Total") {
		t.Errorf("the upstream's exposed X-Total is lost: %q", exposed)
	}
	r = do(t, http.MethodGet, n.url+"/ledger/v1/items/1", "Origin", "https://evil.example", "X-API-Key", "ptk_k1_secret")
	if r.status != 200 || r.header.Get("Vary") != "Origin" {
		t.Errorf("GET from another origin: %d, Vary %q", r.status, r.header.Values("Vary"))
	}
	// The upstream's Allow-Origin and Allow-Credentials are removed (its
	// Expose-Headers, which allow nothing by themselves, stay).
	r.header.Del("Access-Control-Expose-Headers")
	noCORS("the answer to another origin", r)
	// Without CORS, the upstream's headers pass as before.
	r = do(t, http.MethodGet, n.url+"/ledger/v2/items/1", "Origin", app, "X-API-Key", "ptk_k3_secret")
	if got := r.header.Get("Access-Control-Allow-Origin"); r.status != 200 || got != "https://upstream.example" || r.header.Get("Vary") != "" {
		t.Errorf("a route without CORS: %d, Access-Control-Allow-Origin %q, Vary %q; want the upstream's", r.status, got, r.header.Get("Vary"))
	}

	// The node's own problems carry the origin, so the app reads them.
	for _, c := range []struct {
		what, path string
		status     int
		header     []string
	}{
		{"no key", "/ledger/v1/items/1", 401, nil},
		{"unknown key", "/ledger/v1/items/1", 401, []string{"X-API-Key", "ptk_nobody"}},
		{"key of another version", "/ledger/v1/items/1", 403, []string{"X-API-Key", "ptk_k3_secret"}},
		{"unreachable upstream", "/down/v1/x", 502, []string{"X-API-Key", "ptk_k4_secret"}},
		{"upstream timeout", "/slow/v1/sleep", 504, []string{"X-API-Key", "ptk_k5_secret"}},
		{"invalid path", `/ledger/v1/a%5C..%5Cb`, 400, []string{"X-API-Key", "ptk_k1_secret"}},
		{"retired", "/old/v1/x", 410, []string{"X-API-Key", "ptk_k1_secret"}},
		{"any origin, no key", "/maps/v1/tiles", 401, nil},
	} {
		r := do(t, http.MethodGet, n.url+c.path, append([]string{"Origin", app}, c.header...)...)
		if r.status != c.status {
			t.Errorf("%s: %d, want %d: %s", c.what, r.status, c.status, r.body)
			continue
		}
		want := app
		if strings.HasPrefix(c.path, "/maps/") {
			want = "*"
		}
		allowed(c.what, r, want)
	}
	// A request the node refuses before it looks for the key: a body of
	// unknown length (a Transfer-Encoding other than chunked), 400 and
	// the connection closed.
	conn, err := net.Dial("tcp", strings.TrimPrefix(n.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "POST /ledger/v1/items HTTP/1.1\r\nHost: gw\r\nOrigin: "+app+"\r\nX-API-Key: ptk_k1_secret\r\nTransfer-Encoding: identity\r\nContent-Length: 2\r\n\r\nab")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("a body of unknown length: %d, want 400", resp.StatusCode)
	} else {
		allowed("a body of unknown length", response{resp.StatusCode, resp.Header, nil}, app)
	}
	// An unknown route has no origins: its 404 has no CORS headers.
	if r := do(t, http.MethodGet, n.url+"/nowhere/v1/x", "Origin", app, "X-API-Key", "ptk_k1_secret"); r.status != 404 {
		t.Errorf("an unknown route: %d, want 404", r.status)
	} else {
		noCORS("an unknown route", r)
	}
	// The tiny plan's burst of 2: the preflights took none of it.
	for i := range 2 {
		if r := do(t, http.MethodGet, n.url+"/ledger/v1/items/1", "Origin", app, "X-API-Key", "ptk_k2_secret"); r.status != 200 {
			t.Fatalf("request %d of the tiny plan: %d", i+1, r.status)
		}
	}
	r = do(t, http.MethodGet, n.url+"/ledger/v1/items/1", "Origin", app, "X-API-Key", "ptk_k2_secret")
	if r.status != 429 || r.header.Get("Retry-After") == "" {
		t.Fatalf("over the tiny plan: %d, Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
	allowed("the rate limit's 429", r, app)
	if !strings.Contains(n.logs.String(), "cors preflight") {
		t.Error("the access log names no cors preflight")
	}
}
