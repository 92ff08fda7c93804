package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/policy"
)

// TestPrivatePagesAreNotStored: every page of a logged-in user, and the
// fragments htmx asks for, answer Cache-Control: no-store. Without it a
// browser kept them: after logging out, Back showed the user's pages (their
// teams, apps, notifications) from the browser's cache to whoever sat at
// the screen next, and a shared cache could keep them too.
func TestPrivatePagesAreNotStored(t *testing.T) {
	e := newEnvWithSearch(t)
	e.team("payments")
	p := e.publisher()
	p.publish("payments", lifecycle.APIInput{Slug: "ledger", Name: "Ledger", Visibility: "public"}, "1.0.0", tinySpec("Ledger", "/entries", "Entries"))
	e.drain()
	e.user("reader", policy.RoleMember, "payments", "viewer")
	b := e.browser()
	b.login("reader")

	check := func(what string, res *http.Response) {
		t.Helper()
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d, want 200", what, res.StatusCode)
		}
		if got := res.Header.Get("Cache-Control"); !strings.Contains(got, "no-store") {
			t.Errorf("%s: Cache-Control %q, want no-store", what, got)
		}
	}
	for _, path := range []string{"/", "/profile", "/teams/payments", "/apps", "/notifications", "/reviews", "/catalog?q=ledger", "/catalog/facets/team", "/apis/ledger"} {
		check("GET "+path, b.get(path))
	}
	req := httptest.NewRequest("GET", "/catalog?q=ledger", nil)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Target", "results")
	check("htmx GET /catalog (results)", b.do(req))
	req = httptest.NewRequest("GET", "/catalog/facets/team?find=pay", nil)
	req.Header.Set("HX-Request", "true")
	check("htmx GET /catalog/facets/team", b.do(req))
}
