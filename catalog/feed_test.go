package catalog_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portico-dev/portico/catalog"
	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/outbox"
	"github.com/portico-dev/portico/search"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// instance is one portal instance's search side: its own embedded index and
// the feed that keeps it in step.
type instance struct {
	dir   string
	index *search.Bleve
	feed  *catalog.Feed
}

func startInstance(t *testing.T, s *store.Store, dir string) *instance {
	t.Helper()
	idx, err := search.OpenBleve(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	return &instance{dir: dir, index: idx, feed: catalog.NewFeed(s, idx, catalog.FeedOptions{Logger: quiet()})}
}

func (in *instance) catchUp(t *testing.T) int {
	t.Helper()
	n, err := in.feed.CatchUp(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestEveryEmbeddedIndexConverges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		a := startInstance(t, s, t.TempDir()+"/a")
		b := startInstance(t, s, t.TempDir()+"/b")
		a.catchUp(t)
		b.catchUp(t)
		// One outbox worker (instance a's) takes every message, once.
		w := outbox.New(s, map[string]outbox.Handler{lifecycle.TopicSearchIndex: a.feed.Handle}, outbox.Options{Logger: quiet()})

		sms := f.api(t, "sms", "SMS API", store.VisibilityPublic)
		f.publish(t, sms, "1.0.0", smsV1)
		if _, err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		for name, in := range map[string]*instance{"a": a, "b": b} {
			if n := in.catchUp(t); n == 0 {
				t.Errorf("instance %s applied nothing", name)
			}
			if got := names(t, in.index, "send sms"); !slices.Equal(got, []string{"SMS API"}) {
				t.Errorf("instance %s finds %v, want [SMS API]", name, got)
			}
			st := in.feed.Status()
			if st.State != catalog.FeedFollowing || st.Behind() != 0 || st.Lag != 0 || st.Position == 0 {
				t.Errorf("instance %s status %+v, want following at the head", name, st)
			}
		}

		// Instance b stops; changes go on; b starts again and applies only
		// what it missed.
		if err := b.index.Close(); err != nil {
			t.Fatal(err)
		}
		posB := b.feed.Status().Position
		f.publish(t, sms, "2.0.0", smsV2)
		ledger := f.api(t, "ledger", "Ledger", store.VisibilityPublic)
		f.publish(t, ledger, "1.0.0", smsV21)
		if _, err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		b = startInstance(t, s, b.dir)
		if pos, ok, err := b.index.Position(); err != nil || !ok || pos.Entry != posB {
			t.Fatalf("position after restart: %d, %v, %v, want %d", pos, ok, err, posB)
		}
		head, err := s.IndexLogHeadFrom(ctx, posB)
		if err != nil {
			t.Fatal(err)
		}
		if n := b.catchUp(t); int64(n) != head.Head-posB {
			t.Errorf("restarted instance applied %d entries, want the %d it missed", n, head.Head-posB)
		}
		a.catchUp(t)

		// A new instance builds its index from the database, then follows.
		c := startInstance(t, s, t.TempDir()+"/c")
		if n := c.catchUp(t); n != 0 {
			t.Errorf("new instance applied %d entries after building, want 0", n)
		}
		if st := c.feed.Status(); st.Position != head.Head || !st.Ready() {
			t.Errorf("new instance status %+v, want ready at %d", st, head.Head)
		}
		for name, in := range map[string]*instance{"a": a, "b": b, "c": c} {
			if got := names(t, in.index, "getMessage"); !slices.Equal(got, []string{"SMS API"}) {
				t.Errorf("instance %s finds %v for getMessage, want [SMS API]", name, got)
			}
			if got := names(t, in.index, "drafts"); !slices.Equal(got, []string{"Ledger"}) {
				t.Errorf("instance %s finds %v for drafts, want [Ledger]", name, got)
			}
		}
	})
}

