package handlers_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
)

// TestPutTeamMemberIsIdempotent: PUT /api/v1/teams/{team}/members/{username}
// answers 201 when it creates the membership and 200 when it changes it;
// repeating it with the same role changes nothing and writes no audit entry.
func TestPutTeamMemberIsIdempotent(t *testing.T) {
	e := newEnv(t)
	admin := e.user("admin", policy.RoleAdmin, "", "")
	e.user("alice", policy.RoleMember, "", "")
	tok := e.token(admin)
	if res, body := e.api("POST", "/api/v1/teams", tok, map[string]any{"slug": "payments", "name": "Payments"}); res.StatusCode != http.StatusCreated {
		t.Fatalf("create team: %d %v", res.StatusCode, body)
	}
	sets := func() int {
		t.Helper()
		events, err := e.store.ListAudit(context.Background(), store.AuditFilter{Action: "team.member.set"})
		if err != nil {
			t.Fatal(err)
		}
		return len(events)
	}
	for _, step := range []struct {
		role       string
		status     int
		auditTotal int
	}{
		{"developer", http.StatusCreated, 1},
		{"developer", http.StatusOK, 1},
		{"developer", http.StatusOK, 1},
		{"maintainer", http.StatusOK, 2},
		{"maintainer", http.StatusOK, 2},
	} {
		res, body := e.api("PUT", "/api/v1/teams/payments/members/alice", tok, map[string]any{"role": step.role})
		if res.StatusCode != step.status {
			t.Errorf("PUT role %s: got status %d, want %d", step.role, res.StatusCode, step.status)
		}
		if body["slug"] != "payments" {
			t.Errorf("PUT role %s: got body %v, want the team", step.role, body)
		}
		if got := sets(); got != step.auditTotal {
			t.Errorf("after PUT role %s: got %d team.member.set entries, want %d", step.role, got, step.auditTotal)
		}
	}
}
