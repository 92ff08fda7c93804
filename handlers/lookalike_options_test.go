package handlers_test

import (
	"context"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestLookalikeNamesAreToldApart: team and app names are not unique (their
// slugs are), so two teams or two apps may carry names that read the same
// ("Search" and "search", "Finder" and "Finder" with a zero-width space).
// The pickers of the subscribe page and of the Apps page tell them apart,
// so that nobody subscribes, or creates an app in, the wrong one; so does
// the audit log's team filter.
func TestLookalikeNamesAreToldApart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newLCEnvOn(t, s)
		e.createAPI("pets", "public")
		e.version("pets", "1.0.0", lifecycle.Published)
		e.call("POST", "/api/v1/apis/pets/plans", "maint", map[string]any{"slug": "free", "name": "Free", "approval": "auto"}, 201)
		e.call("POST", "/api/v1/teams", "admin", map[string]any{"slug": "search-eu", "name": "search"}, 201)
		e.call("PUT", "/api/v1/teams/search-eu/members/outsider", "admin", map[string]any{"role": "owner"}, 201)
		e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": "finder", "name": "Finder"}, 201)
		e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": "finder-2", "name": "Finder\u200b"}, 201)

		b, admin := e.browser(), e.browser()
		b.login("outsider")
		admin.login("admin")
		for _, c := range []struct {
			who            *browser
			page, selector string
		}{
			{b, "/apis/pets/subscribe", "select[name=app] option"},
			{b, "/apis/pets/subscribe", "select[name=team] option"},
			{b, "/apps", "select[name=team] option"},
			{admin, "/audit", "select[name=team] option"},
		} {
			d := doc(t, c.who.get(c.page))
			seen := map[string]string{}
			n := 0
			d.Find(c.selector).Each(func(_ int, o *goquery.Selection) {
				n++
				v, _ := o.Attr("value")
				look := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(o.Text()), "\u200b", ""))
				if other, ok := seen[look]; ok {
					t.Errorf("%s %s: %s and %s both read %q", c.page, c.selector, other, v, look)
				}
				seen[look] = v
			})
			if n < 2 {
				t.Errorf("%s %s: %d options, want the lookalikes", c.page, c.selector, n)
			}
		}
	})
}

// TestLookalikeTeamsAreToldApartInTheCatalog: the catalog's team facet,
// on the catalog page and on the facet's own page, tells apart two teams
// whose names read the same.
func TestLookalikeTeamsAreToldApartInTheCatalog(t *testing.T) {
	e := newEnvWithSearch(t)
	e.team("search")
	if err := e.store.CreateTeam(context.Background(), e.store.DB(), &store.Team{Slug: "search-eu", Name: "search\u200b"}); err != nil {
		t.Fatal(err)
	}
	p := e.publisher()
	p.publish("search", lifecycle.APIInput{Slug: "finder", Name: "Finder", Visibility: "public"}, "1.0.0", tinySpec("Finder", "/find", "Find"))
	p.publish("search-eu", lifecycle.APIInput{Slug: "finder-eu", Name: "Finder EU", Visibility: "public"}, "1.0.0", tinySpec("Finder EU", "/find", "Find"))
	e.drain()
	e.user("reader", policy.RoleMember, "", "")
	b := e.browser()
	b.login("reader")
	for _, page := range []string{"/catalog", "/catalog/facets/team"} {
		d := doc(t, b.get(page))
		seen := map[string]string{}
		n := 0
		d.Find(`[data-testid="facet-value"]`).Each(func(_ int, v *goquery.Selection) {
			value, _ := v.Attr("data-value")
			if value != "search" && value != "search-eu" {
				return
			}
			n++
			look := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(v.Find("span").First().Text()), "\u200b", ""))
			if other, ok := seen[look]; ok {
				t.Errorf("%s: the teams %s and %s both read %q", page, other, value, look)
			}
			seen[look] = value
		})
		if n != 2 {
			t.Errorf("%s: %d team facet values, want 2", page, n)
		}
	}
}

