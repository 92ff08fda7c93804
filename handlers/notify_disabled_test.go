package handlers_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/policy"
)

// TestDisabledUsersAreNotNotified: a disabled user is told of nothing, as
// the reviewers of a request already are not: neither a subscription
// request to decide for their team (provider side) nor a decision on their
// team's app (consumer side). Their enabled teammates are.
func TestDisabledUsersAreNotNotified(t *testing.T) {
	e := newLCEnv(t)
	e.user("gone", policy.RoleMember, "payments", policy.RoleMaintainer)
	e.user("away", policy.RoleMember, "search", policy.RoleDeveloper)
	e.user("finder", policy.RoleMember, "search", policy.RoleDeveloper)
	e.tok["finder"] = e.token(mustUser(t, e.env, "finder"))
	for _, name := range []string{"gone", "away"} {
		e.call("PATCH", "/api/v1/users/"+name, "admin", map[string]any{"disabled": true}, 200)
	}
	e.createAPI("pets", "public")
	e.version("pets", "1.0.0", lifecycle.Published)
	e.call("POST", "/api/v1/apis/pets/plans", "maint", map[string]any{"slug": "gold", "name": "Gold", "approval": "manual"}, 201)
	e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": "finder", "name": "Finder"}, 201)
	sub := e.call("POST", "/api/v1/apps/finder/subscriptions", "finder", map[string]any{"api": "pets", "plan": "gold", "purpose": "search"}, 201)
	e.call("POST", fmt.Sprintf("/api/v1/subscriptions/%v/approve", sub["id"]), "maint", nil, 200)
	e.call("POST", "/api/v1/apis/pets/versions/1.0.0/deprecate", "maint", map[string]any{"sunset": lcSunset(90)}, 200)

	ctx := context.Background()
	for _, name := range []string{"gone", "away"} {
		ns, err := e.store.Notifications(ctx, mustUser(t, e.env, name).ID, 50)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range ns {
			t.Errorf("disabled %s was notified: %s %q", name, n.Kind, n.Message)
		}
	}
	for _, name := range []string{"maint", "outsider"} {
		if n, _ := e.store.UnreadCount(ctx, mustUser(t, e.env, name).ID); n == 0 {
			t.Errorf("%s (enabled) was not notified", name)
		}
	}
}
