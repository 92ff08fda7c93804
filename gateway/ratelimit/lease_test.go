package ratelimit

import (
	"errors"
	"testing"
	"time"
)

func TestLeaseCap(t *testing.T) {
	for _, tc := range []struct {
		limit Limit
		want  int
	}{
		{Limit{PerMinute: 60, Burst: 5}, 1},
		{Limit{PerMinute: 60, Burst: 10}, 2},
		{Limit{PerMinute: 6000}, 1024},
		{Limit{PerMinute: 6000, Burst: 100}, 25},
		{Limit{DailyQuota: 3}, 1},
		{Limit{DailyQuota: 2000}, 20},
		{Limit{PerMinute: 600, Burst: 400, DailyQuota: 1000}, 10},
		{Limit{PerMinute: 1e8, Burst: 1e7, DailyQuota: 1e9}, leaseMax},
	} {
		if got := leaseCap(tc.limit); got != tc.want {
			t.Errorf("leaseCap(%+v) = %d, want %d", tc.limit, got, tc.want)
		}
	}
}

func TestDemandWindows(t *testing.T) {
	t0 := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	var d demand
	for i := range 10 {
		d.add(t0.Add(time.Duration(i) * time.Millisecond))
	}
	if got := d.last(t0.Add(10 * time.Millisecond)); got != 10 {
		t.Errorf("10 requests in the window: got %d", got)
	}
	// Half a window later, half the previous window still counts.
	if got := d.last(t0.Add(leaseWindow + leaseWindow/2)); got != 5 {
		t.Errorf("half a window on: got %d, want 5", got)
	}
	if got := d.last(t0.Add(5 * leaseWindow)); got != 0 {
		t.Errorf("idle for windows: got %d, want 0", got)
	}
}