func TestIndexBehindThePrunedLogIsRebuilt(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	f := newFixture(t, s)
	a := startInstance(t, s, t.TempDir()+"/a")
	a.catchUp(t)
	w := outbox.New(s, map[string]outbox.Handler{lifecycle.TopicSearchIndex: a.feed.Handle}, outbox.Options{Logger: quiet()})
	for _, slug := range []string{"one", "two", "three"} {
		f.api(t, slug, "API "+slug, store.VisibilityPublic)
	}
	if _, err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	n, err := s.PruneIndexLog(ctx, 0)
	if err != nil || n != 2 {
		t.Fatalf("pruned %d entries, %v; want 2 (the newest is kept)", n, err)
	}
	// a is at 0, below what was pruned: it is rebuilt, not fed the rest.
	if n := a.catchUp(t); n != 0 {
		t.Errorf("applied %d entries, want a rebuild", n)
	}
	if c, err := catalog.Count(ctx, a.index); err != nil || c != 3 {
		t.Errorf("documents after rebuild: %d, %v, want 3", c, err)
	}
	head, err := s.IndexLogHeadFrom(ctx, 0)
	if err != nil || head.PrunedThrough != head.Head-1 {
		t.Fatalf("log head %+v, %v", head, err)
	}
	if st := a.feed.Status(); st.Position != head.Head {
		t.Errorf("position after rebuild %d, want %d", st.Position, head.Head)
	}
}

func TestIndexOfAnotherDatabaseIsRebuilt(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir() + "/index"
	first := storetest.New(t)
	f := newFixture(t, first)
	a := startInstance(t, first, dir)
	a.catchUp(t)
	for _, slug := range []string{"one", "two", "three"} {
		f.api(t, slug, "API "+slug, store.VisibilityPublic)
	}
	w := outbox.New(first, map[string]outbox.Handler{lifecycle.TopicSearchIndex: a.feed.Handle}, outbox.Options{Logger: quiet()})
	if _, err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	a.catchUp(t)
	if err := a.index.Close(); err != nil {
		t.Fatal(err)
	}
	// The same data directory, pointed at a new database with one API.
	second := storetest.New(t)
	newFixture(t, second).api(t, "ledger", "Ledger", store.VisibilityPublic)
	if _, err := second.AppendIndexLog(ctx, 1); err != nil {
		t.Fatal(err)
	}
	b := startInstance(t, second, dir)
	b.catchUp(t)
	if got := names(t, b.index, "api"); len(got) != 0 {
		t.Errorf("the other database's APIs are still found: %v", got)
	}
	if got := names(t, b.index, "ledger"); !slices.Equal(got, []string{"Ledger"}) {
		t.Errorf("search finds %v, want [Ledger]", got)
	}
	if st := b.feed.Status(); st.Position != 1 {
		t.Errorf("position %d, want 1", st.Position)
	}
}

// TestIndexOfARestoredLogIsRebuilt points an index at a database whose
// index log has grown past the index's position with other entries, as a
// database restored from an older backup does once the restored portal
// changes: the position is not ahead of the log, but the index is rebuilt
// all the same, and the APIs it held that the database lacks are not found.
func TestIndexOfARestoredLogIsRebuilt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, first *store.Store) {
		ctx := context.Background()
		dir := t.TempDir() + "/index"
		f := newFixture(t, first)
		a := startInstance(t, first, dir)
		a.catchUp(t)
		for _, slug := range []string{"one", "two", "three"} {
			f.api(t, slug, "API "+slug, store.VisibilityPublic)
		}
		w := outbox.New(first, map[string]outbox.Handler{lifecycle.TopicSearchIndex: a.feed.Handle}, outbox.Options{Logger: quiet()})
		if _, err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		a.catchUp(t)
		pos := a.feed.Status().Position
		if err := a.index.Close(); err != nil {
			t.Fatal(err)
		}
		// The restored database: one API, and a log longer than the index's position.
		second := storetest.Open(t, first.Dialect())
		ledger := newFixture(t, second).api(t, "ledger", "Ledger", store.VisibilityPublic)
		for range pos + 2 {
			if _, err := second.AppendIndexLog(ctx, ledger.ID); err != nil {
				t.Fatal(err)
			}
		}
		b := startInstance(t, second, dir)
		if n := b.catchUp(t); n != 0 {
			t.Errorf("applied %d entries after the index's position, want a rebuild", n)
		}
		if got := names(t, b.index, "api"); len(got) != 0 {
			t.Errorf("the APIs of the other log are still found: %v", got)
		}
		if got := names(t, b.index, "ledger"); !slices.Equal(got, []string{"Ledger"}) {
			t.Errorf("search finds %v, want [Ledger]", got)
		}
		// Rebuilt, the index follows this log: a restart applies nothing and rebuilds nothing.
		if err := b.index.Close(); err != nil {
			t.Fatal(err)
		}
		c := startInstance(t, second, dir)
		if _, err := second.AppendIndexLog(ctx, ledger.ID); err != nil {
			t.Fatal(err)
		}
		if n := c.catchUp(t); n != 1 {
			t.Errorf("after a restart: applied %d entries, want the 1 new one (no rebuild)", n)
		}
	})
}

