package node

import (
	"bufio"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/valyala/fasthttp"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/gatewaytest"
)

// metricsNode is a node with its own registry serving the generated
// configuration of apis routes (api-{i}/v1 to a loopback upstream answering
// 200, key i of api-i), the routes in retired retired.
func metricsNode(t *testing.T, apis int, retired ...string) (*Node, *gatewaytest.Source) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	up := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) { ctx.SetBodyString("ok") }}
	go up.Serve(ln)
	t.Cleanup(func() { up.Shutdown() })
	routes, plans, keys := gatewaytest.Items(gatewaytest.Config{APIs: apis, Keys: apis, Upstream: "http://" + ln.Addr().String() + "/v1"})
	for i := range routes {
		for _, id := range retired {
			if routes[i].ID() == id {
				routes[i].State, routes[i].RetiredAt = gateway.StateRetired, time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
			}
		}
	}
	st, err := gateway.NewState(1, routes, plans, keys)
	if err != nil {
		t.Fatal(err)
	}
	n := New(Options{DataDir: t.TempDir(), Registry: prometheus.NewRegistry()})
	if err := n.Install(st); err != nil {
		t.Fatal(err)
	}
	return n, gatewaytest.NewSource(st)
}

// request sends GET /{route}/x with key i (none when i < 0) through the
// node's handler and returns the status.
func request(n *Node, route string, i int) int {
	var ctx fasthttp.RequestCtx
	var req fasthttp.Request
	req.SetRequestURI("/" + route + "/x")
	req.Header.SetHost("gateway.example")
	if i >= 0 {
		req.Header.Set("X-API-Key", gatewaytest.Key(i))
	}
	ctx.Init(&req, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}, nil)
	n.handle(&ctx)
	return ctx.Response.StatusCode()
}

// scrape returns the series /metrics exposes whose name starts with
// prefix, one line each ("name{labels} value").
func scrape(t *testing.T, n *Node, prefix string) []string {
	t.Helper()
	rec := httptest.NewRecorder()
	n.AdminHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("/metrics: %d", rec.Code)
	}
	var out []string
	sc := bufio.NewScanner(rec.Body)
	for sc.Scan() {
		if line := sc.Text(); strings.HasPrefix(line, prefix) {
			out = append(out, line)
		}
	}
	return out
}

// seriesOf returns the lines of series that have the label api="route".
func seriesOf(lines []string, route string) []string {
	var out []string
	for _, l := range lines {
		if strings.Contains(l, `api="`+route+`"`) {
			out = append(out, l)
		}
	}
	return out
}

func hasLine(lines []string, line string) bool {
	for _, l := range lines {
		if l == line {
			return true
		}
	}
	return false
}

// A configuration's routes cost no series before their traffic: /metrics
// exposes as many of the node's series at 1,000 routes as at one, and a
// route's series appear with its first request, the upstream histogram
// only for a request forwarded (never for a retired route, which answers
// 410 itself).
func TestMetricsSeriesAreCreatedByTraffic(t *testing.T) {
	one, _ := metricsNode(t, 1)
	base := len(scrape(t, one, "portico_gateway_"))
	n, _ := metricsNode(t, 1000, "api-7/v1")
	before := scrape(t, n, "portico_gateway_")
	t.Logf("series before any request: %d at 1 route, %d at 1,000 routes", base, len(before))
	if len(before) != base {
		t.Errorf("series before any request: %d at 1,000 routes, %d at 1: want as many", len(before), base)
	}
	if s := append(scrape(t, n, "portico_gateway_api_"), scrape(t, n, "portico_gateway_upstream_duration")...); len(s) > 0 {
		t.Errorf("per-API series before any request: %d, e.g. %s", len(s), s[0])
	}

	if got := request(n, "api-3/v1", 3); got != fasthttp.StatusOK {
		t.Fatalf("api-3/v1: %d, want 200", got)
	}
	if got := request(n, "api-7/v1", 7); got != fasthttp.StatusGone {
		t.Fatalf("api-7/v1 (retired): %d, want 410", got)
	}
	if got := request(n, "nothing/v1", -1); got != fasthttp.StatusNotFound {
		t.Fatalf("nothing/v1: %d, want 404", got)
	}
	after := scrape(t, n, "portico_gateway_")
	for _, want := range []string{
		`portico_gateway_api_requests_total{api="api-3/v1",class="2xx"} 1`,
		`portico_gateway_upstream_duration_seconds_count{api="api-3/v1"} 1`,
		`portico_gateway_api_requests_total{api="api-7/v1",class="4xx"} 1`,
		`portico_gateway_api_requests_total{api="none",class="4xx"} 1`,
	} {
		if !hasLine(after, want) {
			t.Errorf("after the requests, no %s", want)
		}
	}
	for _, route := range []string{"api-3/v1", "api-7/v1", "none"} {
		var hist int
		for _, l := range seriesOf(after, route) {
			if strings.HasPrefix(l, "portico_gateway_upstream_duration_seconds") {
				hist++
			}
		}
		// One class counter per route; the histogram's 15 buckets, +Inf,
		// sum and count for the forwarded one.
		want := 1
		if route == "api-3/v1" {
			want = 1 + 18
		}
		if got := len(seriesOf(after, route)); got != want {
			t.Errorf("%s: %d series after one request, want %d (%d of the upstream histogram)", route, got, want, hist)
		}
	}
	if got := seriesOf(after, "api-4/v1"); len(got) > 0 {
		t.Errorf("api-4/v1 had no request but has series: %v", got)
	}
}

