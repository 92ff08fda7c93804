package handlers_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/secrettest"
	"github.com/portico-dev/portico/spec/spectest"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestSecretsTypedIntoFormsAreRefused pastes a Portico secret (an API key,
// a personal access token, a gateway node token) into a text field of each
// form that shows its values again on a 422, the other fields valid, and
// checks the rule: the form comes back (422) with a message beside that
// field, the field is empty, the secret is nowhere in the page nor in the
// log, and nothing is written (no audit event, no outbox message, no change).
func TestSecretsTypedIntoFormsAreRefused(t *testing.T) {
	storetest.Each(t, testSecretsTypedIntoForms)
}

func testSecretsTypedIntoForms(t *testing.T, s *store.Store) {
	e := newLCEnvOn(t, s)
	e.createAPI("pets", "public")
	e.version("pets", "1.0.0", lifecycle.Published)
	e.call("POST", "/api/v1/apis/pets/plans", "maint", map[string]any{"slug": "free", "name": "Free", "approval": "auto"}, 201)
	e.call("POST", "/api/v1/apis/pets/plans", "maint", map[string]any{"slug": "gold", "name": "Gold", "approval": "manual"}, 201)
	e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": "finder", "name": "Finder"}, 201)
	e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": "seeker", "name": "Seeker"}, 201)
	active := e.call("POST", "/api/v1/apps/finder/subscriptions", "outsider", map[string]any{"api": "pets", "plan": "free", "purpose": "search pets"}, 201)
	pending := e.call("POST", "/api/v1/apps/seeker/subscriptions", "outsider", map[string]any{"api": "pets", "plan": "gold", "purpose": "seek pets"}, 201)
	activeID, pendingID := fmt.Sprint(active["id"]), fmt.Sprint(pending["id"])
	key := e.call("POST", "/api/v1/subscriptions/"+activeID+"/keys", "outsider", map[string]any{"name": "production"}, 201)["key"].(string)
	node := e.call("POST", "/api/v1/gateway/nodes", "admin", map[string]any{"name": "edge-1"}, 201)["token"].(string)
	pat := e.tok["dev"]
	secrets := []string{key, pat, node}

	e.call("POST", "/api/v1/apis/pets/versions", "dev", map[string]any{"version": "1.1.0", "spec": spectest.PetsBreaking}, 201)
	inReview := int64(e.call("POST", "/api/v1/apis/pets/versions/1.1.0/submit", "dev", nil, 201)["id"].(float64))
	detail := e.call("GET", fmt.Sprintf("/api/v1/reviews/%d?kind=change&severity=error", inReview), "appr", nil, 200)
	finding := detail["findings"].([]any)[0].(map[string]any)["key"].(string)
	acceptPath := fmt.Sprintf("/reviews/%d/findings/%s/accept", inReview, finding)
	e.createAPI("dogs", "public")
	e.version("dogs", "1.0.0", lifecycle.Draft)
	e.createAPI("cats", "public")
	catsReview := e.version("cats", "1.0.0", lifecycle.InReview)

	row := func(q string) func() string {
		return func() string { return storetest.Rows(t, e.store, q) }
	}
	apiForm := url.Values{"slug": {"cards"}, "name": {"Cards"}, "summary": {"Pay by card"}, "description": {"Long text"}, "tags": {"cards"}, "visibility": {"team"}}
	planForm := url.Values{"slug": {"silver"}, "name": {"Silver"}, "description": {"Middle"}, "rate_per_minute": {"120"}, "burst": {"10"}, "quota_per_day": {"5000"}, "approval": {"manual"}}
	appForm := url.Values{"team": {"search"}, "slug": {"hunter"}, "name": {"Hunter"}, "description": {"Hunts"}, "contact": {"ops@example.com"}}
	with := func(v url.Values, drop ...string) url.Values {
		out := url.Values{}
		for k, vs := range v {
			out[k] = vs
		}
		for _, k := range drop {
			delete(out, k)
		}
		return out
	}
	type secretCase struct {
		name, who, path string
		form            url.Values
		scope           string
		fields          []string // each gets the secret in turn
		same            func() string
	}
	cases := []secretCase{
		{"create API", "maint", "/teams/payments/apis", apiForm, `[data-testid="api-form"]`, []string{"name", "summary", "description"}, row("SELECT count(*) FROM apis")},
		{"edit API", "maint", "/apis/pets", with(url.Values{"name": {"Pets"}, "summary": {"Pets"}, "description": {"About pets"}, "tags": {"pets"}, "visibility": {"public"}}), `[data-testid="api-form"]`, []string{"name", "summary", "description"}, row("SELECT name, summary, description FROM apis WHERE slug = 'pets'")},
		{"create plan", "maint", "/apis/pets/plans", planForm, `[data-testid="plan-form"]`, []string{"name", "description"}, row("SELECT count(*) FROM plans")},
		{"edit plan", "maint", "/apis/pets/plans/free", with(planForm, "slug"), `form[action="/apis/pets/plans/free"]`, []string{"name", "description"}, row("SELECT name, description FROM plans WHERE slug = 'free'")},
		{"create app", "outsider", "/apps", appForm, `[data-testid="app-form"]`, []string{"name", "description", "contact"}, row("SELECT count(*) FROM apps")},
		{"edit app", "outsider", "/apps/finder", with(appForm, "slug", "team"), `[data-testid="app-edit-form"]`, []string{"name", "description", "contact"}, row("SELECT name, description, contact FROM apps WHERE slug = 'finder'")},
		{"subscribe", "outsider", "/apis/pets/subscribe", url.Values{"plan": {"gold"}, "major": {"1"}, "app": {"new"}, "team": {"search"}, "app_name": {"Tracker"}, "app_slug": {"tracker"}, "purpose": {"track pets"}},
			`[data-testid="subscribe-form"]`, []string{"purpose"}, row("SELECT count(*) FROM subscriptions")},
		{"create key", "outsider", "/subscriptions/" + activeID + "/keys", url.Values{"name": {"staging"}}, `[data-testid="key-form"]`, []string{"name"}, row("SELECT count(*) FROM api_keys")},
		{"reject subscription", "maint", "/subscriptions/" + pendingID + "/reject", url.Values{"back": {"/subscriptions/requests"}, "reason": {"no"}},
			`form[action="/subscriptions/` + pendingID + `/reject"]`, []string{"reason"}, row("SELECT state FROM subscriptions ORDER BY id")},
		{"reject review", "appr", fmt.Sprintf("/reviews/%d/reject", inReview), url.Values{"reason": {"no"}}, `[data-testid="reject-form"]`, []string{"reason"}, row("SELECT state FROM api_versions ORDER BY id")},
		{"approve review", "appr", fmt.Sprintf("/reviews/%d/approve", catsReview), url.Values{"comment": {"fine"}}, `[data-testid="approve-form"]`, []string{"comment"}, row("SELECT state FROM api_versions ORDER BY id")},
		{"accept finding", "appr", acceptPath, url.Values{"reason": {"known"}}, `form[action="` + acceptPath + `"]`, []string{"reason"}, row("SELECT count(*) FROM finding_acceptances")},
		{"submit version", "dev", "/apis/dogs/versions/1.0.0/submit", url.Values{"note": {"ready"}}, `[data-testid="submit-form"]`, []string{"note"}, row("SELECT count(*) FROM publication_requests")},
		{"create team", "admin", "/teams", url.Values{"slug": {"billing"}, "name": {"Billing"}, "description": {"Sends bills"}}, `[data-testid="team-form"]`, []string{"name", "description"}, row("SELECT count(*) FROM teams")},
		{"add team member", "outsider", "/teams/search/members", url.Values{"username": {"dev"}, "role": {"maintainer"}}, `[data-testid="add-member-form"]`, []string{"username"}, row("SELECT count(*) FROM team_members")},
		{"create user", "admin", "/users", url.Values{"username": {"newbie"}, "display_name": {"New Bie"}, "email": {"newbie@example.com"}, "org_role": {"member"}}, `[data-testid="user-form"]`, []string{"display_name"}, row("SELECT count(*) FROM users")},
		{"profile details", "dev", "/profile", url.Values{"display_name": {"Devi"}, "email": {"dev@example.com"}}, `[data-testid="details-form"]`, []string{"display_name"}, row("SELECT display_name, email FROM users WHERE username = 'dev'")},
		{"create token", "dev", "/profile/tokens", url.Values{"name": {"laptop"}, "expires_days": {"30"}}, `[data-testid="token-form"]`, []string{"name"}, row("SELECT count(*) FROM api_tokens")},
		{"register node", "admin", "/gateway/nodes", url.Values{"name": {"edge-2"}}, `[data-testid="node-form"]`, []string{"name"}, row("SELECT count(*) FROM gateway_nodes")},
		{"gateway settings", "maint", "/apis/pets/gateway/1", url.Values{"targets": {"https://pets.example.com"}, "connect_timeout_ms": {"100"}, "response_timeout_ms": {"2000"}, "note": {"try"}},
			`[data-testid="settings-form"]`, []string{"note"}, row("SELECT count(*) FROM gateway_deployments")},
	}
	n := 0
	for _, tc := range cases {
		for _, field := range tc.fields {
			secret := secrets[n%len(secrets)]
			n++
			t.Run(tc.name+"/"+field, func(t *testing.T) {
				writes := row("SELECT (SELECT count(*) FROM audit_events), (SELECT count(*) FROM outbox), (SELECT count(*) FROM notifications)")
				before, beforeObj := writes(), tc.same()
				logsBefore := len(e.logs.String())
				sec := secrettest.New(t)
				sec.Add("API key", key)
				sec.Add("personal access token", pat)
				sec.Add("node token", node)
				form := with(tc.form)
				form.Set(field, "for "+secret+" here")
				b := e.browser()
				b.login(tc.who)
				res := b.post(tc.path, form)
				if res.StatusCode != 422 {
					t.Fatalf("status %d (location %q), want 422 with the form", res.StatusCode, res.Header.Get("Location"))
				}
				body := readAll(t, res)
				sec.None("the page", body)
				d, err := goquery.NewDocumentFromReader(strings.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				f := d.Find(tc.scope)
				if f.Length() == 0 {
					t.Fatalf("the answer has no %s", tc.scope)
				}
				msg := strings.Join(strings.Fields(f.Find(`[data-testid="error-`+field+`"]`).Text()), " ")
				if !strings.Contains(msg, "looks like a Portico API key or token") {
					says := strings.Join(strings.Fields(d.Find(`[data-testid="form-error"], [data-testid="flash"], .field-error`).Text()), " ")
					t.Errorf("error beside %s: %q, want the secret's refusal; the page says %q", field, msg, says)
				}
				if got := fieldValue(f, field); got != "" {
					t.Errorf("field %s shows %q, want it empty", field, got)
				}
				sec.None("the log", e.logs.String()[logsBefore:])
				if after := writes(); after != before {
					t.Errorf("audit, outbox, notifications counts %s after, %s before", after, before)
				}
				if after := tc.same(); after != beforeObj {
					t.Errorf("state changed: %q after, %q before", after, beforeObj)
				}
			})
		}
	}
}
