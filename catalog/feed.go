package catalog

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/search"
	"github.com/portico-dev/portico/store"
)

// How the search index follows the database when several portal instances
// share it.
//
// A change to an API enqueues a lifecycle.TopicSearchIndex message in the
// change's transaction. The outbox delivers it once, to one instance, whose
// Feed.Handle appends an entry to the index log (store.AppendIndexLog): the
// log is the one ordered record of which documents changed. Every index then
// follows the log from its own position:
//
//   - an embedded index (private to its instance) keeps its position inside
//     itself, written in the same batch as the documents, and each instance
//     applies every entry to its own index;
//   - a shared index (one Meilisearch for every instance) keeps its position
//     in the database, and only the run holding the feed's lease applies
//     the entries: the index is fed once, and has one writer at a time.
//     `portico reindex` (Feed.Rebuild) asks the instance feeding it for the
//     lease, which hands it over at the start of its next round, when none
//     of its writes is on its way (store.RequestIndexFeed); the rebuild
//     then applies what changed while it ran and gives the lease back. An
//     instance that starts meanwhile waits for the lease like any other.
//
// The lease has no fence in Meilisearch, which has no conditional write: a
// holder frozen (a GC stall, SIGSTOP, a paused VM) after it read documents
// and before its write reached Meilisearch may lose the lease meanwhile
// (its heartbeat stops: it is found dead in 5 s), and its write then lands
// after the newer documents the next holder wrote; Meilisearch applies an
// index's tasks in the order they were enqueued, so the older copy stays.
// The holder cannot tell before it writes (it may freeze right after any
// check), so it checks after: every write to a shared index is recorded
// until a statement that succeeds only while this run still holds the lease
// (AdvanceIndexFeed, MarkIndexFeedBuilt, RenewIndexFeed) ran after it; the
// lease never comes back to a run by itself, so this proves that no other
// run wrote in between. When the lease was lost instead, the run appends the
// APIs it wrote to the index log again (every API after a reset): the
// holder rewrites them from the database, after the late write, which had
// been enqueued before its sender saw its answer (see settle).
//
// An index without a position (new, reset, or older than positions), whose
// position is below what was pruned from the log, ahead of the log, or an
// entry the log does not hold as the index saw it (the index of another
// database, or of a database restored from a backup, whose log went on from
// the backup's head: an embedded index keeps with its position when its
// entry was appended, see search.LogPosition) is rebuilt from the database
// first; the rebuild records the log head it read before it
// started, so no change is missed in between. Applying an entry re-reads the
// API from the database, so entries may be applied twice without harm.

// Feed states reported by Status.
const (
	FeedStarting  = "starting"  // the index was not looked at yet
	FeedBuilding  = "building"  // the index is being built from the database
	FeedFollowing = "following" // the index applies the log as it grows
	FeedLagging   = "lagging"   // the index is further behind the log than MaxLag
)

// Defaults of FeedOptions.
const (
	DefaultMaxLag   = 30 * time.Second
	DefaultFeedPoll = time.Second
	// feedBatch is the number of log entries applied at once.
	feedBatch = 200
	// sharedLease is how long the lease of a shared index lasts without
	// renewal; the holder renews it every round, and the lease of an
	// instance found dead is released at once.
	sharedLease = 2 * time.Minute
	maxRetry    = 30 * time.Second
	// renewEvery is how often a run renews its lease of a shared index
	// while it builds the index or applies a long stretch of the log.
	renewEvery = sharedLease / 8
	// DefaultHandOff is longer than a lease: a run that does not hand its
	// lease over (a Portico from before hand-overs) but stops renewing it
	// loses it by then.
	DefaultHandOff = sharedLease + 30*time.Second
)

// FeedOptions configures a Feed.
type FeedOptions struct {
	// Shared names the position of an index that several instances share
	// (a Meilisearch index), kept in the database. An index that keeps its
	// own position (the embedded one) ignores it. Empty means "search".
	Shared string
	// Owner is this instance's run: it takes the lease of a shared index.
	// Empty means a random one.
	Owner  string
	Logger *slog.Logger
	// MaxLag: an index further behind the log says so (state lagging and a
	// warning in the log). Zero means DefaultMaxLag.
	MaxLag time.Duration
	// Poll: Run looks at the log at least this often, and Rebuild asks for
	// the lease of a shared index this often. Zero means DefaultFeedPoll.
	Poll time.Duration
	// HandOff is how long Rebuild of a shared index waits for the run that
	// feeds it to hand its lease over. Zero means DefaultHandOff.
	HandOff time.Duration
}

