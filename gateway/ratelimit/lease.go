package ratelimit

import (
	"hash/maphash"
	"math"
	"strconv"
	"sync"
	"time"
)

// A node takes a subscription's tokens from Redis in small batches (leases)
// and serves requests from its batch without a round trip; see Redis.
const (
	// leaseMax is the most tokens one node takes in one call.
	leaseMax = 1024
	// leaseWindow is the demand a lease is sized for: as many tokens as the
	// node's requests of the subscription in the last window.
	leaseWindow = 200 * time.Millisecond
	// leaseTTL is how long Redis counts a node's leased tokens as held;
	// the node itself uses them for leaseLocal only, measured on its
	// monotonic clock from before the call was sent, so it has stopped
	// using them before Redis lets them go.
	leaseTTL   = time.Second
	leaseLocal = 900 * time.Millisecond
	// quotaRefusalHold is how long a node refuses a subscription over its
	// daily quota without asking Redis again, from the sending of the call
	// Redis refused (a client over its quota that keeps sending costs one
	// round trip a second, not one per request). It is short because
	// other nodes may hand back unused quota in the meantime; a new UTC
	// day or another plan (a raised quota) ends it at once (prepare).
	quotaRefusalHold = time.Second
)

// leaseCap is the most tokens a node may hold of a subscription with limit:
// a quarter of the burst and a hundredth of the daily quota, at least 1,
// at most leaseMax. What one node holds, the others may be refused.
func leaseCap(l Limit) int {
	m := leaseMax
	if l.PerMinute > 0 {
		m = min(m, l.burst()/4)
	}
	if l.DailyQuota > 0 {
		m = min(m, l.DailyQuota/100)
	}
	return max(m, 1)
}

// demand counts a subscription's requests on this node in windows of
// leaseWindow.
type demand struct {
	start     time.Time // start of the current window
	cur, prev int
}

func (d *demand) roll(now time.Time) {
	switch el := now.Sub(d.start); {
	case el < leaseWindow:
	case el < 2*leaseWindow:
		d.prev, d.cur, d.start = d.cur, 0, d.start.Add(leaseWindow)
	default:
		d.prev, d.cur, d.start = 0, 0, now
	}
}

func (d *demand) add(now time.Time) {
	d.roll(now)
	d.cur++
}

// last estimates the requests of the leaseWindow before now (the current
// window and the part of the previous one it does not cover).
func (d *demand) last(now time.Time) int {
	d.roll(now)
	frac := float64(now.Sub(d.start)) / float64(leaseWindow)
	return d.cur + int(math.Ceil(float64(d.prev)*(1-frac)))
}

// lease is what this node holds of one subscription.
type lease struct {
	mu    sync.Mutex
	dead  bool // forgotten by sweep: callers take a new one
	limit Limit
	day   int64
	// pool is how many tokens this node may use without asking Redis,
	// until until. Each stands for one request of the rate and one of
	// today's quota, already counted in Redis.
	pool  int
	until time.Time
	// give is what an expired pool held: handed back on the next call.
	give int
	// inflight is closed when the lease call in flight answers (nil:
	// none). A node has at most one lease call in flight per subscription,
	// so what it tells Redis it keeps is never overtaken by another of its
	// calls.
	inflight chan struct{}
	demand   demand
	// From the last answer: tokens left in Redis, when the burst is whole
	// again, the quota counter (leased units included), and a refusal
	// known to hold until refusedUntil (no background refill before).
	remaining    int
	resetAt      time.Time
	counted      int
	refusedUntil time.Time
	quotaOut     bool
	// seen is when the call of the last answer was sent (zero: no answer
	// for this limit and day); seeded says the node's own limits were
	// brought to it since (see Redis.lowerLocal).
	seen   time.Time
	seeded bool
	// floorN and floorS: the last floor sent (Redis.SetFloor) and its
	// decimal form, formatted once per change rather than once per call.
	floorN int64
	floorS string
}

// call is one script call of a lease: what was asked and told.
type call struct {
	limit      Limit
	day        int64
	sent       time.Time
	want, use  int
	keep, give int
	// plain: a call for one request alone (while the lease call is in
	// flight), which leaves the lease as it is.
	plain bool
	// floor is the least the quota counter may be, in decimal ("" or
	// "0": none).
	floor string
	done  chan struct{}
}

// answer is the script's answer.
type answer struct {
	verdict   int // 0 granted (or nothing asked), 1 no token, 2 quota used up
	granted   int // tokens taken, the one used at once included
	remaining int // tokens left in Redis
	retry     time.Duration
	reset     time.Duration
	counted   int // quota counter after the call
	kept      int // how many of keep Redis still counted as held
}

// prepare brings l to limit on day at now: another plan or day drops the
// pool (its tokens stay held in Redis until they expire: only refusals can
// come of it); an expired pool becomes tokens to give back.
func (l *lease) prepare(limit Limit, day int64, now time.Time) {
	if limit != l.limit || day != l.day {
		l.limit, l.day = limit, day
		l.pool, l.give, l.remaining, l.counted = 0, 0, 0, 0
		l.refusedUntil, l.resetAt, l.quotaOut = time.Time{}, time.Time{}, false
		l.seen, l.seeded = time.Time{}, false
		return
	}
	if l.pool > 0 && !now.Before(l.until) {
		l.give += l.pool
		l.pool = 0
	}
}

// floorArg is the floor of a call for key on l's day from the portal's
// counts f: "0" without a quota, counts or counts of that day.
func (l *lease) floorArg(f *quotaFloor, key string) string {
	if f == nil || f.day != l.day || l.limit.DailyQuota <= 0 {
		return "0"
	}
	n := f.get(key)
	if n <= 0 {
		return "0"
	}
	if n != l.floorN || l.floorS == "" {
		l.floorN, l.floorS = n, strconv.FormatInt(n, 10)
	}
	return l.floorS
}

