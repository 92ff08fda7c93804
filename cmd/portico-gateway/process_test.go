package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/portico-dev/portico/bintest"
	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/gatewaytest"
	"github.com/portico-dev/portico/gateway/push"
	"github.com/portico-dev/portico/logtest"
)

// The tests here run real portico-gateway processes, built once, against a
// test portal that serves the sync protocol through the real hub.

// gatewayBinary is the node, built once for every package's tests (see
// bintest).
func gatewayBinary(t *testing.T) string {
	return bintest.Build(t, "github.com/portico-dev/portico/cmd/portico-gateway")
}

// portalBinary is the portal, `portico`, built once for every package's
// tests: cmd/portico's run the same program.
func portalBinary(t *testing.T) string {
	return bintest.Build(t, "github.com/portico-dev/portico/cmd/portico")
}

// testPortal serves the sync protocol on a fixed address, so it can be
// stopped and started again where the nodes expect it.
type testPortal struct {
	src  *gatewaytest.Source
	hub  *push.Hub
	addr string
	srv  *httptest.Server
}

func newTestPortal(t *testing.T, st *gateway.State) *testPortal {
	p := &testPortal{src: gatewaytest.NewSource(st)}
	// The hub holds a request as long as the real portal does (the 25 s a
	// node asks for): a change that reaches the nodes within pushed, well
	// under that, was pushed, not found by the next poll.
	p.hub = push.NewHub(p.src, push.Options{})
	p.src.Changed = func() { p.hub.Refresh(context.Background()) }
	p.start(t)
	p.addr = p.srv.Listener.Addr().String()
	t.Cleanup(func() { p.stop() })
	return p
}

func (p *testPortal) start(t *testing.T) {
	t.Helper()
	srv := httptest.NewUnstartedServer(p.hub.Handler(gatewaytest.Tokens{"tok-a": "node-a", "tok-b": "node-b"}))
	if p.addr != "" {
		ln, err := net.Listen("tcp", p.addr)
		if err != nil {
			t.Fatal(err)
		}
		srv.Listener.Close()
		srv.Listener = ln
	}
	srv.Start()
	p.srv = srv
}

// stop stops the portal as a stopped process would: the nodes' held
// requests end at once (httptest's Close alone waits for them, up to the
// 25 s they are held).
func (p *testPortal) stop() {
	p.srv.CloseClientConnections()
	p.srv.Close()
}

func (p *testPortal) url() string { return "http://" + p.addr }

