package search

import (
	"container/heap"
	"encoding/binary"
	"fmt"
	"sync"

	"github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"
)

// A text query of a few common words matches most of a catalog: every match is scored by Bleve, counted into the
// facets and the total, and only the best page of them is kept. Bleve's own collector would keep every match in a heap,
// look up each one's ID in the stored fields and sort them all; the handler below receives each match as it is scored
// instead, finds its listing entry through a table of the index snapshot's documents, and keeps the page in a
// bounded heap.

// docEntries maps the internal document numbers of one index snapshot (a Bleve reader, unchanged until the index
// changes) to the listing's entries of one generation, so that a match costs an array look-up rather than a read of
// its stored fields and a map look-up of its ID.
type docEntries struct {
	reader index.IndexReader
	gen    uint64 // of the listing
	// byNum holds the documents by number: Bleve's scorch index numbers its documents from zero, as eight bytes
	// big-endian. Any other internal ID is in other.
	byNum []doc
	other map[string]*doc
	ids   []int   // the facet ids of the documents' tags and states, in one array
	rows  []int32 // the rows of the documents' meaning texts (entry.meaning), in one array
}

// doc is what counting a match reads of its listing entry, copied into one array in document order: Bleve finds the
// matches in that order, so that counting reads memory in sequence rather than chasing each entry.
type doc struct {
	e            *entry // nil: no document of the listing has this number
	team         int
	public       bool
	tags, states [2]int32 // from, to in docEntries.ids
	meaning      [2]int32 // from, to in docEntries.rows
}

// maxDocNum bounds the table by document number (a deleted document keeps its number until a merge).
const maxDocNum = 1 << 24

// doc returns the document of an internal ID, nil when the table does not have it.
func (d *docEntries) doc(iid index.IndexInternalID) *doc {
	if len(iid) == 8 {
		if n := binary.BigEndian.Uint64(iid); n < uint64(len(d.byNum)) && d.byNum[n].e != nil {
			return &d.byNum[n]
		}
	}
	return d.other[string(iid)]
}

// add copies what counting reads of e into a doc.
func (d *docEntries) add(e *entry) doc {
	x := doc{e: e, team: e.teamID, public: e.visibility == VisibilityPublic}
	x.tags[0] = int32(len(d.ids))
	d.ids = append(d.ids, e.tagIDs...)
	x.tags[1] = int32(len(d.ids))
	x.states[0] = x.tags[1]
	d.ids = append(d.ids, e.stateIDs...)
	x.states[1] = int32(len(d.ids))
	x.meaning[0] = int32(len(d.rows))
	d.rows = append(d.rows, e.meaning...)
	x.meaning[1] = int32(len(d.rows))
	return x
}

// meaning returns the rows of x's meaning texts (none when it has no vectors yet).
func (d *docEntries) meaning(x *doc) []int32 { return d.rows[x.meaning[0]:x.meaning[1]] }

// entryTable caches the docEntries of the latest snapshot a search read.
type entryTable struct {
	mu  sync.Mutex
	cur *docEntries
}

// of returns the entries of the snapshot r for the listing l (read-locked by the caller), building them when r or l
// changed since the last search (an entry given its meaning's rows in the background changes l): one pass over the
// snapshot's documents, once per change of the index.
func (t *entryTable) of(r index.IndexReader, l *listing) (*docEntries, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.cur != nil && t.cur.reader == r && t.cur.gen == l.gen {
		return t.cur, nil
	}
	all, err := r.DocIDReaderAll()
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer all.Close()
	d := &docEntries{reader: r, gen: l.gen, byNum: make([]doc, 0, len(l.byID)), other: map[string]*doc{}}
	for {
		iid, err := all.Next()
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		if iid == nil {
			break
		}
		id, err := r.ExternalID(iid)
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		e := l.byID[id]
		if e == nil {
			continue // indexed meanwhile; the listing has it by the next search
		}
		if len(iid) == 8 && binary.BigEndian.Uint64(iid) < maxDocNum {
			n := binary.BigEndian.Uint64(iid)
			for uint64(len(d.byNum)) <= n {
				d.byNum = append(d.byNum, doc{})
			}
			d.byNum[n] = d.add(e)
		} else {
			x := d.add(e)
			d.other[string(iid)] = &x
		}
	}
	t.cur = d
	return d, nil
}

