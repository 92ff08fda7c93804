package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestPreparedReadsFollowChanges checks the reads that run through kept
// prepared statements (the profile's tokens, the navigation's unread
// count): each read sees every change made before it, for the right user
// only, and the tokens come without their hashes.
func TestPreparedReadsFollowChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ada := newAuthFixture(t, s, "ada")
		bob := newAuthFixture(t, s, "bob")
		list := func(u *store.User) []store.APIToken {
			t.Helper()
			toks, err := s.UserTokens(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			return toks
		}
		toks := list(ada.user)
		if len(toks) != 1 || toks[0].ID != ada.token.ID || toks[0].Name != "ci" || toks[0].Prefix != "pat_ada" || toks[0].UserID != ada.user.ID {
			t.Fatalf("tokens of ada = %+v", toks)
		}
		if toks[0].TokenHash != "" || toks[0].CreatedAt.IsZero() || toks[0].LastUsedAt != nil || toks[0].RevokedAt != nil {
			t.Fatalf("token row = %+v (no hash, a creation time, never used nor revoked)", toks[0])
		}
		exp := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
		second := &store.APIToken{UserID: ada.user.ID, Name: "deploy", Prefix: "pat_ada2", TokenHash: "ada-t2", ExpiresAt: &exp}
		if err := s.CreateToken(ctx, s.DB(), second); err != nil {
			t.Fatal(err)
		}
		toks = list(ada.user)
		if len(toks) != 2 || toks[0].ID != second.ID || toks[1].ID != ada.token.ID {
			t.Fatalf("after a new token, tokens = %+v (newest first)", toks)
		}
		if toks[0].ExpiresAt == nil || !toks[0].ExpiresAt.Equal(exp) {
			t.Fatalf("expiry = %v, want %v", toks[0].ExpiresAt, exp)
		}
		if _, _, err := s.TokenUser(ctx, "ada-t"); err != nil {
			t.Fatal(err)
		}
		if toks = list(ada.user); toks[1].LastUsedAt == nil {
			t.Fatalf("after a use, tokens = %+v (last use recorded)", toks)
		}
		if _, err := s.RevokeToken(ctx, s.DB(), ada.user.ID, second.ID); err != nil {
			t.Fatal(err)
		}
		if toks = list(ada.user); toks[0].RevokedAt == nil || toks[1].RevokedAt != nil {
			t.Fatalf("after revoking, tokens = %+v", toks)
		}
		if toks = list(bob.user); len(toks) != 1 || toks[0].ID != bob.token.ID {
			t.Fatalf("tokens of bob = %+v", toks)
		}

		unread := func(u *store.User) int {
			t.Helper()
			n, err := s.UnreadCount(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := unread(ada.user); n != 0 {
			t.Fatalf("unread = %d, want 0", n)
		}
		if err := s.Notify(ctx, s.DB(), []int64{ada.user.ID}, "review", "one", "/reviews/1", store.Now()); err != nil {
			t.Fatal(err)
		}
		if err := s.Notify(ctx, s.DB(), []int64{ada.user.ID, bob.user.ID}, "review", "two", "/reviews/2", store.Now()); err != nil {
			t.Fatal(err)
		}
		if a, b := unread(ada.user), unread(bob.user); a != 2 || b != 1 {
			t.Fatalf("unread = %d and %d, want 2 and 1", a, b)
		}
		if err := s.MarkNotificationsRead(ctx, ada.user.ID); err != nil {
			t.Fatal(err)
		}
		if a, b := unread(ada.user), unread(bob.user); a != 0 || b != 1 {
			t.Fatalf("after reading, unread = %d and %d, want 0 and 1", a, b)
		}
	})
}

// TestPreparedReadsConcurrently runs the prepared reads from many
// goroutines at once (first preparation included); run it with -race.
func TestPreparedReadsConcurrently(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newAuthFixture(t, s, "cy")
		if err := s.Notify(ctx, s.DB(), []int64{f.user.ID}, "review", "one", "/reviews/1", store.Now()); err != nil {
			t.Fatal(err)
		}
		errs := make(chan error, 16)
		for range 16 {
			go func() {
				for range 20 {
					toks, err := s.UserTokens(ctx, f.user.ID)
					if err == nil && len(toks) != 1 {
						err = fmt.Errorf("%d tokens, want 1", len(toks))
					}
					if err != nil {
						errs <- err
						return
					}
					n, err := s.UnreadCount(ctx, f.user.ID)
					if err == nil && n != 1 {
						err = fmt.Errorf("unread %d, want 1", n)
					}
					if err != nil {
						errs <- err
						return
					}
				}
				errs <- nil
			}()
		}
		for range 16 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
	})
}
