package main

import (
	"context"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/portico-dev/portico/search"
)

// BenchmarkSamplesSearch indexes the real descriptions of samples/openapi together (thousands of operations, a few
// specs with hundreds) with the default synonyms, then runs the evaluation's purpose queries in turn, as a viewer
// who sees everything. It reports ns/op and the median and 95th percentile of one search (p50-ms, p95-ms).
// BenchmarkSamplesSearchWithMeaning ranks by meaning too, as the portal does by default, each query encoded.
//
//	go test ./search/releval -run '^$' -bench SamplesSearch -benchtime 2000x
func BenchmarkSamplesSearch(b *testing.B) { benchSamplesSearch(b, false) }

func BenchmarkSamplesSearchWithMeaning(b *testing.B) { benchSamplesSearch(b, true) }

func benchSamplesSearch(b *testing.B, meaning bool) {
	ctx := context.Background()
	docs, err := Documents(samplesFS())
	if err != nil {
		b.Fatal(err)
	}
	var opts []search.BleveOption
	if meaning {
		m, err := search.OpenMeaning("", nil)
		if err != nil {
			b.Fatal(err)
		}
		opts = append(opts, search.WithMeaning(m))
	}
	idx, err := search.OpenBleve(filepath.Join(b.TempDir(), "index"), opts...)
	if err != nil {
		b.Fatal(err)
	}
	defer idx.Close()
	idx.WithoutResultCache() // what a search costs, not a cache hit
	if err := idx.SetSynonyms(ctx, search.DefaultSynonyms()); err != nil {
		b.Fatal(err)
	}
	if err := idx.Upsert(ctx, docs...); err != nil {
		b.Fatal(err)
	}
	if err := idx.WaitMeaning(ctx); err != nil {
		b.Fatal(err)
	}
	if err := idx.Compact(ctx); err != nil {
		b.Fatal(err)
	}
	ops := 0
	for _, d := range docs {
		ops += len(d.Operations)
	}
	b.Logf("indexed %d APIs, %d operations; %d queries", len(docs), ops, len(Cases))
	durations := make([]time.Duration, 0, 4096)
	runtime.GC()
	i := 0
	for b.Loop() {
		q := search.Query{Text: Cases[i%len(Cases)].Text, Viewer: search.Viewer{Teams: []string{"nexmo-com"}}}
		i++
		t0 := time.Now()
		if _, err := idx.Search(ctx, q); err != nil {
			b.Fatal(err)
		}
		durations = append(durations, time.Since(t0))
	}
	slices.Sort(durations)
	b.ReportMetric(float64(durations[len(durations)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(durations[min(len(durations)-1, len(durations)*95/100)].Microseconds())/1000, "p95-ms")
}
