package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/shingle"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/regexp"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/portico-dev/portico/sortkey"
)

// Field names of the Bleve documents.
const (
	fName        = "name"
	fNameSort    = "name_sort" // not read: sorts read the listing's key (entry.nameSort), computed from the name
	fSlug        = "slug"
	fSummary     = "summary"
	fDescription = "description"
	fTags        = "tags" // searched
	fTag         = "tag"  // exact, for facets and filters
	fTeam        = "team"
	fTeamName    = "team_name"
	fState       = "state"  // catalog state, shown
	fStates      = "states" // states of the versions, counted and filtered
	fDefault     = "default_version"
	fVisibility  = "visibility"
	fOps         = "ops"     // one operation line per line
	fUpdated     = "updated" // unix milliseconds
	// The words people type as they read them, unstemmed: name, slug, tags and
	// operations (paths, ids, summaries). Prefixes and typos match here.
	fPrimary = "primary"
	// The English text of a document, stemmed and without stop words, one
	// field per weight: what the API is called, what it says it is about,
	// what its operations do, and the long descriptions. BM25 scores each
	// field on its own length, so a spec with hundreds of operations does not
	// win on volume.
	fEnName = "en_name" // name, slug
	fEnTags = "en_tags" // tags, summary
	fEnOps  = "en_ops"  // operation summaries, the words of paths and ids
	fEnDesc = "en_desc" // description, operation descriptions, team, versions
	// Pairs of adjacent words (stemmed, stop words left out) of the name,
	// tags, summary and operation summaries: a query's adjacent words found
	// side by side rank higher (phrase proximity).
	fPairs = "pairs"
	// The texts of the document that the sentence encoder reads (meaningTexts), stored, not indexed, whether or not
	// the index ranks by meaning: an index opened with meaning (again, or with its vectors file lost) encodes them.
	fMeaning = "meaning"
)

// wordsAnalyzer splits on everything that is not a letter or a digit (so paths split on / { } - _ .), lowercases and
// drops English stop words. It keeps whole words (no stemming) so that prefix queries work on what users type.
const wordsAnalyzer = "portico_words"

// englishAnalyzer is wordsAnalyzer with English stemming (Snowball): "messages", "messaging" and "message" are one
// word. The text fields that rank are analysed with it, and so is each query word searched in them.
const englishAnalyzer = "portico_english"

// pairsAnalyzer gives the pairs of adjacent words of englishAnalyzer ("send an SMS" gives "send sms"): stop words
// removed do not separate a pair.
const pairsAnalyzer = "portico_pairs"

// looseField reports whether a highlighted field is one of the primary words, where a term also matches as a prefix
// or with typos (termQuery); elsewhere only exact words match.
func looseField(field string) bool { return field == fName || field == fTags || field == fOps }

// highlightOrder is the order in which fields give highlight snippets.
func highlightOrder() []string { return []string{fName, fTags, fOps, fSummary, fDescription} }

// Bleve is the embedded search index, kept on disk in one directory.
type Bleve struct {
	dir string

	mu   sync.RWMutex // guards idx: Reset and reopen swap it
	idx  bleve.Index  // nil once closed, or while a reopen failed (stale)
	list *listing     // listing fields of every document, for queries without text
	docs entryTable   // the listing's entries by document of the snapshot last searched
	syn  atomic.Pointer[thesaurus]

	// gen counts the changes of the index and of the synonyms, each raised
	// once the change is complete; results are cached under it.
	gen     atomic.Uint64
	results *resultCache

	repaired string // what OpenBleve repaired, for the log

	// A write that failed (or panicked) inside the index library may leave
	// it with more in memory than on disk (scorch takes a batch in before
	// its persister writes it), or broken: stale marks it to be closed and
	// opened again from its directory before the next use (reopen). closed
	// is set by Close (b.mu held); log hears of faults and reopens.
	stale    atomic.Bool
	staleErr error // why the last reopen failed (b.mu held)
	closed   bool
	log      *slog.Logger
	panicked atomic.Bool // a panic's stack was logged once

	meaning *Meaning     // nil: the ranking is by words alone
	queue   meaningQueue // the APIs whose vectors are encoded in the background
	// stop ends what the index does in the background (encodeQueued), background waits for it.
	stop       chan struct{}
	stopOnce   sync.Once
	background sync.WaitGroup

	// beforeHighlights, when set (tests only), runs after a search and
	// before its hits' texts are read for highlights.
	beforeHighlights func()
	// commitBatch, when set (tests only), writes a batch in place of the
	// index's Batch: a fault injected there is one of the index library.
	commitBatch func(*bleve.Batch) error
}

// BleveOption is an option of OpenBleve.
type BleveOption func(*bleveOptions)

type bleveOptions struct {
	meaning  *Meaning
	log      *slog.Logger
	lockWait time.Duration
}

// ErrLocked is an index or vectors file that another process (a running server) holds longer than the wait
// allowed (WithLockWait, OpenMeaningWaiting).
var ErrLocked = errors.New("held by another process")

// lockRetry is how often a bounded wait for a lock tries again.
const lockRetry = 50 * time.Millisecond

// WithLockWait bounds how long OpenBleve waits for another process to let go of the index (ErrLocked after it);
// without it, the wait lasts as long as the other process holds the index. Only that wait is bounded, not the work
// of opening the index, which takes longer on a busy machine.
func WithLockWait(d time.Duration) BleveOption { return func(o *bleveOptions) { o.lockWait = d } }

// WithMeaning ranks by meaning too (see Meaning): the index encodes what each API says it does and each query, and
// blends their cosine into the ranking. The index closes m when it is closed.
func WithMeaning(m *Meaning) BleveOption { return func(o *bleveOptions) { o.meaning = m } }

// WithLogger sends what the index does by itself (reopening after a failed write) to log; the default is
// slog.Default().
func WithLogger(log *slog.Logger) BleveOption { return func(o *bleveOptions) { o.log = log } }

var _ Index = (*Bleve)(nil)

// OpenBleve opens the index in dir, or creates it there when dir does not exist or is empty.
//
// An index written by an older layout of this package is emptied, since its
// documents lack fields that searches read; the caller reindexes an empty index.
// So is an index whose rebuild was interrupted (see BeginRebuild), and an
// index that fails to open is moved aside and replaced by an empty one:
// Repaired says which happened.
func OpenBleve(dir string, opts ...BleveOption) (*Bleve, error) {
	var o bleveOptions
	for _, opt := range opts {
		opt(&o)
	}
	b, err := openBleve(dir, o)
	if err != nil {
		if errors.Is(err, ErrLocked) {
			return nil, err // another process has it open: not damaged, and not ours to move
		}
		if !hasEntries(dir) {
			return nil, err // nothing there to move aside: creating it failed
		}
		aside, merr := moveAside(dir)
		if merr != nil {
			return nil, fmt.Errorf("%w (moving it aside failed: %v)", err, merr)
		}
		b, err2 := openBleve(dir, o)
		if err2 != nil {
			return nil, err2
		}
		b.repaired = fmt.Sprintf("the search index did not open (%v): it was moved aside to %s and an empty index created, to be rebuilt from the database", err, aside)
		return b, nil
	}
	// The marker is read only once the index is open, so with its lock
	// held: a process that shares the directory with a running server
	// waits above and never empties the server's index.
	emptied, reason, err := b.interrupted()
	if err != nil {
		b.Close()
		return nil, err
	}
	switch {
	case !emptied:
	case strings.HasPrefix(reason, "rebuild started"):
		b.repaired = fmt.Sprintf("a rebuild of the search index was interrupted (%s was left): the partial index was emptied, to be rebuilt from the database", markerPath(dir))
	default:
		b.repaired = fmt.Sprintf("the search index was marked for a rebuild (%s: %s): it was emptied, to be rebuilt from the database", markerPath(dir), reason)
	}
	return b, nil
}

