package handlers_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/portico-dev/portico/lifecycle"
)

func facetCounts(d *goquery.Document, name string) map[string]string {
	out := map[string]string{}
	d.Find(`[data-testid="facet-` + name + `"] [data-testid="facet-value"]`).Each(func(_ int, s *goquery.Selection) {
		out[s.AttrOr("data-value", "")] = strings.TrimSpace(s.Find(`[data-testid="facet-count"]`).Text())
	})
	return out
}

// TestCatalogFacetsHelp: top tags with a link to every tag (filterable, no
// JavaScript needed), team counts as if the team filter were off, and tags on
// the cards that filter the catalog.
func TestCatalogFacetsHelp(t *testing.T) {
	e := newEnvWithSearch(t)
	p := e.publisher()
	// 14 tags: "common" on every API, "tag-00".."tag-12" on fewer and fewer.
	for i := range 13 {
		tags := []string{"common"}
		for j := 0; j <= i; j++ {
			tags = append(tags, fmt.Sprintf("tag-%02d", j))
		}
		team := "payments"
		if i%3 == 0 {
			team = "maps"
		}
		slug := fmt.Sprintf("api-%02d", i)
		p.publish(team, lifecycle.APIInput{Slug: slug, Name: "API " + slug, Tags: tags}, "1.0.0", tinySpec(slug, "/things", "List things"))
	}
	e.drain()
	b := e.browser()
	b.login("publisher")

	d := doc(t, b.get("/catalog"))
	tags := facetCounts(d, "tag")
	if len(tags) != 10 || tags["common"] != "13" || tags["tag-00"] != "13" || tags["tag-12"] != "" {
		t.Errorf("tag facet: got %v, want the 10 most frequent (common 13, tag-00 13, …)", tags)
	}
	more := d.Find(`[data-testid="facet-tag"] [data-testid="facet-more"]`)
	if got := strings.TrimSpace(more.Text()); got != "Show all 14 tags" {
		t.Errorf("show all link: got %q, want %q", got, "Show all 14 tags")
	}

	// Picking a team keeps the other team's count (and filters the hits).
	d = doc(t, b.get("/catalog?team=maps"))
	if got := facetCounts(d, "team"); got["maps"] != "5" || got["payments"] != "8" {
		t.Errorf("team facet with team=maps: got %v, want maps 5 and payments 8", got)
	}
	if got := d.Find(`[data-testid="hit"]`).Length(); got != 5 {
		t.Errorf("hits with team=maps: got %d, want 5", got)
	}

	// The facet's own page lists every tag and keeps the search.
	d = doc(t, b.get("/catalog?q=things&team=maps"))
	href, _ := d.Find(`[data-testid="facet-tag"] [data-testid="facet-more"]`).Attr("href")
	u, err := url.Parse(href)
	if err != nil || u.Path != "/catalog/facets/tag" || u.Query().Get("q") != "things" || u.Query().Get("team") != "maps" {
		t.Fatalf("show all link: got %q, want /catalog/facets/tag keeping q and team", href)
	}
	d = doc(t, b.get("/catalog/facets/tag?q=things"))
	var all []string
	d.Find(`[data-testid="facet-all-tag"] [data-testid="facet-value"]`).Each(func(_ int, s *goquery.Selection) {
		all = append(all, s.AttrOr("data-value", ""))
	})
	if len(all) != 14 || all[len(all)-1] != "tag-12" {
		t.Errorf("all tags: got %v, want 14, the rarest last", all)
	}
	// The filter box narrows them (a plain GET form).
	if d.Find(`form[data-testid="facet-find"] input[type="hidden"][name="q"][value="things"]`).Length() != 1 {
		t.Error("the filter form does not keep the query")
	}
	d = doc(t, b.get("/catalog/facets/tag?q=things&find=TAG-1"))
	all = nil
	d.Find(`[data-testid="facet-value"]`).Each(func(_ int, s *goquery.Selection) { all = append(all, s.AttrOr("data-value", "")) })
	if !slices.Equal(all, []string{"tag-10", "tag-11", "tag-12"}) {
		t.Errorf("tags matching TAG-1: got %v, want [tag-10 tag-11 tag-12]", all)
	}
	link, _ := d.Find(`[data-value="tag-12"]`).Attr("href")
	u, _ = url.Parse(link)
	if u.Path != "/catalog" || u.Query().Get("tag") != "tag-12" || u.Query().Get("q") != "things" {
		t.Errorf("value link: got %q, want /catalog with q=things and tag=tag-12", link)
	}
	d = doc(t, b.get(link))
	if got := d.Find(`[data-testid="hit"]`).Length(); got != 1 {
		t.Errorf("hits with tag-12: got %d, want 1", got)
	}
	if res := b.get("/catalog/facets/nope"); res.StatusCode != 404 {
		t.Errorf("unknown facet: status %d, want 404", res.StatusCode)
	}

	// Tags on the cards are links that filter by the tag.
	d = doc(t, b.get("/catalog?q=api-12"))
	card := d.Find(`[data-testid="hit"][data-slug="api-12"]`)
	href, ok := card.Find(`[data-testid="hit-tag"]:contains("tag-12")`).Attr("href")
	u, _ = url.Parse(href)
	if !ok || u.Path != "/catalog" || u.Query().Get("tag") != "tag-12" {
		t.Errorf("tag link on a card: got %q, want /catalog?…tag=tag-12", href)
	}
}