// positioned is an index that keeps its log position with its documents.
type positioned interface {
	Position() (search.LogPosition, bool, error)
	Apply(ctx context.Context, position search.LogPosition, upserts []search.Document, deletes []string) error
}

// stamped is a shared index that keeps, beside the position the database
// keeps, the position it applied itself (search.Meilisearch): a database
// restored from a backup brings back an older position while the index
// holds what was applied since, and the two no longer match.
type stamped interface {
	Stamp(ctx context.Context) (search.LogPosition, bool, error)
	SetStamp(ctx context.Context, position search.LogPosition) error
}

var _ stamped = (*search.Meilisearch)(nil)

// outdated is a shared index that tells which of its documents were
// written by an older version of Portico and lack what this version reads
// of them (search.Meilisearch: the attribute it sorts by name). When the
// feed takes the lease it rebuilds an index that Outdated says is older
// than that (as it does an unmatched one), and rewrites from the database
// the documents OlderDocuments names (those an older instance wrote during
// a rolling upgrade), then records its position with this version's layout.
type outdated interface {
	Outdated(ctx context.Context) (why string, err error)
	OlderDocuments(ctx context.Context) (ids []string, err error)
}

var _ outdated = (*search.Meilisearch)(nil)

// marked is an index that records durably that a rebuild is under way, so
// that one interrupted is done again (search.Bleve's rebuild marker).
type marked interface {
	BeginRebuild() error
	EndRebuild() error
}

// Feed keeps a search index in step with the database by the index log.
type Feed struct {
	store *store.Store
	index search.Index
	own   positioned // nil for a shared index
	stamp stamped    // a shared index that keeps its own position too, or nil
	// matched: the shared index's own position was found to match the
	// database's since this instance took the feed's lease (f.mu held).
	matched bool
	// writer is what the feed writes to a shared index through: it records
	// the writes not yet confirmed (f.mu held), the APIs in unconfirmed and
	// unconfirmedAll after a reset.
	writer         search.Index
	unconfirmed    map[int64]struct{}
	unconfirmedAll bool
	shared         string
	owner          string
	log            *slog.Logger
	maxLag         time.Duration
	poll           time.Duration
	handOff        time.Duration

	mu sync.Mutex // one catch-up or rebuild at a time

	smu    sync.Mutex
	status FeedStatus
	// next is when the first entry not applied was appended, by the
	// database clock, and skew the database clock minus this process's.
	next time.Time
	skew time.Duration
}

// NewFeed returns a Feed for index.
func NewFeed(s *store.Store, index search.Index, opts FeedOptions) *Feed {
	f := &Feed{store: s, index: index, shared: opts.Shared, owner: opts.Owner, log: opts.Logger, maxLag: opts.MaxLag, poll: opts.Poll, handOff: opts.HandOff}
	if own, ok := index.(positioned); ok {
		f.own = own
	} else if st, ok := index.(stamped); ok {
		f.stamp = st
	}
	if f.shared == "" {
		f.shared = "search"
	}
	f.writer = index
	if f.own == nil {
		f.writer = &fencedIndex{Index: index, f: f}
	}
	if f.owner == "" {
		b := make([]byte, 8)
		rand.Read(b)
		f.owner = "feed-" + hex.EncodeToString(b)
	}
	if f.log == nil {
		f.log = slog.Default()
	}
	if f.maxLag <= 0 {
		f.maxLag = DefaultMaxLag
	}
	if f.poll <= 0 {
		f.poll = DefaultFeedPoll
	}
	if f.handOff <= 0 {
		f.handOff = DefaultHandOff
	}
	f.status = FeedStatus{State: FeedStarting, Shared: f.own == nil, MaxLag: f.maxLag}
	return f
}

// Handle is the outbox handler of lifecycle.TopicSearchIndex: it appends
// the API to the index log, which wakes every instance's Feed.
func (f *Feed) Handle(ctx context.Context, payload []byte) error {
	var m lifecycle.SearchIndexMessage
	if err := json.Unmarshal(payload, &m); err != nil {
		return fmt.Errorf("decode %s message: %w", lifecycle.TopicSearchIndex, err)
	}
	if m.APIID <= 0 {
		return fmt.Errorf("%s message without api id", lifecycle.TopicSearchIndex)
	}
	_, err := f.store.AppendIndexLog(ctx, m.APIID)
	return err
}

