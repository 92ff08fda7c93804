package people_test

import (
	"context"
	"errors"
	"testing"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/people"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestDisabledOwnerDoesNotKeepTheTeam: a team keeps an owner who can act.
// Once its other owner is disabled (someone who left), the last active
// owner can neither step down nor leave: the disabled owner cannot manage
// the team's members, as a disabled admin does not count for the org.
func TestDisabledOwnerDoesNotKeepTheTeam(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		team, err := f.svc.CreateTeam(ctx, f.admin, people.TeamInput{Slug: "payments", Name: "Payments"})
		if err != nil {
			t.Fatal(err)
		}
		bob, err := f.svc.Console("cli").CreateUser(ctx, people.UserInput{Username: "bob"}, password)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"mia", "bob"} {
			if _, err := f.svc.SetMember(ctx, f.admin, team, people.MemberInput{Username: name, Role: policy.RoleOwner}); err != nil {
				t.Fatal(err)
			}
		}
		yes := true
		if err := f.svc.UpdateUser(ctx, f.admin, bob, people.UserChange{Disabled: &yes}); err != nil {
			t.Fatal(err)
		}
		mia, err := s.UserByUsername(ctx, "mia")
		if err != nil {
			t.Fatal(err)
		}
		var ce *apperr.ConflictError
		if _, err := f.svc.SetMember(ctx, mia, team, people.MemberInput{Username: "mia", Role: policy.RoleMaintainer}); !errors.As(err, &ce) {
			t.Errorf("the last active owner steps down beside a disabled one: got %v, want a ConflictError", err)
		}
		if err := f.svc.RemoveMember(ctx, mia, team, "mia"); !errors.As(err, &ce) {
			t.Errorf("the last active owner leaves beside a disabled one: got %v, want a ConflictError", err)
		}
		// The disabled owner may go: mia stays.
		if err := f.svc.RemoveMember(ctx, mia, team, "bob"); err != nil {
			t.Errorf("remove the disabled owner: %v", err)
		}
	})
}
