package people_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/auth"
	"github.com/portico-dev/portico/people"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// A one-time password (an admin-created user's, an admin's reset) works
// for 7 days; after that the right one is refused as expired (a wrong one
// still as wrong), and a password the user chose never expires.
func TestOneTimePasswordExpires(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	p, err := policy.New(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	svc := people.New(s, p, people.Options{Hasher: auth.NewTestHasher(), Now: func() time.Time { return now }})
	admin, err := svc.Console("cli").CreateUser(ctx, people.UserInput{Username: "admin", OrgRole: policy.RoleAdmin}, password)
	if err != nil {
		t.Fatal(err)
	}
	if admin.PasswordExpiresAt != nil {
		t.Errorf("a password the operator chose expires at %v", admin.PasswordExpiresAt)
	}
	created := now
	_, oneTime, err := svc.CreateUser(ctx, admin, people.UserInput{Username: "dana"})
	if err != nil {
		t.Fatal(err)
	}
	dana, err := s.UserByUsername(ctx, "dana")
	if err != nil {
		t.Fatal(err)
	}
	if dana.PasswordExpiresAt == nil || !dana.PasswordExpiresAt.Equal(created.Add(7*24*time.Hour)) {
		t.Fatalf("one-time password expires at %v, want %v", dana.PasswordExpiresAt, created.Add(7*24*time.Hour))
	}
	login := func(pw string) (*store.User, error) {
		return svc.LogIn(ctx, people.Credentials{Username: "dana", Password: pw, Addr: "192.0.2.9"})
	}
	now = created.Add(7*24*time.Hour - time.Minute)
	if _, err := login(oneTime); err != nil {
		t.Errorf("login a minute before the expiry: %v", err)
	}
	now = created.Add(7 * 24 * time.Hour)
	if _, err := login(oneTime); !errors.Is(err, people.ErrPasswordExpired) {
		t.Errorf("login at the expiry: %v, want ErrPasswordExpired", err)
	}
	if _, err := login("not the one-time password"); !errors.Is(err, people.ErrWrongCredentials) {
		t.Errorf("a wrong password after the expiry: %v, want ErrWrongCredentials (no word about expiry)", err)
	}

	// An admin resets it: a new one for 7 days more.
	reset, err := svc.ResetPassword(ctx, admin, dana)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := login(oneTime); !errors.Is(err, people.ErrWrongCredentials) {
		t.Errorf("the old one-time password after a reset: %v, want ErrWrongCredentials", err)
	}
	u, err := login(reset)
	if err != nil {
		t.Fatalf("login with the reset password: %v", err)
	}
	if !u.MustChangePassword || u.PasswordExpiresAt == nil || !u.PasswordExpiresAt.Equal(now.Add(7*24*time.Hour)) {
		t.Fatalf("after a reset: must change %t, expires %v", u.MustChangePassword, u.PasswordExpiresAt)
	}
	const chosen = "a password of my own choosing"
	if err := svc.ChangePassword(ctx, u, people.PasswordChange{Current: reset, New: chosen, Confirm: chosen}, "", "192.0.2.9", people.Device{}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(400 * 24 * time.Hour)
	u, err = login(chosen)
	if err != nil {
		t.Fatalf("a chosen password 400 days later: %v", err)
	}
	if u.MustChangePassword || u.PasswordExpiresAt != nil {
		t.Errorf("a chosen password: must change %t, expires %v", u.MustChangePassword, u.PasswordExpiresAt)
	}
}

// The first admin's generated password expires like every one-time password.
func TestFirstAdminPasswordExpires(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	p, err := policy.New(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	svc := people.New(s, p, people.Options{Hasher: auth.NewTestHasher(), Now: func() time.Time { return now }})
	_, pw, err := svc.Console("system").CreateFirstAdmin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(8 * 24 * time.Hour)
	if _, err := svc.LogIn(ctx, people.Credentials{Username: "admin", Password: pw, Addr: "192.0.2.9"}); !errors.Is(err, people.ErrPasswordExpired) {
		t.Errorf("the first admin's password 8 days later: %v, want ErrPasswordExpired", err)
	}
}

// Who may reset whom: org admins only, not themselves, not a disabled
// user; the reset is audited without the secret and the user notified.
func TestResetPasswordRules(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, storetest.New(t))
	var de *apperr.DeniedError
	if _, err := f.svc.ResetPassword(ctx, f.member, f.admin); !errors.As(err, &de) {
		t.Errorf("a member resets an admin: %v, want DeniedError", err)
	}
	var ce *apperr.ConflictError
	if _, err := f.svc.ResetPassword(ctx, f.admin, f.admin); !errors.As(err, &ce) {
		t.Errorf("an admin resets themself: %v, want ConflictError", err)
	}
	off, err := f.svc.Console("cli").CreateUser(ctx, people.UserInput{Username: "olga"}, password)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.UpdateUser(ctx, f.admin, off, people.UserChange{Disabled: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.ResetPassword(ctx, f.admin, off); !errors.As(err, &ce) {
		t.Errorf("a disabled user reset: %v, want ConflictError", err)
	}
	pw, err := f.svc.ResetPassword(ctx, f.admin, f.member)
	if err != nil {
		t.Fatal(err)
	}
	events, err := f.s.ListAudit(ctx, store.AuditFilter{Action: "user.password.reset"})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || events[0].Actor != "admin" || events[0].ObjectID != "mia" {
		t.Fatalf("audit = %+v", events)
	}
	if e := events[0]; strings.Contains(e.Before+e.After+e.Reason, pw) {
		t.Errorf("the audit record holds the password: %+v", e)
	}
	ns, err := f.s.Notifications(ctx, f.member.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(ns) != 1 || ns[0].Kind != "user.password.reset" {
		t.Errorf("notifications of the user = %+v", ns)
	}
}
