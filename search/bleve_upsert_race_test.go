package search

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// TestUpsertNeverShowsHiddenTextAsPublic: while an API that was public is made team-only with a new text, a search
// by somebody outside the team finds neither the API by its new words nor those words in a snippet: the index and
// the listing (which holds visibility) change together.
func TestUpsertNeverShowsHiddenTextAsPublic(t *testing.T) {
	idx, _ := openMeaningAt(t, filepath.Join(t.TempDir(), "index"), "")
	t.Cleanup(func() { idx.Close() })
	ctx := context.Background()
	public := Document{ID: "1", Slug: "deals", Name: "Deals", Summary: "Company deals.", Visibility: VisibilityPublic, State: "published"}
	if err := idx.Upsert(ctx, public); err != nil {
		t.Fatal(err)
	}
	outsider := Viewer{Teams: []string{"other"}}
	var leaks atomic.Int32
	var first atomic.Value
	for round := 0; round < 3 && leaks.Load() == 0; round++ {
		hidden := public
		hidden.Visibility, hidden.Team = VisibilityTeam, "board"
		hidden.Description = fmt.Sprintf("Project zanzibar, round %d: the secret merger.", round)
		// Each search is another query (a page size of its own), as the results of one are cached until the index
		// changes. Texts to encode make the upsert take a while, as a real one with operations does.
		for i := 0; i < 60; i++ {
			hidden.Operations = append(hidden.Operations, Operation{Method: "GET", Path: fmt.Sprintf("/r%d/things%d", round, i),
				Summary: fmt.Sprintf("List the things of kind %d in round %d", i, round)})
		}
		done := make(chan error)
		go func() { done <- idx.Upsert(ctx, hidden) }()
		running := true
		for n := 0; running; n++ {
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
				running = false
			default:
			}
			res, err := idx.Search(ctx, Query{Text: "zanzibar", Viewer: outsider, PerPage: 1 + n%MaxPerPage})
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range res.Hits {
				if !h.Related {
					leaks.Add(1)
					first.CompareAndSwap(nil, fmt.Sprintf("hit %s, highlights %q, total %d", h.Slug, strings.Join(h.Highlights, " | "), res.Total))
				}
			}
		}
		if err := idx.Upsert(ctx, public); err != nil {
			t.Fatal(err)
		}
	}
	if n := leaks.Load(); n > 0 {
		t.Errorf("%d searches by an outsider found the API by the words of its team-only text, the first: %v", n, first.Load())
	}
}
