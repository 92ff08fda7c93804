package search

import (
	"context"
	"fmt"
	"math"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// fieldTie is the share of the scores of a word's other matches that adds to its best one's (bestOf).
const fieldTie = 0.3

// bestOf matches any of qs (one word's matches: in each field, as a prefix, as a synonym, its typo corrections) and
// scores a document by its best match plus a share (fieldTie) of the others, as Lucene's dis_max: a word found in a
// name and in an operation scores a little above one found in the name alone. A plain disjunction sums the matches
// and multiplies by the share of them found, which made a word spread over every field of a document (its name, tags,
// operations) count several times over a word found in the one field that says what an API does, and a word's
// synonym count as another word of the query.
func bestOf(qs []query.Query) query.Query {
	if len(qs) == 1 {
		return qs[0]
	}
	return &bestOfQuery{qs}
}

// bestOfQuery matches any of its queries and scores a document by their best match plus a share of the others. Bleve's
// disjunction with a score breakdown gave each match's scores by query, but through a map filled and emptied for
// every match, and its searcher compares every child's document on each step: a third of the time of a query of
// several words. Bleve's custom score query would do the same but looks up every match's document id (stored fields)
// before scoring it.
type bestOfQuery struct{ qs []query.Query }

func (q *bestOfQuery) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping, options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	children, err := openSearchers(ctx, i, m, q.qs, func(int) bsearch.SearcherOptions { return options })
	if err != nil {
		return nil, err
	}
	s := &bestOfSearcher{explain: options.Explain, children: children}
	s.currs = make([]*bsearch.DocumentMatch, len(s.children))
	s.done = make([]bool, len(s.children))
	s.matching = make([]int, 0, len(s.children))
	// As Bleve's disjunction does: the norm of its own weights, until the query's root sets the norm of all.
	var w float64
	for _, c := range s.children {
		w += c.Weight()
	}
	s.SetQueryNorm(1 / math.Sqrt(w))
	return s, nil
}

// bestOfSearcher searches a bestOfQuery. Each child's current match (currs) is its next document, nil once done, or
// before the first step (started).
type bestOfSearcher struct {
	children searchers
	currs    []*bsearch.DocumentMatch
	done     []bool
	started  bool
	matching []int // the children whose current match is the document being scored
	explain  bool
}

// start moves every child to its first match.
func (s *bestOfSearcher) start(ctx *bsearch.SearchContext) error {
	s.started = true
	for k, c := range s.children {
		if s.done[k] || s.currs[k] != nil {
			continue
		}
		d, err := c.Next(ctx)
		if err != nil {
			return err
		}
		s.currs[k], s.done[k] = d, d == nil
	}
	return nil
}

func (s *bestOfSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	if !s.started {
		if err := s.start(ctx); err != nil {
			return nil, err
		}
	}
	return s.current(ctx)
}

func (s *bestOfSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	// A child not yet started is advanced directly, without reading its first match.
	for k, c := range s.children {
		if s.done[k] {
			continue
		}
		d := s.currs[k]
		if d != nil {
			if d.IndexInternalID.Compare(id) >= 0 {
				continue
			}
			ctx.DocumentMatchPool.Put(d)
		}
		d, err := c.Advance(ctx, id)
		if err != nil {
			return nil, err
		}
		s.currs[k], s.done[k] = d, d == nil
	}
	s.started = true
	return s.current(ctx)
}

// current scores the first document of the children's current matches and moves the children that match it on.
func (s *bestOfSearcher) current(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	s.matching = s.matching[:0]
	var first index.IndexInternalID
	for k, d := range s.currs {
		if d == nil {
			continue
		}
		if first != nil {
			cmp := d.IndexInternalID.Compare(first)
			if cmp > 0 {
				continue
			}
			if cmp < 0 {
				s.matching = s.matching[:0]
			}
		}
		first = d.IndexInternalID
		s.matching = append(s.matching, k)
	}
	if len(s.matching) == 0 {
		return nil, nil
	}
	// The scores are summed in the order of the queries, as the breakdown by query was.
	rv := s.currs[s.matching[0]]
	var best, sum float64
	for _, k := range s.matching {
		v := s.currs[k].Score
		sum += v
		best = max(best, v)
	}
	for _, k := range s.matching[1:] {
		d := s.currs[k]
		if len(d.FieldTermLocations) > 0 {
			rv.FieldTermLocations = bsearch.MergeFieldTermLocations(rv.FieldTermLocations, []*bsearch.DocumentMatch{d})
		}
	}
	rv.Score = best + fieldTie*(sum-best)
	if s.explain {
		var expl []*bsearch.Explanation
		for _, k := range s.matching {
			expl = append(expl, s.currs[k].Expl)
		}
		rv.Expl = &bsearch.Explanation{Value: rv.Score, Message: fmt.Sprintf("best of: %.3f + %.1f × the others' %.3f", best, fieldTie, sum-best), Children: expl}
	} else {
		rv.Expl = nil
	}
	for _, k := range s.matching {
		d := s.currs[k]
		s.currs[k] = nil
		if d != rv {
			ctx.DocumentMatchPool.Put(d)
		}
		next, err := s.children[k].Next(ctx)
		if err != nil {
			return nil, err
		}
		s.currs[k], s.done[k] = next, next == nil
	}
	return rv, nil
}

func (s *bestOfSearcher) Close() error { return s.children.Close() }

func (s *bestOfSearcher) Weight() float64 { return s.children.weight() }

func (s *bestOfSearcher) SetQueryNorm(qnorm float64) { s.children.SetQueryNorm(qnorm) }

func (s *bestOfSearcher) Count() uint64 {
	var rv uint64
	for _, c := range s.children {
		rv += c.Count()
	}
	return rv
}

// Min is that of a disjunction that any one match satisfies.
func (s *bestOfSearcher) Min() int { return 0 }

func (s *bestOfSearcher) Size() int { return s.children.Size() }

func (s *bestOfSearcher) DocumentMatchPoolSize() int { return s.children.DocumentMatchPoolSize() }

// searchers are the children of a searcher of Portico's own (bestOf, ledQuery), with what Bleve asks of a searcher
// about its children.
type searchers []bsearch.Searcher

// openSearchers returns the searchers of qs, each with the options opts gives for its position; on an error it closes
// those it opened.
func openSearchers(ctx context.Context, i index.IndexReader, m mapping.IndexMapping, qs []query.Query, opts func(k int) bsearch.SearcherOptions) (searchers, error) {
	cs := make(searchers, 0, len(qs))
	for k, q := range qs {
		c, err := q.Searcher(ctx, i, m, opts(k))
		if err != nil {
			cs.Close()
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, nil
}

// Close closes every child and returns the first error.
func (cs searchers) Close() error {
	var rv error
	for _, c := range cs {
		if err := c.Close(); err != nil && rv == nil {
			rv = err
		}
	}
	return rv
}

func (cs searchers) weight() float64 {
	var rv float64
	for _, c := range cs {
		rv += c.Weight()
	}
	return rv
}

func (cs searchers) SetQueryNorm(qnorm float64) {
	for _, c := range cs {
		c.SetQueryNorm(qnorm)
	}
}

func (cs searchers) Size() int {
	rv := 0
	for _, c := range cs {
		rv += c.Size()
	}
	return rv
}

// DocumentMatchPoolSize is the children's, and one current match of each.
func (cs searchers) DocumentMatchPoolSize() int {
	rv := len(cs)
	for _, c := range cs {
		rv += c.DocumentMatchPoolSize()
	}
	return rv
}
