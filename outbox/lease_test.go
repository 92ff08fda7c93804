package outbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/outbox"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestSlowBatchIsNotDeliveredTwice: two instances drain one outbox. Each
// delivery takes less than the lease, as Options.Lease asks, but a batch of
// them takes longer: the batch's last message must still reach exactly one
// handler, however long the batch before it took.
func TestSlowBatchIsNotDeliveredTwice(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			a, b := storetest.OpenTwo(t, d)
			// A delivery leaves a second of its lease for the renewal
			// and the handler's own work on a loaded machine.
			const lease, slow = 2 * time.Second, time.Second
			var mu sync.Mutex
			seen := map[int][]string{}
			handler := func(who string, wait time.Duration) outbox.Handler {
				return func(ctx context.Context, payload []byte) error {
					var m msg
					if err := json.Unmarshal(payload, &m); err != nil {
						return err
					}
					mu.Lock()
					seen[m.N] = append(seen[m.N], who)
					mu.Unlock()
					time.Sleep(wait)
					return nil
				}
			}
			opts := fast()
			opts.Lease = lease
			wa := outbox.New(a, map[string]outbox.Handler{"t": handler("a", slow)}, opts)
			wb := outbox.New(b, map[string]outbox.Handler{"t": handler("b", 0)}, opts)
			for i := 1; i <= 3; i++ {
				enqueue(t, a, "t", i)
			}
			done := make(chan error, 1)
			go func() { _, err := wa.Drain(context.Background()); done <- err }()
			// a delivers 1 (0–1 s), 2 (1–2 s), 3 (2–3 s); the batch's
			// lease ended at 2 s; b looks at 2.05 s.
			time.Sleep(lease + 50*time.Millisecond)
			if _, err := wb.Drain(context.Background()); err != nil {
				t.Fatal(err)
			}
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if p := pending(t, a); p != 0 {
				t.Errorf("pending: got %d, want 0", p)
			}
			mu.Lock()
			defer mu.Unlock()
			for i := 1; i <= 3; i++ {
				if len(seen[i]) != 1 {
					t.Errorf("message %d delivered by %v, want by one worker once", i, seen[i])
				}
			}
		})
	}
}

// TestLateWorkerCannotSettleATakenOverMessage: a worker whose lease ran out
// must neither reschedule nor complete a message another worker leased since.
func TestLateWorkerCannotSettleATakenOverMessage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		enqueue(t, s, "t", 1)
		const lease = 150 * time.Millisecond
		late, err := s.ClaimOutbox(ctx, "", 10, lease)
		if err != nil || len(late) != 1 {
			t.Fatalf("first claim: got %d, %v, want 1", len(late), err)
		}
		time.Sleep(lease + 50*time.Millisecond)
		now, err := s.ClaimOutbox(ctx, "", 10, time.Minute)
		if err != nil || len(now) != 1 {
			t.Fatalf("claim after the lease: got %d, %v, want 1", len(now), err)
		}
		// The late worker's delivery failed: its retry must not free the message.
		if err := s.RetryOutbox(ctx, late[0], errors.New("timeout"), 0); !errors.Is(err, store.ErrConflict) {
			t.Errorf("late retry: got %v, want ErrConflict", err)
		}
		if again, err := s.ClaimOutbox(ctx, "", 10, time.Minute); err != nil || len(again) != 0 {
			t.Errorf("claim during the second lease: got %d, %v, want 0 (the late retry freed it)", len(again), err)
		}
		if err := s.CompleteOutbox(ctx, late[0]); !errors.Is(err, store.ErrConflict) {
			t.Errorf("late complete: got %v, want ErrConflict", err)
		}
		if err := s.CompleteOutbox(ctx, now[0]); err != nil {
			t.Fatalf("complete by the lease holder: %v", err)
		}
		if p := pending(t, s); p != 0 {
			t.Errorf("pending: got %d, want 0", p)
		}
	})
}
