package search

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
)

func faultDoc(id, name string) Document {
	return Document{ID: id, Slug: id, Name: name, Summary: name + " for tests", Team: "core", TeamName: "Core",
		State: "published", States: []string{"published"}, Visibility: VisibilityPublic, UpdatedAt: time.Unix(1796500000, 0)}
}

// listedIDs is what a listing without text shows of the index, to an admin.
func listedIDs(t *testing.T, idx *Bleve) []string {
	t.Helper()
	return sortedIDs(mustSearch(t, idx, Query{Viewer: Viewer{All: true}, PerPage: 100}))
}

// TestBleveBatchFaultReopens: a batch that fails after scorch took it in (its persister failed: a full disk), or
// that panics inside the index library (zapx once panicked so on the retry after a failed persist), returns an
// error; the index is then closed and opened again from its directory, so that what searches and the listing show,
// and the position the feed reads, are what is on disk; searches meanwhile answer or fail with an error, never
// panic; and the retried write goes through.
func TestBleveBatchFaultReopens(t *testing.T) {
	ctx := context.Background()
	idx, err := OpenBleve(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if err := idx.Apply(ctx, LogPosition{Entry: 1}, []Document{faultDoc("api-1", "Aardvark Feeder")}, nil); err != nil {
		t.Fatal(err)
	}

	// Searches run all along: none may panic.
	stop := make(chan struct{})
	var searches sync.WaitGroup
	var answered, failed atomic.Int64
	for range 2 {
		searches.Add(1)
		go func() {
			defer searches.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := idx.Search(ctx, Query{Text: "zebra", Viewer: Viewer{All: true}}); err != nil {
					failed.Add(1)
				} else {
					answered.Add(1)
				}
			}
		}()
	}

	// The persister fails once the batch was introduced: scorch's memory has it, Batch returns an error.
	idx.commitBatch = func(b *bleve.Batch) error {
		if err := idx.idx.Batch(b); err != nil {
			return err
		}
		return errors.New("persisting snapshot: write 000000000002.zap: no space left on device")
	}
	err = idx.Apply(ctx, LogPosition{Entry: 2}, []Document{faultDoc("api-2", "Zebra Crossing")}, nil)
	idx.commitBatch = nil
	if err == nil {
		t.Fatal("Apply with a failing persist: got nil error, want one")
	}
	// The listing and the text search agree with the position: either the batch is in the index (position 2, both
	// show api-2) or it is not (position 1, neither does), and the feed applies it again.
	pos, _, err := idx.Position()
	if err != nil {
		t.Fatalf("Position after a failed batch: %v", err)
	}
	found := hitIDs(mustSearch(t, idx, Query{Text: "zebra", Viewer: Viewer{All: true}}))
	listed := listedIDs(t, idx)
	inIndex := pos.Entry == 2
	if slices.Contains(found, "api-2") != inIndex || slices.Contains(listed, "api-2") != inIndex {
		t.Errorf("after a failed batch: position %d, search finds %v, listing shows %v; want api-2 in both exactly when the position is 2", pos.Entry, found, listed)
	}

	// A panic inside the index library is an error, not a crash.
	idx.commitBatch = func(*bleve.Batch) error {
		var m map[uint16]int
		//lint:ignore SA5000 the panic is the point: the one zapx raised on a full disk
		m[1] = 1 // assignment to entry in nil map, as zapx's inverted_text_cache.go:94
		return nil
	}
	err = idx.Apply(ctx, LogPosition{Entry: 3}, []Document{faultDoc("api-3", "Zebu Herder")}, nil)
	idx.commitBatch = nil
	if err == nil {
		t.Fatal("Apply whose batch panics: got nil error, want one")
	}

	// The feed's retry goes through, and everything is found.
	if err := idx.Apply(ctx, LogPosition{Entry: 3}, []Document{faultDoc("api-2", "Zebra Crossing"), faultDoc("api-3", "Zebu Herder")}, nil); err != nil {
		t.Fatalf("retried Apply: %v", err)
	}
	close(stop)
	searches.Wait()
	if got, want := listedIDs(t, idx), []string{"api-1", "api-2", "api-3"}; !slices.Equal(got, want) {
		t.Errorf("listing after the retry: got %v, want %v", got, want)
	}
	if got := hitIDs(mustSearch(t, idx, Query{Text: "zebu", Viewer: Viewer{All: true}})); !slices.Equal(got, []string{"api-3"}) {
		t.Errorf("search zebu after the retry: got %v, want [api-3]", got)
	}
	if pos, _, err := idx.Position(); err != nil || pos.Entry != 3 {
		t.Errorf("position after the retry: %+v %v, want entry 3", pos, err)
	}
	t.Logf("searches meanwhile: %d answered, %d failed with an error", answered.Load(), failed.Load())
}
