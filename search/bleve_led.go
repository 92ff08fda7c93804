package search

import (
	"context"
	"fmt"
	"slices"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// ledQuery is the disjunction of a query's clauses (one per word, and one per synonym of no word) scored as Bleve
// scores a disjunction (the sum of the clauses matched times the share of them matched), that matches only the
// documents a lead clause or a guide matches: the clauses none of whose forms (the word, its synonyms) is common, and
// the forms that are not common of the other clauses. The other clauses are only advanced to those documents, to score
// them, and never read through; the guides are read without scores. Before, a disjunction of the words' clauses was
// conjoined with a second disjunction of the forms that are not common (candidates): each match also scored the
// disjunction's next document, which a common word's clause made the next document of the index.
type ledQuery struct {
	clauses []query.Query
	lead    []bool
	guides  []query.Query
}

func (q *ledQuery) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping, options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	unscored := options
	unscored.Score = "none"
	children, err := openSearchers(ctx, i, m, append(slices.Clone(q.clauses), q.guides...), func(k int) bsearch.SearcherOptions {
		if k >= len(q.clauses) {
			return unscored // a guide
		}
		return options
	})
	if err != nil {
		return nil, err
	}
	s := &ledSearcher{children: children, lead: slices.Clone(q.lead), scored: len(q.clauses), explain: options.Explain}
	for range q.guides {
		s.lead = append(s.lead, true)
	}
	s.currs = make([]*bsearch.DocumentMatch, len(s.children))
	s.done = make([]bool, len(s.children))
	return s, nil
}

// ledSearcher searches a ledQuery. Its children are the clauses, then the guides (scored of them: the clauses). A lead
// child's current match (currs) is its next document; another child's is the document it was last advanced to, or nil
// when it is to be advanced to the next one.
type ledSearcher struct {
	children searchers
	lead     []bool
	scored   int
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
	for {
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
		for k, c := range s.children[:s.scored] {
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
		var rv *bsearch.DocumentMatch
		for k, d := range s.currs {
			if d != nil && d.IndexInternalID.Equals(s.target) {
				s.matching = append(s.matching, k)
				if k < s.scored {
					sum += d.Score
					if rv == nil {
						rv = d
					}
				}
			}
		}
		var expl []*bsearch.Explanation
		var others []*bsearch.DocumentMatch
		n := 0
		for _, k := range s.matching {
			if k >= s.scored {
				continue
			}
			n++
			if s.explain {
				expl = append(expl, s.currs[k].Expl)
			}
			if s.currs[k] != rv && len(s.currs[k].FieldTermLocations) > 0 {
				others = append(others, s.currs[k])
			}
		}
		if rv != nil {
			rv.Score = sum * float64(n) / float64(s.scored)
			if len(others) > 0 {
				rv.FieldTermLocations = bsearch.MergeFieldTermLocations(rv.FieldTermLocations, others)
			}
			rv.Expl = nil
			if s.explain {
				rv.Expl = &bsearch.Explanation{Value: rv.Score, Message: fmt.Sprintf("sum of the clauses matched × coord(%d/%d)", n, s.scored), Children: expl}
			}
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
		if rv != nil {
			return rv, nil
		}
		// Only a guide matched: its form is one of a clause's, which matches the same documents, so this is not
		// expected; the document is not a match.
	}
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

func (s *ledSearcher) Close() error { return s.children.Close() }

// Weight is the scored children's: the guides weigh nothing.
func (s *ledSearcher) Weight() float64 { return s.children[:s.scored].weight() }

func (s *ledSearcher) SetQueryNorm(qnorm float64) { s.children.SetQueryNorm(qnorm) }

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

func (s *ledSearcher) Size() int { return s.children.Size() }

func (s *ledSearcher) DocumentMatchPoolSize() int { return s.children.DocumentMatchPoolSize() }
