package handlers_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store/storetest"
)

// TestPasswordChangeRenewsTheSession: a password change ends every
// session that held the old credentials, the one making the change
// included: that browser goes on under a new session id, and a copy of
// its old cookie (taken by whoever made the user change their password)
// no longer opens anything.
func TestPasswordChangeRenewsTheSession(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) { testPasswordChangeRenewsTheSession(t, newEnvOn(t, storetest.Open(t, d))) })
	}
}

func testPasswordChangeRenewsTheSession(t *testing.T, e *env) {
	e.user("alice", policy.RoleMember, "", "")
	b := e.browser()
	b.login("alice")
	old := b.cookies["portico_session"]
	thief := e.browser()
	thief.cookies["portico_session"] = old

	res := b.post("/profile/password", url.Values{"current": {testPassword}, "new": {"a much longer new password"}, "confirm": {"a much longer new password"}})
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("password change: %d, want 303", res.StatusCode)
	}
	if b.cookies["portico_session"] == old || b.cookies["portico_session"] == "" {
		t.Errorf("the session id after a password change is the one before it (or none): want a new one")
	}
	res = b.get("/profile")
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("the browser that changed the password: GET /profile %d, want 200 (still logged in)", res.StatusCode)
	}
	res = thief.get("/profile")
	res.Body.Close()
	if res.StatusCode == http.StatusOK {
		t.Errorf("the old session cookie after a password change: GET /profile %d, want a redirect to login", res.StatusCode)
	}
	// The new session's forms work (its CSRF token follows the new id).
	res = b.post("/profile", url.Values{"display_name": {"Alice"}, "email": {""}})
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("a form after the password change: %d, want 303", res.StatusCode)
	}
}
