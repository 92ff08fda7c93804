package people_test

import (
	"context"
	"errors"
	"testing"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/people"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestPasswordChangeAfterAResetIsRefused: a password change whose request
// read the user (and checked the current password) before an admin reset
// that password commits after the reset. It is refused and the one-time
// password stays: whoever knew the old password (the reason for a reset,
// often) does not get to set the next one. It used to overwrite the reset.
// Likewise the second of two changes made with the same old password, from
// two sessions, is refused: the first had ended the password it was
// checked against.
func TestPasswordChangeAfterAResetIsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		change := func(u *store.User, to string) error {
			return f.svc.ChangePassword(ctx, u, people.PasswordChange{Current: password, New: to, Confirm: to}, "", "192.0.2.1", people.Device{})
		}
		var ce *apperr.ConflictError

		// As the request read the user, before the reset.
		stale := *f.member
		oneTime, err := f.svc.ResetPassword(ctx, f.admin, f.member)
		if err != nil {
			t.Fatal(err)
		}
		if err := change(&stale, "chosen by whoever knew it"); !errors.As(err, &ce) {
			t.Errorf("change after the reset: %v, want a conflict", err)
		}
		if _, err := f.svc.LogIn(ctx, people.Credentials{Username: "mia", Password: "chosen by whoever knew it", Addr: "192.0.2.2"}); err == nil {
			t.Error("the password set after the reset logs in")
		}
		if u, err := f.svc.LogIn(ctx, people.Credentials{Username: "mia", Password: oneTime, Addr: "192.0.2.2"}); err != nil || !u.MustChangePassword {
			t.Errorf("the reset's one-time password: %v, %v; want it to log in and ask for a new one", u, err)
		}

		// Two sessions of the admin, both read with the same password.
		first, second := *f.admin, *f.admin
		if err := change(&first, "the first new password"); err != nil {
			t.Fatal(err)
		}
		if err := change(&second, "the second new password"); !errors.As(err, &ce) {
			t.Errorf("second change with the old password: %v, want a conflict", err)
		}
		if _, err := f.svc.LogIn(ctx, people.Credentials{Username: "admin", Password: "the first new password", Addr: "192.0.2.3"}); err != nil {
			t.Errorf("the first change's password: %v, want it to log in", err)
		}
	})
}
