package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
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

// TestDisabledUserIsNotAdded: adding a disabled user (someone who left) to
// a team is refused, naming why, on the page and in the JSON API: they
// could not act for the team, and enabling them later would give them
// the role without anyone having meant it then. A disabled member's role
// may still be changed.
func TestDisabledUserIsNotAdded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnvOn(t, s)
		admin := e.token(e.user("root", policy.RoleAdmin, "", ""))
		e.user("owner", policy.RoleMember, "payments", policy.RoleOwner)
		e.user("gus", policy.RoleMember, "", "")
		e.user("ann", policy.RoleMember, "payments", policy.RoleDeveloper)
		for _, name := range []string{"gus", "ann"} {
			if res, _ := e.api("PATCH", "/api/v1/users/"+name, admin, map[string]any{"disabled": true}); res.StatusCode != http.StatusOK {
				t.Fatalf("disable %s: status %d", name, res.StatusCode)
			}
		}
		res, body := e.api("PUT", "/api/v1/teams/payments/members/gus", admin, map[string]any{"role": "owner"})
		msg := ""
		errs, _ := body["errors"].([]any)
		for _, fe := range errs {
			if fe, _ := fe.(map[string]any); fe["field"] == "username" {
				msg, _ = fe["message"].(string)
			}
		}
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(msg, "disabled") {
			t.Errorf("add disabled gus by the JSON API: status %d, errors %v; want 422 saying gus is disabled", res.StatusCode, body["errors"])
		}
		b := e.browser()
		b.login("owner")
		page := b.post("/teams/payments/members", url.Values{"username": {"gus"}, "role": {"developer"}})
		if got := doc(t, page).Find(`[data-testid="error-username"]`).Text(); page.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(got, "disabled") {
			t.Errorf("add disabled gus on the team page: status %d, error %q; want 422 saying gus is disabled", page.StatusCode, got)
		}
		members, err := s.TeamMembers(context.Background(), e.team("payments").ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range members {
			if m.User.Username == "gus" {
				t.Errorf("gus was added as %s", m.Role)
			}
		}
		if res, _ := e.api("PUT", "/api/v1/teams/payments/members/ann", admin, map[string]any{"role": "viewer"}); res.StatusCode != http.StatusOK {
			t.Errorf("change disabled member ann's role: status %d, want 200", res.StatusCode)
		}
	})
}
