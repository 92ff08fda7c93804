package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestLoginWaitsCountUntilTheirEnd: an account's waits are counted, this
// one included, while they last; one whose end passed (its instance
// stopped) counts no more and DeleteExpired removes it; one given back
// counts no more at once.
func TestLoginWaitsCountUntilTheirEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := store.Now()
		enter := func(user string, until time.Time, want int) int64 {
			t.Helper()
			id, n, err := s.EnterLoginWait(ctx, user, now, until)
			if err != nil {
				t.Fatal(err)
			}
			if n != want {
				t.Errorf("%s's wait until %s: counted %d, want %d", user, until.Sub(now), n, want)
			}
			return id
		}
		enter("alice", now.Add(-time.Second), 0) // left by a stopped instance
		first := enter("alice", now.Add(5*time.Second), 1)
		enter("bob", now.Add(5*time.Second), 1)
		enter("alice", now.Add(5*time.Second), 2)
		if err := s.LeaveLoginWait(ctx, first); err != nil {
			t.Fatal(err)
		}
		enter("alice", now.Add(5*time.Second), 2)
		n, err := s.DeleteExpired(ctx, now.Add(-24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("DeleteExpired removed %d rows, want 1 (the stopped instance's wait)", n)
		}
	})
}
