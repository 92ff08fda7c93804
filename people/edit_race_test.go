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

// TestStaleUserEditIsRefused: two admins open the same user's form; the
// first saves, then the second saves what they read. The second save is
// refused with a ConflictError and writes nothing: the first admin's
// change is not lost. A user's own profile save counts as a change too.
func TestStaleUserEditIsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		second, err := f.svc.Console("cli").CreateUser(ctx, people.UserInput{Username: "ada", OrgRole: policy.RoleAdmin}, password)
		if err != nil {
			t.Fatal(err)
		}
		read := func() *store.User {
			u, err := s.UserByUsername(ctx, f.member.Username)
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		first, stale := read(), read()
		if err := f.svc.UpdateUser(ctx, f.admin, first, people.UserChange{OrgRole: ptr(policy.RoleApprover)}); err != nil {
			t.Fatal(err)
		}
		var ce *apperr.ConflictError
		err = f.svc.UpdateUser(ctx, second, stale, people.UserChange{DisplayName: ptr("Mia M."), OrgRole: ptr(policy.RoleMember)})
		if !errors.As(err, &ce) {
			t.Errorf("stale save: got %v, want a ConflictError", err)
		}
		if got := read(); got.OrgRole != policy.RoleApprover || got.DisplayName != "" {
			t.Errorf("after the stale save: role %q, display name %q; want approver and \"\" (the first save kept, nothing of the second)", got.OrgRole, got.DisplayName)
		}

		// A profile save between the read and the admin's save.
		before := read()
		me := read()
		if err := f.svc.UpdateProfile(ctx, me, people.ProfileInput{DisplayName: "Mia", Email: "mia@example.com"}); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.UpdateUser(ctx, f.admin, before, people.UserChange{Email: ptr("")}); !errors.As(err, &ce) {
			t.Errorf("save read before the user's profile save: got %v, want a ConflictError", err)
		}
		if got := read(); got.Email != "mia@example.com" {
			t.Errorf("email after the stale save: got %q, want mia@example.com", got.Email)
		}

		// Read again, the save goes through.
		if err := f.svc.UpdateUser(ctx, second, read(), people.UserChange{DisplayName: ptr("Mia M.")}); err != nil {
			t.Errorf("save of a fresh read: %v", err)
		}
	})
}
