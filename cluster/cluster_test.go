package cluster_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portico-dev/portico/cluster"
	"github.com/portico-dev/portico/logtest"
	"github.com/portico-dev/portico/outbox"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// The tests' heartbeat and dead-after: a member counts as dead after 30
// missed heartbeats, so that a live one stalled by a loaded machine (a
// slow database round, the scheduler) is not taken for dead; the
// production default, 5 heartbeats of a second, leaves each beat more
// room than 100 ms does.
const (
	heartbeat = 100 * time.Millisecond
	deadAfter = 3 * time.Second
)

// stoppedAfter is the dead-after of the tests in which Join waits for the
// heartbeat of a run that stopped (killed, never to beat again) to age:
// no live member is at stake there, so it needs none of deadAfter's room
// for a stalled one, and each such wait takes this long.
const stoppedAfter = 500 * time.Millisecond

// hangBound bounds waits for what must happen well within a lease of a
// minute: it only stops a test that hangs.
const hangBound = 30 * time.Second

// each runs fn on a new store of every dialect, the dialects side by side
// and beside the package's other tests (each has its own database): the
// tests mostly wait for a heartbeat to age past DeadAfter, real time that
// no fake clock can shorten on PostgreSQL (whose clock judges heartbeats),
// so they wait together rather than one after another.
func each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	t.Parallel()
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			fn(t, storetest.Open(t, d))
		})
	}
}

func quick() cluster.Options {
	return cluster.Options{Heartbeat: heartbeat, DeadAfter: deadAfter, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// run starts m's heartbeat; the returned function stops it as a crash
// would: no Leave.
func run(t *testing.T, m *cluster.Member) (kill func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, func() int64 { return 7 }) }()
	stopped := false
	kill = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}
	t.Cleanup(kill)
	return kill
}

func join(t *testing.T, s *store.Store, name string) *cluster.Member {
	t.Helper()
	return joinWith(t, s, name, quick())
}

func joinWith(t *testing.T, s *store.Store, name string, opts cluster.Options) *cluster.Member {
	t.Helper()
	m, err := cluster.Join(context.Background(), s, store.Instance{Name: name, Addr: "127.0.0.1:" + name}, opts)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestLeasesOfADeadInstanceAreTakenOver(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a, b := join(t, s, "a"), join(t, s, "b")
		killA := run(t, a)
		run(t, b)
		if err := s.Enqueue(ctx, s.DB(), "t", map[string]int{"n": 1}); err != nil {
			t.Fatal(err)
		}
		// a leases the message for a minute.
		claimed, err := s.ClaimOutbox(ctx, a.RunID(), 10, time.Minute)
		if err != nil || len(claimed) != 1 {
			t.Fatalf("claim: %d, %v", len(claimed), err)
		}
		var delivered atomic.Int32
		w := outbox.New(s, map[string]outbox.Handler{"t": func(context.Context, []byte) error {
			delivered.Add(1)
			return nil
		}}, outbox.Options{Owner: b.RunID(), Poll: 10 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		wctx, stop := context.WithCancel(ctx)
		defer stop()
		go w.Run(wctx)
		// While a heartbeats, its lease holds: past DeadAfter since a
		// registered, b has looked for dead instances several times.
		time.Sleep(deadAfter + 5*heartbeat)
		if n := delivered.Load(); n != 0 {
			t.Fatalf("the message of a live instance was delivered %d times by another", n)
		}
		// a dies before delivering it: b takes the message over once a's
		// heartbeat is DeadAfter old, well before the minute-long lease
		// ends.
		killA()
		died := time.Now()
		for delivered.Load() == 0 {
			if time.Since(died) > hangBound {
				t.Fatalf("the dead instance's message was not delivered within %v of a lease of a minute", hangBound)
			}
			time.Sleep(5 * time.Millisecond)
		}
		t.Logf("lease of a dead instance taken over after %v (heartbeat %v, dead after %v)", time.Since(died).Round(time.Millisecond), heartbeat, deadAfter)
		insts, _, err := s.Instances(ctx)
		if err != nil || len(insts) != 2 || insts[1].IndexPosition != 7 {
			t.Errorf("instances %+v, %v; want a and b, b at position 7", insts, err)
		}
	})
}

func TestARestartedInstanceTakesItsNameBack(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		opts := quick()
		opts.DeadAfter = stoppedAfter
		first := joinWith(t, s, "web-1", opts)
		kill := run(t, first)
		if err := s.Enqueue(ctx, s.DB(), "t", map[string]int{"n": 1}); err != nil {
			t.Fatal(err)
		}
		if claimed, err := s.ClaimOutbox(ctx, first.RunID(), 10, time.Minute); err != nil || len(claimed) != 1 {
			t.Fatalf("claim: %d, %v", len(claimed), err)
		}
		kill()
		start := time.Now()
		second := joinWith(t, s, "web-1", opts)
		if second.RunID() == first.RunID() {
			t.Fatal("a new run has the old run id")
		}
		// Join waited for the old run's heartbeat to be DeadAfter old (it
		// refuses the name past DeadAfter and two heartbeats).
		t.Logf("restart waited %v for the old run (dead after %v)", time.Since(start).Round(time.Millisecond), opts.DeadAfter)
		// The old run's lease was released with its registration.
		if claimed, err := s.ClaimOutbox(ctx, second.RunID(), 10, time.Minute); err != nil || len(claimed) != 1 {
			t.Errorf("claim after restart: %d, %v; want the old run's message", len(claimed), err)
		}
		run(t, second)
	})
}

