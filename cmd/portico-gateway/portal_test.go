package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/bintest"
	"github.com/portico-dev/portico/gateway/gatewaytest"
)

// The test here runs the whole product as its users do: a real portal
// (`portico serve` over the demo's data), two real portico-gateway
// processes registered with it and a real upstream; every change is made
// through the portal's JSON API and every check is a request to a node.

// realPortal is a running `portico serve`.
type realPortal struct {
	t       *testing.T
	data    string
	url     string
	srv     *bintest.Served
	tokens  map[string]string
	demoPwd string
	// level is serve's --log-level ("warn" when empty).
	level string
}

// portico runs a portico command on the portal's data and returns its
// standard output.
func (p *realPortal) portico(args ...string) string {
	p.t.Helper()
	cmd := exec.Command(portalBinary(p.t), args...)
	cmd.Args = append(cmd.Args, "--data", p.data)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		p.t.Fatalf("portico %v: %v\n%s%s", args, err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

func startRealPortal(t *testing.T) *realPortal {
	t.Helper()
	p := &realPortal{t: t, data: t.TempDir(), tokens: map[string]string{}}
	demo := p.portico("demo")
	m := regexp.MustCompile(`Demo users share one password, shown once: (\S+)`).FindStringSubmatch(demo)
	if m == nil {
		t.Fatalf("no demo password in:\n%s", demo)
	}
	p.demoPwd = m[1]
	t.Cleanup(p.stop)
	p.serve()
	for _, u := range []string{"ada", "emma", "rita"} {
		p.tokens[u] = strings.TrimSpace(p.portico("token", "create", "--username", u, "--name", "gateway-test"))
	}
	return p
}

// serve starts `portico serve` on the portal's data (on a new port) and
// waits until it is ready.
func (p *realPortal) serve() {
	t := p.t
	t.Helper()
	level := p.level
	if level == "" {
		level = "warn"
	}
	p.srv = bintest.Serve(t, exec.Command(portalBinary(t), "serve", "--data", p.data, "--addr", "127.0.0.1:0", "--log-level", level))
	p.url = p.srv.URL
	p.srv.WaitReady(t)
}

// stop kills the portal (SIGKILL: whatever it has not committed is lost).
func (p *realPortal) stop() {
	if p.srv != nil {
		p.srv.Kill()
	}
}

// call makes a JSON API call as user and fails the test unless it answers
// want.
func (p *realPortal) call(method, path, user string, body any, want int) map[string]any {
	p.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, p.url+path, rd)
	req.Header.Set("Authorization", "Bearer "+p.tokens[user])
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		p.t.Fatalf("%s %s as %s: %d, want %d: %s", method, path, user, resp.StatusCode, want, raw)
	}
	out := map[string]any{}
	if len(raw) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &out); err != nil {
			p.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
	return out
}

// reach returns how many nodes serve the settings of api's major, and of
// how many (GET /api/v1/apis/{api}/gateway: nodes_serving, nodes_total;
// -1 when absent).
func (p *realPortal) reach(api string, major int) [2]int {
	p.t.Helper()
	req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/v1/apis/%s/gateway", p.url, api), nil)
	req.Header.Set("Authorization", "Bearer "+p.tokens["ada"])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	var routes []map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&routes); err != nil {
		p.t.Fatalf("GET /api/v1/apis/%s/gateway (%d): %v", api, resp.StatusCode, err)
	}
	num := func(v any) int {
		if f, ok := v.(float64); ok {
			return int(f)
		}
		return -1
	}
	for _, r := range routes {
		if num(r["major"]) == major {
			return [2]int{num(r["nodes_serving"]), num(r["nodes_total"])}
		}
	}
	return [2]int{-1, -1}
}

// nodeState returns the portal's view of a node (GET /api/v1/gateway/nodes).
func (p *realPortal) nodeState(name string) map[string]any {
	p.t.Helper()
	req, _ := http.NewRequest("GET", p.url+"/api/v1/gateway/nodes", nil)
	req.Header.Set("Authorization", "Bearer "+p.tokens["admin"])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	var nodes []map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&nodes); err != nil {
		p.t.Fatalf("GET /api/v1/gateway/nodes (%d): %v", resp.StatusCode, err)
	}
	for _, n := range nodes {
		if n["name"] == name {
			return n
		}
	}
	return nil
}

