// Package people is the domain service for users, teams, team memberships,
// team reviewers, personal access tokens and passwords. The pages, the JSON
// API and the CLI all call it, so each rule about people is written here
// once and none of them can skip it: `portico user create --username 'Bad
// Name!'` is refused with the words the user form shows.
//
// # The shape of a domain service
//
// Portico's domain services (lifecycle, people, and every domain after
// them, such as subscriptions) share one shape:
//
//   - One Service per domain, built once in main's wiring by
//     New(store, authorizer, options) and handed to the handlers and the
//     commands. The authorizer is an interface the package declares
//     (Authorizer), satisfied by *policy.Enforcer; tests pass the real one.
//   - A method that changes something takes ctx, the actor (the
//     *store.User acting) and its subjects as the caller read them (a
//     *store.Team from the route, a *store.User), plus an input struct of
//     strings as a person typed them: a form, a JSON body and command-line
//     flags all fill the same struct, so they meet the same rules.
//   - Inside, in this order: the permission check, through the Authorizer
//     (Casbin), never by comparing roles; validation, which normalises the
//     input and collects a message per field; the rules that need the
//     current state (a team keeps an owner); then one store.RunInTx that
//     holds the change, its audit record and its outbox messages (search
//     index, gateway pushes, notifications), which commit together or not
//     at all. Slow work (hashing, parsing) happens before the transaction.
//   - Errors are apperr's: InputError (a message per field: 422, the form
//     shows each beside its field, the CLI names the flag), DeniedError
//     (403), ConflictError (409), NotFoundError (404), or a wrapped
//     store.ErrNotFound. Messages are written for the user, once, here;
//     handlers/errors.go alone maps them to statuses.
//   - Questions that a page and an action share are service methods too
//     ("may this user decide this request?", "which requests may they
//     see?" in lifecycle), so a page offers a button exactly when the
//     action would accept it, and a listing is one query.
//   - Reads that need no rule may stay on the store; writes never do:
//     handlers call no store write method, no store.DB() and no RunInTx
//     (handlers/writes_test.go fails otherwise).
//   - The operator at the server's console (the CLI, which holds the
//     database's credentials) acts through Console: it skips the
//     permission check, never the validation, and the audit log records
//     its name as the actor.
package people

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/auth"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
)

// Authorizer answers permission questions; *policy.Enforcer implements it.
type Authorizer interface {
	Allowed(ctx context.Context, userID int64, domain, obj, act string) (bool, error)
	// RoleAllows says whether an org role by itself grants act on obj in
	// domain, for the rule that nobody takes their own admin rights away.
	RoleAllows(ctx context.Context, role, domain, obj, act string) (bool, error)
}

// Options configures the service.
type Options struct {
	// Hasher hashes passwords; nil means auth.NewHasher().
	Hasher *auth.Hasher
	// Now returns the current time; nil means store.Now (the time to the
	// microsecond, as the database keeps it).
	Now func() time.Time
	// LoginLimits bound password guessing; the zero value means
	// DefaultLoginLimits().
	LoginLimits LoginLimits
}

// Service applies the rules about people and teams.
type Service struct {
	store  *store.Store
	auth   Authorizer
	hasher *auth.Hasher
	now    func() time.Time
	limits LoginLimits
	// slowed counts the attempts waiting in a slow-down; sleep waits.
	slowed slowQueue
	sleep  func(context.Context, time.Duration) error
}

// New returns a Service.
func New(s *store.Store, authz Authorizer, opts Options) *Service {
	svc := &Service{store: s, auth: authz, hasher: opts.Hasher, now: opts.Now, limits: opts.LoginLimits, sleep: sleepCtx}
	if svc.limits == (LoginLimits{}) {
		svc.limits = DefaultLoginLimits()
	}
	svc.limits.MaxSlowed = max(svc.limits.MaxSlowed, 1)
	if svc.limits.MaxSlowedPerAccount <= 0 {
		svc.limits.MaxSlowedPerAccount = max(svc.limits.MaxSlowed/8, 1)
	}
	if svc.hasher == nil {
		svc.hasher = auth.NewHasher()
	}
	if svc.now == nil {
		svc.now = store.Now
	}
	return svc
}

// actor is who asks for a change: a user, whose permissions apply, or the
// console, named in the audit log.
type actor = policy.Actor

func asUser(u *store.User) actor { return actor{User: u} }

// require checks that the actor holds act on obj in domain; denied is the
// refusal's message.
func (s *Service) require(ctx context.Context, a actor, domain, obj, act, denied string) error {
	return a.Require(ctx, s.auth, domain, obj, act, denied)
}

// self checks that the actor is a logged-in user acting on their own account.
func self(a *store.User) error {
	if a == nil {
		return apperr.Denied("An actor is required.")
	}
	return nil
}

// audit appends an audit event inside tx.
func (s *Service) audit(ctx context.Context, tx bun.IDB, a actor, action, objType, objID string, teamID *int64, before, after, reason string) error {
	e := &store.AuditEvent{Action: action, ObjectType: objType, ObjectID: objID, TeamID: teamID, Before: before, After: after, Reason: reason}
	a.Stamp(e)
	if err := s.store.Audit(ctx, tx, e, s.now()); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}
