package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/spec/spectest"
)

// TestRuleSetPageAndAPI: everyone reads the rule set; org admins change it
// on the page and through the API, and a review is judged by it at once.
func TestRuleSetPageAndAPI(t *testing.T) {
	e := newLCEnv(t)
	e.createAPI("pets", "public")
	e.version("pets", "1.0.0", lifecycle.Published)
	e.call("POST", "/api/v1/apis/pets/versions", "dev", map[string]any{"version": "1.1.0", "spec": spectest.PetsBreaking}, 201)
	id := int64(e.call("POST", "/api/v1/apis/pets/versions/1.1.0/submit", "dev", nil, 201)["id"].(float64))

	list := e.call("GET", "/api/v1/rules?kind=breaking", "dev", nil, 200)
	rules, _ := list["rules"].([]any)
	found := false
	for _, r := range rules {
		m := r.(map[string]any)
		if m["id"] == "response-property-became-nullable" {
			found = m["severity"] == "warning" && m["upstream"] == "error" && m["why"] != ""
		}
	}
	if len(rules) < 100 || !found || list["validation"] != "warn" {
		t.Errorf("rules: %d, nullable moved with its reason %v, mode %v", len(rules), found, list["validation"])
	}
	e.call("PUT", "/api/v1/rules/api-path-removed-without-deprecation", "appr", map[string]any{"severity": "warning"}, 403)
	e.call("PUT", "/api/v1/rules/no-such-rule", "admin", map[string]any{"severity": "warning"}, 404)
	e.call("PUT", "/api/v1/rules/api-path-removed-without-deprecation", "admin", map[string]any{"severity": "loud"}, 422)
	got := e.call("PUT", "/api/v1/rules/api-path-removed-without-deprecation", "admin", map[string]any{"severity": "warning"}, 200)
	if got["severity"] != "warning" || got["default"] != "error" {
		t.Errorf("set rule answered %v", got)
	}
	if detail := e.call("GET", fmt.Sprintf("/api/v1/reviews/%d", id), "appr", nil, 200); detail["blocked"] != false {
		t.Errorf("with the removal at warning the request is still blocked: %v", detail["block_reason"])
	}

	// The page: read-only for members, a form for org admins.
	b := e.browser()
	b.login("dev")
	d := doc(t, b.get("/rules?kind=breaking"))
	if d.Find(`[data-testid="rules-form"] select`).Length() != 0 || d.Find(`[data-testid="rule-row"][data-rule="api-path-removed-without-deprecation"] [data-testid="rule-changed"]`).Length() != 1 {
		t.Error("a member sees selects, or not the changed rule")
	}
	admin := e.browser()
	admin.login("admin")
	d = doc(t, admin.get("/rules?kind=breaking"))
	if d.Find(`select[name="severity:api-path-removed-without-deprecation"]`).Length() != 1 {
		t.Fatal("the admin gets no select for the rule")
	}
	res := admin.post("/rules?kind=breaking", url.Values{"severity:api-path-removed-without-deprecation": {"error"}, "severity:endpoint-added": {"info"}})
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save rules: status %d", res.StatusCode)
	}
	if detail := e.call("GET", fmt.Sprintf("/api/v1/reviews/%d", id), "appr", nil, 200); detail["blocked"] != true {
		t.Error("back at error, the request is not blocked")
	}
	audit := e.call("GET", "/api/v1/audit?action=rule.update", "admin", nil, 200)
	if events, _ := audit["events"].([]any); len(events) != 2 {
		t.Errorf("audit has %d rule updates, want 2", len(events))
	}
}

