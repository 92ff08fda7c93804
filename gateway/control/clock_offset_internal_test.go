package control

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portico-dev/portico/logtest"
)

// slowClock is a database clock whose every reading takes longer than
// offsetRoundTrip (a busy pool) and counts its readings.
type slowClock struct {
	reads atomic.Int64
	delay time.Duration
	err   error
}

func (c *slowClock) now(ctx context.Context) (time.Time, error) {
	c.reads.Add(1)
	time.Sleep(c.delay)
	if c.err != nil {
		return time.Time{}, c.err
	}
	return time.Now().Add(time.Hour), nil
}

// TestClockOffsetIsMeasuredAtABoundedRate: once the offset is due again,
// a database clock that reads slowly (or fails) is read once per
// offsetRetry, not on every node report, and the reports meanwhile are
// stamped with the last good offset, without waiting for a reading.
func TestClockOffsetIsMeasuredAtABoundedRate(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
	}{{"slow", nil}, {"failing", errors.New("the pool is exhausted")}} {
		t.Run(tc.name, func(t *testing.T) {
			c := &slowClock{delay: offsetRoundTrip + 50*time.Millisecond, err: tc.err}
			n := &Nodes{clock: c.now}
			// A good reading, a while ago: it is due again.
			n.offset, n.measured = 42*time.Second, time.Now().Add(-2*offsetEvery)
			var wg sync.WaitGroup
			var slow atomic.Int64
			for range 20 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					start := time.Now()
					got, err := n.clockOffset(context.Background())
					if err != nil {
						t.Errorf("clockOffset: %v, want the last good offset", err)
					}
					if got != 42*time.Second {
						t.Errorf("offset %s, want the last good one, 42s", got)
					}
					if time.Since(start) >= offsetRoundTrip {
						slow.Add(1)
					}
				}()
			}
			wg.Wait()
			for range 20 {
				if got, err := n.clockOffset(context.Background()); err != nil || got != 42*time.Second {
					t.Errorf("clockOffset = %s, %v; want 42s, the last good offset", got, err)
				}
			}
			if got := c.reads.Load(); got != 1 {
				t.Errorf("database clock read %d times in 40 reports, want once", got)
			}
			if got := slow.Load(); got > 1 {
				t.Errorf("%d of 20 concurrent reports waited for the reading, want at most the one making it", got)
			}
		})
	}
}

// TestClockOffsetFirstReadingIsTaken: with no reading yet, a slow one is
// taken (there is nothing better), and a failing one fails the report.
func TestClockOffsetFirstReadingIsTaken(t *testing.T) {
	c := &slowClock{delay: offsetRoundTrip + 20*time.Millisecond, err: errors.New("down")}
	n := &Nodes{clock: c.now}
	if _, err := n.clockOffset(context.Background()); err == nil {
		t.Fatal("clockOffset with no reading and the database down: no error, want one")
	}
	c.err = nil
	got, err := n.clockOffset(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if d := (got - time.Hour).Abs(); d > time.Second {
		t.Errorf("offset %s, want about 1h (the slow first reading)", got)
	}
}

// TestClockOffsetFailuresAreLogged: a run of readings of the database's
// clock that are not taken (failing, or slow once there is a good one) is
// logged at its first reading and at its end, not at every retry, and the
// line says why.
func TestClockOffsetFailuresAreLogged(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		delay      time.Duration
		err        error
	}{
		{"failing", "the pool is exhausted", 0, errors.New("the pool is exhausted")},
		{"slow", "the reading is not taken", offsetRoundTrip + 20*time.Millisecond, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs logtest.Buffer
			n := NewNodes(nil, slog.New(slog.NewTextHandler(&logs, nil)))
			c := &slowClock{delay: tc.delay, err: tc.err}
			n.clock = c.now
			n.offset, n.measured = 42*time.Second, time.Now().Add(-2*offsetEvery)
			for range 5 {
				if got, err := n.clockOffset(context.Background()); err != nil || got != 42*time.Second {
					t.Fatalf("clockOffset = %s, %v; want 42s, the last good offset", got, err)
				}
				n.tried = time.Now().Add(-2 * offsetRetry) // due again
			}
			if got := c.reads.Load(); got != 5 {
				t.Fatalf("the clock was read %d times, want 5", got)
			}
			out := logs.String()
			if got := strings.Count(out, "gateway node clock offset not measured"); got != 1 || !strings.Contains(out, tc.want) || !strings.Contains(out, "level=WARN") {
				t.Fatalf("5 readings not taken are logged %d times, want once, a warning saying %q:\n%s", got, tc.want, out)
			}
			c.delay, c.err = 0, nil
			if _, err := n.clockOffset(context.Background()); err != nil {
				t.Fatal(err)
			}
			if out := logs.String(); !strings.Contains(out, "gateway node clock offset measured again") || !strings.Contains(out, "failures=5") {
				t.Errorf("the run's end is not logged:\n%s", out)
			}
		})
	}
}
