package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway/gatewaytest"
)

// TestCORSWithTheRealPortal: a real portal (`portico serve` over the demo)
// and a real portico-gateway. Allowed origins set in a version's gateway
// settings through the JSON API make a browser's preflight succeed on the
// node, pushed (the time it took is logged: typically well under 1 s);
// the app's request then carries the origin; without origins the
// preflight is refused again, as before.
func TestCORSWithTheRealPortal(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "upstream "+r.URL.Path)
	}))
	t.Cleanup(upstream.Close)
	p := startRealPortal(t)
	nodeToken := strings.TrimSpace(p.portico("gateway-node", "create", "--name", "node-cors"))

	subs := p.call("GET", "/api/v1/subscriptions?role=consumer&state=active", "emma", nil, 200)["subscriptions"].([]any)
	if len(subs) == 0 {
		t.Fatal("the demo has no active subscription of commerce")
	}
	sub := subs[0].(map[string]any)
	api, major := sub["api"].(string), int(sub["major"].(float64))
	settings := fmt.Sprintf("/api/v1/apis/%s/gateway/%d", api, major)
	p.call("PUT", settings, "ada", map[string]any{"targets": []string{upstream.URL}}, 201)
	key := p.call("POST", fmt.Sprintf("/api/v1/subscriptions/%v/keys", sub["id"]), "emma", map[string]any{"name": "browser app"}, 201)["key"].(string)

	n := startProc(t, p.url, nodeToken, t.TempDir())
	path := fmt.Sprintf("/%s/v%d/orders", api, major)
	within(t, time.Now(), started, path, key, 200, n)

	const app = "https://shop.example.com"
	preflight := func() *http.Response {
		req, _ := http.NewRequest(http.MethodOptions, "http://"+n.addr+path, nil)
		req.Header.Set("Origin", app)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "content-type, x-api-key")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	if r := preflight(); r.StatusCode != 401 || r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("a preflight before any origin is allowed: %d %v, want 401 without CORS headers", r.StatusCode, r.Header)
	}

	start := time.Now()
	out := p.call("PUT", settings, "ada", map[string]any{"targets": []string{upstream.URL}, "cors_origins": []string{"HTTPS://Shop.Example.com/"}}, 201)
	if o, _ := out["cors_origins"].([]any); len(o) != 1 || o[0] != app {
		t.Fatalf("deployed origins %v, want [%s]", out["cors_origins"], app)
	}
	var r *http.Response
	if !gatewaytest.Eventually(pushed, func() bool { r = preflight(); return r.StatusCode == 204 }) {
		t.Fatalf("the preflight answers %d %v, want 204:\n%s", r.StatusCode, r.Header, n.out)
	}
	took := time.Since(start)
	t.Logf("allowed origin reached the node in %s", took)
	if r.Header.Get("Access-Control-Allow-Origin") != app || !strings.Contains(r.Header.Get("Access-Control-Allow-Headers"), "x-api-key") {
		t.Errorf("preflight headers %v", r.Header)
	}

	req, _ := http.NewRequest(http.MethodGet, "http://"+n.addr+path, nil)
	req.Header.Set("Origin", app)
	req.Header.Set("X-API-Key", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != app || !strings.Contains(resp.Header.Get("Access-Control-Expose-Headers"), "X-Request-Id") {
		t.Errorf("the app's request: %d %v %s", resp.StatusCode, resp.Header, b)
	}

	// Origins removed: refused again.
	p.call("PUT", settings, "ada", map[string]any{"targets": []string{upstream.URL}}, 201)
	if !gatewaytest.Eventually(pushed, func() bool { r = preflight(); return r.StatusCode == 401 }) {
		t.Fatalf("after the origins were removed, the preflight answers %d, want 401", r.StatusCode)
	}
	if r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("after the origins were removed: %v", r.Header)
	}
}
