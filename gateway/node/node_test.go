package node_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/gatewaytest"
	"github.com/portico-dev/portico/gateway/node"
	"github.com/portico-dev/portico/gateway/push"
)

func key(t *testing.T, st *gateway.State, id string) gateway.Key {
	t.Helper()
	k, ok := st.Key(id)
	if !ok {
		t.Fatalf("no key %s", id)
	}
	return *k
}

func route(t *testing.T, st *gateway.State, id string) gateway.Route {
	t.Helper()
	r, ok := st.Route(id)
	if !ok {
		t.Fatalf("no route %s", id)
	}
	return *r
}

func TestDataPlane(t *testing.T) {
	up := startUpstream(t, "a")
	p := startPortal(t, config(t, 1, up.URL+"/base"))
	n := startNode(t, p.srv.URL, "tok-a", t.TempDir())
	waitVersion(t, n.Node, 1)

	t.Run("forwards with the consumer and without the key", func(t *testing.T) {
		r := get(t, n.url+"/ledger/v1/accounts/42?expand=a%20b", "X-API-Key", "ptk_k1_secret", "X-Request-Id", "req-123", "X-Portico-Team", "spoofed", "X-Forwarded-For", "203.0.113.7")
		if r.status != 200 {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		e := r.echo(t)
		if e.Path != "/base/accounts/42" || e.Query != "expand=a%20b" {
			t.Errorf("upstream got %s?%s, want /base/accounts/42?expand=a%%20b", e.Path, e.Query)
		}
		for h, want := range map[string]string{"X-Portico-Team": "acme", "X-Portico-App": "billing", "X-Portico-Subscription": "sub-1", "X-Request-Id": "req-123", "X-Api-Key": "", "X-Forwarded-For": "203.0.113.7, 127.0.0.1"} {
			if got := e.Headers[h]; got != want {
				t.Errorf("upstream header %s: got %q, want %q", h, got, want)
			}
		}
		if got := e.Headers["Host"]; got != strings.TrimPrefix(up.URL, "http://") {
			t.Errorf("upstream Host %q, want the target's", got)
		}
		if got := r.header.Get("X-Request-Id"); got != "req-123" {
			t.Errorf("response X-Request-Id %q, want the client's", got)
		}
		if r.header.Get("RateLimit-Limit") != "1000000" {
			t.Errorf("RateLimit-Limit %q", r.header.Get("RateLimit-Limit"))
		}
	})
	t.Run("bearer key is stripped, request id generated", func(t *testing.T) {
		r := get(t, n.url+"/ledger/v1", "Authorization", "Bearer ptk_k1_secret")
		e := r.echo(t)
		if e.Path != "/base/" || e.Headers["Authorization"] != "" {
			t.Errorf("upstream got path %q, Authorization %q", e.Path, e.Headers["Authorization"])
		}
		if id := r.header.Get("X-Request-Id"); id == "" || id != e.Headers["X-Request-Id"] {
			t.Errorf("generated request id %q, upstream saw %q", id, e.Headers["X-Request-Id"])
		}
		if got := e.Headers["X-Forwarded-For"]; got != "127.0.0.1" {
			t.Errorf("upstream X-Forwarded-For %q, want the client's address", got)
		}
	})
	refusals := []struct {
		name, path string
		header     []string
		status     int
		detail     string
	}{
		{"missing key", "/ledger/v1/x", nil, 401, "an API key is required"},
		{"unknown key", "/ledger/v1/x", []string{"X-API-Key", "ptk_nope"}, 401, "not valid"},
		{"expired key", "/ledger/v1/x", []string{"X-API-Key", "ptk_k4_secret"}, 401, "expired"},
		{"key of another API", "/maps/v1/x", []string{"X-API-Key", "ptk_k1_secret"}, 403, "does not subscribe"},
		{"key of another major", "/ledger/v2/x", []string{"X-API-Key", "ptk_k1_secret"}, 403, "does not subscribe"},
		{"unknown route", "/nothing/v1/x", []string{"X-API-Key", "ptk_k1_secret"}, 404, "no API version"},
		{"not a versioned path", "/ledger", []string{"X-API-Key", "ptk_k1_secret"}, 404, "no API version"},
		{"major with a leading zero", "/ledger/v01/x", []string{"X-API-Key", "ptk_k1_secret"}, 404, "no API version"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			r := get(t, n.url+tt.path, tt.header...)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			pr := r.problem(t)
			if d, _ := pr["detail"].(string); !strings.Contains(d, tt.detail) {
				t.Errorf("detail %q, want it to contain %q", d, tt.detail)
			}
			if pr["request_id"] == "" || pr["request_id"] != r.header.Get("X-Request-Id") {
				t.Errorf("problem request_id %v, header %q", pr["request_id"], r.header.Get("X-Request-Id"))
			}
			if tt.status == 401 && !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer realm=") {
				t.Errorf("WWW-Authenticate %q", r.header.Get("WWW-Authenticate"))
			}
		})
	}
	t.Run("rate limit per subscription", func(t *testing.T) {
		var last response
		for i := range 4 {
			last = get(t, n.url+"/ledger/v1/x", "X-API-Key", "ptk_k2_secret")
			if i < 3 && last.status != 200 {
				t.Fatalf("request %d: %d", i+1, last.status)
			}
		}
		if last.status != 429 {
			t.Fatalf("fourth request: %d, want 429", last.status)
		}
		last.problem(t)
		for h, want := range map[string]string{"Retry-After": "1", "RateLimit-Limit": "60", "RateLimit-Remaining": "0", "RateLimit-Reset": "3"} {
			if got := last.header.Get(h); got != want {
				t.Errorf("%s: got %q, want %q", h, got, want)
			}
		}
		if r := get(t, n.url+"/ledger/v1/x", "X-API-Key", "ptk_k1_secret"); r.status != 200 {
			t.Errorf("another subscription is limited too: %d", r.status)
		}
	})
	t.Run("daily quota per subscription", func(t *testing.T) {
		for i := range 2 {
			if r := get(t, n.url+"/ledger/v1/x", "X-API-Key", "ptk_k5_secret"); r.status != 200 {
				t.Fatalf("request %d within the quota: %d", i+1, r.status)
			}
		}
		r := get(t, n.url+"/ledger/v1/x", "X-API-Key", "ptk_k5_secret")
		if r.status != 429 {
			t.Fatalf("third request of a 2-a-day plan: %d, want 429", r.status)
		}
		pr := r.problem(t)
		now := time.Now().UTC()
		midnight := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, time.UTC)
		if pr["quota_reset"] != midnight.Format(time.RFC3339) || !strings.Contains(pr["detail"].(string), "2 requests per day") {
			t.Errorf("problem %v, want the quota reset at %s", pr, midnight.Format(time.RFC3339))
		}
		retry, _ := strconv.Atoi(r.header.Get("Retry-After"))
		if left := int(time.Until(midnight).Seconds()); retry < left-5 || retry > left+5 || r.header.Get("RateLimit-Limit") != "2" || r.header.Get("RateLimit-Remaining") != "0" {
			t.Errorf("Retry-After %q (want about %d), RateLimit-Limit %q, RateLimit-Remaining %q", r.header.Get("Retry-After"), left, r.header.Get("RateLimit-Limit"), r.header.Get("RateLimit-Remaining"))
		}
	})

	st, _ := p.src.Snapshot(t.Context())
	t.Run("revocation reaches the node", func(t *testing.T) {
		k := key(t, st, "k3")
		k.State = gateway.KeyRevoked
		start := time.Now()
		next, err := p.src.Change(gateway.Delta{Keys: gateway.Changes[gateway.Key]{Upsert: []gateway.Key{k}}})
		if err != nil {
			t.Fatal(err)
		}
		waitVersion(t, n.Node, next.Version())
		if d := time.Since(start); d > time.Second {
			t.Errorf("revocation took %s, want under 1 s", d)
		}
		r := get(t, n.url+"/maps/v1/x", "X-API-Key", "ptk_k3_secret")
		if r.status != 401 || !strings.Contains(r.header.Get("WWW-Authenticate"), "revoked") {
			t.Fatalf("revoked key: %d %q", r.status, r.header.Get("WWW-Authenticate"))
		}
	})
	t.Run("deprecation headers", func(t *testing.T) {
		rt := route(t, st, "ledger/v1")
		rt.State = gateway.StateDeprecated
		rt.DeprecatedAt = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		rt.Sunset = time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)
		rt.Successor, rt.SuccessorMajor = "2.0.0", 2
		next, err := p.src.Change(gateway.Delta{Routes: gateway.Changes[gateway.Route]{Upsert: []gateway.Route{rt}}})
		if err != nil {
			t.Fatal(err)
		}
		waitVersion(t, n.Node, next.Version())
		r := get(t, n.url+"/ledger/v1/x", "X-API-Key", "ptk_k1_secret")
		if r.status != 200 {
			t.Fatalf("deprecated version: %d", r.status)
		}
		want := map[string]string{
			"Deprecation": fmt.Sprintf("@%d", rt.DeprecatedAt.Unix()),
			"Sunset":      "Sun, 31 Jan 2027 00:00:00 GMT",
			"Link":        `</ledger/v2/>; rel="successor-version"`,
		}
		for h, w := range want {
			if got := r.header.Get(h); got != w {
				t.Errorf("%s: got %q, want %q", h, got, w)
			}
		}
		// The node's own answers on the route say it too.
		for _, k := range []string{"ptk_nobody", "ptk_k3_secret"} {
			r := get(t, n.url+"/ledger/v1/x", "X-API-Key", k)
			if r.status != 401 && r.status != 403 {
				t.Fatalf("key %s: status %d, want a refusal", k, r.status)
			}
			for h, w := range want {
				if got := r.header.Values(h); len(got) != 1 || got[0] != w {
					t.Errorf("refused with %d: %s %q, want once %q", r.status, h, got, w)
				}
			}
		}
	})
	t.Run("retired version answers 410 naming the successor", func(t *testing.T) {
		st, _ := p.src.Snapshot(t.Context())
		rt := route(t, st, "ledger/v1")
		// Retired before its planned sunset (2027-01-31, kept from the
		// deprecation): the 410 states the retirement's date.
		rt.State = gateway.StateRetired
		rt.RetiredAt = time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
		next, err := p.src.Change(gateway.Delta{Routes: gateway.Changes[gateway.Route]{Upsert: []gateway.Route{rt}}})
		if err != nil {
			t.Fatal(err)
		}
		waitVersion(t, n.Node, next.Version())
		r := get(t, n.url+"/ledger/v1/x", "X-API-Key", "ptk_k1_secret")
		if r.status != 410 {
			t.Fatalf("retired version: %d", r.status)
		}
		pr := r.problem(t)
		if pr["successor"] != "2.0.0" || pr["successor_link"] != "/ledger/v2/" || !strings.Contains(pr["detail"].(string), "use version 2.0.0") {
			t.Errorf("problem %v", pr)
		}
		if d := pr["detail"].(string); !strings.Contains(d, "ledger v1 is retired since 2026-12-01;") {
			t.Errorf("detail %q, want the retirement's date 2026-12-01 (not the planned sunset)", d)
		}
	})
	t.Run("calendar version is served", func(t *testing.T) {
		// The demo's World Time API numbers its versions by date: a route
		// and a key of major 20210109 serve like any other.
		rt := gateway.Route{API: "worldtimeapi", Major: 20210109, Targets: []string{up.URL + "/api"}, State: gateway.StatePublished}
		k := gateway.Key{ID: "k9", Hash: gateway.HashKey("ptk_k9_secret"), Subscription: "sub-9", Team: "acme", App: "clock", API: "worldtimeapi", Major: 20210109, Plan: "big", State: gateway.KeyActive}
		next, err := p.src.Change(gateway.Delta{Routes: gateway.Changes[gateway.Route]{Upsert: []gateway.Route{rt}}, Keys: gateway.Changes[gateway.Key]{Upsert: []gateway.Key{k}}})
		if err != nil {
			t.Fatal(err)
		}
		waitVersion(t, n.Node, next.Version())
		r := get(t, n.url+"/worldtimeapi/v20210109/timezone/Europe/Paris", "X-API-Key", "ptk_k9_secret")
		if r.status != 200 {
			t.Fatalf("calendar version: %d %s", r.status, r.body)
		}
		if e := r.echo(t); e.Path != "/api/timezone/Europe/Paris" || e.Headers["X-Portico-App"] != "clock" {
			t.Errorf("upstream got %s as %q", e.Path, e.Headers["X-Portico-App"])
		}
	})
	t.Run("admin endpoints", func(t *testing.T) {
		if r := get(t, n.admin+"/healthz"); r.status != 200 {
			t.Errorf("healthz %d", r.status)
		}
		cur := n.Current()
		if r := get(t, n.admin+"/readyz"); r.status != 200 || !strings.Contains(string(r.body), cur.Hash()) {
			t.Errorf("readyz %d %s", r.status, r.body)
		}
		m := get(t, n.admin+"/metrics")
		for _, want := range []string{`portico_gateway_requests_total{code="200"}`, `portico_gateway_requests_total{code="429"} 2`, `portico_gateway_api_requests_total{api="ledger/v1",class="429"} 2`, `portico_gateway_api_requests_total{api="ledger/v1",class="2xx"}`, `portico_gateway_api_requests_total{api="none",class="4xx"}`, `portico_gateway_upstream_duration_seconds_count{api="worldtimeapi/v20210109"} 1`, fmt.Sprintf("portico_gateway_config_version %d", cur.Version()), "portico_gateway_portal_connected 1"} {
			if !strings.Contains(string(m.body), want) {
				t.Errorf("metrics lack %q", want)
			}
		}
		// ledger/v1, retired since its requests, forwards nothing more.
		if strings.Contains(string(m.body), `portico_gateway_upstream_duration_seconds_count{api="ledger/v1"}`) {
			t.Error("the retired ledger/v1 keeps its upstream histogram")
		}
	})
	t.Run("the portal sees the node in sync", func(t *testing.T) {
		head := p.hub.Head()
		var s push.NodeStatus
		if !gatewaytest.Eventually(2*time.Second, func() bool {
			s, _ = p.status("node-a")
			return s.Applied == head
		}) {
			t.Fatalf("node status %+v, head %+v", s, head)
		}
		if got := push.Classify(s, head, time.Now(), p.hub.UnreachableAfter()); got != push.StateInSync {
			t.Errorf("state %s, want in_sync", got)
		}
	})
	t.Run("logs hold no key nor hash", func(t *testing.T) {
		logs := n.logs.String()
		if !strings.Contains(logs, `"key_id":"k1"`) {
			t.Error("access log lacks the key id")
		}
		// The path the client asked for, not the upstream's.
		if !strings.Contains(logs, `"path":"/ledger/v1/accounts/42","status":200`) {
			t.Error("access log lacks the client's path of a forwarded request")
		}
		for _, secret := range []string{"ptk_k1_secret", gateway.HashKey("ptk_k1_secret"), "ptk_k3_secret", gateway.HashKey("ptk_k3_secret"), "ptk_nope", "tok-a"} {
			if strings.Contains(logs, secret) {
				t.Errorf("logs contain %q", secret)
			}
		}
	})
}

