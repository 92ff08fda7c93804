package policy

import (
	"context"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/store"
)

// Actor is who asks for a change: a user, whose permissions apply, or the
// console (the CLI, run with the database's credentials), which skips the
// permission checks and is named in the audit log.
type Actor struct {
	User    *store.User
	Console string
}

// Require checks that a holds act on obj in domain, asking allowed (an
// Enforcer); denied is the refusal's message. The console holds everything;
// an actor that is neither user nor console holds nothing.
func (a Actor) Require(ctx context.Context, allowed interface {
	Allowed(ctx context.Context, userID int64, domain, obj, act string) (bool, error)
}, domain, obj, act, denied string) error {
	if a.Console != "" {
		return nil
	}
	if a.User == nil {
		return apperr.Denied("An actor is required.")
	}
	ok, err := allowed.Allowed(ctx, a.User.ID, domain, obj, act)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.Denied(denied)
	}
	return nil
}

// Stamp names a as the actor of the audit event e.
func (a Actor) Stamp(e *store.AuditEvent) {
	switch {
	case a.User != nil:
		e.ActorID, e.Actor = &a.User.ID, a.User.Username
	case a.Console != "":
		e.Actor = a.Console
	}
}