// FeedStatus is how far an index is behind the index log.
type FeedStatus struct {
	State string
	// Shared is true for an index several instances share; Feeding then
	// says whether this instance is the one feeding it.
	Shared, Feeding bool
	// Position is the last log entry the index applied; Head the newest
	// entry of the log when last looked.
	Position, Head int64
	// Lag is how long ago the first entry the index has not applied was
	// appended (zero when it has applied them all).
	Lag, MaxLag time.Duration
	// Err is the last failure, cleared by the next success.
	Err string
	// Checked is when the log was last looked at.
	Checked time.Time
}

// Behind is the number of log entries the index has not applied.
func (s FeedStatus) Behind() int64 { return max(s.Head-s.Position, 0) }

// Ready reports whether the index answers searches with the whole catalog:
// an embedded index being built from nothing does not yet.
func (s FeedStatus) Ready() bool {
	return s.Shared || (s.State != FeedStarting && s.State != FeedBuilding)
}

// Status returns the index's state and lag now.
func (f *Feed) Status() FeedStatus {
	f.smu.Lock()
	defer f.smu.Unlock()
	st := f.status
	if !f.next.IsZero() {
		st.Lag = max(time.Now().Add(f.skew).Sub(f.next), 0)
	}
	if st.State == FeedFollowing && st.Lag > f.maxLag {
		st.State = FeedLagging
	}
	return st
}

func (f *Feed) setState(state string) {
	f.smu.Lock()
	f.status.State = state
	f.smu.Unlock()
}

// note records what a look at the log found.
func (f *Feed) note(position int64, feeding bool, h store.IndexLogHead) {
	f.smu.Lock()
	defer f.smu.Unlock()
	f.status.Position, f.status.Head, f.status.Feeding = position, max(h.Head, position), feeding
	f.status.Checked = time.Now()
	f.skew = time.Until(h.Now)
	f.next = time.Time{}
	if h.Head > position {
		f.next = h.Next
	}
	if f.status.State == FeedStarting || f.status.State == FeedBuilding {
		f.status.State = FeedFollowing
	}
}

func (f *Feed) fail(err error) {
	f.smu.Lock()
	f.status.Err = err.Error()
	f.smu.Unlock()
}

func (f *Feed) succeed() {
	f.smu.Lock()
	f.status.Err = ""
	f.smu.Unlock()
}

// CatchUp brings the index up to the head of the log, rebuilding it first
// when it has no usable position, and returns the number of entries
// applied. For a shared index it does so only while this instance holds the
// feed's lease.
func (f *Feed) CatchUp(ctx context.Context) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	// Writes of an earlier round not confirmed yet (the database failed
	// then) are settled before the lease is taken again: a lease taken
	// anew proves nothing about the time before.
	if err := f.confirm(ctx); err != nil {
		f.fail(err)
		return 0, err
	}
	n, err := f.catchUp(ctx, false)
	if cerr := f.confirm(ctx); err == nil {
		err = cerr
	}
	if err != nil {
		f.fail(err)
		return n, err
	}
	f.succeed()
	return n, nil
}

// catchUp is CatchUp with f.mu held; held says that the caller keeps the
// lease of a shared index renewed already (Rebuild).
func (f *Feed) catchUp(ctx context.Context, held bool) (int, error) {
	at, ok, feeding, err := f.position(ctx)
	if err != nil {
		return 0, err
	}
	pos := at.Entry
	h, err := f.store.IndexLogHeadFrom(ctx, pos)
	if err != nil {
		return 0, err
	}
	if !feeding {
		f.matched = false
		f.note(pos, false, h)
		return 0, nil
	}
	if f.own != nil || held {
		return f.follow(ctx, at, ok, h)
	}
	// A rebuild or a long stretch of the log may take longer than the
	// lease: it is renewed meanwhile, so that no other run takes it while
	// this one writes.
	var n int
	err = f.hold(ctx, func(ctx context.Context) error {
		var err error
		n, err = f.follow(ctx, at, ok, h)
		return err
	})
	return n, err
}

