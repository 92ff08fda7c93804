// Package ratelimit limits requests per subscription: a rate (requests per
// minute with a burst) and a daily quota (requests per UTC day). Local keeps
// them in the node's memory: a token bucket per key (golang.org/x/time/rate)
// and a counter per day. Redis shares them between every node that uses the
// same Redis, and falls back to Local while Redis cannot be reached.
package ratelimit

import (
	"context"
	"hash/maphash"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Limit is a plan's limit: a sustained rate and a burst, and a daily quota.
type Limit struct {
	// PerMinute is the sustained rate; 0 means no rate limit.
	PerMinute int
	// Burst is how many requests may come at once; 0 means PerMinute.
	Burst int
	// DailyQuota is how many requests may be accepted per UTC day; 0 means
	// no quota.
	DailyQuota int
}

func (l Limit) burst() int {
	if l.Burst > 0 {
		return l.Burst
	}
	return l.PerMinute
}

// Decision is the outcome of one request and what the RateLimit headers say.
type Decision struct {
	Allowed bool
	// QuotaExceeded says the request was refused because the daily quota is
	// used up; RetryAfter is then the time until the next UTC midnight.
	QuotaExceeded bool
	// QuotaUsed counts today's accepted requests, this one included (when
	// the limit has a quota).
	QuotaUsed int
	// Limit is the requests per minute.
	Limit int
	// Remaining is how many more requests may be sent now.
	Remaining int
	// Reset is the time until the burst is whole again.
	Reset time.Duration
	// RetryAfter is when the next request will be allowed (when refused).
	RetryAfter time.Duration
}

// Local keeps the buckets and the day's counts in this process.
type Local struct {
	seed   maphash.Seed
	shards [64]shard
	// others is what other nodes (and this node's earlier runs) accepted
	// today, from the portal (SetOthers).
	others atomic.Pointer[others]
	// floor is the portal's counts of every node's accepted requests
	// today, the least a key's own count is taken to be (Redis's fallback:
	// Redis.SetFloor); nil in a node without Redis.
	floor atomic.Pointer[quotaFloor]
}

// others is the others' share of day. UpdateOthers changes count in place
// (under mu): a delta of a few keys then costs a few map writes, not a
// copy of every key of the day.
type others struct {
	day   int64
	mu    sync.RWMutex
	count map[string]int64
}

// SetOthers gives the requests of each key accepted on day (days since
// 1970, UTC) that this limiter did not count itself: on a node without
// Redis, what the portal counted from every node's reports minus what this
// node had reported when it asked (see node.quotaShare). From then on,
// a request of key on day is refused over the quota when
//
//	own count + others[key] ≥ daily quota
//
// so N nodes together accept at most the quota plus what the others
// accepted since their last report reached the portal. Keys without an
// entry count alone; a call replaces the previous counts, and count
// belongs to l afterwards (UpdateOthers changes it).
func (l *Local) SetOthers(day int64, count map[string]int64) {
	l.others.Store(&others{day: day, count: count})
}

// UpdateOthers sets the others' share of the keys in changed, on the
// counts of day given last (SetOthers): a key's entry is replaced, or
// removed when its share is 0 or less. It reports false, changing
// nothing, without counts of day.
func (l *Local) UpdateOthers(day int64, changed map[string]int64) bool {
	o := l.others.Load()
	if o == nil || o.day != day {
		return false
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	for key, n := range changed {
		if n > 0 {
			o.count[key] = n
		} else {
			delete(o.count, key)
		}
	}
	return true
}

// othersOf is what the portal says other nodes accepted of key on day.
func (l *Local) othersOf(key string, day int64) int {
	o := l.others.Load()
	if o == nil || o.day != day {
		return 0
	}
	o.mu.RLock()
	n := o.count[key]
	o.mu.RUnlock()
	return int(min(n, math.MaxInt32))
}

type shard struct {
	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	lim   *rate.Limiter // nil without a rate
	limit Limit
	// last is the latest time the bucket was used at: a request decided
	// after a later one (it waited for Redis, which did not answer) is
	// taken at last, as x/time/rate sets its clock back to an earlier
	// time and refills the span between a second time.
	last time.Time
	// day (days since 1970, UTC) and used count the quota.
	day  int64
	used int
}

// at is the time to use b's rate at for a request at now: never before
// the last one's.
func (b *bucket) at(now time.Time) time.Time {
	if now.Before(b.last) {
		return b.last
	}
	b.last = now
	return now
}

// NewLocal returns an empty set of buckets.
func NewLocal() *Local {
	l := &Local{seed: maphash.MakeSeed()}
	for i := range l.shards {
		l.shards[i].buckets = make(map[string]*bucket)
	}
	return l
}

// Allow takes one request from key's bucket and quota at now. Limits with no
// rate and no quota are not limited. It never fails; the error is for shared
// limiters.
func (l *Local) Allow(_ context.Context, key string, limit Limit, now time.Time) (Decision, error) {
	if limit.PerMinute <= 0 && limit.DailyQuota <= 0 {
		return Decision{Allowed: true}, nil
	}
	perSecond := rate.Limit(float64(limit.PerMinute) / 60)
	burst := limit.burst()
	day := dayOf(now)
	s := &l.shards[maphash.String(l.seed, key)%uint64(len(l.shards))]
	s.mu.Lock()
	b := s.buckets[key]
	if b == nil {
		b = &bucket{limit: limit, day: day}
		if limit.PerMinute > 0 {
			b.lim = rate.NewLimiter(perSecond, burst)
		}
		s.buckets[key] = b
	}
	at := b.at(now)
	if b.limit != limit {
		// The plan changed: keep the tokens, change the rate and size.
		switch {
		case limit.PerMinute <= 0:
			b.lim = nil
		case b.lim == nil:
			b.lim = rate.NewLimiter(perSecond, burst)
		default:
			b.lim.SetLimitAt(at, perSecond)
			b.lim.SetBurstAt(at, burst)
		}
		b.limit = limit
	}
	if b.day != day {
		b.day, b.used = day, 0
	}
	var elsewhere int
	if limit.DailyQuota > 0 {
		elsewhere = l.othersOf(key, day)
		// Deciding for Redis while it is away: the count is at least
		// what the portal counted of every node (their counts already
		// hold this node's reported requests, so the larger, not the sum).
		if f := l.floor.Load(); f != nil && f.day == day {
			b.used = max(b.used, int(min(f.get(key), math.MaxInt32)))
		}
	}
	if limit.DailyQuota > 0 && b.used+elsewhere >= limit.DailyQuota {
		used := b.used + elsewhere
		s.mu.Unlock()
		return quotaExceeded(limit, used, now), nil
	}
	allowed, tokens := true, 0.0
	if b.lim != nil {
		allowed = b.lim.AllowN(at, 1)
		tokens = b.lim.TokensAt(at)
	}
	if allowed && limit.DailyQuota > 0 {
		b.used++
	}
	used := b.used + elsewhere
	s.mu.Unlock()

	d := Decision{Allowed: allowed, Limit: limit.PerMinute}
	if limit.DailyQuota > 0 {
		d.QuotaUsed = used
	}
	if limit.PerMinute > 0 {
		d.Remaining = max(int(math.Floor(tokens)), 0)
		d.Reset = seconds((float64(burst) - tokens) / float64(perSecond))
		if !allowed {
			d.RetryAfter = max(seconds((1-tokens)/float64(perSecond)), time.Second)
		}
	}
	return d, nil
}

// lower brings key's bucket down to at most tokens (less than one token
// under, as its tokens are taken whole) and its count of
// today's quota up to at least used (a node falling back from shared
// limits starts from the shared counts rather than a full bucket and an
// untouched quota).
func (l *Local) lower(key string, limit Limit, tokens float64, used int, now time.Time) {
	s := &l.shards[maphash.String(l.seed, key)%uint64(len(l.shards))]
	s.mu.Lock()
	defer s.mu.Unlock()
	day := dayOf(now)
	b := s.buckets[key]
	if b == nil || b.limit != limit {
		b = &bucket{limit: limit, day: day}
		if limit.PerMinute > 0 {
			b.lim = rate.NewLimiter(rate.Limit(float64(limit.PerMinute)/60), limit.burst())
		}
		s.buckets[key] = b
	}
	if at := b.at(now); b.lim != nil {
		if take := int(math.Ceil(b.lim.TokensAt(at) - tokens)); take > 0 {
			b.lim.AllowN(at, take)
		}
	}
	if b.day != day {
		b.day, b.used = day, 0
	}
	b.used = max(b.used, used)
}

// quotaExceeded is the refusal of a request over the daily quota: the
// headers speak of the quota, reset at the next UTC midnight.
func quotaExceeded(limit Limit, used int, now time.Time) Decision {
	untilMidnight := seconds(NextMidnight(now).Sub(now).Seconds())
	return Decision{QuotaExceeded: true, QuotaUsed: used, Limit: limit.DailyQuota, Reset: untilMidnight, RetryAfter: max(untilMidnight, time.Second)}
}

// dayOf is the UTC day of t, in days since 1970-01-01.
func dayOf(t time.Time) int64 { return t.Unix() / 86400 }

// NextMidnight is the UTC midnight after t, when daily quotas reset.
func NextMidnight(t time.Time) time.Time {
	return time.Unix((dayOf(t)+1)*86400, 0).UTC()
}

func seconds(s float64) time.Duration {
	if s <= 0 {
		return 0
	}
	return time.Duration(math.Ceil(s)) * time.Second
}

// Sweep forgets the buckets that are full at now and hold no count for
// today: forgetting them changes nothing, as a new bucket starts full. It
// returns how many remain.
func (l *Local) Sweep(now time.Time) int {
	n := 0
	for i := range l.shards {
		s := &l.shards[i]
		s.mu.Lock()
		for k, b := range s.buckets {
			full := b.lim == nil || b.lim.TokensAt(now) >= float64(b.limit.burst())
			if full && (b.used == 0 || b.day != dayOf(now)) {
				delete(s.buckets, k)
			}
		}
		n += len(s.buckets)
		s.mu.Unlock()
	}
	return n
}
