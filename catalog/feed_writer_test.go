package catalog_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portico-dev/portico/catalog"
	"github.com/portico-dev/portico/search"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// gatedIndex is a writer's way to the shared index (an instance's, or
// `portico reindex`'s) that freezes (a GC stall, SIGSTOP, a paused VM, a
// process killed) once armed: its next write, an Upsert or a Delete, waits
// at the gate with the documents it read from the database, closing
// reached, until open is closed; then it is sent. It freezes once.
type gatedIndex struct {
	search.Index
	armed         atomic.Bool
	once          sync.Once
	reached, open chan struct{}
}

// newGate puts idx behind a gate, armed or not yet.
func newGate(idx search.Index, armed bool) *gatedIndex {
	g := &gatedIndex{Index: idx, reached: make(chan struct{}), open: make(chan struct{})}
	g.armed.Store(armed)
	return g
}

func (g *gatedIndex) freeze() {
	if g.armed.Load() {
		g.once.Do(func() {
			close(g.reached)
			<-g.open
		})
	}
}

func (g *gatedIndex) Upsert(ctx context.Context, docs ...search.Document) error {
	g.freeze()
	return g.Index.Upsert(ctx, docs...)
}

func (g *gatedIndex) Delete(ctx context.Context, ids ...string) error {
	g.freeze()
	return g.Index.Delete(ctx, ids...)
}

func (x *sharedIndex) count(id string) int {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.written[id]
}

// rounds runs the feed's rounds (as its Run loop does) every few
// milliseconds until the returned stop is called.
func rounds(t *testing.T, feed *catalog.Feed) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			feed.CatchUp(ctx) //nolint:errcheck // the test looks at what the feed wrote
			time.Sleep(5 * time.Millisecond)
		}
	}()
	return func() { cancel(); <-done }
}

// frozenReindex starts `portico reindex` of the shared index idx (a
// Rebuild as owner "reindex") while holder feeds on, a round every few
// milliseconds, and returns once the reindex has read the database and
// waits at its first write: it writes when gate.open is closed, and done
// then receives the Rebuild's end.
func frozenReindex(t *testing.T, s *store.Store, idx search.Index, holder *catalog.Feed) (gate *gatedIndex, done <-chan error) {
	t.Helper()
	gate = newGate(idx, true)
	reindex := catalog.NewFeed(s, gate, catalog.FeedOptions{Shared: "meili", Owner: "reindex", Logger: quiet(), Poll: 5 * time.Millisecond})
	d := make(chan error, 1)
	go func() {
		_, err := reindex.Rebuild(context.Background(), nil)
		d <- err
	}()
	stop := rounds(t, holder)
	defer stop()
	select {
	case <-gate.reached:
	case <-time.After(10 * time.Second):
		t.Fatal("the reindex did not reach its first write within 10s")
	}
	return gate, d
}

// rename renames a and appends the change to the index log.
func rename(t *testing.T, s *store.Store, a *store.API, name string) {
	t.Helper()
	a.Name = name
	if err := s.UpdateAPI(context.Background(), s.DB(), a, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AppendIndexLog(context.Background(), a.ID); err != nil {
		t.Fatal(err)
	}
}

// handOver runs the rounds of holder, the feed of run owner, until it has
// handed the lease of the shared index over to the run that asked for it.
func handOver(t *testing.T, s *store.Store, holder *catalog.Feed, shared, owner string) {
	t.Helper()
	ctx := context.Background()
	for deadline := time.Now().Add(10 * time.Second); ; {
		if _, err := holder.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		if leasedBy, _, err := s.IndexFeedLease(ctx, shared); err != nil || (leasedBy != owner && leasedBy != "") {
			if err != nil {
				t.Fatal(err)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not hand its lease over within 10s", owner)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestReindexAndTheFeedOfASharedIndexHaveOneWriter: `portico reindex` of
// a Meilisearch index while a portal instance feeds it. The reindex read an
// API before it changed; the change reached the index log while the
// reindex still held its copy. Without one writer, the instance applied the
// change and the reindex then wrote its older copy over it: search found
// the API under its old name until it changed again (or the next start's
// rebuild). The reindex now takes the feed's lease (the instance hands it
// over at the start of its next round), applies what changed while it ran
// and gives the lease back; the instance goes on from there without
// building the index again, and an instance started meanwhile does not
// write either.
func TestReindexAndTheFeedOfASharedIndexHaveOneWriter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		sms := f.api(t, "sms", "SMS API", store.VisibilityPublic)
		id := catalog.DocumentID(sms.ID)
		idx := openIndex(t)
		fed := &sharedIndex{Index: idx, written: map[string]int{}}
		holder := catalog.NewFeed(s, fed, catalog.FeedOptions{Shared: "meili", Owner: "run-a", Logger: quiet()})
		if _, err := holder.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}

		// The instance feeds on until the reindex has read the API from
		// the database.
		gate, done := frozenReindex(t, s, idx, holder)

		// The API is renamed; the change reaches the index log.
		rename(t, s, sms, "Texting API")
		before := fed.count(id)
		if _, err := holder.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		// An instance that starts during the reindex.
		lateIdx := &sharedIndex{Index: idx, written: map[string]int{}}
		late := catalog.NewFeed(s, lateIdx, catalog.FeedOptions{Shared: "meili", Owner: "run-c", Logger: quiet()})
		if _, err := late.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		during := fed.count(id) - before + lateIdx.count(id)
		close(gate.open)
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("reindex: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the reindex did not end within 10s")
		}
		written := fed.count(id) + lateIdx.count(id)
		var applied int
		for _, feed := range []*catalog.Feed{holder, late} {
			n, err := feed.CatchUp(ctx)
			if err != nil {
				t.Fatal(err)
			}
			applied += n
		}

		if got := names(t, idx, "sms"); !slices.Equal(got, []string{"Texting API"}) {
			t.Errorf("after the reindex search finds %v, want [Texting API]: the reindex wrote its copy from before the change over the instance's", got)
		}
		if during != 0 {
			t.Errorf("the instances wrote the API %d times while the reindex ran, want none", during)
		}
		if got := fed.count(id) + lateIdx.count(id) - written; got != 0 || applied != 0 {
			t.Errorf("after the reindex the instances wrote the API %d times and applied %d entries, want none: the index was whole", got, applied)
		}
		if st := holder.Status(); st.Feeding == late.Status().Feeding || st.Behind() != 0 {
			t.Errorf("after the reindex: holder %+v, late %+v; want one of them feeding, at the head", st, late.Status())
		}
	})
}

