package handlers_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/spec/spectest"
	"github.com/portico-dev/portico/store"
)

// TestGatewaySettingsPutIsIdempotent: an identical PUT of a major's gateway
// settings changes nothing (200 with the deployment in force, no new
// deployment, audit entry or push); a changed one is a new deployment (201).
func TestGatewaySettingsPutIsIdempotent(t *testing.T) {
	e := newEnv(t)
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
		events, err := e.store.ListAudit(ctx, store.AuditFilter{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range events {
			if ev.Action == "gateway.deploy" {
				audits++
			}
		}
		// Every message, sent or not.
		n, err := e.store.DB().NewSelect().Model((*store.OutboxMessage)(nil)).Where("topic = ?", store.TopicGatewayChanged).Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pushes = int(n)
		return len(ds), audits, pushes
	}
	body := map[string]any{"targets": []string{"http://orders-1:8080/api", "http://orders-2:8080/api"}, "connect_timeout_ms": 300, "note": "first"}
	res, first := e.api("PUT", "/api/v1/apis/orders/gateway/1", tok, body)
	if res.StatusCode != 201 {
		t.Fatalf("first PUT: %d %v", res.StatusCode, first)
	}
	d0, a0, p0 := counts()
	updated := func() string {
		t.Helper()
		a, err := e.store.APIBySlug(ctx, "orders")
		if err != nil {
			t.Fatal(err)
		}
		return a.UpdatedAt.String()
	}
	u0 := updated()
	res, again := e.api("PUT", "/api/v1/apis/orders/gateway/1", tok, body)
	if u := updated(); u != u0 {
		t.Errorf("identical PUT: the API's update time moved %s → %s; want it unchanged", u0, u)
	}
	if res.StatusCode != 200 || again["id"] != first["id"] {
		t.Errorf("identical PUT: %d, deployment %v; want 200 with deployment %v", res.StatusCode, again["id"], first["id"])
	}
	if d, a, p := counts(); d != d0 || a != a0 || p != p0 {
		t.Errorf("identical PUT: deployments %d→%d, gateway.deploy audits %d→%d, gateway.changed messages %d→%d; want no change", d0, d, a0, a, p0, p)
	}
	// The page's form calls the same service: the same settings again are
	// no deployment either.
	b := e.browser()
	b.login("maint")
	res = b.post("/apis/orders/gateway/1", url.Values{"targets": {"http://orders-1:8080/api\nhttp://orders-2:8080/api"}, "connect_timeout_ms": {"300"}})
	res.Body.Close()
	if d, a, p := counts(); res.StatusCode != 303 || d != d0 || a != a0 || p != p0 {
		t.Errorf("same settings from the page: %d, deployments %d→%d, audits %d→%d, messages %d→%d; want 303 and no change", res.StatusCode, d0, d, a0, a, p0, p)
	}
	body["response_timeout_ms"] = 1500
	res, changed := e.api("PUT", "/api/v1/apis/orders/gateway/1", tok, body)
	if res.StatusCode != 201 || changed["id"] == first["id"] {
		t.Errorf("changed PUT: %d, deployment %v; want 201 with a new deployment", res.StatusCode, changed["id"])
	}
	if d, a, p := counts(); d != d0+1 || a != a0+1 || p <= p0 {
		t.Errorf("changed PUT: deployments %d→%d, audits %d→%d, messages %d→%d; want one more of each", d0, d, a0, a, p0, p)
	}
}
