package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/portico-dev/portico/policy"
)

// TestFragmentErrorsReplaceThePage: an htmx request for a fragment (the
// catalog's results as the user types, the list of a facet page as the
// filter box narrows it) that is answered with an error page has htmx put
// that page's content in place of the page's own (#main), not in the
// fragment's place. Before, the catalog's results held a whole second page
// (top bar and all), and the facet list, which takes #facet-values out of
// the answer, was replaced by nothing: the list vanished without a word and
// the filter box then had nothing to update.
func TestFragmentErrorsReplaceThePage(t *testing.T) {
	e := newEnvWithSearch(t)
	e.user("reader", policy.RoleMember, "", "")
	b := e.browser()
	b.login("reader")
	long := strings.Repeat("x", 201) // past the search box's 200 characters

	for _, c := range []struct {
		name, path string
		headers    map[string]string
	}{
		{"catalog results", "/catalog?q=" + long, map[string]string{"HX-Target": "results"}},
		{"facet list", "/catalog/facets/team?find=" + long, map[string]string{"HX-Target": "facet-values"}},
		{"unknown facet", "/catalog/facets/colour", nil},
	} {
		req := httptest.NewRequest("GET", c.path, nil)
		req.Header.Set("HX-Request", "true")
		for k, v := range c.headers {
			req.Header.Set(k, v)
		}
		res := b.do(req)
		if res.StatusCode < 400 {
			t.Errorf("%s: status %d, want an error", c.name, res.StatusCode)
		}
		if got := [3]string{res.Header.Get("HX-Retarget"), res.Header.Get("HX-Reswap"), res.Header.Get("HX-Reselect")}; got != [3]string{"#main", "outerHTML", "#main"} {
			t.Errorf("%s: HX-Retarget, HX-Reswap, HX-Reselect = %q, want #main, outerHTML, #main", c.name, got)
		}
		d, err := goquery.NewDocumentFromReader(strings.NewReader(readAll(t, res)))
		if err != nil {
			t.Fatal(err)
		}
		if d.Find(`#main [data-testid="error-page"]`).Length() != 1 {
			t.Errorf("%s: the answer has no error page in #main", c.name)
		}
	}

	// A boosted link or form swaps the whole body: its error page needs
	// nothing more.
	req := httptest.NewRequest("GET", "/catalog?q="+long, nil)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Boosted", "true")
	res := b.do(req)
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest || res.Header.Get("HX-Retarget") != "" {
		t.Errorf("boosted: status %d, HX-Retarget %q; want 400 and none", res.StatusCode, res.Header.Get("HX-Retarget"))
	}
}

// TestHistoryRestoreAfterLogoutLeadsToLogin: Back to a page htmx no longer
// holds in its history cache has htmx ask the server for it
// (HX-History-Restore-Request) and put the answer's body in the page; it
// follows no HX-Redirect then. A session that ended meanwhile (logged out in
// another tab, or idle) was answered 200 with HX-Redirect and no body: the
// page went blank. It is answered with a redirect the browser follows, to the
// login page, which leads back.
func TestHistoryRestoreAfterLogoutLeadsToLogin(t *testing.T) {
	e := newEnv(t)
	e.user("reader", policy.RoleMember, "payments", "viewer")
	b := e.browser()
	b.login("reader")
	other := e.browser()
	other.cookies = map[string]string{"portico_session": b.cookies["portico_session"]}
	res := other.post("/logout", nil) // the same session, ended from another tab
	res.Body.Close()

	req := httptest.NewRequest("GET", "/teams/payments", nil)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-History-Restore-Request", "true")
	res = b.do(req)
	body := readAll(t, res)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login?next=%2Fteams%2Fpayments" || res.Header.Get("HX-Redirect") != "" {
		t.Errorf("history restore without a session: status %d, Location %q, HX-Redirect %q, %d bytes; want 303 to /login?next=%%2Fteams%%2Fpayments",
			res.StatusCode, res.Header.Get("Location"), res.Header.Get("HX-Redirect"), len(body))
	}

	// Any other htmx request (a boosted link) still has htmx load the login page.
	req = httptest.NewRequest("GET", "/teams/payments", nil)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Boosted", "true")
	res = b.do(req)
	res.Body.Close()
	if res.Header.Get("HX-Redirect") != "/login?next=%2Fteams%2Fpayments" {
		t.Errorf("boosted link without a session: HX-Redirect %q", res.Header.Get("HX-Redirect"))
	}
}
