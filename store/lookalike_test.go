package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestTeamHasLookalike: a team has a lookalike when another team's name
// reads like its own, kept through creates and renames; a team whose key
// is missing (created before the column, or by an older instance) still
// counts, and the next start fills its key.
func TestTeamHasLookalike(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		db := s.DB()
		search := &store.Team{Slug: "search", Name: "Search"}
		other := &store.Team{Slug: "payments", Name: "Payments"}
		for _, tm := range []*store.Team{search, other} {
			if err := s.CreateTeam(ctx, db, tm); err != nil {
				t.Fatal(err)
			}
		}
		has := func(tm *store.Team) bool {
			t.Helper()
			alike, err := s.TeamHasLookalike(ctx, tm)
			if err != nil {
				t.Fatal(err)
			}
			return alike
		}
		if has(search) || has(other) {
			t.Fatal("lookalikes among Search and Payments")
		}
		eu := &store.Team{Slug: "search-eu", Name: "search\u200b"}
		if err := s.CreateTeam(ctx, db, eu); err != nil {
			t.Fatal(err)
		}
		if !has(search) || !has(eu) || has(other) {
			t.Fatalf("after creating %q: Search %v, search-eu %v, Payments %v, want true true false", eu.Name, has(search), has(eu), has(other))
		}
		wasName := eu.Name
		eu.Name = "Search Europe"
		if err := s.UpdateTeam(ctx, db, eu, wasName, eu.Description); err != nil {
			t.Fatal(err)
		}
		if has(search) || has(eu) {
			t.Fatal("after renaming search-eu to Search Europe: still lookalikes")
		}
		wasName = other.Name
		other.Name = "ＳＥＡＲＣＨ" // full-width letters
		if err := s.UpdateTeam(ctx, db, other, wasName, other.Description); err != nil {
			t.Fatal(err)
		}
		if !has(search) {
			t.Fatalf("after renaming payments to %q: Search has no lookalike", other.Name)
		}

		// A key left NULL (a row from before the column) still counts, and
		// Migrate fills it.
		if _, err := db.ExecContext(ctx, "UPDATE teams SET name_key = NULL WHERE slug = 'payments'"); err != nil {
			t.Fatal(err)
		}
		if !has(search) {
			t.Fatal("with payments' key NULL: Search has no lookalike")
		}
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		var nulls int
		if err := db.NewRaw("SELECT count(*) FROM teams WHERE name_key IS NULL").Scan(ctx, &nulls); err != nil {
			t.Fatal(err)
		}
		if nulls != 0 || !has(search) {
			t.Fatalf("after Migrate: %d keys NULL, Search has a lookalike %v; want 0, true", nulls, has(search))
		}
	})
}

// TestTeamLookalikeReadUsesItsIndex: on SQLite, the lookalike read is
// answered from the name_key index, not by reading every team.
func TestTeamLookalikeReadUsesItsIndex(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	rows, err := s.DB().QueryContext(ctx, "EXPLAIN QUERY PLAN SELECT name, name_key FROM teams WHERE (name_key = 'k' OR name_key IS NULL) AND slug <> 's' LIMIT 100")
	if err != nil {
		t.Fatal(err)
	}
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	rows.Close()
	if got := strings.Join(plan, "; "); !strings.Contains(got, "teams_name_key_idx") || strings.Contains(got, "SCAN teams") {
		t.Errorf("plan %q, want the name_key index and no scan of the teams", got)
	}
}

// TestTeamLookalikeAfterOlderInstanceRename: a team renamed by an instance
// that does not know name_key (plain SQL, which leaves the key of the old
// name) gets its right lookalike label: after the maintenance pass
// (RefreshTeamNameKeys, also run by Migrate) where its new name reads like
// another's, and at once where its stale key would make a lookalike of a
// team it no longer reads like.
func TestTeamLookalikeAfterOlderInstanceRename(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		db := s.DB()
		teams := []*store.Team{{Slug: "search", Name: "Search"}, {Slug: "payments", Name: "Payments"},
			{Slug: "ops", Name: "Ops"}, {Slug: "ops-eu", Name: "ops\u200b"}}
		for _, tm := range teams {
			if err := s.CreateTeam(ctx, db, tm); err != nil {
				t.Fatal(err)
			}
		}
		has := func(slug string) bool {
			t.Helper()
			fresh, err := s.TeamBySlug(ctx, slug)
			if err != nil {
				t.Fatal(err)
			}
			alike, err := s.TeamHasLookalike(ctx, fresh)
			if err != nil {
				t.Fatal(err)
			}
			return alike
		}
		// An older instance renames payments to a name that reads like
		// Search's...
		if _, err := db.ExecContext(ctx, "UPDATE teams SET name = ? WHERE slug = 'payments'", "ＳＥＡＲＣＨ"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if !has("search") || !has("payments") {
			t.Errorf("after payments renamed ＳＥＡＲＣＨ by plain SQL, and Migrate: Search has a lookalike %v, payments %v; want true, true", has("search"), has("payments"))
		}
		// ... and ops-eu away from Ops.
		if _, err := db.ExecContext(ctx, "UPDATE teams SET name = 'Ops Europe' WHERE slug = 'ops-eu'"); err != nil {
			t.Fatal(err)
		}
		if has("ops") || has("ops-eu") {
			t.Errorf("after ops-eu renamed Ops Europe by plain SQL: Ops has a lookalike %v, ops-eu %v; want false, false", has("ops"), has("ops-eu"))
		}
	})
}
