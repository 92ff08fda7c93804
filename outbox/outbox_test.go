package outbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portico-dev/portico/outbox"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

type msg struct {
	N int `json:"n"`
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// fast are options with short backoffs so that retries happen within a test.
func fast() outbox.Options {
	return outbox.Options{Logger: quiet(), BaseBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond, Poll: 5 * time.Millisecond, Lease: time.Minute}
}

func enqueue(t *testing.T, s *store.Store, topic string, n int) {
	t.Helper()
	if err := s.Enqueue(context.Background(), s.DB(), topic, msg{N: n}); err != nil {
		t.Fatal(err)
	}
}

func pending(t *testing.T, s *store.Store) int {
	t.Helper()
	stats, err := s.OutboxStats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range stats {
		n += c
	}
	return n
}

// drainUntil drains repeatedly until cond holds or a few seconds pass.
func drainUntil(t *testing.T, w *outbox.Worker, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached after draining for 5s")
		}
		if _, err := w.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestFailingHandlerIsRetriedUntilItSucceeds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		var calls atomic.Int32
		var delivered atomic.Int32
		w := outbox.New(s, map[string]outbox.Handler{"t": func(ctx context.Context, payload []byte) error {
			if calls.Add(1) <= 3 {
				return errors.New("engine unavailable")
			}
			delivered.Add(1)
			return nil
		}}, fast())
		enqueue(t, s, "t", 1)
		drainUntil(t, w, func() bool { return delivered.Load() == 1 })
		if got := calls.Load(); got != 4 {
			t.Errorf("handler calls: got %d, want 4 (3 failures, 1 success)", got)
		}
		if got := pending(t, s); got != 0 {
			t.Errorf("pending messages: got %d, want 0", got)
		}
		n, err := w.Drain(context.Background())
		if err != nil || n != 0 {
			t.Errorf("drain after delivery: got %d, %v, want 0, nil", n, err)
		}
	})
}

func TestMessageSurvivesWorkerCrash(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		enqueue(t, s, "t", 7)
		// A worker leases the message and dies before delivering it.
		const lease = 300 * time.Millisecond
		claimed, err := s.ClaimOutbox(ctx, "", 10, lease)
		if err != nil || len(claimed) != 1 {
			t.Fatalf("claim: got %d messages, %v, want 1", len(claimed), err)
		}
		leasedAt := time.Now()

		var got []int
		w := outbox.New(s, map[string]outbox.Handler{"t": func(ctx context.Context, payload []byte) error {
			var m msg
			if err := json.Unmarshal(payload, &m); err != nil {
				return err
			}
			got = append(got, m.N)
			return nil
		}}, fast())
		n, err := w.Drain(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 && time.Since(leasedAt) < lease {
			t.Fatalf("delivered %d messages during the dead worker's lease, want 0", n)
		}
		drainUntil(t, w, func() bool { return len(got) > 0 })
		if len(got) != 1 || got[0] != 7 {
			t.Errorf("delivered payloads: got %v, want [7]", got)
		}
		if p := pending(t, s); p != 0 {
			t.Errorf("pending: got %d, want 0", p)
		}
	})
}

func TestNothingIsLostWhileTheBackendIsDown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		var down atomic.Bool
		down.Store(true)
		var mu sync.Mutex
		seen := map[int]int{}
		w := outbox.New(s, map[string]outbox.Handler{"t": func(ctx context.Context, payload []byte) error {
			if down.Load() {
				return errors.New("connection refused")
			}
			var m msg
			if err := json.Unmarshal(payload, &m); err != nil {
				return err
			}
			mu.Lock()
			seen[m.N]++
			mu.Unlock()
			return nil
		}}, fast())
		const n = 25
		for i := range n {
			enqueue(t, s, "t", i)
		}
		for range 5 {
			if _, err := w.Drain(context.Background()); err != nil {
				t.Fatal(err)
			}
			time.Sleep(5 * time.Millisecond)
		}
		if got := pending(t, s); got != n {
			t.Fatalf("pending while down: got %d, want %d", got, n)
		}
		down.Store(false)
		drainUntil(t, w, func() bool { return pending(t, s) == 0 })
		mu.Lock()
		defer mu.Unlock()
		for i := range n {
			if seen[i] != 1 {
				t.Errorf("message %d delivered %d times, want 1", i, seen[i])
			}
		}
	})
}