// TestAcceptFindingPageAndAPI: a reviewer accepts the breaking change as a
// known false positive on the page; the requester cannot; the review shows
// who and why, and the request can then be approved.
func TestAcceptFindingPageAndAPI(t *testing.T) {
	e := newLCEnv(t)
	e.createAPI("pets", "public")
	e.version("pets", "1.0.0", lifecycle.Published)
	e.call("POST", "/api/v1/apis/pets/versions", "dev", map[string]any{"version": "1.1.0", "spec": spectest.PetsBreaking}, 201)
	id := int64(e.call("POST", "/api/v1/apis/pets/versions/1.1.0/submit", "dev", nil, 201)["id"].(float64))
	detail := e.call("GET", fmt.Sprintf("/api/v1/reviews/%d?kind=change&severity=error", id), "appr", nil, 200)
	key := detail["findings"].([]any)[0].(map[string]any)["key"].(string)

	e.call("POST", fmt.Sprintf("/api/v1/reviews/%d/findings/%s/accept", id, key), "dev", map[string]any{"reason": "mine"}, 403)
	e.call("POST", fmt.Sprintf("/api/v1/reviews/%d/findings/%s/accept", id, key), "appr", map[string]any{}, 422)

	requester := e.browser()
	requester.login("dev")
	if doc(t, requester.get(fmt.Sprintf("/reviews/%d", id))).Find(`[data-testid="accept-form"]`).Length() != 0 {
		t.Error("the requester is offered to accept a finding of their own request")
	}
	b := e.browser()
	b.login("appr")
	d := doc(t, b.get(fmt.Sprintf("/reviews/%d", id)))
	if d.Find(`[data-testid="accept-form"]`).Length() != 1 {
		t.Fatal("the reviewer is not offered to accept the breaking change")
	}
	res := b.post(fmt.Sprintf("/reviews/%d/findings/%s/accept", id, key), url.Values{"reason": {""}})
	pageWantStatus(t, "accept without reason", res, http.StatusUnprocessableEntity)
	res = b.post(fmt.Sprintf("/reviews/%d/findings/%s/accept", id, key), url.Values{"reason": {"The path was never routed by the gateway."}})
	res.Body.Close()
	d = doc(t, b.get(fmt.Sprintf("/reviews/%d?kind=change&severity=error", id)))
	if got := d.Find(`[data-testid="acceptance"]`).Text(); !strings.Contains(got, "appr") || !strings.Contains(got, "never routed") {
		t.Errorf("acceptance shown as %q, want who and why", got)
	}
	d = doc(t, b.get(fmt.Sprintf("/reviews/%d", id)))
	if d.Find(`[data-testid="approve-form"]`).Length() != 1 || d.Find(`[data-testid="summary-accepted"]`).Length() != 1 {
		t.Error("after the acceptance the reviewer is not offered to approve, or the summary does not count it")
	}
	detail = e.call("GET", fmt.Sprintf("/api/v1/reviews/%d", id), "appr", nil, 200)
	if accs, _ := detail["acceptances"].([]any); len(accs) != 1 || accs[0].(map[string]any)["accepted_by"] != "appr" {
		t.Errorf("acceptances %v, want appr's", detail["acceptances"])
	}
	e.call("POST", fmt.Sprintf("/api/v1/reviews/%d/approve", id), "appr2", nil, 200)
}

// TestVersionPageShowsValidationFindings: a description with problems the
// specification's rules find is accepted as a draft, and its page lists
// them with their lines.
func TestVersionPageShowsValidationFindings(t *testing.T) {
	e := newLCEnv(t)
	e.createAPI("pets", "public")
	invalid := strings.Replace(spectest.PetsV1, "      summary: List pets\n", "      summary: List pets\n      parameters: [{name: q, in: body, schema: {type: string}}]\n", 1)
	out := e.call("POST", "/api/v1/apis/pets/versions", "dev", map[string]any{"version": "1.0.0", "spec": invalid}, 201)
	if v, _ := out["validation"].([]any); len(v) != 1 || v[0].(map[string]any)["line"] == nil {
		t.Errorf("validation findings %v, want one with its line", out["validation"])
	}
	b := e.browser()
	b.login("dev")
	d := doc(t, b.get("/apis/pets/versions/1.0.0"))
	row := d.Find(`[data-testid="lint-row"][data-rule="oas-invalid"]`)
	if row.Length() != 1 || !strings.Contains(row.Find(`[data-testid="finding-line"]`).Text(), "line 6") {
		t.Errorf("version page finding rows %d, line %q; want the operation of the invalid parameter, line 6", row.Length(), row.Find(`[data-testid="finding-line"]`).Text())
	}
}
