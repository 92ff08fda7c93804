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
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestDisablingEndsCredentialsForGood: disabling a user ends their sessions
// and revokes their personal access tokens, and re-enabling them gives
// none of these back: they log in again and create new tokens. No token is
// issued to a disabled user meanwhile. The audit log records how many
// sessions the change ended and how many tokens it revoked, so that a
// departure's record shows the person was logged out.
func TestDisablingEndsCredentialsForGood(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		secret, err := f.svc.CreateToken(ctx, f.member, people.TokenInput{Name: "ci"})
		if err != nil {
			t.Fatal(err)
		}
		sess := &store.Session{IDHash: auth.HashToken("mia's browser"), UserID: f.member.ID, ExpiresAt: time.Now().Add(time.Hour)}
		if err := s.CreateSession(ctx, sess); err != nil {
			t.Fatal(err)
		}
		yes, no := true, false
		for _, ch := range []people.UserChange{{Disabled: &yes}, {Disabled: &no}} {
			u, err := s.UserByUsername(ctx, f.member.Username)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.svc.UpdateUser(ctx, f.admin, u, ch); err != nil {
				t.Fatal(err)
			}
			if *ch.Disabled {
				// Nor does the operator issue a token to a disabled user,
				// nor a request read before the change (f.member).
				if _, err := f.svc.Console("cli").CreateToken(ctx, f.member.Username, people.TokenInput{Name: "while disabled"}); fields(err)["username"] == "" {
					t.Errorf("console token for a disabled user: got %v, want a username field error", err)
				}
				var ce *apperr.ConflictError
				if _, err := f.svc.CreateToken(ctx, f.member, people.TokenInput{Name: "in flight"}); !errors.As(err, &ce) {
					t.Errorf("token asked for before the disable: got %v, want a ConflictError", err)
				}
			}
		}
		if _, _, err := s.TokenUser(ctx, auth.HashToken(secret)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("token after disable and re-enable: got %v, want it revoked (ErrNotFound)", err)
		}
		if _, _, err := s.SessionUser(ctx, sess.IDHash, 0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("session after disable and re-enable: got %v, want it ended (ErrNotFound)", err)
		}
		tokens, err := s.UserTokens(ctx, f.member.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, tok := range tokens {
			if tok.RevokedAt == nil {
				t.Errorf("token %q: got active, want revoked", tok.Name)
			}
		}
		events, err := s.ListAudit(ctx, store.AuditFilter{Action: "user.update", ObjectID: f.member.Username, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range events {
			got = append(got, e.Action+" "+e.After)
		}
		want := []string{
			"user.update org_role=member disabled=false",
			"user.update org_role=member disabled=true sessions ended=1 tokens revoked=1",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("audit:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

// TestEnablingRevokesTokensLeftFromBefore: a user disabled before disabling
// revoked tokens (or by a writer that did not) may still hold active
// tokens; enabling them revokes those, so they do not come back either.
func TestEnablingRevokesTokensLeftFromBefore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		secret, err := f.svc.CreateToken(ctx, f.member, people.TokenInput{Name: "old"})
		if err != nil {
			t.Fatal(err)
		}
		// Disabled by the store alone, as before: the token stays active.
		u, err := s.UserByUsername(ctx, f.member.Username)
		if err != nil {
			t.Fatal(err)
		}
		u.Disabled = true
		if err := s.UpdateUser(ctx, s.DB(), u); err != nil {
			t.Fatal(err)
		}
		no := false
		if err := f.svc.UpdateUser(ctx, f.admin, u, people.UserChange{Disabled: &no}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.TokenUser(ctx, auth.HashToken(secret)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("token of a user disabled before, after enabling: got %v, want it revoked (ErrNotFound)", err)
		}
		events, err := s.ListAudit(ctx, store.AuditFilter{Action: "user.update", ObjectID: f.member.Username, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != 1 || events[0].After != "org_role=member disabled=false tokens revoked=1" {
			t.Errorf("audit of the enabling: got %+v, want after \"org_role=member disabled=false tokens revoked=1\"", events)
		}
	})
}
