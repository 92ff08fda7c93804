package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestIndexFeedHandOff: the run that asks for a shared index feed's lease
// (portico reindex) gets it from the holder at the holder's next round, and
// no other run takes it meanwhile, even expired; the request ends with the
// asker (released, or found dead), and a lease nobody renews expires.
func TestIndexFeedHandOff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for _, run := range []string{"holder", "asker", "other"} {
			if _, err := s.RegisterInstance(ctx, &store.Instance{Name: run, RunID: run}, time.Minute); err != nil {
				t.Fatal(err)
			}
		}
		lease := func(owner string, d time.Duration) bool {
			t.Helper()
			_, ok, err := s.LeaseIndexFeed(ctx, "meili", owner, d)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		request := func(owner string, d time.Duration) bool {
			t.Helper()
			_, ok, err := s.RequestIndexFeed(ctx, "meili", owner, d)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		want := func(leasedBy, handoffTo string) {
			t.Helper()
			l, h, err := s.IndexFeedLease(ctx, "meili")
			if err != nil || l != leasedBy || h != handoffTo {
				t.Fatalf("lease held by %q, asked for by %q (%v); want %q, %q", l, h, err, leasedBy, handoffTo)
			}
		}

		if !lease("holder", time.Minute) {
			t.Fatal("the free lease was not taken")
		}
		if request("asker", time.Minute) {
			t.Fatal("the asker got a lease another run holds")
		}
		want("holder", "asker")
		// The holder's lease expires.
		if _, err := s.DB().NewUpdate().Table("index_feeds").Set("lease_until = ?", time.Now().Add(-time.Hour)).
			Where("name = ?", "meili").Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if lease("other", time.Minute) {
			t.Fatal("another run took the expired lease the asker asked for")
		}
		if request("other", time.Minute) {
			t.Fatal("a second asker got the lease")
		}
		want("holder", "asker")
		if lease("holder", time.Minute) {
			t.Fatal("the holder renewed a lease asked for instead of handing it over")
		}
		want("asker", "")
		if err := s.RenewIndexFeed(ctx, "meili", "asker", time.Minute); err != nil {
			t.Fatal(err)
		}
		if lease("holder", time.Minute) || lease("other", time.Minute) {
			t.Fatal("a run took the lease the asker holds")
		}
		if err := s.RenewIndexFeed(ctx, "meili", "holder", time.Minute); err == nil {
			t.Fatal("the former holder renewed a lease it handed over")
		}
		if err := s.ReleaseIndexFeed(ctx, "meili", "asker"); err != nil {
			t.Fatal(err)
		}
		want("", "")
		if !lease("holder", time.Minute) {
			t.Fatal("the released lease was not taken")
		}

		// An asker that dies: its request ends, the holder keeps feeding.
		if request("asker", time.Minute) {
			t.Fatal("the asker got a lease another run holds")
		}
		time.Sleep(1500 * time.Millisecond)
		if err := s.HeartbeatInstance(ctx, "holder", "holder", 0); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReleaseDeadLeases(ctx, time.Second); err != nil {
			t.Fatal(err)
		}
		want("holder", "")
		if !lease("holder", time.Minute) {
			t.Fatal("the holder lost its lease to a dead asker")
		}
	})
}
