package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/portico-dev/portico/catalog"
	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/control"
	"github.com/portico-dev/portico/handlers"
	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/people"
	"github.com/portico-dev/portico/spec/spectest"
	"github.com/portico-dev/portico/subscriptions"
)

// limitTables are the tables a refused write must leave as they were: no
// request, audit row, notification, outbox message or object.
var limitTables = []string{"publication_requests", "notifications", "audit_events", "outbox", "apis", "api_versions", "teams", "users",
	"apps", "subscriptions", "plans", "api_keys", "api_tokens", "gateway_deployments", "finding_acceptances", "rule_settings", "search_synonyms"}

func (e *env) tableCounts(t *testing.T) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, name := range limitTables {
		n, err := e.store.DB().NewSelect().Table(name).Count(context.Background())
		if err != nil {
			t.Fatalf("count %s: %v", name, err)
		}
		out[name] = int(n)
	}
	return out
}

// over is a text one character longer than max, of two-byte characters:
// the limit counts characters, not bytes.
func over(max int) string { return strings.Repeat("é", max+1) }

// limitsFixture is a portal with a published API pets (plans gold, manual),
// a draft 1.1.0 to submit, a request for 2.0.0 in review, an app finder
// of the team search with a pending subscription and an active one (app
// scout): it returns the ids the rows need.
func limitsFixture(t *testing.T) (*lcEnv, map[string]string) {
	e := newLCEnv(t)
	e.createAPI("pets", "public")
	e.version("pets", "1.0.0", lifecycle.Published)
	e.call("POST", "/api/v1/apis/pets/versions", "dev", map[string]any{"version": "1.1.0", "spec": spectest.PetsV1}, 201)
	e.call("POST", "/api/v1/apis/pets/versions", "dev", map[string]any{"version": "2.0.0", "spec": spectest.PetsV1}, 201)
	review := e.call("POST", "/api/v1/apis/pets/versions/2.0.0/submit", "dev", nil, 201)
	e.call("POST", "/api/v1/apis/pets/plans", "maint", map[string]any{"slug": "gold", "name": "Gold", "approval": "manual"}, 201)
	e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": "finder", "name": "Finder"}, 201)
	e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": "scout", "name": "Scout"}, 201)
	pending := e.call("POST", "/api/v1/apps/finder/subscriptions", "outsider", map[string]any{"api": "pets", "plan": "gold", "purpose": "find pets"}, 201)
	active := e.call("POST", "/api/v1/apps/scout/subscriptions", "outsider", map[string]any{"api": "pets", "plan": "gold", "purpose": "scout pets"}, 201)
	e.call("POST", fmt.Sprintf("/api/v1/subscriptions/%v/approve", active["id"]), "maint", nil, 200)
	rules := e.call("GET", "/api/v1/rules", "admin", nil, 200)
	rule := rules["rules"].([]any)[0].(map[string]any)["id"].(string)
	return e, map[string]string{"review": fmt.Sprint(review["id"]), "pending": fmt.Sprint(pending["id"]), "active": fmt.Sprint(active["id"]), "rule": rule}
}

