package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store/storetest"
)

// TestRevocationReachesEveryInstance: sessions, tokens and roles are
// cached in memory by each instance (store/authcache.go), yet logout, token
// revocation and a role change take effect at once on the instance that
// makes them and, within the wake-up's delivery, on another instance
// sharing the database (two portals over two stores of one database; on
// SQLite, as a server beside a command, at the next look, a second at most).
func TestRevocationReachesEveryInstance(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			sa, sb := storetest.OpenTwo(t, d)
			a, b := newEnvOn(t, sa), newEnvOn(t, sb)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() {
				sb.ListenWakeUps(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)))
				close(done)
			}()
			defer func() { cancel(); <-done }()

			alice := a.user("alice", policy.RoleMember, "", "")
			onA := a.browser()
			onA.login("alice")
			// The same browser behind a load balancer: its next request
			// may reach b.
			onB := b.browser()
			status := func(br *browser, path string) int {
				t.Helper()
				for k, v := range onA.cookies {
					br.cookies[k] = v
				}
				res := br.get(path)
				res.Body.Close()
				return res.StatusCode
			}
			within := func(what string, ok func() bool) {
				t.Helper()
				start := time.Now()
				for !ok() {
					if time.Since(start) > 10*time.Second {
						t.Fatalf("%s: not in effect on the other instance after %s", what, time.Since(start))
					}
					time.Sleep(5 * time.Millisecond)
				}
				t.Logf("%s: in effect on the other instance after %s", what, time.Since(start).Round(time.Millisecond))
			}
			within("login", func() bool { return status(onB, "/profile") == http.StatusOK })
			if got := status(onB, "/users"); got != http.StatusForbidden {
				t.Fatalf("a member on /users: %d, want 403", got)
			}

			// A role change: alice becomes an org admin.
			err := sa.RunInTx(context.Background(), func(ctx context.Context, tx bun.Tx) error {
				u := *alice
				u.OrgRole = policy.RoleAdmin
				return sa.UpdateUser(ctx, tx, &u)
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := status(onA, "/users"); got != http.StatusOK {
				t.Errorf("on the same instance, an admin on /users right after the change: %d, want 200", got)
			}
			within("role change", func() bool { return status(onB, "/users") == http.StatusOK })

			// Token revocation, through alice's profile page on a.
			token := a.token(alice)
			me := func(e *env) int { res, _ := e.api("GET", "/api/v1/me", token, nil); return res.StatusCode }
			if me(a) != http.StatusOK || me(b) != http.StatusOK {
				t.Fatal("a new token is refused")
			}
			toks, err := sa.UserTokens(context.Background(), alice.ID)
			if err != nil || len(toks) != 1 {
				t.Fatalf("tokens = %v, %v", toks, err)
			}
			res := onA.post("/profile/tokens/"+itoa(toks[0].ID)+"/revoke", url.Values{})
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("revoke: %d", res.StatusCode)
			}
			if got := me(a); got != http.StatusUnauthorized {
				t.Errorf("on the same instance, a revoked token right after: %d, want 401", got)
			}
			within("token revocation", func() bool { return me(b) == http.StatusUnauthorized })

			// Logout on a.
			if got := status(onB, "/profile"); got != http.StatusOK {
				t.Fatalf("before logout on b: %d", got)
			}
			session := onA.cookies["portico_session"]
			res = onA.post("/logout", nil)
			res.Body.Close()
			replay := func(e *env) int {
				br := e.browser()
				br.cookies["portico_session"] = session
				res := br.get("/profile")
				res.Body.Close()
				return res.StatusCode
			}
			if got := replay(a); got != http.StatusSeeOther {
				t.Errorf("on the same instance, the session right after logout: %d, want 303 to login", got)
			}
			within("logout", func() bool { return replay(b) == http.StatusSeeOther })
		})
	}
}
