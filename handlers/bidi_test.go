package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// rtlName is a right-to-left API name: shown inline in an English sentence
// without isolation, the bidi algorithm moves the words around it.
const rtlName = "واجهة الدفع"

// isolated reports whether sel holds an element that isolates its text from
// the text around it (<bdi>, or dir="auto") and whose text is exactly name.
func isolated(sel *goquery.Selection, name string) bool {
	found := false
	sel.Find(`bdi, [dir="auto"]`).Each(func(_ int, s *goquery.Selection) {
		if strings.TrimSpace(s.Text()) == name {
			found = true
		}
	})
	return found
}

// TestNotificationNamesIsolated checks that a name in a notification is shown
// in its own isolating element, and that a notification stored as a plain
// sentence (before names were marked) still reads as it was stored.
func TestNotificationNamesIsolated(t *testing.T) {
	storetest.Each(t, testNotificationNamesIsolated)
}

func testNotificationNamesIsolated(t *testing.T, s *store.Store) {
	e := newLCEnvOn(t, s)
	e.call("POST", "/api/v1/apis", "maint", map[string]any{"team": "payments", "slug": "pay", "name": rtlName, "visibility": "public"}, 201)
	e.version("pay", "1.0.0", lifecycle.InReview)
	appr, err := s.UserByUsername(context.Background(), "appr")
	if err != nil {
		t.Fatal(err)
	}
	const old = "dev asks to publish Pets 0.9.0."
	if err := s.Notify(context.Background(), s.DB(), []int64{appr.ID}, "review.requested", old, "/reviews/1", store.Now()); err != nil {
		t.Fatal(err)
	}

	b := e.browser()
	b.login("appr")
	items := doc(t, b.get("/notifications")).Find(`[data-testid="notification"]`)
	if items.Length() != 2 {
		t.Fatalf("notifications = %d, want 2", items.Length())
	}
	got, plain := items.Last(), items.First() // newest first
	if !isolated(got, rtlName) {
		h, _ := got.Html()
		t.Errorf("the API name is not isolated in the notification: %s", h)
	}
	if text := strings.Join(strings.Fields(got.Find("a").Text()), " "); text != "dev asks to publish "+rtlName+" 1.0.0." {
		t.Errorf("notification text = %q", text)
	}
	if text := strings.TrimSpace(plain.Find("a").Text()); text != old {
		t.Errorf("old notification = %q, want %q", text, old)
	}
}

// TestPageNamesIsolated checks that a team's right-to-left name is isolated
// where the pages place it among other text: the flash after creating it,
// the team page's heading, the API page's breadcrumb and the audit log.
func TestPageNamesIsolated(t *testing.T) {
	e := newEnv(t)
	e.user("admin", "admin", "", "")
	b := e.browser()
	b.login("admin")
	const team = "فريق المدفوعات"
	pageWantRedirect(t, "create team", b.post("/teams", url.Values{"slug": {"pay"}, "name": {team}}), "/teams/pay")
	d := doc(t, b.get("/teams/pay"))
	if !isolated(d.Find(`[data-testid="flash"]`), team) {
		t.Errorf("the team name is not isolated in the flash %q", d.Find(`[data-testid="flash"]`).Text())
	}
	if !isolated(d.Find(`[data-testid="team-name"]`), team) {
		h, _ := d.Find(`[data-testid="team-name"]`).Html()
		t.Errorf("the team name is not isolated in the heading: %s", h)
	}
	pageWantRedirect(t, "create API", b.post("/teams/pay/apis", url.Values{"slug": {"ledger"}, "name": {rtlName}, "visibility": {"public"}}), "/apis/ledger/versions/new")
	d = doc(t, b.get("/apis/ledger"))
	if !isolated(d.Find(`main`), team) || !isolated(d.Find(`main`), rtlName) {
		h, _ := d.Find(`main`).Html()
		t.Errorf("the API page does not isolate the team and API names: %.600s", h)
	}
	d = doc(t, b.get("/audit"))
	if !isolated(d.Find(`[data-testid="audit-table"]`), team) {
		h, _ := d.Find(`[data-testid="audit-table"]`).Html()
		t.Errorf("the audit log does not isolate the team name: %.800s", h)
	}
}

// TestReasonsIsolated checks that a right-to-left reason is isolated where
// the pages show it: the rejection notice of the version and the audit log.
func TestReasonsIsolated(t *testing.T) {
	e := newLCEnv(t)
	e.createAPI("pets", "public")
	id := e.version("pets", "1.0.0", lifecycle.InReview)
	const reason = "أضف أمثلة!"
	e.call("POST", fmt.Sprintf("/api/v1/reviews/%d/reject", id), "appr", map[string]any{"reason": reason}, 200)

	dev := e.browser()
	dev.login("dev")
	d := doc(t, dev.get("/apis/pets/versions/1.0.0"))
	if !isolated(d.Find(`[data-testid="rejection"]`), reason) {
		h, _ := d.Find(`[data-testid="rejection"]`).Html()
		t.Errorf("the rejection reason is not isolated: %s", h)
	}
	adm := e.browser()
	adm.login("admin")
	d = doc(t, adm.get("/audit"))
	if !isolated(d.Find(`[data-testid="audit-table"]`), reason) {
		t.Errorf("the audit log does not isolate the reason %q", reason)
	}
}

// TestErrorNamesIsolated checks that a name in a service's refusal is marked:
// a form shows it in its own <bdi> beside the field, and the JSON API keeps
// the marks (U+2068 … U+2069) around it in the problem's field message.
func TestErrorNamesIsolated(t *testing.T) {
	storetest.Each(t, testErrorNamesIsolated)
}

