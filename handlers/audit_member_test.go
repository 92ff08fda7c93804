package handlers_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
)

// TestMemberRoleChangeAuditNamesTheMemberBothSides: a role change's
// team.member.set entry reads "bob=developer" before and
// "bob=maintainer" after, not "developer" and "bob=maintainer".
func TestMemberRoleChangeAuditNamesTheMemberBothSides(t *testing.T) {
	e := newEnv(t)
	admin := e.user("admin", policy.RoleAdmin, "", "")
	e.user("bob", policy.RoleMember, "", "")
	tok := e.token(admin)
	if res, body := e.api("POST", "/api/v1/teams", tok, map[string]any{"slug": "payments", "name": "Payments"}); res.StatusCode != http.StatusCreated {
		t.Fatalf("create team: %d %v", res.StatusCode, body)
	}
	for _, role := range []string{"developer", "maintainer"} {
		if res, body := e.api("PUT", "/api/v1/teams/payments/members/bob", tok, map[string]any{"role": role}); res.StatusCode >= 300 {
			t.Fatalf("PUT role %s: %d %v", role, res.StatusCode, body)
		}
	}
	events, err := e.store.ListAudit(context.Background(), store.AuditFilter{Action: "team.member.set"})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 {
		t.Fatalf("team.member.set entries: %d, want 2", len(events))
	}
	got := map[string]string{}
	for _, ev := range events {
		got[ev.After] = ev.Before
	}
	if b, ok := got["bob=maintainer"]; !ok || b != "bob=developer" {
		t.Errorf("the role change's entry: before %q (found %v), want before %q after %q", b, ok, "bob=developer", "bob=maintainer")
	}
	if b, ok := got["bob=developer"]; !ok || b != "" {
		t.Errorf("the membership's creation: before %q (found %v), want empty", b, ok)
	}
}
