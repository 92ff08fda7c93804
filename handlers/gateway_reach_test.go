package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/portico-dev/portico/handlers"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestGatewayReachNextToTheCallURL: next to a version's call URL, its page
// and its JSON say how many registered gateway nodes serve its current
// settings, and so do the API's Gateway settings page and JSON: none
// before the change is compiled, then the nodes that have applied the
// version of the configuration that made it; a revoked node is not
// counted, a node behind is counted as not serving. The subscription's
// JSON, the app page's subscription and the new key's page, which give
// the URL to consumers, say the same.
func TestGatewayReachNextToTheCallURL(t *testing.T) {
	storetest.Each(t, testGatewayReachNextToTheCallURL)
}

func testGatewayReachNextToTheCallURL(t *testing.T, s *store.Store) {
	ctx := context.Background()
	e := newLCEnvOn(t, s)
	p, err := policy.New(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	parts := handlers.NewGatewayParts(s, p, slog.New(slog.DiscardHandler))
	e.options = func(o *handlers.Options) { o.PublicGatewayURL = testGatewayBase; o.Gateway = parts }
	e.app = e.build()
	sub := fmt.Sprint(e.finderSubscribedToPets()["id"])
	e.call("PUT", "/api/v1/apis/pets/gateway/1", "maint", map[string]any{"targets": []string{"http://pets.internal:8080"}}, 201)
	publish := func() {
		t.Helper()
		if _, err := parts.Source.Publish(ctx, ""); err != nil {
			t.Fatal(err)
		}
	}
	publish()
	maint, consumer := e.browser(), e.browser()
	maint.login("maint")
	consumer.login("outsider")

	keyPage := map[string]bool{"no node": true, "both at the head": true, "CORS changed, not compiled": true, "one node has it": true}
	num := func(v any) int { f, _ := v.(float64); return int(f) }
	check := func(step string, serving, total int, status string) {
		t.Helper()
		counts := func(where string, m map[string]any) {
			t.Helper()
			if _, ok := m["nodes_serving"]; !ok || num(m["nodes_serving"]) != serving || num(m["nodes_total"]) != total {
				t.Errorf("%s: %s: nodes_serving %v of nodes_total %v, want %d of %d", step, where, m["nodes_serving"], m["nodes_total"], serving, total)
			}
		}
		counts("the version", e.call("GET", "/api/v1/apis/pets/versions/1.0.0", "outsider", nil, 200))
		for _, path := range []string{"/api/v1/apis/pets/versions", "/api/v1/apis/pets"} {
			vs, _ := e.call("GET", path, "outsider", nil, 200)["versions"].([]any)
			if len(vs) != 1 {
				t.Fatalf("%s: %s: versions %v", step, path, vs)
			}
			counts(path, vs[0].(map[string]any))
		}
		code, text := e.apiText("GET", "/api/v1/apis/pets/gateway", e.tok["maint"])
		var out []any
		if err := json.Unmarshal([]byte(text), &out); code != 200 || err != nil || len(out) != 1 {
			t.Fatalf("%s: gateway settings: %d %s", step, code, text)
		}
		counts("the gateway settings", out[0].(map[string]any))
		counts("the subscription", e.call("GET", "/api/v1/subscriptions/"+sub, "outsider", nil, 200))
		if subs, _ := e.call("GET", "/api/v1/subscriptions", "outsider", nil, 200)["subscriptions"].([]any); len(subs) != 1 {
			t.Errorf("%s: subscriptions %v", step, subs)
		} else {
			counts("the list of subscriptions", subs[0].(map[string]any))
		}
		said := func(where string, d *goquery.Document) {
			t.Helper()
			if got := strings.Join(strings.Fields(d.Find(`[data-testid="gateway-reach"]`).Text()), " "); got != "Gateway: "+status+"." {
				t.Errorf("%s: %s says %q, want %q", step, where, got, "Gateway: "+status+".")
			}
		}
		said("the app page", doc(t, consumer.get("/apps/finder")))
		if keyPage[step] { // a subscription has a few live keys at most
			said("the new key's page", doc(t, consumer.post("/subscriptions/"+sub+"/keys", url.Values{"name": {"k"}})))
		}
		for _, b := range []*browser{maint, consumer} {
			d := doc(t, b.get("/apis/pets/versions/1.0.0"))
			if got := strings.Join(strings.Fields(d.Find(`[data-testid="version-call"] [data-testid="gateway-reach"]`).Text()), " "); got != "Gateway: "+status+"." {
				t.Errorf("%s: the version page says %q, want %q", step, got, "Gateway: "+status+".")
			}
		}
		d := doc(t, maint.get("/apis/pets/gateway"))
		if got := strings.Join(strings.Fields(d.Find(`[data-testid="route-settings"][data-major="1"] [data-testid="gateway-reach"]`).Text()), " "); got != "Gateway nodes: "+status+"." {
			t.Errorf("%s: the gateway settings page says %q, want %q", step, got, "Gateway nodes: "+status+".")
		}
	}
	check("no node", 0, 0, "no gateway node registered")

	for _, name := range []string{"edge-1", "edge-2", "edge-3"} {
		e.call("POST", "/api/v1/gateway/nodes", "admin", map[string]any{"name": name}, 201)
	}
	publish()
	head, err := parts.Source.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	ns, err := s.GatewayNodes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range ns {
		ids[n.Name] = n.ID
	}
	applied := func(name string, version uint64, hash string) {
		t.Helper()
		if err := s.RecordGatewayNodeStatus(ctx, ids[name], store.GatewayNodeStatus{AppliedVersion: int64(version), AppliedHash: hash}); err != nil {
			t.Fatal(err)
		}
	}
	applied("edge-1", head.Version, head.Hash)
	applied("edge-2", 0, "") // connected, nothing applied yet
	applied("edge-3", head.Version, head.Hash)
	e.call("DELETE", "/api/v1/gateway/nodes/edge-3", "admin", nil, 204)
	check("one node behind, one revoked", 1, 2, "reaching nodes: 1 of 2 serve this version's current settings")
	applied("edge-2", head.Version, head.Hash)
	check("both at the head", 2, 2, "served by all 2 nodes")

	// A change on the settings page: the page it returns to tells that
	// no node serves the new settings yet.
	res := maint.post("/apis/pets/gateway/1", url.Values{"targets": {"http://pets.internal:8080"}, "cors_origins": {"https://app.example.com"}})
	if res.StatusCode != 303 {
		t.Fatalf("deploy from the page: %d", res.StatusCode)
	}
	check("CORS changed, not compiled", 0, 2, "reaching nodes: 0 of 2 serve this version's current settings")
	publish()
	check("compiled, no node has it", 0, 2, "reaching nodes: 0 of 2 serve this version's current settings")
	next, _ := parts.Source.Current(ctx)
	applied("edge-2", next.Version, next.Hash)
	check("one node has it", 1, 2, "reaching nodes: 1 of 2 serve this version's current settings")
}
