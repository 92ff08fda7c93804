package handlers_test

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"

	"github.com/portico-dev/portico/lifecycle"
)

// docsFixture is the API pets of payments with 1.0.0 deprecated, 2.0.0
// published (the default) and a draft 2.1.0.
func docsFixture(t *testing.T) *lcEnv {
	t.Helper()
	e := newLCEnv(t)
	e.createAPI("pets", "public")
	e.version("pets", "1.0.0", lifecycle.Deprecated)
	e.version("pets", "2.0.0", lifecycle.Published)
	e.version("pets", "2.1.0", lifecycle.Draft)
	return e
}

func TestAPIPageLeadsToTheDocs(t *testing.T) {
	e := docsFixture(t)
	b := e.browser()
	b.login("outsider")
	d := doc(t, b.get("/apis/pets"))
	if got := d.Find(`.page-header [data-testid="docs-link"]`).AttrOr("href", ""); got != "/apis/pets/versions/2.0.0#docs" {
		t.Errorf("Documentation link in the header = %q, want the default version's docs", got)
	}
	callout := d.Find(`[data-testid="docs-callout"]`)
	if !strings.Contains(callout.Text(), "2.0.0") || callout.Find(`a[href="/apis/pets/versions/2.0.0#docs"]`).Length() != 1 {
		t.Errorf("docs callout = %q, want the default version and a link to its docs", callout.Text())
	}
	// An API without a live version has no Documentation entry.
	e.createAPI("drafty", "public")
	e.version("drafty", "0.1.0", lifecycle.Draft)
	m := e.browser()
	m.login("maint")
	if n := doc(t, m.get("/apis/drafty")).Find(`[data-testid="docs-link"]`).Length(); n != 0 {
		t.Errorf("an API with drafts only shows %d Documentation links", n)
	}
}

func switcherVersions(d *goquery.Document) []string {
	return d.Find(`[data-testid="version-switcher"] a[data-version]`).Map(func(_ int, s *goquery.Selection) string { return s.AttrOr("data-version", "") })
}

func TestDocsVersionSwitcher(t *testing.T) {
	e := docsFixture(t)
	for _, tc := range []struct {
		who  string
		want []string
	}{
		{"outsider", []string{"2.0.0", "1.0.0"}},
		{"viewer", []string{"2.1.0", "2.0.0", "1.0.0"}},
	} {
		b := e.browser()
		b.login(tc.who)
		d := doc(t, b.get("/apis/pets/versions/1.0.0"))
		if got := switcherVersions(d); !slices.Equal(got, tc.want) {
			t.Errorf("%s: switcher lists %v, want %v", tc.who, got, tc.want)
		}
		cur := d.Find(`[data-testid="version-switcher"] a[aria-current="page"]`)
		if cur.Length() != 1 || cur.AttrOr("data-version", "") != "1.0.0" {
			t.Errorf("%s: current version marked %d times (%q), want once on 1.0.0", tc.who, cur.Length(), cur.AttrOr("data-version", ""))
		}
		if got := d.Find(`[data-testid="version-switcher"] a[data-version="2.0.0"]`).AttrOr("href", ""); got != "/apis/pets/versions/2.0.0#docs" {
			t.Errorf("%s: switcher link to 2.0.0 = %q", tc.who, got)
		}
	}
	// The draft itself stays hidden from outsiders.
	b := e.browser()
	b.login("outsider")
	pageWantStatus(t, "draft docs as an outsider", b.get("/apis/pets/versions/2.1.0"), http.StatusNotFound)
}

// bigDocs publishes the largest sample as big 1.0.0 and returns a browser
// logged in as maint.
func bigDocs(t *testing.T) (*lcEnv, *browser) {
	t.Helper()
	e := newLCEnv(t)
	e.createAPI("big", "public")
	data, err := os.ReadFile(largestSample(t))
	if err != nil {
		t.Fatal(err)
	}
	e.call("POST", "/api/v1/apis/big/versions", "dev", map[string]any{"version": "1.0.0", "spec": string(data)}, 201)
	b := e.browser()
	b.login("maint")
	return e, b
}

