package people_test

import (
	"context"
	"testing"

	"github.com/portico-dev/portico/people"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestProfileSaveKeepsAnAdminsChange: a request works on the user as its
// session read them. When an admin demotes or disables that user while the
// user's own profile save is in flight, the save must not write the old
// role or status back.
func TestProfileSaveKeepsAnAdminsChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		member, approver := policy.RoleMember, policy.RoleApprover
		yes := true
		tests := []struct {
			name   string
			role   string
			change people.UserChange
			want   string
		}{
			{"demoted", approver, people.UserChange{OrgRole: &member}, "org_role=member disabled=false"},
			{"disabled", member, people.UserChange{Disabled: &yes}, "org_role=member disabled=true"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				u, err := f.svc.Console("cli").CreateUser(ctx, people.UserInput{Username: "eve-" + tt.name, OrgRole: tt.role}, password)
				if err != nil {
					t.Fatal(err)
				}
				asSessionRead := *u // the request's user, read when it was authenticated
				target, err := s.UserByUsername(ctx, u.Username)
				if err != nil {
					t.Fatal(err)
				}
				if err := f.svc.UpdateUser(ctx, f.admin, target, tt.change); err != nil {
					t.Fatal(err)
				}
				if err := f.svc.UpdateProfile(ctx, &asSessionRead, people.ProfileInput{DisplayName: "Eve", Email: "eve@example.com"}); err != nil {
					t.Fatal(err)
				}
				got, err := s.UserByUsername(ctx, u.Username)
				if err != nil {
					t.Fatal(err)
				}
				if state := "org_role=" + got.OrgRole + " disabled=" + map[bool]string{true: "true", false: "false"}[got.Disabled]; state != tt.want {
					t.Errorf("after the profile save: got %s, want %s (the admin's change undone)", state, tt.want)
				}
				if got.DisplayName != "Eve" || got.Email != "eve@example.com" {
					t.Errorf("profile: got %q %q, want \"Eve\" \"eve@example.com\"", got.DisplayName, got.Email)
				}
			})
		}
	})
}