func TestLastKnownGoodWithPortalDown(t *testing.T) {
	up := startUpstream(t, "a")
	dir := t.TempDir()
	p := startPortal(t, config(t, 1, up.URL))
	n := startNode(t, p.srv.URL, "tok-a", dir)
	waitVersion(t, n.Node, 1)
	st, _ := p.src.Snapshot(t.Context())
	k := key(t, st, "k1")
	k.App = "renamed"
	if _, err := p.src.Change(gateway.Delta{Keys: gateway.Changes[gateway.Key]{Upsert: []gateway.Key{k}}}); err != nil {
		t.Fatal(err)
	}
	waitVersion(t, n.Node, 2)
	n.stop()
	p.srv.Close()

	// The portal is down: a new node starts from the saved configuration.
	again := startNode(t, p.srv.URL, "tok-a", dir)
	if st := again.Current(); st == nil || st.Version() != 2 {
		t.Fatalf("restarted node serves %v, want version 2 from last-known-good", st)
	}
	if r := get(t, again.admin+"/readyz"); r.status != 200 {
		t.Fatalf("readyz %d with last-known-good", r.status)
	}
	r := get(t, again.url+"/ledger/v1/x", "X-API-Key", "ptk_k1_secret")
	if e := r.echo(t); e.Headers["X-Portico-App"] != "renamed" {
		t.Fatalf("served app %q, want the saved configuration's", e.Headers["X-Portico-App"])
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "snapshot.json" && e.Name() != "changes.jsonl" {
			t.Errorf("data directory holds %s besides snapshot.json and changes.jsonl", e.Name())
		}
	}
}

