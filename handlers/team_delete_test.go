package handlers_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestDeleteTeam: an org admin removes a team that owns no APIs and no
// apps, with its memberships, in one transaction; a team that owns some is
// kept and the refusal names them; nobody else may remove one. The audit
// log keeps the removal and the team's earlier events, readable, and a new
// team given the same slug does not inherit them.
func TestDeleteTeam(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newLCEnvOn(t, s)
		ctx := context.Background()
		e.createAPI("pets", "public")
		e.call("POST", "/api/v1/teams/payments/apps", "dev", map[string]any{"slug": "till", "name": "Till"}, 201)
		out := e.call("DELETE", "/api/v1/teams/payments", "admin", nil, 409)
		if got := plain(fmt.Sprint(out["detail"])); !strings.Contains(got, "Payments still owns 1 API(s): pets and 1 app(s): till.") {
			t.Errorf("refusal %q", got)
		}
		e.call("POST", "/api/v1/teams", "admin", map[string]any{"slug": "gone", "name": "Gone"}, 201)
		e.call("PUT", "/api/v1/teams/gone/members/dev", "admin", map[string]any{"role": "owner"}, 201)
		e.call("PUT", "/api/v1/teams/gone/members/viewer", "admin", map[string]any{"role": "viewer", "reviewer": true}, 201)
		gone := e.team("gone")
		e.call("DELETE", "/api/v1/teams/gone", "dev", nil, 403) // its owner: not an org admin
		e.call("DELETE", "/api/v1/teams/gone", "admin", nil, 204)
		e.call("GET", "/api/v1/teams/gone", "admin", nil, 404)
		if n, err := s.DB().NewSelect().Table("team_members").Where("team_id = ?", gone.ID).Count(ctx); err != nil || n != 0 {
			t.Errorf("memberships of the removed team: %d, %v", n, err)
		}
		e.call("GET", "/api/v1/teams/payments", "dev", nil, 200) // dev's other membership stays

		events := e.call("GET", "/api/v1/audit?object_type=team&object_id=gone", "admin", nil, 200)["events"].([]any)
		var got []string
		for _, ev := range events {
			m := ev.(map[string]any)
			got = append(got, fmt.Sprint(m["action"], " ", m["before"], " ", m["team"]))
		}
		want := []string{`team.delete name="Gone" members=2 <nil>`, "team.member.reviewer viewer reviewer=false <nil>",
			"team.member.set  <nil>", "team.member.set  <nil>", "team.create  <nil>"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("audit of the removed team:\n got %q\nwant %q", got, want)
		}
		b := e.browser()
		b.login("admin")
		if res := b.get("/audit?object_type=team"); res.StatusCode != 200 {
			t.Errorf("audit page after the removal: %d", res.StatusCode)
		}
		// The slug is free again; the new team's audit is its own.
		e.call("POST", "/api/v1/teams", "admin", map[string]any{"slug": "gone", "name": "Gone again"}, 201)
		if n := len(e.call("GET", "/api/v1/audit?team=gone", "admin", nil, 200)["events"].([]any)); n != 1 {
			t.Errorf("the new team gone has %d audit events, want its own creation only", n)
		}
	})
}

// TestDeleteTeamPage: the team page shows org admins the removal behind a
// confirmation; a refusal comes back to the team page with its message; a
// removal leads to the teams list.
func TestDeleteTeamPage(t *testing.T) {
	e := newLCEnv(t)
	e.createAPI("pets", "public")
	e.call("POST", "/api/v1/teams", "admin", map[string]any{"slug": "gone", "name": "Gone"}, 201)
	e.call("PUT", "/api/v1/teams/gone/members/maint", "admin", map[string]any{"role": "owner"}, 201)

	b := e.browser()
	b.login("maint")
	if doc(t, b.get("/teams/gone")).Find(`[data-testid="delete-team"]`).Length() != 0 {
		t.Error("a team owner is offered the removal")
	}
	b = e.browser()
	b.login("admin")
	d := doc(t, b.get("/teams/gone"))
	button := d.Find(`[data-testid="delete-team"]`)
	if button.Length() != 1 {
		t.Fatal("no remove button for an org admin")
	}
	if _, open := button.Closest("details").Attr("open"); open {
		t.Error("the removal's confirmation is open when the page loads")
	}
	res := b.post("/teams/payments/delete", url.Values{})
	if res.StatusCode != 303 || res.Header.Get("Location") != "/teams/payments" {
		t.Fatalf("refused removal: %d to %q: %s", res.StatusCode, res.Header.Get("Location"), e.logs.String())
	}
	res.Body.Close()
	if got := plain(doc(t, b.get("/teams/payments")).Text()); !strings.Contains(got, "Payments still owns 1 API(s): pets") {
		t.Error("the refusal is not shown on the team page")
	}
	res = b.post("/teams/gone/delete", url.Values{})
	if res.StatusCode != 303 || res.Header.Get("Location") != "/teams" {
		t.Fatalf("removal: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	res.Body.Close()
	if res := b.get("/teams/gone"); res.StatusCode != 404 {
		t.Errorf("the removed team's page: %d, want 404", res.StatusCode)
	}
}

// TestDeleteTeamWithRemovedApps: a team whose apps are all removed is
// removed; while one is not, the refusal names it. The removed apps'
// subscriptions still read for the providing team, the team leaves the
// lists, and a new team given its slug neither sees its history nor is
// refused as a lookalike.
func TestDeleteTeamWithRemovedApps(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newLCEnvOn(t, s)
		sub := fmt.Sprint(e.finderSubscribedToPets()["id"]) // finder of search
		e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": "scout", "name": "Scout"}, 201)
		e.call("DELETE", "/api/v1/apps/finder", "outsider", nil, 204)
		out := e.call("DELETE", "/api/v1/teams/search", "admin", nil, 409)
		if got := plain(fmt.Sprint(out["detail"])); !strings.Contains(got, "Search still owns 1 app(s): scout.") {
			t.Errorf("refusal %q", got)
		}
		e.call("DELETE", "/api/v1/apps/scout", "outsider", nil, 204)
		e.call("DELETE", "/api/v1/teams/search", "admin", nil, 204)
		e.call("GET", "/api/v1/teams/search", "admin", nil, 404)
		b := e.browser()
		b.login("admin")
		if got := plain(doc(t, b.get("/teams")).Find("main").Text()); strings.Contains(got, "Search") || strings.Contains(got, "~removed") {
			t.Errorf("the teams page lists the removed team: %q", got)
		}
		got := e.call("GET", "/api/v1/subscriptions/"+sub, "maint", nil, 200)
		if got["state"] != "cancelled" || got["app"] != "finder" {
			t.Errorf("the removed team's old subscription: %v", got)
		}
		for _, path := range []string{"/apis/pets/subscribers", "/audit", "/teams", "/subscriptions/" + sub + "/usage"} {
			if res := b.get(path); res.StatusCode != 200 {
				t.Errorf("GET %s after the removal: %d", path, res.StatusCode)
			}
		}
		// A new team of the same slug and name: its own, without the old history.
		e.call("POST", "/api/v1/teams", "admin", map[string]any{"slug": "search", "name": "Search"}, 201)
		e.call("PUT", "/api/v1/teams/search/members/appr", "admin", map[string]any{"role": "owner"}, 201)
		e.call("GET", "/api/v1/subscriptions/"+sub, "appr", nil, 404)
		if n := len(e.call("GET", "/api/v1/teams/search/apps", "appr", nil, 200)["apps"].([]any)); n != 0 {
			t.Errorf("the new team search has %d apps", n)
		}
	})
}