// TestTextLimitsThroughAPIAndPages sends a value beyond its limit to every
// bounded field, through the JSON API and the pages: each is refused with
// 422 naming the field (and the limit), and nothing is stored.
func TestTextLimitsThroughAPIAndPages(t *testing.T) {
	e, ids := limitsFixture(t)
	longTarget := "http://pets.internal/" + strings.Repeat("x", control.MaxTargetURL)
	apiRows := []struct {
		name, method, path, who string
		body                    any
		field                   string
		limit                   int
	}{
		{"api name", "POST", "/api/v1/apis", "maint", map[string]any{"team": "payments", "slug": "big", "name": over(lifecycle.MaxAPIName)}, "name", lifecycle.MaxAPIName},
		{"api summary", "POST", "/api/v1/apis", "maint", map[string]any{"team": "payments", "slug": "big", "name": "Big", "summary": over(lifecycle.MaxSummary)}, "summary", lifecycle.MaxSummary},
		{"api description", "PATCH", "/api/v1/apis/pets", "maint", map[string]any{"description": over(lifecycle.MaxDescription)}, "description", lifecycle.MaxDescription},
		{"api upstream", "PATCH", "/api/v1/apis/pets", "maint", map[string]any{"upstreams": []string{longTarget}}, "upstreams", lifecycle.MaxUpstreamURL},
		{"version number", "POST", "/api/v1/apis/pets/versions", "dev", map[string]any{"version": over(lifecycle.MaxVersionLength), "spec": spectest.PetsV1}, "version", lifecycle.MaxVersionLength},
		{"submit note", "POST", "/api/v1/apis/pets/versions/1.1.0/submit", "dev", map[string]any{"note": over(lifecycle.MaxNote)}, "note", lifecycle.MaxNote},
		{"reject reason", "POST", "/api/v1/reviews/" + ids["review"] + "/reject", "appr", map[string]any{"reason": over(lifecycle.MaxReason)}, "reason", lifecycle.MaxReason},
		{"approve comment", "POST", "/api/v1/reviews/" + ids["review"] + "/approve", "appr", map[string]any{"comment": over(lifecycle.MaxComment)}, "comment", lifecycle.MaxComment},
		{"finding reason", "POST", "/api/v1/reviews/" + ids["review"] + "/findings/x/accept", "appr", map[string]any{"reason": over(lifecycle.MaxFindingReason)}, "reason", lifecycle.MaxFindingReason},
		{"deprecation successor", "POST", "/api/v1/apis/pets/versions/1.0.0/deprecate", "maint", map[string]any{"sunset": lcSunset(90), "successor": over(lifecycle.MaxVersionLength)}, "successor", lifecycle.MaxVersionLength},
		{"rule severity", "PUT", "/api/v1/rules/" + ids["rule"], "admin", map[string]any{"severity": over(lifecycle.MaxSeverityLength)}, "severity", lifecycle.MaxSeverityLength},
		{"synonym", "PUT", "/api/v1/search/synonyms", "admin", map[string]any{"synonyms": [][]string{{over(60), "y"}}}, "synonyms", 60},
		{"team name", "POST", "/api/v1/teams", "admin", map[string]any{"slug": "big", "name": over(people.MaxTeamName)}, "name", people.MaxTeamName},
		{"team description", "POST", "/api/v1/teams", "admin", map[string]any{"slug": "big", "name": "Big", "description": over(people.MaxTeamDescription)}, "description", people.MaxTeamDescription},
		{"user display name", "POST", "/api/v1/users", "admin", map[string]any{"username": "big", "display_name": over(people.MaxDisplayName)}, "display_name", people.MaxDisplayName},
		{"user email", "PATCH", "/api/v1/users/dev", "admin", map[string]any{"email": strings.Repeat("a", people.MaxEmail) + "@example.com"}, "email", people.MaxEmail},
		{"plan name", "POST", "/api/v1/apis/pets/plans", "maint", map[string]any{"slug": "big", "name": over(subscriptions.MaxPlanName), "approval": "auto"}, "name", subscriptions.MaxPlanName},
		{"plan description", "PATCH", "/api/v1/apis/pets/plans/gold", "maint", map[string]any{"description": over(subscriptions.MaxPlanDescription)}, "description", subscriptions.MaxPlanDescription},
		{"app name", "POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": "big", "name": over(subscriptions.MaxAppName)}, "name", subscriptions.MaxAppName},
		{"app description", "PATCH", "/api/v1/apps/finder", "outsider", map[string]any{"description": over(subscriptions.MaxAppDescription)}, "description", subscriptions.MaxAppDescription},
		{"app contact", "PATCH", "/api/v1/apps/finder", "outsider", map[string]any{"contact": over(subscriptions.MaxContact)}, "contact", subscriptions.MaxContact},
		{"purpose", "POST", "/api/v1/apps/finder/subscriptions", "outsider", map[string]any{"api": "pets", "plan": "gold", "purpose": over(subscriptions.MaxPurpose)}, "purpose", subscriptions.MaxPurpose},
		{"subscription reject reason", "POST", "/api/v1/subscriptions/" + ids["pending"] + "/reject", "maint", map[string]any{"reason": over(subscriptions.MaxReason)}, "reason", subscriptions.MaxReason},
		{"subscription revoke reason", "POST", "/api/v1/subscriptions/" + ids["active"] + "/revoke", "maint", map[string]any{"reason": over(subscriptions.MaxReason)}, "reason", subscriptions.MaxReason},
		{"key name", "POST", "/api/v1/subscriptions/" + ids["active"] + "/keys", "outsider", map[string]any{"name": over(subscriptions.MaxKeyName)}, "name", subscriptions.MaxKeyName},
		{"gateway note", "PUT", "/api/v1/apis/pets/gateway/1", "maint", map[string]any{"targets": []string{"http://pets.internal"}, "note": over(control.MaxNote)}, "note", control.MaxNote},
		{"gateway target", "PUT", "/api/v1/apis/pets/gateway/1", "maint", map[string]any{"targets": []string{longTarget}}, "targets", control.MaxTargetURL},
	}
	for _, tt := range apiRows {
		t.Run("api/"+tt.name, func(t *testing.T) {
			before := e.tableCounts(t)
			res, out := e.api(tt.method, tt.path, e.tok[tt.who], tt.body)
			if res.StatusCode != http.StatusUnprocessableEntity || res.Header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("status %d (%s), want 422 problem+json: %v", res.StatusCode, res.Header.Get("Content-Type"), out)
			}
			msg := ""
			errs, _ := out["errors"].([]any)
			for _, fe := range errs {
				if m := fe.(map[string]any); m["field"] == tt.field {
					msg, _ = m["message"].(string)
				}
			}
			if msg == "" || !strings.Contains(msg, strconv.Itoa(tt.limit)) {
				t.Errorf("errors %v: want field %s with a message naming %d", out["errors"], tt.field, tt.limit)
			}
			if after := e.tableCounts(t); fmt.Sprint(after) != fmt.Sprint(before) {
				t.Errorf("rows before %v, after %v: want nothing stored", before, after)
			}
		})
	}

	pageRows := []struct {
		name, who, path string
		form            url.Values
		limit           int
		flash           bool // the page answers with a flash message on the page it returns to
	}{
		{"api name", "maint", "/teams/payments/apis", url.Values{"slug": {"big"}, "name": {over(lifecycle.MaxAPIName)}, "visibility": {"public"}}, lifecycle.MaxAPIName, false},
		{"api description", "maint", "/teams/payments/apis", url.Values{"slug": {"big"}, "name": {"Big"}, "description": {over(lifecycle.MaxDescription)}, "visibility": {"public"}}, lifecycle.MaxDescription, false},
		{"submit note", "dev", "/apis/pets/versions/1.1.0/submit", url.Values{"note": {over(lifecycle.MaxNote)}}, lifecycle.MaxNote, false},
		{"reject reason", "appr", "/reviews/" + ids["review"] + "/reject", url.Values{"reason": {over(lifecycle.MaxReason)}}, lifecycle.MaxReason, false},
		{"approve comment", "appr", "/reviews/" + ids["review"] + "/approve", url.Values{"comment": {over(lifecycle.MaxComment)}}, lifecycle.MaxComment, false},
		{"team name", "admin", "/teams", url.Values{"slug": {"big"}, "name": {over(people.MaxTeamName)}}, people.MaxTeamName, false},
		{"user display name", "admin", "/users", url.Values{"username": {"big"}, "display_name": {over(people.MaxDisplayName)}, "org_role": {"member"}}, people.MaxDisplayName, false},
		{"profile display name", "dev", "/profile", url.Values{"display_name": {over(people.MaxDisplayName)}}, people.MaxDisplayName, false},
		{"token name", "dev", "/profile/tokens", url.Values{"name": {over(people.MaxTokenName)}}, people.MaxTokenName, false},
		{"plan description", "maint", "/apis/pets/plans", url.Values{"slug": {"big"}, "name": {"Big"}, "description": {over(subscriptions.MaxPlanDescription)}, "approval": {"auto"}}, subscriptions.MaxPlanDescription, false},
		{"app contact", "outsider", "/apps", url.Values{"team": {"search"}, "slug": {"big"}, "name": {"Big"}, "contact": {over(subscriptions.MaxContact)}}, subscriptions.MaxContact, false},
		{"app description, not UTF-8", "outsider", "/apps", url.Values{"team": {"search"}, "slug": {"big"}, "name": {"Big"}, "description": {"caf\xe9 \xff"}}, 0, false},
		{"purpose", "outsider", "/apis/pets/subscribe", url.Values{"app": {"finder"}, "plan": {"gold"}, "purpose": {over(subscriptions.MaxPurpose)}}, subscriptions.MaxPurpose, false},
		{"subscription reject reason", "maint", "/subscriptions/" + ids["pending"] + "/reject", url.Values{"reason": {over(subscriptions.MaxReason)}}, subscriptions.MaxReason, true},
		{"subscription revoke reason", "maint", "/subscriptions/" + ids["active"] + "/revoke", url.Values{"reason": {over(subscriptions.MaxReason)}}, subscriptions.MaxReason, true},
		{"key name", "outsider", "/subscriptions/" + ids["active"] + "/keys", url.Values{"name": {over(subscriptions.MaxKeyName)}}, subscriptions.MaxKeyName, false},
		{"rule severity", "admin", "/rules", url.Values{"severity:" + ids["rule"]: {over(lifecycle.MaxSeverityLength)}}, lifecycle.MaxSeverityLength, false},
		{"gateway note", "maint", "/apis/pets/gateway/1", url.Values{"targets": {"http://pets.internal"}, "note": {over(control.MaxNote)}}, control.MaxNote, false},
	}
	browsers := map[string]*browser{}
	for _, tt := range pageRows {
		t.Run("page/"+tt.name, func(t *testing.T) {
			b := browsers[tt.who]
			if b == nil {
				b = e.browser()
				b.login(tt.who)
				browsers[tt.who] = b
			}
			b.csrf()
			before := e.tableCounts(t)
			res := b.post(tt.path, tt.form)
			body := readAll(t, res)
			if tt.flash {
				if res.StatusCode != http.StatusSeeOther {
					t.Fatalf("status %d, want 303 back to the page with the refusal", res.StatusCode)
				}
				body = readAll(t, b.get(res.Header.Get("Location")))
			} else if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", res.StatusCode)
			}
			want := "UTF-8"
			if tt.limit > 0 {
				want = strconv.Itoa(tt.limit)
			}
			if !strings.Contains(body, want) {
				t.Errorf("the page does not name the limit (%s)", want)
			}
			if after := e.tableCounts(t); fmt.Sprint(after) != fmt.Sprint(before) {
				t.Errorf("rows before %v, after %v: want nothing stored", before, after)
			}
		})
	}

	// At the limit, the same texts are taken.
	at := func(max int) string { return strings.Repeat("é", max) }
	e.call("POST", "/api/v1/apis/pets/versions/1.1.0/submit", "dev", map[string]any{"note": at(lifecycle.MaxNote)}, 201)
	e.call("POST", "/api/v1/teams", "admin", map[string]any{"slug": "big", "name": at(people.MaxTeamName), "description": at(people.MaxTeamDescription)}, 201)
	e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": "third", "name": at(subscriptions.MaxAppName), "contact": at(subscriptions.MaxContact)}, 201)
	e.call("POST", "/api/v1/apps/third/subscriptions", "outsider", map[string]any{"api": "pets", "plan": "gold", "purpose": at(subscriptions.MaxPurpose)}, 201)
	e.call("POST", "/api/v1/subscriptions/"+ids["pending"]+"/reject", "maint", map[string]any{"reason": at(subscriptions.MaxReason)}, 200)
	e.call("PATCH", "/api/v1/apis/pets", "maint", map[string]any{"name": at(lifecycle.MaxAPIName), "summary": at(lifecycle.MaxSummary), "description": at(lifecycle.MaxDescription)}, 200)
}

