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
