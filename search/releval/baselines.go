package main

import (
	"context"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/standard"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/portico-dev/portico/search"
)

// baseline is a textbook ranking of the samples, measured on the same judged queries as Portico's: the rows of the
// relevance issue's table.
type baseline struct {
	Name string
	open func(docs []search.Document) (ranking, func() error, error)
}

// baselines are, from the weakest: the query as a substring of the name or description (SQL's LIKE '%…%', what
// APIPark's catalog does), and Bleve's BM25 with its standard analyzer (lower case, English stop words, no stemming),
// every word optional, over the name and description and then over those and every operation (method, path,
// operation id, summary, description) as one text.
var baselines = []baseline{
	{"name or description LIKE '%query%'", func(docs []search.Document) (ranking, func() error, error) {
		return likeRanking(docs), func() error { return nil }, nil
	}},
	{"plain BM25 over name and description", func(docs []search.Document) (ranking, func() error, error) {
		return bm25Ranking(docs, false)
	}},
	{"plain BM25 over name, description and every operation", func(docs []search.Document) (ranking, func() error, error) {
		return bm25Ranking(docs, true)
	}},
}

func likeRanking(docs []search.Document) ranking {
	return func(_ context.Context, text string) ([]string, error) {
		q := strings.ToLower(text)
		var ids []string
		for _, d := range docs {
			if strings.Contains(strings.ToLower(d.Name), q) || strings.Contains(strings.ToLower(d.Description), q) {
				ids = append(ids, d.ID)
			}
		}
		return ids, nil
	}
}

// bm25Ranking indexes each document as one text field in a new in-memory Bleve index.
func bm25Ranking(docs []search.Document, operations bool) (ranking, func() error, error) {
	m := bleve.NewIndexMapping()
	m.DefaultAnalyzer = standard.Name
	m.ScoringModel = index.BM25Scoring
	idx, err := bleve.NewMemOnly(m)
	if err != nil {
		return nil, nil, err
	}
	b := idx.NewBatch()
	for _, d := range docs {
		text := []string{d.Name, d.Description}
		if operations {
			for _, op := range d.Operations {
				text = append(text, op.Method, op.Path, op.OperationID, op.Summary, op.Description)
			}
		}
		if err := b.Index(d.ID, map[string]any{"text": strings.Join(text, "\n")}); err != nil {
			idx.Close()
			return nil, nil, err
		}
	}
	if err := idx.Batch(b); err != nil {
		idx.Close()
		return nil, nil, err
	}
	return func(ctx context.Context, text string) ([]string, error) {
		q := bleve.NewMatchQuery(text)
		q.SetField("text")
		req := bleve.NewSearchRequestOptions(q, 20, 0, false)
		res, err := idx.SearchInContext(ctx, req)
		if err != nil {
			return nil, err
		}
		ids := make([]string, len(res.Hits))
		for i, h := range res.Hits {
			ids[i] = h.ID
		}
		return ids, nil
	}, idx.Close, nil
}