func TestNotReadyWithoutConfiguration(t *testing.T) {
	n := startNode(t, "http://127.0.0.1:1", "tok-a", t.TempDir())
	if r := get(t, n.admin+"/readyz"); r.status != 503 {
		t.Fatalf("readyz %d without configuration, want 503", r.status)
	}
	if r := get(t, n.url+"/ledger/v1/x", "X-API-Key", "k"); r.status != 503 {
		t.Fatalf("data plane %d without configuration, want 503", r.status)
	}
}

func TestCorruptLastKnownGoodIsReported(t *testing.T) {
	dir := t.TempDir()
	st := config(t, 3, "http://127.0.0.1:1")
	b := st.EncodeSnapshot()
	b[len(b)-20] ^= 1
	os.WriteFile(filepath.Join(dir, "snapshot.json"), b, 0o600)
	err := node.New(node.Options{DataDir: dir}).LoadLastKnownGood()
	if err == nil || !strings.Contains(err.Error(), "snapshot.json") {
		t.Fatalf("got %v, want an error naming the file", err)
	}
}

// wrongHashPortal answers the first sync with a valid snapshot, then one with
// a wrong hash, then heartbeats; it records what the node sends.
type wrongHashPortal struct {
	good, bad []byte
	mu        sync.Mutex
	requests  []gateway.SyncRequest
}

