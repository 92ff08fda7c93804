package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestAppsOfPages walks the apps of two teams a page at a time: each app
// once, by name then id (equal names included), the other team's never.
func TestAppsOfPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		mine := &store.Team{Slug: "payments", Name: "Payments"}
		other := &store.Team{Slug: "search", Name: "Search"}
		for _, team := range []*store.Team{mine, other} {
			if err := s.CreateTeam(ctx, s.DB(), team); err != nil {
				t.Fatal(err)
			}
		}
		names := []string{"Kilo", "Bravo", "Kilo", "Alpha", "Echo", "Bravo", "Zulu"}
		var apps []store.App
		for i, n := range names {
			apps = append(apps, store.App{TeamID: mine.ID, Slug: fmt.Sprintf("mine-%d", i), Name: n})
			apps = append(apps, store.App{TeamID: other.ID, Slug: fmt.Sprintf("other-%d", i), Name: n})
		}
		if err := s.CreateApps(ctx, s.DB(), apps); err != nil {
			t.Fatal(err)
		}
		var got []string
		var after store.AppCursor
		for range len(names) + 1 {
			page, err := s.AppsOf(ctx, []int64{mine.ID}, after, 2)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range page {
				if a.TeamID != mine.ID || a.Team == nil {
					t.Fatalf("app %s of team %d, team loaded %v", a.Slug, a.TeamID, a.Team != nil)
				}
				got = append(got, a.Name+"/"+a.Slug)
			}
			if len(page) < 2 {
				break
			}
			after = store.AppCursorAfter(page[len(page)-1])
		}
		want := "[Alpha/mine-3 Bravo/mine-1 Bravo/mine-5 Echo/mine-4 Kilo/mine-0 Kilo/mine-2 Zulu/mine-6]"
		if fmt.Sprint(got) != want {
			t.Errorf("pages: %v\nwant %s", got, want)
		}
	})
}
