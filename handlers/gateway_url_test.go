package handlers_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/portico-dev/portico/handlers"
	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// testGatewayBase is a gateway base URL with a character HTML escapes.
const testGatewayBase = "https://api.example.com/edge&co"

// upstreams gives the API slug an upstream URL: the gateway serves its
// majors (a URL is given only for a route it serves).
func (e *lcEnv) upstreams(slug string) {
	e.t.Helper()
	e.call("PATCH", "/api/v1/apis/"+slug, "maint", map[string]any{"upstreams": []string{"http://" + slug + ".internal:8080"}}, 200)
}

// TestGatewayURLShownToConsumers: with the gateways' public base URL set,
// the version page (published, deprecated), the app page, the page of a
// new key and the JSON API give the URL at which an API's major is called,
// with a curl example whose key is a placeholder, never the key; a draft
// and a subscription that is not active give none. (The API has upstream
// targets: see TestGatewayURLOnlyWhereServed for one without.)
func TestGatewayURLShownToConsumers(t *testing.T) {
	storetest.Each(t, testGatewayURLShownToConsumers)
}

func testGatewayURLShownToConsumers(t *testing.T, s *store.Store) {
	e := newLCEnvOn(t, s)
	e.options = func(o *handlers.Options) { o.PublicGatewayURL = testGatewayBase }
	e.app = e.build()
	const v1 = testGatewayBase + "/pets/v1/"
	const curl = `curl -H "X-API-Key: $API_KEY" '` + v1 + `'`
	e.createAPI("pets", "public")
	e.upstreams("pets")
	e.version("pets", "1.0.0", lifecycle.Published)
	e.version("pets", "3.0.0", lifecycle.Deprecated)
	e.version("pets", "2.0.0", lifecycle.Draft)
	e.call("POST", "/api/v1/apis/pets/plans", "maint", map[string]any{"slug": "free", "name": "Free", "approval": "auto"}, 201)
	e.call("POST", "/api/v1/apis/pets/plans", "maint", map[string]any{"slug": "gold", "name": "Gold", "approval": "manual"}, 201)
	e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": "finder", "name": "Finder"}, 201)
	e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": "seeker", "name": "Seeker"}, 201)
	sub := e.call("POST", "/api/v1/apps/finder/subscriptions", "outsider", map[string]any{"api": "pets", "plan": "free", "major": 1, "purpose": "search pets"}, 201)
	id := fmt.Sprint(sub["id"])
	pending := e.call("POST", "/api/v1/apps/seeker/subscriptions", "outsider", map[string]any{"api": "pets", "plan": "gold", "major": 1, "purpose": "more pets"}, 201)

	// The JSON API.
	if got := sub["gateway_url"]; got != v1 {
		t.Errorf("the new subscription's gateway_url %v, want %q", got, v1)
	}
	if got := e.call("GET", "/api/v1/subscriptions/"+id, "outsider", nil, 200)["gateway_url"]; got != v1 {
		t.Errorf("GET the subscription: gateway_url %v, want %q", got, v1)
	}
	if got, ok := pending["gateway_url"]; ok {
		t.Errorf("a pending subscription has gateway_url %v, want none", got)
	}
	if got := e.call("GET", "/api/v1/apis/pets/versions/1.0.0", "outsider", nil, 200)["gateway_url"]; got != v1 {
		t.Errorf("the published version's gateway_url %v, want %q", got, v1)
	}
	want := map[string]any{"1.0.0": v1, "3.0.0": testGatewayBase + "/pets/v3/", "2.0.0": nil}
	for _, path := range []string{"/api/v1/apis/pets/versions", "/api/v1/apis/pets"} {
		vs, _ := e.call("GET", path, "dev", nil, 200)["versions"].([]any)
		if len(vs) != 3 {
			t.Fatalf("%s: %d versions, want 3", path, len(vs))
		}
		for _, v := range vs {
			m := v.(map[string]any)
			if got := m["gateway_url"]; got != want[m["version"].(string)] {
				t.Errorf("%s: version %v gateway_url %v, want %v", path, m["version"], got, want[m["version"].(string)])
			}
		}
	}

	// The version pages: the URL and the request, escaped.
	b := e.browser()
	b.login("outsider")
	raw := readAll(t, b.get("/apis/pets/versions/1.0.0"))
	if strings.Contains(raw, "edge&co") || !strings.Contains(raw, "edge&amp;co/pets/v1/") {
		t.Errorf("the version page does not escape the URL")
	}
	d := doc(t, b.get("/apis/pets/versions/1.0.0"))
	call := d.Find(`[data-testid="version-call"]`)
	if got := call.Find(`[data-testid="gateway-url"]`).Text(); got != v1 {
		t.Errorf("the published version's page: gateway URL %q, want %q", got, v1)
	}
	// The version's example calls its operation GET /pets (see
	// TestVersionExampleCallsAnOperation).
	if got, want := call.Find(`[data-testid="curl-example"]`).AttrOr("value", ""), `curl -H "X-API-Key: $API_KEY" '`+v1+`pets'`; got != want {
		t.Errorf("the published version's page: example %q, want %q", got, want)
	}
	d = doc(t, b.get("/apis/pets/versions/3.0.0"))
	if got := d.Find(`[data-testid="version-call"] [data-testid="gateway-url"]`).Text(); got != testGatewayBase+"/pets/v3/" {
		t.Errorf("the deprecated version's page: gateway URL %q", got)
	}
	dev := e.browser()
	dev.login("dev")
	if d := doc(t, dev.get("/apis/pets/versions/2.0.0")); d.Find(`[data-testid="version-call"]`).Length() != 0 {
		t.Error("a draft's page says where to call it")
	}

	// The app page: the active subscription says where to call it.
	d = doc(t, b.get("/apps/finder"))
	card := d.Find(`[data-testid="subscription"][data-subscription="` + id + `"]`)
	if got := card.Find(`[data-testid="subscription-call"] [data-testid="gateway-url"]`).Text(); got != v1 {
		t.Errorf("the app page: gateway URL %q, want %q", got, v1)
	}
	if got := card.Find(`[data-testid="curl-example"]`).AttrOr("value", ""); got != curl {
		t.Errorf("the app page: example %q, want %q", got, curl)
	}
	if d := doc(t, b.get("/apps/seeker")); d.Find(`[data-testid="subscription-call"]`).Length() != 0 {
		t.Error("the pending subscription says where to call the API")
	}

	// The new key's page: the URL, and a request whose key is the
	// placeholder, not the key.
	res := b.post("/subscriptions/"+id+"/keys", url.Values{"name": {"production"}})
	if res.StatusCode != 200 || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("create key: status %d cache %q", res.StatusCode, res.Header.Get("Cache-Control"))
	}
	d = doc(t, res)
	key := d.Find(`[data-testid="new-key"]`).AttrOr("value", "")
	if !strings.HasPrefix(key, "ptk_") {
		t.Fatalf("no key shown")
	}
	use := strings.Join(strings.Fields(d.Find(`[data-testid="key-use"]`).Text()), " ")
	if !strings.Contains(use, "at "+v1+" followed by the operation's path") {
		t.Errorf("the key page: %q, want the gateway URL", use)
	}
	got := d.Find(`[data-testid="curl-example"]`).AttrOr("value", "")
	if got != curl || strings.Contains(got, key) {
		t.Errorf("the key page: example %q, want %q", got, curl)
	}
	if d.Find(`button[data-copy="curl-example"]`).Length() != 1 {
		t.Error("the key page's example has no copy button")
	}
}

