package store_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

func woken(ch <-chan struct{}, within time.Duration) bool {
	select {
	case <-ch:
		return true
	default:
	}
	if within == 0 {
		return false
	}
	select {
	case <-ch:
		return true
	case <-time.After(within):
		return false
	}
}

func TestWakeUpsComeAfterCommit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		wake, stop := s.WakeUps(store.WakeIndex)
		defer stop()
		err := s.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			if err := s.Wake(ctx, tx, store.WakeIndex); err != nil {
				return err
			}
			if woken(wake, 0) {
				t.Error("woken before the commit")
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !woken(wake, 0) {
			t.Error("not woken after the commit")
		}
		boom := errors.New("boom")
		err = s.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			if err := s.Wake(ctx, tx, store.WakeIndex); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if woken(wake, 0) {
			t.Error("woken by a rolled-back transaction")
		}
		// Outside a transaction: at once. Other channels: not at all.
		if err := s.Wake(ctx, s.DB(), store.WakeGateway); err != nil {
			t.Fatal(err)
		}
		if woken(wake, 0) {
			t.Error("woken by another channel")
		}
		if err := s.Wake(ctx, s.DB(), store.WakeIndex); err != nil {
			t.Fatal(err)
		}
		if !woken(wake, 0) {
			t.Error("not woken outside a transaction")
		}
	})
}

// TestWakeUpsReachOtherInstances sends wake-ups from transactions this
// process's store did not open, which only PostgreSQL's NOTIFY delivers:
// that is how another instance's wake-ups arrive.
func TestWakeUpsReachOtherInstances(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		if d != store.PostgreSQL {
			continue
		}
		s := storetest.Open(t, d)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		wake, stop := s.WakeUps(store.WakeGateway)
		defer stop()
		done := make(chan struct{})
		go func() {
			s.ListenWakeUps(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)))
			close(done)
		}()
		defer func() { cancel(); <-done }()
		if !woken(wake, 10*time.Second) {
			t.Fatal("no wake-up once listening")
		}
		send := func(commit bool) {
			tx, err := s.DB().BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Wake(ctx, tx, store.WakeGateway); err != nil {
				t.Fatal(err)
			}
			if woken(wake, 100*time.Millisecond) {
				t.Error("woken before the commit")
			}
			if commit {
				err = tx.Commit()
			} else {
				err = tx.Rollback()
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		send(false)
		if woken(wake, 300*time.Millisecond) {
			t.Error("woken by a rolled-back transaction")
		}
		start := time.Now()
		send(true)
		if !woken(wake, 5*time.Second) {
			t.Fatal("the notification of a committed transaction did not arrive")
		}
		t.Logf("wake-up delivered %v after the commit", time.Since(start).Round(time.Millisecond))
	}
}
