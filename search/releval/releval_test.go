package main

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
)

// The floors of the evaluation: relevance may improve, not regress. Raise them with the ranking. Each is a little
// below the figure measured, so that one query slipping passes and more fail. The held-out split has its own: the
// ranking is not tuned to it, but a change must not make it worse.
const (
	floorHitAt5 = 0.97
	floorHitAt1 = 0.92
	floorMRR    = 0.945

	// The held-out split's figures fell when its second batch (HeldOutSecond, 42 harder queries) joined it, with the
	// ranking unchanged: 0.986/0.944/0.965 on the first 71 queries, 0.956/0.894/0.925 on all 113; and again when the
	// third (HeldOutThird, 79 queries written blind, 0.696/0.494/0.578 alone) did: 0.849/0.729/0.782 on all 192. The
	// operations' summaries and the SMS synonyms then raised them to 0.854/0.740/0.787.
	floorHeldOutHitAt5 = 0.845
	floorHeldOutHitAt1 = 0.73
	floorHeldOutMRR    = 0.78
)

func TestRelevanceFloors(t *testing.T) {
	if len(Cases) < 80 {
		t.Fatalf("evaluation: got %d judged queries, want at least 80", len(Cases))
	}
	for _, sp := range []struct {
		name            string
		cases           []Case
		hit5, hit1, mrr float64
	}{
		{"dev", Cases, floorHitAt5, floorHitAt1, floorMRR},
		{"held-out", HeldOut, floorHeldOutHitAt5, floorHeldOutHitAt1, floorHeldOutMRR},
	} {
		r, err := evaluate(context.Background(), t.TempDir(), sp.cases)
		if err != nil {
			t.Fatalf("evaluate %s: got error %v, want nil", sp.name, err)
		}
		var misses strings.Builder
		for _, m := range r.Misses {
			misses.WriteString("\n  " + m.Case.Text)
		}
		if r.HitAt5 < sp.hit5 || r.HitAt1 < sp.hit1 || r.MRR < sp.mrr {
			t.Errorf("relevance of the %s split: got hit@5 %.3f hit@1 %.3f MRR %.3f, want at least %.3f %.3f %.3f; not first:%s",
				sp.name, r.HitAt5, r.HitAt1, r.MRR, sp.hit5, sp.hit1, sp.mrr, misses.String())
		}
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