// TestGatewayURLAbsentByDefault: without the gateways' public base URL,
// pages give the path alone and the JSON API no gateway_url.
func TestGatewayURLAbsentByDefault(t *testing.T) {
	e := newLCEnv(t)
	e.createAPI("pets", "public")
	e.upstreams("pets")
	e.version("pets", "1.0.0", lifecycle.Published)
	e.call("POST", "/api/v1/apis/pets/plans", "maint", map[string]any{"slug": "free", "name": "Free", "approval": "auto"}, 201)
	e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": "finder", "name": "Finder"}, 201)
	sub := e.call("POST", "/api/v1/apps/finder/subscriptions", "outsider", map[string]any{"api": "pets", "plan": "free", "purpose": "search pets"}, 201)
	if _, ok := sub["gateway_url"]; ok {
		t.Errorf("the subscription has a gateway_url: %v", sub["gateway_url"])
	}
	if v := e.call("GET", "/api/v1/apis/pets/versions/1.0.0", "outsider", nil, 200); v["gateway_url"] != nil {
		t.Errorf("the version has a gateway_url: %v", v["gateway_url"])
	}
	b := e.browser()
	b.login("outsider")
	for _, path := range []string{"/apis/pets/versions/1.0.0", "/apps/finder"} {
		if d := doc(t, b.get(path)); d.Find(`[data-testid="gateway-call"]`).Length() != 0 {
			t.Errorf("%s offers a request to the gateway", path)
		}
	}
	d := doc(t, b.post("/subscriptions/"+fmt.Sprint(sub["id"])+"/keys", url.Values{"name": {"production"}}))
	if d.Find(`[data-testid="gateway-call"]`).Length() != 0 || !strings.Contains(d.Find(`[data-testid="key-use"]`).Text(), "/pets/v1/") {
		t.Errorf("the key page: %q", d.Find(`[data-testid="key-use"]`).Text())
	}
}

