package search

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"
)

func openMeaningBleve(t *testing.T) Index {
	t.Helper()
	idx, _ := openMeaningAt(t, filepath.Join(t.TempDir(), "index"), "")
	t.Cleanup(func() {
		if err := idx.Close(); err != nil {
			t.Errorf("Close: got error %v, want nil", err)
		}
	})
	return idx
}

// openMeaningAt opens the index in dir ranking by meaning, with the vectors kept at vectors ("": in memory).
func openMeaningAt(t *testing.T, dir, vectors string) (*Bleve, *Meaning) {
	t.Helper()
	m, err := OpenMeaning(vectors, nil)
	if err != nil {
		t.Fatalf("OpenMeaning: got error %v, want nil", err)
	}
	idx, err := OpenBleve(dir, WithMeaning(m))
	if err != nil {
		t.Fatalf("OpenBleve: got error %v, want nil", err)
	}
	return idx, m
}

// The behaviour every backend must have holds when the embedded index ranks by meaning too.
func TestBleveWithMeaningConformance(t *testing.T) {
	runConformance(t, openMeaningBleve)
}

// meaningCorpus has APIs whose words a query about the weather does not use: the public Weather Now and the
// team-only Storm Desk of the ops team are close to it in meaning, Parcel Tracker is not.
func meaningCorpus() []Document {
	return []Document{
		{ID: "parcel", Slug: "parcel-tracker", Name: "Parcel Tracker", Summary: "Follow shipments from pickup to doorstep", Tags: []string{"logistics"},
			Team: "logistics", State: "published", Visibility: VisibilityPublic,
			Operations: []Operation{{Method: "get", Path: "/parcels/{id}/location", Summary: "Get the current location of a package"}, {Method: "get", Path: "/parcels/{id}/events", Summary: "List delivery events"}}},
		{ID: "weather", Slug: "weather-now", Name: "Weather Now", Summary: "Current conditions and forecasts", Tags: []string{"weather"},
			Team: "data", State: "published", Visibility: VisibilityPublic,
			Operations: []Operation{{Method: "get", Path: "/forecast", Summary: "Get the forecast for a city"}}},
		{ID: "storm", Slug: "storm-desk", Name: "Storm Desk", Summary: "Severe weather alerts for our sites", Tags: []string{"alerts"},
			Team: "ops", State: "published", Visibility: VisibilityTeam,
			Operations: []Operation{{Method: "get", Path: "/warnings", Summary: "List storm warnings"}, {Method: "post", Path: "/alerts", Summary: "Raise a flood alert"}}},
		{ID: "pay", Slug: "payments", Name: "Payments", Summary: "Charge cards and refund charges", Tags: []string{"payments"},
			Team: "money", State: "published", Visibility: VisibilityPublic,
			Operations: []Operation{{Method: "post", Path: "/charges", Summary: "Create a charge"}}},
	}
}