// hasEntries reports whether dir can be read and holds files.
func hasEntries(dir string) bool {
	entries, err := os.ReadDir(dir)
	return err == nil && len(entries) > 0
}

// openBleve opens or creates the index in dir; a panic of the index
// library on damaged files is returned as an error.
func openBleve(dir string, o bleveOptions) (*Bleve, error) {
	idx, l, missing, err := openIndex(dir, o.meaning, o.lockWait)
	if err != nil {
		return nil, err
	}
	log := o.log
	if log == nil {
		log = slog.Default()
	}
	b := &Bleve{dir: dir, idx: idx, list: l, results: newResultCache(resultCacheBytes, resultCacheEntries), meaning: o.meaning, stop: make(chan struct{}), log: log}
	if b.meaning != nil {
		b.queue.wake = make(chan struct{}, 1)
		b.queue.add(missing)
		b.background.Add(1)
		go b.encodeQueued()
	}
	return b, nil
}

// openIndex opens or creates the index in dir (emptied when its layout is
// older) and reads its listing, with the texts of the entries whose meaning
// m (nil: none) has not encoded; a panic of the index library on damaged
// files is returned as an error.
func openIndex(dir string, m *Meaning, lockWait time.Duration) (idx bleve.Index, l *listing, missing map[*entry][]string, err error) {
	defer func() {
		if r := recover(); r != nil {
			if idx != nil {
				closeIndex(idx)
			}
			idx, l, missing, err = nil, nil, nil, fmt.Errorf("open search index %s: %v", dir, r)
		}
	}()
	idx, err = openOrCreate(dir, lockWait)
	if err != nil {
		return nil, nil, nil, err
	}
	layout, err := idx.GetInternal([]byte(layoutKey))
	if err != nil {
		idx.Close()
		return nil, nil, nil, fmt.Errorf("open search index %s: %w", dir, err)
	}
	if string(layout) != layoutVersion {
		if idx, err = recreate(idx, dir); err != nil {
			return nil, nil, nil, err
		}
	}
	l, missing, err = loadListing(context.Background(), idx, m)
	if err != nil {
		idx.Close()
		return nil, nil, nil, fmt.Errorf("open search index %s: %w", dir, err)
	}
	return idx, l, missing, nil
}

// The layout version of the index, stored inside it. Change it whenever the
// mapping changes in a way old documents do not satisfy.
const (
	layoutKey     = "portico_layout"
	layoutVersion = "12" // 9: webhooks are indexed (8 was an earlier, reverted layout); 10: callbacks too; 11: upkeep operations weigh as descriptions; 12: the texts encoded for meaning are stored
)

// recreate closes idx, removes its directory and creates an empty index
// with the current layout there.
func recreate(idx bleve.Index, dir string) (bleve.Index, error) {
	if idx != nil {
		if err := idx.Close(); err != nil {
			return nil, fmt.Errorf("recreate search index %s: %w", dir, err)
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, fmt.Errorf("recreate search index %s: %w", dir, err)
	}
	return openOrCreate(dir, 0)
}

func openOrCreate(dir string, lockWait time.Duration) (bleve.Index, error) {
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("open search index %s: %w", dir, err)
	}
	if len(entries) > 0 {
		var config map[string]interface{}
		if lockWait > 0 {
			// The index's lock is its root.bolt's (flock): bolt waits
			// for it this long, and no longer.
			config = map[string]interface{}{"bolt_timeout": lockWait.String()}
		}
		idx, err := bleve.OpenUsing(dir, config)
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, fmt.Errorf("open search index %s: %w", dir, ErrLocked)
		}
		if err != nil {
			return nil, fmt.Errorf("open search index %s: %w", dir, err)
		}
		return idx, nil
	}
	if err := os.MkdirAll(filepath.Dir(filepath.Clean(dir)), 0o755); err != nil {
		return nil, fmt.Errorf("create search index %s: %w", dir, err)
	}
	if err := os.Remove(dir); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("create search index %s: %w", dir, err)
	}
	m, err := bleveMapping()
	if err != nil {
		return nil, err
	}
	idx, err := bleve.NewUsing(dir, m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("create search index %s: %w", dir, err)
	}
	if err := idx.SetInternal([]byte(layoutKey), []byte(layoutVersion)); err != nil {
		idx.Close()
		return nil, fmt.Errorf("create search index %s: %w", dir, err)
	}
	return idx, nil
}

func bleveMapping() (*mapping.IndexMappingImpl, error) {
	m := bleve.NewIndexMapping()
	if err := m.AddCustomTokenizer("portico_alnum", map[string]interface{}{
		"type":   regexp.Name,
		"regexp": `[\p{L}\p{N}]+`,
	}); err != nil {
		return nil, fmt.Errorf("search mapping: %w", err)
	}
	if err := m.AddCustomAnalyzer(wordsAnalyzer, map[string]interface{}{
		"type":          custom.Name,
		"tokenizer":     "portico_alnum",
		"token_filters": []string{lowercase.Name, stopName},
	}); err != nil {
		return nil, fmt.Errorf("search mapping: %w", err)
	}
	if err := m.AddCustomAnalyzer(englishAnalyzer, map[string]interface{}{
		"type":          custom.Name,
		"tokenizer":     "portico_alnum",
		"token_filters": []string{lowercase.Name, stopName, en.SnowballStemmerName},
	}); err != nil {
		return nil, fmt.Errorf("search mapping: %w", err)
	}
	if err := m.AddCustomTokenFilter("portico_pair", map[string]interface{}{
		"type": shingle.Name, "min": 2.0, "max": 2.0, "output_original": false, "separator": " ", "filler": "",
	}); err != nil {
		return nil, fmt.Errorf("search mapping: %w", err)
	}
	if err := m.AddCustomAnalyzer(pairsAnalyzer, map[string]interface{}{
		"type":      custom.Name,
		"tokenizer": "portico_alnum",
		"token_filters": []string{lowercase.Name, stopName, en.SnowballStemmerName,
			closeGapsName, "portico_pair"},
	}); err != nil {
		return nil, fmt.Errorf("search mapping: %w", err)
	}

	text := func(store, vectors bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = wordsAnalyzer
		f.Store = store
		f.IncludeTermVectors = vectors
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	exact := func(store, docValues bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = store
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = docValues
		return f
	}
	updated := bleve.NewNumericFieldMapping()
	updated.Store = true
	updated.IncludeInAll = false
	updated.DocValues = true

	// stored keeps a text for listings and highlights without indexing it:
	// searches go through the primary and secondary fields.
	stored := func() *mapping.FieldMapping {
		f := text(true, false)
		f.Index = false
		return f
	}
	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fName, stored())
	doc.AddFieldMappingsAt(fNameSort, exact(false, true))
	doc.AddFieldMappingsAt(fSlug, stored())
	doc.AddFieldMappingsAt(fSummary, stored())
	doc.AddFieldMappingsAt(fDescription, stored())
	doc.AddFieldMappingsAt(fTags, stored())
	doc.AddFieldMappingsAt(fTag, exact(false, true))
	doc.AddFieldMappingsAt(fTeam, exact(true, true))
	doc.AddFieldMappingsAt(fTeamName, stored())
	doc.AddFieldMappingsAt(fState, exact(true, true))
	doc.AddFieldMappingsAt(fStates, exact(true, false))
	doc.AddFieldMappingsAt(fDefault, stored())
	doc.AddFieldMappingsAt(fVisibility, exact(true, false))
	doc.AddFieldMappingsAt(fOps, stored())
	doc.AddFieldMappingsAt(fMeaning, stored())
	doc.AddFieldMappingsAt(fUpdated, updated)
	doc.AddFieldMappingsAt(fPrimary, text(false, false))
	for _, f := range []string{fEnName, fEnTags, fEnOps, fEnDesc} {
		en := text(false, false)
		en.Analyzer = englishAnalyzer
		doc.AddFieldMappingsAt(f, en)
	}
	pairs := text(false, false)
	pairs.Analyzer = pairsAnalyzer
	doc.AddFieldMappingsAt(fPairs, pairs)

	m.DefaultMapping = doc
	m.DefaultAnalyzer = wordsAnalyzer
	m.ScoringModel = index.BM25Scoring
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	return m, nil
}

