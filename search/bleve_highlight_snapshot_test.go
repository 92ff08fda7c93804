package search

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestHighlightsReadTheTextSearched: a search's snippets come from the index as it was searched. An API that was
// public is made team-only with a new text after an outsider's search found it by its old text, before the hits'
// texts are read for highlights: the snippet must show the old, public text, never the new, team-only one.
func TestHighlightsReadTheTextSearched(t *testing.T) {
	idx, err := OpenBleve(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	ctx := context.Background()
	public := Document{ID: "1", Slug: "deals", Name: "Deals", Summary: "Company deals.", Visibility: VisibilityPublic, State: "published"}
	if err := idx.Upsert(ctx, public); err != nil {
		t.Fatal(err)
	}
	changed := false
	idx.beforeHighlights = func() {
		if changed {
			return
		}
		changed = true
		hidden := public
		hidden.Visibility, hidden.Team = VisibilityTeam, "board"
		hidden.Summary = "Deals of project zanzibar: the secret merger."
		if err := idx.Upsert(ctx, hidden); err != nil {
			t.Error(err)
		}
	}
	res, err := idx.Search(ctx, Query{Text: "deals", Viewer: Viewer{Teams: []string{"other"}}})
	if err != nil {
		t.Fatal(err)
	}
	if !changed {
		t.Fatal("the API was not changed between the search and its highlights")
	}
	for _, h := range res.Hits {
		if got := strings.Join(h.Highlights, " | "); strings.Contains(got, "zanzibar") {
			t.Errorf("an outsider's hit %s shows the team-only text: %q", h.Slug, got)
		}
	}
}
