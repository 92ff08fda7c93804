package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/spec/spectest"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// formFields is what a browser sends for the form sel: its named inputs
// (checked boxes only; no buttons, no files), text areas and selects.
func formFields(sel *goquery.Selection) url.Values {
	v := url.Values{}
	sel.Find("input, textarea, select").Each(func(_ int, s *goquery.Selection) {
		name := s.AttrOr("name", "")
		if _, disabled := s.Attr("disabled"); name == "" || disabled {
			return
		}
		switch goquery.NodeName(s) {
		case "textarea":
			v.Add(name, s.Text())
		case "select":
			opt := s.Find("option[selected]").First()
			if opt.Length() == 0 {
				opt = s.Find("option").First()
			}
			v.Add(name, opt.AttrOr("value", opt.Text()))
		default:
			switch strings.ToLower(s.AttrOr("type", "text")) {
			case "checkbox", "radio":
				if _, checked := s.Attr("checked"); checked {
					v.Add(name, s.AttrOr("value", "on"))
				}
			case "submit", "button", "reset", "image", "file":
			default:
				v.Add(name, s.AttrOr("value", ""))
			}
		}
	})
	return v
}

// TestCreateFormSentAgainChanged: a create form sent again with its
// one-time id but other values (the browser's Back, the values edited,
// the form sent again to make a second thing) creates nothing and is not
// taken for a repeat: the form comes back with the values sent, a new id
// and a message saying the first sending created something; sent as it
// comes back, it creates the second thing. The same values with the same
// id are still a repeat. Before, the changed form was sent to what the
// first created, with nothing created and only a passing message.
func TestCreateFormSentAgainChanged(t *testing.T) { storetest.Each(t, testCreateFormSentAgainChanged) }