func TestDocsSidebarAnchorsAndFilter(t *testing.T) {
	_, b := bigDocs(t)
	d := doc(t, b.get("/apis/big/versions/1.0.0"))
	ops := d.Find(`[data-testid="docs"] [data-testid="operation"]`)
	links := d.Find(`[data-testid="docs-sidebar"] [data-testid="sidebar-op"]`)
	if ops.Length() < 100 || links.Length() != ops.Length() {
		t.Fatalf("%d operations, %d sidebar links: want one link per operation of the large sample", ops.Length(), links.Length())
	}
	ids := map[string]bool{}
	ops.Each(func(_ int, s *goquery.Selection) {
		id := s.AttrOr("id", "")
		if !strings.HasPrefix(id, "op-") || ids[id] {
			t.Errorf("operation id %q: want a unique op- anchor", id)
		}
		ids[id] = true
	})
	links.Each(func(i int, s *goquery.Selection) {
		href := s.AttrOr("href", "")
		if !ids[strings.TrimPrefix(href, "#")] {
			t.Errorf("sidebar link %d %q points to no operation", i, href)
		}
	})
	// An operation with an operationId is linked by it.
	first := ops.First()
	opID := first.Find(`.mono`).FilterFunction(func(_ int, s *goquery.Selection) bool { return s.Parent().Is("p") }).First().Text()
	if opID != "" && first.AttrOr("id", "") != "op-"+opID {
		t.Errorf("operation %q has anchor %q, want op-%s", opID, first.AttrOr("id", ""), opID)
	}
	// A second view gives the same anchors: links to one operation last.
	again := doc(t, b.get("/apis/big/versions/1.0.0")).Find(`[data-testid="operation"]`).Map(func(_ int, s *goquery.Selection) string { return s.AttrOr("id", "") })
	if !slices.Equal(again, ops.Map(func(_ int, s *goquery.Selection) string { return s.AttrOr("id", "") })) {
		t.Error("anchors changed between two views")
	}

	// The filter narrows the operations and the sidebar alike.
	paths := ops.Map(func(_ int, s *goquery.Selection) string { return s.Find(`[data-testid="operation-path"]`).Text() })
	word := strings.ToLower(strings.Trim(paths[len(paths)/2], "/"))
	if i := strings.IndexAny(word, "/.{"); i > 0 {
		word = word[:i]
	}
	f := doc(t, b.get("/apis/big/versions/1.0.0?q="+url.QueryEscape(word)))
	fops := f.Find(`[data-testid="docs"] [data-testid="operation"]`)
	if fops.Length() == 0 || fops.Length() >= ops.Length() {
		t.Fatalf("filter %q: %d of %d operations, want fewer but some", word, fops.Length(), ops.Length())
	}
	if n := f.Find(`[data-testid="sidebar-op"]`).Length(); n != fops.Length() {
		t.Errorf("filter %q: %d sidebar links for %d operations", word, n, fops.Length())
	}
	fops.Each(func(_ int, s *goquery.Selection) {
		if !strings.Contains(strings.ToLower(s.Find("summary").Text()+" "+s.Text()), word) {
			t.Errorf("filter %q kept %q", word, s.Find(`[data-testid="operation-path"]`).Text())
		}
	})
	if got := f.Find(`input[name="q"]`).AttrOr("value", ""); got != word {
		t.Errorf("filter box = %q, want %q", got, word)
	}
	distinct := map[string]bool{}
	fops.Each(func(_ int, s *goquery.Selection) {
		distinct[s.Find("summary").Children().First().Text()+" "+s.Find(`[data-testid="operation-path"]`).Text()] = true
	})
	if got := f.Find(`[data-testid="filter-summary"]`).Text(); !strings.Contains(got, strconv.Itoa(len(distinct))+" of ") {
		t.Errorf("filter summary = %q", got)
	}
	none := doc(t, b.get("/apis/big/versions/1.0.0?q=zzqqxxnothing"))
	if n := none.Find(`[data-testid="operation"]`).Length(); n != 0 {
		t.Errorf("a filter matching nothing shows %d operations", n)
	}
}