func (w *wrongHashPortal) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	var req gateway.SyncRequest
	json.NewDecoder(r.Body).Decode(&req)
	w.mu.Lock()
	w.requests = append(w.requests, req)
	n := len(w.requests)
	w.mu.Unlock()
	switch {
	case n == 1:
		rw.Header().Set("Content-Type", gateway.MediaSnapshot)
		rw.Write(w.good)
	case n == 2 || req.Rejected != nil && req.Rejected.Retry:
		rw.Header().Set("Content-Type", gateway.MediaSnapshot)
		rw.Write(w.bad)
	default:
		time.Sleep(200 * time.Millisecond)
		rw.Header().Set("Content-Type", gateway.MediaHeartbeat)
		rw.Write([]byte(`{"version":2}`))
	}
}

func TestNackKeepsTheOldConfiguration(t *testing.T) {
	up := startUpstream(t, "a")
	good := config(t, 1, up.URL)
	mutate := func(f func(m map[string]any)) []byte {
		var m map[string]any
		json.Unmarshal(config(t, 2, up.URL).EncodeSnapshot(), &m)
		f(m)
		b, _ := json.Marshal(m)
		return b
	}
	tests := []struct {
		name   string
		bad    []byte
		reason string
	}{
		{"wrong hash", mutate(func(m map[string]any) { m["hash"] = strings.Repeat("0", 64) }), "hash mismatch"},
		{"other schema", mutate(func(m map[string]any) { m["schema"] = 3; m["targets_v3"] = []string{} }), "schema 3 is not supported"},
		// A newer portal's field in a schema this node reads: named, and
		// said to be a newer portal's, not "invalid JSON".
		{"a newer portal's field", mutate(func(m map[string]any) { m["webhooks"] = []string{} }),
			`field "webhooks" is not known to this node (a newer portal's? upgrade the nodes before the portals)`},
		{"a newer portal's route field", mutate(func(m map[string]any) { m["routes"].([]any)[0].(map[string]any)["retries"] = 3 }),
			`field "retries" is not known to this node`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wp := &wrongHashPortal{good: good.EncodeSnapshot(), bad: tt.bad}
			srv := httptest.NewServer(wp)
			t.Cleanup(srv.Close)
			n := startNode(t, srv.URL, "tok-a", t.TempDir())
			testNack(t, wp, n, good, tt.reason)
		})
	}
}