func testCreateFormSentAgainChanged(t *testing.T, s *store.Store) {
	e := newLCEnvOn(t, s)
	subID := subscribedApp(e)
	e.version("pets", "1.1.0", lifecycle.Draft) // the version form copies the latest
	e.call("POST", "/api/v1/subscriptions/"+subID+"/keys", "outsider", map[string]any{"name": "first"}, 201)
	cases := []struct {
		who, page, form, action string
		fields, changed         url.Values
		status                  int    // a submission's status when it creates
		location                string // where a repeat is sent
		table, where            string // the rows the form creates
		before                  int    // rows before
	}{
		{"admin", "/teams/new", "team-form", "/teams", url.Values{"slug": {"mobile"}, "name": {"Mobile"}}, url.Values{"slug": {"tablet"}, "name": {"Tablet"}},
			303, "/teams/mobile", "teams", "slug IN ('mobile', 'tablet')", 0},
		{"admin", "/teams/payments", "add-member-form", "/teams/payments/members", url.Values{"username": {"appr"}, "role": {"viewer"}}, url.Values{"username": {"appr2"}},
			303, "/teams/payments", "team_members", "role = 'viewer'", 1},
		{"admin", "/users/new", "user-form", "/users", url.Values{"username": {"newbie"}, "display_name": {"New Bie"}, "email": {"newbie@example.com"}, "org_role": {"member"}},
			url.Values{"username": {"second"}, "email": {"second@example.com"}},
			200, "/users/newbie/edit", "users", "username IN ('newbie', 'second')", 0},
		{"maint", "/teams/payments/apis/new", "api-form", "/teams/payments/apis", url.Values{"slug": {"orders"}, "name": {"Orders"}, "visibility": {"public"}},
			url.Values{"slug": {"invoices"}, "name": {"Invoices"}},
			303, "/apis/orders/versions/new", "apis", "slug IN ('orders', 'invoices')", 0},
		{"maint", "/apis/pets/versions/new", "version-form", "/apis/pets/versions", url.Values{"version": {"1.2.0"}, "spec": {spectest.PetsV1}}, url.Values{"version": {"1.3.0"}},
			303, "/apis/pets/versions/1.2.0", "api_versions", "version IN ('1.2.0', '1.3.0')", 0},
		{"maint", "/apis/pets", "plan-form", "/apis/pets/plans", url.Values{"slug": {"gold"}, "name": {"Gold"}, "approval": {"auto"}, "open": {"true"}, "rate_per_minute": {"60"}},
			url.Values{"slug": {"silver"}, "name": {"Silver"}},
			303, "/apis/pets#plans", "plans", "slug IN ('gold', 'silver')", 0},
		{"outsider", "/apis/pets/subscribe", "subscribe-form", "/apis/pets/subscribe", url.Values{"app": {"new"}, "team": {"search"}, "app_slug": {"scout"}, "app_name": {"Scout"}, "plan": {"free"}, "major": {"1"}, "purpose": {"scouting"}},
			url.Values{"app_slug": {"ranger"}, "app_name": {"Ranger"}},
			303, "/apps/scout", "subscriptions", "app_id IN (SELECT id FROM apps WHERE slug IN ('scout', 'ranger'))", 0},
		{"outsider", "/apps", "app-form", "/apps", url.Values{"team": {"search"}, "slug": {"mobile"}, "name": {"Mobile"}}, url.Values{"slug": {"desktop"}, "name": {"Desktop"}},
			303, "/apps/mobile", "apps", "slug IN ('mobile', 'desktop')", 0},
		{"outsider", "/apps/finder", "key-form", "/subscriptions/" + subID + "/keys", url.Values{"name": {"production"}}, url.Values{"name": {"staging"}},
			200, "/apps/finder", "api_keys", "name IN ('production', 'staging')", 0},
		{"outsider", "/profile", "token-form", "/profile/tokens", url.Values{"name": {"ci"}, "expires_days": {"30"}}, url.Values{"name": {"deploy"}},
			200, "/profile#tokens", "api_tokens", "name IN ('ci', 'deploy')", 0},
		{"admin", "/gateway", "node-form", "/gateway/nodes", url.Values{"name": {"edge-1"}}, url.Values{"name": {"edge-2"}},
			200, "/gateway#nodes", "gateway_nodes", "name IN ('edge-1', 'edge-2')", 0},
	}
	for _, tc := range cases {
		t.Run(tc.form, func(t *testing.T) {
			b := e.browser()
			b.login(tc.who)
			id := formIDOf(t, b, tc.page, `form[data-testid="`+tc.form+`"]`)
			tc.fields.Set("_form_id", id)
			res := b.post(tc.action, tc.fields)
			if body := readAll(t, res); res.StatusCode != tc.status {
				t.Fatalf("first: status %d, want %d: %.400s", res.StatusCode, tc.status, body)
			}
			if n := e.count(tc.table, tc.where); n != tc.before+1 {
				t.Fatalf("%s where %s after the first: %d, want %d", tc.table, tc.where, n, tc.before+1)
			}

			// Back, other values, sent again with the same id.
			changed := url.Values{}
			for k, v := range tc.fields {
				changed[k] = v
			}
			for k, v := range tc.changed {
				changed[k] = v
			}
			res = b.post(tc.action, changed)
			d := doc(t, res)
			if n := e.count(tc.table, tc.where); n != tc.before+1 {
				t.Errorf("%s where %s after the changed form: %d, want %d (nothing created)", tc.table, tc.where, n, tc.before+1)
			}
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("changed: status %d to %q, want 422 with the form again", res.StatusCode, res.Header.Get("Location"))
			}
			if flash := d.Find(`[data-testid="flash"]`).Text(); !strings.Contains(flash, "already sent once") || !strings.Contains(flash, "send it again") {
				t.Errorf("changed: the page says %q, want that the form was already sent once and to send it again", flash)
			}
			if href := d.Find(`[data-testid="flash-link"]`).AttrOr("href", ""); href != tc.location {
				t.Errorf("changed: the message links to %q, want %s (what the first created)", href, tc.location)
			}
			form := d.Find(`form[data-testid="` + tc.form + `"]`)
			if form.Length() != 1 {
				t.Fatalf("changed: the page has no form %s", tc.form)
			}
			sent := formFields(form)
			if again := sent.Get("_form_id"); len(again) < 22 || again == id {
				t.Errorf("changed: the form's one-time id is %q, want a new one (was %q)", again, id)
			}
			for k := range tc.changed {
				if got := sent.Get(k); got != tc.changed.Get(k) {
					t.Errorf("changed: the form's %s is %q, want %q as sent", k, got, tc.changed.Get(k))
				}
			}

			// The first values with the first id are still a repeat.
			res = b.post(tc.action, tc.fields)
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != tc.location {
				t.Errorf("the first values again: status %d to %q, want 303 to %s", res.StatusCode, res.Header.Get("Location"), tc.location)
			}

			// The form as it came back, sent: it creates the second thing.
			res = b.post(tc.action, sent)
			if body := readAll(t, res); res.StatusCode != tc.status {
				t.Errorf("the form as it came back: status %d, want %d: %.400s", res.StatusCode, tc.status, body)
			}
			if n := e.count(tc.table, tc.where); n != tc.before+2 {
				t.Errorf("%s where %s after the form as it came back: %d, want %d", tc.table, tc.where, n, tc.before+2)
			}
		})
	}
}

// TestVersionFormSentAgainWithAnotherFile: the version form's file is part
// of its content: the same id with the same file is a repeat, with another
// file (the same version number) it is not.
func TestVersionFormSentAgainWithAnotherFile(t *testing.T) {
	storetest.Each(t, testVersionFormSentAgainWithAnotherFile)
}