// bleveBatchSize bounds the documents per Bleve batch.
const bleveBatchSize = 500

// Upsert adds the documents or replaces those with the same ID.
func (b *Bleve) Upsert(ctx context.Context, docs ...Document) error {
	for _, d := range docs {
		if err := validate(d); err != nil {
			return err
		}
	}
	return b.write("upsert into search index", func() error {
		for len(docs) > 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("upsert into search index: %w", err)
			}
			n := min(len(docs), bleveBatchSize)
			batch := b.idx.NewBatch()
			texts := make([][]string, n) // what the encoder reads of each, stored in the index too
			for i, d := range docs[:n] {
				bd := bleveDoc(d)
				texts[i] = bd[fMeaning].([]string)
				if err := batch.Index(d.ID, bd); err != nil {
					return fmt.Errorf("index api %s: %w", d.ID, err)
				}
			}
			entries := make([]*entry, n)
			for i, d := range docs[:n] {
				entries[i] = entryOf(d)
			}
			if b.meaning != nil {
				b.attachMeaning(entries, texts)
			}
			if err := b.list.write(func() error { return b.runBatch(batch) }, entries, nil); err != nil {
				return fmt.Errorf("upsert into search index: %w", err)
			}
			b.changed()
			docs = docs[n:]
		}
		return nil
	})
}

// write runs fn, which writes to the index, with b.mu read-locked and the
// index open: one that a failed write left stale is reopened first, and
// after fn when fn's write failed so (runBatch).
func (b *Bleve) write(what string, fn func() error) error {
	if err := b.reopenIfStale(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	err := func() error {
		b.mu.RLock()
		defer b.mu.RUnlock()
		if b.idx == nil {
			return b.unavailable(what)
		}
		return fn()
	}()
	if err != nil {
		_ = b.reopenIfStale() // logged; the caller retries the write
	}
	return err
}

func bleveDoc(d Document) map[string]interface{} {
	lines := make([]string, len(d.Operations))
	for i, op := range d.Operations {
		lines[i] = operationLine(op)
	}
	tags := compact(d.Tags)
	opSummaries := make([]string, 0, len(d.Operations))
	opDescriptions := make([]string, 0, len(d.Operations))
	// A webhook's or callback's words weigh as the description's: the API sends that event, it does not do what the
	// event says ("a payment was refunded" is not "refund a payment"). So do an upkeep operation's (/health, /usage):
	// they say nothing of what the API does (Operation.secondary).
	var served, sent []Operation
	for _, op := range d.Operations {
		if op.secondary() {
			sent = append(sent, op.named())
			if s := operationSummary(op); s != "" {
				opDescriptions = append(opDescriptions, s)
			}
		} else {
			served = append(served, op)
			if s := operationSummary(op); s != "" {
				opSummaries = append(opSummaries, s)
			}
		}
		if s := truncateRunes(oneLine(op.Description), maxOpDescription); s != "" {
			opDescriptions = append(opDescriptions, s)
		}
	}
	return map[string]interface{}{
		fName:        d.Name,
		fNameSort:    sortkey.Of(d.Name),
		fSlug:        d.Slug,
		fSummary:     d.Summary,
		fDescription: d.Description,
		fTags:        tags,
		fTag:         tags,
		fTeam:        d.Team,
		fTeamName:    d.TeamName,
		fState:       d.State,
		fStates:      documentStates(d),
		fDefault:     d.DefaultVersion,
		fVisibility:  d.Visibility,
		fOps:         strings.Join(lines, "\n"),
		fUpdated:     float64(d.UpdatedAt.UnixMilli()),
		fPrimary:     []string{d.Name, d.Slug, strings.Join(tags, " "), strings.Join(lines, "\n"), operationWords(append(served, sent...))},
		fEnName:      []string{d.Name, d.Slug},
		fEnTags:      append([]string{d.Summary}, tags...),
		fEnOps:       append(opSummaries, operationWords(served)),
		fEnDesc:      append([]string{d.Description, d.TeamName, strings.Join(d.Versions, " "), operationWords(sent)}, opDescriptions...),
		fPairs:       append(append([]string{d.Name, d.Summary}, tags...), opSummaries...),
		fMeaning:     meaningTexts(d),
	}
}

// Delete removes the documents with these IDs.
func (b *Bleve) Delete(ctx context.Context, ids ...string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("delete from search index: %w", err)
	}
	return b.write("delete from search index", func() error {
		batch := b.idx.NewBatch()
		for _, id := range ids {
			batch.Delete(id)
		}
		if err := b.list.write(func() error { return b.runBatch(batch) }, nil, ids); err != nil {
			return fmt.Errorf("delete from search index: %w", err)
		}
		b.changed()
		return nil
	})
}

// runBatch writes batch to the index (b.mu read-locked). When the index
// library fails or panics (a panic is returned as an error, its stack
// logged the first time), the index is marked stale: the caller, once it
// has released b.mu, reopens it (reopenIfStale) and the feed retries.
func (b *Bleve) runBatch(batch *bleve.Batch) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the search index library panicked: %v", r)
			if b.panicked.CompareAndSwap(false, true) {
				b.log.Error("the search index library panicked writing a batch: the index is reopened from its directory and the write retried", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			}
		}
		if err != nil {
			b.stale.Store(true)
		}
	}()
	if b.commitBatch != nil {
		return b.commitBatch(batch)
	}
	return b.idx.Batch(batch)
}

