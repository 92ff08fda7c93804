package handlers_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestLogOutEverywhereElse: the profile page's form ends the user's other
// sessions, keeps this browser logged in under a new session id, leaves
// other users and the personal access tokens alone, needs its CSRF token
// and is audited.
func TestLogOutEverywhereElse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnvOn(t, s)
		alice := e.user("alice", policy.RoleMember, "", "")
		e.user("bob", policy.RoleMember, "", "")
		tok := e.token(alice)
		here, laptop, phone, bob := e.browser(), e.browser(), e.browser(), e.browser()
		for _, b := range []*browser{here, laptop, phone} {
			b.login("alice")
		}
		bob.login("bob")
		status := func(b *browser, path string) int {
			t.Helper()
			res := b.get(path)
			res.Body.Close()
			return res.StatusCode
		}
		res := here.get("/profile")
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !strings.Contains(string(body), `action="/profile/sessions/end-others"`) {
			t.Fatal("the profile page has no form to log out everywhere else")
		}

		// Without the CSRF token nothing happens.
		res = here.post("/profile/sessions/end-others", url.Values{"_csrf": {"forged"}})
		res.Body.Close()
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("without a CSRF token: status %d, want 403", res.StatusCode)
		}
		if got := status(laptop, "/profile"); got != http.StatusOK {
			t.Fatalf("after a refused request the laptop's /profile answers %d, want 200", got)
		}

		old := here.cookies["portico_session"]
		res = here.post("/profile/sessions/end-others", nil)
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/profile" {
			t.Fatalf("log out everywhere else: %d to %q, want 303 to /profile", res.StatusCode, res.Header.Get("Location"))
		}
		res = here.get("/profile")
		body, _ = io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("this browser afterwards: /profile status %d, want 200", res.StatusCode)
		}
		if want := "2 other sessions were logged out."; !strings.Contains(string(body), want) {
			t.Errorf("the profile page does not say %q", want)
		}
		if here.cookies["portico_session"] == old {
			t.Error("this browser kept its session id: a copy of its cookie would stay valid")
		}
		copied := e.browser()
		copied.cookies["portico_session"] = old
		for name, b := range map[string]*browser{"laptop": laptop, "phone": phone, "a copy of this browser's old cookie": copied} {
			if got := status(b, "/profile"); got != http.StatusSeeOther {
				t.Errorf("%s afterwards: /profile status %d, want 303 to the login page", name, got)
			}
		}
		if got := status(bob, "/profile"); got != http.StatusOK {
			t.Errorf("another user's session afterwards: /profile status %d, want 200", got)
		}
		if res, _ := e.api("GET", "/api/v1/me", tok, nil); res.StatusCode != http.StatusOK {
			t.Errorf("alice's personal access token afterwards: status %d, want 200", res.StatusCode)
		}
		events, err := s.ListAudit(context.Background(), store.AuditFilter{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, ev := range events {
			if ev.Action == "user.sessions.end" && ev.Actor == "alice" && strings.Contains(ev.After, "other sessions ended=2") {
				found = true
			}
		}
		if !found {
			t.Error("no audit event user.sessions.end by alice with other sessions ended=2")
		}
	})
}
