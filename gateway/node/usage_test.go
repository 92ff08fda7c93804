package node_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/gatewaytest"
	"github.com/portico-dev/portico/gateway/node"
	"github.com/portico-dev/portico/gateway/push"
)

// usagePortal serves the sync protocol and records usage batches; while
// down it answers 503 to them.
type usagePortal struct {
	*portal
	mu      sync.Mutex
	down    bool
	batches []gateway.UsageBatch
	auth    []string
}

func startUsagePortal(t *testing.T, st *gateway.State) *usagePortal {
	t.Helper()
	p := &usagePortal{portal: &portal{src: gatewaytest.NewSource(st)}}
	p.hub = push.NewHub(p.src, push.Options{MaxWait: 5 * time.Second})
	mux := http.NewServeMux()
	mux.Handle(gateway.SyncPath, p.hub.Handler(gatewaytest.Tokens{"tok-a": "node-a"}))
	mux.HandleFunc(gateway.UsagePath, func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.down {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		b, err := gateway.DecodeUsageBatch(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		p.auth = append(p.auth, r.Header.Get("Authorization"))
		p.batches = append(p.batches, *b)
	})
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *usagePortal) setDown(down bool) {
	p.mu.Lock()
	p.down = down
	p.mu.Unlock()
}

// totals adds up what the portal received per subscription, and the batch
// ids it saw.
func (p *usagePortal) totals() (map[string]gateway.UsagePoint, map[string]int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	sum := map[string]gateway.UsagePoint{}
	ids := map[string]int{}
	for _, b := range p.batches {
		ids[b.ID]++
		for _, pt := range b.Points {
			s := sum[pt.Subscription]
			s.Subscription, s.Key, s.API = pt.Subscription, pt.Key, pt.API
			s.S2xx += pt.S2xx
			s.S429 += pt.S429
			s.S4xx += pt.S4xx
			s.BytesIn += pt.BytesIn
			s.BytesOut += pt.BytesOut
			if s.Latency == nil {
				s.Latency = make([]int64, gateway.LatencyBuckets)
			}
			for i, n := range pt.Latency {
				s.Latency[i] += n
			}
			sum[pt.Subscription] = s
		}
	}
	return sum, ids
}

func startUsageNode(t *testing.T, portalURL string, spoolBytes int64) (*runningNode, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	n := startReportingNode(t, node.Options{Portal: portalURL, Token: "tok-a", Registry: reg,
		UsageInterval: 100 * time.Millisecond, UsageSpoolBytes: spoolBytes})
	return n, reg
}

func TestUsageReportsAndSpool(t *testing.T) {
	up := startUpstream(t, "a")
	p := startUsagePortal(t, config(t, 1, up.URL))
	n, reg := startUsageNode(t, p.srv.URL, 64<<20)
	waitVersion(t, n.Node, 1)

	for range 3 {
		get(t, n.url+"/ledger/v1/x", "X-API-Key", "ptk_k1_secret")
	}
	for range 4 { // free plan: a burst of 3, then 429
		get(t, n.url+"/ledger/v1/x", "X-API-Key", "ptk_k2_secret")
	}
	get(t, n.url+"/ledger/v1/x", "X-API-Key", "ptk_nope") // unknown key: no subscription to count it for
	var sum map[string]gateway.UsagePoint
	if !gatewaytest.Eventually(5*time.Second, func() bool {
		sum, _ = p.totals()
		return sum["sub-1"].S2xx == 3 && sum["sub-2"].S2xx == 3 && sum["sub-2"].S429 == 1
	}) {
		t.Fatalf("the portal received %+v", sum)
	}
	s1 := sum["sub-1"]
	if s1.Key != "k1" || s1.API != "ledger/v1" || s1.BytesOut == 0 || gateway.Quantile(s1.Latency, 1) <= 0 {
		t.Errorf("sub-1's usage %+v", s1)
	}
	var lat int64
	for _, v := range sum["sub-2"].Latency {
		lat += v
	}
	if lat != 4 || len(sum) != 2 {
		t.Errorf("latency counts %d for 4 requests; subscriptions %d", lat, len(sum))
	}
	p.mu.Lock()
	if p.auth[0] != "Bearer tok-a" {
		t.Errorf("usage sent with Authorization %q", p.auth[0])
	}
	p.mu.Unlock()

	// The portal is unreachable: the batches wait on disk, then arrive,
	// each once.
	p.setDown(true)
	for range 5 {
		get(t, n.url+"/ledger/v1/x", "X-API-Key", "ptk_k1_secret")
	}
	spooled := func() float64 {
		mfs, _ := reg.Gather()
		for _, mf := range mfs {
			if mf.GetName() == "portico_gateway_usage_spooled_batches" {
				return mf.GetMetric()[0].GetGauge().GetValue()
			}
		}
		return -1
	}
	if !gatewaytest.Eventually(5*time.Second, func() bool { return spooled() >= 1 }) {
		t.Fatalf("nothing spooled while the portal is down (gauge %v)", spooled())
	}
	time.Sleep(300 * time.Millisecond)
	p.setDown(false)
	var ids map[string]int
	if !gatewaytest.Eventually(5*time.Second, func() bool {
		sum, ids = p.totals()
		return sum["sub-1"].S2xx == 8 && spooled() == 0
	}) {
		t.Fatalf("after the portal returned: sub-1 %+v, spooled %v", sum["sub-1"], spooled())
	}
	for id, c := range ids {
		if c != 1 {
			t.Errorf("batch %s received %d times", id, c)
		}
	}
}

func TestUsageSpoolDropsOldestWhenFull(t *testing.T) {
	up := startUpstream(t, "a")
	p := startUsagePortal(t, config(t, 1, up.URL))
	p.setDown(true)
	// A spool of one byte keeps only the newest batch.
	n, reg := startUsageNode(t, p.srv.URL, 1)
	waitVersion(t, n.Node, 1)
	dropped := func() float64 {
		return testutil.ToFloat64(collector(t, reg, "portico_gateway_usage_batches_total", "dropped"))
	}
	for i := 0; i < 50 && dropped() < 2; i++ {
		get(t, n.url+"/ledger/v1/x", "X-API-Key", "ptk_k1_secret")
		time.Sleep(150 * time.Millisecond)
	}
	if d := dropped(); d < 2 {
		t.Fatalf("dropped batches %v, want the oldest dropped", d)
	}
	if !strings.Contains(n.logs.String(), "usage spool full") {
		t.Errorf("no log of the dropped batches")
	}
	p.setDown(false)
	if !gatewaytest.Eventually(5*time.Second, func() bool { _, ids := p.totals(); return len(ids) >= 1 }) {
		t.Fatal("the newest batch did not arrive")
	}
}

// collector returns a counter of a vector metric by its one label value.
func collector(t *testing.T, reg *prometheus.Registry, name, label string) prometheus.Collector {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: "c"})
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if m.GetLabel()[0].GetValue() == label {
				c.Add(m.GetCounter().GetValue())
			}
		}
	}
	return c
}

