package handlers_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/spec/spectest"
	"github.com/portico-dev/portico/store"
)

// TestGatewaySettingsCORSOrigins: a version's allowed browser origins are
// set on the Gateway settings page and with the JSON API, validated (a
// field error on the form, a problem naming the field on the API),
// normalised, listed, and restored by a rollback.
func TestGatewaySettingsCORSOrigins(t *testing.T) {
	e := newEnv(t)
	admin := e.user("admin", policy.RoleAdmin, "", "")
	e.user("maint", policy.RoleMember, "payments", policy.RoleMaintainer)
	tok := e.token(mustUser(t, e, "maint"))
	pagePublishedAPI(t, e, admin, "payments", "orders", store.VisibilityPublic, spectest.PetsV1)
	b := e.browser()
	b.login("maint")

	// The page: a bad origin is a field error, the form keeps what was typed.
	res := b.post("/apis/orders/gateway/1", url.Values{"targets": {"http://orders-1:8080/api"}, "cors_origins": {"https://app.example.com\napp.example.com/x"}})
	d := doc(t, res)
	if res.StatusCode != 422 {
		t.Fatalf("bad origin from the page: %d", res.StatusCode)
	}
	if msg := d.Find(`[data-testid="route-settings"][data-major="1"] [data-testid="error-cors_origins"]`).Text(); !strings.Contains(msg, "app.example.com/x") || !strings.Contains(msg, "https://") {
		t.Errorf("field error %q, want one naming the origin and the form of one", msg)
	}
	if got := d.Find(`[data-testid="route-settings"][data-major="1"] textarea[name="cors_origins"]`).Text(); got != "https://app.example.com\napp.example.com/x" {
		t.Errorf("the form shows %q, want what was typed", got)
	}
	res = b.post("/apis/orders/gateway/1", url.Values{"targets": {"http://orders-1:8080/api"}, "cors_origins": {"HTTPS://App.Example.com:443\r\n\r\nhttp://localhost:3000"}})
	res.Body.Close()
	if res.StatusCode != 303 {
		t.Fatalf("deploy with origins from the page: %d", res.StatusCode)
	}
	d = doc(t, b.get("/apis/orders/gateway"))
	if got := d.Find(`[data-testid="route-settings"][data-major="1"] textarea[name="cors_origins"]`).Text(); got != "https://app.example.com\nhttp://localhost:3000" {
		t.Errorf("the form shows the origins in force as %q", got)
	}
	if got := d.Find(`[data-testid="deployment-row"] [data-testid="deployment-origins"]`).First().Text(); !strings.Contains(got, "https://app.example.com, http://localhost:3000") {
		t.Errorf("the deployment lists origins %q", got)
	}
	_, body := e.apiText("GET", "/api/v1/apis/orders/gateway", tok)
	if !strings.Contains(body, `"response_timeout_ms":0,"cors_origins":["https://app.example.com","http://localhost:3000"],"deployments":[`) {
		t.Errorf("settings: %s", body)
	}

	// The API: a bad origin is a problem naming the field.
	for _, bad := range [][]string{{"ftp://app.example.com"}, {"*", "https://app.example.com"}, {"https://app.example.com?x"}} {
		res, out := e.api("PUT", "/api/v1/apis/orders/gateway/1", tok, map[string]any{"targets": []string{"http://orders-1:8080/api"}, "cors_origins": bad})
		errs, _ := out["errors"].([]any)
		if res.StatusCode != 422 || res.Header.Get("Content-Type") != "application/problem+json" || len(errs) != 1 || errs[0].(map[string]any)["field"] != "cors_origins" {
			t.Errorf("origins %q: %d %s %v, want a 422 problem naming cors_origins", bad, res.StatusCode, res.Header.Get("Content-Type"), out)
		}
	}
	res, out := e.api("PUT", "/api/v1/apis/orders/gateway/1", tok, map[string]any{"targets": []string{"http://orders-1:8080/api"}, "cors_origins": []string{"*"}})
	if res.StatusCode != 201 || !equalAny(out["cors_origins"], "*") {
		t.Fatalf("deploy any origin: %d %v", res.StatusCode, out)
	}
	// Without the field: no CORS.
	res, out = e.api("PUT", "/api/v1/apis/orders/gateway/1", tok, map[string]any{"targets": []string{"http://orders-1:8080/api"}})
	if res.StatusCode != 201 || !equalAny(out["cors_origins"]) {
		t.Fatalf("deploy without origins: %d %v", res.StatusCode, out)
	}
	// A rollback restores the origins of the deployment it names.
	d = doc(t, b.get("/apis/orders/gateway"))
	withOrigins := d.Find(`[data-testid="deployment-row"]`).Eq(2).AttrOr("data-deployment", "")
	res, out = e.api("POST", "/api/v1/apis/orders/gateway/1/rollback", tok, map[string]any{"deployment": json.Number(withOrigins)})
	if res.StatusCode != 201 || !equalAny(out["cors_origins"], "https://app.example.com", "http://localhost:3000") {
		t.Fatalf("rollback to deployment %s: %d %v", withOrigins, res.StatusCode, out)
	}
}

