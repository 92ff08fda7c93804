package search

import (
	"context"
	"slices"
	"testing"
)

// TestApplyRanksByMeaning: the documents the index log's feed applies (Apply, the way a running portal indexes every
// change) rank by meaning as those of Upsert do.
func TestApplyRanksByMeaning(t *testing.T) {
	const text = "rain or sunshine today"
	for _, tt := range []struct {
		name  string
		write func(*Bleve, []Document) error
	}{
		{"upsert", func(b *Bleve, docs []Document) error { return b.Upsert(context.Background(), docs...) }},
		{"apply", func(b *Bleve, docs []Document) error {
			return b.Apply(context.Background(), LogPosition{Entry: 1}, docs, nil)
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			idx := openMeaningBleve(t).(*Bleve)
			if err := tt.write(idx, meaningCorpus()); err != nil {
				t.Fatal(err)
			}
			if err := idx.WaitMeaning(context.Background()); err != nil {
				t.Fatal(err)
			}
			res := mustSearch(t, idx, Query{Text: text, Viewer: admin()})
			if got := hitIDs(res); !slices.Contains(got, "weather") {
				t.Errorf("%q after %s: got hits %v, want the weather API by its meaning", text, tt.name, got)
			}
		})
	}
}
