package catalog_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/portico-dev/portico/catalog"
	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/outbox"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestLateWriteOfALostLeaseIsRepaired: instance a feeds the shared index,
// reads an API's document and freezes before sending it; meanwhile the API
// changes again, a is found dead (its heartbeat stopped), b takes the lease
// and writes the newer document. a then wakes and sends its older copy,
// which Meilisearch applies after b's (tasks apply in the order they were
// enqueued): the index holds the stale document. a finds, when it records
// its position, that it lost the lease: it appends the APIs it wrote to the
// index log, and b rewrites them from the database after a's late write.
func TestLateWriteOfALostLeaseIsRepaired(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		shared := newShared(t, s, "run-a", "run-b")
		wa := newGate(shared, false)
		fa := catalog.NewFeed(s, wa, catalog.FeedOptions{Shared: "meili", Owner: "run-a", Logger: quiet()})
		fb := catalog.NewFeed(s, shared, catalog.FeedOptions{Shared: "meili", Owner: "run-b", Logger: quiet()})
		w := outbox.New(s, map[string]outbox.Handler{lifecycle.TopicSearchIndex: fb.Handle}, outbox.Options{Logger: quiet()})
		drain := func() {
			t.Helper()
			if _, err := w.Drain(ctx); err != nil {
				t.Fatal(err)
			}
		}
		sms := f.api(t, "sms", "SMS API", store.VisibilityPublic)
		f.publish(t, sms, "1.0.0", smsV1)
		drain()
		if _, err := fa.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := fb.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		if !fa.Status().Feeding {
			t.Fatalf("a does not feed the shared index: %+v", fa.Status())
		}

		// 2.0.0 is published; a reads the API's document and freezes.
		f.publish(t, sms, "2.0.0", smsV2)
		drain()
		wa.armed.Store(true)
		late := make(chan error, 1)
		go func() {
			_, err := fa.CatchUp(ctx)
			late <- err
		}()
		<-wa.reached

		// 2.1.0 is published while a is frozen; a is found dead, b takes
		// the lease and writes the newer document.
		f.publish(t, sms, "2.1.0", smsV21)
		drain()
		time.Sleep(50 * time.Millisecond)
		if err := s.HeartbeatInstance(ctx, "run-b", "run-b", 0); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReleaseDeadLeases(ctx, 30*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		if _, err := fb.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		if !fb.Status().Feeding {
			t.Fatalf("b does not feed the shared index once a is dead: %+v", fb.Status())
		}
		if got := names(t, shared, "listDrafts"); !slices.Equal(got, []string{"SMS API"}) {
			t.Fatalf("b's document: search for 2.1.0's operation finds %v, want [SMS API]", got)
		}

		// a wakes and sends the copy it read before 2.1.0.
		close(wa.open)
		if err := <-late; err == nil {
			t.Errorf("a's round after it lost the lease: no error")
		}
		stale := names(t, shared, "listDrafts")
		t.Logf("after a's late write, search for 2.1.0's operation finds %v (a's stale copy)", stale)

		// b's next round (its wake-up) rewrites the document.
		if _, err := fb.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		if got := names(t, shared, "listDrafts"); !slices.Equal(got, []string{"SMS API"}) {
			t.Errorf("after b's next round search for 2.1.0's operation finds %v, want [SMS API]: a's late, older copy stayed in the index", got)
		}
		if _, err := fa.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		if fa.Status().Feeding || !fb.Status().Feeding {
			t.Errorf("a feeds %v, b feeds %v: want b alone", fa.Status().Feeding, fb.Status().Feeding)
		}
	})
}

// TestLateWritesOfALostRebuildAreRepaired: portico reindex holds the lease,
// has emptied the index and read the API, and freezes before it writes;
// it is found dead, the instance takes the lease and builds the index
// itself, with the API as renamed meanwhile. The reindex then wakes and
// writes its older copy. It finds, when it records the index as built,
// that it lost the lease: it appends every API to the index log again (it
// had emptied the index), and the instance rewrites them.
func TestLateWritesOfALostRebuildAreRepaired(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		sms := f.api(t, "sms", "SMS API", store.VisibilityPublic)
		idx := openIndex(t)
		holder := catalog.NewFeed(s, idx, catalog.FeedOptions{Shared: "meili", Owner: "run-a", Logger: quiet()})
		if _, err := holder.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		wr, done := frozenReindex(t, s, idx, holder)
		rename(t, s, sms, "Texting API")
		// The reindex (not a registered run: as one whose heartbeat
		// stopped) is found dead; the instance takes the lease and builds
		// the index, whose position the reindex had cleared.
		if _, err := s.ReleaseDeadLeases(ctx, time.Minute); err != nil {
			t.Fatal(err)
		}
		if _, err := holder.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		if got := names(t, idx, "sms"); !slices.Equal(got, []string{"Texting API"}) {
			t.Fatalf("after the instance built the index search finds %v, want [Texting API]", got)
		}

		close(wr.open)
		if err := <-done; err == nil {
			t.Errorf("the reindex that lost its lease: no error")
		}
		t.Logf("after the reindex's late write search finds %v", names(t, idx, "sms"))
		if _, err := holder.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		if got := names(t, idx, "sms"); !slices.Equal(got, []string{"Texting API"}) {
			t.Errorf("after the instance's next round search finds %v, want [Texting API]: the reindex's late, older copy stayed in the index", got)
		}
		if !holder.Status().Feeding || holder.Status().Behind() != 0 {
			t.Errorf("holder %+v: want feeding, at the head", holder.Status())
		}
	})
}
