package policy_test

import (
	"context"
	"testing"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
)

// fixedRoles is a RoleSource with a fixed set of assignments.
type fixedRoles []store.RoleAssignment

func (f fixedRoles) RoleAssignments(context.Context) ([]store.RoleAssignment, error) { return f, nil }
func (f fixedRoles) PolicyVersion(context.Context) (int64, error)                    { return 1, nil }

func TestTeamReviewerPermissions(t *testing.T) {
	const (
		reviewerDev = 1 // developer of payments and its reviewer
		developer   = 2 // developer of payments
		approver    = 3 // org approver
	)
	roles := fixedRoles{
		{UserID: reviewerDev, Role: policy.RoleMember},
		{UserID: reviewerDev, Role: policy.RoleDeveloper, Team: "payments"},
		{UserID: reviewerDev, Role: store.TeamReviewerRole, Team: "payments"},
		{UserID: developer, Role: policy.RoleMember},
		{UserID: developer, Role: policy.RoleDeveloper, Team: "payments"},
		{UserID: approver, Role: policy.RoleApprover},
	}
	e, err := policy.New(context.Background(), roles)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		user        int64
		domain, obj string
		act         string
		want        bool
	}{
		{reviewerDev, policy.TeamDomain("payments"), "api", "review", true},
		{reviewerDev, policy.TeamDomain("payments"), "api", "read", true},
		{reviewerDev, policy.TeamDomain("payments"), "api", "submit", true},
		{reviewerDev, policy.TeamDomain("payments"), "api", "deprecate", false},
		{reviewerDev, policy.TeamDomain("payments"), "members", "manage", false},
		{reviewerDev, policy.TeamDomain("search"), "api", "review", false},
		{reviewerDev, policy.TeamDomain("search"), "api", "read", false},
		{reviewerDev, policy.OrgDomain, "reviews", "read", false},
		{developer, policy.TeamDomain("payments"), "api", "review", false},
		{approver, policy.TeamDomain("payments"), "api", "review", true},
		{approver, policy.TeamDomain("search"), "api", "review", true},
		{approver, policy.OrgDomain, "reviews", "read", true},
	}
	for _, tc := range tests {
		got, err := e.Allowed(context.Background(), tc.user, tc.domain, tc.obj, tc.act)
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("Allowed(user %d, %s, %s, %s) = %v, want %v", tc.user, tc.domain, tc.obj, tc.act, got, tc.want)
		}
	}
}
