package people_test

import (
	"context"
	"errors"
	"testing"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/people"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestStaleTeamEditIsRefused: two owners' requests read the team, the
// first renames it, then the second saves on what it read. The second
// save is refused (ConflictError) and writes nothing, rather than
// overwriting the first rename with an audit entry that names a "before"
// the team no longer had; read again, it goes through. A team removed
// meanwhile is not edited either.
func TestStaleTeamEditIsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		if _, err := f.svc.CreateTeam(ctx, f.admin, people.TeamInput{Slug: "payments", Name: "Payments"}); err != nil {
			t.Fatal(err)
		}
		read := func() *store.Team {
			tm, err := s.TeamBySlug(ctx, "payments")
			if err != nil {
				t.Fatal(err)
			}
			return tm
		}
		first, stale := read(), read()
		if err := f.svc.UpdateTeam(ctx, f.admin, first, people.TeamEdit{Name: "Billing"}); err != nil {
			t.Fatal(err)
		}
		var ce *apperr.ConflictError
		if err := f.svc.UpdateTeam(ctx, f.admin, stale, people.TeamEdit{Name: "Ledger", Description: "books"}); !errors.As(err, &ce) {
			t.Errorf("save on a team read before a rename: %v, want a ConflictError", err)
		}
		if got := read(); got.Name != "Billing" || got.Description != "" {
			t.Errorf("after the stale save: %q %q, want Billing and no description", got.Name, got.Description)
		}
		var befores []string
		if err := s.DB().NewSelect().Table("audit_events").Column("before_state").Where("action = ?", "team.update").OrderExpr("id").Scan(ctx, &befores); err != nil {
			t.Fatal(err)
		}
		if len(befores) != 1 || befores[0] != `name="Payments"` {
			t.Errorf("team.update audit befores: %q, want one, name=\"Payments\"", befores)
		}
		if err := f.svc.UpdateTeam(ctx, f.admin, read(), people.TeamEdit{Name: "Ledger"}); err != nil {
			t.Errorf("save read again: %v", err)
		}

		gone := read()
		if err := f.svc.DeleteTeam(ctx, f.admin, read()); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.UpdateTeam(ctx, f.admin, gone, people.TeamEdit{Name: "Ghost"}); err == nil {
			t.Error("a team removed meanwhile was renamed")
		}
	})
}