// follow brings the index this run feeds from at (ok false: no position)
// to the head of the log, rebuilding it first when needed.
func (f *Feed) follow(ctx context.Context, at search.LogPosition, ok bool, h store.IndexLogHead) (int, error) {
	pos := at.Entry
	var err error
	rebuild := true
	switch {
	case !ok:
		f.log.Info("the search index has no position in the index log: building it from the database")
	case pos > h.Head:
		// Another database's index, or a database restored from an
		// older backup: the entries it has seen are not these.
		f.log.Warn("the search index is ahead of the database's index log: rebuilding it", "position", pos, "head", h.Head)
	case pos < h.PrunedThrough:
		f.log.Warn("the search index is behind what was pruned from the index log: rebuilding it", "position", pos, "pruned_through", h.PrunedThrough)
	case f.own == nil:
		rebuild, err = f.unmatched(ctx, pos, h)
		if err != nil {
			return 0, err
		}
	default:
		rebuild, err = f.foreign(ctx, at, h)
		if err != nil {
			return 0, err
		}
	}
	if rebuild {
		start := time.Now()
		n, err := f.rebuild(ctx, nil, true)
		if err != nil {
			return 0, fmt.Errorf("build search index: %w", err)
		}
		feeding := false
		if at, _, feeding, err = f.position(ctx); err != nil {
			return 0, err
		}
		pos = at.Entry
		f.log.Info("search index built", "apis", n, "position", pos, "took", time.Since(start).Round(time.Millisecond).String())
		if h, err = f.store.IndexLogHeadFrom(ctx, pos); err != nil {
			return 0, err
		}
		if !feeding {
			// Handed over (portico reindex asked for the lease) now
			// that the build's writes are done: the log is the next
			// holder's to apply.
			f.matched = false
			f.note(pos, false, h)
			return 0, nil
		}
	}
	f.matched = true
	f.note(pos, true, h)
	applied := 0
	for h.Head > pos {
		entries, err := f.store.IndexLogAfter(ctx, pos, feedBatch)
		if err != nil {
			return applied, err
		}
		if len(entries) == 0 {
			break
		}
		last := entries[len(entries)-1].ID
		if err := f.apply(ctx, entries); err != nil {
			return applied, err
		}
		pos = last
		applied += len(entries)
		f.smu.Lock()
		f.status.Position = pos // the lag is known again at the end
		f.smu.Unlock()
		if len(entries) < feedBatch {
			break
		}
	}
	if applied > 0 {
		if h, err = f.store.IndexLogHeadFrom(ctx, pos); err != nil {
			return applied, err
		}
		f.note(pos, true, h)
	}
	return applied, nil
}

// foreign reports whether the entry at an embedded index's position is
// not the one the index applied: the log has no such entry, or one
// appended at another time. The database was then restored from a backup
// (or is another one) and its log went on from an older head, past the
// index's position: the entries up to it are other changes than those the
// index applied, and the index may hold APIs the database does not. An
// index without a stamp (written before stamps were kept) is trusted, as
// an entry pruned away just at the position is.
func (f *Feed) foreign(ctx context.Context, at search.LogPosition, h store.IndexLogHead) (bool, error) {
	if f.own == nil || at.Stamp == 0 || at.Entry <= h.PrunedThrough {
		return false, nil
	}
	appended, found, err := f.store.IndexLogEntryAt(ctx, at.Entry)
	if err != nil {
		return false, err
	}
	if found && stamp(appended) == at.Stamp {
		return false, nil
	}
	f.log.Warn("the search index's position is not an entry of the database's index log (a database restored from a backup, or another database): rebuilding it",
		"position", at.Entry, "head", h.Head)
	return true, nil
}

// unmatched reports whether a shared index's own position (stamped) does
// not match the database's, pos, checked once each time this instance
// takes the feed's lease: the index is behind it, ahead of the log, or at
// an entry the log does not hold as the index saw it. The database was
// then restored from a backup (portico restore, pg_restore), or is another
// one, while the index kept what was applied since. An index that has not
// recorded a position (written before they were kept) is trusted, unless
// it is outdated. A matched index's documents of an older layout are
// rewritten (upgrade).
func (f *Feed) unmatched(ctx context.Context, pos int64, h store.IndexLogHead) (bool, error) {
	if f.stamp == nil || f.matched {
		return false, nil
	}
	o, layered := f.stamp.(outdated)
	if layered {
		why, err := o.Outdated(ctx)
		if err != nil {
			return false, err
		}
		if why != "" {
			f.log.Warn("the shared search index was written by an older version of Portico: rebuilding it", "index", why)
			return true, nil
		}
	}
	at, ok, err := f.stamp.Stamp(ctx)
	if err != nil || !ok {
		return false, err
	}
	why := ""
	switch {
	case at.Entry < pos:
		why = "behind the database's position in the index log"
	case at.Entry > h.Head:
		why = "ahead of the database's index log"
	case at.Stamp != 0 && at.Entry > h.PrunedThrough:
		appended, found, err := f.store.IndexLogEntryAt(ctx, at.Entry)
		if err != nil {
			return false, err
		}
		if !found || stamp(appended) != at.Stamp {
			why = "at an entry the database's index log does not hold"
		}
	}
	if why == "" {
		if layered {
			return false, f.upgrade(ctx, o, at)
		}
		return false, nil
	}
	f.log.Warn("the shared search index does not match the database (restored from a backup, or another database): rebuilding it",
		"index", why, "index_position", at.Entry, "database_position", pos, "head", h.Head)
	return true, nil
}

