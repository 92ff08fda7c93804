package people_test

import (
	"context"
	"testing"
	"time"

	"github.com/portico-dev/portico/auth"
	"github.com/portico-dev/portico/people"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestTokenFromBeforeAPasswordChangeIsRefused: a password change leaves
// whoever learnt the old password nothing. A token request that another
// session (the one that learnt it) made before the change, and that the
// service handles after it, must not yield a token that outlives the change.
func TestTokenFromBeforeAPasswordChangeIsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		stolen := *f.member // the user as the other session's request read them
		if err := f.s.CreateSession(ctx, &store.Session{IDHash: auth.HashToken("mine"), UserID: f.member.ID, ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.ChangePassword(ctx, f.member, people.PasswordChange{Current: password, New: "a new passphrase", Confirm: "a new passphrase"}, auth.HashToken("mine"), "192.0.2.1", people.Device{}); err != nil {
			t.Fatal(err)
		}
		secret, err := f.svc.CreateToken(ctx, &stolen, people.TokenInput{Name: "kept"})
		if err == nil {
			if _, _, terr := f.s.TokenUser(ctx, auth.HashToken(secret)); terr == nil {
				t.Fatal("a token asked for before the password change works after it")
			}
		}
		// The user, as read after the change, still creates tokens.
		fresh, err := f.s.UserByID(ctx, f.member.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.CreateToken(ctx, fresh, people.TokenInput{Name: "laptop"}); err != nil {
			t.Errorf("token after the change: %v", err)
		}
		if _, err := f.svc.CreateToken(ctx, f.member, people.TokenInput{Name: "same request"}); err != nil {
			t.Errorf("token by the user who changed the password: %v", err)
		}
	})
}
