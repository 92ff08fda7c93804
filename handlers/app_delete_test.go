package handlers_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestDeleteApp: an app manager of the app's team removes the app through
// DELETE /api/v1/apps/{app}. Its active and pending subscriptions are
// cancelled with the removal as reason, the active one's key is revoked at
// once, the gateways are told per API and the providers notified; the
// audit log records app.delete. The app leaves the lists, its slug is free,
// and the old subscriptions, their usage and the audit still render.
func TestDeleteApp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newLCEnvOn(t, s)
		ctx := context.Background()
		active := fmt.Sprint(e.finderSubscribedToPets()["id"])
		kid := fmt.Sprint(e.call("POST", "/api/v1/subscriptions/"+active+"/keys", "outsider", map[string]any{"name": "production"}, 201)["id"])
		e.createAPI("cats", "public")
		e.version("cats", "1.0.0", lifecycle.Published)
		e.call("POST", "/api/v1/apis/cats/plans", "maint", map[string]any{"slug": "gold", "name": "Gold", "approval": "manual"}, 201)
		pending := fmt.Sprint(e.call("POST", "/api/v1/apps/finder/subscriptions", "outsider", map[string]any{"api": "cats", "plan": "gold", "purpose": "cats"}, 201)["id"])
		gatewayMsgs := func() int {
			n, err := s.DB().NewSelect().Table("outbox").Where("topic = ?", store.TopicGatewayChanged).Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return int(n)
		}
		before := gatewayMsgs()

		e.call("DELETE", "/api/v1/apps/finder", "dev", nil, 404)    // another team's app
		e.call("DELETE", "/api/v1/apps/finder", "viewer", nil, 404) // likewise
		e.call("DELETE", "/api/v1/apps/finder", "outsider", nil, 204)
		e.call("DELETE", "/api/v1/apps/finder", "outsider", nil, 404)
		e.call("GET", "/api/v1/apps/finder", "outsider", nil, 404)
		if apps := e.call("GET", "/api/v1/teams/search/apps", "outsider", nil, 200)["apps"].([]any); len(apps) != 0 {
			t.Errorf("the team's apps after the removal: %v", apps)
		}

		for _, id := range []string{active, pending} {
			sub := e.call("GET", "/api/v1/subscriptions/"+id, "maint", nil, 200)
			if sub["state"] != "cancelled" || sub["reason"] != "The app was removed." || sub["ended_at"] == nil {
				t.Errorf("subscription %s after the removal: %v", id, sub)
			}
		}
		var state string
		if err := s.DB().NewSelect().Table("api_keys").Column("state").Where("kid = ?", kid).Scan(ctx, &state); err != nil || state != store.KeyRevoked {
			t.Errorf("the key of the removed app: %q, %v", state, err)
		}
		if got := gatewayMsgs() - before; got != 2 {
			t.Errorf("gateway.changed messages of the removal: %d, want 2 (pets and cats)", got)
		}
		maint, err := s.UserByUsername(ctx, "maint")
		if err != nil {
			t.Fatal(err)
		}
		ns, err := s.Notifications(ctx, maint.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		cancelled := 0
		for _, n := range ns {
			if n.Kind == "subscription.cancelled" && strings.Contains(plain(n.Message), "outsider cancelled the subscription of Finder") {
				cancelled++
			}
		}
		if cancelled != 2 {
			t.Errorf("the provider's cancellation notices: %d, want 2: %v", cancelled, ns)
		}
		events := e.call("GET", "/api/v1/audit?object_type=app&object_id=finder", "admin", nil, 200)["events"].([]any)
		if m := events[0].(map[string]any); m["action"] != "app.delete" || m["before"] != `name="Finder" subscriptions_cancelled=2` || m["actor"] != "outsider" {
			t.Errorf("the removal's audit: %v", m)
		}
		cancels := e.call("GET", "/api/v1/audit?action=subscription.cancel", "admin", nil, 200)["events"].([]any)
		if len(cancels) != 2 {
			t.Fatalf("subscription.cancel events: %v", cancels)
		}
		for _, ev := range cancels {
			if m := ev.(map[string]any); m["reason"] != "The app was removed." || m["after"] != "cancelled" {
				t.Errorf("a cancellation's audit: %v", m)
			}
		}

		// History still reads: the old subscriptions, their usage, the audit.
		b := e.browser()
		b.login("outsider")
		for _, path := range []string{"/subscriptions/" + active + "/keys", "/subscriptions/" + active + "/usage", "/apps"} {
			res := b.get(path)
			if res.StatusCode != 200 {
				t.Errorf("GET %s after the removal: %d", path, res.StatusCode)
				res.Body.Close()
				continue
			}
			d := doc(t, res)
			if got := plain(d.Find(`[data-testid="removed-app"]`).First().Text()); got != "removed app Finder" {
				t.Errorf("GET %s names the app %q, want \"removed app Finder\"", path, got)
			}
			if d.Find(`a[href="/apps/finder"]`).Length() != 0 {
				t.Errorf("GET %s links the removed app's page", path)
			}
		}
		b = e.browser()
		b.login("admin")
		for _, path := range []string{"/audit?object_type=app", "/apis/pets/subscribers", "/apis/pets/usage"} {
			if res := b.get(path); res.StatusCode != 200 {
				t.Errorf("GET %s after the removal: %d", path, res.StatusCode)
			}
		}

		// The slug is free; the new app starts with no subscription.
		e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": "finder", "name": "Finder 2"}, 201)
		if n := doc(t, b.get("/apps/finder")).Find(`[data-testid="subscription"]`).Length(); n != 0 {
			t.Errorf("the new finder inherited %d subscriptions", n)
		}
		e.call("POST", "/api/v1/apps/finder/subscriptions", "outsider", map[string]any{"api": "pets", "plan": "free", "purpose": "again"}, 201)
	})
}