func equalAny(v any, want ...string) bool {
	l, ok := v.([]any)
	if !ok || len(l) != len(want) {
		return false
	}
	for i := range l {
		if l[i] != want[i] {
			return false
		}
	}
	return true
}

// TestGatewaySettingsCORSOriginsLimit: the JSON API takes at most 32
// origins as its description says (maxItems), counted as sent: 33 of
// which one repeats another are refused as 33, not taken as 32.
func TestGatewaySettingsCORSOriginsLimit(t *testing.T) {
	e := newEnv(t)
	admin := e.user("admin", policy.RoleAdmin, "", "")
	e.user("maint", policy.RoleMember, "payments", policy.RoleMaintainer)
	tok := e.token(mustUser(t, e, "maint"))
	pagePublishedAPI(t, e, admin, "payments", "orders", store.VisibilityPublic, spectest.PetsV1)
	res, err := e.app.Test(httptest.NewRequest("GET", "/api/v1/openapi.json", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.NewDecoder(res.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	var maxItems float64
	for _, s := range schemas {
		props, _ := s.(map[string]any)["properties"].(map[string]any)
		if p, ok := props["cors_origins"].(map[string]any); ok && p["maxItems"] != nil {
			maxItems = p["maxItems"].(float64)
		}
	}
	if maxItems != 32 {
		t.Fatalf("openapi.json: cors_origins maxItems %v, want 32", maxItems)
	}
	origins := func(n int) []string {
		var o []string
		for i := range n {
			o = append(o, fmt.Sprintf("https://app%d.example.com", i))
		}
		return o
	}
	put := func(o []string) (int, map[string]any) {
		res, out := e.api("PUT", "/api/v1/apis/orders/gateway/1", tok, map[string]any{"targets": []string{"http://orders-1:8080/api"}, "cors_origins": o})
		return res.StatusCode, out
	}
	if code, out := put(origins(32)); code != 201 {
		t.Fatalf("32 origins: %d %v, want 201", code, out)
	}
	for _, tc := range []struct {
		name    string
		origins []string
	}{
		{"33 distinct", origins(33)},
		{"32 distinct and a repeat", append(origins(32), "https://app0.example.com")},
		{"32 distinct and one written otherwise", append(origins(32), "HTTPS://APP1.example.com:443")},
		{"32 distinct and a blank", append(origins(32), "")},
	} {
		code, out := put(tc.origins)
		errs, _ := out["errors"].([]any)
		if code != 422 || len(errs) != 1 || errs[0].(map[string]any)["field"] != "cors_origins" || !strings.Contains(fmt.Sprint(errs[0]), "at most 32") {
			t.Errorf("%s: %d %v, want a 422 problem naming cors_origins", tc.name, code, out)
		}
	}
	// Repeats within the limit are dropped.
	if code, out := put(append(origins(31), "https://app0.example.com")); code != 201 || len(out["cors_origins"].([]any)) != 31 {
		t.Errorf("31 distinct and a repeat: %d %v, want 201 with 31", code, out)
	}
}
