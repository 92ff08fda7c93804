package people

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/slug"
	"github.com/portico-dev/portico/store"
)

// TeamInput is a team as created: the team form, the JSON API body and the
// flags of `portico team create` fill it alike.
type TeamInput struct {
	Slug        string
	Name        string
	Description string
}

// normalize trims the input and returns its field errors.
func (in *TeamInput) normalize() map[string]string {
	in.Slug = slug.Normalize(in.Slug)
	in.Name = strings.TrimSpace(in.Name)
	in.Description = strings.TrimSpace(in.Description)
	errs := map[string]string{}
	if !slug.Valid(in.Slug) {
		errs["slug"] = slug.Rule
	}
	if in.Name == "" {
		errs["name"] = "Give the team a name."
	} else {
		apperr.Line(errs, "name", in.Name, MaxTeamName)
	}
	apperr.Text(errs, "description", in.Description, MaxTeamDescription)
	return errs
}

// CreateTeam creates a team. It needs the "teams create" permission.
func (s *Service) CreateTeam(ctx context.Context, actor *store.User, in TeamInput) (*store.Team, error) {
	return s.createTeam(ctx, asUser(actor), in)
}

func (s *Service) createTeam(ctx context.Context, a actor, in TeamInput) (*store.Team, error) {
	if err := s.require(ctx, a, policy.OrgDomain, "teams", "create", "Only org admins create teams."); err != nil {
		return nil, err
	}
	if errs := in.normalize(); len(errs) > 0 {
		return nil, apperr.Invalid(errs)
	}
	t := &store.Team{Slug: in.Slug, Name: in.Name, Description: in.Description}
	err := s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.store.CreateTeam(ctx, tx, t); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "team.create", "team", t.Slug, &t.ID, "", t.Name, "")
	})
	if errors.Is(err, store.ErrConflict) {
		return nil, apperr.Field("slug", "A team with this slug exists.")
	}
	if err != nil {
		return nil, err
	}
	return t, nil
}

// TeamEdit is a team's name and description as its owners edit them: the
// team page's form, the JSON API body and nothing else fill it. The slug,
// in every URL of the team and in the policy's domains, stays.
type TeamEdit struct {
	Name        string
	Description string
}

// UpdateTeam renames a team and changes its description. It needs the
// "team manage" permission in the team (its owners, org admins). An edit
// that changes nothing writes nothing. In one transaction with the change:
// its audit record (team.update: the name before and after, and whether
// the description changed) and a search re-index of the team's APIs through the outbox (the
// index holds the team's name with each API).
func (s *Service) UpdateTeam(ctx context.Context, actor *store.User, t *store.Team, in TeamEdit) error {
	a := asUser(actor)
	if err := s.require(ctx, a, policy.TeamDomain(t.Slug), "team", "manage",
		fmt.Sprintf("Only owners of %s and org admins rename it.", store.Isolate(t.Name))); err != nil {
		return err
	}
	full := TeamInput{Slug: t.Slug, Name: in.Name, Description: in.Description}
	errs := full.normalize()
	delete(errs, "slug") // a slug made before the rule tightened stays
	if len(errs) > 0 {
		return apperr.Invalid(errs)
	}
	if full.Name == t.Name && full.Description == t.Description {
		return nil
	}
	before, after := fmt.Sprintf("name=%q", t.Name), fmt.Sprintf("name=%q", full.Name)
	if full.Description != t.Description { // long: named as changed, as an API's
		after += " description changed"
	}
	edited := *t
	edited.Name, edited.Description = full.Name, full.Description
	err := s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.store.UpdateTeam(ctx, tx, &edited, t.Name, t.Description); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return apperr.Conflict(fmt.Sprintf("Someone else changed %s meanwhile: reload it and edit it again.", store.Isolate(t.Name)))
			}
			return err
		}
		if err := s.audit(ctx, tx, a, "team.update", "team", t.Slug, &t.ID, before, after, ""); err != nil {
			return err
		}
		if full.Name == t.Name {
			return nil
		}
		return s.store.ReindexTeamAPIs(ctx, tx, t.ID)
	})
	if err != nil {
		return err
	}
	*t = edited
	return nil
}

// maxHeld is how many APIs and apps a refusal to remove a team names.
const maxHeld = 10

// DeleteTeam removes a team that owns no APIs and no apps, with its
// memberships, in one transaction with its audit record (team.delete,
// naming the team and how many members it had: the event stays readable
// once the team is gone). It needs the "teams delete" permission (org
// admins). A team that still owns APIs or apps not removed is not
// removed: the refusal names them. A team whose apps are all removed is
// (store.DeleteTeam keeps its row for their history).
func (s *Service) DeleteTeam(ctx context.Context, actor *store.User, t *store.Team) error {
	a := asUser(actor)
	if err := s.require(ctx, a, policy.OrgDomain, "teams", "delete", "Only org admins remove teams."); err != nil {
		return err
	}
	members, err := s.store.TeamMembers(ctx, t.ID)
	if err != nil {
		return err
	}
	return s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		held, err := s.store.DeleteTeam(ctx, tx, t, maxHeld)
		if err != nil {
			return err
		}
		if held != nil {
			return apperr.Conflict(heldRefusal(t, held))
		}
		before := fmt.Sprintf("name=%q members=%d", t.Name, len(members))
		return s.audit(ctx, tx, a, "team.delete", "team", t.Slug, &t.ID, before, "", "")
	})
}

