// Command releval measures the catalog search's relevance: it indexes the real API descriptions of samples/openapi
// in a fresh embedded index, runs the judged queries of this package and prints hit@5, hit@1, the mean reciprocal
// rank and every query whose first relevant API is not ranked first. -split picks the queries: dev (the batches of
// devBatches, queries.go and the dev*.go files, the split the ranking is tuned on, the default; dev-1, dev-2 … run one
// batch alone, in the order they were written), held-out (heldout.go, written before tuning and only checked
// against), held-out-1, held-out-2, held-out-3 or held-out-4 (its first, second, third or fourth batch alone),
// held-out-12 (its first two) or all. With -queries it prints the query texts only, one per line (for load tests:
// bench/search-load.sh); with -baselines it also prints the figures of textbook rankings of the same queries (name or
// description LIKE, plain BM25 with and without the operations).
//
//	go run ./search/releval
//	go run ./search/releval -split held-out
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/portico-dev/portico/samples"
	"github.com/portico-dev/portico/search"
)

func main() {
	quiet := flag.Bool("q", false, "print the figures only, not each miss")
	texts := flag.Bool("queries", false, "print the query texts, one per line, and nothing else")
	name := flag.String("split", "dev", "the judged queries: "+splitNames)
	withBaselines := flag.Bool("baselines", false, "also rank the same queries with textbook baselines (LIKE, plain BM25) and print their figures")
	flag.BoolVar(&withMeaning, "meaning", false, "rank by meaning too, as the portal's embedded index does by default (search.WithMeaning): the words' ranking blended with the cosine of sentence vectors")
	flag.StringVar(&extraDir, "extra", "", "also index the OpenAPI descriptions (*.yaml, named provider__name__version.yaml) of this folder as more APIs, none of them judged relevant to any query: a larger catalog around the samples (descriptions that do not parse or are too large are skipped)")
	flag.Parse()
	cases, err := split(*name)
	if err != nil {
		fmt.Fprintln(os.Stderr, "releval:", err)
		os.Exit(2)
	}
	if *texts {
		for _, c := range cases {
			fmt.Println(c.Text)
		}
		return
	}
	if err := run(context.Background(), os.Stdout, cases, !*quiet); err != nil {
		fmt.Fprintln(os.Stderr, "releval:", err)
		os.Exit(1)
	}
	if *withBaselines {
		if err := runBaselines(context.Background(), os.Stdout, cases); err != nil {
			fmt.Fprintln(os.Stderr, "releval:", err)
			os.Exit(1)
		}
	}
}

// extraDir is -extra: a folder of more descriptions to index around the samples, "" for none.
var extraDir string

// withMeaning is -meaning: the index ranks by meaning too.
var withMeaning bool

// corpus is the documents the evaluation indexes: the samples' and, with -extra, those of extraDir.
func corpus() ([]search.Document, error) {
	docs, err := Documents(samplesFS())
	if err != nil || extraDir == "" {
		return docs, err
	}
	more, skipped, err := documents(os.DirFS(extraDir), true)
	if err != nil {
		return nil, err
	}
	for _, d := range more {
		if slices.ContainsFunc(docs, func(s search.Document) bool { return s.ID == d.ID }) {
			return nil, fmt.Errorf("-extra: %s has the key of a sample", d.ID)
		}
	}
	fmt.Fprintf(os.Stderr, "releval: %d more APIs from %s (%d descriptions skipped)\n", len(more), extraDir, skipped)
	return append(docs, more...), nil
}

// runBaselines prints the figures of every baseline on cases.
func runBaselines(ctx context.Context, w io.Writer, cases []Case) error {
	docs, err := corpus()
	if err != nil {
		return err
	}
	for _, b := range baselines {
		rank, closeFn, err := b.open(docs)
		if err != nil {
			return err
		}
		r, err := evaluateRanking(ctx, rank, cases)
		closeFn()
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "baseline: %-56s hit@5 %.3f  hit@1 %.3f  MRR %.3f\n", b.Name, r.HitAt5, r.HitAt1, r.MRR)
	}
	return nil
}

