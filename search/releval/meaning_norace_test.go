//go:build !race

// This measurement runs in the plain test run, where it takes seconds, and
// not in the race run, where it takes a minute (the encoder and Bleve
// instrumented) and checks no concurrency: the search package's own tests
// rank by meaning under the race detector.

package main

import (
	"context"
	"testing"
)

// Ranking by meaning (search.WithMeaning, as the portal's embedded index does by default) does on the held-out
// queries what docs/search-relevance.md reports: floors just below, so that a change of the encoder, the texts it
// is given or the blend that costs a query shows, and above the words alone.
func TestMeaningFloors(t *testing.T) {
	withMeaning = true
	defer func() { withMeaning = false }()
	r, err := evaluate(context.Background(), t.TempDir(), HeldOut)
	if err != nil {
		t.Fatalf("evaluate: got error %v, want nil", err)
	}
	const hit5, hit1, mrr = 0.974, 0.889, 0.929
	if r.HitAt5 < hit5 || r.HitAt1 < hit1 || r.MRR < mrr {
		t.Errorf("held-out ranked by meaning too: got %.3f / %.3f / %.3f, want at least %.3f / %.3f / %.3f", r.HitAt5, r.HitAt1, r.MRR, hit5, hit1, mrr)
	}
}