// TestBodyTooLargeIsNotUsage: a request of a valid key that the node
// refuses as too large (413) never reached the API nor its limits: it is
// in the access log, not in the subscription's usage, whose answers other
// than 429 the portal counts against the daily quota.
func TestBodyTooLargeIsNotUsage(t *testing.T) {
	up := startUpstream(t, "a")
	p := startUsagePortal(t, config(t, 1, up.URL))
	n, _ := startUsageNode(t, p.srv.URL, 64<<20)
	waitVersion(t, n.Node, 1)
	addr := strings.TrimPrefix(n.url, "http://")
	for _, key := range []string{"ptk_k1_secret", "ptk_k5_secret"} { // k5: a plan with a daily quota
		status, _ := rawRequest(t, addr, "POST /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: "+key+"\r\nContent-Length: 16777217\r\n\r\n")
		if !strings.HasPrefix(status, "413") {
			t.Fatalf("a body over --max-body: %q, want 413", status)
		}
		// Then one request that is forwarded: its batch comes with or
		// after the refused one's.
		if r := get(t, n.url+"/ledger/v1/x", "X-API-Key", key); r.status != 200 {
			t.Fatalf("a request of %s: %d", key, r.status)
		}
	}
	var sum map[string]gateway.UsagePoint
	if !gatewaytest.Eventually(5*time.Second, func() bool {
		sum, _ = p.totals()
		return sum["sub-1"].S2xx == 1 && sum["sub-5"].S2xx == 1
	}) {
		t.Fatalf("the portal received %+v", sum)
	}
	for _, sub := range []string{"sub-1", "sub-5"} {
		if s := sum[sub]; s.S4xx != 0 {
			t.Errorf("%s's usage counts %d 4xx answers, want the 413 left out: %+v", sub, s.S4xx, s)
		}
	}
}