// TestCatalogDeprecatedFilter: an API that still serves a deprecated version
// is counted and found under Deprecated, whatever its newest state.
func TestCatalogDeprecatedFilter(t *testing.T) {
	e := newEnvWithSearch(t)
	p := e.publisher()
	ctx := context.Background()
	a := p.publish("payments", lifecycle.APIInput{Slug: "charges", Name: "Charges"}, "1.0.0", tinySpec("Charges", "/charges", "List charges"))
	p.publish("payments", lifecycle.APIInput{Slug: "refunds", Name: "Refunds"}, "1.0.0", tinySpec("Refunds", "/refunds", "List refunds"))
	v2, err := p.svc.CreateVersion(ctx, p.admin, a, "2.0.0", tinySpec("Charges", "/v2/charges", "List charges"))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.svc.Import(ctx, p.admin, a, v2); err != nil {
		t.Fatal(err)
	}
	v1, err := e.store.Version(ctx, a.ID, "1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.svc.Deprecate(ctx, p.admin, a, v1, time.Now().Add(60*24*time.Hour), "2.0.0"); err != nil {
		t.Fatal(err)
	}
	e.drain()
	b := e.browser()
	b.login("publisher")

	d := doc(t, b.get("/catalog"))
	if got := facetCounts(d, "state"); got["deprecated"] != "1" || got["published"] != "2" {
		t.Errorf("state facet: got %v, want deprecated 1, published 2", got)
	}
	link, ok := d.Find(`[data-testid="facet-state"] [data-value="deprecated"]`).Attr("href")
	if !ok {
		t.Fatal("no Deprecated filter")
	}
	d = doc(t, b.get(link))
	var slugs []string
	d.Find(`[data-testid="hit"]`).Each(func(_ int, s *goquery.Selection) { slugs = append(slugs, s.AttrOr("data-slug", "")) })
	if !slices.Equal(slugs, []string{"charges"}) {
		t.Errorf("deprecated filter: got %v, want [charges]", slugs)
	}
	// The card shows the API's own state and default version.
	if got := strings.TrimSpace(d.Find(`[data-testid="hit-state"]`).Text()); got != "published" {
		t.Errorf("card state: got %q, want published", got)
	}
	// The other states keep their counts with the filter on.
	if got := facetCounts(d, "state"); got["published"] != "2" || got["deprecated"] != "1" {
		t.Errorf("state facet with the filter on: got %v, want published 2, deprecated 1", got)
	}
}

// TestCatalogSnippetsArePlainText: descriptions written in Markdown or HTML
// give snippets of their words; the highlighter's marks are the only markup
// and the rest is escaped.
func TestCatalogSnippetsArePlainText(t *testing.T) {
	e := newEnvWithSearch(t)
	p := e.publisher()
	spec := []byte(`openapi: 3.0.3
info: {title: Charges, version: 1.0.0}
paths:
  /charges/{id}/capture:
    post:
      summary: Capture a **charge**
      description: '<p>Capture the payment of an existing charge, first you <a href="#create_charge">created a charge</a>.</p><script>alert("x")</script>'
      responses: {"200": {description: ok}}
`)
	p.publish("payments", lifecycle.APIInput{Slug: "charges", Name: "Charges",
		Summary:     "Take **payments** <b>now</b>",
		Description: "# Payments\n\nCapture [the payment](https://x.test) of a `charge` <img src=x onerror=alert(1)> & more <i>payment</i> <script>alert(2)</script>"},
		"1.0.0", spec)
	e.drain()
	b := e.browser()
	b.login("publisher")

	marks := regexp.MustCompile(`</?mark>`)
	for _, q := range []string{"capture payment", "payment", "charge", "alert", "more"} {
		_, body := e.searchJSON(e.token(p.admin), url.Values{"q": {q}})
		hits, _ := body["hits"].([]any)
		var highlights []string
		for _, h := range hits {
			for _, hl := range h.(map[string]any)["highlights"].([]any) {
				highlights = append(highlights, hl.(string))
			}
		}
		d := doc(t, b.get("/catalog?q="+url.QueryEscape(q)))
		d.Find(`[data-testid="highlights"] p`).Each(func(_ int, s *goquery.Selection) {
			h, _ := s.Html()
			highlights = append(highlights, strings.TrimSpace(h))
			if s.Find("*").Not("mark").Length() != 0 {
				t.Errorf("q=%q: snippet %q holds elements other than <mark>", q, h)
			}
		})
		if q == "capture payment" && len(highlights) == 0 {
			t.Fatalf("q=%q: no snippet", q)
		}
		for _, hl := range highlights {
			text := marks.ReplaceAllString(hl, "")
			if strings.ContainsAny(text, "<>") {
				t.Errorf("q=%q: snippet %q holds markup besides <mark>", q, hl)
			}
			for _, md := range []string{"**", "](", "`", "# ", "onerror", "alert(", "href"} {
				if strings.Contains(text, md) {
					t.Errorf("q=%q: snippet %q holds %q", q, hl, md)
				}
			}
			if strings.Count(hl, "<mark>") != strings.Count(hl, "</mark>") {
				t.Errorf("q=%q: snippet %q has unbalanced marks", q, hl)
			}
		}
	}
}

