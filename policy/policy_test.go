package policy_test

import (
	"context"
	"slices"
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
		{reviewerDev, policy.TeamDomain("payments"), "reviews", "override", false},
		{developer, policy.TeamDomain("payments"), "api", "review", false},
		{approver, policy.TeamDomain("payments"), "api", "review", true},
		{approver, policy.TeamDomain("search"), "api", "review", true},
		{approver, policy.TeamDomain("payments"), "reviews", "override", false},
		{approver, policy.TeamDomain("payments"), "reviews", "withdraw", false},
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

func TestTeamsAndRoleAllows(t *testing.T) {
	const (
		admin    = 1
		approver = 2
		owner    = 3 // owner of payments, viewer of search
		reviewer = 4 // developer and reviewer of payments
		member   = 5 // in no team
	)
	roles := fixedRoles{
		{UserID: admin, Role: policy.RoleAdmin},
		{UserID: approver, Role: policy.RoleApprover},
		{UserID: owner, Role: policy.RoleMember},
		{UserID: owner, Role: policy.RoleOwner, Team: "payments"},
		{UserID: owner, Role: policy.RoleViewer, Team: "search"},
		{UserID: reviewer, Role: policy.RoleMember},
		{UserID: reviewer, Role: policy.RoleDeveloper, Team: "payments"},
		{UserID: reviewer, Role: store.TeamReviewerRole, Team: "payments"},
		{UserID: member, Role: policy.RoleMember},
	}
	e, err := policy.New(context.Background(), roles)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		user     int64
		obj, act string
		want     policy.Scope
	}{
		{admin, "api", "read", policy.Scope{All: true}},
		{admin, "api", "review", policy.Scope{All: true}},
		{admin, "reviews", "override", policy.Scope{All: true}},
		{approver, "api", "read", policy.Scope{All: true}},
		{approver, "api", "review", policy.Scope{All: true}},
		{approver, "reviews", "override", policy.Scope{}},
		{approver, "api", "edit", policy.Scope{}},
		{owner, "api", "read", policy.Scope{Teams: []string{"payments", "search"}}},
		{owner, "api", "edit", policy.Scope{Teams: []string{"payments"}}},
		{owner, "api", "review", policy.Scope{}},
		{reviewer, "api", "review", policy.Scope{Teams: []string{"payments"}}},
		{reviewer, "api", "read", policy.Scope{Teams: []string{"payments"}}},
		{member, "api", "read", policy.Scope{}},
		{member, "team", "read", policy.Scope{All: true}},
	}
	for _, tc := range tests {
		got, err := e.Teams(context.Background(), tc.user, tc.obj, tc.act)
		if err != nil {
			t.Fatal(err)
		}
		if got.All != tc.want.All || !slices.Equal(got.Teams, tc.want.Teams) {
			t.Errorf("Teams(user %d, %s, %s) = %+v, want %+v", tc.user, tc.obj, tc.act, got, tc.want)
		}
		if got.None() != (!tc.want.All && len(tc.want.Teams) == 0) {
			t.Errorf("Teams(user %d, %s, %s).None() = %v", tc.user, tc.obj, tc.act, got.None())
		}
	}

	for _, tc := range []struct {
		role, domain, obj, act string
		want                   bool
	}{
		{policy.RoleAdmin, policy.OrgDomain, "users", "manage", true},
		{policy.RoleApprover, policy.OrgDomain, "users", "manage", false},
		{policy.RoleMember, policy.OrgDomain, "users", "manage", false},
		{policy.RoleApprover, policy.TeamDomain("payments"), "api", "review", true},
		{policy.RoleOwner, policy.TeamDomain("payments"), "members", "manage", false}, // not an org role
		{"nonsense", policy.OrgDomain, "users", "manage", false},
	} {
		got, err := e.RoleAllows(context.Background(), tc.role, tc.domain, tc.obj, tc.act)
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("RoleAllows(%s, %s, %s, %s) = %v, want %v", tc.role, tc.domain, tc.obj, tc.act, got, tc.want)
		}
	}
}

// changingRoles is a RoleSource whose assignments and version a test moves.
type changingRoles struct {
	roles   []store.RoleAssignment
	version int64
}

func (c *changingRoles) RoleAssignments(context.Context) ([]store.RoleAssignment, error) {
	return c.roles, nil
}
func (c *changingRoles) PolicyVersion(context.Context) (int64, error) { return c.version, nil }

// TestCachedDecisionsFollowRoleChanges asks the same question before and
// after a role change: the cached answer never outlives the change.
func TestCachedDecisionsFollowRoleChanges(t *testing.T) {
	ctx := context.Background()
	src := &changingRoles{version: 1, roles: []store.RoleAssignment{
		{UserID: 1, Role: policy.RoleMember}, {UserID: 1, Role: policy.RoleMaintainer, Team: "payments"}}}
	e, err := policy.New(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	ask := func() bool {
		t.Helper()
		ok, err := e.Allowed(ctx, 1, policy.TeamDomain("payments"), "api", "deprecate")
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	// The second answer comes from the cache.
	if first, cached := ask(), ask(); !first || !cached {
		t.Fatalf("a maintainer may not deprecate (answered %v, then %v from the cache)", first, cached)
	}
	for range 2 {
		if teams, err := e.Teams(ctx, 1, "api", "deprecate"); err != nil || !slices.Equal(teams.Teams, []string{"payments"}) || teams.All {
			t.Fatalf("Teams before the change: %+v, %v", teams, err)
		}
	}
	src.roles = []store.RoleAssignment{{UserID: 1, Role: policy.RoleMember}, {UserID: 1, Role: policy.RoleViewer, Team: "payments"}}
	src.version = 2
	if ask() {
		t.Error("after the change to viewer the cached answer still allows deprecating")
	}
	if teams, err := e.Teams(ctx, 1, "api", "deprecate"); err != nil || len(teams.Teams) != 0 || teams.All {
		t.Errorf("Teams after the change: %+v, %v", teams, err)
	}
	// Back to maintainer, and a second team: the kept answer is not the
	// one from before either change.
	src.roles = []store.RoleAssignment{{UserID: 1, Role: policy.RoleMember},
		{UserID: 1, Role: policy.RoleMaintainer, Team: "payments"}, {UserID: 1, Role: policy.RoleOwner, Team: "search"}}
	src.version = 3
	if teams, err := e.Teams(ctx, 1, "api", "deprecate"); err != nil || !slices.Equal(teams.Teams, []string{"payments", "search"}) {
		t.Errorf("Teams after the second change: %+v, %v", teams, err)
	}
	// Callers may change what they get.
	teams, _ := e.Teams(ctx, 1, "api", "deprecate")
	teams.Teams[0] = "changed"
	if again, _ := e.Teams(ctx, 1, "api", "deprecate"); again.Teams[0] != "payments" {
		t.Errorf("a caller's change reached the kept answer: %+v", again)
	}
}
