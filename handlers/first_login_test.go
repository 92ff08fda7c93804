package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/portico-dev/portico/policy"
)

// A user created with a one-time password chooses their own at the first
// login before anything else; tokens on the JSON API are not held up.
func TestFirstLoginChoosesPassword(t *testing.T) {
	e := newEnv(t)
	e.user("admin", policy.RoleAdmin, "", "")
	adm := e.browser()
	adm.login("admin")
	d := doc(t, adm.post("/users", url.Values{"username": {"dana"}, "org_role": {"member"}}))
	oneTime := strings.TrimSpace(d.Find(`[data-testid="one-time-password"]`).Text())
	if oneTime == "" {
		t.Fatal("no one-time password shown")
	}
	dana := mustUser(t, e, "dana")
	if !dana.MustChangePassword {
		t.Fatal("a user created with a one-time password is not asked to choose one")
	}
	token := e.token(dana)

	b := e.browser()
	res := b.post("/login", url.Values{"username": {"dana"}, "password": {oneTime}})
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login with the one-time password: %d", res.StatusCode)
	}
	for _, path := range []string{"/", "/catalog", "/profile", "/teams", "/notifications"} {
		res := b.get(path)
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/password" {
			t.Errorf("GET %s before choosing a password: %d %q, want 303 to /password", path, res.StatusCode, res.Header.Get("Location"))
		}
	}
	res = b.post("/profile", url.Values{"display_name": {"Dana"}})
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/password" {
		t.Errorf("POST /profile before choosing a password: %d %q, want 303 to /password", res.StatusCode, res.Header.Get("Location"))
	}
	// The JSON API with a token works as before.
	if res, _ := e.api("GET", "/api/v1/me", token, nil); res.StatusCode != http.StatusOK {
		t.Errorf("GET /api/v1/me with a token before choosing a password: %d, want 200", res.StatusCode)
	}

	d = doc(t, b.get("/password"))
	if d.Find(`[data-testid="choose-password-form"]`).Length() != 1 {
		t.Fatal("no choose-password form")
	}
	if d.Find(`nav[aria-label="Main"]`).Length() != 0 || d.Find(`[data-testid="logout"]`).Length() != 1 {
		t.Error("the choose-password page shows the navigation, or no way to log out")
	}
	res = b.post("/profile/password", url.Values{"current": {oneTime}, "new": {"short"}, "confirm": {"short"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("too short a password: %d, want 422", res.StatusCode)
	}
	d = doc(t, res)
	if d.Find(`[data-testid="choose-password-form"] [data-testid="error-new"]`).Length() != 1 {
		t.Error("a refused choice does not come back on the choose-password page with its error")
	}
	const chosen = "a password of my own choosing"
	res = b.post("/profile/password", url.Values{"current": {oneTime}, "new": {chosen}, "confirm": {chosen}})
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("choosing a password: %d %q, want 303 to /", res.StatusCode, res.Header.Get("Location"))
	}
	d = doc(t, b.get("/"))
	if got := d.Find(`[data-testid="flash"]`).Text(); !strings.Contains(got, "password is saved") {
		t.Errorf("flash after choosing = %q", got)
	}
	if d.Find(`nav[aria-label="Main"]`).Length() != 1 {
		t.Error("no navigation after choosing the password")
	}
	res = b.get("/password")
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/profile" {
		t.Errorf("GET /password after choosing: %d %q, want 303 to /profile", res.StatusCode, res.Header.Get("Location"))
	}
	if mustUser(t, e, "dana").MustChangePassword {
		t.Error("the user must still change their password after choosing one")
	}
	// The one-time password is gone.
	other := e.browser()
	res = other.post("/login", url.Values{"username": {"dana"}, "password": {oneTime}})
	res.Body.Close()
	if res.StatusCode == http.StatusSeeOther {
		t.Error("the one-time password still logs in")
	}
}
