package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/portico-dev/portico/auth"
	"github.com/portico-dev/portico/catalog"
	"github.com/portico-dev/portico/handlers"
	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/logtest"
	"github.com/portico-dev/portico/outbox"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/search"
	"github.com/portico-dev/portico/spec"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// searchEnv is a portal with an embedded search index fed by the outbox.
type searchEnv struct {
	*env
	index  *search.Bleve
	feed   *catalog.Feed
	worker *outbox.Worker
}

// newEnvWithSearch is newEnv with a Bleve index in a temporary directory,
// opened with opts, and an outbox worker that tests drain with e.drain().
func newEnvWithSearch(t testing.TB, opts ...search.BleveOption) *searchEnv {
	t.Helper()
	return newEnvWithSearchAnd(t, nil, opts...)
}

// newEnvWithSearchAnd is newEnvWithSearch whose handler options more
// changes (nil: none).
func newEnvWithSearchAnd(t testing.TB, more func(*handlers.Options), opts ...search.BleveOption) *searchEnv {
	t.Helper()
	s := storetest.New(t)
	idx, err := search.OpenBleve(filepath.Join(t.TempDir(), "search.bleve"), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	e := &env{t: t, store: s, hasher: auth.NewTestHasher(), logs: &logtest.Buffer{}}
	p, err := policy.New(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	feed := catalog.NewFeed(s, idx, catalog.FeedOptions{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ho := handlers.Options{Logger: logger, Hasher: e.hasher, Search: idx, Instance: "web-1", Index: feed, MetricsToken: testMetricsToken}
	if more != nil {
		more(&ho)
	}
	e.app = handlers.New(s, p, ho).App()
	w := outbox.New(s, map[string]outbox.Handler{lifecycle.TopicSearchIndex: feed.Handle},
		outbox.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), BaseBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond})
	return &searchEnv{env: e, index: idx, feed: feed, worker: w}
}

// drain delivers every outbox message and applies the index log to the index.
func (e *searchEnv) drain() {
	e.t.Helper()
	if _, err := e.worker.Drain(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.feed.CatchUp(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	stats, err := e.store.OutboxStats(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	if n := stats[lifecycle.TopicSearchIndex]; n != 0 {
		e.t.Fatalf("%d search messages still pending after draining", n)
	}
}

// publisher publishes APIs through the lifecycle as an org admin (Import).
type publisher struct {
	e     *searchEnv
	svc   *lifecycle.Service
	admin *store.User
}

func (e *searchEnv) publisher() *publisher {
	e.t.Helper()
	admin, err := e.store.UserByUsername(context.Background(), "publisher")
	if err != nil {
		admin = e.user("publisher", policy.RoleAdmin, "", "")
	}
	p, err := policy.New(context.Background(), e.store)
	if err != nil {
		e.t.Fatal(err)
	}
	return &publisher{e: e, svc: lifecycle.New(e.store, p, lifecycle.Options{}), admin: admin}
}

func (p *publisher) publish(team string, in lifecycle.APIInput, version string, specText []byte) *store.API {
	t := p.e.t
	t.Helper()
	ctx := context.Background()
	a, err := p.svc.CreateAPI(ctx, p.admin, p.e.team(team), in)
	if err != nil {
		t.Fatalf("create %s: %v", in.Slug, err)
	}
	v, err := p.svc.CreateVersion(ctx, p.admin, a, version, specText)
	if err != nil {
		t.Fatalf("version %s: %v", in.Slug, err)
	}
	if err := p.svc.Import(ctx, p.admin, a, v); err != nil {
		t.Fatalf("import %s: %v", in.Slug, err)
	}
	return a
}

func tinySpec(title, path, summary string) []byte {
	return []byte(fmt.Sprintf(`openapi: 3.0.3
info: {title: %q, version: 1.0.0}
paths:
  %s:
    get:
      summary: %q
      responses: {"200": {description: ok}}
`, title, path, summary))
}

// searchJSON calls /api/v1/search and returns the status and decoded body.
func (e *searchEnv) searchJSON(token string, query url.Values) (int, map[string]any) {
	e.t.Helper()
	res, body := e.api("GET", "/api/v1/search?"+query.Encode(), token, nil)
	return res.StatusCode, body
}

func hitSlugs(body map[string]any) []string {
	var out []string
	hits, _ := body["hits"].([]any)
	for _, h := range hits {
		m, _ := h.(map[string]any)
		s, _ := m["api"].(string)
		out = append(out, s)
	}
	return out
}

func facetValues(body map[string]any, name string) map[string]int {
	out := map[string]int{}
	facets, _ := body["facets"].(map[string]any)
	vs, _ := facets[name].([]any)
	for _, v := range vs {
		m, _ := v.(map[string]any)
		value, _ := m["value"].(string)
		count, _ := m["count"].(float64)
		out[value] = int(count)
	}
	return out
}

// samplesDir is the repository's samples/openapi.
func samplesDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "samples", "openapi")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("OpenAPI samples not found at %s: %v", dir, err)
	}
	return dir
}

var sampleSlugChars = regexp.MustCompile(`[^a-z0-9]+`)
var sampleTagChars = regexp.MustCompile(`[^a-z0-9 ._-]+`)

// loadSamples publishes every valid sample as an API of team "corpus" with the
// spec's tags, through the lifecycle and the outbox, and returns their slugs
// by file name prefix (the provider).
func loadSamples(t testing.TB, e *searchEnv) map[string]string {
	t.Helper()
	dir := samplesDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	p := e.publisher()
	slugs := map[string]string{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := spec.Parse(raw)
		if err != nil {
			t.Fatalf("%s: %v", f, err) // every sample is accepted
		}
		base := strings.TrimSuffix(filepath.Base(f), ".yaml")
		parts := strings.Split(base, "__")
		slug := strings.Trim(sampleSlugChars.ReplaceAllString(parts[0]+"-"+parts[1], "-"), "-")
		if len(slug) > 60 {
			slug = slug[:60]
		}
		var tags []string
		for _, tag := range doc.Tags() {
			tag = strings.Join(strings.Fields(sampleTagChars.ReplaceAllString(strings.ToLower(tag), " ")), " ")
			if tag != "" && len(tag) <= 40 && len(tags) < 5 && tag[0] != '.' && tag[0] != '_' && tag[0] != '-' {
				tags = append(tags, tag)
			}
		}
		desc := doc.Description
		if len(desc) > 20000 {
			desc = desc[:20000]
		}
		p.publish("corpus", lifecycle.APIInput{Slug: slug, Name: doc.Title, Description: desc, Tags: tags}, "1.0.0", raw)
		slugs[parts[0]] = slug
	}
	e.drain()
	return slugs
}

func TestSearchRelevanceOnSamples(t *testing.T) {
	if testing.Short() {
		t.Skip("publishes the whole sample corpus")
	}
	e := newEnvWithSearch(t)
	slugs := loadSamples(t, e)
	tok := e.token(e.user("reader", policy.RoleMember, "", ""))
	tests := []struct {
		name, query, provider string
	}{
		{"purpose", "send an SMS", "nexmo.com"},
		{"purpose, other words", "remove the background of an image", "remove.bg"},
		{"operation path", "/v1/charges", "stripe.com"},
		{"operation path without slash", "audio-features", "spotify.com"},
		{"operation id", "getGifsById", "giphy.com"},
		{"operation id words", "account followers", "mastodon.local"},
		{"tag from the spec", "historical weather data", "visualcrossing.com"},
		{"typo in a name", "spotfy", "spotify.com"},
		{"typo in a word", "transalte text", "libretranslate.local"},
		{"prefix as you type", "geocod", "opencagedata.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := slugs[tt.provider]
			if want == "" {
				t.Fatalf("sample %s not loaded", tt.provider)
			}
			status, body := e.searchJSON(tok, url.Values{"q": {tt.query}, "per_page": {"5"}})
			if status != 200 {
				t.Fatalf("status %d, want 200: %v", status, body)
			}
			got := hitSlugs(body)
			if !slices.Contains(got, want) {
				t.Errorf("top 5 for %q: got %v, want %s among them", tt.query, got, want)
			}
		})
	}
}

// leakFixture has a team-only API in team "vault" among public APIs.
func leakFixture(t *testing.T) (*searchEnv, map[string]string) {
	t.Helper()
	e := newEnvWithSearch(t)
	p := e.publisher()
	p.publish("payments", lifecycle.APIInput{Slug: "ledger", Name: "Public Ledger", Summary: "Ledger entries.", Tags: []string{"ledger", "finance"}}, "1.0.0", tinySpec("Ledger", "/entries", "List ledger entries"))
	p.publish("payments", lifecycle.APIInput{Slug: "cards", Name: "Cards", Tags: []string{"finance"}}, "1.0.0", tinySpec("Cards", "/cards", "List cards"))
	p.publish("vault", lifecycle.APIInput{Slug: "quantum-ledger", Name: "Quantum Ledger", Summary: "Secret ledger.", Tags: []string{"ledger", "secret-tag"}, Visibility: store.VisibilityTeam},
		"1.0.0", tinySpec("Quantum", "/quantum/entries", "List quantum ledger entries"))
	e.drain()
	tokens := map[string]string{
		"outsider": e.token(e.user("outsider", policy.RoleMember, "payments", policy.RoleOwner)),
		"insider":  e.token(e.user("insider", policy.RoleMember, "vault", policy.RoleViewer)),
		"admin":    e.token(e.user("boss", policy.RoleAdmin, "", "")),
		"approver": e.token(e.user("approver", policy.RoleApprover, "", "")),
	}
	return e, tokens
}

// TestSearchFindsWhatOpens: a team-only API is found by exactly those whose
// request for its page succeeds: its team, org approvers and admins.
func TestSearchFindsWhatOpens(t *testing.T) {
	e, tokens := leakFixture(t)
	for _, who := range []string{"outsider", "insider", "approver", "admin"} {
		status, body := e.searchJSON(tokens[who], url.Values{"q": {"quantum"}})
		if status != 200 {
			t.Fatalf("%s: search status %d", who, status)
		}
		found := slices.Contains(hitSlugs(body), "quantum-ledger")
		res, _ := e.api("GET", "/api/v1/apis/quantum-ledger", tokens[who], nil)
		if opens := res.StatusCode == 200; found != opens {
			t.Errorf("%s: search finds the team-only API: %v; its page opens: %v (status %d)", who, found, opens, res.StatusCode)
		}
	}
}

func TestSearchAPINeverLeaksTeamOnlyAPIs(t *testing.T) {
	e, tokens := leakFixture(t)
	tests := []struct {
		who        string
		query      url.Values
		wantSecret bool
		wantTotal  int
	}{
		{"outsider", url.Values{}, false, 2},
		{"outsider", url.Values{"q": {"ledger"}}, false, 1},
		{"outsider", url.Values{"q": {"quantum"}}, false, 0},
		{"outsider", url.Values{"tag": {"secret-tag"}}, false, 0},
		{"outsider", url.Values{"team": {"vault"}}, false, 0},
		{"outsider", url.Values{"q": {"quantum ledger"}, "sort": {"name"}}, false, 1},
		{"insider", url.Values{}, true, 3},
		{"insider", url.Values{"q": {"quantum"}}, true, 1},
		{"admin", url.Values{"q": {"ledger"}}, true, 2},
		{"approver", url.Values{"q": {"ledger"}}, true, 2},
	}
	for _, tt := range tests {
		t.Run(tt.who+" "+tt.query.Encode(), func(t *testing.T) {
			status, body := e.searchJSON(tokens[tt.who], tt.query)
			if status != 200 {
				t.Fatalf("status %d, want 200: %v", status, body)
			}
			hasSecret := slices.Contains(hitSlugs(body), "quantum-ledger")
			total, _ := body["total"].(float64)
			if hasSecret != tt.wantSecret || int(total) != tt.wantTotal {
				t.Errorf("got secret hit %v and total %v, want %v and %d", hasSecret, total, tt.wantSecret, tt.wantTotal)
			}
			teams, tags := facetValues(body, "team"), facetValues(body, "tag")
			_, vaultFacet := teams["vault"]
			_, secretTag := tags["secret-tag"]
			if !tt.wantSecret && (vaultFacet || secretTag) {
				t.Errorf("facets reveal the team-only API: teams %v, tags %v", teams, tags)
			}
			if !tt.wantSecret && tags["ledger"] > 1 {
				t.Errorf("tag ledger counts %d APIs, want at most the 1 public one", tags["ledger"])
			}
		})
	}
}

func TestCatalogPageNeverLeaksTeamOnlyAPIs(t *testing.T) {
	e, _ := leakFixture(t)
	tests := []struct {
		who        string
		path       string
		wantSecret bool
		wantTotal  string
	}{
		{"outsider", "/catalog", false, "2 APIs"},
		{"outsider", "/catalog?q=ledger", false, "1 API for ledger"},
		{"outsider", "/catalog?q=quantum", false, ""},
		{"outsider", "/catalog?tag=secret-tag", false, ""},
		{"insider", "/catalog", true, "3 APIs"},
		{"insider", "/catalog?q=quantum", true, "1 API for quantum"},
	}
	users := map[string]string{"outsider": "outsider", "insider": "insider"}
	for _, tt := range tests {
		t.Run(tt.who+" "+tt.path, func(t *testing.T) {
			b := e.browser()
			b.login(users[tt.who])
			res := b.get(tt.path)
			if res.StatusCode != 200 {
				t.Fatalf("status %d, want 200", res.StatusCode)
			}
			d := doc(t, res)
			html, _ := d.Html()
			// The viewer's own filter is echoed back (tag=secret-tag), never what only the team knows.
			if !tt.wantSecret && (strings.Contains(html, "Quantum") || strings.Contains(html, "vault") || strings.Contains(html, "quantum-ledger")) {
				t.Errorf("page mentions the team-only API: want no trace of it")
			}
			d.Find(`[data-testid="facet-value"]`).Each(func(_ int, s *goquery.Selection) {
				if v := s.AttrOr("data-value", ""); v == "secret-tag" && !tt.wantSecret {
					if c := strings.TrimSpace(s.Find(`[data-testid="facet-count"]`).Text()); c != "0" {
						t.Errorf("facet secret-tag count: got %s, want 0", c)
					}
				}
			})
			if got := d.Find(`[data-testid="hit"][data-slug="quantum-ledger"]`).Length() > 0; got != tt.wantSecret {
				t.Errorf("secret hit shown: got %v, want %v", got, tt.wantSecret)
			}
			if tt.wantTotal != "" {
				if got := strings.Join(strings.Fields(d.Find(`[data-testid="total"]`).Text()), " "); got != tt.wantTotal {
					t.Errorf("total: got %q, want %q", got, tt.wantTotal)
				}
			}
		})
	}
}

func TestCatalogPage(t *testing.T) {
	e, _ := leakFixture(t)
	b := e.browser()
	b.login("outsider")

	d := doc(t, b.get("/catalog?q=ledger"))
	if got := d.Find(`[data-testid="hit"]`).Length(); got != 1 {
		t.Fatalf("hits: got %d, want 1", got)
	}
	hit := d.Find(`[data-testid="hit"]`).First()
	if href, _ := hit.Find(`[data-testid="hit-link"]`).Attr("href"); href != "/apis/ledger" {
		t.Errorf("hit link: got %q, want /apis/ledger", href)
	}
	if got := strings.TrimSpace(hit.Find(`[data-testid="hit-state"]`).Text()); got != "published" {
		t.Errorf("state badge: got %q, want published", got)
	}
	if got := hit.Find(`[data-testid="highlights"] mark`).Length(); got == 0 {
		t.Error("highlights: got no <mark>, want the match marked")
	}
	if q, _ := d.Find(`[data-testid="catalog-q"]`).Attr("value"); q != "ledger" {
		t.Errorf("search box value: got %q, want ledger", q)
	}
	// A facet link keeps the query and toggles the filter.
	link, ok := d.Find(`[data-testid="facet-tag"] [data-value="finance"]`).Attr("href")
	if !ok {
		t.Fatal("no facet link for tag finance")
	}
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	if u.Path != "/catalog" || u.Query().Get("q") != "ledger" || u.Query().Get("tag") != "finance" {
		t.Errorf("facet link: got %q, want /catalog with q=ledger and tag=finance", link)
	}
	d = doc(t, b.get(link))
	if got := d.Find(`[data-testid="facet-tag"] [aria-current]`).AttrOr("data-value", ""); got != "finance" {
		t.Errorf("active facet: got %q, want finance", got)
	}
	if hidden := d.Find(`form[data-testid="catalog-search"] input[type="hidden"][name="tag"]`).AttrOr("value", ""); hidden != "finance" {
		t.Errorf("search form keeps the filter: got tag=%q, want finance", hidden)
	}

	// htmx search-as-you-type gets only the results.
	req := httptest.NewRequest("GET", "/catalog?q=cards", nil)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Target", "results")
	res := b.do(req)
	body := readAll(t, res)
	if res.StatusCode != 200 || strings.Contains(body, "<html") || strings.Contains(body, `data-testid="catalog-search"`) || !strings.Contains(body, `data-slug="cards"`) {
		t.Errorf("htmx fragment: status %d, body %.300q, want only the results with the cards hit", res.StatusCode, body)
	}

	// No results: the query is shown with a way out.
	d = doc(t, b.get("/catalog?q=zzzzzzzz&tag=finance"))
	empty := d.Find(`[data-testid="empty"]`)
	if !strings.Contains(empty.Text(), "zzzzzzzz") || d.Find(`[data-testid="clear-filters"]`).Length() != 1 {
		t.Errorf("no-results state: got %q, want the query and a clear-filters link", strings.TrimSpace(empty.Text()))
	}

	// Sort by name orders the hits.
	d = doc(t, b.get("/catalog?sort=name"))
	var names []string
	d.Find(`[data-testid="hit-link"]`).Each(func(_ int, s *goquery.Selection) { names = append(names, strings.TrimSpace(s.Text())) })
	if !slices.Equal(names, []string{"Cards", "Public Ledger"}) {
		t.Errorf("sorted by name: got %v, want [Cards Public Ledger]", names)
	}

	res = b.get("/catalog?sort=bogus")
	res.Body.Close()
	if res.StatusCode != 400 {
		t.Errorf("bad sort: status %d, want 400", res.StatusCode)
	}
}

func TestCatalogPagination(t *testing.T) {
	e := newEnvWithSearch(t)
	p := e.publisher()
	for i := range 25 {
		slug := fmt.Sprintf("api-%02d", i)
		p.publish("payments", lifecycle.APIInput{Slug: slug, Name: "API " + slug}, "1.0.0", tinySpec(slug, "/things", "List things"))
	}
	e.drain()
	b := e.browser()
	b.login("publisher")
	d := doc(t, b.get("/catalog"))
	if got := d.Find(`[data-testid="hit"]`).Length(); got != 20 {
		t.Errorf("first page: got %d hits, want 20", got)
	}
	next, ok := d.Find(`[data-testid="next"]`).Attr("href")
	if !ok || next != "/catalog?page=2" {
		t.Fatalf("next link: got %q, want /catalog?page=2", next)
	}
	d = doc(t, b.get(next))
	if got := d.Find(`[data-testid="hit"]`).Length(); got != 5 {
		t.Errorf("second page: got %d hits, want 5", got)
	}
	if d.Find(`[data-testid="next"]`).Length() != 0 || d.Find(`[data-testid="prev"]`).Length() != 1 {
		t.Error("second page: want a previous link and no next link")
	}
}

func TestCatalogEmptyStates(t *testing.T) {
	e := newEnvWithSearch(t)
	e.user("admin", policy.RoleAdmin, "", "")
	e.user("member", policy.RoleMember, "", "")
	tests := []struct {
		who      string
		wantHint bool
	}{{"admin", true}, {"member", false}}
	for _, tt := range tests {
		t.Run(tt.who, func(t *testing.T) {
			b := e.browser()
			b.login(tt.who)
			d := doc(t, b.get("/catalog"))
			if d.Find(`[data-testid="empty"]`).Length() != 1 {
				t.Fatal("no empty state on an empty catalog")
			}
			hint := d.Find(`[data-testid="demo-hint"]`)
			if got := hint.Length() == 1 && strings.Contains(hint.Text(), "portico demo"); got != tt.wantHint {
				t.Errorf("portico demo hint: got %v, want %v", got, tt.wantHint)
			}
		})
	}
	// The dashboard offers the search box and the navigation the catalog.
	b := e.browser()
	b.login("member")
	d := doc(t, b.get("/"))
	if action, _ := d.Find(`form[data-testid="dashboard-search"]`).Attr("action"); action != "/catalog" {
		t.Errorf("dashboard search form action: got %q, want /catalog", action)
	}
	if d.Find(`nav a[href="/catalog"]`).Length() != 1 {
		t.Error("main navigation: no Catalog link")
	}
}

func TestSearchAPIParametersAndStates(t *testing.T) {
	e, tokens := leakFixture(t)
	ctx := context.Background()
	// Retire the cards API: hidden by default, found with state=retired.
	p := e.publisher()
	a, err := e.store.APIBySlug(ctx, "cards")
	if err != nil {
		t.Fatal(err)
	}
	v, err := e.store.Version(ctx, a.ID, "1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.svc.Retire(ctx, p.admin, a, v); err != nil {
		t.Fatal(err)
	}
	e.drain()
	tok := tokens["outsider"]
	status, body := e.searchJSON(tok, url.Values{"q": {"cards"}})
	if status != 200 || len(hitSlugs(body)) != 0 {
		t.Errorf("retired API by default: status %d hits %v, want 200 and none", status, hitSlugs(body))
	}
	status, body = e.searchJSON(tok, url.Values{"q": {"cards"}, "state": {"retired"}})
	if status != 200 || !slices.Equal(hitSlugs(body), []string{"cards"}) || facetValues(body, "state")["retired"] != 1 {
		t.Errorf("state=retired: status %d hits %v facets %v, want [cards] with state retired 1", status, hitSlugs(body), body["facets"])
	}
	if page, _ := body["page"].(float64); page != 1 {
		t.Errorf("page: got %v, want 1", body["page"])
	}

	bad := []struct {
		query url.Values
		field string
	}{
		{url.Values{"sort": {"popularity"}}, "sort"},
		{url.Values{"page": {"0"}}, "page"},
		{url.Values{"page": {"two"}}, "page"},
		{url.Values{"per_page": {"500"}}, "per_page"},
		{url.Values{"state": {"gone"}}, "state"},
		{url.Values{"page": {"200"}, "per_page": {"100"}}, "page"},
		{url.Values{"q": {strings.Repeat("x", 201)}}, "q"},
	}
	for _, tt := range bad {
		t.Run(tt.query.Encode(), func(t *testing.T) {
			status, body := e.searchJSON(tok, tt.query)
			if status != 422 {
				t.Fatalf("status %d, want 422", status)
			}
			errs, _ := body["errors"].([]any)
			found := false
			for _, fe := range errs {
				m, _ := fe.(map[string]any)
				found = found || m["field"] == tt.field
			}
			if !found {
				t.Errorf("problem errors %v, want one for field %s", errs, tt.field)
			}
		})
	}
}

func TestCatalogWithoutIndexIs503(t *testing.T) {
	e := newEnv(t)
	u := e.user("member", policy.RoleMember, "", "")
	b := e.browser()
	b.login("member")
	res := b.get("/catalog")
	if res.StatusCode != 503 || !strings.Contains(readAll(t, res), "Search is not configured") {
		t.Errorf("GET /catalog without index: status %d, want 503 with an explanation", res.StatusCode)
	}
	res, _ = e.api("GET", "/api/v1/search", e.token(u), nil)
	if res.StatusCode != 503 {
		t.Errorf("GET /api/v1/search without index: status %d, want 503", res.StatusCode)
	}
}

// TestReadinessFollowsTheIndex: /readyz names the instance and says how far
// its index is behind the index log; an index being built is not ready.
func TestReadinessFollowsTheIndex(t *testing.T) {
	e := newEnvWithSearch(t)
	readyz := func() (int, map[string]any) {
		t.Helper()
		res, err := e.app.Test(httptest.NewRequest("GET", "/readyz", nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode, body
	}
	status, body := readyz()
	index, _ := body["index"].(map[string]any)
	if status != http.StatusServiceUnavailable || body["status"] != "unavailable" || index["state"] != "starting" || body["instance"] != "web-1" {
		t.Errorf("before the index was looked at: %d %v, want 503, state starting, instance web-1", status, body)
	}
	e.publisher().publish("payments", lifecycle.APIInput{Slug: "sms", Name: "SMS", Visibility: store.VisibilityPublic}, "1.0.0", tinySpec("SMS", "/sms", "Send"))
	e.drain()
	status, body = readyz()
	index, _ = body["index"].(map[string]any)
	if status != http.StatusOK || body["status"] != "ok" || index["state"] != "following" || index["behind"] != 0.0 || index["position"] == 0.0 ||
		index["position"] != index["head"] || index["shared"] != false || index["failing"] != false {
		t.Errorf("once following: %d %v, want 200, following at the head", status, body)
	}
	if _, ok := index["meaning_pending"]; ok {
		t.Errorf("an index ranking by words alone: /readyz has meaning_pending %v, want none", index["meaning_pending"])
	}
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+testMetricsToken)
	res, err := e.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	metrics := readAll(t, res)
	for _, want := range []string{"portico_index_log_position ", "portico_index_log_head ", "portico_index_lag_seconds 0"} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}
