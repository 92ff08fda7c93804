package handlers_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/spec/spectest"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestGatewayRollbackToTheSettingsInForce: a rollback to the deployment in
// force, or to an earlier one with the same settings, would change
// nothing: it is refused as a field error (page and API 422 on
// "deployment"), with no new deployment, audit entry or push. (It used to
// make a new deployment, audited and pushed, that changed nothing.)
func TestGatewayRollbackToTheSettingsInForce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnvOn(t, s)
		admin := e.user("admin", policy.RoleAdmin, "", "")
		e.user("maint", policy.RoleMember, "payments", policy.RoleMaintainer)
		tok := e.token(mustUser(t, e, "maint"))
		pagePublishedAPI(t, e, admin, "payments", "orders", store.VisibilityPublic, spectest.PetsV1)
		ctx := context.Background()
		counts := func() (deploys, audits, pushes int) {
			t.Helper()
			a, err := e.store.APIBySlug(ctx, "orders")
			if err != nil {
				t.Fatal(err)
			}
			ds, err := e.store.GatewayDeployments(ctx, a.ID, 1, 100)
			if err != nil {
				t.Fatal(err)
			}
			na, err := e.store.DB().NewSelect().Table("audit_events").Where("action IN (?)", bun.List([]string{"gateway.deploy", "gateway.rollback"})).Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			np, err := e.store.DB().NewSelect().Model((*store.OutboxMessage)(nil)).Where("topic = ?", store.TopicGatewayChanged).Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return len(ds), int(na), int(np)
		}
		deploy := func(targets ...string) string {
			t.Helper()
			res, out := e.api("PUT", "/api/v1/apis/orders/gateway/1", tok, map[string]any{"targets": targets, "connect_timeout_ms": 300})
			if res.StatusCode != 201 {
				t.Fatalf("deploy %v: %d %v", targets, res.StatusCode, out)
			}
			return fmt.Sprint(out["id"])
		}
		first := deploy("http://orders-1:8080/api")
		second := deploy("http://orders-2:8080/api")
		third := deploy("http://orders-1:8080/api") // the settings of the first again
		d0, a0, p0 := counts()
		b := e.browser()
		b.login("maint")
		for _, id := range []string{third, first} {
			res, out := e.api("POST", "/api/v1/apis/orders/gateway/1/rollback", tok, map[string]any{"deployment": mustInt(t, id)})
			errs, _ := out["errors"].([]any)
			if res.StatusCode != 422 || len(errs) != 1 || errs[0].(map[string]any)["field"] != "deployment" ||
				!strings.Contains(fmt.Sprint(errs[0].(map[string]any)["message"]), "already in force") {
				t.Errorf("API rollback to deployment %s (settings in force): %d %v, want 422 on deployment saying the settings are already in force", id, res.StatusCode, out)
			}
			res = b.post("/apis/orders/gateway/1/rollback", url.Values{"deployment": {id}})
			d := doc(t, res)
			if msg := d.Find(`[data-testid="error-deployment"]`).Text(); res.StatusCode != 422 || !strings.Contains(msg, "already in force") {
				t.Errorf("page rollback to deployment %s (settings in force): %d %q, want 422 with the field error", id, res.StatusCode, msg)
			}
			if d, a, p := counts(); d != d0 || a != a0 || p != p0 {
				t.Errorf("rollback to deployment %s: deployments %d→%d, audits %d→%d, pushes %d→%d; want no change", id, d0, d, a0, a, p0, p)
			}
		}
		// A rollback to other settings is a new deployment, as before.
		res, out := e.api("POST", "/api/v1/apis/orders/gateway/1/rollback", tok, map[string]any{"deployment": mustInt(t, second)})
		if res.StatusCode != 201 || fmt.Sprint(out["rollback_of"]) != second {
			t.Errorf("rollback to deployment %s: %d %v, want 201", second, res.StatusCode, out)
		}
		if d, a, p := counts(); d != d0+1 || a != a0+1 || p <= p0 {
			t.Errorf("rollback to deployment %s: deployments %d→%d, audits %d→%d, pushes %d→%d; want one more of each", second, d0, d, a0, a, p0, p)
		}
	})
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return n
}