// sharedIndex is one index for every instance (Meilisearch's part): it does
// not keep a position, and counts the documents written to it.
type sharedIndex struct {
	search.Index
	mu      sync.Mutex
	written map[string]int
}

func (x *sharedIndex) Upsert(ctx context.Context, docs ...search.Document) error {
	x.mu.Lock()
	for _, d := range docs {
		x.written[d.ID]++
	}
	x.mu.Unlock()
	return x.Index.Upsert(ctx, docs...)
}

// newShared opens a shared index whose writes are counted and registers
// runs as live instances (a minute's heartbeat): the instances that feed
// it, or a reindex.
func newShared(t *testing.T, s *store.Store, runs ...string) *sharedIndex {
	t.Helper()
	for _, run := range runs {
		if _, err := s.RegisterInstance(context.Background(), &store.Instance{Name: run, RunID: run}, time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	return &sharedIndex{Index: openIndex(t), written: map[string]int{}}
}

func TestSharedIndexIsFedOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		// Two registered instances feed the same index.
		shared := newShared(t, s, "run-a", "run-b")
		fa := catalog.NewFeed(s, shared, catalog.FeedOptions{Shared: "meili", Owner: "run-a", Logger: quiet()})
		fb := catalog.NewFeed(s, shared, catalog.FeedOptions{Shared: "meili", Owner: "run-b", Logger: quiet()})
		w := outbox.New(s, map[string]outbox.Handler{lifecycle.TopicSearchIndex: fb.Handle}, outbox.Options{Logger: quiet()})
		for _, feed := range []*catalog.Feed{fa, fb} {
			if _, err := feed.CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
		}
		sms := f.api(t, "sms", "SMS API", store.VisibilityPublic)
		f.publish(t, sms, "1.0.0", smsV1)
		if _, err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		for _, feed := range []*catalog.Feed{fa, fb, fa} {
			if _, err := feed.CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
		}
		id := catalog.DocumentID(sms.ID)
		if got := shared.written[id]; got != 1 {
			t.Errorf("the shared index got the api %d times, want once", got)
		}
		sa, sb := fa.Status(), fb.Status()
		if !sa.Feeding || sb.Feeding || sa.Position != sb.Position || sb.Behind() != 0 {
			t.Errorf("statuses a %+v, b %+v: want a feeding, both at the head", sa, sb)
		}

		// a dies: b takes the lease over once a's heartbeat is too old.
		time.Sleep(300 * time.Millisecond)
		if err := s.HeartbeatInstance(ctx, "run-b", "run-b", 0); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReleaseDeadLeases(ctx, 200*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		f.publish(t, sms, "2.0.0", smsV2)
		if _, err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := fb.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		if got := shared.written[id]; got != 2 {
			t.Errorf("after a died the shared index got the api %d times, want 2", got)
		}
		if !fb.Status().Feeding {
			t.Errorf("b does not feed after a died: %+v", fb.Status())
		}
		if got := names(t, shared, "getMessage"); !slices.Equal(got, []string{"SMS API"}) {
			t.Errorf("shared index finds %v, want [SMS API]", got)
		}
	})
}

