package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/slug"
	"github.com/portico-dev/portico/store"
)

// Transfer moves API a to the team whose slug is target (ownership
// transfer) and returns that team. The page's form, the JSON API and
// `portico api transfer` call it alike.
//
// Who: whoever holds "team manage" in the API's team (its owners, org
// admins) and "api create" in the target team (its owners and
// maintainers, org admins): giving an API away is the owning team's
// decision, taking it in is the receiving team's.
//
// Effects, in one transaction: the API and its subscriptions (their
// providing team) belong to the new team, so every permission on the API
// is the new team's from the next request; open publication requests stay
// open and are now decided by the new team's reviewers (and org
// approvers), never by their requester; the event is audited under both
// teams; the owners of both teams are told, and the new team's reviewers
// too when requests wait; the search index is updated through the outbox
// (the team is a catalog facet). The gateway snapshot carries nothing of
// the providing team (a key names its consumer team), so the gateways are
// not told. The consumer apps' subscriptions and keys stay.
//
// Refused: an unknown team, the API's own team, and a team-only API that
// apps of teams other than the target subscribe to (they would lose sight
// of it).
func (s *Service) Transfer(ctx context.Context, actor *store.User, a *store.API, target string) (*store.Team, error) {
	if actor == nil {
		return nil, apperr.Denied("An actor is required.")
	}
	if err := s.allowed(ctx, actor, a.Team.Slug, "team", "manage",
		fmt.Sprintf("Only owners of %s and org admins move its APIs to another team.", store.Isolate(a.Team.Name))); err != nil {
		return nil, err
	}
	typed := strings.TrimSpace(target)
	target = slug.Normalize(typed)
	if target == "" {
		return nil, apperr.Field("team", "Choose the team to move the API to.")
	}
	to, err := s.store.TeamBySlug(ctx, target)
	if errors.Is(err, store.ErrNotFound) {
		return nil, apperr.Field("team", fmt.Sprintf("There is no team %s.", store.Echo(typed, store.MaxEcho)))
	}
	if err != nil {
		return nil, err
	}
	if to.ID == a.TeamID {
		return nil, apperr.Field("team", fmt.Sprintf("%s already belongs to %s.", store.Isolate(a.Name), store.Isolate(to.Name)))
	}
	if err := s.allowed(ctx, actor, to.Slug, "api", "create",
		fmt.Sprintf("You may not create APIs in %s: its owners, its maintainers and org admins move APIs into it.", store.Isolate(to.Name))); err != nil {
		return nil, err
	}
	open, err := s.store.Requests(ctx, store.RequestFilter{State: store.RequestOpen, APIID: a.ID})
	if err != nil {
		return nil, err
	}
	from, saved := a.Team, *a
	now := store.Stored(s.now())
	err = s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.store.LockAPI(ctx, tx, a.ID); err != nil {
			return err
		}
		if err := s.store.MoveAPI(ctx, tx, a, to.ID, now); err != nil {
			return err
		}
		if a.Visibility == store.VisibilityTeam {
			// Read after the move, in tx: apps of the new team count as
			// inside, those of the old one as outside.
			n, list, err := s.subscribersOutside(ctx, tx, a)
			if err != nil {
				return err
			}
			if n > 0 {
				return apperr.Field("team", fmt.Sprintf("%s is team-only and %d app(s) of other teams than %s subscribe to it: %s. They would lose sight of it: end those subscriptions, or make the API public, before moving it.",
					store.Isolate(a.Name), n, store.Isolate(to.Name), list))
			}
		}
		e := &store.AuditEvent{Action: "api.transfer", ObjectType: "api", ObjectID: a.Slug, TeamID: &to.ID, OtherTeamID: &from.ID,
			Before: "team=" + from.Slug, After: "team=" + to.Slug, ActorID: &actor.ID, Actor: actor.Username}
		if err := s.store.Audit(ctx, tx, e, now); err != nil {
			return err
		}
		if err := s.notifyTransfer(ctx, tx, actor, a, from, to, len(open), now); err != nil {
			return err
		}
		return s.reindex(ctx, tx, a.ID)
	})
	if err != nil {
		// Rolled back: a is as read again (MoveAPI set its team, lock
		// version and time), so a form re-rendered from it carries the
		// lock version the API still has.
		*a = saved
		if errors.Is(err, store.ErrConflict) {
			return nil, apperr.Conflict(fmt.Sprintf("%s was moved or changed by someone else meanwhile; reload it and try again.", store.Isolate(a.Name)))
		}
		if errors.Is(err, store.ErrNotFound) { // the team, removed since it was read (people.Service.DeleteTeam)
			return nil, apperr.Field("team", fmt.Sprintf("There is no team %s any more: it was removed meanwhile.", store.Echo(typed, store.MaxEcho)))
		}
		return nil, err
	}
	a.Team = to
	return to, nil
}

