package handlers_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/gatewaytest"
	"github.com/portico-dev/portico/handlers"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/spec/spectest"
	"github.com/portico-dev/portico/store"
)

func TestGatewayNodesThroughAPIAndPage(t *testing.T) {
	e := newEnv(t)
	admin := e.user("admin", policy.RoleAdmin, "", "")
	tok := e.token(admin)

	res, out := e.api("POST", "/api/v1/gateway/nodes", tok, map[string]any{"name": "edge-1"})
	if res.StatusCode != 201 || out["name"] != "edge-1" || !strings.HasPrefix(out["token"].(string), "pgn_") {
		t.Fatalf("register: %d %v", res.StatusCode, out)
	}
	nodeToken := out["token"].(string)
	if res, out := e.api("POST", "/api/v1/gateway/nodes", tok, map[string]any{"name": "edge-1"}); res.StatusCode != 422 {
		t.Errorf("a second edge-1: %d %v, want 422", res.StatusCode, out)
	}

	// The node long-polls with its token; with no configuration compiled
	// yet, it gets a heartbeat of version 0 after its short wait.
	res, _ = e.api("POST", gateway.SyncPath, nodeToken, map[string]any{"type": "hello", "wait_ms": 50, "agent": "test"})
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != gateway.MediaHeartbeat {
		t.Fatalf("sync: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	// A user's token is no node token.
	if res, _ := e.api("POST", gateway.SyncPath, tok, map[string]any{"type": "hello", "wait_ms": 50}); res.StatusCode != 401 {
		t.Errorf("sync with a personal token: %d, want 401", res.StatusCode)
	}

	// The node's contact is recorded: the list shows it with its state.
	status, body := e.apiText("GET", "/api/v1/gateway/nodes", tok)
	if status != 200 || !strings.Contains(body, `"name":"edge-1"`) || !strings.Contains(body, `"state":"in_sync"`) || !strings.Contains(body, `"last_seen_at":"`) {
		t.Errorf("nodes: %d %s", status, body)
	}

	b := e.browser()
	b.login("admin")
	d := doc(t, b.get("/gateway"))
	if got := d.Find(`[data-testid="node-row"][data-node="edge-1"]`).AttrOr("data-state", ""); got != "in_sync" {
		t.Errorf("page state of edge-1 = %q", got)
	}
	res = b.post("/gateway/nodes", url.Values{"name": {"edge-2"}})
	d = doc(t, res)
	if res.StatusCode != 200 || !strings.Contains(d.Find(`[data-testid="new-node-token"]`).Text(), "pgn_") {
		t.Errorf("page registration: %d, token shown %q", res.StatusCode, d.Find(`[data-testid="new-node-token"]`).Text())
	}
	res = b.post("/gateway/nodes", url.Values{"name": {"Bad!"}})
	if res.StatusCode != 422 {
		t.Errorf("bad name from the page: %d", res.StatusCode)
	}
	res.Body.Close()

	// Revoking ends the token.
	if res, _ := e.api("DELETE", "/api/v1/gateway/nodes/edge-1", tok, nil); res.StatusCode != 204 {
		t.Fatalf("revoke: %d", res.StatusCode)
	}
	if res, _ := e.api("POST", gateway.SyncPath, nodeToken, map[string]any{"type": "hello", "wait_ms": 50}); res.StatusCode != 401 {
		t.Errorf("sync after revocation: %d, want 401", res.StatusCode)
	}
	if res, _ := e.api("DELETE", "/api/v1/gateway/nodes/edge-1", tok, nil); res.StatusCode != 404 {
		t.Errorf("revoke twice: %d, want 404", res.StatusCode)
	}
}

func TestGatewaySettingsPageAndAPI(t *testing.T) {
	e := newEnv(t)
	admin := e.user("admin", policy.RoleAdmin, "", "")
	e.user("maint", policy.RoleMember, "payments", policy.RoleMaintainer)
	tok := e.token(mustUser(t, e, "maint"))
	pagePublishedAPI(t, e, admin, "payments", "orders", store.VisibilityPublic, spectest.PetsV1)

	b := e.browser()
	b.login("maint")
	d := doc(t, b.get("/apis/orders/gateway"))
	if d.Find(`[data-testid="route-settings"][data-major="1"]`).Length() != 1 {
		t.Fatalf("no settings form of v1")
	}
	res := b.post("/apis/orders/gateway/1", url.Values{"targets": {"ftp://nope"}})
	d = doc(t, res)
	if res.StatusCode != 422 || !strings.Contains(d.Text(), "http or https") {
		t.Errorf("bad target from the page: %d", res.StatusCode)
	}
	res = b.post("/apis/orders/gateway/1", url.Values{"targets": {"http://orders-1:8080/api\nhttp://orders-2:8080/api"}, "connect_timeout_ms": {"300"}})
	res.Body.Close()
	if res.StatusCode != 303 {
		t.Fatalf("deploy from the page: %d", res.StatusCode)
	}
	res, out := e.api("PUT", "/api/v1/apis/orders/gateway/1", tok, map[string]any{"targets": []string{"http://orders-3:8080/api"}, "response_timeout_ms": 1500})
	if res.StatusCode != 201 {
		t.Fatalf("deploy from the API: %d %v", res.StatusCode, out)
	}
	_, body := e.apiText("GET", "/api/v1/apis/orders/gateway", tok)
	if !strings.Contains(body, `"targets":["http://orders-3:8080/api"]`) || !strings.Contains(body, `"source":"deployment"`) {
		t.Errorf("settings: %s", body)
	}
	d = doc(t, b.get("/apis/orders/gateway"))
	first := d.Find(`[data-testid="deployment-row"]`).Last().AttrOr("data-deployment", "")
	res = b.post("/apis/orders/gateway/1/rollback", url.Values{"deployment": {first}})
	res.Body.Close()
	if res.StatusCode != 303 {
		t.Fatalf("rollback from the page: %d", res.StatusCode)
	}
	if _, body := e.apiText("GET", "/api/v1/apis/orders/gateway", tok); !strings.Contains(body, `"targets":["http://orders-1:8080/api","http://orders-2:8080/api"],"source":"deployment","connect_timeout_ms":300`) {
		t.Errorf("after rollback: %s", body)
	}
	// A rollback that names no deployment, or one this major does not
	// have, is an invalid field (it was answered 404 "has no deployment 0").
	res, out = e.api("POST", "/api/v1/apis/orders/gateway/1/rollback", tok, map[string]any{})
	if errs, _ := out["errors"].([]any); res.StatusCode != 422 || len(errs) != 1 || errs[0].(map[string]any)["field"] != "deployment" {
		t.Errorf("rollback without a deployment: %d %v, want 422 naming the field deployment", res.StatusCode, out)
	}
	res, out = e.api("POST", "/api/v1/apis/orders/gateway/1/rollback", tok, map[string]any{"deployment": 999})
	if errs, _ := out["errors"].([]any); res.StatusCode != 422 || len(errs) != 1 || errs[0].(map[string]any)["field"] != "deployment" {
		t.Errorf("rollback to deployment 999: %d %v, want 422 naming the field deployment", res.StatusCode, out)
	}
}

// apiText calls the JSON API without a body and returns the status and the
// answer's text.
func (e *env) apiText(method, path, token string) (int, string) {
	e.t.Helper()
	req := httptest.NewRequest(method, path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := e.app.Test(req, -1)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestHeldSyncAnswersWhenThePortalStops: a node's held long-poll, when the
// portal stops (SIGTERM: fiber's Shutdown), is answered 503 with a problem
// saying the portal is stopping, which the node logs before it retries. It
// was answered 200 with no body and no media type, which the node logged as
// "the portal's answer has no media type" at every restart of the portal.
func TestHeldSyncAnswersWhenThePortalStops(t *testing.T) {
	e := newEnv(t)
	admin := e.user("admin", policy.RoleAdmin, "", "")
	tok := e.token(admin)
	res, out := e.api("POST", "/api/v1/gateway/nodes", tok, map[string]any{"name": "edge-1"})
	if res.StatusCode != 201 {
		t.Fatalf("register: %d %v", res.StatusCode, out)
	}
	nodeToken := out["token"].(string)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- e.app.Listener(ln) }()
	type answer struct {
		status int
		media  string
		body   string
		err    error
	}
	answered := make(chan answer, 1)
	go func() {
		req, _ := http.NewRequest("POST", "http://"+ln.Addr().String()+gateway.SyncPath, strings.NewReader(`{"type":"poll","wait_ms":50000,"agent":"test"}`))
		req.Header.Set("Authorization", "Bearer "+nodeToken)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			answered <- answer{err: err}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		answered <- answer{status: resp.StatusCode, media: resp.Header.Get("Content-Type"), body: string(b)}
	}()
	// The request is held once the portal has recorded the node's contact.
	if !gatewaytest.Eventually(10*time.Second, func() bool {
		_, body := e.apiText("GET", "/api/v1/gateway/nodes", tok)
		return strings.Contains(body, `"last_seen_at":"`)
	}) {
		t.Fatal("the node's sync request never reached the portal")
	}
	if err := e.app.ShutdownWithTimeout(10 * time.Second); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if err := <-served; err != nil {
		t.Errorf("listener: %v", err)
	}
	a := <-answered
	if a.err != nil {
		t.Fatalf("held sync: %v", a.err)
	}
	if a.status != http.StatusServiceUnavailable || a.media != "application/problem+json" || !strings.Contains(a.body, "the portal is stopping") {
		t.Errorf("held sync when the portal stops: %d %q %s, want 503 application/problem+json saying the portal is stopping", a.status, a.media, a.body)
	}
}

// TestGatewayPageClockIsTheDatabases: the Gateway page says how long ago a
// node was heard by the clock that stamped it (the database's), not by the
// clock of the instance serving the page: a node heard just now is not
// shown as heard minutes ago (or in the future) by an instance whose clock
// is off.
func TestGatewayPageClockIsTheDatabases(t *testing.T) {
	e := newEnv(t)
	p, err := policy.New(context.Background(), e.store)
	if err != nil {
		t.Fatal(err)
	}
	e.app = handlers.New(e.store, p, handlers.Options{Hasher: e.hasher, MetricsToken: testMetricsToken,
		Now: func() time.Time { return time.Now().Add(90 * time.Second) }}).App()
	admin := e.user("admin", policy.RoleAdmin, "", "")
	res, out := e.api("POST", "/api/v1/gateway/nodes", e.token(admin), map[string]any{"name": "edge-1"})
	if res.StatusCode != 201 {
		t.Fatalf("register: %d %v", res.StatusCode, out)
	}
	if res, _ := e.api("POST", gateway.SyncPath, out["token"].(string), map[string]any{"type": "hello", "wait_ms": 50, "agent": "test"}); res.StatusCode != 200 {
		t.Fatalf("sync: %d", res.StatusCode)
	}
	b := e.browser()
	b.login("admin")
	d := doc(t, b.get("/gateway"))
	row := d.Find(`[data-testid="node-row"][data-node="edge-1"]`)
	if got := strings.TrimSpace(row.Find(`[data-testid="node-seen"]`).Text()); got != "just now" && got != "1s ago" {
		t.Errorf("last contact of a node heard just now, on an instance whose clock is 90 s ahead: %q, want just now", got)
	}
	if got := row.AttrOr("data-state", ""); got != "in_sync" && got != "behind" {
		t.Errorf("state %q of a node heard just now", got)
	}
}

// TestGatewayPageExplainsANewNodeAndALostToken: a node just registered and
// not yet started shows as unreachable, never contacted; the page says that
// this is what the state means for it, and how to get a new token when the
// one shown once is lost (revoke, then register the name again).
func TestGatewayPageExplainsANewNodeAndALostToken(t *testing.T) {
	e := newEnv(t)
	admin := e.user("admin", policy.RoleAdmin, "", "")
	if res, out := e.api("POST", "/api/v1/gateway/nodes", e.token(admin), map[string]any{"name": "edge-1"}); res.StatusCode != 201 {
		t.Fatalf("register: %d %v", res.StatusCode, out)
	}
	b := e.browser()
	b.login("admin")
	d := doc(t, b.get("/gateway"))
	row := d.Find(`[data-testid="node-row"][data-node="edge-1"]`)
	if got := row.AttrOr("data-state", ""); got != "unreachable" {
		t.Fatalf("state of a node never started: %q, want unreachable", got)
	}
	legend := strings.Join(strings.Fields(d.Find(`[data-testid="states-legend"]`).Text()), " ")
	if !strings.Contains(legend, "or never since it was registered (not started yet, or started with another token)") {
		t.Errorf("the states legend does not say what unreachable means for a node never heard from: %q", legend)
	}
	hint := strings.Join(strings.Fields(d.Find(`[data-testid="node-form"]`).Text()), " ")
	if !strings.Contains(hint, "A lost token cannot be shown again: revoke the node and register its name again for a new one.") {
		t.Errorf("the registration form does not say how to replace a lost token: %q", hint)
	}
}
