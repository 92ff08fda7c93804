// Package subscriptions is the consumer side of Portico: the plans an API
// offers, the apps of consumer teams, subscriptions of an app to an API's
// major version on a plan (requested, approved or rejected, cancelled,
// revoked, ended), and the API keys of active subscriptions, which are shown
// once and stored only as SHA-256 hashes.
//
// It has the shape of every domain service (see package people): the
// pages, the JSON API and the MCP server call Service, which checks
// permissions through the Authorizer (Casbin: "plans manage" and
// "subscriptions decide" in the API's team, "apps manage" and "apps read" in
// the app's team, "subscribers read" for the providing team), validates,
// and writes each change with its audit record, its notifications and a
// gateway.changed outbox message in one transaction.
//
// Who sees what: an app, its subscriptions and keys are seen by the members
// of the app's team (and org admins); a subscription is also seen by the
// members of the providing team, never its keys. Anything else is answered
// as if it did not exist (store.ErrNotFound).
package subscriptions

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
)

// Authorizer answers permission questions; *policy.Enforcer implements it.
type Authorizer interface {
	Allowed(ctx context.Context, userID int64, domain, obj, act string) (bool, error)
	Teams(ctx context.Context, userID int64, obj, act string) (policy.Scope, error)
}

// Options configures the service.
type Options struct {
	// Now returns the current time; nil means store.Now (the time to the
	// microsecond, as the database keeps it).
	Now func() time.Time
}

// Service applies the rules of plans, apps, subscriptions and keys.
type Service struct {
	store *store.Store
	auth  Authorizer
	life  *lifecycle.Service
	now   func() time.Time
}

// New returns a Service. life answers who sees which API and version.
func New(s *store.Store, auth Authorizer, life *lifecycle.Service, opts Options) *Service {
	svc := &Service{store: s, auth: auth, life: life, now: opts.Now}
	if svc.now == nil {
		svc.now = store.Now
	}
	return svc
}

// allowed reports whether u holds act on obj in team's domain.
func (s *Service) allowed(ctx context.Context, u *store.User, team, obj, act string) (bool, error) {
	if u == nil {
		return false, nil
	}
	return s.auth.Allowed(ctx, u.ID, policy.TeamDomain(team), obj, act)
}

// require refuses with denied unless u holds act on obj in team's domain.
func (s *Service) require(ctx context.Context, u *store.User, team, obj, act, denied string) error {
	if u == nil {
		return apperr.Denied("An actor is required.")
	}
	ok, err := s.allowed(ctx, u, team, obj, act)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.Denied(denied)
	}
	return nil
}

// teamsWhere returns the ids of the teams where u holds act on obj: nil
// for every team, an empty list for none.
func (s *Service) teamsWhere(ctx context.Context, u *store.User, obj, act string) ([]int64, error) {
	if u == nil {
		return []int64{}, nil
	}
	sc, err := s.auth.Teams(ctx, u.ID, obj, act)
	if err != nil {
		return nil, err
	}
	if sc.All {
		return nil, nil
	}
	return s.store.TeamIDs(ctx, sc.Teams)
}

// audit appends an audit event inside tx, filed under teamID and, when
// it is another team (not 0), otherTeamID: a subscription's events under
// the providing and the consuming team, its keys' under the consuming and
// the providing team. actor nil is the system. at is the action's instant,
// the time of the other rows it writes.
func (s *Service) audit(ctx context.Context, tx bun.IDB, actor *store.User, action, objType, objID string, teamID, otherTeamID int64, before, after, reason string, at time.Time) error {
	e := &store.AuditEvent{Action: action, ObjectType: objType, ObjectID: objID, TeamID: &teamID, Before: before, After: after, Reason: reason}
	if otherTeamID != 0 && otherTeamID != teamID {
		e.OtherTeamID = &otherTeamID
	}
	if actor != nil {
		e.ActorID, e.Actor = &actor.ID, actor.Username
	} else {
		e.Actor = "system"
	}
	return s.store.Audit(ctx, tx, e, at)
}

// gatewayChanged records, inside tx, that what the gateways serve for an
// API changed.
func (s *Service) gatewayChanged(ctx context.Context, tx bun.IDB, apiSlug string) error {
	return s.store.Enqueue(ctx, tx, store.TopicGatewayChanged, store.GatewayChange{API: apiSlug})
}

// notify sends a notification to users, except the actor, of an action
// taken at at.
func (s *Service) notify(ctx context.Context, tx bun.IDB, actor *store.User, users []int64, kind, msg, link string, at time.Time) error {
	if actor != nil {
		users = slices.DeleteFunc(users, func(id int64) bool { return id == actor.ID })
	}
	if len(users) == 0 {
		return nil
	}
	return s.store.Notify(ctx, tx, users, kind, msg, link, at)
}

// Link returns the page of a subscription.
func Link(sub *store.Subscription) string { return fmt.Sprintf("/subscriptions/%d", sub.ID) }
