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
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/gatewaytest"
	"github.com/portico-dev/portico/gateway/node"
	"github.com/portico-dev/portico/gateway/push"
	"github.com/portico-dev/portico/logtest"
)

// portal is a test portal speaking the sync protocol through the real hub.
type portal struct {
	src *gatewaytest.Source
	hub *push.Hub
	srv *httptest.Server
}

func startPortal(t *testing.T, st *gateway.State) *portal {
	t.Helper()
	p := &portal{src: gatewaytest.NewSource(st)}
	p.hub = push.NewHub(p.src, push.Options{MaxWait: 5 * time.Second})
	p.src.Changed = func() { p.hub.Refresh(context.Background()) }
	p.srv = httptest.NewServer(p.hub.Handler(gatewaytest.Tokens{"tok-a": "node-a", "tok-b": "node-b"}))
	t.Cleanup(p.srv.Close)
	return p
}

// status returns what the hub knows of a node.
func (p *portal) status(name string) (push.NodeStatus, bool) {
	for _, s := range p.hub.Nodes() {
		if s.Name == name {
			return s, true
		}
	}
	return push.NodeStatus{}, false
}

// echo is an upstream that answers with what it received.
type echoed struct {
	Path    string            `json:"path"`
	Query   string            `json:"query"`
	Headers map[string]string `json:"headers"`
	Server  string            `json:"server"`
}

func startUpstream(t *testing.T, name string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if d, err := time.ParseDuration(r.URL.Query().Get("sleep")); err == nil {
			select {
			case <-time.After(d):
			case <-r.Context().Done():
				return
			}
		}
		h := map[string]string{}
		for k := range r.Header {
			h[k] = r.Header.Get(k)
		}
		h["Host"] = r.Host
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(echoed{Path: r.URL.EscapedPath(), Query: r.URL.RawQuery, Headers: h, Server: name})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// runningNode is a node with its own listeners, run in-process.
type runningNode struct {
	*node.Node
	url, admin string
	logs       *logtest.Buffer
	stop       func()
}

func startNode(t *testing.T, portalURL, token, dir string) *runningNode {
	t.Helper()
	logs := &logtest.Buffer{}
	out := io.MultiWriter(logs, testWriter{t})
	logger := slog.New(slog.NewJSONHandler(out, &slog.HandlerOptions{Level: slog.LevelDebug}))
	n := node.New(node.Options{Portal: portalURL, Token: token, DataDir: dir, Logger: logger, AccessLog: node.NewAccessLog(out, true), Wait: 3 * time.Second, ResponseTimeout: 2 * time.Second, ConnectTimeout: time.Second})
	if err := n.LoadLastKnownGood(); err != nil {
		t.Fatal(err)
	}
	return run(t, n, logs, n.ServeAdmin, nil)
}

// startReportingNode runs a node that reports usage to its portal (opts
// names the portal, the token and the usage settings), in its own data
// directory, logging to a buffer and the test. It has no admin listener.
func startReportingNode(t *testing.T, opts node.Options) *runningNode {
	t.Helper()
	logs := &logtest.Buffer{}
	opts.DataDir, opts.Wait = t.TempDir(), 3*time.Second
	opts.Logger = slog.New(slog.NewJSONHandler(io.MultiWriter(logs, testWriter{t}), nil))
	n := node.New(opts)
	return run(t, n, logs, nil, n.RunUsage)
}

// run serves n's traffic on a listener of its own and keeps its
// configuration in sync, with an admin listener when serveAdmin is given
// and usage reports when runUsage is, until the test ends or stop is called.
func run(t *testing.T, n *node.Node, logs *logtest.Buffer, serveAdmin func(context.Context, net.Listener) error, runUsage func(context.Context) error) *runningNode {
	t.Helper()
	listen := func() net.Listener {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		return ln
	}
	rn := &runningNode{Node: n, logs: logs}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	spawn := func(f func()) { wg.Add(1); go func() { defer wg.Done(); f() }() }
	ln := listen()
	rn.url = "http://" + ln.Addr().String()
	spawn(func() { n.Serve(ctx, ln, 5*time.Second) })
	spawn(func() { n.RunSync(ctx) })
	if serveAdmin != nil {
		aln := listen()
		rn.admin = "http://" + aln.Addr().String()
		spawn(func() { serveAdmin(ctx, aln) })
	}
	if runUsage != nil {
		spawn(func() { runUsage(ctx) })
	}
	var once sync.Once
	rn.stop = func() { once.Do(func() { cancel(); wg.Wait() }) }
	t.Cleanup(rn.stop)
	return rn
}

// testWriter shows logs of failing tests.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// waitVersion waits until n serves version v.
func waitVersion(t *testing.T, n *node.Node, v uint64) {
	t.Helper()
	if !gatewaytest.Eventually(5*time.Second, func() bool { st := n.Current(); return st != nil && st.Version() == v }) {
		got := uint64(0)
		if st := n.Current(); st != nil {
			got = st.Version()
		}
		t.Fatalf("node serves version %d, want %d", got, v)
	}
}

type response struct {
	status int
	header http.Header
	body   []byte
}

var client = &http.Client{Timeout: 10 * time.Second}

func get(t *testing.T, url string, header ...string) response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, resp.Header, b}
}

