package people

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/auth"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
)

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,63}$`)

// Field messages shared by several forms.
var (
	msgUsername    = "Use 2 to 64 lowercase letters, digits, dots, dashes or underscores, starting with a letter or digit."
	msgDisplayName = fmt.Sprintf("Keep the display name under %d characters.", MaxDisplayName)
	msgEmail       = "Enter an email address like name@example.com, or leave it empty."
	msgOrgRole     = "Choose member, approver or admin."
	msgPassword    = fmt.Sprintf("Use at least %d characters (and at most %d).", auth.MinPasswordLength, auth.MaxPasswordLength)
)

// UserInput is a user as created: the user form, the JSON API body and
// the flags of `portico user create` fill it alike.
type UserInput struct {
	Username    string
	DisplayName string
	Email       string
	// OrgRole is member, approver or admin; a new user without one is a member.
	OrgRole string
}

// NormalizeUsername reads a typed username as Portico stores and looks
// one up: trimmed and lowercased. Every form, API body, CLI flag and login
// reads a username through it, so all of them name the same user.
func NormalizeUsername(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// normalize trims the input and returns its field errors.
func (in *UserInput) normalize() map[string]string {
	in.Username = NormalizeUsername(in.Username)
	in.OrgRole = strings.TrimSpace(in.OrgRole)
	errs := map[string]string{}
	if !usernamePattern.MatchString(in.Username) {
		errs["username"] = msgUsername
	} else if isConsoleName(in.Username) {
		errs["username"] = fmt.Sprintf("%s names the portal's own entries in the audit log (the CLI, the system, the demo data): choose another username.", store.Echo(in.Username, store.MaxEcho))
	}
	profileErrors(&in.DisplayName, &in.Email, errs)
	if !policy.ValidOrgRole(in.OrgRole) {
		errs["org_role"] = msgOrgRole
	}
	return errs
}

// profileErrors trims a display name and an email and adds their field errors.
func profileErrors(displayName, email *string, errs map[string]string) {
	*displayName = strings.TrimSpace(*displayName)
	*email = strings.TrimSpace(*email)
	if !utf8.ValidString(*displayName) || utf8.RuneCountInString(*displayName) > MaxDisplayName {
		errs["display_name"] = msgDisplayName
	} else {
		apperr.Line(errs, "display_name", *displayName, MaxDisplayName)
	}
	if !apperr.Line(errs, "email", *email, MaxEmail) {
		return
	}
	if *email != "" {
		if a, err := mail.ParseAddress(*email); err != nil || a.Address != *email {
			errs["email"] = msgEmail
		}
	}
}

// CreateUser creates a user with a generated one-time password, which it
// returns to be shown once. It needs the "users manage" permission.
func (s *Service) CreateUser(ctx context.Context, actor *store.User, in UserInput) (*store.User, string, error) {
	if err := s.require(ctx, asUser(actor), policy.OrgDomain, "users", "manage", "Only org admins create users."); err != nil {
		return nil, "", err
	}
	password := newOneTimePassword()
	u, err := s.createUser(ctx, asUser(actor), in, password, true, "")
	if err != nil {
		return nil, "", err
	}
	return u, password, nil
}

// createUser validates and creates a user with password, in one
// transaction with its audit record. oneTime marks a password the user did
// not choose: they must choose their own at the first login.
func (s *Service) createUser(ctx context.Context, a actor, in UserInput, password string, oneTime bool, reason string) (*store.User, error) {
	if strings.TrimSpace(in.OrgRole) == "" {
		in.OrgRole = policy.RoleMember
	}
	errs := in.normalize()
	if len(password) < auth.MinPasswordLength || len(password) > auth.MaxPasswordLength {
		errs["password"] = msgPassword
	}
	if len(errs) > 0 {
		return nil, apperr.Invalid(errs)
	}
	hash, err := s.hash(ctx, password)
	if err != nil {
		return nil, err
	}
	u := &store.User{Username: in.Username, DisplayName: in.DisplayName, Email: in.Email, OrgRole: in.OrgRole, PasswordHash: hash, MustChangePassword: oneTime}
	if oneTime {
		expires := s.now().Add(OneTimePasswordTTL).UTC()
		u.PasswordExpiresAt = &expires
	}
	err = s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.store.CreateUser(ctx, tx, u); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "user.create", "user", u.Username, nil, "", "org_role="+u.OrgRole, reason)
	})
	if errors.Is(err, store.ErrConflict) {
		return nil, apperr.Field("username", "This username is taken.")
	}
	if err != nil {
		return nil, err
	}
	return u, nil
}

// OneTimePasswordTTL is how long a one-time password (the first admin's,
// an admin-created user's, an admin's reset) works: a login with it later
// is refused, and an admin resets it again.
const OneTimePasswordTTL = 7 * 24 * time.Hour

// newOneTimePassword generates a one-time password.
func newOneTimePassword() string { return auth.RandomToken(15) }

// ResetPassword gives u a new generated one-time password, which it
// returns to be shown once, for a user who forgot theirs. It needs the
// "users manage" permission. In one transaction with its audit record
// (which holds no secret): the password is replaced, the user must choose
// their own at the next login and it expires after OneTimePasswordTTL,
// every session of the user ends and their personal access tokens are
// revoked (as a password change does), and the user is notified. An admin
// does not reset their own password (they change it on their profile,
// which asks for the current one), and a disabled user is not reset (they
// cannot log in: enable them first).
func (s *Service) ResetPassword(ctx context.Context, actor, u *store.User) (string, error) {
	return s.resetPassword(ctx, asUser(actor), u)
}

// resetPassword is ResetPassword by a user or the console (Console.ResetPassword).
func (s *Service) resetPassword(ctx context.Context, a actor, u *store.User) (string, error) {
	if err := s.require(ctx, a, policy.OrgDomain, "users", "manage", "Only org admins reset passwords."); err != nil {
		return "", err
	}
	if a.User != nil && a.User.ID == u.ID {
		return "", apperr.Conflict("You cannot reset your own password: change it on your profile.")
	}
	if u.Disabled {
		return "", apperr.Conflict("This user is disabled and cannot log in: enable them first, then reset their password.")
	}
	password := newOneTimePassword()
	hash, err := s.hash(ctx, password)
	if err != nil {
		return "", err
	}
	now := s.now()
	expires := now.Add(OneTimePasswordTTL).UTC()
	err = s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.store.SetOneTimePassword(ctx, tx, u.ID, hash, expires); err != nil {
			return err
		}
		sessions, err := s.store.DeleteUserSessions(ctx, tx, u.ID, "")
		if err != nil {
			return err
		}
		tokens, err := s.store.RevokeUserTokens(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		msg := "An admin reset your password from the command line. Your sessions were logged out and your personal access tokens revoked."
		if a.User != nil {
			msg = "An admin, " + store.Isolate(a.User.Username) + ", reset your password. Your sessions were logged out and your personal access tokens revoked."
		}
		if err := s.store.Notify(ctx, tx, []int64{u.ID}, "user.password.reset", msg, "/profile", now); err != nil {
			return err
		}
		after := fmt.Sprintf("sessions ended=%d tokens revoked=%d expires_at=%s", sessions, tokens, expires.Format(time.RFC3339))
		return s.audit(ctx, tx, a, "user.password.reset", "user", u.Username, nil, "", after, "")
	})
	if err != nil {
		return "", err
	}
	u.PasswordHash, u.MustChangePassword, u.PasswordExpiresAt = hash, true, &expires
	return password, nil
}

// UserChange changes a user; nil fields stay as they are.
type UserChange struct {
	DisplayName *string
	Email       *string
	OrgRole     *string
	Disabled    *bool
}

// msgUserChanged refuses the save of a user that someone else changed
// since it was read (their lock version moved on).
const msgUserChanged = "This user was changed by someone else since it was read (lock_version %d, now newer): read it again and reapply your change."

// UpdateUser changes the profile, org role and status of u, as read at
// u.LockVersion: when someone changed the user since, it changes nothing
// and returns a ConflictError. It needs the "users manage" permission, and
// refuses a change that would take the actor's own right to manage users
// away, so the org is never left without an admin by accident.
func (s *Service) UpdateUser(ctx context.Context, actor, u *store.User, ch UserChange) error {
	if err := s.require(ctx, asUser(actor), policy.OrgDomain, "users", "manage", "Only org admins change users."); err != nil {
		return err
	}
	in := UserInput{Username: u.Username, DisplayName: u.DisplayName, Email: u.Email, OrgRole: u.OrgRole}
	disabled := u.Disabled
	set := func(dst, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&in.DisplayName, ch.DisplayName)
	set(&in.Email, ch.Email)
	set(&in.OrgRole, ch.OrgRole)
	if ch.Disabled != nil {
		disabled = *ch.Disabled
	}
	errs := in.normalize()
	delete(errs, "username") // an existing name is kept as it is
	if len(errs) > 0 {
		return apperr.Invalid(errs)
	}
	if actor.ID == u.ID {
		keeps, err := s.auth.RoleAllows(ctx, in.OrgRole, policy.OrgDomain, "users", "manage")
		if err != nil {
			return err
		}
		// Each refusal beside what the actor changed.
		errs := map[string]string{}
		if !keeps {
			errs["org_role"] = "You cannot remove your own admin role; ask another admin."
		}
		if disabled {
			errs["disabled"] = "You cannot disable yourself; ask another admin."
		}
		if len(errs) > 0 {
			return apperr.Invalid(errs)
		}
	}
	before := fmt.Sprintf("org_role=%s disabled=%t", u.OrgRole, u.Disabled)
	wasAdmin := u.OrgRole == policy.RoleAdmin && !u.Disabled
	wasDisabled := u.Disabled
	next := *u
	next.DisplayName, next.Email, next.OrgRole, next.Disabled = in.DisplayName, in.Email, in.OrgRole, disabled
	if next.DisplayName == u.DisplayName && next.Email == u.Email && next.OrgRole == u.OrgRole && next.Disabled == u.Disabled {
		// Nothing to change, nothing to record, as long as the user is
		// still as read: a stale save of the same values is refused as
		// any stale save is.
		cur, err := s.store.UserByUsername(ctx, u.Username)
		if err != nil {
			return err
		}
		if cur.LockVersion != u.LockVersion {
			return apperr.Conflict(fmt.Sprintf(msgUserChanged, u.LockVersion))
		}
		return nil
	}
	removesAdmin := wasAdmin && (next.OrgRole != policy.RoleAdmin || next.Disabled)
	after := fmt.Sprintf("org_role=%s disabled=%t", next.OrgRole, next.Disabled)
	// The profile fields are named only when they change.
	if next.DisplayName != u.DisplayName {
		before += fmt.Sprintf(" display_name=%q", u.DisplayName)
		after += fmt.Sprintf(" display_name=%q", next.DisplayName)
	}
	if next.Email != u.Email {
		before += fmt.Sprintf(" email=%q", u.Email)
		after += fmt.Sprintf(" email=%q", next.Email)
	}
	err := s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		u := &next
		if err := s.store.UpdateUser(ctx, tx, u); err != nil {
			return err
		}
		// Two admins demoting (or disabling) each other at once each pass
		// the check on themselves above. UpdateUser moved the policy
		// version, a row every change of users writes, so the second
		// such change waits for the first and counts after it.
		if removesAdmin {
			if admins, err := s.store.CountActiveWithOrgRole(ctx, tx, policy.RoleAdmin); err != nil {
				return err
			} else if admins == 0 {
				return apperr.Field("org_role", "This would leave the organisation without an active admin: make another user admin first.")
			}
		}
		// A disabled user holds no credentials: their sessions end and
		// their tokens are revoked for good, so that enabling them again
		// gives nothing back (they log in and create new tokens). Enabling
		// revokes too: a user disabled before this rule may hold some.
		if u.Disabled || wasDisabled {
			sessions, err := s.store.DeleteUserSessions(ctx, tx, u.ID, "")
			if err != nil {
				return err
			}
			if sessions > 0 {
				after += fmt.Sprintf(" sessions ended=%d", sessions)
			}
			n, err := s.store.RevokeUserTokens(ctx, tx, u.ID)
			if err != nil {
				return err
			}
			if n > 0 {
				after += fmt.Sprintf(" tokens revoked=%d", n)
			}
		}
		return s.audit(ctx, tx, asUser(actor), "user.update", "user", u.Username, nil, before, after, "")
	})
	if errors.Is(err, store.ErrConflict) {
		return apperr.Conflict(fmt.Sprintf(msgUserChanged, u.LockVersion))
	}
	if err != nil {
		return err
	}
	*u = next
	return nil
}

// ProfileInput is what users change about themselves.
type ProfileInput struct {
	DisplayName string
	Email       string
}

// UpdateProfile saves the actor's own display name and email, audited.
func (s *Service) UpdateProfile(ctx context.Context, actor *store.User, in ProfileInput) error {
	if err := self(actor); err != nil {
		return err
	}
	errs := map[string]string{}
	profileErrors(&in.DisplayName, &in.Email, errs)
	if len(errs) > 0 {
		return apperr.Invalid(errs)
	}
	u := *actor
	u.DisplayName, u.Email = in.DisplayName, in.Email
	before := fmt.Sprintf("display_name=%q email=%q", actor.DisplayName, actor.Email)
	after := fmt.Sprintf("display_name=%q email=%q", u.DisplayName, u.Email)
	err := s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.store.UpdateProfile(ctx, tx, &u); err != nil {
			return err
		}
		if before == after {
			return nil // a save that changes nothing is not audited
		}
		return s.audit(ctx, tx, asUser(actor), "user.profile.update", "user", actor.Username, nil, before, after, "")
	})
	if err != nil {
		return err
	}
	*actor = u
	return nil
}

// PasswordChange is the password form: the current password and the new
// one twice.
type PasswordChange struct {
	Current string
	New     string
	Confirm string
}

// ChangePassword replaces the actor's password, revokes their personal
// access tokens and ends their other sessions, in one transaction:
// whoever learnt the old password keeps nothing it gave them.
// keepSession is the hash of the session to keep (the one making the
// change), or empty; addr and dev are where the request came from (dev
// the browser's device cookie, or none). The current password is checked
// under the login limits (a wrong one counts as a failed login), and
// refused with a LimitError above them.
func (s *Service) ChangePassword(ctx context.Context, actor *store.User, in PasswordChange, keepSession, addr string, dev Device) error {
	if err := self(actor); err != nil {
		return err
	}
	errs := map[string]string{}
	switch {
	case len(in.New) < auth.MinPasswordLength || len(in.New) > auth.MaxPasswordLength:
		errs["new"] = msgPassword
	case in.New != in.Confirm:
		errs["confirm"] = "The two new passwords differ."
	}
	switch {
	case in.Current == "":
		errs["current"] = "Enter your current password."
	case len(in.Current) > auth.MaxPasswordLength:
		errs["current"] = "This is not your current password."
	default:
		ok, err := s.checkPassword(ctx, actor.Username, addr, dev, in.Current, func() (*store.User, error) {
			return actor, nil
		})
		if err != nil {
			return err
		}
		if !ok {
			errs["current"] = "This is not your current password."
		}
	}
	if len(errs) > 0 {
		return apperr.Invalid(errs)
	}
	hash, err := s.hash(ctx, in.New)
	if err != nil {
		return err
	}
	err = s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		// Only over the password just checked: a reset or another change
		// that committed since ended it.
		if err := s.store.SetPassword(ctx, tx, actor.ID, actor.PasswordHash, hash); err != nil {
			return err
		}
		n, err := s.store.RevokeUserTokens(ctx, tx, actor.ID)
		if err != nil {
			return err
		}
		if _, err := s.store.DeleteUserSessions(ctx, tx, actor.ID, keepSession); err != nil {
			return err
		}
		return s.audit(ctx, tx, asUser(actor), "user.password.change", "user", actor.Username, nil, "", fmt.Sprintf("tokens revoked=%d", n), "")
	})
	if errors.Is(err, store.ErrConflict) {
		return apperr.Conflict("Your password was changed or reset meanwhile, or your account disabled: nothing was changed. Log in again to see where it stands.")
	}
	if err != nil {
		return err
	}
	actor.PasswordHash = hash
	return nil
}

// EndOtherSessions logs the user out everywhere but the session
// keepSession (the hash of the one asking), on every instance, and returns
// how many sessions it ended. Personal access tokens stay.
func (s *Service) EndOtherSessions(ctx context.Context, actor *store.User, keepSession string) (int64, error) {
	if err := self(actor); err != nil {
		return 0, err
	}
	var n int64
	err := s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if n, err = s.store.DeleteUserSessions(ctx, tx, actor.ID, keepSession); err != nil {
			return err
		}
		return s.audit(ctx, tx, asUser(actor), "user.sessions.end", "user", actor.Username, nil, "", fmt.Sprintf("other sessions ended=%d", n), "")
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// hash hashes a password, answering a full hashing queue with a LimitError.
func (s *Service) hash(ctx context.Context, password string) (string, error) {
	hash, err := s.hasher.Hash(ctx, password)
	if errors.Is(err, auth.ErrBusy) {
		return "", apperr.Limit(msgHashBusy, 2*time.Second)
	}
	return hash, err
}