// TestLookalikeTeamsAreToldApartOnCatalogCards: the catalog's result cards
// name each API's team as the team facet does: two teams whose names read
// the same are told apart by their slugs, and a name no other reads like
// is shown alone.
func TestLookalikeTeamsAreToldApartOnCatalogCards(t *testing.T) {
	e := newEnvWithSearch(t)
	e.team("search")
	if err := e.store.CreateTeam(context.Background(), e.store.DB(), &store.Team{Slug: "search-eu", Name: "search\u200b"}); err != nil {
		t.Fatal(err)
	}
	e.team("payments")
	p := e.publisher()
	p.publish("search", lifecycle.APIInput{Slug: "finder", Name: "Finder", Visibility: "public"}, "1.0.0", tinySpec("Finder", "/find", "Find"))
	p.publish("search-eu", lifecycle.APIInput{Slug: "finder-eu", Name: "Finder EU", Visibility: "public"}, "1.0.0", tinySpec("Finder EU", "/find", "Find"))
	p.publish("payments", lifecycle.APIInput{Slug: "ledger", Name: "Ledger", Visibility: "public"}, "1.0.0", tinySpec("Ledger", "/entries", "Entries"))
	e.drain()
	e.user("reader", policy.RoleMember, "", "")
	b := e.browser()
	b.login("reader")
	for _, page := range []string{"/catalog", "/catalog?q=finder"} {
		d := doc(t, b.get(page))
		labels := map[string]string{}
		d.Find(`[data-testid="hit"]`).Each(func(_ int, h *goquery.Selection) {
			slug, _ := h.Attr("data-slug")
			labels[slug] = strings.TrimSpace(h.Find(`a[href^="/teams/"]`).First().Text())
		})
		look := func(s string) string { return strings.ToLower(strings.ReplaceAll(s, "\u200b", "")) }
		if look(labels["finder"]) == look(labels["finder-eu"]) {
			t.Errorf("%s: the cards of finder and finder-eu both name their team %q", page, look(labels["finder"]))
		}
		if got, want := labels["finder"], "Search · search"; got != want {
			t.Errorf("%s: finder's card names its team %q, want %q", page, got, want)
		}
		if l, ok := labels["ledger"]; ok && l != "Payments" {
			t.Errorf("%s: ledger's card names its team %q, want %q", page, l, "Payments")
		}
	}
}

// TestLookalikeTeamsAreToldApartOnAPIPages: an API's pages name its team
// in their owner line as the pickers do: "Search · search" when another
// team's name reads the same, the bare name otherwise.
func TestLookalikeTeamsAreToldApartOnAPIPages(t *testing.T) {
	e := newEnvWithSearch(t)
	e.team("search")
	e.team("payments")
	p := e.publisher()
	p.publish("search", lifecycle.APIInput{Slug: "finder", Name: "Finder", Visibility: "public"}, "1.0.0", tinySpec("Finder", "/find", "Find"))
	p.publish("payments", lifecycle.APIInput{Slug: "ledger", Name: "Ledger", Visibility: "public"}, "1.0.0", tinySpec("Ledger", "/entries", "Entries"))
	e.drain()
	e.user("reader", policy.RoleMember, "", "")
	b := e.browser()
	b.login("reader")
	owner := func(page, team string) string {
		return strings.TrimSpace(doc(t, b.get(page)).Find(`a[href="/teams/` + team + `"]`).First().Text())
	}
	if got := owner("/apis/finder", "search"); got != "Search" {
		t.Errorf("/apis/finder with one team Search: owner %q, want %q", got, "Search")
	}
	if err := e.store.CreateTeam(context.Background(), e.store.DB(), &store.Team{Slug: "search-eu", Name: "search\u200b"}); err != nil {
		t.Fatal(err)
	}
	for _, page := range []string{"/apis/finder", "/apis/finder/versions/1.0.0"} {
		if got, want := owner(page, "search"), "Search · search"; got != want {
			t.Errorf("%s: owner %q, want %q", page, got, want)
		}
	}
	if got := owner("/apis/ledger", "payments"); got != "Payments" {
		t.Errorf("/apis/ledger: owner %q, want %q", got, "Payments")
	}
}