// TestVersionExampleCallsAnOperation: a published version's example
// request calls the first GET of its description that needs nothing but
// the key (a user copying it gets the API's answer, not the upstream's 404
// for "/"), and says which; without one (a path template, a required
// parameter or body, deprecated, a path the shell or the URL would read
// otherwise), it calls the base URL.
func TestVersionExampleCallsAnOperation(t *testing.T) {
	storetest.Each(t, testVersionExampleCallsAnOperation)
}

func testVersionExampleCallsAnOperation(t *testing.T, s *store.Store) {
	e := newLCEnvOn(t, s)
	e.options = func(o *handlers.Options) { o.PublicGatewayURL = testGatewayBase }
	e.app = e.build()
	const unfit = `
  /items/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
  /items:
    post:
      responses: {"201": {description: created}}
  /search:
    get:
      parameters: [{name: q, in: query, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
  /tenant:
    get:
      parameters: [{name: X-Tenant, in: header, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
  /report:
    get:
      requestBody: {required: true, content: {application/json: {schema: {type: object}}}}
      responses: {"200": {description: ok}}
  /old:
    get:
      deprecated: true
      responses: {"200": {description: ok}}
  "/it's":
    get:
      responses: {"200": {description: ok}}
  /a b:
    get:
      responses: {"200": {description: ok}}
  /:
    get:
      responses: {"200": {description: ok}}
`
	publish := func(slug, paths string) {
		t.Helper()
		e.createAPI(slug, "public")
		e.upstreams(slug)
		e.call("POST", "/api/v1/apis/"+slug+"/versions", "dev", map[string]any{"version": "1.0.0",
			"spec": "openapi: 3.0.3\ninfo: {title: T, version: 1.0.0}\npaths:" + paths}, 201)
		review := e.call("POST", "/api/v1/apis/"+slug+"/versions/1.0.0/submit", "dev", nil, 201)
		e.call("POST", fmt.Sprintf("/api/v1/reviews/%v/approve", review["id"]), "appr", map[string]any{"comment": "fine"}, 200)
	}
	publish("stock", unfit+`
  /items/all:
    get:
      parameters: [{name: limit, in: query, schema: {type: integer}}]
      responses: {"200": {description: ok}}
`)
	publish("bare", unfit)
	b := e.browser()
	b.login("outsider")
	for _, c := range []struct{ slug, url, op string }{
		{"stock", testGatewayBase + "/stock/v1/items/all", "GET /items/all"},
		{"bare", testGatewayBase + "/bare/v1/", ""},
	} {
		d := doc(t, b.get("/apis/"+c.slug+"/versions/1.0.0"))
		call := d.Find(`[data-testid="version-call"]`)
		if got, want := call.Find(`[data-testid="curl-example"]`).AttrOr("value", ""), `curl -H "X-API-Key: $API_KEY" '`+c.url+`'`; got != want {
			t.Errorf("%s: example %q, want %q", c.slug, got, want)
		}
		if got := call.Find(`[data-testid="example-operation"] .mono`).Text(); got != c.op {
			t.Errorf("%s: the example names the operation %q, want %q", c.slug, got, c.op)
		}
		// The gateway URL itself, and the JSON API's, stay the base.
		if got := call.Find(`[data-testid="gateway-url"]`).Text(); got != testGatewayBase+"/"+c.slug+"/v1/" {
			t.Errorf("%s: gateway URL %q", c.slug, got)
		}
		if got := e.call("GET", "/api/v1/apis/"+c.slug+"/versions/1.0.0", "outsider", nil, 200)["gateway_url"]; got != testGatewayBase+"/"+c.slug+"/v1/" {
			t.Errorf("%s: gateway_url %v", c.slug, got)
		}
	}
}