// upgrade rewrites from the database the documents of a shared index that
// an older version of Portico wrote (an older instance fed it during a
// rolling upgrade: they lack what this version reads of them), deleting
// those of APIs that no longer exist, and records the index's position at
// again, now with this version's layout. The index matches the database at
// at, so its other documents are this version's: an older instance that
// fed it a while costs the rewrite of what it wrote, not a rebuild.
func (f *Feed) upgrade(ctx context.Context, o outdated, at search.LogPosition) error {
	older, err := o.OlderDocuments(ctx)
	if err != nil || older == nil {
		return err
	}
	if len(older) > 0 {
		f.log.Warn("the shared search index holds documents an older version of Portico wrote: rewriting them", "documents", len(older))
	}
	for len(older) > 0 {
		n := min(len(older), BatchSize)
		ids := make([]int64, 0, n)
		var gone []string
		for _, id := range older[:n] {
			apiID, err := strconv.ParseInt(id, 10, 64)
			if err != nil {
				gone = append(gone, id) // not an API's document: none of this version's
				continue
			}
			ids = append(ids, apiID)
		}
		older = older[n:]
		if err := f.write(ctx, ids, gone); err != nil {
			return err
		}
	}
	return f.stamp.SetStamp(ctx, at)
}

// write writes the documents of the APIs ids to a shared index, deleting
// those of APIs that no longer exist and the documents gone.
func (f *Feed) write(ctx context.Context, ids []int64, gone []string) error {
	docs, missing, err := documents(ctx, f.store, ids)
	if err != nil {
		return err
	}
	gone = append(gone, missing...)
	if len(docs) > 0 {
		if err := f.writer.Upsert(ctx, docs...); err != nil {
			return err
		}
	}
	if len(gone) > 0 {
		if err := f.writer.Delete(ctx, gone...); err != nil {
			return err
		}
	}
	return nil
}

// documents reads the documents of the APIs ids from the database, and the
// IDs of the documents of those that no longer exist.
func documents(ctx context.Context, s *store.Store, ids []int64) (docs []search.Document, gone []string, err error) {
	if docs, err = buildDocuments(ctx, s, ids); err != nil {
		return nil, nil, err
	}
	found := make(map[string]bool, len(docs))
	for _, d := range docs {
		found[d.ID] = true
	}
	for _, id := range ids {
		if !found[DocumentID(id)] {
			gone = append(gone, DocumentID(id))
		}
	}
	return docs, gone, nil
}