// TestSearchLimits sends a search text and filters beyond their limits to
// the search API, the catalog page and a facet page: 422 naming the field.
func TestSearchLimits(t *testing.T) {
	e := newEnvWithSearch(t)
	tok := e.token(e.user("dev", "member", "payments", "developer"))
	b := e.browser()
	b.login("dev")
	manyTags := make([]string, catalog.MaxFilterValues+1)
	for i := range manyTags {
		manyTags[i] = "t" + strconv.Itoa(i)
	}
	rows := []struct {
		query, field string
		limit        int
	}{
		{"q=" + url.QueryEscape(over(catalog.MaxQueryLength)), "q", catalog.MaxQueryLength},
		{"team=" + url.QueryEscape(over(catalog.MaxFilterLength)), "team", catalog.MaxFilterLength},
		{"tag=" + strings.Join(manyTags, ","), "tag", catalog.MaxFilterValues},
		{"state=" + url.QueryEscape(over(catalog.MaxFilterLength)), "state", catalog.MaxFilterLength},
	}
	for _, tt := range rows {
		res, out := e.api("GET", "/api/v1/search?"+tt.query, tok, nil)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(out["errors"]), "field:"+tt.field) || !strings.Contains(fmt.Sprint(out["errors"]), strconv.Itoa(tt.limit)) {
			t.Errorf("API %s: %d %v, want 422 naming %s and %d", tt.field, res.StatusCode, out["errors"], tt.field, tt.limit)
		}
		for _, page := range []string{"/catalog?", "/catalog/facets/team?"} {
			res := b.get(page + tt.query)
			body := readAll(t, res)
			// The catalog pages answer a query they cannot use with 400 and what to change.
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, strconv.Itoa(tt.limit)) {
				t.Errorf("page %s%s: %d, want 400 naming %d", page, tt.field, res.StatusCode, tt.limit)
			}
		}
	}
	res := b.get("/catalog/facets/team?find=" + url.QueryEscape(over(catalog.MaxQueryLength)))
	if body := readAll(t, res); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, strconv.Itoa(catalog.MaxQueryLength)) {
		t.Errorf("facet filter box: %d, want 400 naming %d", res.StatusCode, catalog.MaxQueryLength)
	}
}

