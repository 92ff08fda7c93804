package handlers_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/auth"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestIdleSessionEnds checks the idle timeout (12 hours by default): a
// session unused for longer is ended and its next page goes to the login
// form, which says why; one used within the timeout goes on.
func TestIdleSessionEnds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnvOn(t, s)
		// lastSeen sets when the browser's session was last used (before
		// any page read it, so no instance has it cached).
		lastSeen := func(b *browser, ago time.Duration) {
			t.Helper()
			_, err := s.DB().NewUpdate().Table("sessions").Set("last_seen_at = ?", time.Now().UTC().Add(-ago)).
				Where("id_hash = ?", auth.HashToken(b.cookies["portico_session"])).Exec(context.Background())
			if err != nil {
				t.Fatal(err)
			}
		}
		e.user("alice", policy.RoleMember, "", "")
		e.user("bob", policy.RoleMember, "", "")

		bob := e.browser()
		bob.login("bob")
		lastSeen(bob, 11*time.Hour)
		res := bob.get("/profile")
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("session unused for 11 hours: /profile status %d, want 200", res.StatusCode)
		}

		alice := e.browser()
		alice.login("alice")
		id := alice.cookies["portico_session"]
		lastSeen(alice, 13*time.Hour)
		res = alice.get("/profile")
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login?next=%2Fprofile" {
			t.Fatalf("session unused for 13 hours: /profile answered %d to %q, want 303 to /login?next=%%2Fprofile", res.StatusCode, res.Header.Get("Location"))
		}
		if _, ok := alice.cookies["portico_session"]; ok {
			t.Error("the idle session's cookie was not cleared")
		}
		res = alice.get("/login?next=%2Fprofile")
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if want := "Your session ended after 12 hours of inactivity."; !strings.Contains(string(body), want) {
			t.Errorf("login page after an idle session does not say %q", want)
		}
		// The session is gone, also for a copy of the cookie.
		if _, _, err := s.SessionUser(context.Background(), auth.HashToken(id), 0); err == nil {
			t.Error("the idle session still exists")
		}
		// A form sent from a page left open past the timeout goes to the
		// login too, which leads back to the page.
		e.user("carol", policy.RoleMember, "", "")
		carol := e.browser()
		carol.login("carol")
		carol.get("/profile").Body.Close()
		csrf := carol.csrf()
		if _, err := s.DB().NewUpdate().Table("sessions").Set("last_seen_at = ?", time.Now().UTC().Add(-13*time.Hour)).
			Where("id_hash = ?", auth.HashToken(carol.cookies["portico_session"])).Exec(context.Background()); err != nil {
			t.Fatal(err)
		}
		// The page cached carol's session as it was then; a logout
		// elsewhere drops the cache, so it is read again as aged.
		other := e.browser()
		other.login("bob")
		other.post("/logout", nil).Body.Close()
		form := url.Values{"name": {"ci"}, "_csrf": {csrf}}
		req := httptest.NewRequest("POST", "/profile/tokens", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Referer", "http://example.com/profile")
		res = carol.do(req)
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login?next=%2Fprofile" {
			t.Errorf("form sent after 13 idle hours: %d to %q, want 303 to /login?next=%%2Fprofile", res.StatusCode, res.Header.Get("Location"))
		}
		if toks, _ := s.UserTokens(context.Background(), mustUserID(t, s, "carol")); len(toks) != 0 {
			t.Errorf("the form sent with an idle session created %d tokens", len(toks))
		}

		alice.login("alice")
		res = alice.get("/profile")
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("after logging in again: /profile status %d, want 200", res.StatusCode)
		}
	})
}

func mustUserID(t *testing.T, s *store.Store, username string) int64 {
	t.Helper()
	u, err := s.UserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}