func testNack(t *testing.T, wp *wrongHashPortal, n *runningNode, good *gateway.State, reason string) {
	t.Helper()
	var nack gateway.SyncRequest
	if !gatewaytest.Eventually(5*time.Second, func() bool {
		wp.mu.Lock()
		defer wp.mu.Unlock()
		for _, r := range wp.requests {
			if r.Type == gateway.MsgNack {
				nack = r
				return true
			}
		}
		return false
	}) {
		t.Fatal("the node sent no nack")
	}
	if nack.Version != 1 || nack.Hash != good.Hash() || nack.Rejected == nil || !nack.Rejected.Full || nack.Rejected.Version != 2 || !strings.Contains(nack.Rejected.Reason, reason) {
		t.Fatalf("nack %+v (rejected %+v), want version 2 refused for %q", nack, nack.Rejected, reason)
	}
	if st := n.Current(); st.Head() != good.Head() {
		t.Fatalf("node serves %+v, want the old configuration", st.Head())
	}
	if r := get(t, n.url+"/ledger/v1/x", "X-API-Key", "ptk_k1_secret"); r.status != 200 {
		t.Fatalf("serving after a nack: %d", r.status)
	}
	// The refused state is not asked for again before the backoff (at
	// least 0.8 s), and then it is.
	time.Sleep(500 * time.Millisecond)
	wp.mu.Lock()
	for _, r := range wp.requests[2:] {
		if r.Type != gateway.MsgNack || r.Rejected == nil || r.Rejected.Retry {
			t.Errorf("request within the backoff: %+v", r)
		}
	}
	wp.mu.Unlock()
	if !gatewaytest.Eventually(3*time.Second, func() bool {
		wp.mu.Lock()
		defer wp.mu.Unlock()
		for _, r := range wp.requests {
			if r.Rejected != nil && r.Rejected.Retry {
				return true
			}
		}
		return false
	}) {
		t.Fatal("the node never asked for the refused state again")
	}
}