// stamp is an index log entry's time as a search.LogPosition keeps it.
func stamp(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// position returns the index's position (ok false when it has none) and
// whether this instance feeds it: always for an embedded index, while it
// holds the lease for a shared one (whose position has no stamp: it is
// kept in the database, and restored with it).
func (f *Feed) position(ctx context.Context) (pos search.LogPosition, ok, feeding bool, err error) {
	if f.own != nil {
		pos, ok, err = f.own.Position()
		return pos, ok, true, err
	}
	p, leased, err := f.store.LeaseIndexFeed(ctx, f.shared, f.owner, sharedLease)
	if err != nil || p == nil {
		return pos, false, leased, err
	}
	return search.LogPosition{Entry: *p}, true, leased, nil
}

// apply writes the documents of the entries' APIs (deleting those of APIs
// that no longer exist) and records the last entry as the position.
func (f *Feed) apply(ctx context.Context, entries []store.IndexLogEntry) error {
	last := entries[len(entries)-1]
	seen := make(map[int64]bool, len(entries))
	ids := make([]int64, 0, len(entries))
	for _, e := range entries {
		if !seen[e.APIID] {
			seen[e.APIID] = true
			ids = append(ids, e.APIID)
		}
	}
	if f.own != nil {
		docs, gone, err := documents(ctx, f.store, ids)
		if err != nil {
			return err
		}
		return f.own.Apply(ctx, search.LogPosition{Entry: last.ID, Stamp: stamp(last.CreatedAt)}, docs, gone)
	}
	if err := f.write(ctx, ids, nil); err != nil {
		return err
	}
	if f.stamp != nil {
		// Before the database's: an index ahead of it by what was
		// applied last is at an entry of the log, and applies it again.
		if err := f.stamp.SetStamp(ctx, search.LogPosition{Entry: last.ID, Stamp: stamp(last.CreatedAt)}); err != nil {
			return err
		}
	}
	return f.settle(ctx, f.store.AdvanceIndexFeed(ctx, f.shared, f.owner, last.ID))
}

// Rebuild empties the index, builds it from the database (see Reindex) and
// records the position of the log it reached. It is for `portico reindex`
// and the demo, which no running instance shares the index with when it is
// embedded.
//
// A shared index may be rebuilt while instances feed it: Rebuild takes the
// feed's lease first, asking the run that holds it to hand it over (it does
// at the start of its next round) and waiting for it up to HandOff, so that
// no instance writes to the index while it is built (a document an
// instance applied could otherwise be overwritten by the rebuild's older
// copy, read before the change). Once built, it applies what the log
// gained meanwhile and gives the lease back: the index then reflects the
// database, and the instance that takes the lease goes on from there
// without building it again. The owner (FeedOptions.Owner) must then be
// the run of a registered instance (cluster.Join) that heartbeats:
// instances release the lease of a run found dead, whose rebuild did not
// end; the feed's position was cleared at its start, so the instance that
// takes the lease builds the index.
func (f *Feed) Rebuild(ctx context.Context, progress func(done, total int)) (n int, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.own != nil {
		return f.rebuild(ctx, progress, false)
	}
	if err := f.confirm(ctx); err != nil {
		return 0, err
	}
	if err := f.takeLease(ctx); err != nil {
		return 0, err
	}
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if rerr := f.store.ReleaseIndexFeed(rctx, f.shared, f.owner); rerr != nil && err == nil {
			err = rerr
		}
	}()
	err = f.hold(ctx, func(ctx context.Context) error {
		var err error
		if n, err = f.rebuild(ctx, progress, true); err != nil {
			return err
		}
		// The changes made while the index was built.
		_, err = f.catchUp(ctx, true)
		return err
	})
	// Before the lease is given back: released, it no longer proves that
	// the writes reached the index while this run held it.
	if cerr := f.confirm(ctx); err == nil {
		err = cerr
	}
	return n, err
}

// takeLease gets the lease of a shared index for Rebuild, asking the run
// that holds it to hand it over, and waiting up to f.handOff.
func (f *Feed) takeLease(ctx context.Context) error {
	deadline := time.Now().Add(f.handOff)
	asked := false
	for {
		_, ok, err := f.store.RequestIndexFeed(ctx, f.shared, f.owner, sharedLease)
		if ok || err != nil {
			return err
		}
		holder, asker, err := f.store.IndexFeedLease(ctx, f.shared)
		if err != nil {
			return f.withdraw(ctx, err)
		}
		if holder == f.owner {
			continue // handed over between the two reads: the next takes it
		}
		if !asked {
			asked = true
			f.log.Info("waiting for the instance that feeds the shared search index to hand its lease over", "holder", holder, "asked_by", asker)
		}
		if time.Now().After(deadline) {
			why := fmt.Sprintf("run %s feeds the shared search index and did not hand its lease over within %s (a portal of a Portico from before hand-overs does not: upgrade it, or stop it)", holder, f.handOff)
			if asker != f.owner && asker != "" {
				why = fmt.Sprintf("run %s asked for the lease of the shared search index first and did not end within %s (another portico reindex?)", asker, f.handOff)
			}
			return f.withdraw(ctx, fmt.Errorf("%s; nothing was changed", why))
		}
		select {
		case <-ctx.Done():
			return f.withdraw(ctx, ctx.Err())
		case <-time.After(f.poll):
		}
	}
}

// withdraw withdraws a request for the lease (or gives back a lease handed
// over meanwhile) and returns err.
func (f *Feed) withdraw(ctx context.Context, err error) error {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if rerr := f.store.ReleaseIndexFeed(rctx, f.shared, f.owner); rerr != nil {
		return errors.Join(err, rerr)
	}
	return err
}