func testErrorNamesIsolated(t *testing.T, s *store.Store) {
	e := newLCEnvOn(t, s)
	e.call("POST", "/api/v1/apis", "maint", map[string]any{"team": "payments", "slug": "pay", "name": rtlName, "visibility": "public"}, 201)
	e.call("POST", "/api/v1/apis/pay/plans", "maint", map[string]any{"slug": "free", "name": "Free", "approval": "auto"}, 201)

	out := e.call("POST", "/api/v1/apis/pay/plans", "maint", map[string]any{"slug": "free", "name": "Free", "approval": "auto"}, 422)
	if got, want := fmt.Sprint(out["errors"]), "\u2068"+rtlName+"\u2069 has a plan"; !strings.Contains(got, want) {
		t.Errorf("JSON API field errors = %q, want them to contain %q", got, want)
	}

	b := e.browser()
	b.login("maint")
	res := b.post("/apis/pay/plans", url.Values{"slug": {"free"}, "name": {"Free"}, "approval": {"auto"}})
	d := doc(t, res)
	errEl := d.Find(`[data-testid="error-slug"]`)
	if errEl.Length() == 0 {
		h, _ := d.Html()
		t.Fatalf("no slug error on the page (status %d): %.2000s", res.StatusCode, h)
	}
	if !isolated(errEl, rtlName) {
		h, _ := errEl.Html()
		t.Errorf("the API name is not isolated in the field error: %s", h)
	}
}

// TestPlainTextNamesIsolated checks the places that can hold only plain text,
// where the isolate marks are the only way to isolate a name: the page's
// <title> and a picker's <option> labels.
func TestPlainTextNamesIsolated(t *testing.T) {
	e := newLCEnv(t)
	e.call("POST", "/api/v1/apis", "maint", map[string]any{"team": "payments", "slug": "pay", "name": rtlName, "visibility": "public"}, 201)
	e.version("pay", "1.0.0", lifecycle.Published)
	e.call("POST", "/api/v1/apis/pay/plans", "maint", map[string]any{"slug": "free", "name": "Free", "approval": "auto"}, 201)
	const app = "تطبيق المتجر"
	e.call("POST", "/api/v1/teams/payments/apps", "dev", map[string]any{"slug": "shop", "name": app}, 201)

	b := e.browser()
	b.login("dev")
	for path, want := range map[string]string{
		"/apis/pay":           store.Isolate(rtlName) + " · Portico",
		"/apis/pay/subscribe": "Subscribe to " + store.Isolate(rtlName) + " · Portico",
		"/apps/shop":          store.Isolate(app) + " · Portico",
	} {
		if got := strings.TrimSpace(doc(t, b.get(path)).Find("title").Text()); got != want {
			t.Errorf("%s: <title> = %q, want %q", path, got, want)
		}
	}
	var labels []string
	doc(t, b.get("/apis/pay/subscribe")).Find(`select[name="app"] option`).Each(func(_ int, s *goquery.Selection) {
		labels = append(labels, s.Text())
	})
	found := false
	for _, l := range labels {
		if strings.HasPrefix(l, store.Isolate(app)+" (\u2068") && strings.HasSuffix(l, "\u2069)") {
			found = true
		}
	}
	if !found {
		t.Errorf("app picker labels = %q, want the app and its team isolated", labels)
	}
}

// TestLifecycleFlashNamesIsolated checks that the API's right-to-left name
// is isolated in the flash of every lifecycle action taken from the pages
// (as it is after submitting and deprecating), and in the JSON API's
// refusal naming the API.
func TestLifecycleFlashNamesIsolated(t *testing.T) {
	e := newLCEnv(t)
	e.call("POST", "/api/v1/apis", "maint", map[string]any{"team": "payments", "slug": "pay", "name": rtlName, "visibility": "public"}, 201)
	review := e.version("pay", "1.0.0", lifecycle.InReview)
	flash := func(b *browser, what string, res *http.Response) {
		t.Helper()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: status %d, want 303", what, res.StatusCode)
		}
		f := doc(t, b.get(res.Header.Get("Location"))).Find(`[data-testid="flash"]`)
		if !isolated(f, rtlName) {
			t.Errorf("%s: the API name is not isolated in the flash %q", what, f.Text())
		}
	}
	appr := e.browser()
	appr.login("appr")
	flash(appr, "approve", appr.post(fmt.Sprintf("/reviews/%d/approve", review), url.Values{"comment": {"fine"}}))
	maint := e.browser()
	maint.login("maint")
	flash(maint, "deprecate", maint.post("/apis/pay/versions/1.0.0/deprecate", url.Values{"sunset": {lcSunset(60)}}))
	flash(maint, "undeprecate", maint.post("/apis/pay/versions/1.0.0/undeprecate", url.Values{}))
	flash(maint, "retire", maint.post("/apis/pay/versions/1.0.0/retire", url.Values{"confirm": {"1.0.0"}}))

	for _, path := range []string{"/api/v1/apis/pay/plans/none"} {
		res, out := e.api("GET", path, e.tok["maint"], nil)
		if detail, _ := out["detail"].(string); res.StatusCode != http.StatusNotFound || !strings.Contains(detail, store.Isolate(rtlName)) {
			t.Errorf("GET %s: %d %q, want 404 naming the API isolated", path, res.StatusCode, detail)
		}
	}
}