// size is how many tokens to ask for: the last window's demand, within
// leaseCap. 1 for a quiet subscription: then no token is held.
func (l *lease) size(now time.Time) int {
	return min(max(l.demand.last(now), 1), leaseCap(l.limit))
}

// wantRefill reports whether to top the pool up in the background: the
// subscription is busy enough for leases of k ≥ 2 and half the pool is
// used.
func (l *lease) wantRefill(now time.Time) (want int, ok bool) {
	if l.inflight != nil || now.Before(l.refusedUntil) {
		return 0, false
	}
	k := l.size(now)
	if k < 2 || l.pool > k/2 {
		return 0, false
	}
	return k - l.pool, true
}

// begin starts a call asking for want tokens (use of them for the request
// waiting on it) and telling Redis what the pool keeps and gives back.
func (l *lease) begin(want, use int, now time.Time) *call {
	c := &call{limit: l.limit, day: l.day, sent: now, want: want, use: use, keep: l.pool, give: l.give, done: make(chan struct{})}
	l.give = 0
	l.inflight = c.done
	return c
}

// finish applies an answer (or a failure) to l. A failed call's give is not
// sent again: had it reached Redis, tokens would be given back twice.
func (l *lease) finish(c *call, a answer, err error) {
	if !c.plain {
		close(c.done)
		l.inflight = nil
	}
	if err != nil || c.limit != l.limit || c.day != l.day {
		return
	}
	l.remaining, l.counted = a.remaining, a.counted
	l.resetAt = c.sent.Add(a.reset)
	if c.sent.After(l.seen) {
		l.seen, l.seeded = c.sent, false
	}
	if c.plain {
		return
	}
	if lost := c.keep - a.kept; lost > 0 {
		// Redis no longer counted part of the pool as held: drop it.
		from := min(lost, l.pool)
		l.pool -= from
		l.give = max(l.give-(lost-from), 0)
	}
	l.pool += a.granted - min(c.use, a.granted)
	if l.pool > 0 {
		l.until = c.sent.Add(leaseLocal)
	}
	switch a.verdict {
	case 1:
		l.refusedUntil, l.quotaOut = c.sent.Add(a.retry), false
	case 2:
		l.refusedUntil, l.quotaOut = c.sent.Add(quotaRefusalHold), true
	}
}

// shared estimates what Redis holds for this node at now from the last
// answer: the bucket's tokens (what Redis had left plus the pool, refilled
// at the rate since) and today's quota units used (the pool's not
// counted). ok is false without an answer for this limit and day, or once
// the node's own limits were brought to it (seeded).
func (l *lease) shared(now time.Time) (tokens float64, used int, ok bool) {
	if l.seen.IsZero() || l.seeded {
		return 0, 0, false
	}
	tokens = float64(l.remaining + l.pool)
	if l.limit.PerMinute > 0 {
		tokens += now.Sub(l.seen).Minutes() * float64(l.limit.PerMinute)
		tokens = min(tokens, float64(l.limit.burst()))
	}
	return tokens, max(l.counted-l.pool, 0), true
}

// quotaRefused reports whether Redis refused the subscription over today's
// quota less than quotaRefusalHold before now: a request is then refused
// without asking again.
func (l *lease) quotaRefused(now time.Time) bool {
	return l.quotaOut && now.Before(l.refusedUntil)
}

// allowed is the decision for a request that took a token at now.
func (l *lease) allowed(now time.Time) Decision {
	d := Decision{Allowed: true, Limit: l.limit.PerMinute}
	if l.limit.PerMinute > 0 {
		d.Remaining = min(l.remaining+l.pool, l.limit.burst())
		d.Reset = seconds(l.resetAt.Sub(now).Seconds())
	}
	if l.limit.DailyQuota > 0 {
		d.QuotaUsed = max(l.counted-l.pool, 0)
	}
	return d
}

// leases holds this node's leases by subscription.
type leases struct {
	seed   maphash.Seed
	shards [64]struct {
		mu sync.Mutex
		m  map[string]*lease
	}
}

func newLeases() *leases {
	ls := &leases{seed: maphash.MakeSeed()}
	for i := range ls.shards {
		ls.shards[i].m = make(map[string]*lease)
	}
	return ls
}

// lock returns key's lease, locked.
func (ls *leases) lock(key string) *lease {
	s := &ls.shards[maphash.String(ls.seed, key)%uint64(len(ls.shards))]
	for {
		s.mu.Lock()
		l := s.m[key]
		if l == nil {
			l = &lease{}
			s.m[key] = l
		}
		s.mu.Unlock()
		l.mu.Lock()
		if !l.dead {
			return l
		}
		l.mu.Unlock()
	}
}

// sweep forgets idle leases and calls back for the expired pools that have
// tokens to give back (give), at most one call per lease.
func (ls *leases) sweep(now time.Time, day int64, give func(key string, l *lease)) int {
	n := 0
	for i := range ls.shards {
		s := &ls.shards[i]
		s.mu.Lock()
		for key, l := range s.m {
			l.mu.Lock()
			l.prepare(l.limit, l.day, now)
			if l.day != day {
				l.give = 0
			}
			switch {
			case l.inflight != nil:
			case l.give > 0:
				give(key, l)
			case l.pool == 0 && l.demand.last(now) == 0 && !now.Before(l.refusedUntil):
				l.dead = true
				delete(s.m, key)
			}
			l.mu.Unlock()
		}
		n += len(s.m)
		s.mu.Unlock()
	}
	return n
}