// metric reads one value from /metrics.
func metric(t *testing.T, e *env, name string) float64 {
	t.Helper()
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+testMetricsToken)
	res, err := e.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
	}
	t.Fatalf("no metric %s (status %d)", name, res.StatusCode)
	return 0
}

func TestDocsAreRenderedOncePerRevision(t *testing.T) {
	e := newLCEnv(t)
	e.createAPI("pets", "public")
	e.version("pets", "1.0.0", lifecycle.Draft)
	b := e.browser()
	b.login("dev")
	hits, misses := metric(t, e.env, "portico_docs_cache_hits_total"), metric(t, e.env, "portico_docs_cache_misses_total")
	for range 3 {
		if n := doc(t, b.get("/apis/pets/versions/1.0.0")).Find(`[data-testid="operation"]`).Length(); n != 2 {
			t.Fatalf("%d operations, want 2", n)
		}
	}
	b.get("/apis/pets/versions/1.0.0/reference").Body.Close()
	if got := metric(t, e.env, "portico_docs_cache_misses_total") - misses; got != 1 {
		t.Errorf("4 views rendered the docs %v times, want once", got)
	}
	if got := metric(t, e.env, "portico_docs_cache_hits_total") - hits; got != 3 {
		t.Errorf("cache hits = %v, want 3", got)
	}
	// Replacing the draft's description shows the new one at once.
	e.call("PUT", "/api/v1/apis/pets/versions/1.0.0", "dev", map[string]any{"spec": lcPetsRemoved}, 200)
	if n := doc(t, b.get("/apis/pets/versions/1.0.0")).Find(`[data-testid="operation"]`).Length(); n != 1 {
		t.Errorf("after replacing the draft: %d operations, want 1", n)
	}
	if got := metric(t, e.env, "portico_docs_cache_misses_total") - misses; got != 2 {
		t.Errorf("after replacing the draft: %v renders, want 2", got)
	}
	if got := metric(t, e.env, "portico_docs_cache_bytes"); got <= 0 {
		t.Errorf("cache bytes = %v", got)
	}
}

// position returns the index of the first element matching sel in
// document order, -1 when none.
func position(d *goquery.Document, sel string) int {
	pos := -1
	d.Find("*").EachWithBreak(func(i int, s *goquery.Selection) bool {
		if s.Is(sel) {
			pos = i
			return false
		}
		return true
	})
	return pos
}

