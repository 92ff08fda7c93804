package search

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
)

func openTestBleve(t *testing.T) Index {
	t.Helper()
	idx, err := OpenBleve(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatalf("OpenBleve: got error %v, want nil", err)
	}
	t.Cleanup(func() {
		if err := idx.Close(); err != nil {
			t.Errorf("Close: got error %v, want nil", err)
		}
	})
	return idx
}

func TestBleveConformance(t *testing.T) {
	runConformance(t, openTestBleve)
}

func TestBleveReopenKeepsDocuments(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	idx, err := OpenBleve(dir)
	if err != nil {
		t.Fatalf("OpenBleve: got error %v, want nil", err)
	}
	if err := idx.Upsert(context.Background(), conformanceCorpus()...); err != nil {
		t.Fatalf("Upsert: got error %v, want nil", err)
	}
	if err := idx.Close(); err != nil {
		t.Fatalf("Close: got error %v, want nil", err)
	}
	idx, err = OpenBleve(dir)
	if err != nil {
		t.Fatalf("OpenBleve again: got error %v, want nil", err)
	}
	defer idx.Close()
	res := mustSearch(t, idx, Query{Text: "geocoder", Viewer: admin()})
	if got := hitIDs(res); !slices.Equal(got, []string{"api-3"}) {
		t.Errorf("hits after reopening: got %v, want [api-3]", got)
	}
}

func TestBleveTypoAndPrefix(t *testing.T) {
	idx := loadCorpus(t, openTestBleve)
	tests := []struct {
		text string
		want string
	}{
		{"geocodr", "api-3"},         // one letter missing
		{"messagign", "api-6"},       // two letters swapped
		{"zeb", "api-6"},             // prefix
		{"charge_id", "api-1"},       // path parameter, split on _
		{"forwardgeocode", "api-3"},  // operation id as one word
		{"forward geocode", "api-3"}, // operation id split on camelCase
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			res := mustSearch(t, idx, Query{Text: tt.text, Viewer: admin()})
			if len(res.Hits) == 0 || res.Hits[0].ID != tt.want {
				t.Errorf("Search(%q): got %v, want %s first", tt.text, hitIDs(res), tt.want)
			}
		})
	}
}

func TestBleveReopenKeepsListing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	idx, err := OpenBleve(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.Upsert(context.Background(), conformanceCorpus()...); err != nil {
		t.Fatal(err)
	}
	before := mustSearch(t, idx, Query{Viewer: Viewer{Teams: []string{"payments"}}, Sort: SortUpdated})
	idx.Close()
	idx, err = OpenBleve(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	after := mustSearch(t, idx, Query{Viewer: Viewer{Teams: []string{"payments"}}, Sort: SortUpdated})
	if !slices.Equal(hitIDs(after), hitIDs(before)) || after.Total != before.Total {
		t.Errorf("listing after reopening: got %v (%d), want %v (%d)", hitIDs(after), after.Total, hitIDs(before), before.Total)
	}
	if !slices.Equal(after.Facets.Teams, before.Facets.Teams) || !slices.Equal(after.Facets.Tags, before.Facets.Tags) {
		t.Errorf("facets after reopening: got %v %v, want %v %v", after.Facets.Teams, after.Facets.Tags, before.Facets.Teams, before.Facets.Tags)
	}
}

func TestBleveOldLayoutIsEmptied(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	b, err := OpenBleve(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Upsert(context.Background(), conformanceCorpus()...); err != nil {
		t.Fatal(err)
	}
	if err := b.idx.SetInternal([]byte(layoutKey), []byte("1")); err != nil {
		t.Fatal(err)
	}
	b.Close()
	b, err = OpenBleve(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if res := mustSearch(t, b, Query{Viewer: admin()}); res.Total != 0 {
		t.Errorf("an index of an older layout kept %d documents, want 0 (to be reindexed)", res.Total)
	}
}

func TestWithinDistance(t *testing.T) {
	tests := []struct {
		a, b string
		k    int
		want bool
	}{
		{"weather", "wether", 1, true},
		{"spotify", "spotfy", 1, true},
		{"messaging", "messagign", 2, true},
		{"messaging", "mossagunx", 2, false},
		{"abc", "abc", 0, true},
		{"abc", "abd", 0, false},
		{"short", "shortest", 2, false},
	}
	for _, tt := range tests {
		if got := withinDistance(tt.a, tt.b, tt.k); got != tt.want {
			t.Errorf("withinDistance(%q, %q, %d) = %v, want %v", tt.a, tt.b, tt.k, got, tt.want)
		}
	}
}

// Scores gives each hit's relevance score, best first, for a text query
// sorted by relevance, and nothing for a listing without text.
func TestBleveScores(t *testing.T) {
	idx := openTestBleve(t)
	if err := idx.Upsert(context.Background(), conformanceCorpus()...); err != nil {
		t.Fatal(err)
	}
	res := mustSearch(t, idx, Query{Text: "payments refund", Viewer: admin()})
	scores := res.Scores()
	if len(res.Hits) < 2 || len(scores) != len(res.Hits) {
		t.Fatalf("scores %v for %d hits, want one per hit (and at least two hits)", scores, len(res.Hits))
	}
	for i := range scores {
		if scores[i] <= 0 || (i > 0 && scores[i] > scores[i-1]) {
			t.Errorf("scores %v: want positive and best first", scores)
			break
		}
	}
	if s := mustSearch(t, idx, Query{Viewer: admin()}).Scores(); s != nil {
		t.Errorf("scores of a listing without text: %v, want nil", s)
	}
}
