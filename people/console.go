package people

import (
	"context"
	"errors"
	"fmt"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
)

// Console is the operator at the server's console: the CLI commands, which
// run with the database's credentials and so may do anything. It skips the
// permission checks, never the validation, and the audit log names it.
type Console struct {
	s *Service
	a actor
}

// isConsoleName reports whether name is one the audit log records for
// changes no user made: the CLI ("cli"), the first start, the sunset
// scheduler and other automatic changes ("system"), the demo data
// ("demo"). No user takes one of these names, so that an entry's actor is
// never ambiguous.
func isConsoleName(name string) bool {
	switch name {
	case "cli", "system", "demo":
		return true
	}
	return false
}

// Console returns the console acting under name (see isConsoleName), the
// actor the audit log records.
func (s *Service) Console(name string) *Console {
	return &Console{s: s, a: actor{Console: name}}
}

// CreateUser creates a user with the password the operator chose.
func (c *Console) CreateUser(ctx context.Context, in UserInput, password string) (*store.User, error) {
	return c.s.createUser(ctx, c.a, in, password, false, "")
}

// CreateFirstAdmin creates the org admin "admin" with a generated password,
// which it returns to be shown once, when the portal has no user at all.
// It returns a nil user when there are users already, or when another
// instance created the first admin meanwhile.
func (c *Console) CreateFirstAdmin(ctx context.Context) (*store.User, string, error) {
	n, err := c.s.store.CountUsers(ctx)
	if err != nil || n > 0 {
		return nil, "", err
	}
	password := newOneTimePassword()
	u, err := c.s.createUser(ctx, c.a, UserInput{Username: "admin", DisplayName: "Administrator", OrgRole: policy.RoleAdmin}, password, true, "first start")
	var ie *apperr.InputError
	if errors.As(err, &ie) && ie.Fields["username"] != "" {
		return nil, "", nil // another instance created it first
	}
	if err != nil {
		return nil, "", err
	}
	return u, password, nil
}

// CreateToken issues a personal access token for the user named username
// and returns its secret. It refuses a disabled user: a disabled user's
// tokens are refused when used, so the token would never work.
func (c *Console) CreateToken(ctx context.Context, username string, in TokenInput) (string, error) {
	username = NormalizeUsername(username)
	u, err := c.s.store.UserByUsername(ctx, username)
	if errors.Is(err, store.ErrNotFound) {
		return "", apperr.Field("username", fmt.Sprintf("There is no user %s.", store.Echo(username, 80)))
	}
	if err != nil {
		return "", err
	}
	if u.Disabled {
		return "", apperr.Field("username", fmt.Sprintf("The user %s is disabled, and a disabled user's tokens are refused: an org admin enables them on the Users page first.", store.Echo(username, 80)))
	}
	return c.s.createToken(ctx, c.a, u, in)
}

// ResetPassword gives the user named username a new one-time password, as
// Service.ResetPassword does for an org admin, and returns it to be shown
// once: the way back in for an org whose only admin forgot their password
// or let their one-time password expire. The console may reset any user's
// password, an admin's too.
func (c *Console) ResetPassword(ctx context.Context, username string) (*store.User, string, error) {
	username = NormalizeUsername(username)
	u, err := c.s.store.UserByUsername(ctx, username)
	if errors.Is(err, store.ErrNotFound) {
		return nil, "", apperr.Field("username", fmt.Sprintf("There is no user %s.", store.Echo(username, 80)))
	}
	if err != nil {
		return nil, "", err
	}
	password, err := c.s.resetPassword(ctx, c.a, u)
	if err != nil {
		return nil, "", err
	}
	return u, password, nil
}

// CreateTeam creates a team.
func (c *Console) CreateTeam(ctx context.Context, in TeamInput) (*store.Team, error) {
	return c.s.createTeam(ctx, c.a, in)
}

// SetMember gives a user a role in a team, as Service.SetMember.
func (c *Console) SetMember(ctx context.Context, t *store.Team, in MemberInput) (created bool, err error) {
	return c.s.setMember(ctx, c.a, t, in, false)
}
