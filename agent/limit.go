package agent

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiter is a token bucket per personal access token, in this process's
// memory: each portal instance limits the calls it answers.
type limiter struct {
	perMinute, burst int
	now              func() time.Time

	mu        sync.Mutex
	buckets   map[int64]*bucket
	lastSweep time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimiter(perMinute, burst int, now func() time.Time) *limiter {
	return &limiter{perMinute: perMinute, burst: burst, now: now, buckets: map[int64]*bucket{}}
}

// allow takes one call from the bucket of token, or says how long to wait
// for the next one.
func (l *limiter) allow(token int64) (time.Duration, bool) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	b := l.buckets[token]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(rate.Limit(float64(l.perMinute)/60), l.burst)}
		l.buckets[token] = b
	}
	b.seen = now
	r := b.lim.ReserveN(now, 1)
	if delay := r.DelayFrom(now); delay > 0 {
		r.CancelAt(now)
		return delay, false
	}
	return 0, true
}

// sweep forgets, once a minute, the buckets of tokens unused for longer
// than a full bucket takes to refill: they would start full anyway.
func (l *limiter) sweep(now time.Time) {
	if now.Sub(l.lastSweep) < time.Minute {
		return
	}
	l.lastSweep = now
	refill := time.Duration(float64(l.burst)/float64(l.perMinute)*float64(time.Minute)) + time.Second
	for id, b := range l.buckets {
		if now.Sub(b.seen) > refill {
			delete(l.buckets, id)
		}
	}
}
