package handlers_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
)

// TestRoleFormAddsNobody: the role form of a member's row on the team page
// changes a member's role; it never adds someone. An owner whose page was
// loaded before another owner removed dev sends dev's role form: dev stays
// out of the team, and the owner is told. PUT .../members/{username} of the
// JSON API still adds (201).
func TestRoleFormAddsNobody(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.user("owner", policy.RoleMember, "payments", policy.RoleOwner)
	e.user("owner2", policy.RoleMember, "payments", policy.RoleOwner)
	e.user("dev", policy.RoleMember, "payments", policy.RoleDeveloper)
	e.user("sdev", policy.RoleMember, "search", policy.RoleDeveloper)
	tok := e.token(e.user("admin", policy.RoleAdmin, "", ""))

	b := e.browser()
	b.login("owner")
	if doc(t, b.get("/teams/payments")).Find(`form[action="/teams/payments/members/dev"]`).Length() == 0 {
		t.Fatal("the team page has no role form for dev")
	}
	other := e.browser()
	other.login("owner2")
	pageWantRedirect(t, "owner2 removes dev", other.post("/teams/payments/members/dev/remove", url.Values{}), "/teams/payments")

	members := func() string {
		t.Helper()
		var names []string
		if err := e.store.DB().NewRaw("SELECT u.username FROM team_members m JOIN users u ON u.id = m.user_id JOIN teams t ON t.id = m.team_id WHERE t.slug = 'payments' ORDER BY u.username").Scan(ctx, &names); err != nil {
			t.Fatal(err)
		}
		return strings.Join(names, " ")
	}
	before := members()
	for _, who := range []string{"dev", "sdev"} {
		res := b.post("/teams/payments/members/"+who, url.Values{"role": {policy.RoleMaintainer}})
		pageWantRedirect(t, "role form of "+who, res, "/teams/payments")
		if got, want := doc(t, b.get("/teams/payments")).Find(`[data-testid="flash"]`).Text(), who+" is not a member of Payments"; !strings.Contains(got, want) {
			t.Errorf("role form of %s: flash %q, want %q", who, strings.TrimSpace(got), want)
		}
		if after := members(); after != before {
			t.Errorf("role form of %s: members %q after, %q before", who, after, before)
		}
	}
	events, err := e.store.ListAudit(ctx, store.AuditFilter{Action: "team.member.set"})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 0 {
		t.Errorf("%d team.member.set events, want none: %+v", len(events), events)
	}

	// A member's role form still changes the role.
	pageWantRedirect(t, "role form of owner2", b.post("/teams/payments/members/owner2", url.Values{"role": {policy.RoleMaintainer}}), "/teams/payments")
	if role := doc(t, b.get("/teams/payments")).Find(`form[action="/teams/payments/members/owner2"] select[name="role"] option[selected]`).AttrOr("value", ""); role != policy.RoleMaintainer {
		t.Errorf("owner2's role after the form: %q, want maintainer", role)
	}
	if res, out := e.api("PUT", "/api/v1/teams/payments/members/dev", tok, map[string]any{"role": policy.RoleDeveloper}); res.StatusCode != 201 {
		t.Errorf("PUT member dev: %d %v, want 201 (added)", res.StatusCode, out)
	}
}