// reopenIfStale closes the index and opens it again from its directory
// when a write failed inside the index library (runBatch), or a reopen
// before failed: the listing is read again from what is on disk, so that
// searches, the listing and the position the feed reads agree with it.
// It takes b.mu: searches wait meanwhile, and never see a closed index.
// It returns an error while the index cannot be opened again.
func (b *Bleve) reopenIfStale() error {
	if !b.stale.Load() {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return errors.New("search index is closed")
	}
	if !b.stale.Load() {
		return nil // another caller reopened it meanwhile
	}
	if b.idx != nil {
		closeIndex(b.idx)
		b.idx = nil
	}
	b.docs.reset()
	b.changed()
	b.results.clear()
	idx, l, missing, err := openIndex(b.dir, b.meaning, 0)
	if err != nil {
		b.staleErr = err
		b.log.Error("the search index could not be opened again after a failed write: searches fail until it is", "dir", b.dir, "err", err)
		return fmt.Errorf("reopen the search index after a failed write: %w", err)
	}
	b.idx, b.staleErr = idx, nil
	b.list.replace(l)
	b.changed()
	b.stale.Store(false)
	if b.meaning != nil {
		b.queue.add(missing)
	}
	b.log.Warn("the search index was reopened from its directory after a failed write", "dir", b.dir, "apis", len(l.byID))
	return nil
}

// closeIndex closes idx, which a failed write may have left broken: a
// panic of the index library is ignored, as is an error.
func closeIndex(idx bleve.Index) {
	defer func() { _ = recover() }()
	_ = idx.Close()
}

// unavailable is the error of a use of the index while it is closed, or
// could not be opened again after a failed write (b.mu held).
func (b *Bleve) unavailable(what string) error {
	if b.closed || b.staleErr == nil {
		return fmt.Errorf("%s: index is closed", what)
	}
	return fmt.Errorf("%s: the search index could not be opened again after a failed write: %w", what, b.staleErr)
}

// changed marks a change of what searches find: the results cached before
// it are not served again.
func (b *Bleve) changed() { b.gen.Add(1) }

// Reset empties the index: it removes the directory and creates a new index there.
func (b *Bleve) Reset(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("reset search index: %w", err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return errors.New("reset search index: index is closed")
	}
	if b.idx != nil {
		if b.stale.Load() {
			closeIndex(b.idx) // a failed write may have broken it: it is removed anyway
		} else if err := b.idx.Close(); err != nil {
			return fmt.Errorf("reset search index: %w", err)
		}
	}
	b.idx = nil
	b.docs.reset()
	b.list.reset()
	if err := os.RemoveAll(b.dir); err != nil {
		return fmt.Errorf("reset search index: %w", err)
	}
	idx, err := openOrCreate(b.dir, 0)
	if err != nil {
		b.stale.Store(true) // the next use tries again
		b.staleErr = err
		return fmt.Errorf("reset search index: %w", err)
	}
	b.idx = idx
	b.stale.Store(false)
	b.staleErr = nil
	b.changed()
	b.results.clear()
	return nil
}

// Compact merges the index into a single segment, for the fastest searches. Call it after a full reindex; it blocks
// until the merge is done. Searches and updates keep working meanwhile.
func (b *Bleve) Compact(ctx context.Context) error {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.idx == nil {
		return b.unavailable("compact search index")
	}
	adv, err := b.idx.Advanced()
	if err != nil {
		return fmt.Errorf("compact search index: %w", err)
	}
	sc, ok := adv.(*scorch.Scorch)
	if !ok {
		return fmt.Errorf("compact search index: index type %T is not scorch", adv)
	}
	err = sc.ForceMerge(ctx, nil)
	b.changed() // deleted documents purged change the words' statistics, so the scores
	if err != nil {
		return fmt.Errorf("compact search index: %w", err)
	}
	return nil
}

// Close closes the index.
func (b *Bleve) Close() error {
	b.stopOnce.Do(func() { close(b.stop) })
	b.background.Wait()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil
	}
	b.closed = true
	var err error
	if b.idx != nil {
		err = b.idx.Close()
	}
	b.idx = nil
	b.docs.reset()
	b.changed()
	b.results.clear()
	if b.meaning != nil {
		err = errors.Join(err, b.meaning.Close())
	}
	if err != nil {
		return fmt.Errorf("close search index: %w", err)
	}
	return nil
}

