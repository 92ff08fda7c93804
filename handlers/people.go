package handlers

import (
	"context"
	"errors"
	"fmt"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/auth"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
)

// The operations on people and teams, shared by the pages and the JSON API
// so both record the same audit trail.

// createUser creates a user with a generated one-time password, which it returns.
func (h *Handler) createUser(ctx context.Context, actor *store.User, in userInput) (*store.User, string, error) {
	if errs := in.Validate(true); len(errs) > 0 {
		return nil, "", invalid(errs)
	}
	password := auth.RandomToken(15)
	hash, err := h.hasher.Hash(password)
	if err != nil {
		return nil, "", err
	}
	u := &store.User{Username: in.Username, DisplayName: in.DisplayName, Email: in.Email, OrgRole: in.OrgRole, PasswordHash: hash}
	err = h.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := h.store.CreateUser(ctx, tx, u); err != nil {
			return err
		}
		return h.audit(ctx, tx, actor, "user.create", "user", u.Username, nil, "", "org_role="+u.OrgRole, "")
	})
	if errors.Is(err, store.ErrConflict) {
		return nil, "", invalid(map[string]string{"username": "This username is taken."})
	}
	if err != nil {
		return nil, "", err
	}
	return u, password, nil
}

// updateUser changes the profile, org role and status of a user.
func (h *Handler) updateUser(ctx context.Context, actor, u *store.User, in userInput, disabled bool) error {
	in.Username = u.Username
	if errs := in.Validate(false); len(errs) > 0 {
		return invalid(errs)
	}
	if actor.ID == u.ID && (in.OrgRole != policy.RoleAdmin || disabled) {
		return invalid(map[string]string{"org_role": "You cannot remove your own admin role or disable yourself; ask another admin."})
	}
	before := fmt.Sprintf("org_role=%s disabled=%t", u.OrgRole, u.Disabled)
	u.DisplayName, u.Email, u.OrgRole, u.Disabled = in.DisplayName, in.Email, in.OrgRole, disabled
	after := fmt.Sprintf("org_role=%s disabled=%t", u.OrgRole, u.Disabled)
	return h.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := h.store.UpdateUser(ctx, tx, u); err != nil {
			return err
		}
		return h.audit(ctx, tx, actor, "user.update", "user", u.Username, nil, before, after, "")
	})
}

// createTeam creates a team.
func (h *Handler) createTeam(ctx context.Context, actor *store.User, in teamInput) (*store.Team, error) {
	if errs := in.Validate(); len(errs) > 0 {
		return nil, invalid(errs)
	}
	t := &store.Team{Slug: in.Slug, Name: in.Name, Description: in.Description}
	err := h.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := h.store.CreateTeam(ctx, tx, t); err != nil {
			return err
		}
		return h.audit(ctx, tx, actor, "team.create", "team", t.Slug, &t.ID, "", t.Name, "")
	})
	if errors.Is(err, store.ErrConflict) {
		return nil, invalid(map[string]string{"slug": "A team with this slug exists."})
	}
	return t, err
}

// setMember gives a user a role in a team and, when reviewer is not nil,
// sets their team reviewer flag in the same transaction (a new member
// starts without it).
func (h *Handler) setMember(ctx context.Context, actor *store.User, t *store.Team, username, role string, reviewer *bool) error {
	errs := map[string]string{}
	if !policy.ValidTeamRole(role) {
		errs["role"] = "Choose owner, maintainer, developer or viewer."
	}
	u, err := h.store.UserByUsername(ctx, username)
	if errors.Is(err, store.ErrNotFound) {
		errs["username"] = fmt.Sprintf("There is no user %q.", username)
	} else if err != nil {
		return err
	}
	if len(errs) > 0 {
		return invalid(errs)
	}
	return h.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		previous, err := h.store.SetTeamMember(ctx, tx, t.ID, u.ID, role)
		if err != nil {
			return err
		}
		if previous == policy.RoleOwner && role != policy.RoleOwner {
			if err := h.keepAnOwner(ctx, tx, t); err != nil {
				return err
			}
		}
		if err := h.audit(ctx, tx, actor, "team.member.set", "team", t.Slug, &t.ID, previous, username+"="+role, ""); err != nil {
			return err
		}
		if reviewer == nil {
			return nil
		}
		return h.applyReviewer(ctx, tx, actor, t, u, *reviewer)
	})
}

// setReviewer sets or clears the team reviewer flag of a member: team
// reviewers review the publication requests of the team's APIs.
func (h *Handler) setReviewer(ctx context.Context, actor *store.User, t *store.Team, username string, reviewer bool) error {
	notMember := clientError(fiber.StatusNotFound, fmt.Sprintf("%s is not a member of %s.", username, t.Name))
	u, err := h.store.UserByUsername(ctx, username)
	if errors.Is(err, store.ErrNotFound) {
		return notMember
	}
	if err != nil {
		return err
	}
	err = h.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return h.applyReviewer(ctx, tx, actor, t, u, reviewer)
	})
	if errors.Is(err, store.ErrNotFound) {
		return notMember
	}
	return err
}

// applyReviewer changes the reviewer flag inside tx and audits a change.
func (h *Handler) applyReviewer(ctx context.Context, tx bun.IDB, actor *store.User, t *store.Team, u *store.User, reviewer bool) error {
	previous, err := h.store.SetTeamReviewer(ctx, tx, t.ID, u.ID, reviewer)
	if err != nil || previous == reviewer {
		return err
	}
	before, after := fmt.Sprintf("%s reviewer=%t", u.Username, previous), fmt.Sprintf("%s reviewer=%t", u.Username, reviewer)
	return h.audit(ctx, tx, actor, "team.member.reviewer", "team", t.Slug, &t.ID, before, after, "")
}

// removeMember removes a user from a team.
func (h *Handler) removeMember(ctx context.Context, actor *store.User, t *store.Team, username string) error {
	u, err := h.store.UserByUsername(ctx, username)
	if err != nil {
		return err
	}
	return h.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		previous, err := h.store.RemoveTeamMember(ctx, tx, t.ID, u.ID)
		if err != nil {
			return err
		}
		if previous == policy.RoleOwner {
			if err := h.keepAnOwner(ctx, tx, t); err != nil {
				return err
			}
		}
		return h.audit(ctx, tx, actor, "team.member.remove", "team", t.Slug, &t.ID, username+"="+previous, "", "")
	})
}

// keepAnOwner refuses a change that leaves a team that had owners without one.
func (h *Handler) keepAnOwner(ctx context.Context, tx bun.IDB, t *store.Team) error {
	n, err := h.store.CountTeamOwners(ctx, tx, t.ID)
	if err != nil {
		return err
	}
	if n == 0 {
		return clientError(fiber.StatusConflict, "A team needs at least one owner: make someone else owner first.")
	}
	return nil
}

// audit appends an audit event inside tx.
func (h *Handler) audit(ctx context.Context, tx bun.IDB, actor *store.User, action, objType, objID string, teamID *int64, before, after, reason string) error {
	e := &store.AuditEvent{Action: action, ObjectType: objType, ObjectID: objID, TeamID: teamID, Before: before, After: after, Reason: reason}
	if actor != nil {
		e.ActorID, e.Actor = &actor.ID, actor.Username
	}
	return h.store.Audit(ctx, tx, e)
}