// corruptDeltas makes every delta's hash wrong, as a buggy change log would.
type corruptDeltas struct{ *gatewaytest.Source }

func (c corruptDeltas) DeltaSince(ctx context.Context, base gateway.Head) (*gateway.Delta, bool, error) {
	d, ok, err := c.Source.DeltaSince(ctx, base)
	if ok {
		bad := *d
		bad.Keys.Delete = append(bad.Keys.Delete, "k2")
		return &bad, true, nil
	}
	return d, ok, err
}

func TestRefusedDeltaGetsTheFullState(t *testing.T) {
	up := startUpstream(t, "a")
	src := gatewaytest.NewSource(config(t, 1, up.URL))
	hub := push.NewHub(corruptDeltas{src}, push.Options{MaxWait: 5 * time.Second})
	src.Changed = func() { hub.Refresh(context.Background()) }
	srv := httptest.NewServer(hub.Handler(gatewaytest.Tokens{"tok-a": "node-a"}))
	t.Cleanup(srv.Close)
	n := startNode(t, srv.URL, "tok-a", t.TempDir())
	waitVersion(t, n.Node, 1)
	st, _ := src.Snapshot(t.Context())
	k := key(t, st, "k1")
	k.State = gateway.KeyRevoked
	next, _ := src.Change(gateway.Delta{Keys: gateway.Changes[gateway.Key]{Upsert: []gateway.Key{k}}})
	waitVersion(t, n.Node, next.Version())
	if n.Current().Hash() != next.Hash() {
		t.Fatal("node converged to another hash")
	}
	if !strings.Contains(n.logs.String(), "hash mismatch") {
		t.Error("the refused delta is not logged")
	}
	if _, ok := n.Current().Key("k2"); !ok {
		t.Error("the corrupt delta's deletion was applied")
	}
}

