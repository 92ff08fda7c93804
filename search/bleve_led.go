package search

import (
	"context"
	"fmt"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// ledQuery is the disjunction of a query's clauses (one per word, and one per synonym of no word) scored as Bleve
// scores a disjunction (the sum of the clauses matched times the share of them matched), that matches only the
// documents a lead clause matches: the clauses of the words that are not common. The other clauses are only advanced
// to those documents, to score them, and never read through; before, a disjunction of the words' clauses was
// conjoined with a second disjunction of the lead words' clauses (candidates), which read their postings twice.
type ledQuery struct {
	clauses []query.Query
	lead    []bool
}

func (q *ledQuery) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping, options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	s := &ledSearcher{lead: q.lead, explain: options.Explain}
	for _, c := range q.clauses {
		cs, err := c.Searcher(ctx, i, m, options)
		if err != nil {
			s.Close()
			return nil, err
		}
		s.children = append(s.children, cs)
	}
	s.currs = make([]*bsearch.DocumentMatch, len(s.children))
	s.done = make([]bool, len(s.children))
	return s, nil
}

// ledSearcher searches a ledQuery. A lead child's current match (currs) is its next document; another child's is
// the document it was last advanced to, or nil when it is to be advanced to the next one.
type ledSearcher struct {
	children []bsearch.Searcher
	lead     []bool
	currs    []*bsearch.DocumentMatch
	done     []bool // children with no more matches
	started  bool
	target   index.IndexInternalID
	matching []int
	explain  bool
}

func (s *ledSearcher) start(ctx *bsearch.SearchContext) error {
	s.started = true
	for k, c := range s.children {
		if !s.lead[k] {
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

func (s *ledSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	if !s.started {
		if err := s.start(ctx); err != nil {
			return nil, err
		}
	}
	// The next document is the first of the lead children's.
	var first *bsearch.DocumentMatch
	for k, d := range s.currs {
		if s.lead[k] && d != nil && (first == nil || d.IndexInternalID.Compare(first.IndexInternalID) < 0) {
			first = d
		}
	}
	if first == nil {
		return nil, nil
	}
	s.target = append(s.target[:0], first.IndexInternalID...)
	for k, c := range s.children {
		if s.lead[k] || s.done[k] {
			continue
		}
		if d := s.currs[k]; d == nil || d.IndexInternalID.Compare(s.target) < 0 {
			if d != nil {
				ctx.DocumentMatchPool.Put(d)
			}
			d, err := c.Advance(ctx, s.target)
			if err != nil {
				return nil, err
			}
			s.currs[k], s.done[k] = d, d == nil
		}
	}
	s.matching = s.matching[:0]
	var sum float64
	for k, d := range s.currs {
		if d != nil && d.IndexInternalID.Equals(s.target) {
			s.matching = append(s.matching, k)
			sum += d.Score
		}
	}
	rv := s.currs[s.matching[0]]
	others := make([]*bsearch.DocumentMatch, 0, len(s.matching)-1)
	var expl []*bsearch.Explanation
	for _, k := range s.matching {
		if s.explain {
			expl = append(expl, s.currs[k].Expl)
		}
		if s.currs[k] != rv {
			others = append(others, s.currs[k])
		}
	}
	coord := float64(len(s.matching)) / float64(len(s.children))
	rv.Score = sum * coord
	rv.FieldTermLocations = bsearch.MergeFieldTermLocations(rv.FieldTermLocations, others)
	rv.Expl = nil
	if s.explain {
		rv.Expl = &bsearch.Explanation{Value: rv.Score, Message: fmt.Sprintf("sum of the clauses matched × coord(%d/%d)", len(s.matching), len(s.children)), Children: expl}
	}
	// The matched children move on: the lead ones to their next document, the others when one is needed.
	for _, k := range s.matching {
		d := s.currs[k]
		s.currs[k] = nil
		if d != rv {
			ctx.DocumentMatchPool.Put(d)
		}
		if !s.lead[k] {
			continue
		}
		next, err := s.children[k].Next(ctx)
		if err != nil {
			return nil, err
		}
		s.currs[k], s.done[k] = next, next == nil
	}
	return rv, nil
}

func (s *ledSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	if !s.started {
		if err := s.start(ctx); err != nil {
			return nil, err
		}
	}
	for k, c := range s.children {
		if !s.lead[k] || s.done[k] {
			continue
		}
		d := s.currs[k]
		if d != nil && d.IndexInternalID.Compare(id) >= 0 {
			continue
		}
		if d != nil {
			ctx.DocumentMatchPool.Put(d)
		}
		d, err := c.Advance(ctx, id)
		if err != nil {
			return nil, err
		}
		s.currs[k], s.done[k] = d, d == nil
	}
	return s.Next(ctx)
}

func (s *ledSearcher) Close() error {
	var rv error
	for _, c := range s.children {
		if err := c.Close(); err != nil && rv == nil {
			rv = err
		}
	}
	return rv
}

func (s *ledSearcher) Weight() float64 {
	var rv float64
	for _, c := range s.children {
		rv += c.Weight()
	}
	return rv
}

func (s *ledSearcher) SetQueryNorm(qnorm float64) {
	for _, c := range s.children {
		c.SetQueryNorm(qnorm)
	}
}

func (s *ledSearcher) Count() uint64 {
	var rv uint64
	for k, c := range s.children {
		if s.lead[k] {
			rv += c.Count()
		}
	}
	return rv
}

func (s *ledSearcher) Min() int { return 1 }

func (s *ledSearcher) Size() int {
	rv := 0
	for _, c := range s.children {
		rv += c.Size()
	}
	return rv
}

func (s *ledSearcher) DocumentMatchPoolSize() int {
	rv := len(s.children)
	for _, c := range s.children {
		rv += c.DocumentMatchPoolSize()
	}
	return rv
}
