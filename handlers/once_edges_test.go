package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestFormIDNotBurntByARefusal: a create form refused for its fields (422
// with the field errors) records nothing: corrected and sent again with
// the same one-time id, it creates.
func TestFormIDNotBurntByARefusal(t *testing.T) {
	e := newLCEnv(t)
	subID := subscribedApp(e)
	b := e.browser()
	b.login("outsider")

	id := formIDOf(t, b, "/apps", `form[data-testid="app-form"]`)
	res := b.post("/apps", url.Values{"_form_id": {id}, "team": {"search"}, "slug": {"Not a slug!"}, "name": {"Mobile"}})
	d := doc(t, res)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a bad slug: status %d, want 422", res.StatusCode)
	}
	if again := d.Find(`form[data-testid="app-form"] input[name="_form_id"]`).AttrOr("value", ""); len(again) < 22 {
		t.Errorf("the refused form carries no one-time id (%q)", again)
	}
	res = b.post("/apps", url.Values{"_form_id": {id}, "team": {"search"}, "slug": {"mobile"}, "name": {"Mobile"}})
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/apps/mobile" {
		t.Errorf("corrected, with the same id: status %d to %q, want 303 to /apps/mobile", res.StatusCode, res.Header.Get("Location"))
	}
	if n := e.count("apps", "slug = ?", "mobile"); n != 1 {
		t.Errorf("apps: %d, want 1", n)
	}

	// A key whose expiry is refused, then corrected.
	id = formIDOf(t, b, "/apps/finder", `form[data-testid="key-form"]`)
	if res := b.post("/subscriptions/"+subID+"/keys", url.Values{"_form_id": {id}, "name": {"prod"}, "expires_at": {"yesterday"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a bad expiry: status %d, want 422", res.StatusCode)
	}
	if res := b.post("/subscriptions/"+subID+"/keys", url.Values{"_form_id": {id}, "name": {"prod"}}); res.StatusCode != http.StatusOK {
		t.Errorf("corrected, with the same id: status %d, want 200 with the key", res.StatusCode)
	}
	if n := e.count("api_keys", "subscription_id = ?", subID); n != 1 {
		t.Errorf("keys: %d, want 1", n)
	}
}

// TestFormIDOfAnotherSession: a one-time form id used in one session is
// not a repeat in another (another user's, or the same user's): the id is
// bound to the session, and the other session's form creates.
func TestFormIDOfAnotherSession(t *testing.T) {
	e := newLCEnv(t)
	a := e.browser()
	a.login("outsider")
	id := formIDOf(t, a, "/profile", `form[data-testid="token-form"]`)
	admin, again := e.browser(), e.browser()
	admin.login("admin")
	again.login("outsider")
	for i, b := range []*browser{a, admin, again} {
		name := []string{"outsider", "admin", "outsider"}[i]
		res := b.post("/profile/tokens", url.Values{"_form_id": {id}, "name": {"ci-" + name}, "expires_days": {"30"}})
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s, session %d: status %d to %q, want 200 with a new token", name, i+1, res.StatusCode, res.Header.Get("Location"))
		}
	}
	if n := e.count("api_tokens", "name = ?", "ci-outsider"); n != 2 {
		t.Errorf("tokens ci-outsider: %d, want 2 (one per session)", n)
	}
	if n := e.count("api_tokens", "name = ?", "ci-admin"); n != 1 {
		t.Errorf("tokens ci-admin: %d, want 1", n)
	}
}

// TestFormSentAgainAfterLosingWhatItMade: a form sent again after what it
// created went out of the user's reach (the user left the app's team) is
// sent to a page the user can open, not to one that answers 404.
func TestFormSentAgainAfterLosingWhatItMade(t *testing.T) {
	e := newLCEnv(t)
	e.call("PUT", "/api/v1/teams/search/members/maint", "admin", map[string]any{"role": "owner"}, 201)
	b := e.browser()
	b.login("outsider")
	id := formIDOf(t, b, "/apps", `form[data-testid="app-form"]`)
	form := url.Values{"_form_id": {id}, "team": {"search"}, "slug": {"mobile"}, "name": {"Mobile"}}
	if res := b.post("/apps", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first: status %d, want 303", res.StatusCode)
	}
	e.call("DELETE", "/api/v1/teams/search/members/outsider", "maint", nil, 204)
	res := b.post("/apps", form)
	res.Body.Close()
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("again: status %d, want 303", res.StatusCode)
	}
	page := b.get(loc)
	if d := doc(t, page); page.StatusCode != http.StatusOK || !strings.Contains(d.Find(`[data-testid="flash"]`).Text(), "no longer") {
		t.Errorf("again: sent to %s, which answers %d with the message %q; want a page the user can open, saying what was created is out of reach",
			loc, page.StatusCode, d.Find(`[data-testid="flash"]`).Text())
	}
	if n := e.count("apps", "slug = ?", "mobile"); n != 1 {
		t.Errorf("apps: %d, want 1", n)
	}
}
