package handlers_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/portico-dev/portico/handlers"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestGatewayURLOnlyWhereServed: with the gateways' public base URL set, a
// published version whose major has no upstream target in force (no
// deployment, no upstream URL on the API) has no route on the gateway, so
// no page and no JSON gives a URL to call it at (it would answer 404); its
// maintainers are told it is not served and where to set targets, its
// consumers are told nothing misleading. Once targets are deployed, the
// URL appears everywhere.
func TestGatewayURLOnlyWhereServed(t *testing.T) {
	storetest.Each(t, testGatewayURLOnlyWhereServed)
}

func testGatewayURLOnlyWhereServed(t *testing.T, s *store.Store) {
	e := newLCEnvOn(t, s)
	e.options = func(o *handlers.Options) { o.PublicGatewayURL = testGatewayBase }
	e.app = e.build()
	const v1 = testGatewayBase + "/pets/v1/"
	sub := e.finderSubscribedToPets()
	id := fmt.Sprint(sub["id"])
	maint, consumer := e.browser(), e.browser()
	maint.login("maint")
	consumer.login("outsider")

	check := func(served bool) {
		t.Helper()
		want := ""
		if served {
			want = v1
		}
		str := func(v any) string { s, _ := v.(string); return s }
		if got := str(e.call("GET", "/api/v1/subscriptions/"+id, "outsider", nil, 200)["gateway_url"]); got != want {
			t.Errorf("served %v: the subscription's gateway_url %q, want %q", served, got, want)
		}
		subs, _ := e.call("GET", "/api/v1/subscriptions", "outsider", nil, 200)["subscriptions"].([]any)
		if len(subs) != 1 || str(subs[0].(map[string]any)["gateway_url"]) != want {
			t.Errorf("served %v: the list of subscriptions %v, want gateway_url %q", served, subs, want)
		}
		if got := str(e.call("GET", "/api/v1/apis/pets/versions/1.0.0", "outsider", nil, 200)["gateway_url"]); got != want {
			t.Errorf("served %v: the version's gateway_url %q, want %q", served, got, want)
		}
		for _, path := range []string{"/api/v1/apis/pets/versions", "/api/v1/apis/pets"} {
			vs, _ := e.call("GET", path, "outsider", nil, 200)["versions"].([]any)
			if len(vs) != 1 || str(vs[0].(map[string]any)["gateway_url"]) != want {
				t.Errorf("served %v: %s: versions %v, want gateway_url %q", served, path, vs, want)
			}
		}
		for _, b := range []*browser{maint, consumer} {
			d := doc(t, b.get("/apis/pets/versions/1.0.0"))
			if got := d.Find(`[data-testid="version-call"] [data-testid="gateway-url"]`).Text(); got != want {
				t.Errorf("served %v: the version page: gateway URL %q, want %q", served, got, want)
			}
			notice := d.Find(`[data-testid="not-served"]`)
			switch {
			case b == consumer && notice.Length() != 0:
				t.Errorf("served %v: a consumer is told %q", served, notice.Text())
			case b == maint && served && notice.Length() != 0:
				t.Errorf("served: the maintainer is told %q", notice.Text())
			case b == maint && !served:
				text := strings.Join(strings.Fields(notice.Text()), " ")
				if !strings.Contains(text, "not served by the gateway: no upstream targets") ||
					notice.Find(`a[href="/apis/pets/gateway"]`).Length() != 1 {
					t.Errorf("not served: the maintainer is told %q, want the reason and a link to the Gateway settings", text)
				}
			}
		}
		d := doc(t, consumer.get("/apps/finder"))
		if got := d.Find(`[data-testid="subscription-call"] [data-testid="gateway-url"]`).Text(); got != want {
			t.Errorf("served %v: the app page: gateway URL %q, want %q", served, got, want)
		}
		d = doc(t, consumer.post("/subscriptions/"+id+"/keys", url.Values{"name": {"k"}}))
		if got := d.Find(`[data-testid="key-use"] [data-testid="gateway-url"]`).Text(); got != want {
			t.Errorf("served %v: the key page: gateway URL %q, want %q", served, got, want)
		}
		if use := strings.Join(strings.Fields(d.Find(`[data-testid="key-use"]`).Text()), " "); !served && !strings.Contains(use, "not served by the gateway yet") {
			t.Errorf("not served: the key page says %q", use)
		}
	}
	check(false)
	e.call("PUT", "/api/v1/apis/pets/gateway/1", "maint", map[string]any{"targets": []string{"http://pets.internal:8080"}}, 201)
	check(true)
}
