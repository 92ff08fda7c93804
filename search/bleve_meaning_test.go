package search

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/portico-dev/portico/search/meaning"
)

// meaningDocs are two APIs a query about snow matches by one word, in their descriptions: the hotel deals in a shorter
// one, so by words the hotels come first; by meaning the weather forecast does.
func meaningDocs() []Document {
	docs := []Document{
		{ID: "getaways", Name: "Hotel Deals", Summary: "Book hotel stays.", Tags: []string{"travel"},
			Description: "Hotel deals for your trip.",
			Operations: []Operation{
				{Method: "get", Path: "/deals", Summary: "List the hotel deals"},
				{Method: "post", Path: "/bookings", Summary: "Book a room"},
			}},
		{ID: "forecast", Name: "Skies", Summary: "Hourly and daily forecasts of temperature, precipitation and wind.",
			Tags:        []string{"meteorology"},
			Description: "Plan your trip outdoors with forecasts for any place on Earth, a fortnight ahead.",
			Operations: []Operation{
				{Method: "get", Path: "/forecast", Summary: "Get the forecast of a place"},
				{Method: "get", Path: "/alerts", Summary: "List the weather alerts"},
			}},
	}
	for i := range docs {
		docs[i].Team, docs[i].State, docs[i].Visibility = "team", "published", VisibilityPublic
	}
	return docs
}

func TestBleveMeaningRanksWhatTheQueryIsAbout(t *testing.T) {
	ctx := context.Background()
	q := Query{Text: "snowfall on my trip", Viewer: admin()}
	for _, tc := range []struct {
		name  string
		opts  []BleveOption
		first string
	}{
		{"meaning", nil, "forecast"},
		{"words alone", []BleveOption{WithMeaning(nil, 0)}, "getaways"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := OpenBleve(filepath.Join(t.TempDir(), "index"), tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			if err := b.Upsert(ctx, meaningDocs()...); err != nil {
				t.Fatal(err)
			}
			res := mustSearch(t, b, q)
			if got := hitIDs(res); len(got) != 2 || got[0] != tc.first {
				t.Errorf("%q: got %v, want both, %s first", q.Text, got, tc.first)
			}
			// Only the order changes: the total, the facets and the highlights are the words'.
			if res.Total != 2 || len(res.Facets.Teams) != 1 || res.Facets.Teams[0].Count != 2 {
				t.Errorf("%q: got total %d, team facet %v, want 2 and team: 2", q.Text, res.Total, res.Facets.Teams)
			}
			for _, h := range res.Hits {
				if len(h.Highlights) == 0 {
					t.Errorf("%q: hit %s has no highlight", q.Text, h.ID)
				}
			}
			// An API that matches no word of the query is not added, however close its meaning.
			if got := hitIDs(mustSearch(t, b, Query{Text: "blizzard", Viewer: admin()})); len(got) != 0 {
				t.Errorf("blizzard: got %v, want nothing (no API has the word)", got)
			}
		})
	}
}

// An API's vector is computed when it is indexed and again, from the stored fields, when the index is opened: the
// same vector, so the same ranking, either way; a deleted API's vector goes with its entry.
func TestBleveMeaningVectorsSurviveReopen(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "index")
	b, err := OpenBleve(dir)
	if err != nil {
		t.Fatal(err)
	}
	docs := append(meaningDocs(), benchCorpus(40, 3)...)
	if err := b.Upsert(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	before := map[string]meaning.Packed{}
	for id, e := range b.list.byID {
		if len(e.vec.V) == 0 {
			t.Fatalf("api %s: no meaning vector", id)
		}
		before[id] = e.vec
	}
	q := Query{Text: "snowfall on my trip", Viewer: admin()}
	want := hitIDs(mustSearch(t, b, q))
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if b, err = OpenBleve(dir); err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if len(b.list.byID) != len(before) {
		t.Fatalf("entries after reopening: got %d, want %d", len(b.list.byID), len(before))
	}
	for id, e := range b.list.byID {
		if !slices.Equal(e.vec.V, before[id].V) || e.vec.Scale != before[id].Scale {
			t.Errorf("api %s: the vector read back differs from the one indexed", id)
		}
	}
	if f, g := slices.Index(want, "forecast"), slices.Index(want, "getaways"); f < 0 || g < 0 || f > g {
		t.Fatalf("%q: got %v, want forecast before getaways", q.Text, want)
	}
	if got := hitIDs(mustSearch(t, b, q)); !slices.Equal(got, want) {
		t.Errorf("%q after reopening: got %v, want %v", q.Text, got, want)
	}
	if err := b.Delete(ctx, "forecast"); err != nil {
		t.Fatal(err)
	}
	if _, ok := b.list.byID["forecast"]; ok {
		t.Errorf("deleted api: still listed")
	}
	if got := hitIDs(mustSearch(t, b, q)); slices.Contains(got, "forecast") {
		t.Errorf("%q after deleting forecast: got %v", q.Text, got)
	}
}
