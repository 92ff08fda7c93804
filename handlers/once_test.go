package handlers_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/spec/spectest"
)

// formIDOf returns the one-time form id of the form sel on the page at
// path. A page without one is an error; the test then goes on with an id
// of its own, to show what a repeated form does.
func formIDOf(t *testing.T, b *browser, path, sel string) string {
	t.Helper()
	res := b.get(path)
	d := doc(t, res)
	if d.Find(sel).Length() != 1 {
		t.Fatalf("GET %s: no form %s", path, sel)
	}
	id, ok := d.Find(sel + ` input[name="_form_id"]`).Attr("value")
	if !ok || len(id) < 22 {
		t.Errorf("GET %s: the form %s carries no one-time id (got %q)", path, sel, id)
		return "made-up-form-id-for-the-test"
	}
	return id
}

// count counts the rows of table matching where.
func (e *env) count(table, where string, args ...any) int {
	e.t.Helper()
	n, err := e.store.DB().NewSelect().Table(table).Where(where, args...).Count(e.t.Context())
	if err != nil {
		e.t.Fatal(err)
	}
	return int(n)
}

// subscribedApp makes the app "finder" of team "search" (outsider's)
// subscribed to pets v1 on an auto plan and returns the subscription's id.
func subscribedApp(e *lcEnv) string {
	e.createAPI("pets", "public")
	e.version("pets", "1.0.0", lifecycle.Published)
	e.call("POST", "/api/v1/apis/pets/plans", "maint", map[string]any{"slug": "free", "name": "Free", "approval": "auto"}, 201)
	e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": "finder", "name": "Finder"}, 201)
	sub := e.call("POST", "/api/v1/apps/finder/subscriptions", "outsider", map[string]any{"api": "pets", "plan": "free", "purpose": "find pets"}, 201)
	return fmt.Sprint(sub["id"])
}

// TestCreateFormSentAgainCreatesOnce: a create form sent a second time with
// its one-time id (a click after a fast answer, the browser's resubmit)
// creates nothing more and leads to what the first one created; a secret
// shown once is not shown again. Before, each submission created: two
// tokens, two keys, and the app form's repeat was refused as a taken slug.
func TestCreateFormSentAgainCreatesOnce(t *testing.T) {
	e := newLCEnv(t)
	subID := subscribedApp(e)
	b := e.browser()
	b.login("outsider")

	// An app: the repeat is sent to the app, as the first was.
	id := formIDOf(t, b, "/apps", `form[data-testid="app-form"]`)
	form := url.Values{"_form_id": {id}, "team": {"search"}, "slug": {"mobile"}, "name": {"Mobile"}}
	for i := range 2 {
		res := b.post("/apps", form)
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/apps/mobile" {
			t.Errorf("app form, submission %d: status %d to %q, want 303 to /apps/mobile", i+1, res.StatusCode, res.Header.Get("Location"))
		}
	}
	if flash := doc(t, b.get("/apps/mobile")).Find(`[data-testid="flash"]`).Text(); !strings.Contains(flash, "already submitted") {
		t.Errorf("after the repeat, the app page says %q, want it to say the form was already submitted", flash)
	}
	if n := e.count("apps", "slug = ?", "mobile"); n != 1 {
		t.Errorf("apps: %d, want 1", n)
	}

	// A token: the repeat shows no token and says where the first one is.
	id = formIDOf(t, b, "/profile", `form[data-testid="token-form"]`)
	form = url.Values{"_form_id": {id}, "name": {"ci"}, "expires_days": {"30"}}
	res := b.post("/profile/tokens", form)
	if d := doc(t, res); res.StatusCode != http.StatusOK || d.Find(`[data-testid="new-token"]`).Length() != 1 {
		t.Fatalf("token form: status %d, want 200 with the new token", res.StatusCode)
	}
	res = b.post("/profile/tokens", form)
	body := readAll(t, res)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/profile#tokens" || strings.Contains(body, "new-token") {
		t.Errorf("token form again: status %d to %q, want 303 to /profile#tokens without a token: %.300s", res.StatusCode, res.Header.Get("Location"), body)
	}
	if d := doc(t, b.get("/profile")); d.Find(`[data-testid="new-token"]`).Length() != 0 ||
		!strings.Contains(d.Find(`[data-testid="flash"]`).Text(), "shown only once") {
		t.Errorf("after the repeat, the profile shows a token or no message: flash %q", d.Find(`[data-testid="flash"]`).Text())
	}
	if n := e.count("api_tokens", "name = ?", "ci"); n != 1 {
		t.Errorf("tokens named ci: %d, want 1", n)
	}

	// A key, from the app page.
	id = formIDOf(t, b, "/apps/finder", `form[data-testid="key-form"]`)
	form = url.Values{"_form_id": {id}, "name": {"production"}}
	res = b.post("/subscriptions/"+subID+"/keys", form)
	if d := doc(t, res); res.StatusCode != http.StatusOK || d.Find(`[data-testid="new-key"]`).Length() != 1 {
		t.Fatalf("key form: status %d, want 200 with the new key", res.StatusCode)
	}
	res = b.post("/subscriptions/"+subID+"/keys", form)
	body = readAll(t, res)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/apps/finder" || strings.Contains(body, "new-key") {
		t.Errorf("key form again: status %d to %q, want 303 to /apps/finder without a key", res.StatusCode, res.Header.Get("Location"))
	}
	if n := e.count("api_keys", "subscription_id = ?", subID); n != 1 {
		t.Errorf("keys: %d, want 1", n)
	}

	// A new page's form creates again; so does a form without an id (a
	// page from before, a script), as it always did.
	id = formIDOf(t, b, "/apps/finder", `form[data-testid="key-form"]`)
	for _, f := range []url.Values{{"_form_id": {id}, "name": {"second"}}, {"name": {"third"}}} {
		if res := b.post("/subscriptions/"+subID+"/keys", f); res.StatusCode != http.StatusOK {
			t.Errorf("key form %v: status %d, want 200", f, res.StatusCode)
		}
	}
	if n := e.count("api_keys", "subscription_id = ?", subID); n != 3 {
		t.Errorf("keys: %d, want 3", n)
	}
	// An id that no page makes is refused.
	if res := b.post("/subscriptions/"+subID+"/keys", url.Values{"_form_id": {"short"}, "name": {"x"}}); res.StatusCode != http.StatusBadRequest {
		t.Errorf("a bad form id: status %d, want 400", res.StatusCode)
	}
}

