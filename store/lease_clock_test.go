package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestLeasesIgnoreInstanceClocks: two instances share a PostgreSQL
// database, and A's clock runs 40 s ahead of B's. A lease that B took for
// 30 s must still hold for A: outbox messages and shared index feeds are
// leased, and their leases judged, by the database's clock. (On SQLite
// every instance runs on one host, with one clock.)
func TestLeasesIgnoreInstanceClocks(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		if d != store.PostgreSQL {
			continue
		}
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			a, b := storetest.OpenTwo(t, d)
			store.SkewProcessClock(a, 40*time.Second)
			const lease = 30 * time.Second

			if err := b.Enqueue(ctx, b.DB(), "t", 1); err != nil {
				t.Fatal(err)
			}
			if got, err := b.ClaimOutbox(ctx, "run-b", 10, lease); err != nil || len(got) != 1 {
				t.Fatalf("B claims: got %d, %v, want 1", len(got), err)
			}
			if got, err := a.ClaimOutbox(ctx, "run-a", 10, lease); err != nil || len(got) != 0 {
				t.Errorf("A, 40 s ahead, claims during B's 30 s lease: got %d messages, %v, want 0", len(got), err)
			}

			if err := a.Enqueue(ctx, a.DB(), "t", 2); err != nil {
				t.Fatal(err)
			}
			got, err := b.ClaimOutbox(ctx, "run-b", 10, lease)
			if err != nil || len(got) != 1 {
				t.Fatalf("B claims a message A enqueued just now: got %d, %v, want 1", len(got), err)
			}
			if err := b.RenewOutbox(ctx, &got[0], lease); err != nil {
				t.Fatal(err)
			}
			if got, err := a.ClaimOutbox(ctx, "run-a", 10, lease); err != nil || len(got) != 0 {
				t.Errorf("A, 40 s ahead, claims during B's renewed lease: got %d messages, %v, want 0", len(got), err)
			}

			if _, ok, err := b.LeaseIndexFeed(ctx, "search", "run-b", lease); err != nil || !ok {
				t.Fatalf("B leases the index feed: %v, %v", ok, err)
			}
			if _, ok, err := a.LeaseIndexFeed(ctx, "search", "run-a", lease); err != nil || ok {
				t.Errorf("A, 40 s ahead, leases the index feed during B's 30 s lease: got %v, %v, want false", ok, err)
			}
		})
	}
}