// Search runs q. Any query word may match: an API matching more of the words, in better fields (name over tags and
// summary over operations over descriptions), ranks higher; words match in their English forms (stemmed, stop words
// left out), the last one also as a prefix, long ones with a typo or two; adjacent query words found side by side
// add to the score.
func (b *Bleve) Search(ctx context.Context, q Query) (Result, error) {
	q, err := normalize(q)
	if err != nil {
		return Result{}, err
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.idx == nil {
		return Result{}, b.unavailable("search")
	}
	// The generation is read before searching: a change made meanwhile
	// raises it, so what this search saw of the index before the change is
	// never served after it.
	key := resultKey(b.gen.Load(), q)
	if res, ok := b.results.get(key); ok {
		return res, nil
	}
	res, err := b.search(ctx, q)
	if err != nil {
		return Result{}, err
	}
	res.Key = key
	b.results.put(key, res)
	return res, nil
}

// search runs the normalised q (b.mu read-locked).
func (b *Bleve) search(ctx context.Context, q Query) (Result, error) {
	p, err := b.plan(q.Text)
	if err != nil {
		return Result{}, err
	}
	if len(p.terms) == 0 {
		return b.list.list(q), nil
	}
	res, err := b.run(ctx, q, p)
	if err != nil || res.words >= WeakResult {
		return res, err
	}
	if res.Hint, err = b.hint(ctx, q, p); err != nil {
		return Result{}, err
	}
	return res, nil
}

// queryPlan is the analysed text of a query.
type queryPlan struct {
	terms []string   // words as typed, lowercased, stop words left out, each once
	stems []string   // the English stem of each term
	known []bool     // whether each term is a word of the index (else it is most likely a typo)
	fixes [][]string // for a term the index does not have, the stems of the closest words it has (typo corrections)
	// closest is, for a term the index does not have, the closest word of the names, tags and operations as typed
	// (the first of closestWords), "" when there is none or the term is too short for typos.
	closest []string
	pairs   []string      // adjacent stems ("send sms")
	alts    [][]string    // synonyms of words or phrases of the query, as stems ("text messag" for "sms")
	altAt   [][]int       // the positions in terms of the words each synonym stands for
	words   [][]queryWord // the readings of the query's words, stop words included (for synonyms such as "log in")
	// Whether each term, and each synonym, is common: in so many APIs that it cannot tell them apart (see
	// commonDocs). A document that matches only common words is not a match when the query has others.
	common    []bool
	altCommon []bool
	// fieldDocs holds, for the English stems of the terms, their typo corrections and the synonyms, the number of
	// documents that have each in each text field, keyed by field and stem. A field that lacks a stem (0) gets no
	// term query for it, as it would match nothing and cost a look-up of the field's dictionary and a place in the
	// word's disjunction for every match; a field that has it weighs its match by the word's IDF over whole APIs
	// (sharedIDF). docs is the number of documents of the index.
	fieldDocs map[fieldStem]uint64
	docs      uint64
}

type fieldStem struct{ field, stem string }

// analyze returns the distinct tokens of text under the named analyzer.
func (b *Bleve) analyze(name, text string) ([]string, error) {
	a := b.idx.Mapping().AnalyzerNamed(name)
	if a == nil {
		return nil, fmt.Errorf("search: analyzer %s missing", name)
	}
	var out []string
	seen := map[string]bool{}
	for _, tok := range a.Analyze([]byte(text)) {
		t := string(tok.Term)
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out, nil
}

// plan analyses the query text as the indexed text is analysed.
func (b *Bleve) plan(text string) (queryPlan, error) {
	var p queryPlan
	if text == "" {
		return p, nil
	}
	terms, err := b.analyze(wordsAnalyzer, text)
	if err != nil || len(terms) == 0 {
		return p, err
	}
	if len(terms) > maxQueryTerms {
		terms = terms[:maxQueryTerms]
	}
	p.terms = terms
	for _, t := range terms {
		st, err := b.analyze(englishAnalyzer, t)
		if err != nil {
			return p, err
		}
		stem := t
		if len(st) > 0 {
			stem = st[0]
		}
		p.stems = append(p.stems, stem)
	}
	if p.pairs, err = b.analyze(pairsAnalyzer, strings.Join(terms, " ")); err != nil {
		return p, err
	}
	th := b.syn.Load()
	if th != nil {
		if p.words, err = b.queryWords(text, p.stems); err != nil {
			return p, err
		}
		p.alts, p.altAt = th.alternativesAt(p.stems, p.words)
	}
	if err = b.termStats(&p, th); err != nil {
		return p, err
	}
	return p, nil
}

// maxQueryTerms bounds the words of a query that are searched: a query is a few words, not a document.
const maxQueryTerms = 16

// queryWords returns the readings of text (queryWord) for the synonyms that stop words make ("log in"): its words in
// order, stop words included, read as a member's words are (memberWords, wordStem), each at its term's position in
// stems or at -1 for a stop word (or a word past the searched terms); the hyphenated words split in the first reading,
// whole in the second (only when there are some). At most 2 × maxQueryTerms words are read.
func (b *Bleve) queryWords(text string, stems []string) ([][]queryWord, error) {
	fields := memberWords(text)
	if len(fields) > 2*maxQueryTerms {
		fields = fields[:2*maxQueryTerms]
	}
	word := func(w string) (queryWord, error) {
		st, err := b.analyze(englishAnalyzer, w)
		if err != nil {
			return queryWord{}, err
		}
		qw := queryWord{stem: wordStem(w, st), at: -1}
		if len(st) == 1 {
			qw.at = slices.Index(stems, st[0])
		}
		return qw, nil
	}
	split := make([]queryWord, 0, len(fields))
	var whole []queryWord
	for _, f := range fields {
		if !strings.Contains(f, "-") {
			w, err := word(f)
			if err != nil {
				return nil, err
			}
			split = append(split, w)
			if whole != nil {
				whole = append(whole, w)
			}
			continue
		}
		if whole == nil {
			whole = slices.Clone(split)
		}
		compound := queryWord{stem: f, at: -1}
		for _, part := range strings.Split(f, "-") {
			if part == "" {
				continue
			}
			w, err := word(part)
			if err != nil {
				return nil, err
			}
			if compound.at < 0 {
				compound.at = w.at
			}
			split = append(split, w)
		}
		whole = append(whole, compound)
	}
	if whole == nil {
		return [][]queryWord{split}, nil
	}
	return [][]queryWord{split, whole}, nil
}

// Common words: a word in at least a fifth of the APIs, and in a thousand of them or more, says little about what an
// API does ("get", "list", "send" in a large catalog). Scoring every API that has one is what made queries slow at
// 10,000 APIs; such a word still ranks the APIs that match the query's other words, like Lucene's common terms query.
// Below a thousand APIs no word is common: every word matches.
const (
	commonShare   = 0.2
	minCommonDocs = 1000
)

// commonDocs is the number of documents from which a word is common in an index of n documents.
func commonDocs(n uint64) uint64 { return max(minCommonDocs, uint64(float64(n)*commonShare)) }

// termStats sets, for each term of p, whether the index has it (as typed, or its stem in a text field), and whether
// it and each synonym are common. A term the index does not have is corrected to the closest words the index has,
// and to the closest word of the synonym list th (nil for none), whose synonyms it then stands for: "geocodign" finds
// the APIs that say "address lookup" though no API says "geocoding"; or, failing that, to the closest word of one of
// the list's phrases that the query's other words complete ("continuous integraton"). A word of the list itself is
// not a typo, though no API has it.
func (b *Bleve) termStats(p *queryPlan, th *thesaurus) error {
	adv, err := b.idx.Advanced()
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	defer r.Close()
	n, err := r.DocCount()
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	threshold := commonDocs(n)
	p.fieldDocs, p.docs = map[fieldStem]uint64{}, n
	// df is the largest number of documents that have the word in one field: a lower bound of those it matches. It
	// notes the number of each field (fieldDocs).
	df := func(fields [][2]string) (uint64, error) {
		var most uint64
		for _, fv := range fields {
			tfr, err := r.TermFieldReader(context.Background(), []byte(fv[1]), fv[0], false, false, false)
			if err != nil {
				return 0, fmt.Errorf("search: %w", err)
			}
			n := tfr.Count()
			most = max(most, n)
			tfr.Close()
			p.fieldDocs[fieldStem{fv[0], fv[1]}] = n
		}
		return most, nil
	}
	stemFields := func(stem string) [][2]string {
		return [][2]string{{fEnName, stem}, {fEnTags, stem}, {fEnOps, stem}, {fEnDesc, stem}}
	}
	p.known = make([]bool, len(p.terms))
	p.common = make([]bool, len(p.terms))
	for i, t := range p.terms {
		d, err := df(append([][2]string{{fPrimary, t}}, stemFields(p.stems[i])...))
		if err != nil {
			return err
		}
		p.known[i] = d > 0
		p.common[i] = d >= threshold
	}
	p.fixes = make([][]string, len(p.terms))
	p.closest = make([]string, len(p.terms))
	for i, t := range p.terms {
		if p.known[i] || fuzziness(t) == 0 {
			continue
		}
		words, err := closestWords(r, t)
		if err != nil {
			return err
		}
		if len(words) > 0 {
			p.closest[i] = words[0]
		}
		for _, w := range words {
			st, err := b.analyze(englishAnalyzer, w)
			if err != nil {
				return err
			}
			if len(st) == 1 && !slices.Contains(p.fixes[i], st[0]) {
				p.fixes[i] = append(p.fixes[i], st[0])
				if _, err := df(stemFields(st[0])); err != nil {
					return err
				}
			}
		}
	}
	if th != nil {
		var corrected []string
		for i, t := range p.terms {
			if p.known[i] || fuzziness(t) == 0 || th.member(t) {
				continue // a word of the list is not a typo, though no API has it
			}
			w, st, ok := th.correction(t)
			if !ok {
				w, st, ok = th.phraseCorrection(t, p.stems, i)
			}
			if !ok {
				continue
			}
			if corrected == nil {
				corrected = slices.Clone(p.stems)
			}
			corrected[i] = st
			if !slices.Contains(p.fixes[i], st) {
				p.fixes[i] = append(p.fixes[i], st)
				if _, err := df(stemFields(st)); err != nil {
					return err
				}
			}
			if p.closest[i] == "" {
				p.closest[i] = w
			}
		}
		if corrected != nil {
			p.alts, p.altAt = th.alternativesAt(corrected, p.words)
		}
	}
	p.altCommon = make([]bool, len(p.alts))
	for i, alt := range p.alts {
		// A synonym of several words matches the documents that have all of them: it is common only when each is.
		p.altCommon[i] = true
		for _, st := range alt {
			d, err := df(stemFields(st))
			if err != nil {
				return err
			}
			if d < threshold {
				p.altCommon[i] = false
			}
		}
	}
	return nil
}

// Field weights of a query word's matches, measured with the relevance evaluation (go run ./search/releval). A match
// in a short field (a name) already scores higher than one in a long field (hundreds of operations), as BM25
// normalises by length; the weights add the field's importance.
const (
	boostName   = 4.0
	boostTags   = 2.0
	boostOps    = 3.0
	boostDesc   = 1.0
	boostPrefix = 1.5
	boostPair   = 2.0
	// A word that starts a word of the name: a name often joins words ("Healthcare", "LibreTranslate").
	boostNamePrefix = 1.0
	minNamePrefix   = 4
)

// run finds and scores the documents matching the plan. Every match is counted into the total and the facets, as
// the viewer may see it and the facet filters allow (the listing's entry says so), and only the best ones up to the
// requested page are kept (ranker): the page's documents are then read for highlights.
func (b *Bleve) run(ctx context.Context, q Query, p queryPlan) (Result, error) {
	// The query is encoded while Bleve searches.
	var vec chan []float32
	if b.meaning != nil {
		vec = make(chan []float32, 1)
		go func() { vec <- b.meaning.query(q.Text) }()
	}
	b.list.mu.RLock()
	r := b.list.ranker(q)
	r.all = vec != nil
	hctx := context.WithValue(ctx, bsearch.MakeDocumentMatchHandlerKey, matchHandler(&b.docs, r))
	_, err := b.idx.SearchInContext(hctx, bleve.NewSearchRequestOptions(textQuery(p), 0, 0, false))
	var res Result
	if err == nil {
		if vec != nil {
			r.byMeaning(b.meaning.similarities(<-vec))
		}
		res = r.result()
	}
	// The hits' texts are read for highlights from the index as it was
	// searched: a reader taken now, while the listing is locked, since a
	// change writes the index and the listing together under its lock.
	// A reader taken after would read an API changed meanwhile (made
	// team-only with a new text) through the old listing's verdict.
	var hr index.IndexReader
	if err == nil && len(res.Hits) > 0 {
		hr, err = b.reader()
	}
	b.list.mu.RUnlock()
	if err != nil {
		return Result{}, fmt.Errorf("search: %w", err)
	}
	if len(res.Hits) == 0 {
		return res, nil
	}
	defer hr.Close()
	if b.beforeHighlights != nil {
		b.beforeHighlights()
	}
	if err := b.fillHighlights(ctx, p, hr, res.Hits, r.nums); err != nil {
		return Result{}, err
	}
	return res, nil
}

// reader returns a reader of the index's current snapshot.
func (b *Bleve) reader() (index.IndexReader, error) {
	adv, err := b.idx.Advanced()
	if err != nil {
		return nil, err
	}
	return adv.Reader()
}

// textQuery matches and scores the documents of the plan: any of its words or their synonyms must match, and
// adjacent words found side by side add to the score. When the query has common words and others, a document must
// also match one of the others, or a synonym that is not common: Bleve scores only those documents (ledQuery), and
// only advances the clauses with a common word or synonym to them instead of reading all of their postings.
func textQuery(p queryPlan) query.Query {
	clauses := make([]query.Query, 0, len(p.terms)+len(p.alts))
	// lead says, for each clause, whether none of its forms (the word and each of its synonyms) is common; guides are
	// the forms that are not common of the other clauses: a document matches when a lead clause or a guide does.
	lead := make([]bool, 0, cap(clauses))
	var guides []query.Query
	common := false
	for i := range p.terms {
		// A word's synonyms are other forms of it, not more words: the word matches when it or one of them does.
		forms := []query.Query{termQuery(p, i, 1)}
		rare := !p.common[i]
		for j, alt := range p.alts {
			if slices.Contains(p.altAt[j], i) {
				forms = append(forms, synonymQuery(p, alt, synonymWeight))
				rare = rare && !p.altCommon[j]
			}
		}
		clauses = append(clauses, bestOf(forms))
		lead = append(lead, rare)
		if !rare {
			common = true
			if !p.common[i] {
				guides = append(guides, termQuery(p, i, 0))
			}
		}
	}
	for j, alt := range p.alts {
		if len(p.altAt[j]) == 0 {
			clauses = append(clauses, synonymQuery(p, alt, synonymWeight))
			lead = append(lead, !p.altCommon[j])
			common = common || p.altCommon[j]
		} else if !p.altCommon[j] && !slices.ContainsFunc(p.altAt[j], func(i int) bool { return lead[i] }) {
			guides = append(guides, synonymQuery(p, alt, 0))
		}
	}
	bq := bleve.NewBooleanQuery()
	if common && (len(guides) > 0 || slices.Contains(lead, true)) {
		bq.AddMust(&ledQuery{clauses: clauses, lead: lead, guides: guides})
	} else {
		// No word is common, or every one is: any clause leads.
		text := bleve.NewDisjunctionQuery(clauses...)
		text.SetMin(1)
		bq.AddMust(text)
	}
	if len(p.pairs) > 0 {
		near := make([]query.Query, len(p.pairs))
		for i, pair := range p.pairs {
			tq := bleve.NewTermQuery(pair)
			tq.SetField(fPairs)
			tq.SetBoost(boostPair)
			near[i] = tq
		}
		bq.AddShould(near...)
	}
	return bq
}

// fillHighlights reads the stored text of the page's hits and marks the terms in it. The documents are read from an
// index snapshot, keeping the highlighted fields only: a search request for them would also build a searcher, a
// collector and its pool of matches. nums are the hits' document numbers in the snapshot searched (noNum when not
// known): a hit whose number holds its document in this snapshot too is read from its segment (storedFields), without
// looking its ID up nor building a document of all its fields.
func (b *Bleve) fillHighlights(ctx context.Context, p queryPlan, r index.IndexReader, hits []Hit, nums []uint64) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("search highlights: %w", err)
	}
	hl := newHighlighter(p)
	fields := make(map[string]interface{}, len(highlightOrder()))
	// add keeps a field's value as a search request returns it: one value as a string, several (an array) in a list.
	add := func(name string, value []byte) {
		if !slices.Contains(highlightOrder(), name) {
			return
		}
		v := string(value)
		switch prev := fields[name].(type) {
		case nil:
			fields[name] = v
		case string:
			fields[name] = []interface{}{prev, v}
		case []interface{}:
			fields[name] = append(prev, v)
		}
	}
	segments := newStoredFields(r)
	for i := range hits {
		clear(fields)
		if i < len(nums) && segments.visit(nums[i], hits[i].ID, add) {
			hits[i].Highlights = hl.highlights(fields)
			continue
		}
		clear(fields)
		d, err := r.Document(hits[i].ID)
		if err != nil {
			return fmt.Errorf("search highlights: %w", err)
		}
		if d == nil {
			continue // deleted meanwhile
		}
		d.VisitFields(func(f index.Field) { add(f.Name(), f.Value()) })
		hits[i].Highlights = hl.highlights(fields)
	}
	return nil
}

