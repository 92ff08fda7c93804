package handlers_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/spec/spectest"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// formCase is one invalid submission of one of the portal's forms.
type formCase struct {
	name string
	who  string
	path string
	form url.Values
	// scope selects the form in the answer; field is the one whose error
	// must be shown beside it (data-testid="error-<field>").
	scope, field string
	// keep lists fields of the form whose submitted value must be shown
	// again: their names, the value read from form (a checkbox: "on").
	keep []string
	// same reads the state the submission must not change (nil: only the
	// audit log, the outbox and the notifications are compared).
	same func() string
}

// TestInvalidFormsAnswerWithTheForm posts an invalid value to each form of
// the portal and checks the house's rule: the form comes back (422, not an
// error page nor a redirect that drops the input) with the message beside
// its field, every value typed (never a password) still in it, and nothing
// written.
func TestInvalidFormsAnswerWithTheForm(t *testing.T) {
	storetest.Each(t, testInvalidForms)
}

func testInvalidForms(t *testing.T, s *store.Store) {
	e := newLCEnvOn(t, s)
	e.createAPI("pets", "public")
	e.version("pets", "1.0.0", lifecycle.Published)
	e.call("POST", "/api/v1/apis/pets/plans", "maint", map[string]any{"slug": "free", "name": "Free", "approval": "auto", "description": "For trying."}, 201)
	e.call("POST", "/api/v1/apis/pets/plans", "maint", map[string]any{"slug": "gold", "name": "Gold", "approval": "manual"}, 201)
	e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": "finder", "name": "Finder"}, 201)
	e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": "seeker", "name": "Seeker"}, 201)
	active := e.call("POST", "/api/v1/apps/finder/subscriptions", "outsider", map[string]any{"api": "pets", "plan": "free", "purpose": "search pets"}, 201)
	pending := e.call("POST", "/api/v1/apps/seeker/subscriptions", "outsider", map[string]any{"api": "pets", "plan": "gold", "purpose": "seek pets"}, 201)
	activeID, pendingID := fmt.Sprint(active["id"]), fmt.Sprint(pending["id"])
	key := e.call("POST", "/api/v1/subscriptions/"+activeID+"/keys", "outsider", map[string]any{"name": "production"}, 201)
	kid := fmt.Sprint(key["id"])
	e.call("POST", "/api/v1/apis/pets/versions", "dev", map[string]any{"version": "1.1.0", "spec": spectest.PetsBreaking}, 201)
	inReview := int64(e.call("POST", "/api/v1/apis/pets/versions/1.1.0/submit", "dev", nil, 201)["id"].(float64))
	detail := e.call("GET", fmt.Sprintf("/api/v1/reviews/%d?kind=change&severity=error", inReview), "appr", nil, 200)
	finding := detail["findings"].([]any)[0].(map[string]any)["key"].(string)
	acceptPath := fmt.Sprintf("/reviews/%d/findings/%s/accept", inReview, finding)
	e.createAPI("dogs", "public")
	e.version("dogs", "1.0.0", lifecycle.Draft)
	e.createAPI("birds", "public")
	e.version("birds", "1.0.0", lifecycle.Deprecated)
	e.createAPI("owls", "public")
	e.call("POST", "/api/v1/apis/owls/versions", "admin", map[string]any{"version": "1.0.0", "spec": spectest.PetsV1}, 201)
	ownReview := int64(e.call("POST", "/api/v1/apis/owls/versions/1.0.0/submit", "admin", nil, 201)["id"].(float64))
	e.createAPI("cats", "public")
	catsReview := e.version("cats", "1.0.0", lifecycle.InReview)

	bigSpec := "openapi: 3.0.3\ninfo: {title: Pets, version: 2.0.0}\npaths: {}\n# " + strings.Repeat("kept ", 20000) + "\n"
	row := func(q string, args ...any) func() string {
		return func() string { return storetest.Rows(t, e.store, q, args...) }
	}

	cases := []formCase{
		{name: "create API", who: "maint", path: "/teams/payments/apis",
			form:  url.Values{"slug": {"Bad Slug!"}, "name": {"Cards"}, "summary": {"Pay by card"}, "description": {"Long text"}, "tags": {"cards, pay"}, "visibility": {"team"}, "upstreams": {"https://cards.example.com"}},
			scope: `[data-testid="api-form"]`, field: "slug", keep: []string{"slug", "name", "summary", "description", "tags", "visibility", "upstreams"},
			same: row("SELECT count(*) FROM apis")},
		{name: "edit API", who: "maint", path: "/apis/pets",
			form:  url.Values{"name": {""}, "summary": {"New summary"}, "description": {"New description"}, "tags": {"pets"}, "visibility": {"team"}},
			scope: `[data-testid="api-form"]`, field: "name", keep: []string{"summary", "description", "tags", "visibility"},
			same: row("SELECT name, summary, description FROM apis WHERE slug = 'pets'")},
		{name: "create version from a pasted description", who: "dev", path: "/apis/pets/versions",
			form:  url.Values{"version": {"two"}, "spec": {bigSpec}},
			scope: `form[action="/apis/pets/versions"]`, field: "version", keep: []string{"version", "spec"},
			same: row("SELECT count(*) FROM api_versions")},
		{name: "create plan", who: "maint", path: "/apis/pets/plans",
			form:  url.Values{"slug": {"Bad!"}, "name": {"Silver"}, "description": {"Middle"}, "rate_per_minute": {"120"}, "burst": {"10"}, "quota_per_day": {"5000"}, "approval": {"manual"}, "open": {"true"}},
			scope: `[data-testid="plan-form"]`, field: "slug", keep: []string{"slug", "name", "description", "rate_per_minute", "burst", "quota_per_day", "approval", "open"},
			same: row("SELECT count(*) FROM plans")},
		{name: "edit plan", who: "maint", path: "/apis/pets/plans/free",
			form:  url.Values{"name": {"Free tier"}, "description": {"Changed text"}, "rate_per_minute": {"-5"}, "burst": {"3"}, "quota_per_day": {"100"}, "approval": {"manual"}},
			scope: `form[action="/apis/pets/plans/free"]`, field: "rate_per_minute", keep: []string{"name", "description", "rate_per_minute", "burst", "quota_per_day", "approval", "open"},
			same: row("SELECT name, description, rate_per_minute, approval FROM plans WHERE slug = 'free'")},
		{name: "create app", who: "outsider", path: "/apps",
			form:  url.Values{"team": {"search"}, "slug": {"Bad!"}, "name": {"Hunter"}, "description": {"Hunts"}, "contact": {"ops@example.com"}},
			scope: `[data-testid="app-form"]`, field: "slug", keep: []string{"team", "slug", "name", "description", "contact"},
			same: row("SELECT count(*) FROM apps")},
		{name: "edit app", who: "outsider", path: "/apps/finder",
			form:  url.Values{"name": {""}, "description": {"Finds things"}, "contact": {"finder@example.com"}},
			scope: `[data-testid="app-edit-form"]`, field: "name", keep: []string{"description", "contact"},
			same: row("SELECT name, description, contact FROM apps WHERE slug = 'finder'")},
		{name: "subscribe", who: "outsider", path: "/apis/pets/subscribe",
			form:  url.Values{"plan": {"gold"}, "major": {"1"}, "app": {"new"}, "team": {"search"}, "app_name": {"Tracker"}, "app_slug": {"tracker"}, "purpose": {""}},
			scope: `[data-testid="subscribe-form"]`, field: "purpose", keep: []string{"plan", "major", "app", "team", "app_name", "app_slug"},
			same: row("SELECT count(*) FROM subscriptions")},
		{name: "create key", who: "outsider", path: "/subscriptions/" + activeID + "/keys",
			form:  url.Values{"name": {"staging"}, "expires_at": {"2001-01-01"}},
			scope: `[data-testid="key-form"]`, field: "expires_at", keep: []string{"name", "expires_at"},
			same: row("SELECT count(*) FROM api_keys")},
		{name: "rotate key with a grace date", who: "outsider", path: "/keys/" + kid + "/rotate",
			form:  url.Values{"grace": {"86400"}, "grace_until": {"2001-01-01"}},
			scope: `form[action="/keys/` + kid + `/rotate"]`, field: "grace_until", keep: []string{"grace", "grace_until"},
			same: row("SELECT count(*), min(state) FROM api_keys")},
		{name: "rotate key with a grace period", who: "outsider", path: "/keys/" + kid + "/rotate",
			form:  url.Values{"grace": {"99999999"}},
			scope: `form[action="/keys/` + kid + `/rotate"]`, field: "grace", keep: []string{"grace_until"},
			same: row("SELECT count(*), min(state) FROM api_keys")},
		{name: "reject subscription", who: "maint", path: "/subscriptions/" + pendingID + "/reject",
			form:  url.Values{"back": {"/subscriptions/requests"}, "reason": {strings.Repeat("too long ", 300)}},
			scope: `form[action="/subscriptions/` + pendingID + `/reject"]`, field: "reason", keep: []string{"reason", "back"},
			same: row("SELECT state FROM subscriptions ORDER BY id")},
		{name: "revoke subscription", who: "maint", path: "/subscriptions/" + activeID + "/revoke",
			form:  url.Values{"back": {"/apis/pets/subscribers?state=active"}, "reason": {strings.Repeat("too long ", 300)}},
			scope: `form[action="/subscriptions/` + activeID + `/revoke"]`, field: "reason", keep: []string{"reason"},
			same: row("SELECT state FROM subscriptions ORDER BY id")},
		{name: "reject review", who: "appr", path: fmt.Sprintf("/reviews/%d/reject", inReview),
			form:  url.Values{"reason": {""}},
			scope: `[data-testid="reject-form"]`, field: "reason",
			same: row("SELECT state FROM api_versions ORDER BY id")},
		{name: "approve review", who: "appr", path: fmt.Sprintf("/reviews/%d/approve", catsReview),
			form:  url.Values{"comment": {strings.Repeat("c", 5000)}},
			scope: `[data-testid="approve-form"]`, field: "comment", keep: []string{"comment"},
			same: row("SELECT state FROM api_versions ORDER BY id")},
		{name: "approve own review overriding four eyes", who: "admin", path: fmt.Sprintf("/reviews/%d/approve", ownReview),
			form:  url.Values{"comment": {strings.Repeat("c", 5000)}, "override": {"yes"}},
			scope: `[data-testid="approve-form"]`, field: "comment", keep: []string{"comment", "override"},
			same: row("SELECT state FROM api_versions ORDER BY id")},
		{name: "accept finding", who: "appr", path: acceptPath,
			form:  url.Values{"reason": {strings.Repeat("r", 5000)}},
			scope: `form[action="` + acceptPath + `"]`, field: "reason", keep: []string{"reason"},
			same: row("SELECT count(*) FROM finding_acceptances")},
		{name: "deprecate version", who: "maint", path: "/apis/pets/versions/1.0.0/deprecate",
			form:  url.Values{"sunset": {"2001-01-01"}},
			scope: `[data-testid="deprecate-form"]`, field: "sunset", keep: []string{"sunset"},
			same: row("SELECT state FROM api_versions ORDER BY id")},
		{name: "submit version", who: "dev", path: "/apis/dogs/versions/1.0.0/submit",
			form:  url.Values{"note": {strings.Repeat("n", 5000)}},
			scope: `[data-testid="submit-form"]`, field: "note", keep: []string{"note"},
			same: row("SELECT count(*) FROM publication_requests")},
		{name: "edit draft", who: "dev", path: "/apis/dogs/versions/1.0.0/spec",
			form:  url.Values{"spec": {"openapi: [this is not"}},
			scope: `form[action="/apis/dogs/versions/1.0.0/spec"]`, field: "spec", keep: []string{"spec"},
			same: row("SELECT spec_raw, lock_version FROM api_versions ORDER BY id")},
		{name: "retire version", who: "maint", path: "/apis/birds/versions/1.0.0/retire",
			form:  url.Values{"confirm": {"1.0.9"}},
			scope: `[data-testid="retire-form"]`, field: "confirm", keep: []string{"confirm"},
			same: row("SELECT state FROM api_versions ORDER BY id")},
		{name: "synonyms", who: "admin", path: "/search/synonyms",
			form:  url.Values{"synonyms": {"repo, repository\n" + strings.Repeat("x", 500) + ", y"}},
			scope: `[data-testid="synonyms-form"]`, field: "synonyms", keep: []string{"synonyms"},
			same: row("SELECT count(*) FROM search_synonyms")},
		{name: "rule set", who: "admin", path: "/rules?kind=breaking",
			form:  url.Values{"severity:endpoint-added": {"warning"}, "severity:api-path-removed-without-deprecation": {"loud"}},
			scope: `[data-testid="rules-form"]`, field: "severity:api-path-removed-without-deprecation", keep: []string{"severity:endpoint-added"},
			same: row("SELECT count(*) FROM rule_settings")},
		{name: "create team", who: "admin", path: "/teams",
			form:  url.Values{"slug": {"Bad!"}, "name": {"Billing"}, "description": {"Sends bills"}},
			scope: `[data-testid="team-form"]`, field: "slug", keep: []string{"slug", "name", "description"},
			same: row("SELECT count(*) FROM teams")},
		{name: "add team member", who: "outsider", path: "/teams/search/members",
			form:  url.Values{"username": {"nobody"}, "role": {"maintainer"}},
			scope: `[data-testid="add-member-form"]`, field: "username", keep: []string{"username", "role"},
			same: row("SELECT count(*) FROM team_members")},
		{name: "change team member role", who: "outsider", path: "/teams/search/members/outsider",
			form:  url.Values{"role": {"boss"}},
			scope: `form[action="/teams/search/members/outsider"]`, field: "role",
			same: row("SELECT user_id, role FROM team_members ORDER BY team_id, user_id")},
		{name: "set team reviewer", who: "outsider", path: "/teams/search/members/outsider/reviewer",
			form:  url.Values{"reviewer": {"maybe"}},
			scope: `form[action="/teams/search/members/outsider/reviewer"]`, field: "reviewer",
			same: row("SELECT user_id, role, reviewer FROM team_members ORDER BY team_id, user_id")},
		{name: "create user", who: "admin", path: "/users",
			form:  url.Values{"username": {"Bad Name"}, "display_name": {"Bad Name"}, "email": {"bad@example.com"}, "org_role": {"approver"}},
			scope: `[data-testid="user-form"]`, field: "username", keep: []string{"username", "display_name", "email", "org_role"},
			same: row("SELECT count(*) FROM users")},
		{name: "edit user", who: "admin", path: "/users/dev",
			form:  url.Values{"display_name": {"Dev"}, "email": {"not an address"}, "org_role": {"approver"}, "disabled": {"true"}},
			scope: `[data-testid="user-form"]`, field: "email", keep: []string{"display_name", "email", "org_role", "disabled"},
			same: row("SELECT display_name, email, org_role FROM users WHERE username = 'dev'")},
		{name: "profile details", who: "dev", path: "/profile",
			form:  url.Values{"display_name": {"Devi"}, "email": {"not an address"}},
			scope: `[data-testid="details-form"]`, field: "email", keep: []string{"display_name", "email"},
			same: row("SELECT display_name, email FROM users WHERE username = 'dev'")},
		{name: "change password", who: "dev", path: "/profile/password",
			form:  url.Values{"current": {"wrong password here"}, "new": {"a new long password"}, "confirm": {"a new long password"}},
			scope: `[data-testid="password-form"]`, field: "current",
			same: row("SELECT password_hash FROM users WHERE username = 'dev'")},
		{name: "create token", who: "dev", path: "/profile/tokens",
			form:  url.Values{"name": {""}, "expires_days": {"30"}},
			scope: `[data-testid="token-form"]`, field: "name", keep: []string{"expires_days"},
			same: row("SELECT count(*) FROM api_tokens")},
		{name: "register node", who: "admin", path: "/gateway/nodes",
			form:  url.Values{"name": {"Bad Node!"}},
			scope: `[data-testid="node-form"]`, field: "name", keep: []string{"name"},
			same: row("SELECT count(*) FROM gateway_nodes")},
		{name: "gateway settings", who: "maint", path: "/apis/pets/gateway/1",
			form:  url.Values{"targets": {"not a url"}, "connect_timeout_ms": {"100"}, "response_timeout_ms": {"2000"}, "note": {"try"}},
			scope: `[data-testid="settings-form"]`, field: "targets", keep: []string{"targets", "connect_timeout_ms", "response_timeout_ms", "note"},
			same: row("SELECT count(*) FROM gateway_deployments")},
		{name: "gateway rollback without a deployment", who: "maint", path: "/apis/pets/gateway/1/rollback",
			form:  url.Values{},
			scope: `[data-testid="route-settings"][data-major="1"]`, field: "deployment",
			same: row("SELECT count(*) FROM gateway_deployments")},
		{name: "gateway rollback to a bad deployment", who: "maint", path: "/apis/pets/gateway/1/rollback",
			form:  url.Values{"deployment": {"latest"}},
			scope: `[data-testid="route-settings"][data-major="1"]`, field: "deployment",
			same: row("SELECT count(*) FROM gateway_deployments")},
		{name: "gateway rollback to deployment -1", who: "maint", path: "/apis/pets/gateway/1/rollback",
			form:  url.Values{"deployment": {"-1"}},
			scope: `[data-testid="route-settings"][data-major="1"]`, field: "deployment",
			same: row("SELECT count(*) FROM gateway_deployments")},
		{name: "gateway rollback to a deployment that does not exist", who: "maint", path: "/apis/pets/gateway/1/rollback",
			form:  url.Values{"deployment": {"999999"}},
			scope: `[data-testid="route-settings"][data-major="1"]`, field: "deployment",
			same: row("SELECT count(*) FROM gateway_deployments")},
	}

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			writes := row("SELECT (SELECT count(*) FROM audit_events), (SELECT count(*) FROM outbox), (SELECT count(*) FROM notifications)")
			before, beforeObj := writes(), ""
			if tc.same != nil {
				beforeObj = tc.same()
			}
			b := e.browser()
			b.login(tc.who)
			res := b.post(tc.path, tc.form)
			if res.StatusCode != 422 && res.StatusCode != 400 {
				t.Fatalf("status %d (location %q), want 422 with the form", res.StatusCode, res.Header.Get("Location"))
			}
			d := doc(t, res)
			form := d.Find(tc.scope)
			if form.Length() == 0 {
				t.Fatalf("the answer has no %s", tc.scope)
			}
			if form.Find(`[data-testid="error-`+tc.field+`"]`).Length() == 0 {
				says := strings.Join(strings.Fields(d.Find(`[data-testid="form-error"], [data-testid="flash"], .field-error`).Text()), " ")
				t.Errorf("no error beside %s; the page says %q", tc.field, says)
			}
			for _, name := range tc.keep {
				want := tc.form.Get(name)
				if form.Find(`[name="`+name+`"]`).AttrOr("type", "") == "checkbox" && want != "" {
					want = "on" // a checked box
				}
				if got := fieldValue(form, name); got != strings.TrimRight(want, "\n") && got != want {
					if len(got) > 60 {
						got = got[:60] + "…"
					}
					t.Errorf("field %s shows %q, want what was typed", name, got)
				}
			}
			d.Find(`input[type=password]`).Each(func(_ int, s *goquery.Selection) {
				if v, ok := s.Attr("value"); ok && v != "" {
					t.Errorf("password field %s echoes a value", s.AttrOr("name", ""))
				}
			})
			if after := writes(); after != before {
				t.Errorf("audit, outbox, notifications counts %s after, %s before", after, before)
			}
			if tc.same != nil {
				if after := tc.same(); after != beforeObj {
					t.Errorf("state changed: %q after, %q before", after, beforeObj)
				}
			}
		})
	}
}

// fieldValue is the value a form shows in its field name: an input's value
// ("on" or "" for a checkbox), a textarea's text, a select's selected option.
func fieldValue(form *goquery.Selection, name string) string {
	f := form.Find(`[name="` + name + `"]`).First()
	switch goquery.NodeName(f) {
	case "textarea":
		return f.Text()
	case "select":
		return f.Find("option[selected]").AttrOr("value", "")
	case "input":
		if f.AttrOr("type", "") == "radio" {
			return form.Find(`[name="`+name+`"][checked]`).AttrOr("value", "")
		}
		if f.AttrOr("type", "") == "checkbox" {
			if _, ok := f.Attr("checked"); ok {
				return "on"
			}
			return ""
		}
		return f.AttrOr("value", "")
	}
	return "<no field>"
}
