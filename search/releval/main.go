// Command releval measures the catalog search's relevance: it indexes the real API descriptions of samples/openapi
// in a fresh embedded index, runs the judged queries of this package (queries.go) and prints hit@5, hit@1, the mean
// reciprocal rank and every query whose first relevant API is not ranked first. With -queries it prints the query
// texts only, one per line (for load tests: bench/search-load.sh).
//
//	go run ./search/releval
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/portico-dev/portico/samples"
	"github.com/portico-dev/portico/search"
)

func main() {
	quiet := flag.Bool("q", false, "print the figures only, not each miss")
	texts := flag.Bool("queries", false, "print the query texts, one per line, and nothing else")
	flag.Parse()
	if *texts {
		for _, c := range Cases {
			fmt.Println(c.Text)
		}
		return
	}
	if err := run(context.Background(), os.Stdout, !*quiet); err != nil {
		fmt.Fprintln(os.Stderr, "releval:", err)
		os.Exit(1)
	}
}

// evaluate indexes the samples in a new Bleve index under dir and evaluates the cases, with Portico's default
// synonyms (the org's list until an admin edits it).
func evaluate(ctx context.Context, dir string) (Report, error) {
	docs, err := Documents(samplesFS())
	if err != nil {
		return Report{}, err
	}
	idx, err := search.OpenBleve(filepath.Join(dir, "index"))
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
	return Evaluate(ctx, idx, Cases)
}

func run(ctx context.Context, w io.Writer, misses bool) error {
	dir, err := os.MkdirTemp("", "releval-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	r, err := evaluate(ctx, dir)
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