// No word of "rain or sunshine today" is in any API: ranking by meaning finds the two weather APIs, marks them as
// related, counts them into the total and the facets as the viewer may see them and the filters allow, and still
// explains which words matched nothing. The words alone find nothing.
func TestMeaningFindsWhatNoWordSays(t *testing.T) {
	const text = "rain or sunshine today"
	words := openTestBleve(t)
	if err := words.Upsert(context.Background(), meaningCorpus()...); err != nil {
		t.Fatalf("Upsert: got error %v, want nil", err)
	}
	if res := mustSearch(t, words, Query{Text: text, Viewer: admin()}); res.Total != 0 {
		t.Fatalf("words alone: got %v, want no hit (the test needs a query no word of which matches)", hitIDs(res))
	}

	idx := openMeaningBleve(t)
	if err := idx.Upsert(context.Background(), meaningCorpus()...); err != nil {
		t.Fatalf("Upsert: got error %v, want nil", err)
	}
	tests := []struct {
		name  string
		q     Query
		want  []string
		teams map[string]int
	}{
		{"admin", Query{Text: text, Viewer: admin()}, []string{"weather", "storm"}, map[string]int{"data": 1, "ops": 1}},
		{"another team", Query{Text: text, Viewer: Viewer{Teams: []string{"data"}}}, []string{"weather"}, map[string]int{"data": 1}},
		{"the ops team", Query{Text: text, Viewer: Viewer{Teams: []string{"ops"}}}, []string{"weather", "storm"}, map[string]int{"data": 1, "ops": 1}},
		{"filtered to ops", Query{Text: text, Viewer: admin(), Teams: []string{"ops"}}, []string{"storm"}, map[string]int{"data": 1, "ops": 1}},
		{"filtered to a tag", Query{Text: text, Viewer: admin(), Tags: []string{"weather"}}, []string{"weather"}, map[string]int{"data": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustSearch(t, idx, tt.q)
			if got := hitIDs(res); !slices.Equal(got, tt.want) {
				t.Errorf("hits: got %v, want %v", got, tt.want)
			}
			for _, h := range res.Hits {
				if !h.Related {
					t.Errorf("hit %s: Related false, want true (no word matched it)", h.ID)
				}
			}
			if res.Total != len(tt.want) {
				t.Errorf("Total: got %d, want %d", res.Total, len(tt.want))
			}
			if got := facetMap(res.Facets.Teams); !maps.Equal(got, tt.teams) {
				t.Errorf("team facet: got %v, want %v", got, tt.teams)
			}
			if res.Hint == nil || len(res.Hint.Unmatched) == 0 {
				t.Errorf("Hint: got %+v, want the words that matched nothing", res.Hint)
			}
		})
	}

	// Words that match rank the API they match, which is then no related hit; the meaning still orders the rest.
	res := mustSearch(t, idx, Query{Text: "shipment tracking", Viewer: admin()})
	if len(res.Hits) == 0 || res.Hits[0].ID != "parcel" || res.Hits[0].Related {
		t.Errorf("shipment tracking: got %+v, want parcel first, matched by its words", res.Hits)
	}
}