func TestLeasePoolArithmetic(t *testing.T) {
	t0 := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	lim := Limit{PerMinute: 6000, Burst: 100, DailyQuota: 100000} // cap 25
	l := &lease{}
	l.prepare(lim, 1, t0)
	if got := l.size(t0); got != 1 {
		t.Fatalf("size of a quiet subscription %d, want 1", got)
	}
	if _, ok := l.wantRefill(t0); ok {
		t.Fatal("a quiet subscription refills in the background")
	}
	for range 40 {
		l.demand.add(t0)
	}
	if got := l.size(t0); got != 25 {
		t.Fatalf("size of a busy subscription %d, want the cap 25", got)
	}

	// A request's call: 25 wanted, 1 used at once.
	c := l.begin(l.size(t0), 1, t0)
	if l.inflight == nil || c.keep != 0 || c.give != 0 {
		t.Fatalf("call %+v, in flight %v", c, l.inflight != nil)
	}
	l.finish(c, answer{granted: 25, remaining: 75, reset: 250 * time.Millisecond, counted: 525}, nil)
	if l.pool != 24 || l.inflight != nil || !l.until.Equal(t0.Add(leaseLocal)) {
		t.Fatalf("after the grant: pool %d, until %v", l.pool, l.until)
	}
	d := l.allowed(t0)
	if !d.Allowed || d.Remaining != 99 || d.QuotaUsed != 501 || d.Reset != time.Second {
		t.Fatalf("decision %+v, want remaining 75+24, quota used 525-24, reset 1 s", d)
	}
	for range 12 {
		l.pool--
	}
	if want, ok := l.wantRefill(t0); !ok || want != 13 {
		t.Fatalf("half used: refill %d %v, want 13", want, ok)
	}
	// Background refill: the pool is told, 10 of 13 granted, and 2 more
	// tokens are used while the call is on its way.
	c = l.begin(13, 0, t0.Add(100*time.Millisecond))
	if c.keep != 12 {
		t.Fatalf("keep %d, want 12", c.keep)
	}
	l.pool -= 2
	l.finish(c, answer{granted: 10, kept: 12}, nil)
	if l.pool != 20 || !l.until.Equal(t0.Add(100*time.Millisecond+leaseLocal)) {
		t.Fatalf("pool %d until %v, want 20 until the new call's expiry", l.pool, l.until)
	}
	// Redis no longer held 5 of them: the node drops 5.
	c = l.begin(0, 0, t0.Add(200*time.Millisecond))
	l.finish(c, answer{kept: 15}, nil)
	if l.pool != 15 {
		t.Fatalf("pool %d, want 15 after Redis kept 15 of 20", l.pool)
	}
	// A failed call changes nothing and its give is not sent again.
	l.give = 3
	c = l.begin(5, 0, t0.Add(300*time.Millisecond))
	l.finish(c, answer{}, errTest)
	if l.pool != 15 || l.give != 0 || l.inflight != nil {
		t.Fatalf("after a failure: pool %d give %d", l.pool, l.give)
	}

	// Expired: the pool becomes tokens to give back; no token is taken.
	l.prepare(lim, 1, t0.Add(200*time.Millisecond+leaseLocal))
	if l.pool != 0 || l.give != 15 {
		t.Fatalf("expired: pool %d give %d", l.pool, l.give)
	}
	c = l.begin(1, 1, t0.Add(2*time.Second))
	if c.give != 15 || l.give != 0 {
		t.Fatalf("the next call gives %d (left %d), want 15", c.give, l.give)
	}
	l.finish(c, answer{verdict: 1, retry: 300 * time.Millisecond, reset: 4 * time.Second}, nil)
	// No background refill while Redis said no token comes before then.
	if _, ok := l.wantRefill(t0.Add(2*time.Second + 100*time.Millisecond)); ok || !l.refusedUntil.Equal(t0.Add(2*time.Second+300*time.Millisecond)) {
		t.Fatalf("background refill while a refusal holds (until %v)", l.refusedUntil)
	}
	// A plain call (one request alone) leaves the lease as it is.
	l.pool = 4
	c = &call{limit: l.limit, day: l.day, sent: t0, want: 1, use: 1, plain: true}
	l.finish(c, answer{granted: 1, remaining: 9, counted: 900}, nil)
	if l.pool != 4 || l.remaining != 9 || l.counted != 900 {
		t.Fatalf("after a plain call: pool %d remaining %d counted %d", l.pool, l.remaining, l.counted)
	}

	// Another plan or another day drops the pool without giving it back.
	l.pool, l.give = 7, 2
	l.prepare(Limit{PerMinute: 60}, 1, t0.Add(3*time.Second))
	if l.pool != 0 || l.give != 0 {
		t.Fatalf("after a plan change: pool %d give %d", l.pool, l.give)
	}
	l.pool = 7
	l.prepare(Limit{PerMinute: 60}, 2, t0.Add(3*time.Second))
	if l.pool != 0 {
		t.Fatalf("after the day changed: pool %d", l.pool)
	}
}

var errTest = errors.New("redis down")

// TestQuotaRefusalHold: a quota refusal is held for quotaRefusalHold from
// the refused call's sending, not a rate refusal; a new day or another plan
// ends it at once.
func TestQuotaRefusalHold(t *testing.T) {
	t0 := time.Unix(1_000_000, 0)
	lim := Limit{DailyQuota: 5}
	refused := func(verdict int) *lease {
		l := &lease{}
		l.prepare(lim, 10, t0)
		c := l.begin(1, 1, t0)
		l.finish(c, answer{verdict: verdict, counted: 5, retry: time.Minute}, nil)
		return l
	}
	l := refused(2)
	for _, tc := range []struct {
		at   time.Duration
		want bool
	}{{0, true}, {quotaRefusalHold - 1, true}, {quotaRefusalHold, false}, {time.Hour, false}} {
		if got := l.quotaRefused(t0.Add(tc.at)); got != tc.want {
			t.Errorf("%s after the refused call: held %v, want %v", tc.at, got, tc.want)
		}
	}
	if l := refused(1); l.quotaRefused(t0) {
		t.Error("a rate refusal held as a quota refusal")
	}
	l = refused(2)
	l.prepare(lim, 11, t0)
	if l.quotaRefused(t0) {
		t.Error("the refusal held on the next day")
	}
	l = refused(2)
	l.prepare(Limit{DailyQuota: 50}, 10, t0)
	if l.quotaRefused(t0) {
		t.Error("the refusal held after the plan's quota was raised")
	}
}
