package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

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
