// Package outage logs a run of failures of something a loop depends on
// (the database, mostly) without a line per attempt: a loop that retries
// every half second would otherwise write thousands of identical lines
// during an outage of some minutes, burying everything else, and say
// nothing when it ends.
package outage

import (
	"context"
	"log/slog"
	"time"
)

// Every is the most often an outage is logged after its first failure.
const Every = time.Minute

// Log logs one loop's outages: the first failure at once (Name, the
// error), then at most once every Every "Name still failing" with the
// failures since the last line and how long the outage has lasted, and
// at the first success Again (at Info) with how long it lasted and its
// failures. It is not safe for concurrent use: one loop owns it.
type Log struct {
	Name, Again string
	Logger      *slog.Logger
	// Level is the failure lines' level.
	Level slog.Level
	// Now is the clock of the pace (time.Now when nil).
	Now func() time.Time

	// start is the first failure's time, last the last line's; failures
	// counts the failures since start, unlogged those since the last line.
	start, last        time.Time
	failures, unlogged int
}

func (o *Log) now() time.Time {
	if o.Now == nil {
		return time.Now()
	}
	return o.Now()
}

// Failed records a failed attempt and logs it if it starts an outage or
// the last line is Every old.
func (o *Log) Failed(err error) {
	now := o.now()
	o.failures++
	if o.failures == 1 {
		o.start, o.last = now, now
		o.Logger.Log(context.Background(), o.Level, o.Name, "err", err)
		return
	}
	o.unlogged++
	if now.Sub(o.last) >= Every {
		o.Logger.Log(context.Background(), o.Level, o.Name+" still failing", "failures", o.unlogged, "for", now.Sub(o.start).Round(time.Second).String(), "err", err)
		o.last, o.unlogged = now, 0
	}
}

// Ended records a successful attempt and logs the end of the outage if
// one was under way.
func (o *Log) Ended() {
	if o.failures == 0 {
		return
	}
	o.Logger.Info(o.Again, "after", o.now().Sub(o.start).Round(time.Second).String(), "failures", o.failures)
	o.failures, o.unlogged = 0, 0
}
