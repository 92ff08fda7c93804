package node_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway/node"
)

// seen is what a recording upstream received: every value of every header
// and the request-target as sent on the wire.
type seen struct {
	header     http.Header
	requestURI string
}

// recorder is an upstream that records its last request.
type recorder struct {
	*httptest.Server
	mu   sync.Mutex
	last seen
}

func startRecorder(t *testing.T, respond func(w http.ResponseWriter)) *recorder {
	t.Helper()
	rec := &recorder{}
	rec.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.mu.Lock()
		rec.last = seen{header: r.Header.Clone(), requestURI: r.RequestURI}
		rec.mu.Unlock()
		if respond != nil {
			respond(w)
		}
		io.WriteString(w, "ok")
	}))
	t.Cleanup(rec.Close)
	return rec
}

func (r *recorder) got() seen {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last
}

// serveLocal runs a node serving the test configuration over targets,
// installed directly (no portal), and returns its data-plane address.
func serveLocal(t *testing.T, targets ...string) string {
	t.Helper()
	n := node.New(node.Options{DataDir: t.TempDir(), ResponseTimeout: 2 * time.Second, ConnectTimeout: time.Second})
	if err := n.Install(config(t, 1, targets...)); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { n.Serve(ctx, ln, time.Second); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return ln.Addr().String()
}

// rawRequest sends req as it is on a new connection and returns the
// answer's status line and headers.
func rawRequest(t *testing.T, addr, req string) (status string, header http.Header) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.Status, resp.Header
}

// The headers the node sets replace every copy the client sent: a client
// repeating X-Portico-Team must not reach the upstream with a second,
// forged team beside the node's (fasthttp's Set replaces only the first).
func TestNodeHeadersReplaceEveryClientCopy(t *testing.T) {
	up := startRecorder(t, nil)
	addr := serveLocal(t, up.URL)
	status, _ := rawRequest(t, addr, "GET /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\n"+
		"X-Portico-Team: forged-1\r\nX-Portico-Team: forged-2\r\n"+
		"X-Portico-App: forged-1\r\nX-Portico-App: forged-2\r\n"+
		"X-Portico-Subscription: forged-1\r\nX-Portico-Subscription: forged-2\r\n"+
		"X-Request-Id: id-1\r\nX-Request-Id: id-2\r\n"+
		"X-Forwarded-Proto: https\r\nX-Forwarded-Proto: https\r\n"+
		"X-Forwarded-Host: forged-1\r\nX-Forwarded-Host: forged-2\r\n"+
		"X-Forwarded-For: 198.51.100.1\r\nX-Forwarded-For: 203.0.113.9\r\n"+
		"Connection: close\r\n\r\n")
	if !strings.HasPrefix(status, "200") {
		t.Fatalf("status %s", status)
	}
	h := up.got().header
	for name, want := range map[string]string{
		"X-Portico-Team": "acme", "X-Portico-App": "billing", "X-Portico-Subscription": "sub-1",
		"X-Request-Id": "id-1", "X-Forwarded-Proto": "http", "X-Forwarded-Host": "gw",
		// The client's hops in order, then the client's address, in one
		// value: the last hop is the one the node saw.
		"X-Forwarded-For": "198.51.100.1, 203.0.113.9, 127.0.0.1",
	} {
		if got := h.Values(name); len(got) != 1 || got[0] != want {
			t.Errorf("upstream %s: got %q, want only %q", name, got, want)
		}
	}
}

// The answer carries one X-Request-Id, the node's, whatever the upstream
// sent.
func TestOneRequestIDInTheAnswer(t *testing.T) {
	up := startRecorder(t, func(w http.ResponseWriter) {
		w.Header().Add("X-Request-Id", "upstream-1")
		w.Header().Add("X-Request-Id", "upstream-2")
	})
	addr := serveLocal(t, up.URL)
	_, h := rawRequest(t, addr, "GET /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\nX-Request-Id: mine\r\nConnection: close\r\n\r\n")
	if got := h.Values("X-Request-Id"); fmt.Sprint(got) != "[mine]" {
		t.Errorf("answer's X-Request-Id: %q, want only the request's", got)
	}
}

// The upstream receives the rest of the path as the node routed it
// (decoded, dot segments resolved), encoded again: an encoded '%', '?',
// '#', space or line break the client sent stays encoded, so the upstream
// decodes it once, as the client meant, and cannot be led out of the
// target's path by a double encoding (%252e%252e) nor given a query or an
// invalid request line.
func TestUpstreamPathIsEncodedAgain(t *testing.T) {
	up := startRecorder(t, nil)
	addr := serveLocal(t, up.URL+"/base")
	for _, tt := range []struct{ path, want string }{
		{"/ledger/v1/accounts/42?expand=a%20b", "/base/accounts/42?expand=a%20b"},
		{"/ledger/v1/a;v=1/b:c@d/!$&'()*+,=-._~", "/base/a;v=1/b:c@d/!$&'()*+,=-._~"},
		{"/ledger/v1/%252e%252e/%252e%252e/admin", "/base/%252e%252e/%252e%252e/admin"},
		{"/ledger/v1/a%3Fadmin=1%23x?q=1", "/base/a%3Fadmin=1%23x?q=1"},
		{"/ledger/v1/a%20b", "/base/a%20b"},
		{"/ledger/v1/a%0d%0aX-Injected:%20yes", "/base/a%0D%0AX-Injected:%20yes"},
		{"/ledger/v1/caf%C3%A9", "/base/caf%C3%A9"},
		{"/ledger/v1/%2e%2e/v1/x", "/base/x"}, // resolved by the node, as routed
	} {
		status, _ := rawRequest(t, addr, "GET "+tt.path+" HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\nConnection: close\r\n\r\n")
		if !strings.HasPrefix(status, "200") {
			t.Errorf("%s: status %s", tt.path, status)
			continue
		}
		if got := up.got().requestURI; got != tt.want {
			t.Errorf("%s: upstream got %q, want %q", tt.path, got, tt.want)
		}
	}
}