func TestNoFailedRequestDuringConfigSwaps(t *testing.T) {
	a, b := startUpstream(t, "a"), startUpstream(t, "b")
	p := startPortal(t, config(t, 1, a.URL))
	n := startNode(t, p.srv.URL, "tok-a", t.TempDir())
	waitVersion(t, n.Node, 1)

	ctx, cancel := context.WithCancel(context.Background())
	var sent, failed atomic.Int64
	var firstFailure atomic.Value
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				req, _ := http.NewRequest(http.MethodGet, n.url+"/ledger/v1/stream", nil)
				req.Header.Set("X-API-Key", "ptk_k1_secret")
				resp, err := client.Do(req)
				sent.Add(1)
				if err != nil {
					failed.Add(1)
					firstFailure.CompareAndSwap(nil, err.Error())
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					failed.Add(1)
					firstFailure.CompareAndSwap(nil, resp.Status)
				}
			}
		}()
	}
	targets := []string{b.URL, a.URL}
	for i := range 20 {
		st, _ := p.src.Snapshot(t.Context())
		rt := route(t, st, "ledger/v1")
		rt.Targets = []string{targets[i%2]}
		other := key(t, st, "k3")
		other.App = fmt.Sprintf("app-%d", i)
		next, err := p.src.Change(gateway.Delta{Routes: gateway.Changes[gateway.Route]{Upsert: []gateway.Route{rt}}, Keys: gateway.Changes[gateway.Key]{Upsert: []gateway.Key{other}}})
		if err != nil {
			t.Fatal(err)
		}
		waitVersion(t, n.Node, next.Version())
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	wg.Wait()
	if f := failed.Load(); f > 0 {
		t.Fatalf("%d of %d requests failed during 20 swaps; first: %v", f, sent.Load(), firstFailure.Load())
	}
	if sent.Load() < 100 {
		t.Fatalf("only %d requests were sent", sent.Load())
	}
	t.Logf("%d requests, none failed, during 20 swaps", sent.Load())
}

func TestUpstreamBalancingAndFailures(t *testing.T) {
	a, b := startUpstream(t, "a"), startUpstream(t, "b")
	deadURL := deadTarget(t)
	st := config(t, 1, a.URL, b.URL)
	p := startPortal(t, st)
	n := startNode(t, p.srv.URL, "tok-a", t.TempDir())
	waitVersion(t, n.Node, 1)

	seen := map[string]int{}
	for range 20 {
		seen[get(t, n.url+"/ledger/v1/x", "X-API-Key", "ptk_k1_secret").echo(t).Server]++
	}
	if seen["a"] < 5 || seen["b"] < 5 {
		t.Errorf("balancing over two targets: %v", seen)
	}

	change := func(targets []string, responseMS int) {
		t.Helper()
		cur, _ := p.src.Snapshot(t.Context())
		rt := route(t, cur, "ledger/v1")
		rt.Targets, rt.ResponseTimeoutMS = targets, responseMS
		next, err := p.src.Change(gateway.Delta{Routes: gateway.Changes[gateway.Route]{Upsert: []gateway.Route{rt}}})
		if err != nil {
			t.Fatal(err)
		}
		waitVersion(t, n.Node, next.Version())
	}
	t.Run("a dead target is skipped", func(t *testing.T) {
		change([]string{deadURL, a.URL}, 0)
		for i := range 10 {
			if r := get(t, n.url+"/ledger/v1/x", "X-API-Key", "ptk_k1_secret"); r.status != 200 {
				t.Fatalf("request %d with one dead target: %d %s", i, r.status, r.body)
			}
		}
	})
	t.Run("timeout is 504", func(t *testing.T) {
		change([]string{a.URL}, 200)
		r := get(t, n.url+"/ledger/v1/x?sleep=1s", "X-API-Key", "ptk_k1_secret")
		if r.status != 504 {
			t.Fatalf("slow upstream: %d, want 504", r.status)
		}
		r.problem(t)
	})
	t.Run("unreachable is 502", func(t *testing.T) {
		change([]string{deadURL}, 0)
		r := get(t, n.url+"/ledger/v1/x", "X-API-Key", "ptk_k1_secret")
		if r.status != 502 {
			t.Fatalf("dead upstream: %d, want 502", r.status)
		}
		r.problem(t)
	})
}

