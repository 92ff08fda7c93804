package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/portico-dev/portico/policy"
)

// TestTeamShowsDisabledMembers: a member who left (disabled) still holds
// their team role, but acts for the team no more. The team page and
// GET /api/v1/teams/{team} say so, so that the refusal of the last active
// owner stepping down ("at least one owner who is not disabled") can be
// understood from the page that refuses it.
func TestTeamShowsDisabledMembers(t *testing.T) {
	e := newEnv(t)
	admin := e.user("root", policy.RoleAdmin, "", "")
	e.user("mia", policy.RoleMember, "payments", policy.RoleOwner)
	e.user("bob", policy.RoleMember, "payments", policy.RoleOwner)
	res, _ := e.api("PATCH", "/api/v1/users/bob", e.token(admin), map[string]any{"disabled": true})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("disable bob: status %d", res.StatusCode)
	}

	b := e.browser()
	b.login("mia")
	pageWantRedirect(t, "mia steps down", b.post("/teams/payments/members/mia", url.Values{"role": {"maintainer"}}), "/teams/payments")
	page := doc(t, b.get("/teams/payments"))
	if got := page.Find(`[data-testid="flash"]`).Text(); !strings.Contains(got, "not disabled") {
		t.Errorf("mia steps down beside disabled bob: got flash %q, want the refusal naming disabled owners", got)
	}
	disabled := map[string]bool{}
	page.Find(`[data-testid="member-row"]`).Each(func(_ int, row *goquery.Selection) {
		name := strings.Fields(row.Find("td").First().Text())[0]
		disabled[name] = row.Find(`[data-testid="member-disabled"]`).Length() > 0
	})
	if want := map[string]bool{"bob": true, "mia": false}; len(disabled) != 2 || disabled["bob"] != want["bob"] || disabled["mia"] != want["mia"] {
		t.Errorf("team page marks as disabled: got %v, want %v", disabled, want)
	}

	_, body := e.api("GET", "/api/v1/teams/payments", e.token(admin), nil)
	got := map[string]any{}
	members, _ := body["members"].([]any)
	for _, m := range members {
		m := m.(map[string]any)
		got[m["username"].(string)] = m["disabled"]
	}
	if got["bob"] != true || got["mia"] != false {
		t.Errorf("GET /api/v1/teams/payments: got disabled %v, want bob true and mia false", got)
	}
}