// reset forgets the cached snapshot (the index is being replaced or closed).
func (t *entryTable) reset() {
	t.mu.Lock()
	t.cur = nil
	t.mu.Unlock()
}

// match is a listing entry a text query matched, with its relevance and its document number in the snapshot searched
// (noNum when its internal ID is not one).
type match struct {
	e       *entry
	score   float64
	num     uint64
	related bool // no word matched: its meaning did (Hit.Related)
}

// noNum is the document number of a match whose internal ID is not a scorch document number.
const noNum = ^uint64(0)

// ranker counts the matches of a text query into the total and the facets and keeps the best of them for the
// requested page, in the query's order. The listing is read-locked while it is used.
type ranker struct {
	q     Query
	l     *listing
	own   []bool // the viewer's teams, by facet id
	c     *counter
	keep  int       // matches kept: everything up to the end of the requested page
	worst matchHeap // the kept matches, the worst on top
	total int
	words int      // the matches of the words, total less those of meaning alone
	nums  []uint64 // the document numbers of the page's hits (result)

	// With meaning (byMeaning): every match of the words, before it is blended and kept, which documents they are,
	// and the table of the snapshot searched.
	all          bool
	ms           []match
	matched      []bool // by document number
	matchedOther map[*entry]bool
	d            *docEntries
}

func (l *listing) ranker(q Query) *ranker {
	own := l.teams.set(q.Viewer.Teams)
	if own == nil {
		own = make([]bool, len(l.teams.values))
	}
	r := &ranker{q: q, l: l, own: own, c: l.counter(q), keep: q.Page * q.PerPage}
	r.worst.before = func(a, b match) bool { return before(q.Sort, a, b) }
	return r
}

// add counts a match of the document x of d, unless the viewer may not see it or the facet filters leave it out.
func (r *ranker) add(d *docEntries, x *doc, score float64, num uint64) {
	if r.all {
		if num < uint64(len(d.byNum)) {
			if r.matched == nil {
				r.matched = make([]bool, len(d.byNum))
			}
			r.matched[num] = true
		} else {
			if r.matchedOther == nil {
				r.matchedOther = map[*entry]bool{}
			}
			r.matchedOther[x.e] = true
		}
	}
	// Visibility first, as in filterQuery: nothing hidden is counted.
	if !r.q.Viewer.All && !x.public && !r.own[x.team] {
		return
	}
	if !r.c.addIDs(x.team, d.ids[x.tags[0]:x.tags[1]], d.ids[x.states[0]:x.states[1]]) {
		return
	}
	r.total++
	r.words++
	m := match{e: x.e, score: score, num: num}
	if r.all {
		r.ms = append(r.ms, m)
		return
	}
	r.push(m)
}

// push keeps m if it is among the best r.keep so far.
func (r *ranker) push(m match) {
	if len(r.worst.ms) < r.keep {
		heap.Push(&r.worst, m)
	} else if r.keep > 0 && before(r.q.Sort, m, r.worst.ms[0]) {
		r.worst.ms[0] = m
		heap.Fix(&r.worst, 0)
	}
}

// result is the requested page of the matches, the facets and the total.
func (r *ranker) result() Result {
	// Popping the worst first fills the kept matches from the back: best first.
	ms := make([]match, len(r.worst.ms))
	for i := len(ms) - 1; i >= 0; i-- {
		ms[i] = heap.Pop(&r.worst).(match)
	}
	res := Result{Total: r.total, Hits: []Hit{}, words: r.words}
	from := min((r.q.Page-1)*r.q.PerPage, len(ms))
	r.nums = r.nums[:0]
	for _, m := range ms[from:] {
		h := m.e.hit()
		h.Related = m.related
		res.Hits = append(res.Hits, h)
		res.scores = append(res.scores, m.score)
		r.nums = append(r.nums, m.num)
	}
	res.Facets = r.l.facets(r.c, r.q.FacetLimit)
	r.l.names(&res)
	return res
}