// TestReindexWaitsForTheHandOffWithABound: an instance that does not hand
// its lease over (a portal of a Portico from before hand-overs renews it
// without looking at requests; here: one whose rounds do not run) makes
// the reindex give up after HandOff, having changed nothing: the index and
// its position are as they were, the request is withdrawn, and the
// instance feeds on.
func TestReindexWaitsForTheHandOffWithABound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		one := f.api(t, "one", "API one", store.VisibilityPublic)
		idx := openIndex(t)
		holder := catalog.NewFeed(s, &sharedIndex{Index: idx, written: map[string]int{}}, catalog.FeedOptions{Shared: "meili", Owner: "run-a", Logger: quiet()})
		if _, err := holder.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		pos, err := s.IndexFeedPosition(ctx, "meili")
		if err != nil || pos == nil {
			t.Fatalf("position: %v, %v", pos, err)
		}
		written := &sharedIndex{Index: idx, written: map[string]int{}}
		start := time.Now()
		_, err = catalog.NewFeed(s, written, catalog.FeedOptions{Shared: "meili", Owner: "reindex", Logger: quiet(),
			Poll: 10 * time.Millisecond, HandOff: 300 * time.Millisecond}).Rebuild(ctx, nil)
		if err == nil || !strings.Contains(err.Error(), "did not hand its lease over within 300ms") || !strings.Contains(err.Error(), "nothing was changed") {
			t.Fatalf("reindex while the holder does not hand over: %v, want it to give up", err)
		}
		if d := time.Since(start); d < 300*time.Millisecond || d > 5*time.Second {
			t.Errorf("the reindex gave up after %v, want after 300ms", d)
		}
		if n, err := catalog.Count(ctx, idx); err != nil || n != 1 || len(written.written) != 0 {
			t.Errorf("after the reindex gave up: %d documents (%v), %d written; want the 1 as it was, none written", n, err, len(written.written))
		}
		if after, err := s.IndexFeedPosition(ctx, "meili"); err != nil || after == nil || *after != *pos {
			t.Errorf("position after the reindex gave up: %v, %v; want %d", after, err, *pos)
		}
		if l, h, err := s.IndexFeedLease(ctx, "meili"); err != nil || l != "run-a" || h != "" {
			t.Errorf("lease after the reindex gave up: held by %q, asked for by %q (%v); want run-a's, no request", l, h, err)
		}
		if _, err := s.AppendIndexLog(ctx, one.ID); err != nil {
			t.Fatal(err)
		}
		if n, err := holder.CatchUp(ctx); err != nil || n != 1 || !holder.Status().Feeding {
			t.Errorf("the holder after the reindex gave up: applied %d (%v), %+v; want 1, feeding", n, err, holder.Status())
		}
	})
}

