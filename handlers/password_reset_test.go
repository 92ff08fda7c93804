package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
)

// loginAs posts the login form and returns its answer's status and error.
func loginAs(t *testing.T, e *env, username, password string) (int, string) {
	t.Helper()
	res := e.browser().post("/login", url.Values{"username": {username}, "password": {password}})
	status := res.StatusCode
	if status == http.StatusSeeOther {
		res.Body.Close()
		return status, ""
	}
	return status, strings.TrimSpace(doc(t, res).Find(`[data-testid="form-error"]`).Text())
}

// An org admin resets a user's password from the user's page: a one-time
// password shown once replaces the old one, the user's sessions end and
// tokens stop working, the user chooses their own at the next login, is
// notified, and the audit log records the reset without the secret.
func TestAdminResetsPassword(t *testing.T) {
	e := newEnv(t)
	e.user("admin", policy.RoleAdmin, "", "")
	dana := e.user("dana", policy.RoleMember, "", "")
	token := e.token(dana)
	danaBrowser := e.browser()
	danaBrowser.login("dana")

	adm := e.browser()
	adm.login("admin")
	d := doc(t, adm.get("/users/dana/edit"))
	form := d.Find(`form[data-testid="reset-password-form"]`)
	if form.Length() != 1 || form.AttrOr("action", "") != "/users/dana/password-reset" || form.Find(`input[name="_csrf"]`).Length() != 1 {
		t.Fatalf("no reset form with a CSRF token on the user's page (%d forms)", form.Length())
	}
	res := adm.post("/users/dana/password-reset", url.Values{})
	if res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("reset: status %d, Cache-Control %q; want 200 no-store", res.StatusCode, res.Header.Get("Cache-Control"))
	}
	oneTime := strings.TrimSpace(doc(t, res).Find(`[data-testid="one-time-password"]`).Text())
	if len(oneTime) < 16 {
		t.Fatalf("one-time password shown = %q", oneTime)
	}

	res = danaBrowser.get("/profile")
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Errorf("the user's old session after the reset: %d %q, want 303 to /login", res.StatusCode, res.Header.Get("Location"))
	}
	if res, _ := e.api("GET", "/api/v1/me", token, nil); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("the user's token after the reset: %d, want 401", res.StatusCode)
	}
	if status, msg := loginAs(t, e, "dana", testPassword); status != http.StatusUnauthorized || msg != "Wrong username or password." {
		t.Errorf("login with the old password: %d %q, want 401 wrong password", status, msg)
	}
	b := e.browser()
	res = b.post("/login", url.Values{"username": {"dana"}, "password": {oneTime}})
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login with the one-time password: %d", res.StatusCode)
	}
	res = b.get("/")
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/password" {
		t.Errorf("after a reset the user is not asked to choose a password: %d %q", res.StatusCode, res.Header.Get("Location"))
	}

	ctx := context.Background()
	events, err := e.store.ListAudit(ctx, store.AuditFilter{Action: "user.password.reset"})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || events[0].Actor != "admin" || events[0].ObjectID != "dana" {
		t.Fatalf("audit = %+v", events)
	}
	if ev := events[0]; strings.Contains(ev.Before+ev.After+ev.Reason, oneTime) {
		t.Errorf("the audit record holds the password: %+v", ev)
	}
	ns, err := e.store.Notifications(ctx, dana.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(ns) != 1 || ns[0].Kind != "user.password.reset" || !strings.Contains(ns[0].Message, "reset your password") {
		t.Errorf("notifications of the user = %+v", ns)
	}
	if strings.Contains(e.logs.String(), oneTime) {
		t.Error("the one-time password is in the logs")
	}

	// Not their own password: the profile is for that.
	d = doc(t, adm.get("/users/admin/edit"))
	if d.Find(`form[data-testid="reset-password-form"]`).Length() != 0 {
		t.Error("the admin's own page offers a reset of their password")
	}
	res = adm.post("/users/admin/password-reset", url.Values{})
	res.Body.Close()
	if res.StatusCode != http.StatusConflict {
		t.Errorf("an admin resets their own password: %d, want 409", res.StatusCode)
	}
	if status, _ := loginAs(t, e, "admin", testPassword); status != http.StatusSeeOther {
		t.Errorf("the admin's password after a refused self-reset: %d, want it to still work", status)
	}
}