func (r response) echo(t *testing.T) echoed {
	t.Helper()
	var e echoed
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatalf("not an upstream answer (%d): %s", r.status, r.body)
	}
	return e
}

func (r response) problem(t *testing.T) map[string]any {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q, want application/problem+json (%d %s)", ct, r.status, r.body)
	}
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// config builds a state with two APIs over the given upstreams.
func config(t *testing.T, version uint64, upstreams ...string) *gateway.State {
	t.Helper()
	routes := []gateway.Route{
		{API: "ledger", Major: 1, Targets: upstreams, State: gateway.StatePublished},
		{API: "ledger", Major: 2, Targets: upstreams, State: gateway.StatePublished},
		{API: "maps", Major: 1, Targets: upstreams, State: gateway.StatePublished},
	}
	plans := []gateway.Plan{{ID: "free", RatePerMinute: 60, Burst: 3}, {ID: "big", RatePerMinute: 1_000_000, Burst: 100_000}, {ID: "daily", DailyQuota: 2}}
	keys := []gateway.Key{
		{ID: "k1", Hash: gateway.HashKey("ptk_k1_secret"), Subscription: "sub-1", Team: "acme", App: "billing", API: "ledger", Major: 1, Plan: "big", State: gateway.KeyActive},
		{ID: "k2", Hash: gateway.HashKey("ptk_k2_secret"), Subscription: "sub-2", Team: "acme", App: "shop", API: "ledger", Major: 1, Plan: "free", State: gateway.KeyActive},
		{ID: "k3", Hash: gateway.HashKey("ptk_k3_secret"), Subscription: "sub-3", Team: "beta", App: "maps-app", API: "maps", Major: 1, Plan: "big", State: gateway.KeyActive},
		{ID: "k5", Hash: gateway.HashKey("ptk_k5_secret"), Subscription: "sub-5", Team: "beta", App: "quota", API: "ledger", Major: 1, Plan: "daily", State: gateway.KeyActive},
		{ID: "k4", Hash: gateway.HashKey("ptk_k4_secret"), Subscription: "sub-4", Team: "beta", App: "old", API: "ledger", Major: 1, Plan: "big", State: gateway.KeyActive, ExpiresAt: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	st, err := gateway.NewState(version, routes, plans, keys)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// deadTarget returns the URL of a loopback port that refuses connections
// for the whole test: a socket bound to it that never listens. A port of a
// closed server is not dead: another test's server (a gateway node of a
// test running in parallel) may be given it, and answer.
func deadTarget(t *testing.T) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("http://127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port)
}

// answerOK is a raw upstream's answer: 200 with a body of 2 bytes.
const answerOK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

// rawUpstream is an upstream on a bare TCP listener, for what an
// httptest server would hide or refuse: it reads each request in one read
// (the node writes one at a time), sends its bytes on got as it read them
// (up to 64 unread), and writes answer as it is, keeping the connection.
func rawUpstream(t *testing.T, answer string) (url string, got <-chan string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	received := make(chan string, 64)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) {
				defer c.Close()
				buf := make([]byte, 64<<10)
				for {
					c.SetDeadline(time.Now().Add(2 * time.Second))
					n, err := c.Read(buf)
					if err != nil {
						return
					}
					received <- string(buf[:n])
					io.WriteString(c, answer)
				}
			}(c)
		}
	}()
	return "http://" + ln.Addr().String(), received
}
