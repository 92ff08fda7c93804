package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/catalog"
	"github.com/portico-dev/portico/search"
	"github.com/portico-dev/portico/store"
)

// serveUntilIndexed starts serve on data, waits until the outbox has
// delivered every message and /readyz says the index follows the log at
// its head, stops it and returns its log.
func serveUntilIndexed(t *testing.T, data string) string {
	t.Helper()
	return serveUntilIndexedOn(t, data, "")
}

// serveUntilIndexedOn is serveUntilIndexed on the database databaseURL
// ("": SQLite in data).
func serveUntilIndexedOn(t *testing.T, data, databaseURL string) string {
	t.Helper()
	e, _, logs := testEnv(map[string]string{"PORTICO_DATA_DIR": data, "PORTICO_ADDR": "127.0.0.1:0", "PORTICO_DATABASE_URL": databaseURL}, "")
	srv := startServing(t, e)
	addr := srv.addr
	ctx := context.Background()
	db, err := store.Open(ctx, databaseURL, data)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	deadline := time.Now().Add(60 * time.Second)
	for {
		// The log's head once the outbox has appended every change.
		var pending int
		if err := db.DB().NewRaw("SELECT COUNT(*) FROM outbox WHERE done_at IS NULL").Scan(ctx, &pending); err != nil {
			t.Fatal(err)
		}
		head, err := db.IndexLogHeadFrom(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Index struct {
				State          string
				Position, Head int64
			}
		}
		res, err := http.Get("http://" + addr + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		err = json.NewDecoder(res.Body).Decode(&body)
		res.Body.Close()
		if err == nil && res.StatusCode == http.StatusOK && body.Index.State == catalog.FeedFollowing && body.Index.Position == body.Index.Head &&
			pending == 0 && body.Index.Position >= head.Head {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the index was not built a minute after start: %d %+v, %d outbox messages pending, log head %d\n%s", res.StatusCode, body, pending, head.Head, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := srv.stop(); err != nil {
		t.Fatalf("serve returned %v", err)
	}
	return logs.String()
}

// databaseSlugs returns the slug of every API in the database of data.
func databaseSlugs(t *testing.T, data string) []string {
	t.Helper()
	return databaseSlugsOn(t, data, "")
}

// databaseSlugsOn is databaseSlugs on the database databaseURL ("": SQLite in data).
func databaseSlugsOn(t *testing.T, data, databaseURL string) []string {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, databaseURL, data)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var slugs []string
	var after int64
	for {
		ids, err := s.APIIDs(ctx, after, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) == 0 {
			break
		}
		after = ids[len(ids)-1]
		for _, id := range ids {
			a, err := s.APIByID(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			slugs = append(slugs, a.Slug)
		}
	}
	slices.Sort(slugs)
	return slugs
}

// indexedSlugs returns the slug of every API in the embedded index of data.
func indexedSlugs(t *testing.T, data string) []string {
	t.Helper()
	idx, err := search.OpenBleve(filepath.Join(data, "search.bleve"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	var slugs []string
	for page := 1; ; page++ {
		res, err := idx.Search(context.Background(), search.Query{Viewer: search.Viewer{All: true}, Sort: "name", Page: page, PerPage: search.MaxPerPage})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			slugs = append(slugs, h.Slug)
		}
		if len(res.Hits) < search.MaxPerPage {
			break
		}
	}
	slices.Sort(slugs)
	return slugs
}

// TestInterruptedReindexIsRebuiltAtStart stops a reindex after its first
// batch, as a kill would: the rebuild marker stays, and the next start
// rebuilds the index, every API findable, and removes the marker.
func TestInterruptedReindexIsRebuiltAtStart(t *testing.T) {
	samples := demoSampleDir(t)
	data := filepath.Join(t.TempDir(), "data")
	e, out, _ := testEnv(map[string]string{"PORTICO_DATA_DIR": data}, "")
	if err := runEnv(context.Background(), []string{"demo", "--samples", samples, "--synthetic", "250"}, e); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	want := databaseSlugs(t, data)
	if len(want) <= catalog.BatchSize {
		t.Fatalf("%d APIs: want more than one reindex batch", len(want))
	}

	// The reindex, as cmdReindex runs it, stopped after its first batch.
	c, err := parse("reindex", nil, e, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s, err := openStore(ctx, c, "reindex")
	if err != nil {
		t.Fatal(err)
	}
	idx, err := openSearch(c, func(what string) { t.Errorf("a sound index was repaired: %s", what) }, nil)
	if err != nil {
		t.Fatal(err)
	}
	feed := catalog.NewFeed(s, idx, catalog.FeedOptions{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	_, err = feed.Rebuild(ctx, func(done, total int) {
		if done > 0 && done < total {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted reindex: got %v, want context.Canceled", err)
	}
	if n, err := catalog.Count(context.Background(), idx); err != nil || n == 0 || n >= len(want) {
		t.Fatalf("the interrupted reindex indexed %d of %d APIs (%v): want a partial index", n, len(want), err)
	}
	idx.Close()
	s.Close()
	marker := filepath.Join(data, "search.bleve.rebuilding")
	if _, err := os.Stat(marker); err != nil {
		t.Fatalf("no rebuild marker after an interrupted reindex: %v", err)
	}

	logs := serveUntilIndexed(t, data)
	if !strings.Contains(logs, "search index repaired") || !strings.Contains(logs, "rebuild of the search index was interrupted") {
		t.Errorf("the start does not log the repair:\n%s", logs)
	}
	if _, err := os.Stat(marker); !os.IsNotExist(err) {
		t.Errorf("the marker after the rebuild at start: stat %v, want it removed", err)
	}
	if got := indexedSlugs(t, data); !slices.Equal(got, want) {
		t.Errorf("after the start: %d APIs indexed, want all %d", len(got), len(want))
	}
}

// TestCorruptIndexIsMovedAsideAtStart fills the index directory with
// garbage: the server starts, moves it aside, logs why and rebuilds the
// index from the database.
func TestCorruptIndexIsMovedAsideAtStart(t *testing.T) {
	samples := demoSampleDir(t)
	data := filepath.Join(t.TempDir(), "data")
	e, out, _ := testEnv(map[string]string{"PORTICO_DATA_DIR": data}, "")
	if err := runEnv(context.Background(), []string{"demo", "--samples", samples, "--synthetic", "5"}, e); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	want := databaseSlugs(t, data)
	dir := filepath.Join(data, "search.bleve")
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	garbage := map[string]string{"index_meta.json": "{\"storage\":\x00garbage", "store/root.bolt": "not a bolt database"}
	for name, body := range garbage {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	logs := serveUntilIndexed(t, data)
	if !strings.Contains(logs, "search index repaired") || !strings.Contains(logs, "did not open") || !strings.Contains(logs, "moved aside to "+dir+".corrupt-") {
		t.Errorf("the start does not log the reason and where the index went:\n%s", logs)
	}
	asides, err := filepath.Glob(dir + ".corrupt-*")
	if err != nil || len(asides) != 1 {
		t.Fatalf("moved-aside directories: %v %v, want one", asides, err)
	}
	for name, body := range garbage {
		if b, err := os.ReadFile(filepath.Join(asides[0], name)); err != nil || string(b) != body {
			t.Errorf("moved-aside %s: got %q %v, want the original", name, b, err)
		}
	}
	if got := indexedSlugs(t, data); !slices.Equal(got, want) {
		t.Errorf("after the start: indexed %v, want %v", got, want)
	}
}
