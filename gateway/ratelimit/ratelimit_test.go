package ratelimit_test

import (
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway/ratelimit"
)

func TestLocalBurstThenRate(t *testing.T) {
	l := ratelimit.NewLocal()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	lim := ratelimit.Limit{PerMinute: 60, Burst: 3}
	for i := range 3 {
		d, _ := l.Allow(t.Context(), "sub-1", lim, now)
		if !d.Allowed || d.Remaining != 2-i {
			t.Fatalf("request %d: got %+v, want allowed with %d remaining", i+1, d, 2-i)
		}
	}
	d, _ := l.Allow(t.Context(), "sub-1", lim, now)
	if d.Allowed || d.RetryAfter != time.Second || d.Limit != 60 || d.Reset != 3*time.Second {
		t.Fatalf("fourth: got %+v, want refused, retry after 1s, reset 3s", d)
	}
	if d, _ := l.Allow(t.Context(), "sub-2", lim, now); !d.Allowed {
		t.Fatal("another subscription shares the bucket")
	}
	if d, _ := l.Allow(t.Context(), "sub-1", lim, now.Add(time.Second)); !d.Allowed {
		t.Fatal("one second at 60/min does not refill one request")
	}
	if n := l.Sweep(now.Add(time.Hour)); n != 0 {
		t.Fatalf("sweep kept %d full buckets", n)
	}
}

func TestLocalPlanChangeAndUnlimited(t *testing.T) {
	l := ratelimit.NewLocal()
	now := time.Now()
	for range 2 {
		l.Allow(t.Context(), "s", ratelimit.Limit{PerMinute: 2, Burst: 2}, now)
	}
	if d, _ := l.Allow(t.Context(), "s", ratelimit.Limit{PerMinute: 2, Burst: 2}, now); d.Allowed {
		t.Fatal("over the burst is allowed")
	}
	l.Allow(t.Context(), "s", ratelimit.Limit{PerMinute: 6000, Burst: 10}, now.Add(100*time.Millisecond))
	if d, _ := l.Allow(t.Context(), "s", ratelimit.Limit{PerMinute: 6000, Burst: 10}, now.Add(200*time.Millisecond)); !d.Allowed || d.Remaining < 8 {
		t.Fatalf("a raised limit does not apply: %+v", d)
	}
	for range 1000 {
		if d, _ := l.Allow(t.Context(), "u", ratelimit.Limit{}, now); !d.Allowed {
			t.Fatal("a plan without a rate is limited")
		}
	}
}

func TestLocalDailyQuota(t *testing.T) {
	l := ratelimit.NewLocal()
	now := time.Date(2026, 12, 2, 22, 0, 0, 0, time.UTC)
	lim := ratelimit.Limit{PerMinute: 60, Burst: 1, DailyQuota: 2}
	if d, _ := l.Allow(t.Context(), "s", lim, now); !d.Allowed || d.QuotaUsed != 1 {
		t.Fatalf("first: %+v", d)
	}
	// Refused by the rate: not counted against the quota.
	if d, _ := l.Allow(t.Context(), "s", lim, now); d.Allowed || d.QuotaExceeded || d.QuotaUsed != 1 {
		t.Fatalf("second at once: %+v", d)
	}
	if d, _ := l.Allow(t.Context(), "s", lim, now.Add(time.Second)); !d.Allowed || d.QuotaUsed != 2 {
		t.Fatalf("third: %+v", d)
	}
	d, _ := l.Allow(t.Context(), "s", lim, now.Add(time.Hour))
	if d.Allowed || !d.QuotaExceeded || d.RetryAfter != time.Hour || d.Limit != 2 {
		t.Fatalf("over the quota at 23:00: %+v, want refused for the hour until midnight", d)
	}
	if n := l.Sweep(now.Add(time.Hour)); n != 1 {
		t.Fatalf("sweep forgot a bucket holding today's count (%d left)", n)
	}
	if d, _ := l.Allow(t.Context(), "s", lim, now.Add(2*time.Hour)); !d.Allowed || d.QuotaUsed != 1 {
		t.Fatalf("the next UTC day: %+v", d)
	}
}