// TestCrashedReindexIsRebuiltByTheInstanceThatTakesTheLease: a reindex
// killed while it holds the lease (its heartbeat stops) keeps the other
// instances from feeding only until it is found dead; its rebuild cleared
// the feed's position, so the instance that takes the lease then builds the
// index.
func TestCrashedReindexIsRebuiltByTheInstanceThatTakesTheLease(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		for _, slug := range []string{"one", "two"} {
			f.api(t, slug, "API "+slug, store.VisibilityPublic)
		}
		shared := newShared(t, s, "run-a", "reindex")
		holder := catalog.NewFeed(s, shared, catalog.FeedOptions{Shared: "meili", Owner: "run-a", Logger: quiet()})
		if _, err := holder.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		// The reindex gets the lease and is frozen at its first write (the
		// process killed: its heartbeat stops).
		gate := newGate(shared, true)
		rctx, kill := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() {
			_, err := catalog.NewFeed(s, gate, catalog.FeedOptions{Shared: "meili", Owner: "reindex", Logger: quiet(), Poll: 5 * time.Millisecond}).Rebuild(rctx, nil)
			done <- err
		}()
		handOver(t, s, holder, "meili", "run-a")
		<-gate.reached
		defer func() {
			kill()
			close(gate.open)
			<-done
		}()
		if n, err := holder.CatchUp(ctx); err != nil || n != 0 || holder.Status().Feeding {
			t.Fatalf("the holder while the reindex is alive: applied %d (%v), %+v; want nothing, not feeding", n, err, holder.Status())
		}
		time.Sleep(300 * time.Millisecond)
		if err := s.HeartbeatInstance(ctx, "run-a", "run-a", 0); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReleaseDeadLeases(ctx, 200*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		if _, err := holder.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		if n, err := catalog.Count(ctx, shared); err != nil || n != 2 || !holder.Status().Feeding {
			t.Errorf("after the reindex was found dead: %d documents (%v), %+v; want the 2 rebuilt, feeding", n, err, holder.Status())
		}
		if pos, err := s.IndexFeedPosition(ctx, "meili"); err != nil || pos == nil {
			t.Errorf("position after the holder rebuilt: %v, %v; want one", pos, err)
		}
	})
}

// reindexStamped is the reindex's view of a stamped shared index: the
// same index and the same recorded position as the instances' (one
// Meilisearch), its writes counted apart.
type reindexStamped struct {
	search.Index
	stamp *stampedIndex
}

func (x reindexStamped) Stamp(ctx context.Context) (search.LogPosition, bool, error) {
	return x.stamp.Stamp(ctx)
}

func (x reindexStamped) SetStamp(ctx context.Context, p search.LogPosition) error {
	return x.stamp.SetStamp(ctx, p)
}

// TestNoRebuildAfterAReindexOfAStampedSharedIndex: Meilisearch keeps its
// own position beside the database's; after a reindex the two match, so
// the instance that takes the lease back applies what is new and builds
// nothing (no rebuild at the next round, nor at the next start).
func TestNoRebuildAfterAReindexOfAStampedSharedIndex(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		one := f.api(t, "one", "API one", store.VisibilityPublic)
		two := f.api(t, "two", "API two", store.VisibilityPublic)
		idx := openIndex(t)
		shared := &stampedIndex{sharedIndex: &sharedIndex{Index: idx, written: map[string]int{}}}
		holder := catalog.NewFeed(s, shared, catalog.FeedOptions{Shared: "meili", Owner: "run-a", Logger: quiet()})
		if _, err := holder.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AppendIndexLog(ctx, one.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := holder.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() {
			_, err := catalog.NewFeed(s, reindexStamped{Index: idx, stamp: shared}, catalog.FeedOptions{Shared: "meili", Owner: "reindex", Logger: quiet(), Poll: 5 * time.Millisecond}).Rebuild(ctx, nil)
			done <- err
		}()
		// A change the holder has not applied when it hands over: the
		// reindex builds past it, and records a position the holder's
		// stamp does not have.
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			if _, h, err := s.IndexFeedLease(ctx, "meili"); err != nil || h == "reindex" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the reindex did not ask for the lease within 10s")
			}
		}
		if _, err := s.AppendIndexLog(ctx, two.ID); err != nil {
			t.Fatal(err)
		}
		handOver(t, s, holder, "meili", "run-a")
		if err := <-done; err != nil {
			t.Fatalf("reindex: %v", err)
		}
		if at, _, _ := shared.Stamp(ctx); at.Entry == 0 {
			t.Fatal("no stamp after the reindex")
		}
		written := shared.count(catalog.DocumentID(two.ID))
		if _, err := s.AppendIndexLog(ctx, one.ID); err != nil {
			t.Fatal(err)
		}
		for _, feed := range []*catalog.Feed{holder, catalog.NewFeed(s, shared, catalog.FeedOptions{Shared: "meili", Owner: "run-a", Logger: quiet()})} {
			if n, err := feed.CatchUp(ctx); err != nil || n > 1 {
				t.Fatalf("after the reindex: applied %d (%v), want the 1 new entry at most", n, err)
			}
		}
		if got := shared.count(catalog.DocumentID(two.ID)) - written; got != 0 {
			t.Errorf("after the reindex the instance wrote an API that did not change %d times: it rebuilt the index", got)
		}
		if st := holder.Status(); !st.Feeding || st.Behind() != 0 {
			t.Errorf("holder after the reindex: %+v, want feeding at the head", st)
		}
	})
}