func TestFeedReportsItsLag(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	idx := openIndex(t)
	if st := catalog.NewFeed(s, idx, catalog.FeedOptions{Logger: quiet()}).Status(); st.State != catalog.FeedStarting || st.Ready() {
		t.Errorf("status before the first look: %+v, want starting, not ready", st)
	}
	// Two instances share an index; x feeds it, y only looks.
	shared := &sharedIndex{Index: idx, written: map[string]int{}}
	opts := func(owner string) catalog.FeedOptions {
		return catalog.FeedOptions{Shared: "lag", Owner: owner, Logger: quiet(), MaxLag: 50 * time.Millisecond}
	}
	x, y := catalog.NewFeed(s, shared, opts("x")), catalog.NewFeed(s, shared, opts("y"))
	if _, err := x.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AppendIndexLog(ctx, 3); err != nil {
		t.Fatal(err)
	}
	if _, err := y.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(80 * time.Millisecond)
	st := y.Status()
	if st.State != catalog.FeedLagging || st.Feeding || st.Behind() != 1 || st.Lag < 50*time.Millisecond || !st.Ready() {
		t.Errorf("status of a shared index one entry behind for 80ms: %+v, want lagging by 1 entry and at least 50ms, ready", st)
	}
	if _, err := x.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := y.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if st := y.Status(); st.State != catalog.FeedFollowing || st.Lag != 0 || st.Behind() != 0 {
		t.Errorf("status once fed: %+v, want following at the head", st)
	}
}

func TestUnfinishedRebuildOfASharedIndexIsDoneAgain(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	f := newFixture(t, s)
	for _, slug := range []string{"one", "two"} {
		f.api(t, slug, "API "+slug, store.VisibilityPublic)
	}
	idx := openIndex(t)
	holder := catalog.NewFeed(s, &sharedIndex{Index: idx, written: map[string]int{}}, catalog.FeedOptions{Shared: "meili", Owner: "x", Logger: quiet()})
	if _, err := holder.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	// `portico reindex` beside the running instances stops half-way, after
	// the holder handed it the lease.
	broken := &flakyIndex{Index: idx}
	broken.failures.Store(1)
	done := make(chan error, 1)
	go func() {
		_, err := catalog.NewFeed(s, broken, catalog.FeedOptions{Shared: "meili", Logger: quiet(), Poll: 5 * time.Millisecond}).Rebuild(ctx, func(int, int) {})
		done <- err
	}()
	handOver(t, s, holder, "meili", "x")
	if err := <-done; err == nil {
		t.Fatal("rebuild with a failing index: got nil error")
	}
	if broken.calls.Load() == 0 {
		t.Fatal("the rebuild did not write")
	}
	if pos, err := s.IndexFeedPosition(ctx, "meili"); err != nil || pos != nil {
		t.Fatalf("position after an unfinished rebuild: %v, %v; want none", pos, err)
	}
	if _, err := holder.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := catalog.Count(ctx, idx); err != nil || n != 2 {
		t.Errorf("documents after the holder rebuilt: %d, %v; want 2", n, err)
	}
	if pos, err := s.IndexFeedPosition(ctx, "meili"); err != nil || pos == nil {
		t.Errorf("position after the holder rebuilt: %v, %v; want one", pos, err)
	}
}

// brokenIndex is an embedded index whose writes fail while broken is set
// (a full disk, a database that answered the feed's reads but not in time).
type brokenIndex struct {
	*search.Bleve
	broken atomic.Bool
}

func (b *brokenIndex) Apply(ctx context.Context, at search.LogPosition, upserts []search.Document, deletes []string) error {
	if b.broken.Load() {
		return errors.New("index unavailable")
	}
	return b.Bleve.Apply(ctx, at, upserts, deletes)
}