// storedFields reads the stored fields of a document by its number from the segments of a scorch snapshot.
type storedFields struct {
	segments []*scorch.SegmentSnapshot
	offsets  []uint64 // the number of each segment's first document
}

// newStoredFields numbers the segments of r as scorch does (each segment's documents after those of the segments
// before it, deleted ones included); r of another kind has none.
func newStoredFields(r index.IndexReader) storedFields {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return storedFields{}
	}
	s := storedFields{segments: snap.Segments()}
	var next uint64
	for _, seg := range s.segments {
		s.offsets = append(s.offsets, next)
		next += seg.Segment().Count()
	}
	return s
}

// visit calls add with each stored field of document num and reports true when that document is the live one of id;
// else it reports false and calls add with none of them.
func (s storedFields) visit(num uint64, id string, add func(name string, value []byte)) bool {
	if num == noNum || len(s.segments) == 0 {
		return false
	}
	k, _ := slices.BinarySearch(s.offsets, num+1)
	k-- // the last segment starting at or before num
	if k < 0 {
		return false
	}
	seg, local := s.segments[k], num-s.offsets[k]
	if local >= seg.Segment().Count() || seg.Deleted() != nil && seg.Deleted().Contains(uint32(local)) {
		return false
	}
	same := false
	err := seg.VisitDocument(local, func(name string, _ byte, value []byte, _ []uint64) bool {
		if name == "_id" { // always the first field visited
			same = string(value) == id
			// Never stop at _id: zapx v17.2.5 then puts its decoding context back in its pool twice (in
			// visitStoredFields and in its caller), so that two later reads share one, a data race that
			// TestBleveSearchesWhileIndexing found under -race, with the index's merger reading stored fields.
			return true
		}
		if same {
			add(name, value)
		}
		return true
	})
	return err == nil && same
}

