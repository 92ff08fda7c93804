package ratelimit

import (
	"context"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/portico-dev/portico/gateway/ratelimit/redistest"
)

// testTimeout bounds a test's calls to Redis: the product's 250 ms, on a
// machine busy with other test binaries (CI runs packages side by side),
// was exceeded by a first call (its dial included) that Redis still ran,
// and the node then counted on its own as designed, failing tests that are
// about sharing, not about a slow Redis.
const testTimeout = 5 * time.Second

func testRedis(t *testing.T, url, prefix string) *Redis {
	t.Helper()
	r, err := NewRedis(RedisOptions{URL: url, Prefix: prefix, Timeout: testTimeout})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// settle waits until no call of r is in flight for key.
func settle(t *testing.T, r *Redis, key string) (pool int) {
	t.Helper()
	for range 500 {
		l := r.leases.lock(key)
		ch, pool := l.inflight, l.pool
		l.mu.Unlock()
		if ch == nil {
			return pool
		}
		<-ch
	}
	t.Fatal("calls keep being in flight")
	return 0
}

// Tokens one node holds are taken from what the others may take: while node
// a holds a lease, the bucket in Redis refills to the burst minus a's
// tokens, so a and b together never accept more than the burst plus the
// rate. Without the held tokens counted, b would find the whole burst and
// a would still serve its lease.
func TestRedisLeasesNeverExceedTheBurst(t *testing.T) {
	url := redistest.URL(t)
	prefix := redistest.Prefix(t, url)
	a, b := testRedis(t, url, prefix), testRedis(t, url, prefix)
	const burst, perSecond = 80, 200
	lim := Limit{PerMinute: perSecond * 60, Burst: burst} // leases of up to 20
	ctx := context.Background()

	// a gets busy: its leases grow to 20 tokens.
	for range 50 {
		if _, err := a.Allow(ctx, "hot", lim, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	held := settle(t, a, "hot")
	if held < 2 {
		// A lease is sized for the requests of the last 200 ms, which
		// the 50 calls outlasted on a machine busy with other tests
		// (CI once saw 1 token held): their demand is recorded at once,
		// and the next call takes a lease of that size.
		l := a.leases.lock("hot")
		for range 50 {
			l.demand.add(time.Now())
		}
		l.mu.Unlock()
		if _, err := a.Allow(ctx, "hot", lim, time.Now()); err != nil {
			t.Fatal(err)
		}
		held = settle(t, a, "hot")
	}
	if held < 2 {
		t.Fatalf("a busy node holds %d tokens, want a lease", held)
	}
	// The bucket refills (80 tokens at 200/s: 0.4 s) while a's lease
	// (0.9 s) lasts.
	time.Sleep(500 * time.Millisecond)

	start := time.Now()
	accepted := map[*Redis]int{}
	for _, r := range []*Redis{b, a} {
		for range 3 * burst {
			d, err := r.Allow(ctx, "hot", lim, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if d.Allowed {
				accepted[r]++
			}
		}
	}
	elapsed := time.Since(start)
	total := accepted[a] + accepted[b]
	most := burst + int(elapsed.Seconds()*perSecond) + 1
	t.Logf("a held %d tokens; then b accepted %d and a %d in %v (at most %d allowed)", held, accepted[b], accepted[a], elapsed, most)
	if total > most {
		t.Fatalf("the two nodes accepted %d + %d = %d in %v, more than the burst %d plus the rate (%d)", accepted[b], accepted[a], total, elapsed, burst, most)
	}
	if a.Fallbacks()+b.Fallbacks() != 0 {
		t.Fatal("fallbacks while Redis answers")
	}
}

// A quiet subscription takes one token per request and holds none, so a
// low-rate plan is counted as without leases.
func TestRedisQuietSubscriptionHoldsNothing(t *testing.T) {
	url := redistest.URL(t)
	prefix := redistest.Prefix(t, url)
	a := testRedis(t, url, prefix)
	lim := Limit{PerMinute: 600, Burst: 100}
	for i := range 3 {
		d, _ := a.Allow(context.Background(), "quiet", lim, time.Now())
		if !d.Allowed || d.Remaining != 99 {
			t.Fatalf("request %d: %+v, want allowed with 99 remaining", i+1, d)
		}
		if pool := settle(t, a, "quiet"); pool != 0 {
			t.Fatalf("a quiet subscription holds %d tokens", pool)
		}
		time.Sleep(2*leaseWindow + 50*time.Millisecond)
	}
	opt, _ := redis.ParseURL(url)
	c := redis.NewClient(opt)
	defer c.Close()
	if n, err := c.HLen(context.Background(), prefix+"{quiet}:l").Result(); err != nil || n != 0 {
		t.Fatalf("leases recorded for a quiet subscription: %d %v", n, err)
	}
}

// Three busy nodes share a daily quota: together they accept exactly the
// quota, never more; the units they still hold when they go quiet come back
// once their leases expire (Sweep gives them back), so nothing is lost.
func TestRedisLeasedQuotaHoldsAcrossNodes(t *testing.T) {
	url := redistest.URL(t)
	prefix := redistest.Prefix(t, url)
	nodes := []*Redis{testRedis(t, url, prefix), testRedis(t, url, prefix), testRedis(t, url, prefix)}
	const quota = 2000 // leases of up to 20
	lim := Limit{DailyQuota: quota}
	now := time.Now()
	ctx := context.Background()
	// hammer sends calls requests per caller (2 per node) at once, or until
	// 20 in a row are refused when calls is 0.
	hammer := func(calls int) int {
		var mu sync.Mutex
		total := 0
		var wg sync.WaitGroup
		for _, r := range nodes {
			for range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					n, refusedInARow := 0, 0
					for i := 0; calls == 0 && refusedInARow < 20 || calls > 0 && i < calls; i++ {
						d, err := r.Allow(ctx, "q", lim, now)
						if err != nil {
							t.Error(err)
							return
						}
						if d.Allowed {
							n, refusedInARow = n+1, 0
						} else {
							refusedInARow++
							if !d.QuotaExceeded {
								t.Errorf("refused but not over the quota: %+v", d)
								return
							}
						}
					}
					mu.Lock()
					total += n
					mu.Unlock()
				}()
			}
		}
		wg.Wait()
		return total
	}
	// 1,800 requests leave room for every lease (3 × 20): all accepted.
	first := hammer(300)
	held := 0
	for _, r := range nodes {
		held += settle(t, r, "q")
	}
	if first != 1800 || held == 0 {
		t.Fatalf("accepted %d of 1800 (want all), %d units held after (want some)", first, held)
	}
	// The leases expire; sweeping gives their unused units back.
	time.Sleep(leaseTTL)
	for _, r := range nodes {
		r.Sweep(time.Now())
		settle(t, r, "q")
	}
	second := hammer(0)
	t.Logf("accepted %d with %d held, then %d after they were given back", first, held, second)
	for _, r := range nodes {
		if r.Fallbacks() != 0 {
			t.Fatal("fallbacks while Redis answers")
		}
	}
	if first+second != quota {
		t.Fatalf("accepted %d + %d = %d, want exactly the quota %d", first, second, first+second, quota)
	}
}

// The portal's counts cost a call to Redis no allocation: the floor's
// decimal form is made once per change of the count, not once per call
// (each call here is one script call of a quiet subscription, the path
// with a round trip per request).
func TestRedisFloorAddsNoAllocations(t *testing.T) {
	if raceDetector {
		t.Skip("the race detector allocates on its own; the count is checked by go test without -race")
	}
	url := redistest.URL(t)
	prefix := redistest.Prefix(t, url)
	lim := Limit{PerMinute: 100_000_000, Burst: 10_000_000, DailyQuota: 1_000_000_000}
	perCall := func(r *Redis, key string) float64 {
		call := func() {
			now := time.Now()
			l := r.leases.lock(key)
			l.prepare(lim, dayOf(now), now)
			c := l.begin(1, 1, now)
			c.floor = r.floorOf(key, l)
			l.mu.Unlock()
			a, err := r.exec(context.Background(), key, c, now)
			l = r.leases.lock(key)
			l.finish(c, a, err)
			l.mu.Unlock()
			if err != nil {
				t.Fatal(err)
			}
		}
		call()
		return testing.AllocsPerRun(500, call)
	}
	plain := testRedis(t, url, prefix)
	floored := testRedis(t, url, prefix)
	floored.SetFloor(dayOf(time.Now()), map[string]int64{"sub-floor": 123_456})
	// The client's own allocations vary from run to run (its pipelining
	// goroutines): the least of rounds taken in turns.
	without, with := math.Inf(1), math.Inf(1)
	for range 5 {
		without = min(without, perCall(plain, "sub-plain"))
		with = min(with, perCall(floored, "sub-floor"))
	}
	t.Logf("allocations per script call: %v without the portal's counts, %v with", without, with)
	if with > without {
		t.Errorf("allocations per script call: %v with the portal's counts, %v without", with, without)
	}
}
