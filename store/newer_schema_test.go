package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/portico-dev/portico/migrations"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestReadsTolerateAColumnOfANewerPortico: during a rolling upgrade the
// first upgraded instance migrates the database while the older ones keep
// serving it. A newer Portico's migration may add a column to any table;
// the older instance's reads, those that select a table's every column
// ("t.*") too, must go on working rather than fail on a column their
// types do not know.
func TestReadsTolerateAColumnOfANewerPortico(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		db := s.DB()
		team := &store.Team{Slug: "pay-team", Name: "Payments"}
		if err := s.CreateTeam(ctx, db, team); err != nil {
			t.Fatal(err)
		}
		a := &store.API{TeamID: team.ID, Slug: "pay", Name: "Pay API", Visibility: "public"}
		if err := s.CreateAPI(ctx, db, a, store.Now()); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateGatewayDeployment(ctx, db, &store.GatewayDeployment{APIID: a.ID, Major: 1,
			Targets: store.StringList{"http://127.0.0.1:9"}, Note: "first"}); err != nil {
			t.Fatal(err)
		}
		// What a newer Portico's migration adds.
		for _, table := range []string{"teams", "gateway_deployments", "apis", "users"} {
			if _, err := db.ExecContext(ctx, "ALTER TABLE "+table+" ADD COLUMN added_by_a_newer_portico INTEGER NOT NULL DEFAULT 7"); err != nil {
				t.Fatal(err)
			}
		}
		teams, err := s.ListTeams(ctx)
		if err != nil || len(teams) != 1 || teams[0].Slug != "pay-team" {
			t.Errorf("ListTeams on a newer schema: %+v, %v; want the team pay-team", teams, err)
		}
		ds, err := s.GatewayDeployments(ctx, a.ID, 1, 10)
		if err != nil || len(ds) != 1 || ds[0].Note != "first" {
			t.Errorf("GatewayDeployments on a newer schema: %+v, %v; want the deployment \"first\"", ds, err)
		}
		if got, err := s.APIBySlug(ctx, "pay"); err != nil || got.ID != a.ID {
			t.Fatalf("APIBySlug on a newer schema: %+v, %v", got, err)
		}
	})
}

// TestMigrateRefusesADatabaseOfANewerPortico: an older binary started on
// a database a newer Portico migrated (a rollback, or an instance left
// behind restarting) refuses to start, naming the database's last
// migration and its own, rather than saying the database is up to date
// and serving a schema it does not know.
func TestMigrateRefusesADatabaseOfANewerPortico(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			dsn, dir := storetest.Unmigrated(t, d)
			s, err := store.Open(ctx, dsn, dir)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if _, err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			latest, err := migrations.Latest()
			if err != nil {
				t.Fatal(err)
			}
			// What a newer Portico's migrate records.
			if _, err := s.DB().ExecContext(ctx, "INSERT INTO bun_migrations (name, group_id, migrated_at) VALUES ('29991231000000', 999, CURRENT_TIMESTAMP)"); err != nil {
				t.Fatal(err)
			}
			applied, err := s.Migrate(ctx)
			var newer *store.NewerDatabaseError
			if !errors.As(err, &newer) || newer.Database != "29991231000000" || newer.Binary != latest {
				t.Fatalf("Migrate on a newer database: applied %v, err %v; want a NewerDatabaseError naming 29991231000000 and %s", applied, err, latest)
			}
			want := "the database was migrated by a newer Portico (its last migration is 29991231000000, this binary knows up to " + latest + ")"
			if !strings.Contains(err.Error(), want) {
				t.Fatalf("error %q, want it to say %q", err, want)
			}
			// A migration of this binary's own that the database lacks is
			// applied by this binary once the newer one is gone: only a
			// later one refuses.
			if _, err := s.DB().ExecContext(ctx, "DELETE FROM bun_migrations WHERE name = '29991231000000'"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Migrate(ctx); err != nil {
				t.Fatalf("Migrate on a database of this binary: %v", err)
			}
		})
	}
}
