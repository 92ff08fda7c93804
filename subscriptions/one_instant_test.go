package subscriptions_test

import (
	"context"
	"testing"
	"time"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// A subscription's times written by one operation are one instant: an
// auto-approved subscription is decided when it is created, not a clock
// read before or after, and a decision or an end is when the row was
// updated. The service's clock (a test clock here, store.Now in the
// portal) is the one read.
func TestSubscriptionTimesOfOneWriteAreOneInstant(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		auto := f.subscribe(t, "free")
		for _, got := range []*store.Subscription{auto, reread(t, s, auto.ID)} {
			if got.DecidedAt == nil || !got.DecidedAt.Equal(got.CreatedAt) || !got.UpdatedAt.Equal(got.CreatedAt) {
				t.Errorf("auto-approved: created_at %v, decided_at %v, updated_at %v; want one instant", got.CreatedAt, got.DecidedAt, got.UpdatedAt)
			}
		}
		f.clock.advance(time.Minute)
		if err := f.svc.Cancel(ctx, f.dev, auto); err != nil {
			t.Fatal(err)
		}
		for _, got := range []*store.Subscription{auto, reread(t, s, auto.ID)} {
			if got.EndedAt == nil || !got.EndedAt.Equal(got.UpdatedAt) {
				t.Errorf("cancelled: ended_at %v, updated_at %v; want one instant", got.EndedAt, got.UpdatedAt)
			}
		}
		manual := f.subscribe(t, "gold")
		f.clock.advance(time.Minute)
		if err := f.svc.Approve(ctx, f.maint, manual); err != nil {
			t.Fatal(err)
		}
		for _, got := range []*store.Subscription{manual, reread(t, s, manual.ID)} {
			if got.DecidedAt == nil || !got.DecidedAt.Equal(got.UpdatedAt) {
				t.Errorf("approved: decided_at %v, updated_at %v; want one instant", got.DecidedAt, got.UpdatedAt)
			}
		}
	})
}

func reread(t *testing.T, s *store.Store, id int64) *store.Subscription {
	t.Helper()
	sub, err := s.SubscriptionByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return sub
}
