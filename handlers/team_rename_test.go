package handlers_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestRenameTeam: a team's owner (or an org admin) renames it and changes
// its description; the slug stays; the change is audited and the team's
// APIs are re-indexed through the outbox (the index holds the team's
// name). Others are refused, an empty name is refused with its field, and
// an edit that changes nothing writes nothing.
func TestRenameTeam(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newLCEnvOn(t, s)
		e.tok["payowner"] = e.token(e.user("payowner", policy.RoleMember, "payments", policy.RoleOwner))
		e.createAPI("pets", "public")
		e.createAPI("cats", "team")

		e.call("PATCH", "/api/v1/teams/payments", "maint", map[string]any{"name": "Pay"}, 403)
		e.call("PATCH", "/api/v1/teams/payments", "outsider", map[string]any{"name": "Pay"}, 403)
		out := e.call("PATCH", "/api/v1/teams/payments", "payowner", map[string]any{"name": "  "}, 422)
		if got := plain(strings.Join(fieldMessages(out), " ")); !strings.Contains(got, "Give the team a name.") {
			t.Errorf("empty name refused with %q", got)
		}
		before := map[string]int{"pets": reindexes(t, s, "pets"), "cats": reindexes(t, s, "cats")}
		out = e.call("PATCH", "/api/v1/teams/payments", "payowner", map[string]any{"name": "Payments & Billing", "description": "Money in, money out."}, 200)
		if out["slug"] != "payments" || out["name"] != "Payments & Billing" || out["description"] != "Money in, money out." {
			t.Errorf("after the rename: %v", out)
		}
		for slug, n := range before {
			if got := reindexes(t, s, slug); got != n+1 {
				t.Errorf("%s: %d search.index messages after the rename, want %d", slug, got, n+1)
			}
		}
		events := e.call("GET", "/api/v1/audit?team=payments&action=team.update", "admin", nil, 200)["events"].([]any)
		if len(events) != 1 {
			t.Fatalf("%d team.update events, want 1", len(events))
		}
		ev := events[0].(map[string]any)
		if ev["actor"] != "payowner" || ev["before"] != `name="Payments"` || ev["after"] != `name="Payments & Billing" description changed` {
			t.Errorf("audit event %v", ev)
		}
		// The same again: nothing written.
		e.call("PATCH", "/api/v1/teams/payments", "admin", map[string]any{"name": "Payments & Billing"}, 200)
		if n := len(e.call("GET", "/api/v1/audit?team=payments&action=team.update", "admin", nil, 200)["events"].([]any)); n != 1 {
			t.Errorf("an unchanged edit wrote an event: %d", n)
		}
		a, err := s.APIBySlug(context.Background(), "pets")
		if err != nil || a.Team.Name != "Payments & Billing" {
			t.Errorf("the API's team reads %v, %v", a.Team, err)
		}
	})
}

// TestRenameTeamPage: the team page offers the edit form to its owners
// and org admins only; a refused edit shows its message with the form
// open; a saved one redirects to the page, which shows the new name.
func TestRenameTeamPage(t *testing.T) {
	e := newLCEnv(t)
	e.user("payowner", policy.RoleMember, "payments", policy.RoleOwner)
	b := e.browser()
	b.login("maint")
	if doc(t, b.get("/teams/payments")).Find(`[data-testid="team-edit-form"]`).Length() != 0 {
		t.Error("a maintainer is offered the team's edit form")
	}
	b = e.browser()
	b.login("payowner")
	d := doc(t, b.get("/teams/payments"))
	form := d.Find(`[data-testid="team-edit-form"]`)
	if form.Length() != 1 || form.Find(`input[name="_csrf"]`).Length() != 1 {
		t.Fatal("no edit form with a CSRF token for the team's owner")
	}
	if _, open := form.Closest("details").Attr("open"); open {
		t.Error("the edit form is open when the page loads")
	}
	if form.Find(`input[name="slug"]`).Length() != 0 {
		t.Error("the slug is editable")
	}
	res := b.post("/teams/payments", url.Values{"name": {""}})
	if res.StatusCode != 422 {
		t.Fatalf("empty name: status %d, want 422", res.StatusCode)
	}
	d = doc(t, res)
	if d.Find(`[data-testid="error-name"]`).Length() != 1 {
		t.Error("the refusal is not shown beside the name")
	}
	if _, open := d.Find(`[data-testid="team-edit-form"]`).Closest("details").Attr("open"); !open {
		t.Error("the refused edit's form is closed")
	}
	res = b.post("/teams/payments", url.Values{"name": {"Treasury"}, "description": {"Money."}})
	if res.StatusCode != 303 || res.Header.Get("Location") != "/teams/payments" {
		t.Fatalf("rename: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	res.Body.Close()
	if got := doc(t, b.get("/teams/payments")).Find(`[data-testid="team-name"]`).Text(); !strings.Contains(got, "Treasury") {
		t.Errorf("team page names %q after the rename", got)
	}
}

// fieldMessages returns the messages of a problem document's field errors.
func fieldMessages(problem map[string]any) []string {
	var out []string
	errs, _ := problem["errors"].([]any)
	for _, e := range errs {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m["field"].(string)+": "+m["message"].(string))
		}
	}
	return out
}