// A route that leaves the configuration, by a delta or a snapshot, loses its
// series, and a request that started on the configuration before (and
// ends after) does not bring them back; a route retired by a delta loses
// its upstream histogram and keeps its request counts. The other routes'
// series are untouched.
func TestMetricsOfRemovedRoutesAreDeleted(t *testing.T) {
	n, src := metricsNode(t, 5)
	log := slog.New(slog.DiscardHandler)
	for i := range 5 {
		route := "api-" + strconv.Itoa(i) + "/v1"
		if got := request(n, route, i); got != fasthttp.StatusOK {
			t.Fatalf("%s: %d, want 200", route, got)
		}
		request(n, route, -1) // 401: a second class
	}
	all := scrape(t, n, "portico_gateway_")
	had := map[string]int{}
	for i := range 5 {
		route := "api-" + strconv.Itoa(i) + "/v1"
		if had[route] = len(seriesOf(all, route)); had[route] == 0 {
			t.Fatalf("%s: no series after its requests", route)
		}
	}
	inFlight := n.cfg.Load().routes["api-1/v1"]

	// A delta removes api-1/v1 and retires api-2/v1.
	cur := n.Current()
	r2, _ := cur.Route("api-2/v1")
	retired := *r2
	retired.State, retired.RetiredAt = gateway.StateRetired, time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	if _, err := src.Change(gateway.Delta{Routes: gateway.Changes[gateway.Route]{Upsert: []gateway.Route{retired}, Delete: []string{"api-1/v1"}}}); err != nil {
		t.Fatal(err)
	}
	d, ok, err := src.DeltaSince(t.Context(), cur.Head())
	if err != nil || !ok {
		t.Fatal("no delta", err)
	}
	var s syncState
	n.receiveDelta(d.Encode(), &s, log)
	if s.typ != gateway.MsgAck {
		t.Fatalf("delta not applied: %+v", s.rejected)
	}
	// The request that started before the delta ends after it.
	n.metrics.observe(inFlight.m, fasthttp.StatusOK, time.Millisecond)
	n.metrics.observe(inFlight.m, fasthttp.StatusBadGateway, time.Millisecond)
	after := scrape(t, n, "portico_gateway_")
	if got := seriesOf(after, "api-1/v1"); len(got) > 0 {
		t.Errorf("api-1/v1, deleted by a delta, keeps %d series, e.g. %s", len(got), got[0])
	}
	for _, l := range seriesOf(after, "api-2/v1") {
		if strings.HasPrefix(l, "portico_gateway_upstream_duration_seconds") {
			t.Errorf("api-2/v1, retired, keeps its upstream histogram: %s", l)
			break
		}
	}
	if !hasLine(after, `portico_gateway_api_requests_total{api="api-2/v1",class="2xx"} 1`) {
		t.Errorf("api-2/v1, retired, lost its request counts: %v", seriesOf(after, "api-2/v1"))
	}
	for _, route := range []string{"api-0/v1", "api-3/v1", "api-4/v1"} {
		if got := len(seriesOf(after, route)); got != had[route] {
			t.Errorf("%s, untouched by the delta: %d series, want %d", route, got, had[route])
		}
	}

	// A snapshot without api-3/v1 (and with api-1/v1 back, whose series
	// start again from its first request).
	st, _ := src.Snapshot(t.Context())
	routes, plans, keys := []gateway.Route{}, []gateway.Plan{}, []gateway.Key{}
	for r := range st.Routes() {
		if r.ID() != "api-3/v1" {
			routes = append(routes, *r)
		}
	}
	r1, _ := cur.Route("api-1/v1")
	routes = append(routes, *r1)
	for p := range st.Plans() {
		plans = append(plans, *p)
	}
	for k := range st.Keys() {
		keys = append(keys, *k)
	}
	full, err := gateway.NewState(st.Version()+1, routes, plans, keys)
	if err != nil {
		t.Fatal(err)
	}
	n.receiveSnapshot(full.EncodeSnapshot(), &s, log)
	if s.typ != gateway.MsgAck || n.Current().Version() != full.Version() {
		t.Fatalf("snapshot not applied: %+v", s.rejected)
	}
	after = scrape(t, n, "portico_gateway_")
	if got := seriesOf(after, "api-3/v1"); len(got) > 0 {
		t.Errorf("api-3/v1, left out of a snapshot, keeps %d series, e.g. %s", len(got), got[0])
	}
	if got := seriesOf(after, "api-1/v1"); len(got) > 0 {
		t.Errorf("api-1/v1, back without a request yet, has %d series, e.g. %s", len(got), got[0])
	}
	if got := request(n, "api-1/v1", 1); got != fasthttp.StatusOK {
		t.Fatalf("api-1/v1 back: %d, want 200", got)
	}
	after = scrape(t, n, "portico_gateway_")
	if !hasLine(after, `portico_gateway_api_requests_total{api="api-1/v1",class="2xx"} 1`) ||
		!hasLine(after, `portico_gateway_upstream_duration_seconds_count{api="api-1/v1"} 1`) {
		t.Errorf("api-1/v1 back, after one request: %v", seriesOf(after, "api-1/v1"))
	}
	for _, route := range []string{"api-0/v1", "api-4/v1"} {
		if got := len(seriesOf(after, route)); got != had[route] {
			t.Errorf("%s, in every configuration: %d series, want %d", route, got, had[route])
		}
	}
}