// TestFailingFeedCatchesUpOnAWakeUp: after the feed failed for a while
// (the database down, the index's disk full), the first change once things
// work again is applied at its wake-up, not when the growing wait between
// retries (up to 30 s) ends: after a database outage of half a minute,
// every instance's search stayed up to 30 s behind the database that had
// come back, while the README promises a change is searchable within a
// second of its wake-up being missed.
func TestFailingFeedCatchesUpOnAWakeUp(t *testing.T) {
	s := storetest.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	idx := &brokenIndex{Bleve: openIndex(t)}
	feed := catalog.NewFeed(s, idx, catalog.FeedOptions{Logger: quiet(), Poll: 20 * time.Millisecond})
	if _, err := feed.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	idx.broken.Store(true)
	if _, err := s.AppendIndexLog(ctx, 1); err != nil {
		t.Fatal(err)
	}
	wake := make(chan struct{}, 1)
	done := make(chan struct{})
	go func() { defer close(done); feed.Run(ctx, wake) }()
	defer func() { cancel(); <-done }()
	time.Sleep(3 * time.Second) // failing: the wait between retries has grown past a second
	st := feed.Status()
	if st.Err == "" || st.Behind() != 1 {
		t.Fatalf("status while the index fails: %+v, want failing one entry behind", st)
	}
	// Right after a failed attempt: the next one is more than a second away.
	for last := st.Checked; feed.Status().Checked.Equal(last); {
		time.Sleep(5 * time.Millisecond)
	}
	idx.broken.Store(false)
	if _, err := s.AppendIndexLog(ctx, 2); err != nil {
		t.Fatal(err)
	}
	woken := time.Now()
	wake <- struct{}{}
	for time.Since(woken) < 5*time.Second {
		if st := feed.Status(); st.Err == "" && st.Behind() == 0 && st.Position > 0 {
			if d := time.Since(woken); d > time.Second {
				t.Fatalf("the feed applied the change %v after its wake-up, want within a second", d.Round(time.Millisecond))
			}
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("the feed did not catch up within 5s of its wake-up: %+v", feed.Status())
}

// stampedIndex is a shared index that keeps its own log position too, as
// search.Meilisearch does in an index of its own.
type stampedIndex struct {
	*sharedIndex
	at  search.LogPosition
	has bool
}

func (x *stampedIndex) Stamp(context.Context) (search.LogPosition, bool, error) {
	return x.at, x.has, nil
}

func (x *stampedIndex) SetStamp(_ context.Context, p search.LogPosition) error {
	x.at, x.has = p, true
	return nil
}

// TestSharedIndexOfARestoredDatabaseIsRebuilt: a shared index (Meilisearch)
// keeps its position in the database, which a restore brings back from the
// backup while the index holds what was applied since: the feed finds that
// the index's own position does not match and rebuilds it, without
// portico reindex; a restart then rebuilds nothing.
func TestSharedIndexOfARestoredDatabaseIsRebuilt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, live *store.Store) {
		ctx := context.Background()
		shared := &stampedIndex{sharedIndex: &sharedIndex{Index: openIndex(t), written: map[string]int{}}}
		// The backup's database: the ledger API, fed to the shared index, its position kept in the database.
		backup := storetest.Open(t, live.Dialect())
		ledger := newFixture(t, backup).api(t, "ledger", "Ledger", store.VisibilityPublic)
		fb := catalog.NewFeed(backup, shared, catalog.FeedOptions{Shared: "meili", Owner: "run-b", Logger: quiet()})
		wb := outbox.New(backup, map[string]outbox.Handler{lifecycle.TopicSearchIndex: fb.Handle}, outbox.Options{Logger: quiet()})
		if _, err := wb.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := fb.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		// Then the portal went on: the shared index now holds what the backup does not.
		f := newFixture(t, live)
		for _, slug := range []string{"one", "two", "three"} {
			f.api(t, slug, "API "+slug, store.VisibilityPublic)
		}
		fa := catalog.NewFeed(live, shared, catalog.FeedOptions{Shared: "meili", Owner: "run-a", Logger: quiet()})
		wa := outbox.New(live, map[string]outbox.Handler{lifecycle.TopicSearchIndex: fa.Handle}, outbox.Options{Logger: quiet()})
		if _, err := wa.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := fa.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		if got := names(t, shared, "api"); len(got) != 3 {
			t.Fatalf("before the restore: found %v, want the 3 APIs", got)
		}
		// The backup is restored and the portal starts: its position is the backup's, the index holds more.
		restored := catalog.NewFeed(backup, shared, catalog.FeedOptions{Shared: "meili", Owner: "run-b", Logger: quiet()})
		if _, err := restored.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		if got := names(t, shared, "api"); len(got) != 0 {
			t.Errorf("after the restore, the shared index still finds the APIs the backup does not have: %v", got)
		}
		if got := names(t, shared, "ledger"); !slices.Equal(got, []string{"Ledger"}) {
			t.Errorf("after the restore, search finds %v, want [Ledger]", got)
		}
		// A restart applies what is new and rebuilds nothing.
		written := shared.written[catalog.DocumentID(ledger.ID)]
		if _, err := backup.AppendIndexLog(ctx, ledger.ID); err != nil {
			t.Fatal(err)
		}
		again := catalog.NewFeed(backup, shared, catalog.FeedOptions{Shared: "meili", Owner: "run-b", Logger: quiet()})
		if n, err := again.CatchUp(ctx); err != nil || n != 1 {
			t.Errorf("after a restart: applied %d entries (%v), want the 1 new one (no rebuild)", n, err)
		}
		if got := shared.written[catalog.DocumentID(ledger.ID)] - written; got != 1 {
			t.Errorf("after a restart the ledger was written %d more times, want 1", got)
		}
	})
}