// The vectors are kept in their file: an index opened again encodes nothing, a record cut short or a lost file is
// encoded again in the background after the index opened, and a file of something else is started again.
func TestMeaningVectorsFile(t *testing.T) {
	tmp := t.TempDir()
	dir, vectors := filepath.Join(tmp, "index"), filepath.Join(tmp, "vectors")
	idx, m := openMeaningAt(t, dir, vectors)
	if err := idx.Upsert(context.Background(), meaningCorpus()...); err != nil {
		t.Fatalf("Upsert: got error %v, want nil", err)
	}
	texts := len(m.byKey)
	if err := idx.Close(); err != nil {
		t.Fatalf("Close: got error %v, want nil", err)
	}
	size := fileSize(t, vectors)
	if want := int64(len(vectorsHeader) + texts*recordSize); size != want {
		t.Fatalf("vectors file: got %d bytes, want %d (%d texts)", size, want, texts)
	}

	reopen := func(name string, damage func()) {
		t.Helper()
		damage()
		idx, m := openMeaningAt(t, dir, vectors)
		defer idx.Close()
		if err := idx.WaitMeaning(context.Background()); err != nil {
			t.Fatal(err)
		}
		if len(m.byKey) != texts {
			t.Errorf("%s: %d texts after opening, want %d", name, len(m.byKey), texts)
		}
		if got := fileSize(t, vectors); got != size {
			t.Errorf("%s: vectors file of %d bytes after opening, want %d", name, got, size)
		}
		res := mustSearch(t, idx, Query{Text: "rain or sunshine today", Viewer: admin()})
		if got := hitIDs(res); !slices.Equal(got, []string{"weather", "storm"}) {
			t.Errorf("%s: hits %v, want [weather storm]", name, got)
		}
	}
	reopen("kept", func() {})
	reopen("a record cut short", func() {
		if err := os.Truncate(vectors, size-100); err != nil {
			t.Fatal(err)
		}
	})
	reopen("lost", func() {
		if err := os.Remove(vectors); err != nil {
			t.Fatal(err)
		}
	})
	reopen("something else", func() {
		if err := os.WriteFile(vectors, []byte("not vectors\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	})
}

// Texts no API has any more are dropped from the vectors file when the index is opened, once they outnumber the
// others; a reset index reuses the vectors it had.
func TestMeaningVectorsCompacted(t *testing.T) {
	defer func(n int) { minCompact = n }(minCompact)
	minCompact = 0
	tmp := t.TempDir()
	dir, vectors := filepath.Join(tmp, "index"), filepath.Join(tmp, "vectors")
	idx, m := openMeaningAt(t, dir, vectors)
	ctx := context.Background()
	docs := meaningCorpus()
	if err := idx.Upsert(ctx, docs...); err != nil {
		t.Fatalf("Upsert: got error %v, want nil", err)
	}
	live := len(m.byKey)
	if err := idx.Reset(ctx); err != nil {
		t.Fatalf("Reset: got error %v, want nil", err)
	}
	if err := idx.Upsert(ctx, docs...); err != nil {
		t.Fatalf("Upsert: got error %v, want nil", err)
	}
	if len(m.byKey) != live {
		t.Errorf("after a reset: %d texts, want the %d it had", len(m.byKey), live)
	}
	// Every API changes what it says, twice: the old texts, no API's, outnumber the others.
	want := 0
	for _, rev := range []string{" (revised)", " (revised again)"} {
		revise(docs, rev)
		want = 0
		for _, d := range docs {
			want += len(meaningTexts(d))
		}
		if err := idx.Upsert(ctx, docs...); err != nil {
			t.Fatalf("Upsert: got error %v, want nil", err)
		}
	}
	if err := idx.Close(); err != nil {
		t.Fatalf("Close: got error %v, want nil", err)
	}
	idx, m = openMeaningAt(t, dir, vectors)
	defer idx.Close()
	if got := len(m.byKey); got != want {
		t.Errorf("texts after opening: got %d, want %d (those of the APIs as they are)", got, want)
	}
	if got, want := fileSize(t, vectors), int64(len(vectorsHeader)+len(m.byKey)*recordSize); got != want {
		t.Errorf("vectors file: got %d bytes, want %d", got, want)
	}
	res := mustSearch(t, idx, Query{Text: "rain or sunshine today", Viewer: admin()})
	if got := hitIDs(res); !slices.Equal(got, []string{"weather", "storm"}) {
		t.Errorf("after compacting: hits %v, want [weather storm]", got)
	}
}

// A vectors file that cannot be rewritten (the disk is full) is kept as it was, dead rows and all: a failed write is
// never renamed over it.
func TestMeaningVectorsCompactionFailureKeepsFile(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("needs /dev/full, on Linux")
	}
	defer func(n int) { minCompact = n }(minCompact)
	minCompact = 0
	tmp := t.TempDir()
	dir, vectors := filepath.Join(tmp, "index"), filepath.Join(tmp, "vectors")
	idx, _ := openMeaningAt(t, dir, vectors)
	ctx := context.Background()
	docs := meaningCorpus()
	for _, rev := range []string{"", " (revised)", " (revised again)"} {
		revise(docs, rev)
		if err := idx.Upsert(ctx, docs...); err != nil {
			t.Fatalf("Upsert: got error %v, want nil", err)
		}
	}
	if err := idx.Close(); err != nil {
		t.Fatalf("Close: got error %v, want nil", err)
	}
	before := fileSize(t, vectors)
	// The compacted file is written to vectors.tmp: there, every write fails with "no space left on device".
	if err := os.Symlink("/dev/full", vectors+".tmp"); err != nil {
		t.Fatal(err)
	}
	idx, _ = openMeaningAt(t, dir, vectors)
	defer idx.Close()
	fi, err := os.Lstat(vectors)
	if err != nil {
		t.Fatal(err)
	}
	if !fi.Mode().IsRegular() || fi.Size() != before {
		t.Errorf("vectors file after a failed compaction: mode %v, %d bytes; want the regular file of %d bytes it was", fi.Mode(), fi.Size(), before)
	}
	if _, err := os.Lstat(vectors + ".tmp"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the failed rewrite is left behind: %v", err)
	}
	res := mustSearch(t, idx, Query{Text: "rain or sunshine today", Viewer: admin()})
	if got := hitIDs(res); !slices.Equal(got, []string{"weather", "storm"}) {
		t.Errorf("after a failed compaction: hits %v, want [weather storm]", got)
	}
}

// revise appends rev to what every API and each of its operations says.
func revise(docs []Document, rev string) {
	for i := range docs {
		docs[i].Summary += rev
		for j := range docs[i].Operations {
			docs[i].Operations[j].Summary += rev
		}
	}
}

func fileSize(t *testing.T, name string) int64 {
	t.Helper()
	fi, err := os.Stat(name)
	if err != nil {
		t.Fatalf("stat %s: %v", name, err)
	}
	return fi.Size()
}

// An index built by words alone and opened ranking by meaning encodes its APIs' stored texts in the background, and
// ranks them by meaning once that is done.
func TestMeaningOfAnIndexBuiltWithout(t *testing.T) {
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "index")
	words, err := OpenBleve(dir)
	if err != nil {
		t.Fatalf("OpenBleve: got error %v, want nil", err)
	}
	if err := words.Upsert(context.Background(), meaningCorpus()...); err != nil {
		t.Fatalf("Upsert: got error %v, want nil", err)
	}
	if err := words.Close(); err != nil {
		t.Fatalf("Close: got error %v, want nil", err)
	}
	idx, _ := openMeaningAt(t, dir, filepath.Join(tmp, "vectors"))
	defer idx.Close()
	if err := idx.WaitMeaning(context.Background()); err != nil {
		t.Fatal(err)
	}
	res := mustSearch(t, idx, Query{Text: "rain or sunshine today", Viewer: admin()})
	if got := hitIDs(res); !slices.Equal(got, []string{"weather", "storm"}) {
		t.Errorf("hits: got %v, want [weather storm]", got)
	}
}

// largeMeaningBatch is meaningCorpus and syncEncodeTexts APIs more, each with its own text, found by "beans": more
// new texts than an upsert encodes before it returns.
func largeMeaningBatch() []Document {
	docs := meaningCorpus()
	for i := range syncEncodeTexts {
		docs = append(docs, Document{ID: fmt.Sprintf("filler-%02d", i), Name: fmt.Sprintf("Filler %02d", i), Summary: "Count the beans of batch " + strconv.Itoa(i),
			Team: "data", State: "published", Visibility: VisibilityPublic})
	}
	return docs
}

// A batch with more new texts than an upsert encodes at once is indexed by its words and encoded in the background:
// WaitMeaning returns once every API has its vectors, which are then in the file and rank by meaning.
func TestMeaningOfALargeBatchInTheBackground(t *testing.T) {
	tmp := t.TempDir()
	docs := largeMeaningBatch()
	idx, m := openMeaningAt(t, filepath.Join(tmp, "index"), filepath.Join(tmp, "vectors"))
	defer idx.Close()
	if err := idx.Upsert(context.Background(), docs...); err != nil {
		t.Fatalf("Upsert: got error %v, want nil", err)
	}
	if res := mustSearch(t, idx, Query{Text: "beans", Viewer: admin()}); res.Total != syncEncodeTexts {
		t.Errorf("search by words right after the upsert: %d hits, want %d", res.Total, syncEncodeTexts)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := idx.WaitMeaning(ctx); err != nil {
		t.Fatalf("WaitMeaning: got error %v, want nil", err)
	}
	want := 0
	for _, d := range docs {
		want += len(meaningTexts(d))
	}
	if len(m.byKey) != want {
		t.Errorf("texts encoded: got %d, want %d", len(m.byKey), want)
	}
	res := mustSearch(t, idx, Query{Text: "rain or sunshine today", Viewer: admin()})
	if got := hitIDs(res); !slices.Equal(got, []string{"weather", "storm"}) {
		t.Errorf("hits by meaning: got %v, want [weather storm]", got)
	}
}

// MeaningPending counts the APIs whose vectors are still to be encoded in the background (the background is
// stopped here, so that they stay queued), while the words already find them.
func TestMeaningPending(t *testing.T) {
	tmp := t.TempDir()
	idx, _ := openMeaningAt(t, filepath.Join(tmp, "index"), "")
	defer idx.Close()
	idx.stopOnce.Do(func() { close(idx.stop) })
	idx.background.Wait()
	docs := largeMeaningBatch()
	if err := idx.Upsert(context.Background(), docs...); err != nil {
		t.Fatalf("Upsert: got error %v, want nil", err)
	}
	if got := idx.MeaningPending(); got != len(docs) {
		t.Errorf("MeaningPending: got %d, want %d", got, len(docs))
	}
	if res := mustSearch(t, idx, Query{Text: "beans", Viewer: admin()}); res.Total != syncEncodeTexts {
		t.Errorf("search by words meanwhile: %d hits, want %d", res.Total, syncEncodeTexts)
	}
	if res := mustSearch(t, idx, Query{Text: "rain or sunshine today", Viewer: admin()}); res.Total != 0 {
		t.Errorf("search by meaning before the vectors: got %v, want nothing", hitIDs(res))
	}
	words := openTestBleve(t).(*Bleve)
	if words.RanksByMeaning() || words.MeaningPending() != 0 {
		t.Errorf("an index without meaning: RanksByMeaning %v, MeaningPending %d; want false, 0", words.RanksByMeaning(), words.MeaningPending())
	}
}
