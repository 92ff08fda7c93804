package main

import (
	"context"
	"strings"
	"testing"

	"github.com/portico-dev/portico/store"
)

// TestAPITransferCommand: `portico api transfer` moves an API for the user
// named by --as, with their permissions (a maintainer is refused, an org
// admin is not), names the flag of a refused input, and says what it did.
func TestAPITransferCommand(t *testing.T) {
	vars := importFixture(t)
	ctx := context.Background()
	withStore(t, vars, func(s *store.Store) {
		search := &store.Team{Slug: "search", Name: "Search"}
		if err := s.CreateTeam(ctx, s.DB(), search); err != nil {
			t.Fatal(err)
		}
		payments, err := s.TeamBySlug(ctx, "payments")
		if err != nil {
			t.Fatal(err)
		}
		a := &store.API{TeamID: payments.ID, Slug: "pets", Name: "Pets", Visibility: store.VisibilityPublic}
		if err := s.CreateAPI(ctx, s.DB(), a, store.Now()); err != nil {
			t.Fatal(err)
		}
	})
	run := func(args ...string) (string, error) {
		e, out, _ := testEnv(vars, "")
		err := runEnv(ctx, append([]string{"api", "transfer"}, args...), e)
		return out.String(), err
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--api", "pets", "--team", "search", "--as", "maint"}, "Only owners of"},
		{[]string{"--api", "pets", "--team", "nowhere", "--as", "admin"}, `--team: There is no team "nowhere".`},
		{[]string{"--api", "nope", "--team", "search", "--as", "admin"}, `there is no API "nope" (--api)`},
		{[]string{"--api", "pets", "--team", "search"}, "needs --as USER"},
	} {
		_, err := run(c.args...)
		if err == nil || !strings.Contains(strings.NewReplacer("\u2068", "", "\u2069", "").Replace(err.Error()), c.want) {
			t.Errorf("api transfer %v: %v, want %q", c.args, err, c.want)
		}
	}
	out, err := run("--api", "pets", "--team", "search", "--as", "admin")
	if err != nil || out != "moved pets from payments to search\n" {
		t.Fatalf("api transfer: %q, %v", out, err)
	}
	withStore(t, vars, func(s *store.Store) {
		a, err := s.APIBySlug(ctx, "pets")
		if err != nil {
			t.Fatal(err)
		}
		if a.Team.Slug != "search" {
			t.Errorf("pets is in %s, want search", a.Team.Slug)
		}
		events, err := s.ListAudit(ctx, store.AuditFilter{Action: "api.transfer"})
		if err != nil || len(events) != 1 || events[0].Actor != "admin" {
			t.Errorf("audit: %v, %v; want one api.transfer by admin", events, err)
		}
	})
}