// TestLocalOthersCountTowardsQuota: what the portal says other nodes
// accepted today counts with the node's own requests, only on its day and
// only for its key.
func TestLocalOthersCountTowardsQuota(t *testing.T) {
	l := ratelimit.NewLocal()
	now := time.Date(2026, 12, 2, 23, 59, 0, 0, time.UTC)
	day := now.Unix() / 86400
	lim := ratelimit.Limit{DailyQuota: 10}
	for range 3 {
		if d, _ := l.Allow(t.Context(), "s", lim, now); !d.Allowed {
			t.Fatal("refused under the quota")
		}
	}
	l.SetOthers(day, map[string]int64{"s": 6, "other": 100})
	d, _ := l.Allow(t.Context(), "s", lim, now)
	if !d.Allowed || d.QuotaUsed != 10 {
		t.Fatalf("own 3 + others 6: got %+v, want allowed as the 10th", d)
	}
	if d, _ := l.Allow(t.Context(), "s", lim, now); d.Allowed || !d.QuotaExceeded || d.QuotaUsed != 10 {
		t.Fatalf("own 4 + others 6: got %+v, want over the quota", d)
	}
	// A key the portal counted nothing of, and a key without a quota.
	if d, _ := l.Allow(t.Context(), "t", lim, now); !d.Allowed || d.QuotaUsed != 1 {
		t.Fatalf("another key: %+v", d)
	}
	if d, _ := l.Allow(t.Context(), "other", ratelimit.Limit{PerMinute: 60}, now); !d.Allowed {
		t.Fatalf("a key without a quota is refused: %+v", d)
	}
	// Counts of yesterday do not count today.
	tomorrow := now.Add(2 * time.Minute)
	if d, _ := l.Allow(t.Context(), "s", lim, tomorrow); !d.Allowed || d.QuotaUsed != 1 {
		t.Fatalf("the next day with yesterday's counts: %+v, want the first", d)
	}
	l.SetOthers(day+1, map[string]int64{"s": 8})
	if d, _ := l.Allow(t.Context(), "s", lim, tomorrow); !d.Allowed || d.QuotaUsed != 10 {
		t.Fatalf("own 1 + others 8: %+v, want allowed as the 10th", d)
	}
	if d, _ := l.Allow(t.Context(), "s", lim, tomorrow); d.Allowed {
		t.Fatalf("own 2 + others 8 allowed: %+v", d)
	}
	// A delta of the others' share: "s" lowered to 0 (removed), "t"
	// raised; counts of another day take none.
	if l.UpdateOthers(day, map[string]int64{"s": 1}) {
		t.Fatal("a delta of yesterday's share applied to today's")
	}
	if !l.UpdateOthers(day+1, map[string]int64{"s": 0, "t": 9}) {
		t.Fatal("a delta of today's share not applied")
	}
	if d, _ := l.Allow(t.Context(), "s", lim, tomorrow); !d.Allowed || d.QuotaUsed != 3 {
		t.Fatalf("own 2 + others 0: %+v, want allowed as the 3rd", d)
	}
	if d, _ := l.Allow(t.Context(), "t", lim, tomorrow); !d.Allowed || d.QuotaUsed != 10 {
		t.Fatalf("own 0 + others 9: %+v, want allowed as the 10th", d)
	}
}

// TestLocalLateDecisionGivesNoTimeBack: a request decided after a later
// one (its time is when it arrived: it waited, for Redis that did not
// answer) must not set the bucket's clock back, or the next request is
// refilled a second time for the same span. Seen live: two nodes falling
// back while Redis was stopped (each retry waits the Redis timeout)
// accepted 467 requests in 20 s at 10 a second each (at most 420).
func TestLocalLateDecisionGivesNoTimeBack(t *testing.T) {
	l := ratelimit.NewLocal()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	lim := ratelimit.Limit{PerMinute: 60, Burst: 2}
	if d, _ := l.Allow(t.Context(), "sub-l", lim, now); !d.Allowed {
		t.Fatalf("first request: %+v", d)
	}
	// A request that arrived 900 ms earlier is decided now: the last token.
	if d, _ := l.Allow(t.Context(), "sub-l", lim, now.Add(-900*time.Millisecond)); !d.Allowed {
		t.Fatalf("the late request: %+v", d)
	}
	// 100 ms later a tenth of a token has refilled, not one.
	if d, _ := l.Allow(t.Context(), "sub-l", lim, now.Add(100*time.Millisecond)); d.Allowed {
		t.Fatalf("100 ms after the burst was used at 60/min: %+v, want refused", d)
	}
}