// notifyTransfer tells the owners of both teams that a moved, and the new
// team's reviewers when open publication requests now wait for them.
func (s *Service) notifyTransfer(ctx context.Context, tx bun.IDB, actor *store.User, a *store.API, from, to *store.Team, open int, now time.Time) error {
	var owners []int64
	for _, t := range []*store.Team{from, to} {
		ids, err := s.store.TeamUsersWithRoles(ctx, tx, t.ID, policy.RoleOwner)
		if err != nil {
			return err
		}
		owners = append(owners, ids...)
	}
	owners = others(owners, actor.ID)
	msg := fmt.Sprintf("%s moved %s from %s to %s.", store.Isolate(actor.Username), store.Isolate(a.Name), store.Isolate(from.Name), store.Isolate(to.Name))
	if err := s.store.Notify(ctx, tx, owners, "api.transfer", msg, "/apis/"+a.Slug, now); err != nil {
		return err
	}
	if open == 0 {
		return nil
	}
	reviewers, err := s.store.Reviewers(ctx, tx, to.ID)
	if err != nil {
		return err
	}
	ids := make([]int64, 0, len(reviewers))
	for _, u := range reviewers {
		if u.OrgRole == policy.RoleMember { // org approvers review every team's requests already
			ids = append(ids, u.ID)
		}
	}
	ids = slices.DeleteFunc(others(ids, actor.ID), func(id int64) bool { return slices.Contains(owners, id) })
	msg = fmt.Sprintf("%s moved %s to %s: its %d open publication request(s) now wait for your review.", store.Isolate(actor.Username), store.Isolate(a.Name), store.Isolate(to.Name), open)
	return s.store.Notify(ctx, tx, ids, "review.requested", msg, "/reviews", now)
}

// others returns ids without duplicates and without the actor's.
func others(ids []int64, actor int64) []int64 {
	slices.Sort(ids)
	ids = slices.Compact(ids)
	return slices.DeleteFunc(ids, func(id int64) bool { return id == actor })
}

// allowed checks that actor holds act on obj in team's domain.
func (s *Service) allowed(ctx context.Context, actor *store.User, team, obj, act, denied string) error {
	ok, err := s.auth.Allowed(ctx, actor.ID, policy.TeamDomain(team), obj, act)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.Denied(denied)
	}
	return nil
}

// TransferTargets returns the teams u may move a to, ordered by name: none
// unless u may give it away ("team manage" in its team); else the teams
// where u may create APIs, but its own. The page offers exactly these, and
// Transfer accepts exactly these.
func (s *Service) TransferTargets(ctx context.Context, u *store.User, a *store.API) ([]store.Team, error) {
	if u == nil {
		return nil, nil
	}
	if ok, err := s.auth.Allowed(ctx, u.ID, policy.TeamDomain(a.Team.Slug), "team", "manage"); err != nil || !ok {
		return nil, err
	}
	scope, err := s.auth.Teams(ctx, u.ID, "api", "create")
	if err != nil || scope.None() {
		return nil, err
	}
	all, err := s.store.ListTeams(ctx)
	if err != nil {
		return nil, err
	}
	var teams []store.Team
	for _, t := range all {
		if t.ID != a.TeamID && (scope.All || slices.Contains(scope.Teams, t.Slug)) {
			teams = append(teams, t.Team)
		}
	}
	return teams, nil
}
