package search

import (
	"context"
	"strings"
	"testing"
)

// TestBleveHintNeverSuggestsHiddenWords: a "did you mean" of a query whose other words match a visible API never
// corrects a typo to a word that only an API the viewer may not see has.
func TestBleveHintNeverSuggestsHiddenWords(t *testing.T) {
	idx := openTestBleve(t)
	docs := []Document{
		{ID: "1", Slug: "weather", Name: "Weather", Summary: "Forecasts for a city.", Visibility: VisibilityPublic, State: "published"},
		{ID: "2", Slug: "merger", Name: "Zanzibar acquisition", Summary: "Project Zanzibar: the secret merger.", Visibility: VisibilityTeam, Team: "board", State: "published"},
	}
	if err := idx.Upsert(context.Background(), docs...); err != nil {
		t.Fatal(err)
	}
	outsider := Viewer{Teams: []string{"other"}}
	for _, text := range []string{"weather zanzibat", "zanzibat weather", "forecasts acquisiton"} {
		res := mustSearch(t, idx, Query{Text: text, Viewer: outsider})
		if res.Hint != nil && (strings.Contains(res.Hint.DidYouMean, "zanzibar") || strings.Contains(res.Hint.DidYouMean, "acquisition")) {
			t.Errorf("hint of %q for an outsider: got did you mean %q, want no word of the hidden API", text, res.Hint.DidYouMean)
		}
	}
	res := mustSearch(t, idx, Query{Text: "weather zanzibat", Viewer: Viewer{Teams: []string{"board"}}})
	if res.Total != 2 {
		t.Errorf("weather zanzibat for the board: got %d hits, want 2", res.Total)
	}
}
