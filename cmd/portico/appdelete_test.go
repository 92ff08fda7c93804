package main

import (
	"context"
	"strings"
	"testing"

	"github.com/portico-dev/portico/store"
)

// TestAppDeleteCommand: `portico app delete` removes an app for the user
// named by --as, with their permissions (a user outside the app's team is
// refused, a developer of it is not), names the flag of a missing input,
// and says what it did; the audit log names the user.
func TestAppDeleteCommand(t *testing.T) {
	vars := importFixture(t)
	ctx := context.Background()
	withStore(t, vars, func(s *store.Store) {
		payments, err := s.TeamBySlug(ctx, "payments")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.CreateApp(ctx, s.DB(), &store.App{TeamID: payments.ID, Slug: "till", Name: "Till"}, store.Now()); err != nil {
			t.Fatal(err)
		}
	})
	run := func(args ...string) (string, error) {
		e, out, _ := testEnv(vars, "")
		err := runEnv(ctx, append([]string{"app", "delete"}, args...), e)
		return out.String(), err
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--app", "till", "--as", "mallory"}, "Only developers and above of Payments"},
		{[]string{"--app", "nope", "--as", "dev"}, `there is no app "nope" (--app)`},
		{[]string{"--app", "till"}, "needs --as USER"},
		{[]string{"--as", "dev"}, "needs --app SLUG"},
	} {
		_, err := run(c.args...)
		if err == nil || !strings.Contains(strings.NewReplacer("\u2068", "", "\u2069", "").Replace(err.Error()), c.want) {
			t.Errorf("app delete %v: %v, want %q", c.args, err, c.want)
		}
	}
	out, err := run("--app", "till", "--as", "dev")
	if err != nil || out != "removed app till\n" {
		t.Fatalf("app delete: %q, %v", out, err)
	}
	if _, err := run("--app", "till", "--as", "dev"); err == nil || !strings.Contains(err.Error(), `there is no app "till"`) {
		t.Errorf("app delete of a removed app: %v", err)
	}
	withStore(t, vars, func(s *store.Store) {
		events, err := s.ListAudit(ctx, store.AuditFilter{Action: "app.delete"})
		if err != nil || len(events) != 1 || events[0].Actor != "dev" {
			t.Errorf("audit: %v, %v; want one app.delete by dev", events, err)
		}
	})
}
