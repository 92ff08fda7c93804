package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/policy"
)

// hooksSpec is a 3.1 description of version v whose operation POST
// /subscribe declares the callback onEvent, with the webhooks of webhooks
// (YAML under "webhooks:").
func hooksSpec(v, webhooks string) string {
	return `openapi: 3.1.0
info: {title: Hooks, version: "` + v + `"}
paths:
  /subscribe:
    post:
      operationId: subscribe
      summary: Subscribe
      callbacks:
        onEvent:
          "{$request.body#/url}":
            post:
              requestBody: {content: {application/json: {schema: {type: object}}}}
              responses: {"200": {description: ok}}
      responses: {"201": {description: ok}}
webhooks:
` + webhooks
}

// TestReviewEndpointsListHooks checks that the review page lists the
// webhooks added and removed, by name, among the endpoints.
func TestReviewEndpointsListHooks(t *testing.T) {
	e := newEnv(t)
	e.user("developer", policy.RoleMember, "payments", policy.RoleDeveloper)
	e.user("approver", policy.RoleApprover, "", "")
	e.user("admin", policy.RoleAdmin, "", "")
	svc := pageLife(t, e)
	if _, err := svc.CreateAPI(context.Background(), mustUser(t, e, "admin"), e.team("payments"), lifecycle.APIInput{Slug: "hooks", Name: "Hooks"}); err != nil {
		t.Fatal(err)
	}
	dev := e.browser()
	dev.login("developer")
	appr := e.browser()
	appr.login("approver")

	const ev = "  ev:\n    post:\n      requestBody: {content: {application/json: {schema: {type: object}}}}\n      responses: {\"200\": {description: ok}}\n"
	pageWantRedirect(t, "create 1.0.0", dev.upload("/apis/hooks/versions", map[string]string{"version": "1.0.0", "spec": hooksSpec("1.0.0", ev)}, "", nil), "/apis/hooks/versions/1.0.0")
	res := dev.post("/apis/hooks/versions/1.0.0/submit", nil)
	res.Body.Close()
	pageWantRedirect(t, "approve 1.0.0", appr.post(res.Header.Get("Location")+"/approve", nil), "/apis/hooks/versions/1.0.0")

	pageWantRedirect(t, "create 2.0.0", dev.upload("/apis/hooks/versions", map[string]string{"version": "2.0.0", "spec": hooksSpec("2.0.0", strings.Replace(ev, "ev:", "other:", 1))}, "", nil), "/apis/hooks/versions/2.0.0")
	res = dev.post("/apis/hooks/versions/2.0.0/submit", nil)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit 2.0.0: %d", res.StatusCode)
	}
	d := doc(t, appr.get(res.Header.Get("Location")))
	if got := d.Find(`[data-testid="endpoints-removed"]`).Text(); !strings.Contains(got, "webhook ev (POST)") {
		t.Errorf("removed endpoints = %q, want webhook ev (POST)", got)
	}
	if got := d.Find(`[data-testid="endpoints-added"]`).Text(); !strings.Contains(got, "webhook other (POST)") {
		t.Errorf("added endpoints = %q, want webhook other (POST)", got)
	}
}
