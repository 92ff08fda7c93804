package search

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// ledMatch is a match of a ledSearcher, copied out of the pool.
type ledMatch struct {
	id    index.IndexInternalID
	score float64
}

// TestLedSearcherAdvance checks Advance, which Bleve's searcher interface requires and which no query Portico builds
// calls today (a ledQuery is the root of the text query): from a fresh searcher and after earlier steps, it returns
// the first match at or after the id, scored as Next scores it, and the searcher goes on from there.
func TestLedSearcherAdvance(t *testing.T) {
	idx, err := bleve.NewMemOnly(bleve.NewIndexMapping())
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	want := 0
	for i := range 60 {
		if i%3 == 0 || i%5 == 0 || i%7 == 0 {
			want++
		}
		// "alpha" in every document (a common word: advanced to, never read through), "beta" in every third,
		// "gamma" in every fifth (the lead clauses), "delta" (a guide) in every seventh, besides "beta".
		text := "alpha"
		if i%3 == 0 {
			text += " beta"
		}
		if i%5 == 0 {
			text += " gamma"
		}
		if i%7 == 0 {
			text += " delta beta"
		}
		if err := idx.Index(fmt.Sprintf("d%02d", i), map[string]any{"f": text}); err != nil {
			t.Fatal(err)
		}
	}
	term := func(w string) query.Query {
		q := query.NewTermQuery(w)
		q.SetField("f")
		return q
	}
	q := &ledQuery{clauses: []query.Query{term("alpha"), term("beta"), term("gamma")}, lead: []bool{false, true, true}, guides: []query.Query{term("delta")}}
	ix, err := idx.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := ix.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	open := func() (bsearch.Searcher, *bsearch.SearchContext) {
		s, err := q.Searcher(context.Background(), r, idx.Mapping(), bsearch.SearcherOptions{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s, &bsearch.SearchContext{DocumentMatchPool: bsearch.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0), IndexReader: r}
	}
	take := func(d *bsearch.DocumentMatch, err error) *ledMatch {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		if d == nil {
			return nil
		}
		return &ledMatch{id: slices.Clone(d.IndexInternalID), score: d.Score}
	}

	// Every match, by Next: the documents with beta, gamma or delta, each once.
	s, ctx := open()
	var all []ledMatch
	for m := take(s.Next(ctx)); m != nil; m = take(s.Next(ctx)) {
		all = append(all, *m)
	}
	if len(all) != want {
		t.Fatalf("%d matches by Next, want %d", len(all), want)
	}
	// Every document's internal id, in index order: the targets.
	var ids []index.IndexInternalID
	for i := range 60 {
		id, err := r.InternalID(fmt.Sprintf("d%02d", i))
		if err != nil || id == nil {
			t.Fatalf("internal id of d%02d: %v", i, err)
		}
		ids = append(ids, slices.Clone(id))
	}
	slices.SortFunc(ids, func(a, b index.IndexInternalID) int { return a.Compare(b) })
	firstFrom := func(id index.IndexInternalID) *ledMatch {
		for _, m := range all {
			if m.id.Compare(id) >= 0 {
				return &m
			}
		}
		return nil
	}
	same := func(what string, got, want *ledMatch) {
		t.Helper()
		switch {
		case got == nil && want == nil:
		case got == nil || want == nil:
			t.Fatalf("%s: got %v, want %v", what, got, want)
		case !got.id.Equals(want.id) || got.score != want.score:
			t.Fatalf("%s: got %x (%v), want %x (%v)", what, got.id, got.score, want.id, want.score)
		}
	}

	// From a fresh searcher, to every document.
	for k, id := range ids {
		s, ctx := open()
		got := take(s.Advance(ctx, id))
		same(fmt.Sprintf("fresh Advance to the %d. document", k), got, firstFrom(id))
		// Then Next goes on after it.
		if got != nil {
			after := take(s.Next(ctx))
			var want *ledMatch
			for i, m := range all {
				if m.id.Equals(got.id) && i+1 < len(all) {
					want = &all[i+1]
				}
			}
			same(fmt.Sprintf("Next after Advance to the %d. document", k), after, want)
		}
	}

	// On one searcher: a Next, then every fourth document past the last match in turn, then past the end.
	s, ctx = open()
	prev := take(s.Next(ctx))
	same("first Next", prev, &all[0])
	for k := 4; k < len(ids) && prev != nil; k += 4 {
		if ids[k].Compare(prev.id) <= 0 {
			continue
		}
		got := take(s.Advance(ctx, ids[k]))
		same(fmt.Sprintf("Advance to the %d. document after earlier steps", k), got, firstFrom(ids[k]))
		prev = got
	}
	past := append(slices.Clone(ids[len(ids)-1]), 0xff)
	if m := take(s.Advance(ctx, past)); m != nil {
		t.Fatalf("Advance past the last document: %x", m.id)
	}
}