// TestBodyLimitPerRoute sends a body beyond its route's limit, for each
// class of route (forms, JSON, spec uploads, a gateway node's usage): 413,
// a problem document for programs, before anything is read or stored.
func TestBodyLimitPerRoute(t *testing.T) {
	e, _ := limitsFixture(t)
	b := e.browser()
	b.login("maint")
	csrf := b.csrf()
	b.tcp = true
	formBody := func(extra int) string {
		return url.Values{"_csrf": {csrf}, "slug": {"big"}, "name": {"Big"}, "description": {strings.Repeat("x", extra)}}.Encode()
	}
	rows := []struct {
		name, method, path, contentType string
		body                            []byte
		page                            bool
		want                            int
	}{
		{"form", "POST", "/teams/payments/apis", "application/x-www-form-urlencoded", []byte(formBody(handlers.FormBodyLimit)), true, 413},
		{"form under the limit", "POST", "/teams/payments/apis", "application/x-www-form-urlencoded", []byte(formBody(handlers.FormBodyLimit - 1024)), true, 422},
		{"json", "POST", "/api/v1/apis", "application/json", []byte(`{"team":"payments","slug":"big","name":"Big","description":"` + strings.Repeat("x", handlers.FormBodyLimit) + `"}`), false, 413},
		{"json under the limit", "POST", "/api/v1/apis", "application/json", []byte(`{"team":"payments","slug":"big","name":"Big","description":"` + strings.Repeat("x", handlers.FormBodyLimit-1024) + `"}`), false, 422},
		{"search (GET with a body)", "GET", "/api/v1/search", "application/json", bytes.Repeat([]byte("x"), handlers.FormBodyLimit+1), false, 413},
		{"spec upload under its limit", "POST", "/api/v1/apis/pets/versions", "application/json", []byte(`{"version":"3.0.0","spec":"` + strings.Repeat("x", 1<<20) + `"}`), false, 422},
		{"usage batch", "POST", gateway.UsagePath, "application/json", bytes.Repeat([]byte(" "), handlers.UsageBodyLimit+1), false, 413},
	}
	for _, tt := range rows {
		t.Run(tt.name, func(t *testing.T) {
			before := e.tableCounts(t)
			req := httptest.NewRequest(tt.method, tt.path, bytes.NewReader(tt.body))
			req.Header.Set("Content-Type", tt.contentType)
			var res *http.Response
			if tt.page {
				res = b.do(req)
			} else {
				req.Header.Set("Authorization", "Bearer "+e.tok["maint"])
				res = e.overTCP(req)
			}
			body := readAll(t, res)
			if res.StatusCode != tt.want {
				t.Fatalf("status %d, want %d: %.300s", res.StatusCode, tt.want, body)
			}
			if tt.want == 413 {
				if !tt.page && res.Header.Get("Content-Type") != "application/problem+json" {
					t.Errorf("content type %q, want a problem document", res.Header.Get("Content-Type"))
				}
				if !strings.Contains(body, "larger than the") {
					t.Errorf("the answer does not say the limit: %.300s", body)
				}
				// The error page has the user's navigation, as every page
				// (it offered "Log in" to a user who was logged in).
				if tt.page && !strings.Contains(body, `data-testid="profile-link"`) {
					t.Errorf("the 413 page does not show the logged-in user's navigation: %.300s", body)
				}
			}
			if after := e.tableCounts(t); fmt.Sprint(after) != fmt.Sprint(before) {
				t.Errorf("rows before %v, after %v: want nothing stored", before, after)
			}
		})
	}
}