func TestANameInUseIsRefused(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	run(t, join(t, s, "web-1"))
	_, err := cluster.Join(context.Background(), s, store.Instance{Name: "web-1"}, quick())
	if err == nil || !strings.Contains(err.Error(), "in use by another running portal") {
		t.Fatalf("second join under a live name: %v, want it refused", err)
	}
}

func TestLeaveReleasesAtOnce(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	m := join(t, s, "web-1")
	if err := s.Enqueue(ctx, s.DB(), "t", map[string]int{"n": 1}); err != nil {
		t.Fatal(err)
	}
	if claimed, err := s.ClaimOutbox(ctx, m.RunID(), 10, time.Minute); err != nil || len(claimed) != 1 {
		t.Fatalf("claim: %d, %v", len(claimed), err)
	}
	wake, stop := s.WakeUps(store.WakeOutbox)
	defer stop()
	if err := m.Leave(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case <-wake:
	default:
		t.Error("leaving released leases without waking the outbox workers")
	}
	if claimed, err := s.ClaimOutbox(ctx, "", 10, time.Minute); err != nil || len(claimed) != 1 {
		t.Errorf("claim after leave: %d, %v; want the message", len(claimed), err)
	}
	if insts, _, err := s.Instances(ctx); err != nil || len(insts) != 0 {
		t.Errorf("instances after leave: %+v, %v", insts, err)
	}
}

func TestATakenOverInstanceStops(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	m := join(t, s, "web-1")
	// Another process of the same name took the registration over while
	// this one was not heartbeating.
	if err := s.RemoveInstance(ctx, "web-1", m.RunID()); err != nil {
		t.Fatal(err)
	}
	if _, err := cluster.Join(ctx, s, store.Instance{Name: "web-1"}, quick()); err != nil {
		t.Fatal(err)
	}
	err := m.Run(ctx, func() int64 { return 0 })
	if err == nil || !strings.Contains(err.Error(), "taken over") {
		t.Errorf("run after a take-over: %v, want it to stop", err)
	}
}

// The portal's logger carries the instance's name in every line
// (cmd/portico: log.With("instance", name)): Join's own lines must not
// add it a second time.
func TestJoinNamesTheInstanceOnceInALogLine(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	kill := run(t, join(t, s, "web-1"))
	kill()
	var buf logtest.Buffer
	opts := quick()
	opts.DeadAfter = stoppedAfter
	opts.Logger = slog.New(slog.NewTextHandler(&buf, nil)).With("instance", "web-1")
	if _, err := cluster.Join(context.Background(), s, store.Instance{Name: "web-1", Addr: "127.0.0.1:web-1"}, opts); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) == 0 || lines[0] == "" {
		t.Fatal("Join logged nothing while it waited for and took over the previous run")
	}
	for _, l := range lines {
		if n := strings.Count(l, "instance="); n != 1 {
			t.Errorf("%d instance attributes in %q, want 1", n, l)
		}
	}
}
