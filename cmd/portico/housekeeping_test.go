package main

import (
	"context"
	"testing"
	"time"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// errorLog records what housekeeping logs.
type errorLog struct{ t *testing.T }

func (l errorLog) Error(msg string, args ...any) { l.t.Errorf("logged: %s %v", msg, args) }

// TestHousekeepingPrunesUsedFormIDs: the housekeeping every instance runs
// forgets the used one-time form ids older than a day, and only those.
func TestHousekeepingPrunesUsedFormIDs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := storetest.User(t, s, "ada", "member", nil, "")
		now := time.Now().UTC()
		for key, age := range map[string]time.Duration{"old": 24*time.Hour + time.Minute, "young": 24*time.Hour - time.Minute} {
			if _, err := s.DB().NewInsert().Model(&store.FormSubmission{KeyHash: key, UserID: u.ID, Location: "/", CreatedAt: now.Add(-age)}).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		work, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); housekeeping(work, s, errorLog{t}) }()
		keys := func() []string {
			var got []string
			if err := s.DB().NewSelect().Model((*store.FormSubmission)(nil)).Column("key_hash").Scan(ctx, &got); err != nil {
				t.Fatal(err)
			}
			return got
		}
		deadline := time.Now().Add(10 * time.Second)
		for len(keys()) == 2 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		stop()
		<-done
		if got := keys(); len(got) != 1 || got[0] != "young" {
			t.Errorf("after housekeeping: %v, want [young]", got)
		}
	})
}