// errLostLease ends a rebuild or catch-up of a shared index whose lease
// this run could not renew.
var errLostLease = errors.New("lost the lease of the shared search index")

// hold runs fn while renewing this run's lease of the shared index every
// renewEvery; fn's context ends when the lease is lost (another run took it
// after it expired, or it could not be renewed for most of its length).
func (f *Feed) hold(ctx context.Context, fn func(context.Context) error) error {
	hctx, cancel := context.WithCancelCause(ctx)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(renewEvery)
		defer t.Stop()
		renewed := time.Now()
		for {
			select {
			case <-hctx.Done():
				return
			case <-t.C:
			}
			err := f.store.RenewIndexFeed(hctx, f.shared, f.owner, sharedLease)
			switch {
			case err == nil:
				renewed = time.Now()
			case hctx.Err() != nil:
				return
			case errors.Is(err, store.ErrNotFound) || time.Since(renewed) > sharedLease-2*renewEvery:
				cancel(fmt.Errorf("%w: %w", errLostLease, err))
				return
			}
		}
	}()
	err := fn(hctx)
	if cause := context.Cause(hctx); err != nil && errors.Is(cause, errLostLease) {
		err = cause
	}
	cancel(nil)
	<-stopped
	return err
}

// rebuild builds the index; leased says that this instance holds the lease
// of a shared index (the server's feed) rather than being a command that
// rebuilds it beside the running instances.
func (f *Feed) rebuild(ctx context.Context, progress func(done, total int), leased bool) (int, error) {
	f.setState(FeedBuilding)
	if f.own == nil {
		// A rebuild that stops half-way must not leave the shared index
		// looking built.
		if err := f.store.ForgetIndexFeedPosition(ctx, f.shared); err != nil {
			return 0, err
		}
	}
	// The head is read first: every change up to it is committed, so the
	// build reads it; changes after it are applied from the log again.
	h, err := f.store.IndexLogHeadFrom(ctx, 0)
	if err != nil {
		return 0, err
	}
	m, _ := f.index.(marked)
	if m != nil {
		if err := m.BeginRebuild(); err != nil {
			return 0, err
		}
	}
	n, err := Reindex(ctx, f.store, f.writer, progress)
	if err != nil {
		return n, err
	}
	if f.own != nil {
		if err := f.own.Apply(ctx, search.LogPosition{Entry: h.Head, Stamp: stamp(h.HeadAt)}, nil, nil); err != nil {
			return n, err
		}
		if m != nil {
			return n, m.EndRebuild()
		}
		return n, nil
	}
	if f.stamp != nil {
		if err := f.stamp.SetStamp(ctx, search.LogPosition{Entry: h.Head, Stamp: stamp(h.HeadAt)}); err != nil {
			return n, err
		}
	}
	if !leased {
		return n, f.store.MarkIndexFeedBuilt(ctx, f.shared, "", h.Head)
	}
	return n, f.settle(ctx, f.store.MarkIndexFeedBuilt(ctx, f.shared, f.owner, h.Head))
}

// Run follows the log until ctx ends: after every wake-up and at least
// every Poll. Failures are retried with a growing wait (up to 30 s), and an
// index that lags more than MaxLag says so in the log. A wake-up during that
// wait (a change committed: the database answers again) ends it, though not
// sooner than Poll after the failed attempt, so that search follows a
// database back from an outage within a second of its first change, not
// when the wait ends; the failures are logged once per wait all the same.
func (f *Feed) Run(ctx context.Context, wake <-chan struct{}) {
	retry := time.Duration(0)
	lagging := time.Time{}
	logged := time.Time{} // when the last failure was logged
	announced := false
	for {
		_, err := f.CatchUp(ctx)
		failed := time.Now()
		wait := f.poll
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			retry = min(max(2*retry, f.poll), maxRetry)
			wait = retry
			if time.Since(logged) >= retry/2 {
				logged = time.Now()
				f.log.Error("search index does not follow the index log", "err", err, "retry_in", wait.String())
			}
		default:
			retry, logged = 0, time.Time{}
		}
		st := f.Status()
		if err == nil && !announced {
			announced = true
			f.log.Info("search index follows the index log", "position", st.Position, "head", st.Head, "behind", st.Behind(),
				"lag", st.Lag.Round(time.Millisecond).String(), "shared", st.Shared, "feeding", st.Feeding)
		}
		switch {
		case st.State == FeedLagging && time.Since(lagging) >= time.Minute:
			lagging = time.Now()
			f.log.Warn("search index lags behind the index log", "position", st.Position, "head", st.Head, "behind", st.Behind(),
				"lag", st.Lag.Round(time.Millisecond).String(), "max_lag", f.maxLag.String(), "shared", st.Shared, "feeding", st.Feeding)
		case st.State == FeedFollowing && !lagging.IsZero():
			lagging = time.Time{}
			f.log.Info("search index caught up with the index log", "position", st.Position, "head", st.Head)
		}
		select {
		case <-ctx.Done():
			return
		case <-wake:
			if retry > 0 {
				// Failing: a wake-up ends the wait, but changes arriving
				// while the index itself fails (a full disk) retry at
				// most once a Poll.
				select {
				case <-ctx.Done():
					return
				case <-time.After(time.Until(failed.Add(f.poll))):
				}
			}
		case <-time.After(wait):
		}
	}
}

