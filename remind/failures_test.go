package remind_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/remind"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// failReminders makes the database refuse, from now on, to record the
// reminder of every sunset and that of the expiry of key id: a trigger
// raising an error on their insert into reminders, as a row the
// reminder's transaction cannot write would. It returns a function that
// drops the trigger.
func failReminders(t *testing.T, s *store.Store, id int64) (drop func()) {
	t.Helper()
	cond := fmt.Sprintf("NEW.kind = '%s' OR (NEW.kind = '%s' AND NEW.object_id = %d)", store.ReminderSunset, store.ReminderKeyExpiry, id)
	return storetest.Refuse(t, s, "reminders_fail", "INSERT", "reminders", cond, "reminder refused by the test")
}

// TestFailingCandidateBlocksNoOther: a reminder whose transaction fails,
// every minute (here the database refuses its record), stopped the whole
// run, so every reminder found after it (a later kind, a later key) was
// never sent. Now the run logs and counts the failure, goes on with the
// others and returns the failures; the failing ones are tried again each
// run, and sent once the database takes them.
func TestFailingCandidateBlocksNoOther(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		first := f.key(t, "first", t0.Add(17*day))
		second := f.key(t, "second", t0.Add(17*day))
		// The sunset's 30-day reminder and the keys' 7-day ones are due
		// on day 10; the sunset is a candidate before the keys.
		f.deprecate(t, t0, t0.Add(40*day))
		drop := failReminders(t, s, first.ID)
		// The second run tries the failing ones again (the second key's is
		// sent already).
		for _, st := range []step{{10 * day, 1}, {10*day + time.Minute, 0}} {
			at := st.at
			n, err := f.rem.At(ctx, t0.Add(at))
			if n != st.want {
				t.Errorf("at t0+%s with the sunset's and the first key's reminders failing: sent %d, want %d (the second key's)", at, n, st.want)
			}
			if err == nil {
				t.Fatalf("at t0+%s: no error, want the two failures", at)
			}
			for _, want := range []string{fmt.Sprintf("version %d", f.v1.ID), fmt.Sprintf("key %d", first.ID), "reminder refused by the test"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("at t0+%s: error %q does not name %q", at, err, want)
				}
			}
			if got := remind.Failures(err); got != 2 {
				t.Errorf("at t0+%s: Failures = %d, want 2", at, got)
			}
		}
		// One line per failure a run, with the candidate's ids.
		logged := f.log.String()
		for _, want := range []string{
			fmt.Sprintf("kind=sunset version_id=%d threshold=720h0m0s", f.v1.ID),
			fmt.Sprintf("kind=key.expiry key_id=%d threshold=168h0m0s", first.ID),
		} {
			if got := strings.Count(logged, want); got != 2 {
				t.Errorf("the log has %d lines with %q, want 2 (one a run):\n%s", got, want, logged)
			}
		}
		if strings.Contains(logged, fmt.Sprintf("key_id=%d", second.ID)) {
			t.Errorf("the log names the second key, which did not fail:\n%s", logged)
		}
		got := f.reminders(t, f.dev, "key.expiry_reminder")
		if len(got) != 1 || !strings.Contains(got[0], second.Kid) {
			t.Errorf("expiry reminders %q, want the second key's alone", got)
		}
		drop()
		f.steps(t, []step{{10*day + 2*time.Minute, 2}, {10*day + 3*time.Minute, 0}})
		if got := f.reminders(t, f.dev, "subscription.sunset_reminder"); len(got) != 1 {
			t.Errorf("sunset reminders %q, want one once the database takes it", got)
		}
	})
}

// onBegin calls fn when a transaction begins on the store it hooks, and
// counts those that began.
type onBegin struct {
	fn func()
	n  atomic.Int64
}

func (h *onBegin) BeforeQuery(ctx context.Context, e *bun.QueryEvent) context.Context {
	if e.Query == "BEGIN" && h.n.Add(1) == 1 {
		h.fn()
	}
	return ctx
}

func (*onBegin) AfterQuery(context.Context, *bun.QueryEvent) {}

// TestEndedRunTriesNoOtherCandidate: what is no one reminder's failure
// still ends the run at once, without a transaction for each candidate
// left: its context ending (the instance stopping), and the database
// going down (PostgreSQL; every transaction after would fail alike).
func TestEndedRunTriesNoOtherCandidate(t *testing.T) {
	run := func(t *testing.T, s *store.Store, ctx context.Context, h *onBegin) error {
		t.Helper()
		f := newFixture(t, s)
		for i := range 3 {
			f.key(t, fmt.Sprintf("key-%d", i), t0.Add(10*day))
		}
		s.AddQueryHook(h)
		n, err := f.rem.At(ctx, t0.Add(3*day))
		if n != 0 {
			t.Errorf("sent %d reminders, want none", n)
		}
		if got := h.n.Load(); got != 1 {
			t.Errorf("%d transactions began, want 1: the run goes on after what ends it", got)
		}
		if got := remind.Failures(err); got != 0 {
			t.Errorf("Failures = %d, want 0: what ended the run is no reminder's failure", got)
		}
		if strings.Contains(f.log.String(), "reminder failed") {
			t.Errorf("logged as a reminder's failure:\n%s", f.log.String())
		}
		return err
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		if err := run(t, s, ctx, &onBegin{fn: cancel}); !errors.Is(err, context.Canceled) {
			t.Errorf("error %v, want the context's", err)
		}
	})
	t.Run("postgres down", func(t *testing.T) {
		if !slices.Contains(storetest.Dialects(t), store.PostgreSQL) {
			t.Skipf("set %s: the database going down is tested on PostgreSQL", storetest.EnvDatabaseURL)
		}
		s, cut := storetest.OpenCuttable(t)
		if err := run(t, s, context.Background(), &onBegin{fn: cut}); !store.Unavailable(err) {
			t.Errorf("error %v, want the database unavailable", err)
		}
	})
}
