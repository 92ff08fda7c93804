package handlers_test

import (
	"net/http"
	"testing"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestDepartedOwnersCanBeCleanedUp: when every owner of a team has left
// (disabled), an org admin may still demote or remove them: the rule that
// a team keeps an owner who is not disabled protects the last active one,
// and demoting or removing a disabled owner takes no active owner away.
// Demoting or removing the last active owner stays refused.
func TestDepartedOwnersCanBeCleanedUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnvOn(t, s)
		admin := e.token(e.user("root", policy.RoleAdmin, "", ""))
		e.user("ann", policy.RoleMember, "payments", policy.RoleOwner)
		e.user("bob", policy.RoleMember, "payments", policy.RoleOwner)
		e.user("dev", policy.RoleMember, "payments", policy.RoleDeveloper)
		for _, name := range []string{"ann", "bob"} {
			if res, _ := e.api("PATCH", "/api/v1/users/"+name, admin, map[string]any{"disabled": true}); res.StatusCode != http.StatusOK {
				t.Fatalf("disable %s: status %d", name, res.StatusCode)
			}
		}
		res, body := e.api("PUT", "/api/v1/teams/payments/members/ann", admin, map[string]any{"role": "viewer"})
		if res.StatusCode != http.StatusOK {
			t.Errorf("demote departed owner ann: status %d %v, want 200", res.StatusCode, body["detail"])
		}
		res, body = e.api("DELETE", "/api/v1/teams/payments/members/bob", admin, nil)
		if res.StatusCode != http.StatusNoContent {
			t.Errorf("remove departed owner bob: status %d %v, want 204", res.StatusCode, body["detail"])
		}

		// With an active owner again, that owner stays.
		if res, _ := e.api("PUT", "/api/v1/teams/payments/members/dev", admin, map[string]any{"role": "owner"}); res.StatusCode != http.StatusOK {
			t.Fatalf("make dev owner: status %d", res.StatusCode)
		}
		if res, _ := e.api("PUT", "/api/v1/teams/payments/members/dev", admin, map[string]any{"role": "maintainer"}); res.StatusCode != http.StatusConflict {
			t.Errorf("demote the last active owner: status %d, want 409", res.StatusCode)
		}
		if res, _ := e.api("DELETE", "/api/v1/teams/payments/members/dev", admin, nil); res.StatusCode != http.StatusConflict {
			t.Errorf("remove the last active owner: status %d, want 409", res.StatusCode)
		}
	})
}