func TestUnknownTopicIsKeptNotDropped(t *testing.T) {
	s := storetest.New(t)
	enqueue(t, s, "from.the.future", 1)
	w := outbox.New(s, map[string]outbox.Handler{}, fast())
	n, err := w.Drain(context.Background())
	if err != nil || n != 0 {
		t.Fatalf("drain: got %d, %v, want 0, nil", n, err)
	}
	stats, err := s.OutboxStats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := stats["from.the.future"]; got != 1 {
		t.Errorf("pending unknown-topic messages: got %d, want 1", got)
	}
	// It is not due again soon: the unknown-topic backoff applies.
	if n, _ := w.Drain(context.Background()); n != 0 {
		t.Errorf("second drain delivered %d, want 0", n)
	}
}

// TestAnOlderInstanceLeavesANewerTopicAlone: during a rolling upgrade an
// older instance's worker shares the outbox with a newer one's. A message
// of a topic only the newer version handles is left to it: the older
// worker neither claims it (and puts it off for UnknownBackoff, as long
// for the newer instance) nor counts an attempt or writes an error on it.
func TestAnOlderInstanceLeavesANewerTopicAlone(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			older, newer := storetest.OpenTwo(t, d)
			enqueue(t, newer, "webhook.deliver", 1)
			enqueue(t, newer, "search.index", 2)
			var known, fresh atomic.Int32
			ow := outbox.New(older, map[string]outbox.Handler{
				"search.index": func(context.Context, []byte) error { known.Add(1); return nil },
			}, fast())
			if n, err := ow.Drain(ctx); err != nil || n != 1 {
				t.Fatalf("older drain: delivered %d, %v; want its one known message", n, err)
			}
			nw := outbox.New(newer, map[string]outbox.Handler{
				"search.index":    func(context.Context, []byte) error { known.Add(1); return nil },
				"webhook.deliver": func(context.Context, []byte) error { fresh.Add(1); return nil },
			}, fast())
			if n, err := nw.Drain(ctx); err != nil || n != 1 || fresh.Load() != 1 {
				t.Fatalf("newer drain after the older one's: delivered %d (webhook.deliver %d times), %v; want webhook.deliver delivered at once", n, fresh.Load(), err)
			}
			var m store.OutboxMessage
			if err := newer.DB().NewSelect().Model(&m).Where("topic = ?", "webhook.deliver").Scan(ctx); err != nil {
				t.Fatal(err)
			}
			if m.Attempts != 1 || m.LastError != "" || m.DoneAt == nil {
				t.Fatalf("webhook.deliver: attempts %d, last error %q, done %v; want one attempt, no error, done", m.Attempts, m.LastError, m.DoneAt)
			}
		})
	}
}