func TestRetireIsInTheDangerZoneAndNamesItsConsequences(t *testing.T) {
	e := newLCEnv(t)
	e.createAPI("pets", "public")
	e.version("pets", "1.0.0", lifecycle.Published)
	e.call("POST", "/api/v1/apis/pets/plans", "maint", map[string]any{"slug": "free", "name": "Free", "approval": "auto"}, 201)
	e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": "finder", "name": "Finder"}, 201)
	e.call("POST", "/api/v1/apps/finder/subscriptions", "outsider", map[string]any{"api": "pets", "plan": "free", "major": 1, "purpose": "search"}, 201)
	e.call("POST", "/api/v1/apis/pets/versions/1.0.0/deprecate", "maint", map[string]any{"sunset": lcSunset(60)}, 200)
	e.version("pets", "2.0.0", lifecycle.Published)
	b := e.browser()
	b.login("maint")

	// 2.0.0 is the default and the last live version of v2; no subscription.
	d := doc(t, b.get("/apis/pets/versions/2.0.0"))
	if d.Find(`[data-testid="version-actions"] [data-testid="retire-form"]`).Length() != 0 {
		t.Error("the retire form is among the actions at the top")
	}
	docsAt, zoneAt := position(d, `#docs`), position(d, `[data-testid="danger-zone"]`)
	if zoneAt < 0 || docsAt < 0 || zoneAt < docsAt || position(d, `[data-testid="retire-form"]`) < zoneAt {
		t.Errorf("danger zone at %d, docs at %d: want the retire form in the danger zone after the docs", zoneAt, docsAt)
	}
	cons := d.Find(`[data-testid="retire-consequences"]`).Text()
	for _, want := range []string{"No app subscribes to v2", "410 Gone", "1.0.0 as the API's version", "final"} {
		if !strings.Contains(cons, want) {
			t.Errorf("2.0.0 consequences = %q, want %q", cons, want)
		}
	}

	// 1.0.0 is deprecated, the last live v1, with the finder subscription.
	d = doc(t, b.get("/apis/pets/versions/1.0.0"))
	cons = d.Find(`[data-testid="retire-consequences"]`).Text()
	for _, want := range []string{"ends the 1 pending or active subscription to v1", "finder of search (active)", "keys stop working", "410 Gone to every call to v1"} {
		if !strings.Contains(cons, want) {
			t.Errorf("1.0.0 consequences = %q, want %q", cons, want)
		}
	}

	// Without the version typed, nothing happens.
	for _, confirm := range []string{"", "yes", "2.0.0"} {
		res := b.post("/apis/pets/versions/1.0.0/retire", url.Values{"confirm": {confirm}})
		pageWantStatus(t, "retire confirmed with "+strconv.Quote(confirm), res, http.StatusUnprocessableEntity)
		d = doc(t, res)
		if msg := d.Find(`[data-testid="error-confirm"]`).Text(); !strings.Contains(msg, "Type 1.0.0") {
			t.Errorf("confirm error = %q", msg)
		}
		if !strings.Contains(d.Find(`[data-testid="retire-consequences"]`).Text(), "finder of search") {
			t.Error("the refused form no longer names the consequences")
		}
	}
	if got := e.call("GET", "/api/v1/apis/pets/versions/1.0.0", "maint", nil, 200)["state"]; got != "deprecated" {
		t.Fatalf("state after unconfirmed retires = %v, want deprecated", got)
	}
	pageWantRedirect(t, "retire", b.post("/apis/pets/versions/1.0.0/retire", url.Values{"confirm": {"1.0.0"}}), "/apis/pets/versions/1.0.0")
	if got := e.call("GET", "/api/v1/apis/pets/versions/1.0.0", "maint", nil, 200)["state"]; got != "retired" {
		t.Errorf("state after the confirmed retire = %v, want retired", got)
	}
	subs := e.call("GET", "/api/v1/subscriptions", "outsider", nil, 200)
	if !strings.Contains(strings.ReplaceAll(toJSON(t, subs), " ", ""), `"state":"ended"`) {
		t.Errorf("the subscription did not end as announced: %v", subs)
	}

	// A published last version with a subscription cannot be retired: the
	// danger zone says why and offers no form.
	e.call("POST", "/api/v1/apps/finder/subscriptions", "outsider", map[string]any{"api": "pets", "plan": "free", "major": 2, "purpose": "search"}, 201)
	d = doc(t, b.get("/apis/pets/versions/2.0.0"))
	if got := d.Find(`[data-testid="retire-refusal"]`).Text(); !strings.Contains(got, "Deprecate it first") || !strings.Contains(got, "finder of search") {
		t.Errorf("refusal = %q", got)
	}
	if d.Find(`[data-testid="retire-form"]`).Length() != 0 {
		t.Error("a retire form is offered although retiring would be refused")
	}
}

