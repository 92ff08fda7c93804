package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestRemovedAppKeyIsRefused: removing an app (DELETE /api/v1/apps/{app}
// on a real portal) revokes its subscriptions' keys, and a real node
// refuses them (401) pushed after the removal, as after a key's
// revocation.
func TestRemovedAppKeyIsRefused(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "upstream "+r.URL.Path)
	}))
	t.Cleanup(upstream.Close)

	p := startRealPortal(t)
	nodeToken := strings.TrimSpace(p.portico("gateway-node", "create", "--name", "node-a"))
	subs := p.call("GET", "/api/v1/subscriptions?role=consumer&state=active", "emma", nil, 200)["subscriptions"].([]any)
	if len(subs) == 0 {
		t.Fatal("the demo has no active subscription of commerce")
	}
	sub := subs[0].(map[string]any)
	api, major, app := sub["api"].(string), int(sub["major"].(float64)), sub["app"].(string)
	p.call("PUT", fmt.Sprintf("/api/v1/apis/%s/gateway/%d", api, major), "ada", map[string]any{"targets": []string{upstream.URL}}, 201)
	raw := p.call("POST", fmt.Sprintf("/api/v1/subscriptions/%v/keys", sub["id"]), "emma", map[string]any{"name": "removal test"}, 201)["key"].(string)

	n := startProc(t, p.url, nodeToken, t.TempDir())
	path := fmt.Sprintf("/%s/v%d/lookup", api, major)
	within(t, time.Now(), started, path, raw, 200, n)

	start := time.Now()
	p.call("DELETE", "/api/v1/apps/"+app, "emma", nil, 204)
	t.Logf("the removal of %s reached the node in %s", app, within(t, start, pushed, path, raw, 401, n))
	p.call("GET", "/api/v1/apps/"+app, "emma", nil, 404)
	if got := p.call("GET", fmt.Sprintf("/api/v1/subscriptions/%v", sub["id"]), "emma", nil, 200); got["state"] != "cancelled" {
		t.Errorf("the removed app's subscription: %v", got)
	}
}