func testVersionFormSentAgainWithAnotherFile(t *testing.T, s *store.Store) {
	e := newLCEnvOn(t, s)
	e.createAPI("pets", "public")
	b := e.browser()
	b.login("maint")
	id := formIDOf(t, b, "/apis/pets/versions/new", `form[data-testid="version-form"]`)
	fields := map[string]string{"_form_id": id, "version": "1.0.0"}
	pageWantStatus(t, "first", b.upload("/apis/pets/versions", fields, "pets.yaml", []byte(spectest.PetsV1)), http.StatusSeeOther)
	res := b.upload("/apis/pets/versions", fields, "pets.yaml", []byte(spectest.PetsV1))
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/apis/pets/versions/1.0.0" {
		t.Errorf("the same file again: status %d to %q, want 303 to the version", res.StatusCode, res.Header.Get("Location"))
	}
	res = b.upload("/apis/pets/versions", fields, "pets.yaml", []byte(spectest.PetsBreaking))
	if d := doc(t, res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(d.Find(`[data-testid="flash"]`).Text(), "already sent once") {
		t.Errorf("another file: status %d to %q with the message %q, want 422 saying the form was already sent once",
			res.StatusCode, res.Header.Get("Location"), d.Find(`[data-testid="flash"]`).Text())
	}
	if n := e.count("api_versions", "version = '1.0.0'"); n != 1 {
		t.Errorf("versions 1.0.0: %d, want 1", n)
	}
}

// TestRotateFormSentAgainChanged: the rotate form sent again with its
// one-time id and another grace period replaces nothing more (a key is
// replaced once) and says so, instead of passing for a repeat.
func TestRotateFormSentAgainChanged(t *testing.T) { storetest.Each(t, testRotateFormSentAgainChanged) }

func testRotateFormSentAgainChanged(t *testing.T, s *store.Store) {
	e := newLCEnvOn(t, s)
	subID := subscribedApp(e)
	e.call("POST", "/api/v1/subscriptions/"+subID+"/keys", "outsider", map[string]any{"name": "first"}, 201)
	b := e.browser()
	b.login("outsider")
	kid := doc(t, b.get("/apps/finder")).Find(`[data-testid="key-row"]`).AttrOr("data-key", "")
	id := formIDOf(t, b, "/apps/finder", `form[data-testid="rotate-form"]`)
	pageWantStatus(t, "first", b.post("/keys/"+kid+"/rotate", url.Values{"_form_id": {id}, "grace": {"3600"}}), http.StatusOK)
	res := b.post("/keys/"+kid+"/rotate", url.Values{"_form_id": {id}, "grace": {"0"}})
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/apps/finder" {
		t.Fatalf("another grace: status %d to %q, want 303 to /apps/finder", res.StatusCode, res.Header.Get("Location"))
	}
	if flash := doc(t, b.get("/apps/finder")).Find(`[data-testid="flash"]`).Text(); !strings.Contains(flash, "already sent once") || !strings.Contains(flash, "not applied") {
		t.Errorf("another grace: the app page says %q, want that the form was already sent once and the grace period not applied", flash)
	}
	if n := e.count("api_keys", "subscription_id = "+subID); n != 2 {
		t.Errorf("keys: %d, want 2 (the old one and its successor)", n)
	}
	if n := e.count("api_keys", "subscription_id = "+subID+" AND revoked_at IS NOT NULL"); n != 0 {
		t.Errorf("revoked keys: %d, want 0 (the grace period chosen first stands)", n)
	}
}

// TestFormIDRecordedWithoutDigest: an id recorded before the portal kept
// the digest of the form's content (request_hash NULL) is a repeat whatever
// the values, as it was then.
func TestFormIDRecordedWithoutDigest(t *testing.T) {
	storetest.Each(t, testFormIDRecordedWithoutDigest)
}

func testFormIDRecordedWithoutDigest(t *testing.T, s *store.Store) {
	e := newLCEnvOn(t, s)
	b := e.browser()
	b.login("outsider")
	id := formIDOf(t, b, "/apps", `form[data-testid="app-form"]`)
	pageWantStatus(t, "first", b.post("/apps", url.Values{"_form_id": {id}, "team": {"search"}, "slug": {"mobile"}, "name": {"Mobile"}}), http.StatusSeeOther)
	r, err := e.store.DB().NewUpdate().Table("form_submissions").Set("request_hash = NULL").Where("request_hash IS NOT NULL").Exec(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := r.RowsAffected(); n != 1 {
		t.Fatalf("form submissions recorded with a digest: %d, want 1", n)
	}
	res := b.post("/apps", url.Values{"_form_id": {id}, "team": {"search"}, "slug": {"desktop"}, "name": {"Desktop"}})
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/apps/mobile" {
		t.Errorf("other values, an id recorded without digest: status %d to %q, want 303 to /apps/mobile", res.StatusCode, res.Header.Get("Location"))
	}
	if n := e.count("apps", "slug IN ('mobile', 'desktop')"); n != 1 {
		t.Errorf("apps: %d, want 1", n)
	}
}