// TestRuleSetFormIsAllOrNothing posts the rule-set form with two changes,
// the second refused: neither is stored.
func TestRuleSetFormIsAllOrNothing(t *testing.T) {
	e, _ := limitsFixture(t)
	rules := e.call("GET", "/api/v1/rules", "admin", nil, 200)["rules"].([]any)
	first, second := rules[0].(map[string]any)["id"].(string), rules[1].(map[string]any)["id"].(string)
	b := e.browser()
	b.login("admin")
	before := e.tableCounts(t)
	res := b.post("/rules", url.Values{"severity:" + first: {"off"}, "severity:" + second: {over(lifecycle.MaxSeverityLength)}})
	body := readAll(t, res)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, second+": Use at most "+strconv.Itoa(lifecycle.MaxSeverityLength)) {
		t.Fatalf("status %d, want 422 naming %s and the limit", res.StatusCode, second)
	}
	if after := e.tableCounts(t); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("rows before %v, after %v: want neither change stored", before, after)
	}
	res = b.post("/rules", url.Values{"severity:" + first: {"off"}, "severity:" + second: {"off"}})
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("two valid changes: status %d, want 303", res.StatusCode)
	}
	after := e.tableCounts(t)
	if after["rule_settings"] != before["rule_settings"]+2 || after["audit_events"] != before["audit_events"]+2 {
		t.Errorf("two valid changes: rule settings %d → %d, audit %d → %d, want two of each", before["rule_settings"], after["rule_settings"], before["audit_events"], after["audit_events"])
	}
}