// get returns the status and body of GET path on the node with a key.
func (p *proc) get(t *testing.T, path, key string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, "http://"+p.addr+path, nil)
	if key != "" {
		req.Header.Set("X-API-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s on %s: %v", path, p.addr, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

const portalTestSpec = `openapi: 3.0.3
info:
  title: Parcel tracking
  version: 1.0.0
  description: Track a parcel shipment from pickup to delivery.
servers:
  - url: https://parcels.example.com/v1
paths:
  /parcels/{id}:
    get:
      operationId: getParcel
      summary: Track a parcel
      tags: [parcels]
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200": {description: The parcel's last known position}
`

// TestWithTheRealPortal: publish, a key issued and revoked, deprecate and
// retire reach two real nodes through the real portal, pushed (see pushed);
// a node killed during a change converges when it comes back and the
// portal shows it in sync; the nodes keep serving with the portal down.
func TestWithTheRealPortal(t *testing.T) {
	var hits sync.Map
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Store(r.URL.Path, r.Header.Get("X-Portico-App"))
		if r.Header.Get("X-API-Key") != "" || r.Header.Get("Authorization") != "" {
			http.Error(w, "the key reached the upstream", 500)
			return
		}
		io.WriteString(w, "upstream "+r.URL.Path)
	}))
	t.Cleanup(upstream.Close)

	p := startRealPortal(t)
	p.tokens["admin"] = strings.TrimSpace(p.portico("token", "create", "--username", "admin", "--name", "gateway-test"))
	nodeToken := map[string]string{}
	for _, n := range []string{"node-a", "node-b"} {
		nodeToken[n] = strings.TrimSpace(p.portico("gateway-node", "create", "--name", n))
	}

	// The demo's active subscription (an app of commerce to an API of
	// payments): its API's major now routes to the upstream, and its app
	// gets a key.
	subs := p.call("GET", "/api/v1/subscriptions?role=consumer&state=active", "emma", nil, 200)["subscriptions"].([]any)
	if len(subs) == 0 {
		t.Fatal("the demo has no active subscription of commerce")
	}
	sub := subs[0].(map[string]any)
	api, major := sub["api"].(string), int(sub["major"].(float64))
	p.call("PUT", fmt.Sprintf("/api/v1/apis/%s/gateway/%d", api, major), "ada", map[string]any{"targets": []string{upstream.URL + "/base"}, "note": "test upstream"}, 201)
	// The demo plan allows 60 requests a minute: this test sends more.
	p.call("PATCH", fmt.Sprintf("/api/v1/apis/%s/plans/%v", api, sub["plan"]), "ada", map[string]any{"rate_per_minute": 60000, "burst": 1000}, 200)
	key := p.call("POST", fmt.Sprintf("/api/v1/subscriptions/%v/keys", sub["id"]), "emma", map[string]any{"name": "gateway test"}, 201)
	raw := key["key"].(string)

	dirA, dirB := t.TempDir(), t.TempDir()
	a := startProc(t, p.url, nodeToken["node-a"], dirA)
	b := startProc(t, p.url, nodeToken["node-b"], dirB)
	path := fmt.Sprintf("/%s/v%d/lookup", api, major)
	within(t, time.Now(), started, path, raw, 200, a, b)
	if app, _ := hits.Load("/base/lookup"); app == nil || app == "" {
		t.Errorf("the upstream got /base/lookup with app %v, want the consumer's app", app)
	}

	// Publish a new API through review: both nodes route it (401 without a
	// key, where it was 404) pushed after the approval.
	if got, _ := a.status(t, "/parcels/v1/parcels/7", ""); got != 404 {
		t.Fatalf("an unpublished API answers %d, want 404", got)
	}
	p.call("POST", "/api/v1/apis", "ada", map[string]any{"team": "payments", "slug": "parcels", "name": "Parcels", "visibility": "public"}, 201)
	p.call("POST", "/api/v1/apis/parcels/versions", "ada", map[string]any{"version": "1.0.0", "spec": portalTestSpec}, 201)
	p.call("PUT", "/api/v1/apis/parcels/gateway/1", "ada", map[string]any{"targets": []string{upstream.URL}}, 201)
	review := p.call("POST", "/api/v1/apis/parcels/versions/1.0.0/submit", "ada", nil, 201)
	start := time.Now()
	p.call("POST", fmt.Sprintf("/api/v1/reviews/%v/approve", review["id"]), "rita", map[string]any{"comment": "fine"}, 200)
	t.Logf("publish reached both nodes in %s", within(t, start, pushed, "/parcels/v1/parcels/7", "", 401, a, b))
	if got, _ := a.status(t, "/parcels/v1/parcels/7", raw); got != 403 {
		t.Errorf("a key of another API answers %d, want 403", got)
	}

	// A plan, a subscription on it (auto approval) and its key: served
	// pushed after the key's creation.
	p.call("POST", "/api/v1/apis/parcels/plans", "ada", map[string]any{"slug": "free", "name": "Free", "rate_per_minute": 6000, "burst": 100, "approval": "auto"}, 201)
	parcelSub := p.call("POST", "/api/v1/apps/"+sub["app"].(string)+"/subscriptions", "emma", map[string]any{"api": "parcels", "plan": "free", "purpose": "track the shop's parcels"}, 201)
	if parcelSub["state"] != "active" {
		t.Fatalf("subscription on an auto plan: %v", parcelSub)
	}
	start = time.Now()
	parcelKey := p.call("POST", fmt.Sprintf("/api/v1/subscriptions/%v/keys", parcelSub["id"]), "emma", map[string]any{"name": "parcels"}, 201)["key"].(string)
	t.Logf("a new key reached both nodes in %s", within(t, start, pushed, "/parcels/v1/parcels/7", parcelKey, 200, a, b))

	// Revoke the key: refused on both, pushed.
	start = time.Now()
	p.call("POST", "/api/v1/keys/"+key["id"].(string)+"/revoke", "emma", nil, 200)
	t.Logf("revocation reached both nodes in %s", within(t, start, pushed, path, raw, 401, a, b))

	// Deprecate: the lifecycle headers; retire: 410.
	sunset := time.Now().AddDate(0, 0, 90).Format("2006-01-02")
	p.call("POST", "/api/v1/apis/parcels/versions/1.0.0/deprecate", "ada", map[string]any{"sunset": sunset}, 200)
	for _, n := range []*proc{a, b} {
		if !gatewaytest.Eventually(pushed, func() bool {
			_, h := n.status(t, "/parcels/v1/parcels/7", parcelKey)
			return h.Get("Deprecation") != ""
		}) {
			t.Fatalf("no Deprecation header on %s:\n%s", n.addr, n.out)
		}
		if _, h := n.status(t, "/parcels/v1/parcels/7", parcelKey); !strings.HasPrefix(h.Get("Sunset"), time.Now().AddDate(0, 0, 90).Format("Mon, 02 Jan 2006")) {
			t.Errorf("Sunset %q, want the date %s", h.Get("Sunset"), sunset)
		}
	}
	before := time.Now().UTC().Format("2006-01-02")
	p.call("POST", "/api/v1/apis/parcels/versions/1.0.0/retire", "ada", nil, 200)
	within(t, time.Now(), pushed, "/parcels/v1/parcels/7", parcelKey, 410, a, b)
	// Retired 90 days before its sunset: the 410 says since when it is
	// retired (today), not the planned sunset.
	after := time.Now().UTC().Format("2006-01-02")
	for _, n := range []*proc{a, b} {
		_, body := n.get(t, "/parcels/v1/parcels/7", parcelKey)
		if !strings.Contains(body, "parcels v1 is retired since "+before) && !strings.Contains(body, "parcels v1 is retired since "+after) {
			t.Errorf("410 from %s: %s; want retired since %s", n.addr, body, after)
		}
	}

	// The demo's World Time API numbers its versions by date: 20210108
	// (deprecated) and 20210109 are routes, its team sets v20210109's
	// upstream, and a subscription to v20210109 serves on both nodes.
	const clock = "worldtimeapi-world-time-api"
	p.tokens["chen"] = strings.TrimSpace(p.portico("token", "create", "--username", "chen", "--name", "gateway-test"))
	within(t, time.Now(), pushed, "/"+clock+"/v20210108/ip", "", 401, a, b)
	within(t, time.Now(), pushed, "/"+clock+"/v20210109/ip", "", 401, a, b)
	p.call("PUT", "/api/v1/apis/"+clock+"/gateway/20210109", "chen", map[string]any{"targets": []string{upstream.URL + "/api"}}, 201)
	p.call("POST", "/api/v1/apis/"+clock+"/plans", "chen", map[string]any{"slug": "free", "name": "Free", "rate_per_minute": 6000, "burst": 100, "approval": "auto"}, 201)
	clockSub := p.call("POST", "/api/v1/apps/"+sub["app"].(string)+"/subscriptions", "emma", map[string]any{"api": clock, "plan": "free", "major": 20210109, "purpose": "the shop's clock"}, 201)
	if clockSub["state"] != "active" || clockSub["major"] != float64(20210109) {
		t.Fatalf("subscription to v20210109: %v", clockSub)
	}
	clockKey := p.call("POST", fmt.Sprintf("/api/v1/subscriptions/%v/keys", clockSub["id"]), "emma", map[string]any{"name": "clock"}, 201)["key"].(string)
	within(t, time.Now(), pushed, "/"+clock+"/v20210109/timezone/Europe/Paris", clockKey, 200, a, b)
	if app, _ := hits.Load("/api/timezone/Europe/Paris"); app == nil || app == "" {
		t.Errorf("the upstream got /api/timezone/Europe/Paris with app %v, want the consumer's app", app)
	}

	// The route's settings as they are: both nodes serve them.
	reachIs := func(what string, serving, total int) {
		t.Helper()
		var got [2]int
		if !gatewaytest.Eventually(pushed, func() bool { got = p.reach(api, major); return got == [2]int{serving, total} }) {
			t.Errorf("%s: the gateway settings say %d of %d nodes serve them, want %d of %d", what, got[0], got[1], serving, total)
		}
	}
	reachIs("both nodes up", 2, 2)

	// Kill node b, change the route's settings and make a key, restart
	// it: until it is back the portal counts node a alone as serving the
	// new settings; then it converges and the portal shows both in sync.
	b.kill()
	p.call("PUT", fmt.Sprintf("/api/v1/apis/%s/gateway/%d", api, major), "ada", map[string]any{"targets": []string{upstream.URL + "/base"}, "response_timeout_ms": 30000, "note": "while node-b is down"}, 201)
	reachIs("node-b down during a change", 1, 2)
	key2 := p.call("POST", fmt.Sprintf("/api/v1/subscriptions/%v/keys", sub["id"]), "emma", map[string]any{"name": "after the kill"}, 201)
	b = startProc(t, p.url, nodeToken["node-b"], dirB)
	within(t, time.Now(), pushed, path, key2["key"].(string), 200, a, b)
	for _, n := range []string{"node-a", "node-b"} {
		if !gatewaytest.Eventually(pushed, func() bool { s := p.nodeState(n); return s != nil && s["state"] == "in_sync" }) {
			t.Errorf("the portal shows %s as %v, want in_sync", n, p.nodeState(n))
		}
	}
	reachIs("node-b back", 2, 2)

	// A steady stream of requests while 20 changes of the route reach the
	// nodes: not one request fails.
	stop := make(chan struct{})
	var streamed, failed int
	var streamDone sync.WaitGroup
	streamDone.Add(1)
	go func() {
		defer streamDone.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			for _, n := range []*proc{a, b} {
				streamed++
				if got, _ := n.status(t, path, key2["key"].(string)); got != 200 {
					failed++
				}
			}
		}
	}()
	for i := range 20 {
		p.call("PUT", fmt.Sprintf("/api/v1/apis/%s/gateway/%d", api, major), "ada", map[string]any{"targets": []string{upstream.URL + "/base"}, "connect_timeout_ms": 1000 + i, "note": fmt.Sprintf("change %d", i)}, 201)
	}
	for _, n := range []string{"node-a", "node-b"} {
		gatewaytest.Eventually(pushed, func() bool { s := p.nodeState(n); return s != nil && s["state"] == "in_sync" })
	}
	close(stop)
	streamDone.Wait()
	reachIs("after 20 changes", 2, 2)
	if failed > 0 || streamed < 20 {
		t.Errorf("%d of %d requests failed during 20 changes", failed, streamed)
	} else {
		t.Logf("%d requests during 20 changes, none failed", streamed)
	}

	// Stop the portal: the nodes keep serving what they had.
	p.stop()
	for _, n := range []*proc{a, b} {
		if got, _ := n.status(t, path, key2["key"].(string)); got != 200 {
			t.Errorf("with the portal down, %s answers %d, want 200", n.addr, got)
		}
	}
	for _, n := range []*proc{a, b} {
		logs := n.out.String()
		for _, secret := range []string{raw, key2["key"].(string), nodeToken["node-a"], nodeToken["node-b"]} {
			if strings.Contains(logs, secret) {
				t.Errorf("the logs of %s hold a secret", n.addr)
			}
		}
	}
}