// TestCreateFormSentTwiceAtOnceCreatesOnce: the same form sent by several
// requests at the same time (through the router, concurrently) creates one
// key; the others are sent to it. Before, each request created a key.
func TestCreateFormSentTwiceAtOnceCreatesOnce(t *testing.T) {
	e := newLCEnv(t)
	subID := subscribedApp(e)
	b := e.browser()
	b.login("outsider")
	id := formIDOf(t, b, "/apps/finder", `form[data-testid="key-form"]`)
	form := url.Values{"_csrf": {b.csrf()}, "_form_id": {id}, "name": {"production"}}.Encode()
	cookies := b.cookieHeader()[len("Cookie: ") : len(b.cookieHeader())-2]

	const n = 6
	var wg sync.WaitGroup
	statuses := make([]int, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := httptest.NewRequest("POST", "/subscriptions/"+subID+"/keys", strings.NewReader(form))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Cookie", cookies)
			res, err := e.app.Test(req, -1)
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			statuses[i] = res.StatusCode
		}()
	}
	wg.Wait()
	created, sent := 0, 0
	for _, s := range statuses {
		switch s {
		case http.StatusOK:
			created++
		case http.StatusSeeOther:
			sent++
		}
	}
	if created != 1 || sent != n-1 {
		t.Errorf("statuses %v: want one 200 (created) and %d 303 (sent to it)", statuses, n-1)
	}
	if got := e.count("api_keys", "subscription_id = ?", subID); got != 1 {
		t.Errorf("keys: %d, want 1", got)
	}
}

