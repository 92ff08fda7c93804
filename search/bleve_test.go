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
