package ratelimit_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/portico-dev/portico/gateway/ratelimit"
	"github.com/portico-dev/portico/gateway/ratelimit/redistest"
)

// A Redis that lost its data does not start the day's quotas again: once
// the portal's counts reached the nodes (SetFloor), the first call for a
// subscription raises the counter to the portal's count, with the day's
// expiry, in the same script call. Counts of another day than the call's
// seed nothing, and a node holding older (lower) counts never lowers the
// counter.
func TestRedisQuotaFloorAfterDataLoss(t *testing.T) {
	url := redistest.URL(t)
	prefix := redistest.Prefix(t, url)
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	rc := redis.NewClient(opt)
	defer rc.Close()
	ctx := context.Background()

	lim := ratelimit.Limit{DailyQuota: 10}
	now := time.Date(2099, 12, 3, 12, 0, 0, 0, time.UTC) // a day to come: its keys outlive the test until its cleanup
	day := now.Unix() / 86400
	a, b := newRedis(t, url, prefix, nil, nil), newRedis(t, url, prefix, nil, nil)
	for i := range 10 {
		if d, _ := a.Allow(ctx, "sub-f", lim, now); !d.Allowed {
			t.Fatalf("request %d of a quota of 10 refused: %+v", i+1, d)
		}
	}
	if d, _ := a.Allow(ctx, "sub-f", lim, now); d.Allowed {
		t.Fatalf("the 11th request of a quota of 10 allowed: %+v", d)
	}
	// The portal's counts reach both nodes, then Redis loses its data.
	a.SetFloor(day, map[string]int64{"sub-f": 10})
	b.SetFloor(day, map[string]int64{"sub-f": 10})
	deleteAll(t, rc, prefix)

	quotaKey := prefix + "{sub-f}:q:" + strconv.FormatInt(day, 10)
	d, _ := b.Allow(ctx, "sub-f", lim, now)
	if b.Fallbacks() != 0 {
		t.Fatal("decided without Redis")
	}
	if d.Allowed || !d.QuotaExceeded || d.QuotaUsed != 10 {
		t.Fatalf("after Redis lost its data, a request of a subscription the portal counted at its quota: %+v, want refused over the quota with 10 used", d)
	}
	if v, err := rc.Get(ctx, quotaKey).Result(); err != nil || v != "10" {
		t.Fatalf("quota counter in Redis %q (%v), want raised to the portal's 10", v, err)
	}
	wantExpiry := time.Unix((day+1)*86400+3600, 0)
	if exp, err := rc.ExpireTime(ctx, quotaKey).Result(); err != nil || exp != time.Duration(wantExpiry.Unix())*time.Second {
		t.Fatalf("quota counter expires at %v (%v), want %v as every quota key of the day", exp, err, wantExpiry.UTC())
	}

	// A node whose counts are older (lower) does not lower the counter.
	c := newRedis(t, url, prefix, nil, nil)
	c.SetFloor(day, map[string]int64{"sub-f": 4})
	if d, _ := c.Allow(ctx, "sub-f", lim, now); d.Allowed || d.QuotaUsed != 10 {
		t.Fatalf("a node with the portal's older count 4: %+v, want refused with 10 used", d)
	}

	// Counts of yesterday, or of a day the node is not on yet, seed
	// nothing today; once the node is on their day, they do.
	e := newRedis(t, url, prefix, nil, nil)
	e.SetFloor(day-1, map[string]int64{"sub-g": 10})
	if d, _ := e.Allow(ctx, "sub-g", lim, now); !d.Allowed || d.QuotaUsed != 1 {
		t.Fatalf("with counts of yesterday: %+v, want allowed with 1 used", d)
	}
	e.SetFloor(day+1, map[string]int64{"sub-g": 10})
	if d, _ := e.Allow(ctx, "sub-g", lim, now); !d.Allowed || d.QuotaUsed != 2 {
		t.Fatalf("with counts of tomorrow: %+v, want allowed with 2 used", d)
	}
	if d, _ := e.Allow(ctx, "sub-g", lim, now.Add(24*time.Hour)); d.Allowed || d.QuotaUsed != 10 {
		t.Fatalf("tomorrow with tomorrow's counts: %+v, want refused with 10 used", d)
	}

	// Below the quota, the count goes on from the portal's.
	e.SetFloor(day, map[string]int64{"sub-h": 7})
	if d, _ := e.Allow(ctx, "sub-h", lim, now); !d.Allowed || d.QuotaUsed != 8 {
		t.Fatalf("a counter of 0 the portal counts at 7: %+v, want allowed with 8 used", d)
	}
}