// prefixTerm reports whether term i is matched as a prefix too: the last
// term, as the user may still be typing it, when it has three letters or
// more, or two when it is the only term. A short last word after others is
// most often whole (the "id" of a path): expanding it costs much and finds
// little.
func prefixTerm(terms []string, i int) bool {
	if i != len(terms)-1 {
		return false
	}
	n := utf8.RuneCountInString(terms[i])
	return n >= 3 || n == 2 && len(terms) == 1
}

// termQuery matches term i of the plan: its stem in each English text field, weighted by the field and by weight;
// as a prefix when the user may still be typing it, in the words as typed (name, slug, tags, operations); and, when
// the index does not have it (most likely a typo), its corrections (closestWords) as it would match itself. The
// document scores by its best match (bestOf).
func termQuery(p queryPlan, i int, weight float64) query.Query {
	t := p.terms[i]
	qs := fieldQueries(p, p.stems[i], weight)
	if prefixTerm(p.terms, i) {
		pq := bleve.NewPrefixQuery(t)
		pq.SetField(fPrimary)
		pq.SetBoost(boostPrefix * weight)
		qs = append(qs, pq)
	}
	if utf8.RuneCountInString(p.stems[i]) >= minNamePrefix {
		nq := bleve.NewPrefixQuery(p.stems[i])
		nq.SetField(fEnName)
		nq.SetBoost(boostNamePrefix * weight)
		qs = append(qs, nq)
	}
	for _, fix := range p.fixes[i] {
		qs = append(qs, fieldQueries(p, fix, typoWeight*weight)...)
	}
	return anyOf(qs)
}

// anyOf is bestOf(qs), or a query that matches nothing when qs is empty (every field lacks the word).
func anyOf(qs []query.Query) query.Query {
	if len(qs) == 0 {
		return bleve.NewMatchNoneQuery()
	}
	return bestOf(qs)
}

// maxFixes bounds the corrections of a word the index does not have (closestWords).
const maxFixes = 3

// closestWords returns the words of the names, tags and operations (as typed) within fuzziness(t) edits of t that
// start with its letter (typos rarely hit the first one, and this keeps the automaton small): the closest first, then
// the most frequent, at most maxFixes. They are searched as the query's word would be, in every field and in their
// English forms, so that a typo of a word in an API's name ranks that API as the word itself would.
func closestWords(r index.IndexReader, t string) ([]string, error) {
	var words []word
	var err error
	if fuzziness(t) > 1 {
		words, err = closeWords(r, t, fuzziness(t))
	} else {
		words, err = fuzzyWords(r, t)
	}
	if err != nil {
		return nil, err
	}
	slices.SortFunc(words, func(a, b word) int {
		if a.dist != b.dist {
			return int(a.dist) - int(b.dist)
		}
		if a.count != b.count {
			if a.count > b.count {
				return -1
			}
			return 1
		}
		return strings.Compare(a.term, b.term)
	})
	out := make([]string, 0, maxFixes)
	for _, w := range words[:min(len(words), maxFixes)] {
		out = append(out, w.term)
	}
	return out, nil
}

// word is a word of the index near a query's word: its edit distance and the number of documents that have it.
type word struct {
	term  string
	dist  uint8
	count uint64
}

// fuzzyWords returns the words of the primary field within fuzziness(t) edits of t that start with its letter, and
// the number of documents that have each, through the index's Levenshtein automaton (a transposition is one edit).
func fuzzyWords(r index.IndexReader, t string) ([]word, error) {
	fr, ok := r.(index.IndexReaderFuzzy)
	if !ok {
		return nil, nil
	}
	first, _ := utf8.DecodeRuneInString(t)
	dict, err := fr.FieldDictFuzzy(fPrimary, t, fuzziness(t), string(first))
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer dict.Close()
	var words []word
	for {
		e, err := dict.Next()
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		if e == nil {
			break
		}
		if e.Term != t {
			words = append(words, word{term: e.Term, dist: e.EditDistance})
		}
	}
	return withCounts(r, words)
}

// withCounts sets the number of documents that have each word: the dictionaries' entries do not give it (the
// automaton's gives none, a prefix's not across segments), and the most frequent correction comes first.
func withCounts(r index.IndexReader, words []word) ([]word, error) {
	for i := range words {
		tfr, err := r.TermFieldReader(context.Background(), []byte(words[i].term), fPrimary, false, false, false)
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		words[i].count = tfr.Count()
		tfr.Close()
	}
	return words, nil
}

// closeWords returns the words of the primary field within k edits of t that start with its letter, as fuzzyWords
// does, by reading the words of that letter: the automaton of two edits is dearer to build (milliseconds for a long
// word) than a pass over the words of one letter.
func closeWords(r index.IndexReader, t string, k int) ([]word, error) {
	_, size := utf8.DecodeRuneInString(t)
	dict, err := r.FieldDictPrefix(fPrimary, []byte(t[:size]))
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer dict.Close()
	target := []rune(t)
	var buf editBuffers
	var words []word
	for {
		e, err := dict.Next()
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		if e == nil {
			break
		}
		if e.Term == t {
			continue
		}
		if n := utf8.RuneCountInString(e.Term); n > len(target)+k || n < len(target)-k {
			continue
		}
		if d := buf.distance([]rune(e.Term), target, k); d <= k {
			words = append(words, word{term: e.Term, dist: uint8(d)})
		}
	}
	return withCounts(r, words)
}

// editBuffers are the rows of an edit distance computation, kept from one word to the next.
type editBuffers struct{ prev2, prev, cur []int }

