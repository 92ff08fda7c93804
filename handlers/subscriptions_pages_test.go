package handlers_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/portico-dev/portico/lifecycle"
)

// TestSubscriptionPagesJourney goes through the pages, without
// JavaScript: payments' maintainer adds a manual plan on the API page; the
// owner of team search subscribes a new app from the subscribe page; the
// maintainer sees the request counted in the navigation and approves it
// from the inbox; search creates a key (shown once, with its warning),
// rotates it with a grace period and revokes the old one.
func TestSubscriptionPagesJourney(t *testing.T) {
	e := newLCEnv(t)
	e.createAPI("pets", "public")
	e.upstreams("pets") // the gateway serves it: the key page says where to call it
	e.version("pets", "1.0.0", lifecycle.Published)
	maint, consumer, viewer := e.browser(), e.browser(), e.browser()
	maint.login("maint")
	consumer.login("outsider")
	viewer.login("viewer")

	// No plan: the API says it cannot be subscribed to.
	d := doc(t, consumer.get("/apis/pets"))
	if d.Find(`[data-testid="subscribe-link"]`).Length() != 0 || !strings.Contains(d.Find(`[data-testid="no-offer"]`).Text(), "no plan") {
		t.Fatalf("API without plans: subscribe link %d, offer %q", d.Find(`[data-testid="subscribe-link"]`).Length(), d.Find(`[data-testid="no-offer"]`).Text())
	}
	if d.Find(`[data-testid="plan-form"]`).Length() != 0 {
		t.Error("an outsider sees the plan form")
	}
	// The maintainer adds plans through the API page's form; errors are shown beside their fields.
	res := maint.post("/apis/pets/plans", url.Values{"name": {"Gold"}, "slug": {"Gold plan!"}, "approval": {"manual"}, "rate_per_minute": {"600"}, "open": {"true"}})
	if res.StatusCode != 422 {
		t.Fatalf("bad plan: status %d", res.StatusCode)
	}
	if d := doc(t, res); d.Find(`[data-testid="error-slug"]`).Length() != 1 {
		t.Error("the plan form shows no slug error")
	}
	for _, p := range []url.Values{
		{"name": {"Gold"}, "slug": {"gold"}, "approval": {"manual"}, "rate_per_minute": {"600"}, "burst": {"50"}, "quota_per_day": {"100000"}, "open": {"true"}},
		{"name": {"Free"}, "slug": {"free"}, "approval": {"auto"}, "rate_per_minute": {"10"}, "open": {"true"}},
	} {
		if res := maint.post("/apis/pets/plans", p); res.StatusCode != 303 {
			t.Fatalf("add plan %s: status %d", p.Get("slug"), res.StatusCode)
		}
	}
	d = doc(t, consumer.get("/apis/pets"))
	if n := d.Find(`[data-testid="plan"]`).Length(); n != 2 || d.Find(`[data-testid="subscribe-link"]`).Length() != 1 {
		t.Fatalf("API page: %d plans, subscribe link %d", n, d.Find(`[data-testid="subscribe-link"]`).Length())
	}
	if d.Find(`[data-testid="subscribers-tab"]`).Length() != 0 {
		t.Error("an outsider sees the subscribers tab")
	}

	// The subscribe page: plans side by side, the default major preselected, the app picker.
	d = doc(t, consumer.get("/apis/pets/subscribe"))
	if n := d.Find(`[data-testid="subscribe-form"] input[name=plan]`).Length(); n != 2 {
		t.Errorf("plan choices: %d", n)
	}
	if v, _ := d.Find(`select[name=major] option[selected]`).Attr("value"); v != "1" {
		t.Errorf("preselected major %q, want 1", v)
	}
	if d.Find(`select[name=app] option[value=new]`).Length() != 1 {
		t.Error("no way to create an app on the spot")
	}
	res = consumer.post("/apis/pets/subscribe", url.Values{"plan": {"gold"}, "major": {"1"}, "app": {"new"}, "team": {"search"}, "app_name": {"Finder"}, "app_slug": {"finder"}})
	if res.StatusCode != 422 {
		t.Fatalf("subscribe without purpose: status %d", res.StatusCode)
	}
	if d := doc(t, res); d.Find(`[data-testid="error-purpose"]`).Length() != 1 || d.Find(`input[name=app_slug]`).AttrOr("value", "") != "finder" {
		t.Error("the subscribe form lost its values or shows no purpose error")
	}
	res = consumer.post("/apis/pets/subscribe", url.Values{"plan": {"gold"}, "major": {"1"}, "app": {"new"}, "team": {"search"}, "app_name": {"Finder"}, "app_slug": {"finder"}, "purpose": {"search pets"}})
	if res.StatusCode != 303 || res.Header.Get("Location") != "/apps/finder" {
		t.Fatalf("subscribe: status %d location %q", res.StatusCode, res.Header.Get("Location"))
	}
	d = doc(t, consumer.get("/apps/finder"))
	if st := d.Find(`[data-testid="subscription"] [data-testid="subscription-state"]`).Text(); st != "pending" {
		t.Errorf("app page state %q, want pending", st)
	}
	if d.Find(`[data-testid="key-form"]`).Length() != 0 {
		t.Error("a pending subscription offers a key")
	}

	// The provider: a count in the navigation, the inbox, approval.
	d = doc(t, maint.get("/"))
	if got := d.Find(`[data-testid="requests-count"]`).Text(); got != "1" {
		t.Errorf("requests count %q, want 1", got)
	}
	d = doc(t, viewer.get("/"))
	if d.Find(`[data-testid="requests-link"]`).Length() != 0 {
		t.Error("a viewer, who decides nothing, has the requests link")
	}
	d = doc(t, maint.get("/subscriptions/requests"))
	req := d.Find(`[data-testid="request"]`)
	if req.Length() != 1 || !strings.Contains(req.Text(), "Finder") || req.Find(`[data-testid="request-purpose"]`).Text() != "search pets" {
		t.Fatalf("inbox: %q", req.Text())
	}
	id, _ := req.Attr("data-subscription")
	if d := doc(t, viewer.get("/subscriptions/requests")); d.Find(`[data-testid="approve"]`).Length() != 0 {
		t.Error("a viewer is offered to approve")
	}
	if res := maint.post("/subscriptions/"+id+"/approve", url.Values{"back": {"/subscriptions/requests"}}); res.StatusCode != 303 || res.Header.Get("Location") != "/subscriptions/requests" {
		t.Fatalf("approve: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	d = doc(t, maint.get("/apis/pets/subscribers"))
	if d.Find(`[data-testid="subscriber-row"]`).Length() != 1 || strings.Contains(d.Text(), "ptk_") {
		t.Errorf("subscribers tab: %q", d.Find(`[data-testid="subscribers-table"]`).Text())
	}

	// The consumer: a key, shown once.
	res = consumer.post("/subscriptions/"+id+"/keys", url.Values{"name": {""}})
	if res.StatusCode != 422 {
		t.Fatalf("key without a name: status %d", res.StatusCode)
	}
	res.Body.Close()
	res = consumer.post("/subscriptions/"+id+"/keys", url.Values{"name": {"production"}})
	if res.StatusCode != 200 || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("create key: status %d cache %q", res.StatusCode, res.Header.Get("Cache-Control"))
	}
	d = doc(t, res)
	key := d.Find(`[data-testid="new-key"]`).AttrOr("value", "")
	if !strings.HasPrefix(key, "ptk_") || d.Find(`[data-testid="key-warning"]`).Length() != 1 || d.Find(`[data-testid="copy-key"]`).Length() != 1 {
		t.Fatalf("key page: key %.8q…, warning %d", key, d.Find(`[data-testid="key-warning"]`).Length())
	}
	// It says where the key is sent: the node's path of the API's major,
	// not the servers of the description (those of the upstream).
	if use := strings.Join(strings.Fields(d.Find(`[data-testid="key-use"]`).Text()), " "); !strings.Contains(use, "through a gateway node, at /pets/v1/ followed by the operation's path") {
		t.Errorf("the key page does not say where to call the API with the key: %q", use)
	}
	page := readAll(t, consumer.get("/apps/finder"))
	if strings.Contains(page, key) || !strings.Contains(page, key[:len("ptk_")+16]) {
		t.Fatal("the app page shows the whole key, or not its prefix")
	}
	d = doc(t, consumer.get("/apps/finder"))
	kid, _ := d.Find(`[data-testid="key-row"]`).Attr("data-key")

	// Rotate with a grace period: a new key shown once; the old one is in grace.
	res = consumer.post("/keys/"+kid+"/rotate", url.Values{"grace": {"86400"}})
	if res.StatusCode != 200 {
		t.Fatalf("rotate: status %d", res.StatusCode)
	}
	d = doc(t, res)
	if nk := d.Find(`[data-testid="new-key"]`).AttrOr("value", ""); nk == "" || nk == key || !strings.Contains(d.Find(`[data-testid="key-replaced"]`).Text(), "stays valid until") {
		t.Fatalf("rotation page: %q", d.Find(`[data-testid="key-replaced"]`).Text())
	}
	d = doc(t, consumer.get("/apps/finder"))
	if st := d.Find(`[data-key="` + kid + `"] [data-testid="key-status"]`).Text(); st != "rotated, in grace" {
		t.Errorf("old key status %q", st)
	}
	// Another team's member: the key does not exist for them.
	if res := maint.post("/keys/"+kid+"/revoke", nil); res.StatusCode != 404 {
		t.Errorf("the provider revoking the consumer's key: status %d, want 404", res.StatusCode)
	}
	if res := maint.get("/apps/finder"); res.StatusCode != 404 {
		t.Errorf("the provider reading the consumer's app: status %d, want 404", res.StatusCode)
	}
	if res := consumer.post("/keys/"+kid+"/revoke", nil); res.StatusCode != 303 {
		t.Fatalf("revoke: status %d", res.StatusCode)
	}
	d = doc(t, consumer.get("/apps/finder"))
	if st := d.Find(`[data-key="` + kid + `"] [data-testid="key-status"]`).Text(); st != "revoked" {
		t.Errorf("old key status after revocation %q", st)
	}
	if strings.Contains(e.logs.String(), key) {
		t.Fatal("the logs hold a key")
	}
	// The Apps page lists the app and its subscription.
	d = doc(t, consumer.get("/apps"))
	if d.Find(`[data-testid="app-row"][data-app="finder"]`).Length() != 1 || d.Find(`[data-testid="consumer-subscriptions"] [data-testid="subscription-row"]`).Length() != 1 {
		t.Errorf("apps page: %q", d.Find("main").Text())
	}
}

// TestKeyFormOfASubscriptionEndedMeanwhile: the app page was opened while
// the subscription was active; it was cancelled (in another tab, or by the
// version's retirement) before its "Create key" form was sent. The answer
// says why no key was issued. It was a 422 re-rendering the app page, where
// an ended subscription has no key form, so the message was nowhere.
func TestKeyFormOfASubscriptionEndedMeanwhile(t *testing.T) {
	e := newLCEnv(t)
	sub := e.finderSubscribedToPets()
	id := fmt.Sprint(sub["id"])

	consumer := e.browser()
	consumer.login("outsider")
	if d := doc(t, consumer.get("/apps/finder")); d.Find(`[data-testid="key-form"]`).Length() != 1 {
		t.Fatal("the active subscription offers no key form")
	}
	e.call("POST", "/api/v1/subscriptions/"+id+"/cancel", "outsider", nil, 200)

	res := consumer.post("/subscriptions/"+id+"/keys", url.Values{"name": {"production"}})
	if res.StatusCode == http.StatusSeeOther {
		res.Body.Close()
		res = consumer.get(res.Header.Get("Location"))
	}
	d := doc(t, res)
	if got := d.Find("main").Text() + d.Find(`[data-testid="flash"]`).Text(); !strings.Contains(got, "Keys are issued for active subscriptions") {
		t.Errorf("key form of a cancelled subscription: status %d, the page does not say why: %q", res.StatusCode, strings.Join(strings.Fields(d.Find("main").Text()), " "))
	}
	if n := len(e.call("GET", "/api/v1/subscriptions/"+id+"/keys", "outsider", nil, 200)["keys"].([]any)); n != 0 {
		t.Errorf("the cancelled subscription has %d keys", n)
	}
}

// TestAppsPageSaysWhoCreatesApps: the empty Apps page points to the form
// below only for whoever has one (developers and above of a team); a
// viewer, who has no form, is told who creates apps instead.
func TestAppsPageSaysWhoCreatesApps(t *testing.T) {
	e := newLCEnv(t)
	for _, tt := range []struct {
		user     string
		form     bool
		wantText string
	}{
		{"dev", true, "Create one below"},
		{"viewer", false, "Only developers and above of a team create its apps"},
	} {
		b := e.browser()
		b.login(tt.user)
		d := doc(t, b.get("/apps"))
		if got := d.Find(`[data-testid="app-form"]`).Length() == 1; got != tt.form {
			t.Errorf("%s: app form shown %v, want %v", tt.user, got, tt.form)
		}
		if got := d.Find(`[data-testid="empty"]`).First().Text(); !strings.Contains(got, tt.wantText) {
			t.Errorf("%s: empty Apps page says %q, want %q", tt.user, strings.Join(strings.Fields(got), " "), tt.wantText)
		}
	}
}

// TestBoostedFormAnswersKeepTheAddress: a page answering a form sent by
// htmx (hx-boost) tells htmx not to push the address the form posted to,
// which answers only POST (a reload there found nothing); boosted links
// (GET) keep their address.
func TestBoostedFormAnswersKeepTheAddress(t *testing.T) {
	e := newLCEnv(t)
	b := e.browser()
	b.login("dev")
	form := url.Values{"team": {"payments"}, "name": {""}, "slug": {"Bad!"}, "_csrf": {b.csrf()}}
	req := httptest.NewRequest("POST", "/apps", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	res := b.do(req)
	res.Body.Close()
	if res.StatusCode != 422 || res.Header.Get("HX-Push-Url") != "false" {
		t.Errorf("boosted form with errors: %d, HX-Push-Url %q, want 422 and false", res.StatusCode, res.Header.Get("HX-Push-Url"))
	}
	req = httptest.NewRequest("GET", "/apps", nil)
	req.Header.Set("HX-Request", "true")
	res = b.do(req)
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("HX-Push-Url") != "" {
		t.Errorf("boosted link: %d, HX-Push-Url %q, want 200 and none", res.StatusCode, res.Header.Get("HX-Push-Url"))
	}
}