// TestEveryCreateFormCreatesOnce: each form of the portal that creates
// something carries a one-time id, and sent twice with it creates once:
// the second submission is sent to what the first created.
func TestEveryCreateFormCreatesOnce(t *testing.T) {
	e := newLCEnv(t)
	subID := subscribedApp(e)
	e.call("POST", "/api/v1/subscriptions/"+subID+"/keys", "outsider", map[string]any{"name": "first"}, 201)
	kid := doc(t, func() *http.Response { b := e.browser(); b.login("outsider"); return b.get("/apps/finder") }()).
		Find(`[data-testid="key-row"]`).AttrOr("data-key", "")
	cases := []struct {
		who, page, form, action string
		fields                  url.Values
		first                   int    // the first submission's status
		location                string // where the second is sent
		table, where            string // the rows it creates
		want                    int
	}{
		{"admin", "/teams/new", "team-form", "/teams", url.Values{"slug": {"mobile"}, "name": {"Mobile"}},
			303, "/teams/mobile", "teams", "slug = 'mobile'", 1},
		{"admin", "/teams/payments", "add-member-form", "/teams/payments/members", url.Values{"username": {"appr"}, "role": {"viewer"}},
			303, "/teams/payments", "team_members", "role = 'viewer'", 2},
		{"admin", "/users/new", "user-form", "/users", url.Values{"username": {"newbie"}, "display_name": {"New Bie"}, "email": {"newbie@example.com"}, "org_role": {"member"}},
			200, "/users/newbie/edit", "users", "username = 'newbie'", 1},
		{"maint", "/teams/payments/apis/new", "api-form", "/teams/payments/apis", url.Values{"slug": {"orders"}, "name": {"Orders"}, "visibility": {"public"}},
			303, "/apis/orders/versions/new", "apis", "slug = 'orders'", 1},
		{"maint", "/apis/pets/versions/new", "version-form", "/apis/pets/versions", url.Values{"version": {"1.1.0"}, "spec": {spectest.PetsV1}},
			303, "/apis/pets/versions/1.1.0", "api_versions", "version = '1.1.0'", 1},
		{"maint", "/apis/pets", "plan-form", "/apis/pets/plans", url.Values{"slug": {"gold"}, "name": {"Gold"}, "approval": {"auto"}, "open": {"true"}, "rate_per_minute": {"60"}},
			303, "/apis/pets#plans", "plans", "slug = 'gold'", 1},
		{"outsider", "/apis/pets/subscribe", "subscribe-form", "/apis/pets/subscribe", url.Values{"app": {"new"}, "team": {"search"}, "app_slug": {"scout"}, "app_name": {"Scout"}, "plan": {"free"}, "major": {"1"}, "purpose": {"scouting"}},
			303, "/apps/scout", "subscriptions", "app_id IN (SELECT id FROM apps WHERE slug = 'scout')", 1},
		{"outsider", "/apps/finder", "rotate-form", "/keys/" + kid + "/rotate", url.Values{"grace": {"3600"}},
			200, "/apps/finder", "api_keys", "subscription_id = " + subID, 2}, // the old key and its successor
		{"admin", "/gateway", "node-form", "/gateway/nodes", url.Values{"name": {"edge-1"}},
			200, "/gateway#nodes", "gateway_nodes", "name = 'edge-1'", 1},
	}
	for _, tc := range cases {
		t.Run(tc.form, func(t *testing.T) {
			b := e.browser()
			b.login(tc.who)
			tc.fields.Set("_form_id", formIDOf(t, b, tc.page, `form[data-testid="`+tc.form+`"]`))
			res := b.post(tc.action, tc.fields)
			body := readAll(t, res)
			if res.StatusCode != tc.first {
				t.Fatalf("first: status %d, want %d: %.400s", res.StatusCode, tc.first, body)
			}
			res = b.post(tc.action, tc.fields)
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != tc.location {
				t.Errorf("again: status %d to %q, want 303 to %s", res.StatusCode, res.Header.Get("Location"), tc.location)
			}
			if n := e.count(tc.table, tc.where); n != tc.want {
				t.Errorf("%s where %s: %d, want %d", tc.table, tc.where, n, tc.want)
			}
		})
	}
}

// withKey calls the JSON API with an Idempotency-Key (none when key is
// "") and returns the status, the Location and the body.
func (e *lcEnv) withKey(path, who, key, body string) (int, string, map[string]any) {
	req := httptest.NewRequest("POST", path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+e.tok[who])
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	res, err := e.app.Test(req, -1)
	if err != nil {
		e.t.Error(err)
		return 0, "", nil
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, res.Header.Get("Location"), out
}

// TestIdempotencyKeyCreatesOnce: a JSON API POST that answers a secret,
// repeated with its Idempotency-Key (later, or several at once), creates
// once; the repeats are answered 409 with the Location of what was created
// and no secret. Before, the header was ignored and each request created.
func TestIdempotencyKeyCreatesOnce(t *testing.T) {
	e := newLCEnv(t)
	subID := subscribedApp(e)
	path := "/api/v1/subscriptions/" + subID + "/keys"

	status, loc, first := e.withKey(path, "outsider", "retry-1", `{"name":"production"}`)
	if status != http.StatusCreated || first["key"] == nil {
		t.Fatalf("first: status %d, %v; want 201 with the key", status, first)
	}
	status, again, body := e.withKey(path, "outsider", "retry-1", `{"name":"production"}`)
	if status != http.StatusConflict || again != loc || body["key"] != nil || !strings.Contains(fmt.Sprint(body["detail"]), "Idempotency-Key") {
		t.Errorf("again: status %d to %q, %v; want 409 to %s without a key", status, again, body, loc)
	}
	if n := e.count("api_keys", "subscription_id = ?", subID); n != 1 {
		t.Errorf("keys: %d, want 1", n)
	}

	// At once: one creates, the others are told.
	const n = 6
	var wg sync.WaitGroup
	statuses := make([]int, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i], _, _ = e.withKey(path, "outsider", "retry-2", `{"name":"staging"}`)
		}()
	}
	wg.Wait()
	created := 0
	for _, s := range statuses {
		if s == http.StatusCreated {
			created++
		} else if s != http.StatusConflict {
			t.Errorf("status %d, want 201 or 409", s)
		}
	}
	if created != 1 {
		t.Errorf("statuses %v: want one 201", statuses)
	}
	if n := e.count("api_keys", "subscription_id = ?", subID); n != 2 {
		t.Errorf("keys: %d, want 2", n)
	}

	// Another user's key of the same name is another key; so is no key.
	if status, _, _ := e.withKey("/api/v1/gateway/nodes", "admin", "retry-1", `{"name":"edge-1"}`); status != http.StatusCreated {
		t.Errorf("a node with another user's key: status %d, want 201", status)
	}
	if status, _, _ := e.withKey("/api/v1/gateway/nodes", "admin", "retry-1", `{"name":"edge-1"}`); status != http.StatusConflict {
		t.Errorf("the node again: status %d, want 409", status)
	}
	if status, _, _ := e.withKey(path, "outsider", "", `{"name":"unguarded"}`); status != http.StatusCreated {
		t.Errorf("without a key: status %d, want 201", status)
	}
	if status, _, _ := e.withKey(path, "outsider", "bad key", `{"name":"x"}`); status != http.StatusBadRequest {
		t.Errorf("a key with a space: status %d, want 400", status)
	}
}

