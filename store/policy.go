package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// TeamReviewerRole is the role a team reviewer holds in the team's domain,
// on top of their team role.
const TeamReviewerRole = "reviewer"

// RoleAssignment is one role held by a user: an org role (Team == "") or a
// team role.
type RoleAssignment struct {
	UserID int64
	Role   string
	Team   string
}

// RoleAssignments returns every role held by an enabled user: org roles,
// team roles, and the "reviewer" role in the teams where the user is a team
// reviewer. The policy adapter loads them into the enforcer.
func (s *Store) RoleAssignments(ctx context.Context) ([]RoleAssignment, error) {
	var users []User
	if err := s.db.NewSelect().Model(&users).Column("id", "org_role").Where("disabled = ?", false).Scan(ctx); err != nil {
		return nil, fmt.Errorf("org roles: %w", translate(err))
	}
	out := make([]RoleAssignment, 0, len(users))
	for _, u := range users {
		out = append(out, RoleAssignment{UserID: u.ID, Role: u.OrgRole})
	}
	var rows []struct {
		UserID   int64  `bun:"user_id"`
		Role     string `bun:"role"`
		Reviewer bool   `bun:"reviewer"`
		Slug     string `bun:"slug"`
	}
	err := s.db.NewSelect().TableExpr("team_members AS m").
		Join("JOIN teams AS t ON t.id = m.team_id").
		Join("JOIN users AS u ON u.id = m.user_id").
		ColumnExpr("m.user_id, m.role, m.reviewer, t.slug").
		Where("u.disabled = ?", false).
		Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("team roles: %w", translate(err))
	}
	for _, r := range rows {
		out = append(out, RoleAssignment{UserID: r.UserID, Role: r.Role, Team: r.Slug})
		if r.Reviewer {
			out = append(out, RoleAssignment{UserID: r.UserID, Role: TeamReviewerRole, Team: r.Slug})
		}
	}
	return out, nil
}

// PolicyVersion returns a counter that changes whenever a role assignment
// changes, so that every portal instance knows when to reload its enforcer.
// Every change of it also changes the authentication version, so it is
// cached with the sessions (authcache.go): no query while nothing changed.
func (s *Store) PolicyVersion(ctx context.Context) (int64, error) {
	gen := s.auth.generation()
	s.auth.mu.RLock()
	v, ok := s.auth.policy, s.auth.policySet
	s.auth.mu.RUnlock()
	if ok {
		return v, nil
	}
	if err := s.db.NewSelect().Table("policy_state").Column("version").Where("id = 1").Scan(ctx, &v); err != nil {
		return 0, fmt.Errorf("policy version: %w", translate(err))
	}
	s.auth.store(gen, func() { s.auth.policy, s.auth.policySet = v, true })
	return v, nil
}

// bumpPolicyVersion records a change of role assignments: it also changes
// what a request's user is, so the authentication cache goes with it.
func (s *Store) bumpPolicyVersion(ctx context.Context, db bun.IDB) error {
	if _, err := db.NewUpdate().Table("policy_state").Set("version = version + 1").Where("id = 1").Exec(ctx); err != nil {
		return fmt.Errorf("bump policy version: %w", translate(err))
	}
	return s.authChanged(ctx, db)
}