// The JSON API resets too, answering the password once (no-store).
func TestAPIResetsPassword(t *testing.T) {
	e := newEnv(t)
	admin := e.user("admin", policy.RoleAdmin, "", "")
	dana := e.user("dana", policy.RoleMember, "", "")
	danaToken := e.token(dana)
	res, body := e.api("POST", "/api/v1/users/dana/password-reset", e.token(admin), nil)
	if res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("reset: %d %q %v", res.StatusCode, res.Header.Get("Cache-Control"), body)
	}
	pw, _ := body["password"].(string)
	expires, _ := time.Parse(time.RFC3339, stringOf(body["password_expires_at"]))
	if body["username"] != "dana" || len(pw) < 16 || time.Until(expires) < 6*24*time.Hour || time.Until(expires) > 7*24*time.Hour {
		t.Fatalf("answer = %v", body)
	}
	if res, _ := e.api("GET", "/api/v1/me", danaToken, nil); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("the user's token after the reset: %d, want 401", res.StatusCode)
	}
	if status, _ := loginAs(t, e, "dana", pw); status != http.StatusSeeOther {
		t.Errorf("login with the reset password: %d", status)
	}
	off := e.user("olga", policy.RoleMember, "", "")
	off.Disabled = true
	if _, err := e.store.DB().NewUpdate().Model(off).Column("disabled").WherePK().Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	if res, body := e.api("POST", "/api/v1/users/olga/password-reset", e.token(admin), nil); res.StatusCode != http.StatusConflict {
		t.Errorf("reset of a disabled user: %d %v, want 409", res.StatusCode, body)
	}
	if res, _ := e.api("POST", "/api/v1/users/ghost/password-reset", e.token(admin), nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("reset of nobody: %d, want 404", res.StatusCode)
	}
}

func stringOf(v any) string { s, _ := v.(string); return s }

// A member cannot reset anyone's password, on a page or the JSON API.
func TestMemberCannotResetPassword(t *testing.T) {
	e := newEnv(t)
	e.user("admin", policy.RoleAdmin, "", "")
	mia := e.user("mia", policy.RoleMember, "", "")
	e.user("dana", policy.RoleMember, "", "")
	b := e.browser()
	b.login("mia")
	res := b.post("/users/dana/password-reset", url.Values{})
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("a member resets a password: %d, want 403", res.StatusCode)
	}
	if res, _ := e.api("POST", "/api/v1/users/admin/password-reset", e.token(mia), nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("a member resets a password on the API: %d, want 403", res.StatusCode)
	}
	if status, _ := loginAs(t, e, "dana", testPassword); status != http.StatusSeeOther {
		t.Errorf("dana's password after a refused reset: %d, want it to still work", status)
	}
}

// A one-time password past its expiry is refused with a message saying so,
// only once it matched: a wrong password and an unknown user are answered
// as before, with the same status.
func TestExpiredOneTimePasswordRefused(t *testing.T) {
	e := newEnv(t)
	e.user("admin", policy.RoleAdmin, "", "")
	adm := e.browser()
	adm.login("admin")
	oneTime := strings.TrimSpace(doc(t, adm.post("/users", url.Values{"username": {"dana"}, "org_role": {"member"}})).Find(`[data-testid="one-time-password"]`).Text())
	if oneTime == "" {
		t.Fatal("no one-time password shown")
	}
	dana := mustUser(t, e, "dana")
	if dana.PasswordExpiresAt == nil || time.Until(*dana.PasswordExpiresAt) < 7*24*time.Hour-time.Hour {
		t.Fatalf("a new user's one-time password expires at %v, want in 7 days", dana.PasswordExpiresAt)
	}
	past := time.Now().Add(-time.Minute).UTC()
	if _, err := e.store.DB().NewUpdate().Model((*store.User)(nil)).Set("password_expires_at = ?", past).Where("id = ?", dana.ID).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	const expired = "This one-time password has expired. Ask an admin to reset it."
	if status, msg := loginAs(t, e, "dana", oneTime); status != http.StatusUnauthorized || msg != expired {
		t.Errorf("login with an expired one-time password: %d %q, want 401 %q", status, msg, expired)
	}
	for _, c := range [][2]string{{"dana", "not the one-time password"}, {"nobody", oneTime}} {
		if status, msg := loginAs(t, e, c[0], c[1]); status != http.StatusUnauthorized || msg != "Wrong username or password." {
			t.Errorf("login %s with a wrong password: %d %q, want 401 wrong password", c[0], status, msg)
		}
	}
}

// A password the user chose never expires: choosing one clears the expiry.
func TestChosenPasswordNeverExpires(t *testing.T) {
	e := newEnv(t)
	e.user("admin", policy.RoleAdmin, "", "")
	adm := e.browser()
	adm.login("admin")
	oneTime := strings.TrimSpace(doc(t, adm.post("/users", url.Values{"username": {"dana"}, "org_role": {"member"}})).Find(`[data-testid="one-time-password"]`).Text())
	b := e.browser()
	res := b.post("/login", url.Values{"username": {"dana"}, "password": {oneTime}})
	res.Body.Close()
	doc(t, b.get("/password"))
	const chosen = "a password of my own choosing"
	res = b.post("/profile/password", url.Values{"current": {oneTime}, "new": {chosen}, "confirm": {chosen}})
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("choosing a password: %d", res.StatusCode)
	}
	if dana := mustUser(t, e, "dana"); dana.PasswordExpiresAt != nil || dana.MustChangePassword {
		t.Errorf("a chosen password: expires at %v, must change %t; want no expiry", dana.PasswordExpiresAt, dana.MustChangePassword)
	}
	if status, _ := loginAs(t, e, "dana", chosen); status != http.StatusSeeOther {
		t.Errorf("login with the chosen password: %d", status)
	}
}
