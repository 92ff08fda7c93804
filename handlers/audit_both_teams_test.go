package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestSubscriptionAuditUnderBothTeams: a subscription's events (request,
// approval, rejection, revocation) and the events of its keys (issue,
// rotation, revocation) concern the consuming team (search, the app's) and
// the providing team (payments, the API's): the audit filtered by either
// team, in the JSON API and on the audit page, holds every one of them.
func TestSubscriptionAuditUnderBothTeams(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newLCEnvOn(t, s)
		subscriptionEvents(e)
		assertBothTeams(t, e)
	})
}

// TestSubscriptionAuditBackfill: the events recorded before they were
// filed under both teams are filed under the second one by the migration
// (20261206030002), from the subscription id and the key id they carry.
func TestSubscriptionAuditBackfill(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newLCEnvOn(t, s)
		subscriptionEvents(e)
		ctx := context.Background()
		if _, err := s.DB().NewUpdate().Table("audit_events").Set("other_team_id = NULL").Where("1 = 1").Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().NewDelete().Table("bun_migrations").Where("name = ?", "20261206030002").Exec(ctx); err != nil {
			t.Fatal(err)
		}
		applied, err := s.Migrate(ctx)
		if err != nil || len(applied) != 1 {
			t.Fatalf("migrate again: applied %v, error %v; want the backfill", applied, err)
		}
		assertBothTeams(t, e)
	})
}

// subscriptionEvents subscribes two apps of search to payments' API: one is
// approved, has a key issued, rotated and revoked, and is revoked; the other
// is rejected.
func subscriptionEvents(e *lcEnv) {
	e.createAPI("pets", "public")
	e.version("pets", "1.0.0", lifecycle.Published)
	e.call("POST", "/api/v1/apis/pets/plans", "maint", map[string]any{"slug": "gold", "name": "Gold", "approval": "manual"}, 201)
	e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": "finder", "name": "Finder"}, 201)
	e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": "seeker", "name": "Seeker"}, 201)
	sub := e.call("POST", "/api/v1/apps/finder/subscriptions", "outsider", map[string]any{"api": "pets", "plan": "gold", "purpose": "search pets"}, 201)
	base := fmt.Sprintf("/api/v1/subscriptions/%v", sub["id"])
	e.call("POST", base+"/approve", "maint", nil, 200)
	k := e.call("POST", base+"/keys", "outsider", map[string]any{"name": "production"}, 201)
	rotated := e.call("POST", "/api/v1/keys/"+k["id"].(string)+"/rotate", "outsider", map[string]any{"grace_seconds": 0}, 201)
	e.call("POST", "/api/v1/keys/"+rotated["id"].(string)+"/revoke", "outsider", nil, 200)
	e.call("POST", base+"/revoke", "maint", map[string]any{"reason": "misuse"}, 200)
	other := e.call("POST", "/api/v1/apps/seeker/subscriptions", "outsider", map[string]any{"api": "pets", "plan": "gold", "purpose": "search pets"}, 201)
	e.call("POST", fmt.Sprintf("/api/v1/subscriptions/%v/reject", other["id"]), "maint", map[string]any{"reason": "no"}, 200)
}

// assertBothTeams checks that the audit filtered by search and by payments
// holds every subscription and key action of subscriptionEvents.
func assertBothTeams(t *testing.T, e *lcEnv) {
	t.Helper()
	want := []string{"key.issue", "key.revoke", "key.rotate", "subscription.approve", "subscription.create",
		"subscription.reject", "subscription.revoke"}
	for _, team := range []string{"search", "payments"} {
		out := e.call("GET", "/api/v1/audit?team="+team+"&limit=500", "admin", nil, 200)
		var got []string
		for _, ev := range out["events"].([]any) {
			a := ev.(map[string]any)["action"].(string)
			if slices.Contains(want, a) && !slices.Contains(got, a) {
				got = append(got, a)
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("GET /api/v1/audit?team=%s: subscription and key actions %v, want %v", team, got, want)
		}

		b := e.browser()
		b.login("admin")
		res := b.get("/audit?team=" + team)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET /audit?team=%s: %d", team, res.StatusCode)
		}
		got = nil
		doc(t, res).Find(`[data-testid="audit-action"]`).Each(func(_ int, s *goquery.Selection) {
			if a := s.Text(); slices.Contains(want, a) && !slices.Contains(got, a) {
				got = append(got, a)
			}
		})
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("GET /audit?team=%s: subscription and key actions %v, want %v", team, got, want)
		}
	}
}