// TestATopicLeftToANewerVersionIsHandedBackAtOnce: during a rolling upgrade
// an older instance's handler may find the work of a topic it knows now
// belongs to a newer version (the gateway configuration a newer compiler
// wrote). Its worker hands the message back due at once and claims the
// topic no more, so the newer instance delivers it without a backoff, and
// the older one never takes that topic's messages again in this run.
func TestATopicLeftToANewerVersionIsHandedBackAtOnce(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			older, newer := storetest.OpenTwo(t, d)
			var refused, delivered atomic.Int32
			opts := fast()
			opts.BaseBackoff, opts.MaxBackoff = time.Hour, time.Hour // a failure would put the message off for an hour
			ow := outbox.New(older, map[string]outbox.Handler{
				"gateway.changed": func(context.Context, []byte) error {
					refused.Add(1)
					return fmt.Errorf("compiled by compiler 2: %w", outbox.ErrNewerVersion)
				},
			}, opts)
			nw := outbox.New(newer, map[string]outbox.Handler{
				"gateway.changed": func(context.Context, []byte) error { delivered.Add(1); return nil },
			}, opts)
			enqueue(t, newer, "gateway.changed", 1)
			if n, err := ow.Drain(ctx); err != nil || n != 0 || refused.Load() != 1 {
				t.Fatalf("older drain: delivered %d, handler called %d times, %v; want the message refused once", n, refused.Load(), err)
			}
			if n, err := nw.Drain(ctx); err != nil || n != 1 || delivered.Load() != 1 {
				t.Fatalf("newer drain right after: delivered %d, %v; want the message handed back due at once and delivered", n, err)
			}
			enqueue(t, newer, "gateway.changed", 2)
			if n, err := ow.Drain(ctx); err != nil || n != 0 || refused.Load() != 1 {
				t.Fatalf("older drain of a second message: handler called %d times in all, %v; want the topic no longer claimed", refused.Load(), err)
			}
			if n, err := nw.Drain(ctx); err != nil || n != 1 {
				t.Fatalf("newer drain of the second message: delivered %d, %v", n, err)
			}
		})
	}
}

func TestDuplicatesInABatchAreDeliveredOnce(t *testing.T) {
	s := storetest.New(t)
	var calls atomic.Int32
	w := outbox.New(s, map[string]outbox.Handler{"t": func(ctx context.Context, payload []byte) error {
		calls.Add(1)
		return nil
	}}, fast())
	for range 5 {
		enqueue(t, s, "t", 42)
	}
	enqueue(t, s, "t", 43)
	n, err := w.Drain(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n != 6 || calls.Load() != 2 {
		t.Errorf("completed %d messages with %d handler calls, want 6 with 2", n, calls.Load())
	}
}

func TestPanickingHandlerIsRetried(t *testing.T) {
	s := storetest.New(t)
	var calls atomic.Int32
	w := outbox.New(s, map[string]outbox.Handler{"t": func(ctx context.Context, payload []byte) error {
		if calls.Add(1) == 1 {
			panic("boom")
		}
		return nil
	}}, fast())
	enqueue(t, s, "t", 1)
	drainUntil(t, w, func() bool { return pending(t, s) == 0 })
	if got := calls.Load(); got != 2 {
		t.Errorf("calls: got %d, want 2", got)
	}
}

func TestRunDeliversAndStops(t *testing.T) {
	s := storetest.New(t)
	got := make(chan int, 10)
	w := outbox.New(s, map[string]outbox.Handler{"t": func(ctx context.Context, payload []byte) error {
		var m msg
		if err := json.Unmarshal(payload, &m); err != nil {
			return err
		}
		got <- m.N
		return nil
	}}, fast())
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { w.Run(ctx); close(stopped) }()
	enqueue(t, s, "t", 5)
	select {
	case n := <-got:
		if n != 5 {
			t.Errorf("payload: got %d, want 5", n)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not deliver within 5s")
	}
	cancel()
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop after cancel")
	}
}

func TestBackoff(t *testing.T) {
	base, max := time.Second, 5*time.Minute
	tests := []struct {
		attempts int
		jitter   float64
		want     time.Duration
	}{
		{1, 0, 500 * time.Millisecond},
		{1, 0.999999, time.Second - time.Microsecond/2},
		{2, 0, time.Second},
		{4, 0, 4 * time.Second},
		{9, 0, 128 * time.Second},
		{10, 0, 150 * time.Second}, // 512s capped at 300s, halved
		{50, 0, 150 * time.Second},
		{1000, 0.5, 225 * time.Second},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d/%v", tt.attempts, tt.jitter), func(t *testing.T) {
			got := outbox.Backoff(tt.attempts, base, max, tt.jitter)
			if d := got - tt.want; d < -time.Microsecond || d > time.Microsecond {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