// heldRefusal says why a team that owns APIs or apps is not removed.
func heldRefusal(t *store.Team, h *store.TeamHoldings) string {
	var parts []string
	if h.APICount > 0 {
		parts = append(parts, fmt.Sprintf("%d API(s): %s", h.APICount, heldList(h.APIs, h.APICount)))
	}
	if h.AppCount > 0 {
		parts = append(parts, fmt.Sprintf("%d app(s): %s", h.AppCount, heldList(h.Apps, h.AppCount)))
	}
	return fmt.Sprintf("%s still owns %s. Move its APIs to another team and remove its apps (which ends their subscriptions) first.", store.Isolate(t.Name), strings.Join(parts, " and "))
}

func heldList(slugs []string, n int) string {
	list := strings.Join(slugs, ", ")
	if n > len(slugs) {
		list += fmt.Sprintf(" and %d more", n-len(slugs))
	}
	return list
}

// MemberInput gives a user a role in a team: the add-member form, the
// JSON API body and the flags of `portico team member` fill it alike.
type MemberInput struct {
	Username string
	// Role is owner, maintainer, developer or viewer.
	Role string
	// Reviewer, when not nil, sets the member's team reviewer flag in the
	// same transaction; a new member starts without it.
	Reviewer *bool
}

// requireMembers checks the "members manage" permission in the team.
func (s *Service) requireMembers(ctx context.Context, a actor, t *store.Team) error {
	return s.require(ctx, a, policy.TeamDomain(t.Slug), "members", "manage",
		fmt.Sprintf("Only owners of %s and org admins manage its members.", store.Isolate(t.Name)))
}

// SetMember adds a user to a team with a role, or changes their role, and
// reports whether it added them. Giving a member the role they have changes
// nothing and is not audited. A team that has owners keeps at least one. A
// disabled user is not added (a disabled member's role may change). It
// needs the "members manage" permission in the team.
func (s *Service) SetMember(ctx context.Context, actor *store.User, t *store.Team, in MemberInput) (created bool, err error) {
	return s.setMember(ctx, asUser(actor), t, in, false)
}

// ChangeMemberRole changes the role of a member of a team as SetMember
// does, but refuses a user who is not a member (such as a member's form
// sent after another owner removed them) instead of adding them.
func (s *Service) ChangeMemberRole(ctx context.Context, actor *store.User, t *store.Team, username, role string) error {
	_, err := s.setMember(ctx, asUser(actor), t, MemberInput{Username: username, Role: role}, true)
	return err
}

// setMember is SetMember; with onlyMember it refuses, writing nothing, to
// add a user who is not a member.
func (s *Service) setMember(ctx context.Context, a actor, t *store.Team, in MemberInput, onlyMember bool) (created bool, err error) {
	if err := s.requireMembers(ctx, a, t); err != nil {
		return false, err
	}
	typed := in.Username // a token's letters are in both cases: judged before lowercasing
	in.Username = NormalizeUsername(in.Username)
	in.Role = strings.TrimSpace(in.Role)
	errs := map[string]string{}
	if !policy.ValidTeamRole(in.Role) {
		errs["role"] = "Choose owner, maintainer, developer or viewer."
	}
	var u *store.User
	if in.Username == "" {
		errs["username"] = "Enter the username of the person to add."
	} else if apperr.Secret(errs, "username", typed) {
		var err error
		u, err = s.store.UserByUsername(ctx, in.Username)
		if errors.Is(err, store.ErrNotFound) {
			errs["username"] = fmt.Sprintf("There is no user %s.", store.Echo(in.Username, store.MaxEcho))
		} else if err != nil {
			return false, err
		}
	}
	if len(errs) > 0 {
		return false, apperr.Invalid(errs)
	}
	err = s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		// Someone who left (disabled) joins no team: they could not act
		// for it, and enabling them later would give them the role
		// without anyone meaning it then. Read in tx, locked before the
		// policy version moves: a disable under way is waited for and
		// counts, one that comes later waits for this one.
		disabled, err := s.store.LockUserDisabled(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		previous, err := s.store.SetTeamMember(ctx, tx, t.ID, u.ID, in.Role)
		if err != nil {
			return err
		}
		created = previous == ""
		if created && onlyMember {
			return notMember(u.Username, t)
		}
		if created && disabled {
			return apperr.Field("username", fmt.Sprintf("%s is disabled: an org admin enables them before they join a team.", store.Isolate(u.Username)))
		}
		if previous == policy.RoleOwner && in.Role != policy.RoleOwner {
			if err := s.keepAnOwner(ctx, tx, t, u); err != nil {
				return err
			}
		}
		if previous != in.Role {
			before := ""
			if previous != "" {
				before = u.Username + "=" + previous
			}
			if err := s.audit(ctx, tx, a, "team.member.set", "team", t.Slug, &t.ID, before, u.Username+"="+in.Role, ""); err != nil {
				return err
			}
		}
		if in.Reviewer == nil {
			return nil
		}
		return s.applyReviewer(ctx, tx, a, t, u, *in.Reviewer)
	})
	return created, err
}