// deleteAll deletes the keys under prefix (the test's own).
func deleteAll(t *testing.T, rc *redis.Client, prefix string) {
	t.Helper()
	ctx := context.Background()
	keys, err := rc.Keys(ctx, prefix+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) == 0 {
		t.Fatal("no keys to delete: the limiter wrote none")
	}
	if err := rc.Del(ctx, keys...).Err(); err != nil {
		t.Fatal(err)
	}
}

// While Redis is away, a node's own quota count starts from the larger of
// Redis's last answer and the portal's count it holds (SetFloor), and
// follows the portal's counts that arrive meanwhile: a Redis that
// answered lower than the portal (its counter behind, restarted empty) or
// never answered for the subscription (it went away right after the
// node's restart) does not let the node accept up to the quota again.
func TestRedisFallbackStartsFromThePortalsCount(t *testing.T) {
	url := redistest.URL(t)
	prefix := redistest.Prefix(t, url)
	proxy := redistest.NewProxy(t, url)
	r := newRedis(t, proxy.URL(t, url), prefix, nil, nil)
	q := ratelimit.Limit{DailyQuota: 5}
	now := time.Now()
	day := now.Unix() / 86400

	// Redis answered 2; then the portal's count of 5 arrives and Redis
	// goes away before the node calls it again.
	key := "sub-p-" + redistest.Unique()
	for i := range 2 {
		if d, _ := r.Allow(t.Context(), key, q, now); !d.Allowed || d.QuotaUsed != i+1 || r.Fallbacks() != 0 {
			t.Fatalf("request %d with Redis: %+v (%d decided alone)", i+1, d, r.Fallbacks())
		}
	}
	fresh := "sub-p-" + redistest.Unique()
	r.SetFloor(day, map[string]int64{key: 5, fresh: 4})
	proxy.Cut()
	allowed := 0
	for range 3 {
		if d, _ := r.Allow(t.Context(), key, q, now); d.Allowed {
			allowed++
		}
	}
	if allowed != 0 || r.Fallbacks() != 3 {
		t.Errorf("Redis away, its last answer 2, the portal's count 5 of a quota of 5: %d of 3 allowed (%d decided alone), want 0", allowed, r.Fallbacks())
	}

	// A subscription Redis never answered for: the portal's 4 of 5 leave
	// one request; a newer count of 5 leaves none.
	allowed = 0
	for range 3 {
		if d, _ := r.Allow(t.Context(), fresh, q, now); d.Allowed {
			allowed++
		}
	}
	if allowed != 1 {
		t.Errorf("Redis away before its first call, the portal's count 4 of a quota of 5: %d of 3 allowed, want 1", allowed)
	}
	other := "sub-p-" + redistest.Unique()
	if d, _ := r.Allow(t.Context(), other, q, now); !d.Allowed || d.QuotaUsed != 1 {
		t.Fatalf("a subscription the portal has not counted, Redis away: %+v, want allowed with 1 used", d)
	}
	r.SetFloor(day, map[string]int64{other: 5})
	if d, _ := r.Allow(t.Context(), other, q, now); d.Allowed || !d.QuotaExceeded || d.QuotaUsed != 5 {
		t.Errorf("after the portal's count of 5 arrived while Redis is away: %+v, want refused over the quota with 5 used", d)
	}
}