func TestGracefulShutdownFinishesRequestsInFlight(t *testing.T) {
	up := startUpstream(t, "a")
	p := startPortal(t, config(t, 1, up.URL))
	n := startNode(t, p.srv.URL, "tok-a", t.TempDir())
	waitVersion(t, n.Node, 1)
	done := make(chan string, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, n.url+"/ledger/v1/x?sleep=300ms", nil)
		req.Header.Set("X-API-Key", "ptk_k1_secret")
		resp, err := client.Do(req)
		if err != nil {
			done <- err.Error()
			return
		}
		resp.Body.Close()
		done <- resp.Status
	}()
	time.Sleep(100 * time.Millisecond)
	n.stop()
	if got := <-done; got != "200 OK" {
		t.Fatalf("request in flight at shutdown: %s", got)
	}
	if _, err := client.Get(n.url + "/ledger/v1/x"); err == nil {
		t.Fatal("the node still accepts connections after shutdown")
	}
}

// TestWrongTokenIsLoggedAsSuch: a node started with a token the portal
// refuses logs that the portal refused it, and that it serves nothing yet
// (its requests answer 503), not "portal unreachable, serving the current
// configuration", which sent a user with a mistyped token looking for a
// network problem and a configuration the node did not have.
func TestWrongTokenIsLoggedAsSuch(t *testing.T) {
	p := startPortal(t, config(t, 1, "http://127.0.0.1:1"))
	n := startNode(t, p.srv.URL, "tok-wrong", t.TempDir())
	var line map[string]any
	if !gatewaytest.Eventually(5*time.Second, func() bool {
		for _, l := range strings.Split(n.logs.String(), "\n") {
			if strings.Contains(l, "(401)") {
				line = map[string]any{}
				return json.Unmarshal([]byte(l), &line) == nil
			}
		}
		return false
	}) {
		t.Fatalf("no log line about the refused token:\n%s", n.logs.String())
	}
	if msg, _ := line["msg"].(string); !strings.Contains(msg, "refused the node token") {
		t.Errorf("log message %q, want it to say the portal refused the node token", msg)
	}
	if serving, _ := line["serving"].(string); !strings.Contains(serving, "nothing yet") {
		t.Errorf("log says it serves %q, want nothing yet", serving)
	}
}

// TestServeStopsWhenStoppedAtOnce: a node stopped (SIGTERM) right as it
// starts serving. The server registers its listener only once its Serve
// runs, and a shutdown before that closed nothing: Serve then accepted on
// the listener for ever and the node never exited.
func TestServeStopsWhenStoppedAtOnce(t *testing.T) {
	for i := range 20 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		n := node.New(node.Options{DataDir: t.TempDir(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		done := make(chan error, 1)
		go func() { done <- n.Serve(ctx, ln, time.Second) }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("start %d: Serve stopped at once: %v, want nil", i, err)
			}
		case <-time.After(5 * time.Second):
			ln.Close()
			t.Fatalf("start %d: Serve did not return within 5s of a stop that came before it served", i)
		}
	}
}