// fencedIndex is a shared index as the feed writes to it: every write is
// recorded as unconfirmed (f.mu held) before it is sent, and stays so until
// the feed finds that it still held the lease after the write (see settle).
type fencedIndex struct {
	search.Index
	f *Feed
}

func (x *fencedIndex) Upsert(ctx context.Context, docs ...search.Document) error {
	for _, d := range docs {
		x.f.wrote(d.ID)
	}
	return x.Index.Upsert(ctx, docs...)
}

func (x *fencedIndex) Delete(ctx context.Context, ids ...string) error {
	for _, id := range ids {
		x.f.wrote(id)
	}
	return x.Index.Delete(ctx, ids...)
}

func (x *fencedIndex) Reset(ctx context.Context) error {
	x.f.unconfirmedAll = true
	return x.Index.Reset(ctx)
}

// wrote records a write of the document id (an API's, see DocumentID).
func (f *Feed) wrote(id string) {
	apiID, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return
	}
	if f.unconfirmed == nil {
		f.unconfirmed = map[int64]struct{}{}
	}
	f.unconfirmed[apiID] = struct{}{}
}

// confirm settles the unconfirmed writes to a shared index, if any, by
// renewing the lease: it succeeds only while this run holds it.
func (f *Feed) confirm(ctx context.Context) error {
	if len(f.unconfirmed) == 0 && !f.unconfirmedAll {
		return nil
	}
	return f.settle(ctx, f.store.RenewIndexFeed(ctx, f.shared, f.owner, sharedLease))
}

// settle takes the outcome of a statement that succeeds only while this run
// holds the lease of the shared index, run after its writes: nil confirms
// them (no other run wrote to the index since this one took the lease,
// which never comes back to a run by itself); store.ErrNotFound says that
// the lease was lost, maybe before a write reached the index: its APIs are
// appended to the index log again, and the holder rewrites them from the
// database after it. Every write had returned (its task enqueued, or given
// up on), so the holder's is enqueued after it. Any other failure leaves
// them unconfirmed, for the next round. settle returns err, or the failure
// to append.
func (f *Feed) settle(ctx context.Context, err error) error {
	if len(f.unconfirmed) == 0 && !f.unconfirmedAll {
		return err
	}
	switch {
	case err == nil:
		f.unconfirmed, f.unconfirmedAll = nil, false
		return nil
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	f.log.Warn("this instance lost the lease of the shared search index while it wrote to it: its writes may have reached the index after newer ones, and are applied again by the instance that feeds it",
		"apis", len(f.unconfirmed), "reset", f.unconfirmedAll)
	if f.unconfirmedAll {
		for after := int64(0); ; {
			ids, aerr := f.store.APIIDs(ctx, after, BatchSize)
			if aerr != nil {
				return errors.Join(err, fmt.Errorf("append the APIs written to the index log again: %w", aerr))
			}
			if len(ids) == 0 {
				break
			}
			after = ids[len(ids)-1]
			if _, aerr := f.store.AppendIndexLog(ctx, ids...); aerr != nil {
				return errors.Join(err, fmt.Errorf("append the APIs written to the index log again: %w", aerr))
			}
		}
	} else {
		ids := make([]int64, 0, len(f.unconfirmed))
		for id := range f.unconfirmed {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		if _, aerr := f.store.AppendIndexLog(ctx, ids...); aerr != nil {
			return errors.Join(err, fmt.Errorf("append the APIs written to the index log again: %w", aerr))
		}
	}
	f.unconfirmed, f.unconfirmedAll = nil, false
	return err
}