// The webhooks of an OpenAPI 3.1 description and its operations' callbacks are documented with its paths, marked,
// and filtered by "webhook"; a webhook named as a path is not confused with it.
func TestDocsShowWebhooks(t *testing.T) {
	e := newLCEnv(t)
	e.createAPI("hooks", "public")
	const src = `openapi: 3.1.0
info: {title: Hooks, version: "1.0"}
paths:
  /orders:
    post:
      summary: Place an order
      callbacks:
        paid:
          "{$request.body#/notifyUrl}":
            post:
              summary: The order was paid
              responses: {"200": {description: received}}
      responses: {"201": {description: placed}}
webhooks:
  /orders:
    post:
      summary: An order was shipped
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {order_id: {type: string}}}
      responses: {"200": {description: received}}
`
	e.call("POST", "/api/v1/apis/hooks/versions", "dev", map[string]any{"version": "1.0.0", "spec": src}, 201)
	b := e.browser()
	b.login("maint")
	d := doc(t, b.get("/apis/hooks/versions/1.0.0"))
	ops := d.Find(`[data-testid="docs"] [data-testid="operation"]`)
	if ops.Length() != 3 {
		t.Fatalf("operations: got %d, want the path's, its callback's and the webhook's", ops.Length())
	}
	cb := ops.FilterFunction(func(_ int, s *goquery.Selection) bool { return s.Find(`[data-testid="callback"]`).Length() == 1 })
	if cb.Length() != 1 || !strings.Contains(cb.Text(), "The order was paid") || !strings.Contains(cb.Text(), "POST /orders") {
		t.Errorf("callback: got %d marked operations (%q), want the callback, naming the operation that declares it", cb.Length(), cb.Text())
	}
	hook := ops.FilterFunction(func(_ int, s *goquery.Selection) bool { return s.Find(`[data-testid="webhook"]`).Length() == 1 })
	if hook.Length() != 1 || !strings.Contains(hook.Text(), "An order was shipped") || !strings.Contains(hook.Text(), "order_id") {
		t.Errorf("webhook: got %d marked operations (%q), want the webhook with its body", hook.Length(), hook.Text())
	}
	ids := map[string]bool{}
	ops.Each(func(_ int, s *goquery.Selection) { ids[s.AttrOr("id", "")] = true })
	if len(ids) != 3 {
		t.Errorf("anchors: got %v, want one each", ids)
	}
	if n := d.Find(`[data-testid="docs-sidebar"] [data-testid="sidebar-op"]`).Length(); n != 3 {
		t.Errorf("sidebar links: got %d, want 3", n)
	}
	f := doc(t, b.get("/apis/hooks/versions/1.0.0?q=webhook")).Find(`[data-testid="docs"] [data-testid="operation"]`)
	if f.Length() != 1 || f.Find(`[data-testid="webhook"]`).Length() != 1 {
		t.Errorf("filter webhook: got %d operations, want the webhook alone", f.Length())
	}
}

// The docs filter box takes 200 characters, and the server keeps the
// same: a filter of three-byte characters is neither cut in the middle of
// a character nor cut short.
func TestDocsFilterKeepsWholeCharacters(t *testing.T) {
	_, b := bigDocs(t)
	q := strings.Repeat("検", 70) // 210 bytes, 70 characters
	res := b.get("/apis/big/versions/1.0.0?q=" + url.QueryEscape(q))
	raw, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if !utf8.Valid(raw) {
		t.Error("the page is not valid UTF-8")
	}
	d, err := goquery.NewDocumentFromReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Find(`input[name="q"]`).AttrOr("value", ""); got != q {
		t.Errorf("filter box = %q (%d bytes), want the 70 characters typed", got, len(got))
	}
	long := strings.Repeat("検", 250)
	if got := doc(t, b.get("/apis/big/versions/1.0.0?q="+url.QueryEscape(long))).Find(`input[name="q"]`).AttrOr("value", ""); got != strings.Repeat("検", 200) {
		t.Errorf("a 250-character filter kept %d characters, want 200", utf8.RuneCountInString(got))
	}
}