// notMember is the refusal for a user who is not in the team.
func notMember(username string, t *store.Team) error {
	return apperr.NotFound(fmt.Sprintf("%s is not a member of %s.", store.Isolate(username), store.Isolate(t.Name)))
}

// noSuchMember is notMember for a name that is no user's: the name is an
// input, quoted as every refusal quotes one (cut: the request line may
// hold kilobytes of it, and a page's flash carries it in a cookie), as
// setMember quotes an unknown user.
func noSuchMember(username string, t *store.Team) error {
	return apperr.NotFound(fmt.Sprintf("%s is not a member of %s.", store.Echo(username, store.MaxEcho), store.Isolate(t.Name)))
}

// SetReviewer sets or clears the team reviewer flag of a member: team
// reviewers review the publication requests of the team's APIs. It needs
// the "members manage" permission in the team.
func (s *Service) SetReviewer(ctx context.Context, actor *store.User, t *store.Team, username string, reviewer bool) error {
	a := asUser(actor)
	u, err := s.memberToManage(ctx, a, t, username)
	if err != nil {
		return err
	}
	err = s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return s.applyReviewer(ctx, tx, a, t, u, reviewer)
	})
	if errors.Is(err, store.ErrNotFound) {
		return notMember(u.Username, t)
	}
	return err
}

// memberToManage checks that a may manage the members of t and returns the
// user username names; a user that does not exist is not a member.
func (s *Service) memberToManage(ctx context.Context, a actor, t *store.Team, username string) (*store.User, error) {
	if err := s.requireMembers(ctx, a, t); err != nil {
		return nil, err
	}
	username = NormalizeUsername(username)
	u, err := s.store.UserByUsername(ctx, username)
	if errors.Is(err, store.ErrNotFound) {
		return nil, noSuchMember(username, t)
	}
	if err != nil {
		return nil, err
	}
	return u, nil
}

// applyReviewer changes the reviewer flag inside tx and audits a change.
func (s *Service) applyReviewer(ctx context.Context, tx bun.IDB, a actor, t *store.Team, u *store.User, reviewer bool) error {
	previous, err := s.store.SetTeamReviewer(ctx, tx, t.ID, u.ID, reviewer)
	if err != nil || previous == reviewer {
		return err
	}
	before, after := fmt.Sprintf("%s reviewer=%t", u.Username, previous), fmt.Sprintf("%s reviewer=%t", u.Username, reviewer)
	return s.audit(ctx, tx, a, "team.member.reviewer", "team", t.Slug, &t.ID, before, after, "")
}

// RemoveMember removes a user from a team, unless they are its last owner.
// It needs the "members manage" permission in the team.
func (s *Service) RemoveMember(ctx context.Context, actor *store.User, t *store.Team, username string) error {
	a := asUser(actor)
	u, err := s.memberToManage(ctx, a, t, username)
	if err != nil {
		return err
	}
	err = s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		previous, err := s.store.RemoveTeamMember(ctx, tx, t.ID, u.ID)
		if err != nil {
			return err
		}
		if previous == policy.RoleOwner {
			if err := s.keepAnOwner(ctx, tx, t, u); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, a, "team.member.remove", "team", t.Slug, &t.ID, u.Username+"="+previous, "", "")
	})
	if errors.Is(err, store.ErrNotFound) {
		return notMember(u.Username, t)
	}
	return err
}

// keepAnOwner refuses a change that takes the last active owner of a team
// away (former, the owner who stepped down or left): a disabled owner
// (someone who left) manages nothing, as a disabled admin does not keep
// the org. Demoting or removing a disabled owner takes no active owner
// away, so it is not refused even when no active owner is left (every
// owner left, and an admin tidies the team up). Both are read in tx after
// the change moved the policy version, so that a change of owners or of
// the user's status committed meanwhile is counted.
func (s *Service) keepAnOwner(ctx context.Context, tx bun.IDB, t *store.Team, former *store.User) error {
	n, err := s.store.CountActiveTeamOwners(ctx, tx, t.ID)
	if err != nil || n > 0 {
		return err
	}
	disabled, err := s.store.UserDisabled(ctx, tx, former.ID)
	if err != nil || disabled {
		return err
	}
	return apperr.Conflict("A team needs at least one owner who is not disabled: make someone else owner first.")
}
