package search

import (
	"context"
	"fmt"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// flooredQuery is a term query whose every match scores at least floor (before the query's norm) more than BM25
// gives it: BM25+'s lower bound on a matched term's frequency part (Lv and Zhai, "Lower-bounding term frequency
// normalization", 2011), so that a word found in a very long field still counts as found.
type flooredQuery struct {
	q     query.Query
	floor float64
}

func (q *flooredQuery) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping, options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	s, err := q.q.Searcher(ctx, i, m, options)
	if err != nil {
		return nil, err
	}
	return &flooredSearcher{Searcher: s, floor: q.floor, norm: 1, explain: options.Explain}, nil
}

type flooredSearcher struct {
	bsearch.Searcher
	floor, norm float64
	explain     bool
}

func (s *flooredSearcher) SetQueryNorm(qnorm float64) {
	s.norm = qnorm
	s.Searcher.SetQueryNorm(qnorm)
}

func (s *flooredSearcher) add(d *bsearch.DocumentMatch) *bsearch.DocumentMatch {
	if d == nil {
		return nil
	}
	v := s.floor * s.norm
	d.Score += v
	if s.explain && d.Expl != nil {
		d.Expl = &bsearch.Explanation{Value: d.Score, Message: fmt.Sprintf("sum of BM25 and its floor %.4f", v), Children: []*bsearch.Explanation{d.Expl}}
	}
	return d
}

func (s *flooredSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	d, err := s.Searcher.Next(ctx)
	return s.add(d), err
}

func (s *flooredSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	d, err := s.Searcher.Advance(ctx, id)
	return s.add(d), err
}
