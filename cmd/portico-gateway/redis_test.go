package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/gatewaytest"
	"github.com/portico-dev/portico/gateway/ratelimit/redistest"
)

// Two real nodes share one subscription's rate limit in Redis; when Redis
// goes away they keep serving on their own limits and say so in /metrics.
func TestNodesShareLimitsInRedis(t *testing.T) {
	url := redistest.URL(t)
	proxy := redistest.NewProxy(t, url)
	sub := "s-" + redistest.Unique()
	redistest.DeleteOnCleanup(t, url, "portico:rl:{"+sub+"}*")

	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	t.Cleanup(upstream.Close)
	const burst = 10
	st, err := gateway.NewState(1,
		[]gateway.Route{{API: "ledger", Major: 1, Targets: []string{upstream.URL}, State: gateway.StatePublished}},
		[]gateway.Plan{{ID: "small", RatePerMinute: 60, Burst: burst}},
		[]gateway.Key{{ID: "ks", Hash: gateway.HashKey("ptk_ks_secret"), Subscription: sub, Team: "t", App: "a", API: "ledger", Major: 1, Plan: "small", State: gateway.KeyActive}})
	if err != nil {
		t.Fatal(err)
	}
	portal := newTestPortal(t, st)
	redisURL := proxy.URL(t, url)
	// 5 s, not the default 250 ms: on a machine busy with other test
	// binaries a call took longer, Redis still ran it, and the node
	// decided on its own limits as designed (a burst of its own), failing
	// the shared count. Cutting Redis below fails at once.
	a := startProc(t, portal.url(), "tok-a", t.TempDir(), "--redis-url", redisURL, "--redis-timeout", "5s")
	b := startProc(t, portal.url(), "tok-b", t.TempDir(), "--redis-url", redisURL, "--redis-timeout", "5s")
	within(t, time.Now(), 10*time.Second, "/ledger/v1/x", "", 401, a, b)

	start := time.Now()
	accepted := map[*proc]int{}
	for i := range 40 {
		n := a
		if i%2 == 1 {
			n = b
		}
		switch code, _ := n.status(t, "/ledger/v1/x", "ptk_ks_secret"); code {
		case 200:
			accepted[n]++
		case 429:
		default:
			t.Fatalf("request %d answered %d:\n%s", i+1, code, n.out)
		}
	}
	total := accepted[a] + accepted[b]
	most := burst + int(time.Since(start)/time.Second) + 1
	if total < burst || total > most {
		t.Fatalf("the two nodes accepted %d + %d = %d of 40 requests, want %d to %d (one shared burst of %d at 60/min)", accepted[a], accepted[b], total, burst, most, burst)
	}
	if accepted[a] == 0 || accepted[b] == 0 {
		t.Errorf("one node accepted nothing: %v", accepted)
	}
	t.Logf("shared limit: %d + %d accepted of 40 in %s", accepted[a], accepted[b], time.Since(start))

	// Redis goes away: requests keep flowing on each node's own limits,
	// which start from what Redis last said (the burst used up), not full.
	proxy.Cut()
	for _, n := range []*proc{a, b} {
		ok := 0
		for i := range 15 {
			switch code, _ := n.status(t, "/ledger/v1/x", "ptk_ks_secret"); code {
			case 200:
				ok++
			case 429:
			default:
				t.Fatalf("with Redis cut, request %d answered %d:\n%s", i+1, code, n.out)
			}
		}
		if most := 1 + int(time.Since(start)/time.Second); ok > most {
			t.Errorf("with Redis cut after the shared burst was used, node %s accepted %d, want at most %d (1 a second)", n.addr, ok, most)
		}
		if f := metricValue(t, n, "portico_gateway_ratelimit_fallbacks_total"); f < 15 {
			t.Errorf("fallbacks metric %v on %s, want ≥ 15", f, n.addr)
		}
		if up := metricValue(t, n, "portico_gateway_ratelimit_redis_up"); up != 0 {
			t.Errorf("redis_up %v while Redis is cut", up)
		}
	}

	// Redis is back: the nodes share again.
	proxy.Restore(t)
	for _, n := range []*proc{a, b} {
		if !gatewaytest.Eventually(10*time.Second, func() bool {
			n.status(t, "/ledger/v1/x", "ptk_ks_secret")
			return metricValue(t, n, "portico_gateway_ratelimit_redis_up") == 1
		}) {
			t.Fatalf("node %s does not use Redis again after it returned:\n%s", n.addr, n.out)
		}
	}
}

func metricValue(t *testing.T, n *proc, name string) float64 {
	t.Helper()
	resp, err := http.Get("http://" + n.admin + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + ` (\S+)$`).FindSubmatch(body)
	if m == nil {
		t.Fatalf("no %s in /metrics:\n%s", name, body)
	}
	v, _ := strconv.ParseFloat(string(m[1]), 64)
	return v
}
