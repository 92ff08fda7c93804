package main

import (
	"context"
	"strings"
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

// TestHousekeepingPrunesDeliveredOutbox: the housekeeping every instance
// runs deletes the outbox messages delivered more than a week ago, and
// keeps the younger ones and every message not delivered yet, however old.
func TestHousekeepingPrunesDeliveredOutbox(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC()
		day := 24 * time.Hour
		for _, m := range []struct {
			topic string
			done  *time.Time
			age   time.Duration
		}{
			{"delivered-old", ptr(now.Add(-8 * day)), 9 * day},
			{"delivered-old", ptr(now.Add(-30 * day)), 30 * day},
			{"delivered-young", ptr(now.Add(-6 * day)), 6 * day},
			{"pending-old", nil, 30 * day},
		} {
			msg := &store.OutboxMessage{Topic: m.topic, Payload: "{}", CreatedAt: now.Add(-m.age), AvailableAt: now.Add(-m.age), DoneAt: m.done}
			if _, err := s.DB().NewInsert().Model(msg).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		topics := func() []string {
			var got []string
			if err := s.DB().NewSelect().Model((*store.OutboxMessage)(nil)).Column("topic").Order("topic").Scan(ctx, &got); err != nil {
				t.Fatal(err)
			}
			return got
		}
		work, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); housekeeping(work, s, errorLog{t}) }()
		deadline := time.Now().Add(10 * time.Second)
		for len(topics()) == 4 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		stop()
		<-done
		if got, want := strings.Join(topics(), " "), "delivered-young pending-old"; got != want {
			t.Errorf("after housekeeping: %q, want %q", got, want)
		}
	})
}

func ptr[T any](v T) *T { return &v }