// before reports whether a comes before b in the order of a query: by relevance (or newest first), then by name and
// ID, so that the order is total and a page is the same whichever way it is computed.
func before(sort string, a, b match) bool {
	switch sort {
	case SortUpdated:
		if a.e.updated != b.e.updated {
			return a.e.updated > b.e.updated
		}
	case SortRelevance:
		if a.score != b.score {
			return a.score > b.score
		}
	}
	if a.e.nameSort != b.e.nameSort {
		return a.e.nameSort < b.e.nameSort
	}
	return a.e.id < b.e.id
}

// matchHeap is a heap of matches with the last in the order on top.
type matchHeap struct {
	ms     []match
	before func(a, b match) bool
}

func (h *matchHeap) Len() int           { return len(h.ms) }
func (h *matchHeap) Less(i, j int) bool { return h.before(h.ms[j], h.ms[i]) }
func (h *matchHeap) Swap(i, j int)      { h.ms[i], h.ms[j] = h.ms[j], h.ms[i] }
func (h *matchHeap) Push(x any)         { h.ms = append(h.ms, x.(match)) }
func (h *matchHeap) Pop() any {
	m := h.ms[len(h.ms)-1]
	h.ms = h.ms[:len(h.ms)-1]
	return m
}

// matchHandler hands each document Bleve matches to r, through the entries of the snapshot searched.
func matchHandler(t *entryTable, r *ranker) search.MakeDocumentMatchHandler {
	return func(sctx *search.SearchContext) (search.DocumentMatchHandler, bool, error) {
		entries, err := t.of(sctx.IndexReader, r.l)
		if err != nil {
			return nil, false, err
		}
		r.d = entries
		return func(dm *search.DocumentMatch) error {
			if dm == nil {
				return nil
			}
			if x := entries.doc(dm.IndexInternalID); x != nil {
				num := noNum
				if len(dm.IndexInternalID) == 8 {
					num = binary.BigEndian.Uint64(dm.IndexInternalID)
				}
				r.add(entries, x, dm.Score, num)
			} // else indexed meanwhile: the next search sees it
			sctx.DocumentMatchPool.Put(dm)
			return nil
		}, false, nil
	}
}

// byMeaning blends the words' score of every match with its meaning score (Meaning), adds the documents no word
// matched whose meaning score reaches meaningFloor (counted into the total and the facets as the viewer may see them
// and the filters allow), and keeps the best for the page. sims are the query's cosines with every row.
func (r *ranker) byMeaning(sims []float32) {
	best := 0.0
	for _, m := range r.ms {
		best = max(best, m.score)
	}
	for _, m := range r.ms {
		words := 0.0
		if best > 0 {
			words = m.score / best
		}
		rows := m.e.meaning
		if r.d != nil && m.num < uint64(len(r.d.byNum)) {
			rows = r.d.meaning(&r.d.byNum[m.num])
		}
		m.score = words + meaningWeight*meaningScore(rows, sims)
		r.push(m)
	}
	if r.d == nil {
		// No word is in the index: Bleve searched nothing, so every entry is a document no word matched.
		for _, e := range r.l.byName {
			if e.meaning == nil || (!r.q.Viewer.All && e.visibility != VisibilityPublic && !r.own[e.teamID]) {
				continue
			}
			if s := meaningScore(e.meaning, sims); s >= meaningFloor && r.c.add(e) {
				r.total++
				r.push(match{e: e, score: meaningWeight * s, num: noNum, related: true})
			}
		}
		return
	}
	related := func(x *doc, num uint64) {
		if x.e == nil || x.meaning[0] == x.meaning[1] || (!r.q.Viewer.All && !x.public && !r.own[x.team]) {
			return
		}
		s := meaningScore(r.d.meaning(x), sims)
		if s < meaningFloor || !r.c.addIDs(x.team, r.d.ids[x.tags[0]:x.tags[1]], r.d.ids[x.states[0]:x.states[1]]) {
			return
		}
		r.total++
		r.push(match{e: x.e, score: meaningWeight * s, num: num, related: true})
	}
	for n := range r.d.byNum {
		if n < len(r.matched) && r.matched[n] {
			continue
		}
		related(&r.d.byNum[n], uint64(n))
	}
	for _, x := range r.d.other {
		if !r.matchedOther[x.e] {
			related(x, noNum)
		}
	}
}