func (p *testPortal) change(t *testing.T, d gateway.Delta) *gateway.State {
	t.Helper()
	st, err := p.src.Change(d)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func (p *testPortal) status(name string) push.NodeStatus {
	for _, s := range p.hub.Nodes() {
		if s.Name == name {
			return s
		}
	}
	return push.NodeStatus{}
}

// proc is a running portico-gateway.
type proc struct {
	cmd         *exec.Cmd
	addr, admin string
	out         *logtest.Buffer
	exited      chan error
}

// startProc starts a node listening on ports the system picks (the
// addresses its start line names): a port picked here, closed and then
// passed to the node could be taken meanwhile (by another process, or by
// the node's other listener, given the same free port), and the node
// exited on "address already in use".
func startProc(t *testing.T, portalURL, token, dir string, extra ...string) *proc {
	t.Helper()
	p := &proc{out: &logtest.Buffer{}, exited: make(chan error, 1)}
	p.cmd = exec.Command(gatewayBinary(t), "--portal", portalURL, "--addr", "127.0.0.1:0", "--admin-addr", "127.0.0.1:0", "--data", dir, "--log-format", "json", "--log-level", "debug")
	p.cmd.Args = append(p.cmd.Args, extra...)
	p.cmd.Env = append(os.Environ(), "PORTICO_GATEWAY_TOKEN="+token)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.exited <- p.cmd.Wait() }()
	t.Cleanup(func() { p.kill() })
	deadline := time.Now().Add(started)
	for {
		select {
		case err := <-p.exited:
			p.exited <- err
			t.Fatalf("the node exited (%v) before it started:\n%s", err, p.out)
		default:
		}
		if p.addr == "" {
			p.addr, p.admin = startedAddrs(p.out.String())
		}
		if p.admin != "" {
			if resp, err := http.Get("http://" + p.admin + "/healthz"); err == nil {
				resp.Body.Close()
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the node did not start:\n%s", p.out)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// startedAddrs returns the data plane's and the admin listener's addresses
// from a node's JSON log, once its start line is written.
func startedAddrs(log string) (addr, admin string) {
	for line := range strings.Lines(log) {
		var l struct {
			Msg       string `json:"msg"`
			Addr      string `json:"addr"`
			AdminAddr string `json:"admin_addr"`
		}
		if json.Unmarshal([]byte(line), &l) == nil && l.Msg == "portico-gateway started" {
			return l.Addr, l.AdminAddr
		}
	}
	return "", ""
}

func (p *proc) kill() {
	if p.cmd.ProcessState == nil {
		p.cmd.Process.Kill()
		<-p.exited
		p.exited <- nil
	}
}

// status of GET path on the node with a key.
func (p *proc) status(t *testing.T, path, key string) (int, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, "http://"+p.addr+path, nil)
	if key != "" {
		req.Header.Set("X-API-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header
}

// pushed is how long a change may take to reach the nodes in these tests.
// Typically it takes 40–250 ms; on a machine busy with other test binaries
// a revocation took 1.12 s and failed a 1 s limit, and 3 s was never tried
// against a starved CPU: how fast a change travels is for bench/ to
// measure, not for a timed test. What the bound tells is that the change
// was pushed: a poll is held 25 s (here as by the real portal), so a
// change the push missed waits for the held poll's end, up to 25 s after
// it (nearly all of it, as each change comes just after the nodes polled
// again for the previous one).
const pushed = 10 * time.Second

// started is how long a node may take to start and serve what it has (the
// portal's configuration or its last-known-good): a wait for a loaded
// machine, no promise.
const started = 30 * time.Second

// within waits until every node answers path with want, and returns how long
// it took from start.
func within(t *testing.T, start time.Time, limit time.Duration, path, key string, want int, nodes ...*proc) time.Duration {
	t.Helper()
	for _, n := range nodes {
		if !gatewaytest.Eventually(limit+2*time.Second, func() bool { got, _ := n.status(t, path, key); return got == want }) {
			got, _ := n.status(t, path, key)
			t.Fatalf("node %s answers %s with %d, want %d:\n%s", n.addr, path, got, want, n.out)
		}
	}
	took := time.Since(start)
	if took > limit {
		t.Errorf("%s reached every node in %s, want within %s", path, took, limit)
	}
	return took
}

func testState(t *testing.T, upstream string) *gateway.State {
	t.Helper()
	st, err := gateway.NewState(1,
		[]gateway.Route{{API: "ledger", Major: 1, Targets: []string{upstream}, State: gateway.StatePublished}},
		[]gateway.Plan{{ID: "std", RatePerMinute: 6000, Burst: 1000}},
		[]gateway.Key{
			{ID: "ka", Hash: gateway.HashKey("ptk_ka_secret"), Subscription: "s-a", Team: "t", App: "a", API: "ledger", Major: 1, Plan: "std", State: gateway.KeyActive},
			{ID: "kb", Hash: gateway.HashKey("ptk_kb_secret"), Subscription: "s-b", Team: "t", App: "b", API: "maps", Major: 1, Plan: "std", State: gateway.KeyActive},
		})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestNodesConvergeAndSurviveFaults(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	t.Cleanup(upstream.Close)
	portal := newTestPortal(t, testState(t, upstream.URL))
	dirA, dirB := t.TempDir(), t.TempDir()
	a := startProc(t, portal.url(), "tok-a", dirA)
	b := startProc(t, portal.url(), "tok-b", dirB)
	within(t, time.Now(), started, "/ledger/v1/x", "ptk_ka_secret", 200, a, b)

	// Publish: a new API reaches both nodes, pushed.
	start := time.Now()
	portal.change(t, gateway.Delta{Routes: gateway.Changes[gateway.Route]{Upsert: []gateway.Route{{API: "maps", Major: 1, Targets: []string{upstream.URL}, State: gateway.StatePublished}}}})
	t.Logf("publish reached both nodes in %s", within(t, start, pushed, "/maps/v1/x", "ptk_kb_secret", 200, a, b))

	// Revoke: the key is refused on both, pushed.
	st, _ := portal.src.Snapshot(t.Context())
	k, _ := st.Key("ka")
	revoked := *k
	revoked.State = gateway.KeyRevoked
	start = time.Now()
	portal.change(t, gateway.Delta{Keys: gateway.Changes[gateway.Key]{Upsert: []gateway.Key{revoked}}})
	t.Logf("revocation reached both nodes in %s", within(t, start, pushed, "/ledger/v1/x", "ptk_ka_secret", 401, a, b))

	// Deprecate, then retire.
	r, _ := st.Route("maps/v1")
	dep := *r
	dep.State, dep.DeprecatedAt, dep.Sunset = gateway.StateDeprecated, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	v := portal.change(t, gateway.Delta{Routes: gateway.Changes[gateway.Route]{Upsert: []gateway.Route{dep}}}).Version()
	for _, n := range []*proc{a, b} {
		if !gatewaytest.Eventually(pushed, func() bool { _, h := n.status(t, "/maps/v1/x", "ptk_kb_secret"); return h.Get("Deprecation") != "" }) {
			t.Fatalf("no Deprecation header on %s after version %d", n.addr, v)
		}
		if _, h := n.status(t, "/maps/v1/x", "ptk_kb_secret"); h.Get("Sunset") != "Tue, 01 Jun 2027 00:00:00 GMT" {
			t.Errorf("Sunset %q", h.Get("Sunset"))
		}
	}
	dep.State = gateway.StateRetired
	portal.change(t, gateway.Delta{Routes: gateway.Changes[gateway.Route]{Upsert: []gateway.Route{dep}}})
	within(t, time.Now(), pushed, "/maps/v1/x", "ptk_kb_secret", 410, a, b)

	// Kill node b, change something, restart it: it converges and the
	// portal shows it in sync.
	b.kill()
	head := portal.change(t, gateway.Delta{Routes: gateway.Changes[gateway.Route]{Upsert: []gateway.Route{{API: "late", Major: 3, Targets: []string{upstream.URL}, State: gateway.StatePublished}}}}).Head()
	b = startProc(t, portal.url(), "tok-b", dirB)
	within(t, time.Now(), pushed, "/late/v3/x", "", 401, b)
	if !gatewaytest.Eventually(pushed, func() bool { return portal.status("node-b").Applied == head }) {
		t.Fatalf("the portal shows node-b at %+v, want %+v", portal.status("node-b").Applied, head)
	}
	if got := push.Classify(portal.status("node-b"), head, time.Now(), portal.hub.UnreachableAfter()); got != push.StateInSync {
		t.Errorf("node-b is %s, want in_sync", got)
	}

	// Stop the portal: the nodes keep serving; a node started now serves
	// its last-known-good.
	portal.stop()
	if got, _ := a.status(t, "/late/v3/x", ""); got != 401 {
		t.Fatalf("with the portal down node a answers %d", got)
	}
	b.kill()
	b = startProc(t, portal.url(), "tok-b", dirB)
	if got, _ := b.status(t, "/late/v3/x", ""); got != 401 {
		t.Fatalf("a node started while the portal is down answers %d, want 401 from its last-known-good", got)
	}
	if resp, err := http.Get("http://" + b.admin + "/readyz"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("readyz of a node on its last-known-good: %v %v", resp, err)
	}

	// The portal comes back: a change made meanwhile reaches both.
	head = portal.change(t, gateway.Delta{Routes: gateway.Changes[gateway.Route]{Delete: []string{"late/v3"}}}).Head()
	portal.start(t)
	within(t, time.Now(), pushed, "/late/v3/x", "", 404, a, b)

	// SIGTERM: a clean exit.
	a.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-a.exited:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, a.out)
		}
		a.exited <- err
	case <-time.After(10 * time.Second):
		t.Fatal("no exit within 10 s of SIGTERM")
	}
	for _, n := range []*proc{a, b} {
		logs := n.out.String()
		for _, secret := range []string{"ptk_ka_secret", "ptk_kb_secret", gateway.HashKey("ptk_ka_secret"), "tok-a", "tok-b"} {
			if strings.Contains(logs, secret) {
				t.Errorf("logs of %s contain %q", n.addr, secret)
			}
		}
	}
	if !strings.Contains(a.out.String(), `"msg":"request"`) || !strings.Contains(a.out.String(), `"msg":"stopped"`) {
		t.Errorf("node a's output lacks access log lines or the stop line:\n%s", a.out)
	}
	_ = head
}