// devBatches are the dev split's batches in the order they were written: -split dev-N runs the Nth alone.
var devBatches = [][]Case{
	Cases, DevLead, DevSecond, DevThird, DevFourth, DevFifth, DevSixth, DevSeventh, DevEighth, DevNinth, DevTenth,
	DevEleventh, DevTwelfth, DevThirteenth, DevFourteenth, DevFifteenth, DevSixteenth, DevSeventeenth, DevEighteenth,
	DevNineteenth, DevTwentieth, DevTwentyFirst, DevTwentySeventh, DevTwentyThird, DevTwentyFifth, DevTwentySecond,
	DevTwentyFourth, DevTwentySixth, DevTwentyEighth, DevTwentyNinth, DevThirtieth, DevThirtyFirst, DevThirtySecond,
	DevThirtyThird, DevThirtyFourth, DevThirtyFifth, DevThirtySixth, DevThirtySeventh, DevThirtyEighth,
	DevThirtyNinth, DevFortieth, DevFortyFirst, DevFortySecond, DevFortyThird, DevFortyFourth, DevFortyFifth,
	DevFortySixth, DevFortySeventh, DevFortyEighth,
}

// devSplit is the dev split: every batch the ranking is tuned on.
func devSplit() []Case { return slices.Concat(devBatches...) }

// heldOutSplits are the held-out split and its batches, by name.
var heldOutSplits = map[string][]Case{
	"held-out":    HeldOut,
	"heldout":     HeldOut,
	"held-out-1":  heldOutFirst,
	"held-out-12": slices.Concat(heldOutFirst, HeldOutSecond),
	"held-out-2":  HeldOutSecond,
	"held-out-3":  HeldOutThird,
	"held-out-4":  HeldOutFourth,
}

// splitNames is what -split accepts.
var splitNames = fmt.Sprintf("dev, dev-1 to dev-%d, held-out, held-out-1, held-out-12, held-out-2, held-out-3, held-out-4 or all", len(devBatches))

// split is the judged queries named: the dev split, one of its batches, the held-out split, one of its batches or
// both splits.
func split(name string) ([]Case, error) {
	switch name {
	case "dev":
		return devSplit(), nil
	case "all":
		return slices.Concat(devSplit(), HeldOut), nil
	}
	if cs, ok := heldOutSplits[name]; ok {
		return cs, nil
	}
	if n, ok := strings.CutPrefix(name, "dev-"); ok {
		if i, err := strconv.Atoi(n); err == nil && i >= 1 && i <= len(devBatches) {
			return devBatches[i-1], nil
		}
	}
	return nil, fmt.Errorf("-split %q: want %s", name, splitNames)
}

// evaluate indexes the samples in a new Bleve index under dir and evaluates the cases, with Portico's default
// synonyms (the org's list until an admin edits it).
func evaluate(ctx context.Context, dir string, cases []Case) (Report, error) {
	docs, err := corpus()
	if err != nil {
		return Report{}, err
	}
	var opts []search.BleveOption
	if withMeaning {
		m, err := search.OpenMeaning("", nil)
		if err != nil {
			return Report{}, err
		}
		opts = append(opts, search.WithMeaning(m))
	}
	idx, err := search.OpenBleve(filepath.Join(dir, "index"), opts...)
	if err != nil {
		return Report{}, err
	}
	defer idx.Close()
	if err := idx.SetSynonyms(ctx, search.DefaultSynonyms()); err != nil {
		return Report{}, err
	}
	if err := idx.Upsert(ctx, docs...); err != nil {
		return Report{}, err
	}
	if err := idx.WaitMeaning(ctx); err != nil {
		return Report{}, err
	}
	return Evaluate(ctx, idx, cases)
}

func run(ctx context.Context, w io.Writer, cases []Case, misses bool) error {
	dir, err := os.MkdirTemp("", "releval-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	r, err := evaluate(ctx, dir, cases)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "queries %d  hit@5 %.3f  hit@1 %.3f  MRR %.3f\n", r.Queries, r.HitAt5, r.HitAt1, r.MRR)
	if misses {
		for _, m := range r.Misses {
			rank := "not found"
			if m.Rank > 0 {
				rank = fmt.Sprintf("rank %d", m.Rank)
			}
			fmt.Fprintf(w, "  %-48q %-10s want %s; top %s\n", m.Case.Text, rank, strings.Join(m.Case.Relevant, "|"), strings.Join(m.Top, ", "))
		}
	}
	return nil
}

// samplesFS is the real descriptions the evaluation runs on.
func samplesFS() fs.FS { return samples.FS() }
