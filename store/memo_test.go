package store_test

import (
	"context"
	"testing"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestReadMemo: under WithReadMemo an API's versions and plans are read once
// and each caller gets its own copy; without it every read sees the latest
// rows.
func TestReadMemo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		db := s.DB()
		tm := &store.Team{Slug: "memo", Name: "Memo"}
		if err := s.CreateTeam(ctx, db, tm); err != nil {
			t.Fatal(err)
		}
		a := &store.API{TeamID: tm.ID, Slug: "memo-api", Name: "Memo", Visibility: store.VisibilityPublic}
		if err := s.CreateAPI(ctx, db, a, store.Now()); err != nil {
			t.Fatal(err)
		}
		add := func(version string, major int) {
			v := &store.APIVersion{APIID: a.ID, Version: version, Major: major, State: "draft", SpecJSON: "{}"}
			if err := s.CreateVersion(ctx, db, v, store.Now()); err != nil {
				t.Fatal(err)
			}
		}
		add("1.0.0", 1)
		memo := store.WithReadMemo(ctx)
		first, err := s.Versions(memo, a.ID)
		if err != nil || len(first) != 1 {
			t.Fatalf("Versions: %v, %v", first, err)
		}
		first[0].State = "changed by a caller"
		add("2.0.0", 2)
		again, err := s.Versions(memo, a.ID)
		if err != nil || len(again) != 1 || again[0].State != "draft" {
			t.Fatalf("Versions under the memo: got %+v, %v; want the first answer, unchanged", again, err)
		}
		if fresh, err := s.Versions(ctx, a.ID); err != nil || len(fresh) != 2 {
			t.Fatalf("Versions without the memo: got %d versions, %v; want 2", len(fresh), err)
		}

		// Plans likewise (the API page and its subscription offer both read them).
		addPlan := func(slug string) {
			if err := s.CreatePlan(ctx, db, &store.Plan{APIID: a.ID, Slug: slug, Name: slug, Approval: "auto", Open: true}, store.Now()); err != nil {
				t.Fatal(err)
			}
		}
		addPlan("basic")
		plans, err := s.Plans(memo, a.ID)
		if err != nil || len(plans) != 1 {
			t.Fatalf("Plans: %v, %v", plans, err)
		}
		plans[0].Name = "changed by a caller"
		addPlan("gold")
		if again, err := s.Plans(memo, a.ID); err != nil || len(again) != 1 || again[0].Name != "basic" {
			t.Fatalf("Plans under the memo: got %+v, %v; want the first answer, unchanged", again, err)
		}
		if fresh, err := s.Plans(ctx, a.ID); err != nil || len(fresh) != 2 {
			t.Fatalf("Plans without the memo: got %d plans, %v; want 2", len(fresh), err)
		}
	})
}
