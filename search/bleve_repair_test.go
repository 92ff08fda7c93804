package search

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func countAll(t *testing.T, idx *Bleve) int {
	t.Helper()
	res, err := idx.Search(context.Background(), Query{Viewer: Viewer{All: true}, PerPage: 1})
	if err != nil {
		t.Fatalf("Search: %v", err)
	}
	return res.Total
}

// filledBleve opens a new index in a directory "index" of its own and
// applies the conformance corpus at log entry entry.
func filledBleve(t *testing.T, entry int64) (idx *Bleve, dir string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "index")
	idx, err := OpenBleve(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.Apply(context.Background(), LogPosition{Entry: entry}, conformanceCorpus(), nil); err != nil {
		t.Fatal(err)
	}
	return idx, dir
}

// wantEmptied fails unless idx was opened empty, without a position (so
// that the feed rebuilds it), and Repaired says why, naming each of says.
func wantEmptied(t *testing.T, idx *Bleve, says ...string) {
	t.Helper()
	got := idx.Repaired()
	for _, want := range says {
		if !strings.Contains(got, want) {
			t.Errorf("Repaired: got %q, want it to say %q", got, want)
		}
	}
	if _, ok, err := idx.Position(); err != nil || ok {
		t.Errorf("position: ok %v err %v, want none (so the feed rebuilds it)", ok, err)
	}
	if n := countAll(t, idx); n != 0 {
		t.Errorf("documents: got %d, want 0", n)
	}
}

// TestBleveMarkedForRebuildIsEmptiedAtOpen: an index marked by
// MarkForRebuild while it is closed (portico restore) opens empty, without
// a position, and Repaired names the marker's reason.
func TestBleveMarkedForRebuildIsEmptiedAtOpen(t *testing.T) {
	idx, dir := filledBleve(t, 7)
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}
	if err := MarkForRebuild(dir, "database restored from backup.db"); err != nil {
		t.Fatal(err)
	}
	idx, err := OpenBleve(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	wantEmptied(t, idx, "marked for a rebuild", "database restored from backup.db")
}

func TestBleveInterruptedRebuildIsEmptiedAtOpen(t *testing.T) {
	ctx := context.Background()
	idx, dir := filledBleve(t, 7)
	if err := idx.BeginRebuild(); err != nil {
		t.Fatal(err)
	}
	// Killed here: the marker stays, the index holds a position and documents.
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir + ".rebuilding"); err != nil {
		t.Fatalf("no marker after BeginRebuild: %v", err)
	}
	idx, err := OpenBleve(dir)
	if err != nil {
		t.Fatalf("open after an interrupted rebuild: %v", err)
	}
	wantEmptied(t, idx, "rebuild of the search index was interrupted")
	// The marker stays until a rebuild completes.
	if _, err := os.Stat(dir + ".rebuilding"); err != nil {
		t.Errorf("marker removed before a rebuild completed: %v", err)
	}
	if err := idx.Apply(ctx, LogPosition{Entry: 9}, conformanceCorpus(), nil); err != nil {
		t.Fatal(err)
	}
	if err := idx.EndRebuild(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir + ".rebuilding"); !os.IsNotExist(err) {
		t.Errorf("marker after EndRebuild: stat %v, want it gone", err)
	}
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}
	idx, err = OpenBleve(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if got := idx.Repaired(); got != "" {
		t.Errorf("Repaired after a completed rebuild: got %q, want nothing", got)
	}
	if n, want := countAll(t, idx), len(conformanceCorpus()); n != want {
		t.Errorf("documents after a completed rebuild and reopen: got %d, want %d", n, want)
	}
}

func TestBleveCorruptIndexIsMovedAside(t *testing.T) {
	for _, tt := range []struct {
		name  string
		files map[string]string
	}{
		{"garbage files", map[string]string{"index_meta.json": "\x00\x01garbage{", "store/root.bolt": "not a bolt file", "store/00000000001.zap": "junk"}},
		{"meta without a store", map[string]string{"index_meta.json": `{"storage":"scorch","index_type":"scorch"}`}},
		{"no meta", map[string]string{"some.file": "junk"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			parent := t.TempDir()
			dir := filepath.Join(parent, "index")
			for name, body := range tt.files {
				path := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			idx, err := OpenBleve(dir)
			if err != nil {
				t.Fatalf("open a corrupt index: got %v, want it moved aside and a new one", err)
			}
			defer idx.Close()
			got := idx.Repaired()
			if !strings.Contains(got, "did not open") || !strings.Contains(got, "moved aside to "+dir+".corrupt-") {
				t.Errorf("Repaired: got %q, want the reason and where it was moved", got)
			}
			entries, err := os.ReadDir(parent)
			if err != nil {
				t.Fatal(err)
			}
			var aside string
			for _, e := range entries {
				if strings.HasPrefix(e.Name(), "index.corrupt-") {
					aside = filepath.Join(parent, e.Name())
				}
			}
			if aside == "" {
				t.Fatalf("no index.corrupt-* directory beside the index: %v", entries)
			}
			for name, body := range tt.files {
				b, err := os.ReadFile(filepath.Join(aside, name))
				if err != nil || string(b) != body {
					t.Errorf("moved-aside %s: got %q, %v, want the original content", name, b, err)
				}
			}
			if err := idx.Apply(context.Background(), LogPosition{Entry: 3}, conformanceCorpus(), nil); err != nil {
				t.Fatalf("the new index does not take documents: %v", err)
			}
			if n, want := countAll(t, idx), len(conformanceCorpus()); n != want {
				t.Errorf("documents in the new index: got %d, want %d", n, want)
			}
		})
	}
}

// TestBleveMarkerNeverEmptiesAnOpenIndex: a second opener of a directory
// whose index is open (a running server rebuilding it, the marker on disk)
// waits for the lock and leaves the index alone meanwhile.
func TestBleveMarkerNeverEmptiesAnOpenIndex(t *testing.T) {
	first, dir := filledBleve(t, 4)
	if err := first.BeginRebuild(); err != nil {
		t.Fatal(err)
	}
	opened := make(chan *Bleve, 1)
	go func() {
		idx, err := OpenBleve(dir)
		if err != nil {
			t.Errorf("second open: %v", err)
		}
		opened <- idx
	}()
	select {
	case idx := <-opened:
		idx.Close()
		t.Fatal("the second open did not wait for the first's lock")
	case <-time.After(300 * time.Millisecond):
	}
	if _, err := os.Stat(filepath.Join(dir, "index_meta.json")); err != nil {
		t.Errorf("the index directory while another process opens it: %v, want it untouched", err)
	}
	if n, want := countAll(t, first), len(conformanceCorpus()); n != want {
		t.Errorf("documents of the open index while another process opens it: got %d, want %d", n, want)
	}
	if _, ok, err := first.Position(); err != nil || !ok {
		t.Errorf("position of the open index: ok %v err %v, want kept", ok, err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	second := <-opened
	if second == nil {
		return
	}
	defer second.Close()
	wantEmptied(t, second, "interrupted")
}