// TestCatalogNumberedPages: numbered pages around the current one, the first
// and the last, and a jump form that works without JavaScript.
func TestCatalogNumberedPages(t *testing.T) {
	e := newEnvWithSearch(t)
	p := e.publisher()
	for i := range 45 {
		slug := fmt.Sprintf("api-%02d", i)
		p.publish("payments", lifecycle.APIInput{Slug: slug, Name: "API " + slug}, "1.0.0", tinySpec(slug, "/things", "List things"))
	}
	e.drain()
	b := e.browser()
	b.login("publisher")

	numbers := func(d *goquery.Document) []string {
		var out []string
		d.Find(`[data-testid="page-numbers"] > *`).Each(func(_ int, s *goquery.Selection) {
			n := strings.TrimSpace(s.Text())
			if s.AttrOr("aria-current", "") == "page" {
				n = "[" + n + "]"
			}
			out = append(out, n)
		})
		return out
	}
	tests := []struct {
		path string
		want []string
	}{
		{"/catalog?per_page=5", []string{"[1]", "2", "3", "…", "9"}},
		{"/catalog?per_page=5&page=5", []string{"1", "…", "3", "4", "[5]", "6", "7", "…", "9"}},
		{"/catalog?per_page=5&page=9", []string{"1", "…", "7", "8", "[9]"}},
	}
	for _, tt := range tests {
		d := doc(t, b.get(tt.path))
		if got := numbers(d); !slices.Equal(got, tt.want) {
			t.Errorf("%s: pages got %v, want %v", tt.path, got, tt.want)
		}
	}
	d := doc(t, b.get("/catalog?per_page=5&sort=name"))
	if href, _ := d.Find(`[data-testid="page-numbers"] a:contains("9")`).Attr("href"); href != "/catalog?page=9&per_page=5&sort=name" {
		t.Errorf("link to page 9: got %q", href)
	}
	if got := strings.Join(strings.Fields(d.Find(`[data-testid="page-jump"]`).Text()), " "); got != "Page of 9 Go" {
		t.Errorf("jump form text: got %q, want %q", got, "Page of 9 Go")
	}
	var hidden []string
	d.Find(`[data-testid="page-jump"] input[type="hidden"]`).Each(func(_ int, s *goquery.Selection) {
		hidden = append(hidden, s.AttrOr("name", "")+"="+s.AttrOr("value", ""))
	})
	if !slices.Equal(hidden, []string{"per_page=5", "sort=name"}) {
		t.Errorf("jump form keeps: got %v, want [per_page=5 sort=name]", hidden)
	}
	// The jump form's GET: a page past the end goes to the last one.
	res := b.get("/catalog?per_page=5&sort=name&page=40")
	res.Body.Close()
	if loc := res.Header.Get("Location"); res.StatusCode != 303 || loc != "/catalog?page=9&per_page=5&sort=name" {
		t.Errorf("page past the end: status %d, location %q, want 303 to the last page", res.StatusCode, loc)
	}
	// However far past the end: beyond the deepest page a search may ask
	// for (page × per_page over 10,000) too, as the jump form takes any number.
	for _, page := range []string{"2001", "10001", "99999"} {
		res := b.get("/catalog?per_page=5&sort=name&page=" + page)
		res.Body.Close()
		if loc := res.Header.Get("Location"); res.StatusCode != 303 || loc != "/catalog?page=9&per_page=5&sort=name" {
			t.Errorf("page %s, far past the end: status %d, location %q, want 303 to the last page", page, res.StatusCode, loc)
		}
	}
	d = doc(t, b.get("/catalog?per_page=5&page=9"))
	if got := d.Find(`[data-testid="hit"]`).Length(); got != 5 {
		t.Errorf("last page: got %d hits, want 5", got)
	}
}
