package people_test

import (
	"context"
	"sync"
	"testing"

	"github.com/portico-dev/portico/people"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestAdminsDemotingEachOtherKeepOne: an admin cannot demote themself, but
// the org's two admins demoting each other at the same moment each pass
// that check. One of the two changes must be refused: the org is never
// left without an active admin. Each round races the two; a round in which
// one change was taken gives the demoted admin the role back.
func TestAdminsDemotingEachOtherKeepOne(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		second, err := f.svc.Console("cli").CreateUser(ctx, people.UserInput{Username: "ada", OrgRole: policy.RoleAdmin}, password)
		if err != nil {
			t.Fatal(err)
		}
		member := policy.RoleMember
		admins := []*store.User{f.admin, second}
		for round := range 15 {
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, actor := range admins {
				other := admins[1-i]
				target, err := s.UserByUsername(ctx, other.Username)
				if err != nil {
					t.Fatal(err)
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs[i] = f.svc.UpdateUser(ctx, actor, target, people.UserChange{OrgRole: &member})
				}()
			}
			wg.Wait()
			n, err := s.CountActiveWithOrgRole(ctx, s.DB(), policy.RoleAdmin)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				t.Fatalf("round %d: no admin left (errors %v)", round, errs)
			}
			// Give the role back for the next round.
			for _, a := range admins {
				u, err := s.UserByUsername(ctx, a.Username)
				if err != nil {
					t.Fatal(err)
				}
				if u.OrgRole != policy.RoleAdmin {
					u.OrgRole = policy.RoleAdmin
					if err := s.UpdateUser(ctx, s.DB(), u); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
	})
}