// distance is the edit distance of a and b, counting a transposition of adjacent letters as one edit (optimal string
// alignment, as the index's automaton counts), or k+1 once it is sure to exceed k.
func (e *editBuffers) distance(a, b []rune, k int) int {
	n := len(b) + 1
	grow := func(s []int) []int {
		if cap(s) < n {
			return make([]int, n)
		}
		return s[:n]
	}
	e.prev2, e.prev, e.cur = grow(e.prev2), grow(e.prev), grow(e.cur)
	for j := range e.prev {
		e.prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		e.cur[0] = i
		rowMin := i
		for j := 1; j < n; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d := min(e.prev[j]+1, e.cur[j-1]+1, e.prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d = min(d, e.prev2[j-2]+1)
			}
			e.cur[j] = d
			rowMin = min(rowMin, d)
		}
		if rowMin > k {
			return k + 1
		}
		e.prev2, e.prev, e.cur = e.prev, e.cur, e.prev2
	}
	return min(e.prev[len(b)], k+1)
}

// fieldQueries match a stem in each English text field that has it (p.fieldDocs), weighted by the field, by weight
// and by the stem's IDF over whole APIs (sharedIDF).
func fieldQueries(p queryPlan, stem string, weight float64) []query.Query {
	fields := [...]struct {
		field string
		boost float64
	}{{fEnName, boostName}, {fEnTags, boostTags}, {fEnOps, boostOps}, {fEnDesc, boostDesc}}
	var most uint64 // the most documents that have the stem in one field
	for _, f := range fields {
		most = max(most, p.fieldDocs[fieldStem{f.field, stem}])
	}
	var qs []query.Query
	for _, f := range fields {
		n, counted := p.fieldDocs[fieldStem{f.field, stem}]
		if counted && n == 0 {
			continue
		}
		tq := bleve.NewTermQuery(stem)
		tq.SetField(f.field)
		boost := f.boost * weight * sharedIDF(p.docs, n, most)
		tq.SetBoost(boost)
		if f.field == fEnOps && n > 0 {
			// Bleve's score of the match is boost × IDF² × its term frequency part (× the query's norm).
			idf := bm25IDF(p.docs, n)
			qs = append(qs, &flooredQuery{q: tq, floor: opsFloor * boost * idf * idf})
			continue
		}
		qs = append(qs, tq)
	}
	return qs
}

// sharedIDF turns the IDF Bleve weighs a field's match by (of the n documents that have the word in that field) into
// the word's IDF over whole APIs (of the most documents that have it in one field, BM25F's): a word that is common in
// descriptions and operations but rare in names ("app", "services", "cards") says as little in a name as anywhere,
// and a name ("Enterprise Apps Reseller", "CRM cards") no longer outranks the APIs that match the query's other
// words. Bleve counts the IDF twice (in the query's weight and in the document's score), so the ratio is squared.
// 1 when the counts are not known.
func sharedIDF(docs, n, most uint64) float64 {
	if n == 0 || most <= n {
		return 1
	}
	r := bm25IDF(docs, most) / bm25IDF(docs, n)
	return r * r
}

// bm25IDF is Bleve's BM25 IDF of a word that df of the docs documents have.
func bm25IDF(docs, df uint64) float64 {
	return math.Log(1 + (float64(docs)-float64(df)+0.5)/(float64(df)+0.5))
}

// opsFloor is the least term frequency part of a word's match in the operations, as BM25+'s δ (flooredQuery): Bleve
// divides a field's length by an estimate of its mean that is far below the real one, so a word among a large
// specification's hundreds of operations (Stripe's "charge" and "card") scored a tenth of the same word in a small
// API's name, almost as little as a word the operations lack. BM25's part is at most k1 (1.2), 0.55 for a word found
// once in an operations field of the mean length.
const opsFloor = 0.05

// typoWeight is the weight of a typo's corrections (closestWords) relative to the query's word.
const typoWeight = 0.8

// synonymWeight is the weight of a synonym's match relative to the query's own word.
const synonymWeight = 0.8

// synonymQuery matches a synonym (its stems): every word of it, each in any English text field, weighted by weight.
func synonymQuery(p queryPlan, stems []string, weight float64) query.Query {
	if len(stems) == 1 {
		return anyOf(fieldQueries(p, stems[0], weight))
	}
	words := make([]query.Query, len(stems))
	for i, st := range stems {
		words[i] = anyOf(fieldQueries(p, st, weight))
	}
	return bleve.NewConjunctionQuery(words...)
}

// filterQuery is the non-scoring part of the query: what the viewer may see. The facet filters are applied by the
// listing (rank), which counts each facet as if its own filter were off.
func filterQuery(q Query) query.Query {
	if q.Viewer.All {
		return bleve.NewMatchAllQuery()
	}
	vis := bleve.NewTermQuery(VisibilityPublic)
	vis.SetField(fVisibility)
	return bleve.NewDisjunctionQuery(append([]query.Query{vis}, exactAny(fTeam, q.Viewer.Teams)...)...)
}

func exactAny(field string, values []string) []query.Query {
	qs := make([]query.Query, len(values))
	for i, v := range values {
		tq := bleve.NewTermQuery(v)
		tq.SetField(field)
		qs[i] = tq
	}
	return qs
}

func fieldString(v interface{}) string {
	switch v := v.(type) {
	case string:
		return v
	case []interface{}:
		if len(v) > 0 {
			s, _ := v[0].(string)
			return s
		}
	}
	return ""
}

func fieldStrings(v interface{}) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []interface{}:
		out := make([]string, 0, len(v))
		for _, e := range v {
			s, _ := e.(string)
			out = append(out, s)
		}
		return out
	}
	return nil
}

// fieldHighlight renders the best snippet of one field from the matched spans of each of its values: for an array
// (tags) every matching element, for the operations the line with most matches.
func fieldHighlight(field string, values []string, byValue map[int][]span) string {
	if len(byValue) == 0 || len(values) == 0 {
		return ""
	}
	if field == fTags {
		var tags []string
		for i := range values {
			if s := snippet(values[i], byValue[i], snippetWidth); s != "" {
				tags = append(tags, s)
			}
		}
		return strings.Join(tags, ", ")
	}
	text, spans := values[0], byValue[0]
	if field == fOps {
		text, spans = bestLine(text, spans)
	}
	return snippet(text, spans, snippetWidth)
}

// bestLine picks the line of text with the most distinct matches (the first of those) and returns it with its spans.
func bestLine(text string, spans []span) (string, []span) {
	spans = slices.Clone(spans)
	slices.SortStableFunc(spans, func(a, b span) int { return a.start - b.start })
	type line struct {
		start, end int
		spans      []span
		words      []string
	}
	var best, cur line
	cur.start = -1
	done := func() {
		if cur.start >= 0 && len(cur.words) > len(best.words) {
			best = cur
		}
	}
	for _, s := range spans {
		if s.start < 0 || s.end > len(text) || s.start >= s.end {
			continue
		}
		start := strings.LastIndexByte(text[:s.start], '\n') + 1
		if start != cur.start {
			done()
			end := strings.IndexByte(text[start:], '\n')
			if end < 0 {
				end = len(text)
			} else {
				end += start
			}
			cur = line{start: start, end: end}
		}
		if s.end > cur.end {
			continue
		}
		cur.spans = append(cur.spans, span{s.start - start, s.end - start})
		if w := strings.ToLower(text[s.start:s.end]); !slices.Contains(cur.words, w) {
			cur.words = append(cur.words, w)
		}
	}
	done()
	if len(best.words) == 0 {
		return "", nil
	}
	return text[best.start:best.end], best.spans
}
