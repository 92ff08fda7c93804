package remind_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// beginCounter counts the transactions begun on a store.
type beginCounter struct{ n atomic.Int64 }

func (c *beginCounter) BeforeQuery(ctx context.Context, e *bun.QueryEvent) context.Context {
	if e.Query == "BEGIN" {
		c.n.Add(1)
	}
	return ctx
}

func (*beginCounter) AfterQuery(context.Context, *bun.QueryEvent) {}

// TestSkippedCandidatesOpenNoTransaction: a key rotated with a day's
// grace is a grace candidate every minute of that day, and MinLead skips
// it (the reminder would come as the key is rotated). The scheduler
// judged it only inside a transaction, so each instance opened one a
// minute for each such key, a write transaction on SQLite. Like the
// expiry and sunset candidates, it is now skipped before any.
func TestSkippedCandidatesOpenNoTransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		short := f.key(t, "ci", t0.Add(20*day))
		if _, _, err := f.svc.RotateKey(ctx, f.dev, short, f.sub, "86400"); err != nil {
			t.Fatal(err)
		}
		// A week's expiry found in the 7-day window a moment after its
		// issue: skipped before a transaction already.
		f.key(t, "soon", t0.Add(7*day))
		c := &beginCounter{}
		s.AddQueryHook(c)
		for _, at := range []time.Duration{time.Minute, time.Hour, 12 * time.Hour, 23 * time.Hour} {
			if n := f.run(t, t0.Add(at)); n != 0 {
				t.Errorf("at t0+%s: sent %d reminders, want none", at, n)
			}
		}
		if got := c.n.Load(); got != 0 {
			t.Errorf("the scheduler began %d transactions for candidates MinLead skips, want 0", got)
		}
	})
}
