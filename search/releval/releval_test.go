package main

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
)

// The floors of the evaluation: relevance may improve, not regress. Raise them with the ranking.
const (
	floorHitAt5 = 0.95
	floorHitAt1 = 0.90
	floorMRR    = 0.92
)

func TestRelevanceFloors(t *testing.T) {
	if len(Cases) < 80 {
		t.Fatalf("evaluation: got %d judged queries, want at least 80", len(Cases))
	}
	r, err := evaluate(context.Background(), t.TempDir(), Cases)
	if err != nil {
		t.Fatalf("evaluate: got error %v, want nil", err)
	}
	var misses strings.Builder
	for _, m := range r.Misses {
		misses.WriteString("\n  " + m.Case.Text)
	}
	if r.HitAt5 < floorHitAt5 || r.HitAt1 < floorHitAt1 || r.MRR < floorMRR {
		t.Errorf("relevance: got hit@5 %.3f hit@1 %.3f MRR %.3f, want at least %.2f %.2f %.2f; not first:%s",
			r.HitAt5, r.HitAt1, r.MRR, floorHitAt5, floorHitAt1, floorMRR, misses.String())
	}
}

// Every judged key names a sample that exists, so that a renamed sample cannot silently turn cases into misses.
func TestCasesNameSamples(t *testing.T) {
	docs, err := Documents(samplesFS())
	if err != nil {
		t.Fatalf("Documents: got error %v, want nil", err)
	}
	known := map[string]bool{}
	for _, d := range docs {
		known[d.ID] = true
	}
	if len(HeldOut) < 40 {
		t.Errorf("held-out split: got %d judged queries, want at least 40", len(HeldOut))
	}
	seen := map[string]bool{}
	for _, c := range append(slices.Clip(Cases), HeldOut...) {
		if seen[c.Text] {
			t.Errorf("query %q: judged twice (within a split or in both)", c.Text)
		}
		seen[c.Text] = true
		if len(c.Relevant) == 0 {
			t.Errorf("query %q: no relevant API", c.Text)
		}
		for _, k := range c.Relevant {
			if !known[k] {
				t.Errorf("query %q: relevant %q is not a sample", c.Text, k)
			}
		}
	}
}

func TestCommandPrintsFiguresAndMisses(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, Cases, true); err != nil {
		t.Fatalf("run: got error %v, want nil", err)
	}
	first, _, _ := strings.Cut(out.String(), "\n")
	for _, want := range []string{"queries ", "hit@5 ", "hit@1 ", "MRR "} {
		if !strings.Contains(first, want) {
			t.Errorf("first line: got %q, want it to contain %q", first, want)
		}
	}
}
