package ratelimit_test

import (
	"bytes"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/portico-dev/portico/gateway/gatewaytest"
	"github.com/portico-dev/portico/gateway/ratelimit"
	"github.com/portico-dev/portico/gateway/ratelimit/redistest"
)

func newRedis(t *testing.T, url, prefix string, reg prometheus.Registerer, log *slog.Logger) *ratelimit.Redis {
	t.Helper()
	// 5 s, not the product's 250 ms: on a machine busy with other test
	// binaries a first call (its dial included) took longer, Redis still ran
	// it, and the node counted on its own as designed, failing tests about
	// sharing. TestRedisFallbackAndRecovery cuts Redis, which fails at once.
	r, err := ratelimit.NewRedis(ratelimit.RedisOptions{URL: url, Prefix: prefix, Registerer: reg, Logger: log, Pause: 200 * time.Millisecond, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// Two limiters (two nodes) on one Redis share one subscription's rate.
func TestRedisSharedRate(t *testing.T) {
	url := redistest.URL(t)
	prefix := redistest.Prefix(t, url)
	a, b := newRedis(t, url, prefix, nil, nil), newRedis(t, url, prefix, nil, nil)
	lim := ratelimit.Limit{PerMinute: 60, Burst: 5}
	start := time.Now()
	allowed := 0
	var last ratelimit.Decision
	for i := range 20 {
		l := a
		if i%2 == 1 {
			l = b
		}
		d, err := l.Allow(t.Context(), "sub-1", lim, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if d.Allowed {
			allowed++
		}
		last = d
	}
	// 5 at once, plus one per second that passed during the loop.
	most := 5 + int(time.Since(start)/time.Second)
	if allowed < 5 || allowed > most {
		t.Fatalf("%d of 20 requests allowed over two nodes, want 5 to %d", allowed, most)
	}
	if last.Allowed || last.RetryAfter < time.Second || last.Limit != 60 || last.Remaining != 0 {
		t.Fatalf("last decision %+v, want refused with Retry-After ≥ 1 s", last)
	}
	if a.Fallbacks() != 0 || b.Fallbacks() != 0 {
		t.Fatal("fallbacks counted while Redis answers")
	}
	// Another subscription has its own counters.
	if d, _ := b.Allow(t.Context(), "sub-2", lim, time.Now()); !d.Allowed || d.Remaining != 4 {
		t.Fatalf("first request of another subscription: %+v", d)
	}
}

func TestRedisDailyQuota(t *testing.T) {
	url := redistest.URL(t)
	prefix := redistest.Prefix(t, url)
	a, b := newRedis(t, url, prefix, nil, nil), newRedis(t, url, prefix, nil, nil)
	lim := ratelimit.Limit{DailyQuota: 3}
	now := time.Date(2099, 12, 2, 23, 59, 0, 0, time.UTC) // a day to come: its key expires after it
	for i, l := range []*ratelimit.Redis{a, b, a} {
		d, _ := l.Allow(t.Context(), "sub-q", lim, now)
		if l.Fallbacks() != 0 {
			t.Fatalf("request %d decided without Redis", i+1)
		}
		if !d.Allowed || d.QuotaUsed != i+1 {
			t.Fatalf("request %d: %+v", i+1, d)
		}
	}
	d, _ := b.Allow(t.Context(), "sub-q", lim, now)
	if d.Allowed || !d.QuotaExceeded || d.RetryAfter != time.Minute || d.Limit != 3 {
		t.Fatalf("over the quota: %+v, want refused until midnight (60 s)", d)
	}
	// The next UTC day starts a new count.
	if d, _ := a.Allow(t.Context(), "sub-q", lim, now.Add(2*time.Minute)); !d.Allowed || d.QuotaUsed != 1 {
		t.Fatalf("the next day: %+v", d)
	}
	// A request refused by the rate does not use the quota.
	both := ratelimit.Limit{PerMinute: 1, Burst: 1, DailyQuota: 10}
	a.Allow(t.Context(), "sub-r", both, now)
	if d, _ := a.Allow(t.Context(), "sub-r", both, now); d.Allowed || d.QuotaExceeded {
		t.Fatalf("second request at 1/min: %+v", d)
	}
	if d, _ := b.Allow(t.Context(), "sub-r", ratelimit.Limit{DailyQuota: 10}, now); d.QuotaUsed != 2 {
		t.Fatalf("quota used %d, want 2 (the refused request not counted)", d.QuotaUsed)
	}
}

// Redis unreachable: the limiter decides locally, counts it, logs it once,
// and shares again when Redis is back.
func TestRedisFallbackAndRecovery(t *testing.T) {
	url := redistest.URL(t)
	prefix := redistest.Prefix(t, url)
	proxy := redistest.NewProxy(t, url)
	reg := prometheus.NewRegistry()
	var logs bytes.Buffer
	r := newRedis(t, proxy.URL(t, url), prefix, reg, slog.New(slog.NewTextHandler(&logs, nil)))
	other := newRedis(t, url, prefix, nil, nil)
	// One token a second: however slow the machine, the bucket does not refill
	// between the other node's calls and r's (at 10 a second it did, under load).
	lim := ratelimit.Limit{PerMinute: 60, Burst: 3}
	if d, _ := r.Allow(t.Context(), "sub-f", lim, time.Now()); !d.Allowed || d.Remaining != 2 {
		t.Fatalf("through the proxy: %+v", d)
	}

	proxy.Cut()
	for i := range 50 {
		d, err := r.Allow(t.Context(), "sub-f", lim, time.Now())
		if err != nil {
			t.Fatalf("request %d failed with Redis cut: %v", i, err)
		}
		if i == 0 && !d.Allowed {
			t.Fatalf("first local decision refused: %+v", d)
		}
	}
	if got := metric(t, reg, "portico_gateway_ratelimit_fallbacks_total"); got != 50 {
		t.Fatalf("fallbacks metric %v, want 50", got)
	}
	if n := strings.Count(logs.String(), "Redis unreachable"); n != 1 {
		t.Fatalf("%d fallback log lines, want 1:\n%s", n, logs.String())
	}
	if metric(t, reg, "portico_gateway_ratelimit_redis_up") != 0 {
		t.Fatal("redis_up is not 0 while Redis is cut")
	}

	proxy.Restore(t)
	// Use up the shared burst from another node; once the pause is over, r
	// sees the shared count again.
	for range 5 {
		other.Allow(t.Context(), "sub-g", lim, time.Now())
	}
	time.Sleep(300 * time.Millisecond)
	var d ratelimit.Decision
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for range 5 {
			other.Allow(t.Context(), "sub-g", lim, time.Now())
		}
		before := r.Fallbacks()
		d, _ = r.Allow(t.Context(), "sub-g", lim, time.Now())
		if r.Fallbacks() == before {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if d.Allowed {
		t.Fatalf("after recovery a request over the shared burst is allowed: %+v", d)
	}
	if metric(t, reg, "portico_gateway_ratelimit_redis_up") != 1 || !strings.Contains(logs.String(), "Redis answers again") {
		t.Fatalf("no recovery shown:\n%s", logs.String())
	}
}

// metric is the value of the one counter or gauge named name in reg.
func metric(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			m := mf.GetMetric()[0]
			return m.GetGauge().GetValue() + m.GetCounter().GetValue()
		}
	}
	t.Fatalf("no metric %s", name)
	return 0
}

// TestRedisHoldsAQuotaRefusal: a subscription refused over its daily quota
// is refused again by the node, for a short hold, without asking Redis
// (each request over the quota asked Redis, as many round trips as
// refusals); a request of the next UTC day is not held. Redis is cut after
// the refusal: a request that asks it is decided locally, and counted as
// such.
func TestRedisHoldsAQuotaRefusal(t *testing.T) {
	url := redistest.URL(t)
	prefix := redistest.Prefix(t, url)
	proxy := redistest.NewProxy(t, url)
	r := newRedis(t, proxy.URL(t, url), prefix, nil, nil)
	lim := ratelimit.Limit{DailyQuota: 2}
	now := time.Date(2099, 12, 2, 12, 0, 0, 0, time.UTC) // a day to come: its key expires after it
	for i := range 2 {
		if d, _ := r.Allow(t.Context(), "sub-h", lim, now); !d.Allowed {
			t.Fatalf("request %d within the quota: %+v", i+1, d)
		}
	}
	refused := time.Now()
	if d, _ := r.Allow(t.Context(), "sub-h", lim, now); d.Allowed || !d.QuotaExceeded {
		t.Fatalf("over the quota: %+v, want refused", d)
	}
	proxy.Cut()
	d, _ := r.Allow(t.Context(), "sub-h", lim, now)
	if time.Since(refused) >= time.Second {
		// The hold (1 s from the refusal's call) is over: the machine was
		// too slow for this test to say anything.
		t.Skip("more than the hold passed between the refusal and the next request")
	}
	if r.Fallbacks() != 0 || d.Allowed || !d.QuotaExceeded || d.QuotaUsed != 2 || d.Limit != 2 || d.RetryAfter != 12*time.Hour {
		t.Fatalf("the next request over the quota: %+v after %d decisions without Redis; want refused until midnight by the node, without asking Redis", d, r.Fallbacks())
	}
	// The next day starts a new count: the refusal does not hold across
	// midnight, Redis is asked (cut: the node decides alone).
	if d, _ := r.Allow(t.Context(), "sub-h", lim, now.Add(12*time.Hour)); !d.Allowed || r.Fallbacks() != 1 {
		t.Fatalf("the next day: %+v after %d decisions without Redis; want allowed, Redis asked", d, r.Fallbacks())
	}
}

// TestRedisLogsEachOutage: every time Redis goes away after it answered
// again, the node warns, so its log never ends on "Redis answers again"
// while Redis is away (a second outage within 30 s of the first was not
// logged at all, its recovery was).
func TestRedisLogsEachOutage(t *testing.T) {
	url := redistest.URL(t)
	prefix := redistest.Prefix(t, url)
	proxy := redistest.NewProxy(t, url)
	var logs syncBuffer
	r := newRedis(t, proxy.URL(t, url), prefix, nil, slog.New(slog.NewTextHandler(&logs, nil)))
	lim := ratelimit.Limit{PerMinute: 6000, Burst: 100}
	for outage := 1; outage <= 2; outage++ {
		proxy.Cut()
		// Requests may be served from the node's lease at first; the
		// next call to Redis fails.
		gatewaytest.Eventually(5*time.Second, func() bool {
			r.Allow(t.Context(), "sub-o", lim, time.Now())
			return strings.Count(logs.String(), "Redis unreachable") >= outage
		})
		if n := strings.Count(logs.String(), "Redis unreachable"); n != outage {
			t.Fatalf("outage %d: %d lines \"Redis unreachable\", want %d:\n%s", outage, n, outage, logs.String())
		}
		// The warning counts the requests of this outage (the one that
		// found Redis away, or none when a background call did), not
		// those of the one before.
		if n := len(regexp.MustCompile(`Redis unreachable[^\n]* requests_decided_locally=[01] `).FindAllString(logs.String(), -1)); n != outage {
			t.Fatalf("outage %d: the warning does not count this outage's first request alone:\n%s", outage, logs.String())
		}
		proxy.Restore(t)
		if !gatewaytest.Eventually(10*time.Second, func() bool {
			r.Allow(t.Context(), "sub-o", lim, time.Now())
			return strings.Count(logs.String(), "Redis answers again") == outage
		}) {
			t.Fatalf("outage %d: no recovery logged:\n%s", outage, logs.String())
		}
		// The recovery says how many requests the node decided alone.
		if !regexp.MustCompile(`Redis answers again[^\n]* requests_decided_locally=[1-9]`).MatchString(logs.String()) {
			t.Fatalf("outage %d: the recovery does not say how many requests were decided alone:\n%s", outage, logs.String())
		}
	}
}

// syncBuffer is a bytes.Buffer safe for a logger written by background
// calls.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestRedisFallbackStartsFromTheSharedCount: when Redis goes away, the
// node's own limits start from what Redis last said of the subscription
// (its bucket's tokens, today's quota count), not from a full burst and a
// quota untouched: each node of N accepted a whole burst more at every
// outage, and a whole daily quota more (a Redis that failed for a moment
// let a subscription whose quota was used up start the day again).
func TestRedisFallbackStartsFromTheSharedCount(t *testing.T) {
	url := redistest.URL(t)
	prefix := redistest.Prefix(t, url)
	proxy := redistest.NewProxy(t, url)
	var logs syncBuffer
	r := newRedis(t, proxy.URL(t, url), prefix, nil, slog.New(slog.NewTextHandler(&logs, nil)))
	other := newRedis(t, url, prefix, nil, nil)

	// The rate: the shared burst is used up, then Redis goes away.
	lim := ratelimit.Limit{PerMinute: 60, Burst: 3}
	start := time.Now()
	for i := range 3 {
		if d, _ := r.Allow(t.Context(), "sub-s", lim, time.Now()); !d.Allowed {
			t.Fatalf("request %d of the burst: %+v", i+1, d)
		}
	}
	proxy.Cut()
	allowed := 0
	for range 5 {
		if d, _ := r.Allow(t.Context(), "sub-s", lim, time.Now()); d.Allowed {
			allowed++
		}
	}
	// One token a second refills.
	if most := int(time.Since(start) / time.Second); allowed > most || r.Fallbacks() != 5 {
		t.Errorf("with Redis away after the burst was used: %d of 5 allowed (%d decided alone), want at most %d", allowed, r.Fallbacks(), most)
	}

	// The quota: another node used 3 of 5, this node 1; Redis goes away.
	proxy.Restore(t)
	q := ratelimit.Limit{DailyQuota: 5}
	// A subscription whose fourth request this node asks Redis for (one
	// the node decides alone, as Redis is not back yet, spoils its count:
	// another is taken).
	var key string
	if !gatewaytest.Eventually(10*time.Second, func() bool {
		key = "sub-t-" + redistest.Unique()
		for range 3 {
			other.Allow(t.Context(), key, q, time.Now())
		}
		before := r.Fallbacks()
		d, _ := r.Allow(t.Context(), key, q, time.Now())
		return r.Fallbacks() == before && d.Allowed && d.QuotaUsed == 4
	}) {
		t.Fatalf("the node does not use Redis again:\n%s", logs.String())
	}
	proxy.Cut()
	allowed = 0
	for range 5 {
		if d, _ := r.Allow(t.Context(), key, q, time.Now()); d.Allowed {
			allowed++
		}
	}
	if allowed != 1 {
		t.Errorf("with Redis away, 4 of a quota of 5 used: %d of 5 allowed, want 1", allowed)
	}
}

// TestRedisPauseCountsFromTheFailure: after a call to Redis fails, the node
// decides alone for the pause (README "When Redis fails": it "keeps
// deciding alone for 1 s before it tries Redis again"), counted from the
// failure. It was counted from the request's arrival (the now the data
// plane passes to Allow), so the pause was shorter by however long the
// request had waited and its call had taken (up to the timeout): a
// request that arrived 900 ms before its call failed left a pause of
// 100 ms, and the node went back to Redis at once.
func TestRedisPauseCountsFromTheFailure(t *testing.T) {
	url := redistest.URL(t)
	prefix := redistest.Prefix(t, url)
	proxy := redistest.NewProxy(t, url)
	r, err := ratelimit.NewRedis(ratelimit.RedisOptions{URL: proxy.URL(t, url), Prefix: prefix, Pause: time.Second, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	lim := ratelimit.Limit{PerMinute: 600, Burst: 50}
	if d, err := r.Allow(t.Context(), "sub-p", lim, time.Now()); err != nil || !d.Allowed {
		t.Fatalf("through the proxy: %+v %v", d, err)
	}
	proxy.Cut()
	before := r.Fallbacks()
	arrived := time.Now().Add(-900 * time.Millisecond)
	if _, err := r.Allow(t.Context(), "sub-p", lim, arrived); err != nil {
		t.Fatal(err)
	}
	failed := time.Now()
	if r.Fallbacks() != before+1 {
		t.Fatalf("the call with Redis cut was not decided alone (fallbacks %d, want %d)", r.Fallbacks(), before+1)
	}
	proxy.Restore(t)
	time.Sleep(300 * time.Millisecond)
	before = r.Fallbacks()
	r.Allow(t.Context(), "sub-p", lim, time.Now())
	if since := time.Since(failed); r.Fallbacks() == before && since < 900*time.Millisecond {
		t.Errorf("%v after the failed call the node asked Redis again, want it deciding alone for the 1 s pause counted from the failure", since.Round(time.Millisecond))
	}
}

// TestRedisLogsEveryFailedCallAtDebug: one warning per outage, and at the
// debug level a line for every call that fails within it (each starts the
// pause again), with its time and error: what an operator, or the fault
// test, needs to tell when the node tried Redis and why it decided alone.
func TestRedisLogsEveryFailedCallAtDebug(t *testing.T) {
	url := redistest.URL(t)
	prefix := redistest.Prefix(t, url)
	proxy := redistest.NewProxy(t, url)
	var logs syncBuffer
	r, err := ratelimit.NewRedis(ratelimit.RedisOptions{URL: proxy.URL(t, url), Prefix: prefix, Pause: 50 * time.Millisecond, Timeout: 5 * time.Second,
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	lim := ratelimit.Limit{PerMinute: 600, Burst: 50}
	if d, err := r.Allow(t.Context(), "sub-d", lim, time.Now()); err != nil || !d.Allowed {
		t.Fatalf("through the proxy: %+v %v", d, err)
	}
	proxy.Cut()
	// Three calls, each after the pause the one before started: each
	// fails.
	for range 3 {
		before := r.Fallbacks()
		if !gatewaytest.Eventually(5*time.Second, func() bool {
			r.Allow(t.Context(), "sub-d", lim, time.Now())
			return r.Fallbacks() > before
		}) {
			t.Fatal("no request decided alone with Redis cut")
		}
		time.Sleep(60 * time.Millisecond)
	}
	if n := strings.Count(logs.String(), "Redis unreachable"); n != 1 {
		t.Errorf("%d lines \"Redis unreachable\" for one outage, want 1:\n%s", n, logs.String())
	}
	if n := len(regexp.MustCompile(`level=DEBUG msg="Redis call failed[^\n]* err=`).FindAllString(logs.String(), -1)); n < 2 {
		t.Errorf("%d debug lines \"Redis call failed\" with the error for the calls after the first, want one per failed call (2 or more):\n%s", n, logs.String())
	}
}