// layoutIndex is a stamped shared index whose documents have a layout, as
// search.Meilisearch's do: the position it keeps records the layout of the
// writer that recorded it, and an older version's writer records none and
// writes documents of its own layout (older).
type layoutIndex struct {
	*stampedIndex
	current bool
	older   map[string]bool // documents an older version wrote
	resets  int
}

func (x *layoutIndex) SetStamp(ctx context.Context, p search.LogPosition) error {
	x.current = true
	return x.stampedIndex.SetStamp(ctx, p)
}

func (x *layoutIndex) Upsert(ctx context.Context, docs ...search.Document) error {
	for _, d := range docs {
		delete(x.older, d.ID)
	}
	return x.stampedIndex.Upsert(ctx, docs...)
}

func (x *layoutIndex) Reset(ctx context.Context) error {
	x.resets++
	clear(x.older)
	return x.stampedIndex.Reset(ctx)
}

func (x *layoutIndex) Outdated(context.Context) (string, error) {
	if !x.has {
		return "it has no position of its own", nil
	}
	return "", nil
}

func (x *layoutIndex) OlderDocuments(context.Context) ([]string, error) {
	if x.current {
		return nil, nil
	}
	var ids []string
	for id := range x.older {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids, nil
}

// olderWrite plays an instance of the older version that applies the API's
// change: it writes the API's document in its own layout and records its
// position without a layout.
func (x *layoutIndex) olderWrite(t *testing.T, s *store.Store, apiID int64) {
	t.Helper()
	ctx := context.Background()
	d, err := catalog.BuildDocument(ctx, s, apiID)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.stampedIndex.Upsert(ctx, d); err != nil {
		t.Fatal(err)
	}
	x.older[d.ID] = true
	x.current = false
}

// TestSharedIndexOfAnOlderLayoutIsRewritten: during a rolling upgrade an
// instance of the older version feeds the shared index (Meilisearch) for a
// while, writing documents without what this version sorts by and
// recording its position without a layout: the newer instance that takes
// the feed's lease rewrites the documents the older one wrote, and only
// them, without a rebuild; a restart then rewrites nothing. An index that
// an older version rebuilt has every document rewritten.
func TestSharedIndexOfAnOlderLayoutIsRewritten(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		shared := &layoutIndex{stampedIndex: &stampedIndex{sharedIndex: &sharedIndex{Index: openIndex(t), written: map[string]int{}}}, older: map[string]bool{}}
		f := newFixture(t, s)
		one := f.api(t, "one", "API one", store.VisibilityPublic)
		two := f.api(t, "two", "API two", store.VisibilityPublic)
		fa := catalog.NewFeed(s, shared, catalog.FeedOptions{Shared: "meili", Owner: "run-a", Logger: quiet()})
		w := outbox.New(s, map[string]outbox.Handler{lifecycle.TopicSearchIndex: fa.Handle}, outbox.Options{Logger: quiet()})
		if _, err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := fa.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		resets := shared.resets
		// An instance of the older version took the lease and applied a change of API two.
		shared.olderWrite(t, s, two.ID)
		writtenOne, writtenTwo := shared.written[catalog.DocumentID(one.ID)], shared.written[catalog.DocumentID(two.ID)]
		upgraded := catalog.NewFeed(s, shared, catalog.FeedOptions{Shared: "meili", Owner: "run-a", Logger: quiet()})
		if _, err := upgraded.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		if got := shared.resets - resets; got != 0 {
			t.Errorf("after the upgraded instance took the lease, the index was emptied %d times, want 0 (no rebuild)", got)
		}
		if got := shared.written[catalog.DocumentID(one.ID)] - writtenOne; got != 0 {
			t.Errorf("after the upgraded instance took the lease, API one (this version's document) was written %d more times, want 0", got)
		}
		if got := shared.written[catalog.DocumentID(two.ID)] - writtenTwo; got != 1 {
			t.Errorf("after the upgraded instance took the lease, API two (the older version's document) was written %d more times, want 1", got)
		}
		if len(shared.older) != 0 || !shared.current {
			t.Errorf("after the upgraded instance took the lease: documents of the older layout %v, layout recorded %v; want none, true", shared.older, shared.current)
		}
		if got := names(t, shared, "api"); len(got) != 2 {
			t.Errorf("after the upgrade, search finds %v, want the 2 APIs", got)
		}
		writtenOne, writtenTwo = shared.written[catalog.DocumentID(one.ID)], shared.written[catalog.DocumentID(two.ID)]
		again := catalog.NewFeed(s, shared, catalog.FeedOptions{Shared: "meili", Owner: "run-a", Logger: quiet()})
		if n, err := again.CatchUp(ctx); err != nil || n != 0 {
			t.Errorf("after a restart: applied %d entries (%v), want none", n, err)
		}
		if got := shared.written[catalog.DocumentID(one.ID)] + shared.written[catalog.DocumentID(two.ID)] - writtenOne - writtenTwo; got != 0 {
			t.Errorf("after a restart the APIs were written %d more times, want 0", got)
		}
		// An older instance rebuilt the index (its portico reindex): every document is of its layout.
		shared.olderWrite(t, s, one.ID)
		shared.olderWrite(t, s, two.ID)
		writtenOne, writtenTwo = shared.written[catalog.DocumentID(one.ID)], shared.written[catalog.DocumentID(two.ID)]
		third := catalog.NewFeed(s, shared, catalog.FeedOptions{Shared: "meili", Owner: "run-a", Logger: quiet()})
		if _, err := third.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		if got := shared.written[catalog.DocumentID(one.ID)] + shared.written[catalog.DocumentID(two.ID)] - writtenOne - writtenTwo; got != 2 || len(shared.older) != 0 {
			t.Errorf("after an older version's rebuild, the APIs were written %d more times (older left: %v), want 2 (none)", got, shared.older)
		}
	})
}

