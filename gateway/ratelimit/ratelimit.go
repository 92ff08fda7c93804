// Package ratelimit limits requests per subscription on one gateway node: a
// token bucket per key (golang.org/x/time/rate) that refills at the plan's
// rate per minute and holds its burst.
package ratelimit

import (
	"context"
	"hash/maphash"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limit is a plan's limit: a sustained rate and a burst.
type Limit struct {
	PerMinute int
	// Burst is how many requests may come at once; 0 means PerMinute.
	Burst int
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
	// Limit is the requests per minute.
	Limit int
	// Remaining is how many more requests may be sent now.
	Remaining int
	// Reset is the time until the burst is whole again.
	Reset time.Duration
	// RetryAfter is when the next request will be allowed (when refused).
	RetryAfter time.Duration
}

// Local keeps the buckets in this process.
type Local struct {
	seed   maphash.Seed
	shards [64]shard
}

type shard struct {
	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	lim   *rate.Limiter
	limit Limit
}

// NewLocal returns an empty set of buckets.
func NewLocal() *Local {
	l := &Local{seed: maphash.MakeSeed()}
	for i := range l.shards {
		l.shards[i].buckets = make(map[string]*bucket)
	}
	return l
}

// Allow takes one request from key's bucket at now. Limits with no rate are
// not limited. It never fails; the error is for shared limiters.
func (l *Local) Allow(_ context.Context, key string, limit Limit, now time.Time) (Decision, error) {
	if limit.PerMinute <= 0 {
		return Decision{Allowed: true}, nil
	}
	perSecond := rate.Limit(float64(limit.PerMinute) / 60)
	burst := limit.burst()
	s := &l.shards[maphash.String(l.seed, key)%uint64(len(l.shards))]
	s.mu.Lock()
	b := s.buckets[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(perSecond, burst), limit: limit}
		s.buckets[key] = b
	} else if b.limit != limit {
		// The plan changed: keep the tokens, change the rate and size.
		b.lim.SetLimitAt(now, perSecond)
		b.lim.SetBurstAt(now, burst)
		b.limit = limit
	}
	allowed := b.lim.AllowN(now, 1)
	tokens := b.lim.TokensAt(now)
	s.mu.Unlock()

	d := Decision{Allowed: allowed, Limit: limit.PerMinute, Remaining: max(int(math.Floor(tokens)), 0)}
	d.Reset = seconds((float64(burst) - tokens) / float64(perSecond))
	if !allowed {
		d.RetryAfter = max(seconds((1-tokens)/float64(perSecond)), time.Second)
	}
	return d, nil
}

func seconds(s float64) time.Duration {
	if s <= 0 {
		return 0
	}
	return time.Duration(math.Ceil(s)) * time.Second
}

// Sweep forgets the buckets that are full at now: forgetting them changes
// nothing, as a new bucket starts full. It returns how many remain.
func (l *Local) Sweep(now time.Time) int {
	n := 0
	for i := range l.shards {
		s := &l.shards[i]
		s.mu.Lock()
		for k, b := range s.buckets {
			if b.lim.TokensAt(now) >= float64(b.limit.burst()) {
				delete(s.buckets, k)
			}
		}
		n += len(s.buckets)
		s.mu.Unlock()
	}
	return n
}