// TestIdempotencyKeyRefusesAnotherRequest: an Idempotency-Key sent again
// with another body (or to another path) is a misuse, refused 422 with a
// problem naming the header, and creates nothing; the same body written
// otherwise (spaces, the order of its fields) is the same request, a
// repeat (409). A key too long or with characters outside visible ASCII is
// refused 400. Before, the body was not compared and another body was
// answered as a repeat.
func TestIdempotencyKeyRefusesAnotherRequest(t *testing.T) {
	e := newLCEnv(t)
	subID := subscribedApp(e)
	path := "/api/v1/subscriptions/" + subID + "/keys"

	status, loc, _ := e.withKey(path, "outsider", "k-1", `{"name":"production","expires_at":""}`)
	if status != http.StatusCreated {
		t.Fatalf("first: status %d, want 201", status)
	}
	if status, again, _ := e.withKey(path, "outsider", "k-1", "{ \"expires_at\": \"\",\n \"name\": \"production\" }"); status != http.StatusConflict || again != loc {
		t.Errorf("the same body written otherwise: status %d to %q, want 409 to %s", status, again, loc)
	}
	status, again, body := e.withKey(path, "outsider", "k-1", `{"name":"staging","expires_at":""}`)
	if status != http.StatusUnprocessableEntity || again != "" || body["key"] != nil ||
		!strings.Contains(fmt.Sprint(body["detail"]), "Idempotency-Key") || !strings.Contains(fmt.Sprint(body["detail"]), "another request") {
		t.Errorf("another body with the key: status %d to %q, %v; want 422 naming the header, no Location", status, again, body)
	}
	if n := e.count("api_keys", "subscription_id = ?", subID); n != 1 {
		t.Errorf("keys: %d, want 1", n)
	}

	// So is another node's name, and the key sent to another path.
	if status, _, body := e.withKey("/api/v1/gateway/nodes", "admin", "k-2", `{"name":"edge-1"}`); status != http.StatusCreated {
		t.Fatalf("a node: status %d, %v", status, body)
	}
	if status, _, body := e.withKey("/api/v1/gateway/nodes", "admin", "k-2", `{"name":"edge-2"}`); status != http.StatusUnprocessableEntity {
		t.Errorf("a node of another name with the key: status %d, %v; want 422", status, body)
	}
	if status, _, body := e.withKey("/api/v1/users", "admin", "k-2", `{"username":"zed","display_name":"Zed","email":"zed@example.com","org_role":"member"}`); status != http.StatusUnprocessableEntity {
		t.Errorf("a user with the node's key: status %d, %v; want 422", status, body)
	}
	if n := e.count("gateway_nodes", "name = ?", "edge-2") + e.count("users", "username = ?", "zed"); n != 0 {
		t.Errorf("edge-2 or zed was created: %d", n)
	}
	if status, _, body := e.withKey("/api/v1/users", "admin", "k-3", `{"username":"zed","display_name":"Zed","email":"zed@example.com","org_role":"member"}`); status != http.StatusCreated {
		t.Errorf("the user with a new key: status %d, %v; want 201", status, body)
	}

	for _, key := range []string{strings.Repeat("a", 256), "caf\u00e9", "tab\there"} {
		status, _, body := e.withKey(path, "outsider", key, `{"name":"bounded"}`)
		if status != http.StatusBadRequest || !strings.Contains(fmt.Sprint(body["detail"]), "Idempotency-Key") {
			t.Errorf("key %.20q: status %d, %v; want 400 naming the header", key, status, body)
		}
	}
	if status, _, _ := e.withKey(path, "outsider", strings.Repeat("a", 255), `{"name":"longest"}`); status != http.StatusCreated {
		t.Errorf("a key of 255 characters: status %d, want 201", status)
	}
}
