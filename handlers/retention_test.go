package handlers_test

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/policy"
)

// The app runs without fiber's Immutable: what c.FormValue, c.Params,
// c.Query, c.Get and c.Cookies return points into fasthttp's request
// buffers, which the next request served on the same RequestCtx overwrites.
// These tests serve a request on a RequestCtx of their own, serve another
// one on it (as the server does with its pooled contexts), and check that
// what the first request left in the portal's memory is still what it sent.

// postOn serves a form POST on fctx with the browser's cookies and returns
// the status.
func (b *browser) postOn(fctx *fasthttp.RequestCtx, path string, form url.Values) int {
	b.e.t.Helper()
	fctx.Request.Reset()
	fctx.Response.Reset()
	fctx.Request.Header.SetMethod(fasthttp.MethodPost)
	fctx.Request.SetRequestURI(path)
	fctx.Request.Header.SetHost("example.com")
	fctx.Request.Header.SetContentType("application/x-www-form-urlencoded")
	for k, v := range b.cookies {
		fctx.Request.Header.SetCookie(k, v)
	}
	fctx.Request.SetBodyString(form.Encode())
	b.e.app.Handler()(fctx)
	return fctx.Response.StatusCode()
}

// TestSynonymsFormOwnsItsText: the synonym list saved from the page is kept
// by the search index (its typo corrections towards the list's words) after
// the request that sent it. Before the fix the index kept the form's words
// as they lay in the request buffer, and the next request overwrote them: a
// typo of a synonym no longer found what the synonym finds.
func TestSynonymsFormOwnsItsText(t *testing.T) {
	e := newEnvWithSearch(t)
	admin := e.user("admin", policy.RoleAdmin, "", "")
	tok := e.token(admin)
	e.publisher().publish("payments", lifecycle.APIInput{Slug: "widgets", Name: "Widget Store", Summary: "Sells widgets."}, "1.0.0",
		tinySpec("Widgets", "/widgets", "List widgets"))
	e.drain()

	b := e.browser()
	b.login("admin")
	var fctx fasthttp.RequestCtx
	if status := b.postOn(&fctx, "/search/synonyms", url.Values{"_csrf": {b.csrf()}, "synonyms": {"zorblax, widget"}}); status != fasthttp.StatusSeeOther {
		t.Fatalf("save synonyms: status %d, want 303: %s", status, fctx.Response.Body())
	}
	// The next request on the same context: the same fields, other bytes
	// (refused for its token, after its form was read).
	b.postOn(&fctx, "/search/synonyms", url.Values{"_csrf": {"x"}, "synonyms": {"qqqqqqq, qqqqqq"}})

	// "zorblix" is a typo of the synonym "zorblax": corrected to it, it
	// finds the APIs that "widget" finds.
	res, out := e.api("GET", "/api/v1/search?q=zorblix", tok, nil)
	if res.StatusCode != 200 {
		t.Fatalf("search: status %d: %v", res.StatusCode, out)
	}
	hits, _ := out["hits"].([]any)
	if len(hits) != 1 || hits[0].(map[string]any)["api"] != "widgets" {
		t.Errorf("search for a typo of a synonym after another request: got %v, want the widgets API", out["hits"])
	}
}

// serveOn serves a request without a body on fctx.
func (e *env) serveOn(fctx *fasthttp.RequestCtx, method, path string) int {
	e.t.Helper()
	fctx.Request.Reset()
	fctx.Response.Reset()
	fctx.Request.Header.SetMethod(method)
	fctx.Request.SetRequestURI(path)
	fctx.Request.Header.SetHost("example.com")
	e.app.Handler()(fctx)
	return fctx.Response.StatusCode()
}

// TestMetricLabelsOwnTheirText: the method label of the request metrics is
// kept by the registry; it must still say GET once the context served a PUT.
func TestMetricLabelsOwnTheirText(t *testing.T) {
	e := newEnv(t)
	var fctx fasthttp.RequestCtx
	e.serveOn(&fctx, fasthttp.MethodGet, "/healthz")
	e.serveOn(&fctx, fasthttp.MethodPut, "/healthz")
	e.serveOn(&fctx, fasthttp.MethodPut, "/healthz")
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+testMetricsToken)
	res, err := e.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	body := readAll(t, res)
	for _, want := range []string{
		`portico_http_requests_total{method="GET",route="/healthz",status="200"} 1`,
		`portico_http_requests_total{method="PUT",route="unmatched",status="405"} 2`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// TestRouteSeriesExistBeforeTheirFirstRequest: Prometheus's rate() and
// increase() need a series' value before a request to count that request,
// so the latency histogram of every route is exported, at zero, from the
// start; a route's first request after a restart is then counted.
func TestRouteSeriesExistBeforeTheirFirstRequest(t *testing.T) {
	e := newEnv(t)
	scrape := func() string {
		req := httptest.NewRequest("GET", "/metrics", nil)
		req.Header.Set("Authorization", "Bearer "+testMetricsToken)
		res, err := e.app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		return readAll(t, res)
	}
	body := scrape()
	for _, want := range []string{
		`portico_http_request_duration_seconds_count{method="GET",route="/apis/:api"} 0`,
		`portico_http_request_duration_seconds_count{method="HEAD",route="/apis/:api"} 0`,
		`portico_http_request_duration_seconds_count{method="POST",route="/api/v1/apis"} 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics before any request lacks %s", want)
		}
	}
	var fctx fasthttp.RequestCtx
	e.serveOn(&fctx, fasthttp.MethodGet, "/healthz")
	if want := `portico_http_request_duration_seconds_count{method="GET",route="/healthz"} 1`; !strings.Contains(scrape(), want) {
		t.Errorf("/metrics after one request lacks %s", want)
	}
}