// TestSharedIndexWithoutAPositionOfItsOwnIsRebuilt: a shared index fed by
// a Portico older than the positions an index keeps of its own (whose
// documents lack more than one layout's attributes) is rebuilt by the
// instance that takes the feed's lease.
func TestSharedIndexWithoutAPositionOfItsOwnIsRebuilt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		shared := &layoutIndex{stampedIndex: &stampedIndex{sharedIndex: &sharedIndex{Index: openIndex(t), written: map[string]int{}}}, older: map[string]bool{}}
		f := newFixture(t, s)
		f.api(t, "one", "API one", store.VisibilityPublic)
		fa := catalog.NewFeed(s, shared, catalog.FeedOptions{Shared: "meili", Owner: "run-a", Logger: quiet()})
		w := outbox.New(s, map[string]outbox.Handler{lifecycle.TopicSearchIndex: fa.Handle}, outbox.Options{Logger: quiet()})
		if _, err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := fa.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		shared.has, shared.current = false, false
		resets := shared.resets
		upgraded := catalog.NewFeed(s, shared, catalog.FeedOptions{Shared: "meili", Owner: "run-a", Logger: quiet()})
		if _, err := upgraded.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		if got := shared.resets - resets; got != 1 {
			t.Errorf("the index without a position of its own was emptied %d times, want 1 (a rebuild)", got)
		}
	})
}
