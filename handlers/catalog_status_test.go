package handlers_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/policy"
)

// TestCatalogAnnouncesAStatusNotTheResults: as the user types, htmx
// replaces the catalog's results; a screen reader is told a short status
// ("2 APIs found", or why a search found little), not every result. The
// results are in no live region; the page holds one empty status region
// (role=status) outside them, and each search-as-you-type answer fills it
// out of band (hx-swap-oob innerHTML, so the region itself stays and is
// announced).
func TestCatalogAnnouncesAStatusNotTheResults(t *testing.T) {
	e := newEnvWithSearch(t)
	e.team("payments")
	p := e.publisher()
	p.publish("payments", lifecycle.APIInput{Slug: "ledger", Name: "Ledger", Visibility: "public"}, "1.0.0", tinySpec("Ledger", "/entries", "Entries"))
	p.publish("payments", lifecycle.APIInput{Slug: "cards", Name: "Cards", Visibility: "public"}, "1.0.0", tinySpec("Cards", "/cards", "Cards"))
	e.drain()
	e.user("reader", policy.RoleMember, "", "")
	b := e.browser()
	b.login("reader")

	d := doc(t, b.get("/catalog"))
	if n := d.Find(`#results, #results *`).FilterFunction(func(_ int, s *goquery.Selection) bool {
		_, live := s.Attr("aria-live")
		role, _ := s.Attr("role")
		return live || role == "status" || role == "alert" || role == "log"
	}).Length(); n != 0 {
		t.Errorf("the results hold or are %d live regions, want none", n)
	}
	status := d.Find(`#catalog-status`)
	if status.Length() != 1 || status.AttrOr("role", "") != "status" || status.Closest("#results").Length() != 0 {
		t.Fatalf("catalog status: %d elements, role %q; want one role=status outside #results", status.Length(), status.AttrOr("role", ""))
	}

	for _, c := range []struct{ q, want string }{
		{"", "2 APIs found"},
		{"ledger", "1 API found for “ledger”"},
		{"ledger zebra", "No API you may see has the word zebra"},
		{"zzzzzzzz", "No API matches “zzzzzzzz”"},
	} {
		req := httptest.NewRequest("GET", "/catalog?q="+strings.ReplaceAll(c.q, " ", "+"), nil)
		req.Header.Set("HX-Request", "true")
		req.Header.Set("HX-Target", "results")
		frag, err := goquery.NewDocumentFromReader(strings.NewReader(readAll(t, b.do(req))))
		if err != nil {
			t.Fatal(err)
		}
		oob := frag.Find(`#catalog-status`)
		if oob.Length() != 1 || oob.AttrOr("hx-swap-oob", "") != "innerHTML" {
			t.Errorf("q=%q: %d #catalog-status in the answer (hx-swap-oob %q), want one swapped innerHTML", c.q, oob.Length(), oob.AttrOr("hx-swap-oob", ""))
			continue
		}
		if got := strings.Join(strings.Fields(oob.Text()), " "); !strings.Contains(got, c.want) || len(got) > 300 {
			t.Errorf("q=%q: status %q, want a short one with %q", c.q, got, c.want)
		}
		if oob.Find(`[data-testid="hit"], a`).Length() != 0 {
			t.Errorf("q=%q: the status holds results or links", c.q)
		}
	}
}

// TestCatalogFacetPageAnnouncesAStatus: the page of every value of a facet
// narrows its list as the user types in its filter box; a screen reader is
// told how many values match, not the whole list again. The list is in no
// live region; an empty role=status region (#facet-status) outside it is
// filled out of band (hx-select-oob) from each htmx answer.
func TestCatalogFacetPageAnnouncesAStatus(t *testing.T) {
	e := newEnvWithSearch(t)
	e.team("payments")
	e.team("search")
	p := e.publisher()
	p.publish("payments", lifecycle.APIInput{Slug: "ledger", Name: "Ledger", Visibility: "public"}, "1.0.0", tinySpec("Ledger", "/entries", "Entries"))
	p.publish("search", lifecycle.APIInput{Slug: "finder", Name: "Finder", Visibility: "public"}, "1.0.0", tinySpec("Finder", "/find", "Find"))
	e.drain()
	e.user("reader", policy.RoleMember, "", "")
	b := e.browser()
	b.login("reader")

	d := doc(t, b.get("/catalog/facets/team"))
	if n := d.Find(`#facet-values`).ParentsFiltered(`[aria-live], [role=status], [role=alert], [role=log]`).Length(); n != 0 {
		t.Errorf("the list of teams is in %d live regions, want none", n)
	}
	status := d.Find(`#facet-status`)
	if status.Length() != 1 || status.AttrOr("role", "") != "status" || strings.TrimSpace(status.Text()) != "" {
		t.Fatalf("facet status: %d elements, role %q, text %q; want one empty role=status", status.Length(), status.AttrOr("role", ""), status.Text())
	}
	if oob := d.Find(`#facet-find`).AttrOr("hx-select-oob", ""); oob != "#facet-status:innerHTML" {
		t.Errorf("filter box hx-select-oob %q, want #facet-status:innerHTML", oob)
	}
	for _, c := range []struct{ find, want string }{
		{"", "2 teams."},
		{"pay", "1 team matches “pay”."},
		{"zzz", "No team matches “zzz”."},
	} {
		req := httptest.NewRequest("GET", "/catalog/facets/team?find="+c.find, nil)
		req.Header.Set("HX-Request", "true")
		answer, err := goquery.NewDocumentFromReader(strings.NewReader(readAll(t, b.do(req))))
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSpace(answer.Find(`#facet-status`).Text()); got != c.want {
			t.Errorf("find=%q: status %q, want %q", c.find, got, c.want)
		}
	}
}
