package handlers

import (
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/portico-dev/portico/catalog"
	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/search"
)

// parseCatalogQuery runs parseCatalogParams on a request for /catalog?query.
func parseCatalogQuery(app *fiber.App, query string) (catalogParams, map[string]string) {
	fctx := &fasthttp.RequestCtx{}
	fctx.Request.SetRequestURI("/catalog?" + query)
	c := app.AcquireCtx(fctx)
	defer app.ReleaseCtx(c)
	return parseCatalogParams(c)
}

// FuzzCatalogParams reads arbitrary /catalog query strings. Whatever the
// query, the page size and page are within their bounds and the only
// errors are of the parameters read. A search the catalog runs (no error, or
// only a page past the deepest) is within every bound, and its own link,
// p.url(), reads back as the same search.
func FuzzCatalogParams(f *testing.F) {
	for _, s := range []string{
		"",
		"q=send+an+sms",
		"q=%20pets%20&team=payments,search&team=payments&tag=a%20b&state=published,retired&sort=name&page=3&per_page=50",
		"q=a%26b%3Dc%2Fd%3F%C3%A9%2B%25&sort=updated",
		"page=501&per_page=20",
		"page=99999999999999999999&per_page=0",
		"page=-1&per_page=101",
		"state=nonsense&sort=random",
		"q=%FF%FE&tag=%00",
		"team=,,,&tag=%2C&state=",
		"q=x;y&tag=a;b&team=%2B",
		"sort=relevance&per_page=100&page=100",
		"q=%E2%80%AEevil&tag=%E2%81%A6",
	} {
		f.Add(s)
	}
	app := fiber.New()
	readFields := []string{"q", "team", "tag", "state", "sort", "per_page", "page"}
	f.Fuzz(func(t *testing.T, query string) {
		p, errs := parseCatalogQuery(app, query)
		for k := range errs {
			if !slices.Contains(readFields, k) {
				t.Fatalf("error on %q, a parameter the catalog does not read: %v", k, errs)
			}
		}
		if p.PerPage < 1 || p.PerPage > search.MaxPerPage {
			t.Fatalf("per_page %d out of 1..%d (query %q)", p.PerPage, search.MaxPerPage, query)
		}
		if p.Page < 1 || p.Page*p.PerPage > maxSearchDepth {
			t.Fatalf("page %d × per_page %d past %d (query %q)", p.Page, p.PerPage, maxSearchDepth, query)
		}
		if len(errs) > 0 && !p.pastDepth {
			return // answered 400, nothing searched
		}
		if p.pastDepth && (len(errs) != 1 || errs["page"] == "") {
			t.Fatalf("past the deepest page with other errors: %v", errs)
		}
		if !utf8.ValidString(p.Q) || utf8.RuneCountInString(p.Q) > catalog.MaxQueryLength {
			t.Fatalf("q %q is invalid UTF-8 or longer than %d", p.Q, catalog.MaxQueryLength)
		}
		for _, vs := range [][]string{p.Teams, p.Tags, p.States} {
			if len(vs) > catalog.MaxFilterValues {
				t.Fatalf("%d filter values, more than %d", len(vs), catalog.MaxFilterValues)
			}
			for _, v := range vs {
				if v == "" || !utf8.ValidString(v) || utf8.RuneCountInString(v) > catalog.MaxFilterLength {
					t.Fatalf("filter value %q is empty, invalid UTF-8 or longer than %d", v, catalog.MaxFilterLength)
				}
			}
		}
		for _, s := range p.States {
			if !slices.Contains(lifecycle.States(), lifecycle.State(s)) {
				t.Fatalf("unknown state %q accepted", s)
			}
		}
		switch p.Sort {
		case "", search.SortRelevance, search.SortName, search.SortUpdated:
		default:
			t.Fatalf("unknown sort %q accepted", p.Sort)
		}

		enc := p.encode()
		if want := p.values().Encode(); enc != want {
			t.Fatalf("encode() = %q, values().Encode() = %q", enc, want)
		}
		again, errs := parseCatalogQuery(app, enc)
		if len(errs) > 0 {
			t.Fatalf("the search's own link %q is refused: %v (query %q)", enc, errs, query)
		}
		norm := func(p catalogParams) catalogParams {
			if p.Sort == search.SortRelevance {
				p.Sort = ""
			}
			p.pastDepth = false
			return p
		}
		a, b := norm(p), norm(again)
		if a.Q != b.Q || !slices.Equal(a.Teams, b.Teams) || !slices.Equal(a.Tags, b.Tags) || !slices.Equal(a.States, b.States) ||
			a.Sort != b.Sort || a.Page != b.Page || a.PerPage != b.PerPage {
			t.Fatalf("round trip through %q:\n got %+v\nwant %+v (query %q)", enc, b, a, query)
		}
		if again.encode() != enc {
			t.Fatalf("encoding is not stable: %q then %q", enc, again.encode())
		}
	})
}
