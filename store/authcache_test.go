package store_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// authFixture is a user with a session, a token and a team.
type authFixture struct {
	user  *store.User
	team  *store.Team
	token *store.APIToken
}

func newAuthFixture(t *testing.T, s *store.Store, name string) authFixture {
	t.Helper()
	ctx := context.Background()
	u := &store.User{Username: name, OrgRole: "member", PasswordHash: "x"}
	if err := s.CreateUser(ctx, s.DB(), u); err != nil {
		t.Fatal(err)
	}
	team := &store.Team{Slug: name + "-team", Name: "Team of " + name}
	if err := s.CreateTeam(ctx, s.DB(), team); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateSession(ctx, &store.Session{IDHash: name + "-s1", UserID: u.ID, ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateSession(ctx, &store.Session{IDHash: name + "-s2", UserID: u.ID, ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	tok := &store.APIToken{UserID: u.ID, Name: "ci", Prefix: "pat_" + name, TokenHash: name + "-t"}
	if err := s.CreateToken(ctx, s.DB(), tok); err != nil {
		t.Fatal(err)
	}
	return authFixture{user: u, team: team, token: tok}
}

// TestAuthCacheServesFromMemory checks the design: once read, a session, a
// token and memberships are served without the database, so a row removed
// behind the store's back (which no code path does) is still served, until
// the next change through the store.
func TestAuthCacheServesFromMemory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newAuthFixture(t, s, "ada")
		if _, err := s.SetTeamMember(ctx, s.DB(), f.team.ID, f.user.ID, "owner"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionUser(ctx, "ada-s1", 0); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.TokenUser(ctx, "ada-t"); err != nil {
			t.Fatal(err)
		}
		if ms, err := s.Memberships(ctx, f.user.ID); err != nil || len(ms) != 1 {
			t.Fatalf("Memberships = %v, %v", ms, err)
		}
		for _, q := range []string{"DELETE FROM sessions", "DELETE FROM api_tokens", "DELETE FROM team_members"} {
			if _, err := s.DB().ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := s.SessionUser(ctx, "ada-s1", 0); err != nil {
			t.Errorf("cached session: %v", err)
		}
		if _, _, err := s.TokenUser(ctx, "ada-t"); err != nil {
			t.Errorf("cached token: %v", err)
		}
		if ms, err := s.Memberships(ctx, f.user.ID); err != nil || len(ms) != 1 {
			t.Errorf("cached memberships = %v, %v", ms, err)
		}
		// Any change through the store drops the cache.
		if err := s.DeleteSession(ctx, "nobody"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionUser(ctx, "ada-s1", 0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("session after the cache was dropped: got %v, want ErrNotFound", err)
		}
		if ms, err := s.Memberships(ctx, f.user.ID); err != nil || len(ms) != 0 {
			t.Errorf("memberships after the cache was dropped = %v, %v", ms, err)
		}
	})
}

// TestAuthChangesTakeEffectAtOnce: on the instance that makes the change,
// logout, password change (other sessions ended), role change, membership
// change and token revocation are seen by the very next lookup.
func TestAuthChangesTakeEffectAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newAuthFixture(t, s, "ada")
		warm := func() {
			t.Helper()
			if _, _, err := s.SessionUser(ctx, "ada-s1", 0); err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.TokenUser(ctx, "ada-t"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Memberships(ctx, f.user.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := s.PolicyVersion(ctx); err != nil {
				t.Fatal(err)
			}
		}
		warm()
		// A returned user is a copy: changing it changes nothing cached.
		_, u, _ := s.SessionUser(ctx, "ada-s1", 0)
		u.OrgRole = "admin"
		if _, u, _ := s.SessionUser(ctx, "ada-s1", 0); u.OrgRole != "member" {
			t.Errorf("cached user changed through a returned copy: role %q", u.OrgRole)
		}

		// Role change.
		policyBefore, _ := s.PolicyVersion(ctx)
		err := s.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			u := *f.user
			u.OrgRole = "approver"
			return s.UpdateUser(ctx, tx, &u)
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, u, err := s.SessionUser(ctx, "ada-s1", 0); err != nil || u.OrgRole != "approver" {
			t.Errorf("after a role change: %v, %v; want role approver", u, err)
		}
		if _, u, err := s.TokenUser(ctx, "ada-t"); err != nil || u.OrgRole != "approver" {
			t.Errorf("token after a role change: %v, %v; want role approver", u, err)
		}
		if v, _ := s.PolicyVersion(ctx); v == policyBefore {
			t.Error("policy version unchanged after a role change")
		}

		// Membership change.
		warm()
		err = s.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			_, err := s.SetTeamMember(ctx, tx, f.team.ID, f.user.ID, "developer")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if ms, _ := s.Memberships(ctx, f.user.ID); len(ms) != 1 || ms[0].Role != "developer" {
			t.Errorf("memberships after joining a team = %v", ms)
		}
		// A team renamed.
		warm()
		err = s.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			tm := *f.team
			tm.Name = "Renamed"
			return s.UpdateTeam(ctx, tx, &tm, f.team.Name, f.team.Description)
		})
		if err != nil {
			t.Fatal(err)
		}
		if ms, _ := s.Memberships(ctx, f.user.ID); len(ms) != 1 || ms[0].Team.Name != "Renamed" {
			t.Errorf("memberships after a team was renamed = %v", ms)
		}

		// Token revocation.
		warm()
		err = s.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			_, err := s.RevokeToken(ctx, tx, f.user.ID, f.token.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.TokenUser(ctx, "ada-t"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("revoked token: got %v, want ErrNotFound", err)
		}

		// Every token of a user revoked (as a password change does).
		tok2 := &store.APIToken{UserID: f.user.ID, Name: "ci2", Prefix: "pat_ada2", TokenHash: "ada-t2"}
		if err := s.CreateToken(ctx, s.DB(), tok2); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.TokenUser(ctx, "ada-t2"); err != nil {
			t.Fatal(err)
		}
		err = s.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			_, err := s.RevokeUserTokens(ctx, tx, f.user.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.TokenUser(ctx, "ada-t2"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("token after all tokens were revoked: got %v, want ErrNotFound", err)
		}

		// Password change: the other sessions end, this one stays.
		warm2 := func() {
			for _, h := range []string{"ada-s1", "ada-s2"} {
				if _, _, err := s.SessionUser(ctx, h, 0); err != nil {
					t.Fatal(err)
				}
			}
		}
		warm2()
		err = s.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			return s.SetPassword(ctx, tx, f.user.ID, f.user.PasswordHash, "y")
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, u, err := s.SessionUser(ctx, "ada-s1", 0); err != nil || u.PasswordHash != "y" {
			t.Errorf("after a password change: %v, %v; want the new hash", u, err)
		}
		if _, err := s.DeleteUserSessions(ctx, s.DB(), f.user.ID, "ada-s1"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionUser(ctx, "ada-s2", 0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other session after a password change: got %v, want ErrNotFound", err)
		}
		if _, _, err := s.SessionUser(ctx, "ada-s1", 0); err != nil {
			t.Errorf("the session that changed the password: %v", err)
		}

		// Logout.
		if err := s.DeleteSession(ctx, "ada-s1"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionUser(ctx, "ada-s1", 0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("after logout: got %v, want ErrNotFound", err)
		}

		// A rolled-back change changes nothing, and a user disabled loses
		// every session at once.
		if err := s.CreateSession(ctx, &store.Session{IDHash: "ada-s3", UserID: f.user.ID, ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionUser(ctx, "ada-s3", 0); err != nil {
			t.Fatal(err)
		}
		disable := func(fail error) error {
			return s.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
				u, err := s.UserByID(ctx, f.user.ID)
				if err != nil {
					return err
				}
				u.Disabled = true
				if err := s.UpdateUser(ctx, tx, u); err != nil {
					return err
				}
				return fail
			})
		}
		boom := errors.New("boom")
		if err := disable(boom); !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if _, _, err := s.SessionUser(ctx, "ada-s3", 0); err != nil {
			t.Errorf("after a rolled-back change: %v", err)
		}
		if err := disable(nil); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionUser(ctx, "ada-s3", 0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("session of a disabled user: got %v, want ErrNotFound", err)
		}
	})
}

// TestAuthChangesReachOtherInstances: two stores on one database, as two
// portal instances. A change made through one is seen by the other at its
// wake-up (PostgreSQL NOTIFY) or, when that is lost, at its next look at
// the authentication version (a second at most); on SQLite (a server and a
// command on one data directory) at that look.
func TestAuthChangesReachOtherInstances(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			a, b := storetest.OpenTwo(t, d)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() {
				b.ListenWakeUps(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)))
				close(done)
			}()
			defer func() { cancel(); <-done }()
			f := newAuthFixture(t, a, "ada")
			// within waits until b sees the change: generous bounds, since
			// the machine may be very busy; the time taken is logged.
			within := func(what string, seen func() bool) {
				t.Helper()
				start := time.Now()
				for !seen() {
					if time.Since(start) > 10*time.Second {
						t.Fatalf("%s: not seen by the other instance after %s", what, time.Since(start))
					}
					time.Sleep(2 * time.Millisecond)
				}
				t.Logf("%s: seen by the other instance after %s", what, time.Since(start).Round(time.Millisecond))
			}
			gone := func(err error) bool { return errors.Is(err, store.ErrNotFound) }
			// b has the session and the token cached once it can read them
			// (the listener may still be starting: then they are dropped
			// once more, which is harmless).
			within("login", func() bool { _, _, err := b.SessionUser(ctx, "ada-s1", 0); return err == nil })
			if _, _, err := b.TokenUser(ctx, "ada-t"); err != nil {
				t.Fatal(err)
			}

			if err := a.DeleteSession(ctx, "ada-s1"); err != nil {
				t.Fatal(err)
			}
			within("logout", func() bool { _, _, err := b.SessionUser(ctx, "ada-s1", 0); return gone(err) })

			if _, _, err := b.SessionUser(ctx, "ada-s2", 0); err != nil {
				t.Fatal(err)
			}
			err := a.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
				u := *f.user
				u.OrgRole = "admin"
				return a.UpdateUser(ctx, tx, &u)
			})
			if err != nil {
				t.Fatal(err)
			}
			within("role change", func() bool { _, u, err := b.SessionUser(ctx, "ada-s2", 0); return err == nil && u.OrgRole == "admin" })

			err = a.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
				_, err := a.RevokeToken(ctx, tx, f.user.ID, f.token.ID)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			within("token revocation", func() bool { _, _, err := b.TokenUser(ctx, "ada-t"); return gone(err) })

			if _, err := a.DeleteUserSessions(ctx, a.DB(), f.user.ID, ""); err != nil {
				t.Fatal(err)
			}
			within("password change", func() bool { _, _, err := b.SessionUser(ctx, "ada-s2", 0); return gone(err) })

			// A change whose wake-up is lost (written without one, as if
			// the listener was reconnecting): seen at the next look.
			if err := a.CreateSession(ctx, &store.Session{IDHash: "ada-s3", UserID: f.user.ID, ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
			within("new session", func() bool { _, _, err := b.SessionUser(ctx, "ada-s3", 0); return err == nil })
			err = a.DB().RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
				if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE id_hash = 'ada-s3'"); err != nil {
					return err
				}
				_, err := tx.ExecContext(ctx, "UPDATE auth_state SET version = version + 1 WHERE id = 1")
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			within("logout without a wake-up", func() bool { _, _, err := b.SessionUser(ctx, "ada-s3", 0); return gone(err) })
		})
	}
}
