package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// Semantic versioning compares pre-release identifiers with letters in
// ASCII order: 1.0.0-beta follows 1.0.0-RC1 ("R" < "b"). SQLite compares
// text byte by byte; PostgreSQL by the database's collation, which on a
// database created with a language locale (en_US.UTF-8, the official
// image's default) puts "beta" before "RC1". The test database has the C
// collation, so on PostgreSQL the column is given such a collation first,
// as it has on those databases.
func TestLatestVersionComparesPrereleasesInASCIIOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if s.Dialect() == store.PostgreSQL {
			if _, err := s.DB().ExecContext(ctx, `ALTER TABLE api_versions ALTER COLUMN prerelease TYPE VARCHAR(64) COLLATE "en-x-icu"`); err != nil {
				t.Fatal(err)
			}
		}
		team := storetest.Team(t, s, "pets", "Pets")
		a := &store.API{TeamID: team.ID, Slug: "pets", Name: "Pets", Visibility: store.VisibilityPublic}
		if err := s.CreateAPI(ctx, s.DB(), a, store.Now()); err != nil {
			t.Fatal(err)
		}
		for _, pre := range []string{"RC1", "beta", "Alpha"} {
			v := &store.APIVersion{APIID: a.ID, Version: "1.0.0-" + pre, Major: 1, Prerelease: pre, State: "draft", SpecFormat: "openapi-3.0"}
			if err := s.CreateVersion(ctx, s.DB(), v, store.Now()); err != nil {
				t.Fatal(err)
			}
		}
		latest, err := s.LatestVersion(ctx, s.DB(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if latest.Version != "1.0.0-beta" {
			t.Errorf("latest version = %s, want 1.0.0-beta", latest.Version)
		}
		vs, err := s.Versions(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, v := range vs {
			got = append(got, v.Version)
		}
		if want := "[1.0.0-beta 1.0.0-RC1 1.0.0-Alpha]"; fmt.Sprint(got) != want {
			t.Errorf("versions = %v, want %s", got, want)
		}
	})
}