// TestDeleteAppPage: the app page offers its managers the removal behind a
// closed confirmation saying what happens; the removal leads to the apps
// list; a viewer of the team is not offered it and is refused.
func TestDeleteAppPage(t *testing.T) {
	e := newLCEnv(t)
	e.call("POST", "/api/v1/teams/payments/apps", "dev", map[string]any{"slug": "till", "name": "Till"}, 201)

	b := e.browser()
	b.login("viewer")
	if doc(t, b.get("/apps/till")).Find(`[data-testid="delete-app"]`).Length() != 0 {
		t.Error("a viewer is offered the removal")
	}
	if res := b.post("/apps/till/delete", url.Values{}); res.StatusCode != 403 {
		t.Errorf("a viewer's removal: %d, want 403", res.StatusCode)
	}
	b = e.browser()
	b.login("dev")
	d := doc(t, b.get("/apps/till"))
	button := d.Find(`[data-testid="delete-app"]`)
	if button.Length() != 1 {
		t.Fatal("no remove button for an app manager")
	}
	if _, open := button.Closest("details").Attr("open"); open {
		t.Error("the removal's confirmation is open when the page loads")
	}
	if got := d.Find(`[data-testid="danger-zone"]`).Text(); !strings.Contains(got, "revokes all their keys at once") {
		t.Errorf("the confirmation does not say what happens: %q", got)
	}
	res := b.post("/apps/till/delete", url.Values{})
	if res.StatusCode != 303 || res.Header.Get("Location") != "/apps" {
		t.Fatalf("removal: %d to %q: %s", res.StatusCode, res.Header.Get("Location"), e.logs.String())
	}
	res.Body.Close()
	if got := plain(doc(t, b.get("/apps")).Text()); !strings.Contains(got, "Removed the app Till") {
		t.Error("the apps list does not confirm the removal")
	}
	if res := b.get("/apps/till"); res.StatusCode != 404 {
		t.Errorf("the removed app's page: %d, want 404", res.StatusCode)
	}
}

// TestDeleteAppByEachAppManager: the permission matrix proves the removal
// for its first app manager only (the app is gone for the next ones), so
// each role that manages a team's apps removes an app of its own here:
// a developer, a maintainer and an org admin of payments' apps, the owner
// of search one of search's; a viewer is refused and removes nothing.
func TestDeleteAppByEachAppManager(t *testing.T) {
	e := newLCEnv(t)
	for _, who := range []string{"dev", "maint", "admin", "viewer"} {
		e.call("POST", "/api/v1/teams/payments/apps", "dev", map[string]any{"slug": "app-of-" + who, "name": "App of " + who}, 201)
	}
	e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": "app-of-outsider", "name": "App of outsider"}, 201)
	e.call("DELETE", "/api/v1/apps/app-of-viewer", "viewer", nil, 403)
	e.call("GET", "/api/v1/apps/app-of-viewer", "viewer", nil, 200)
	for _, who := range []string{"dev", "maint", "admin", "outsider"} {
		e.call("DELETE", "/api/v1/apps/app-of-"+who, who, nil, 204)
		e.call("GET", "/api/v1/apps/app-of-"+who, "admin", nil, 404)
	}
}
