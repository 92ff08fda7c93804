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
	return serveLocalWith(t, node.Options{}, targets...)
}

// serveLocalWith is serveLocal with the node's options o.
func serveLocalWith(t *testing.T, o node.Options, targets ...string) string {
	t.Helper()
	o.DataDir, o.ResponseTimeout, o.ConnectTimeout = t.TempDir(), 2*time.Second, time.Second
	n := node.New(o)
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
	return sendBody(t, addr, req, "")
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

// A backslash is a byte of a path segment, as on a POSIX upstream and in
// nginx (on Linux): it separates no route segment and reaches the upstream
// as %5C (RFC 3986 has no raw '\' in a URI; nginx sends %5C for %5C). But
// an upstream that reads the '\' it decodes as '/' (a Windows server
// mapping paths to files) was led out of the target's path by a "..\" the
// node forwarded ("/base/..%5Cadmin" read as "/admin"), which the node
// prevents for "../". A path with a dot segment delimited by a backslash
// is refused with 400 and reaches no upstream.
func TestBackslashDotSegmentIsRefused(t *testing.T) {
	up := startRecorder(t, nil)
	addr := serveLocal(t, up.URL+"/base")
	for _, tt := range []struct{ path, want string }{
		{"/ledger/v1/a%5Cb", "/base/a%5Cb"},
		{`/ledger/v1/a\b`, "/base/a%5Cb"},
		{`/ledger/v1/..a\b..\.c./...`, "/base/..a%5Cb..%5C.c./..."},
		{"/ledger/v1/..%5C..%5Cadmin", ""},
		{`/ledger/v1/a\..\..\admin`, ""},
		{`/ledger/v1/..\admin`, ""},
		{"/ledger/v1/a/.%5Cb", ""},
		{`/ledger/v1/x\..`, ""},
		{`/ledger/v1/x\.`, ""},
	} {
		up.mu.Lock()
		up.last = seen{}
		up.mu.Unlock()
		status, h := rawRequest(t, addr, "GET "+tt.path+" HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\nConnection: close\r\n\r\n")
		got := up.got().requestURI
		if tt.want == "" {
			if !strings.HasPrefix(status, "400") || h.Get("Content-Type") != "application/problem+json" || got != "" {
				t.Errorf("%s: status %s, the upstream got %q; want 400 and nothing forwarded", tt.path, status, got)
			}
		} else if !strings.HasPrefix(status, "200") || got != tt.want {
			t.Errorf("%s: status %s, the upstream got %q; want 200 and %q", tt.path, status, got, tt.want)
		}
	}
}

// Connection and the headers it names concern one connection (RFC 9110
// 7.6.1): the node removes them both ways. Forwarded, "Connection:
// X-Portico-Team" would have a proxy in front of the upstream remove the
// consumer's team the node set, and an upstream's connection-specific
// headers reached the client.
func TestConnectionHeadersAreRemovedBothWays(t *testing.T) {
	up := startRecorder(t, func(w http.ResponseWriter) {
		w.Header().Set("Connection", "X-Upstream-Hop")
		w.Header().Set("X-Upstream-Hop", "internal")
	})
	addr := serveLocal(t, up.URL)
	for _, conn := range []string{"X-Portico-Team, X-Hop", "close, X-Portico-Team, X-Hop", "keep-alive\r\nConnection: X-Portico-Team, x-hop"} {
		status, h := rawRequest(t, addr, "GET /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\nX-Hop: 1\r\nX-Kept: 1\r\nConnection: "+conn+"\r\n\r\n")
		if !strings.HasPrefix(status, "200") {
			t.Fatalf("Connection: %q: status %s", conn, status)
		}
		got := up.got().header
		if v := got.Values("Connection"); len(v) > 0 {
			t.Errorf("Connection: %q: upstream got Connection %q", conn, v)
		}
		if v := got.Values("X-Hop"); len(v) > 0 {
			t.Errorf("Connection: %q: upstream got X-Hop %q, a header the client's Connection names", conn, v)
		}
		if got.Get("X-Portico-Team") != "acme" || got.Get("X-Kept") != "1" {
			t.Errorf("Connection: %q: upstream got X-Portico-Team %q, X-Kept %q", conn, got.Get("X-Portico-Team"), got.Get("X-Kept"))
		}
		if v := h.Values("X-Upstream-Hop"); len(v) > 0 {
			t.Errorf("Connection: %q: the answer carries X-Upstream-Hop %q, a header the upstream's Connection names", conn, v)
		}
		// (net/http removes a Connection: close as it reads the answer.)
		if v := h.Values("Connection"); len(v) > 0 {
			t.Errorf("Connection: %q: the answer's Connection is %q", conn, v)
		}
	}
	// A client that asks to close gets Connection: close and the node
	// closes, also when the upstream fails.
	down := serveLocal(t, "http://127.0.0.1:1")
	for _, a := range []string{addr, down} {
		c, err := net.Dial("tcp", a)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c, "GET /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\nConnection: close, X-Hop\r\n\r\n")
		raw, err := io.ReadAll(c) // to the node's close
		c.Close()
		if err != nil || !strings.Contains(string(raw), "\r\nConnection: close\r\n") {
			t.Errorf("answer to a client asking to close (%v):\n%s", err, raw)
		}
	}
}

// A key is never forwarded: a client sending it in X-API-Key and as
// Authorization: Bearer too (or another key there) must not hand it to the
// upstream; an Authorization that is no key of the node's is the
// upstream's and is kept.
func TestKeyInBothHeadersIsNotForwarded(t *testing.T) {
	up := startRecorder(t, nil)
	addr := serveLocal(t, up.URL)
	for _, tt := range []struct{ authorization, want string }{
		{"Bearer ptk_k1_secret", ""},
		{"bearer  ptk_k1_secret ", ""},
		{"Bearer ptk_k3_secret", ""}, // another subscription's key
		{"Bearer upstream-token", "Bearer upstream-token"},
		{"Basic dXNlcjpwYXNz", "Basic dXNlcjpwYXNz"},
	} {
		status, _ := rawRequest(t, addr, "GET /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\nAuthorization: "+tt.authorization+"\r\nConnection: close\r\n\r\n")
		if !strings.HasPrefix(status, "200") {
			t.Fatalf("Authorization %q: status %s", tt.authorization, status)
		}
		if got := up.got().header.Get("Authorization"); got != tt.want {
			t.Errorf("Authorization %q: upstream got %q, want %q", tt.authorization, got, tt.want)
		}
	}
}

// Headers over the node's 16 KiB answer 431, as the node's error handler
// means to (fasthttp's ErrSmallBuffer does not unwrap to ErrSmallReadBuffer).
func TestLargeHeadersAnswer431(t *testing.T) {
	up := startRecorder(t, nil)
	addr := serveLocal(t, up.URL)
	status, h := rawRequest(t, addr, "GET /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\nX-Big: "+strings.Repeat("a", 20<<10)+"\r\n\r\n")
	if !strings.HasPrefix(status, "431") || h.Get("Content-Type") != "application/problem+json" {
		t.Errorf("status %s, Content-Type %q; want 431 and a problem", status, h.Get("Content-Type"))
	}
}

// A header whose name is not a token (RFC 9110 5.1), such as "Bad Header",
// is refused with 400, not forwarded as it is to the upstream, where a
// parser reading names differently could frame the request differently.
// The connection is closed: what follows on it may be framed as the
// client did not mean (a "Content-Length x" is no length to fasthttp).
func TestInvalidHeaderNamesAreRefused(t *testing.T) {
	up := startRecorder(t, nil)
	addr := serveLocal(t, up.URL)
	for _, name := range []string{"Bad Header", "Content-Length x", "X(y)"} {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c, "GET /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\n"+name+": 1\r\n\r\n")
		r := bufio.NewReader(c)
		res, err := http.ReadResponse(r, nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		if res.StatusCode != 400 || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("header %q: status %s, want 400 and a problem", name, res.Status)
		}
		if _, err := r.ReadByte(); !res.Close || err != io.EOF {
			t.Errorf("header %q: Connection: close %v, then read %v; want the connection closed", name, res.Close, err)
		}
		c.Close()
	}
	if status, _ := rawRequest(t, addr, "GET /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\nX-Ok_1.~!#$%&'*+^`|: 1\r\nConnection: close\r\n\r\n"); !strings.HasPrefix(status, "200") {
		t.Errorf("a header named with every token character: status %s, want 200", status)
	}
}

// A key sent in a chunked body's trailer is refused (400), whether or not
// the Trailer header announced it: keys are read from the header section.
func TestKeyInTrailerIsRefused(t *testing.T) {
	up := startRecorder(t, nil)
	addr := serveLocal(t, up.URL)
	for _, announce := range []string{"Trailer: X-API-Key\r\n", ""} {
		status, h := rawRequest(t, addr, "POST /ledger/v1/x HTTP/1.1\r\nHost: gw\r\n"+announce+"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\nhi\r\n0\r\nX-API-Key: ptk_k1_secret\r\n\r\n")
		if !strings.HasPrefix(status, "400") || h.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%q: status %s, want 400 and a problem", announce, status)
		}
	}
}

// MaxConnections bounds the clients' connections served at once: one more
// is answered 503 and closed, and is served again once one has ended.
func TestConnectionsAreBounded(t *testing.T) {
	up := startRecorder(t, nil)
	addr := serveLocalWith(t, node.Options{MaxConnections: 2}, up.URL)
	var held []net.Conn
	for range 2 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	time.Sleep(100 * time.Millisecond) // both accepted
	if status, _ := rawRequest(t, addr, "GET /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\n\r\n"); !strings.HasPrefix(status, "503") {
		t.Errorf("a third connection: status %q, want 503", status)
	}
	held[0].Close()
	deadline := time.Now().Add(2 * time.Second)
	for {
		status, _ := rawRequest(t, addr, "GET /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\nConnection: close\r\n\r\n")
		if strings.HasPrefix(status, "200") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after a connection ended: status %q, want 200", status)
		}
		time.Sleep(20 * time.Millisecond)
	}
	held[1].Close()
}

// A header named as one the node sets but with underscores for hyphens
// (X_Portico_Team) is not forwarded: CGI-style upstreams (WSGI, Rack,
// Django under ASGI) read both names as HTTP_X_PORTICO_TEAM, so the
// client's copy would stand beside or for the node's (Puma's
// CVE-2024-45614 is this with X-Forwarded-For).
func TestUnderscoreCopiesOfNodeHeadersAreRemoved(t *testing.T) {
	up := startRecorder(t, nil)
	addr := serveLocal(t, up.URL)
	status, _ := rawRequest(t, addr, "GET /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\n"+
		"X_Portico_Team: forged\r\nx_portico_app: forged\r\nX-Portico_Subscription: forged\r\nX_Request_Id: forged\r\n"+
		"X_Forwarded_For: 10.0.0.1\r\nX_Forwarded_Proto: https\r\nX_Forwarded-Host: forged\r\nX_Other: kept\r\nConnection: close\r\n\r\n")
	if !strings.HasPrefix(status, "200") {
		t.Fatalf("status %s", status)
	}
	h := up.got().header
	for name, v := range h {
		if strings.Contains(name, "_") && name != "X_other" {
			t.Errorf("upstream got %s: %q, a client's copy of a header the node sets", name, v)
		}
	}
	if got := h.Get("X_other"); got != "kept" {
		t.Errorf("upstream X_Other: %q, want kept", got)
	}
	if got := h.Values("X-Portico-Team"); len(got) != 1 || got[0] != "acme" {
		t.Errorf("upstream X-Portico-Team: %q, want only acme", got)
	}
}

// A key is not forwarded in any Authorization header: a client sending
// X-API-Key and two Authorization headers, the second a bearer of the key,
// must not hand the key to the upstream; the other value is the upstream's
// and is kept.
func TestKeyInASecondAuthorizationIsNotForwarded(t *testing.T) {
	up := startRecorder(t, nil)
	addr := serveLocal(t, up.URL)
	for _, tt := range []struct {
		authorization []string
		want          string
	}{
		{[]string{"Basic dXNlcjpwYXNz", "Bearer ptk_k1_secret"}, "[Basic dXNlcjpwYXNz]"},
		{[]string{"Bearer upstream-token", "Bearer ptk_k3_secret"}, "[Bearer upstream-token]"},
		{[]string{"Bearer ptk_k1_secret", "bearer ptk_k1_secret"}, "[]"},
		{[]string{"Basic dXNlcjpwYXNz", "Bearer upstream-token"}, "[Basic dXNlcjpwYXNz Bearer upstream-token]"},
	} {
		req := "GET /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\n"
		for _, a := range tt.authorization {
			req += "Authorization: " + a + "\r\n"
		}
		status, _ := rawRequest(t, addr, req+"Connection: close\r\n\r\n")
		if !strings.HasPrefix(status, "200") {
			t.Fatalf("Authorization %q: status %s", tt.authorization, status)
		}
		if got := fmt.Sprint(up.got().header.Values("Authorization")); got != tt.want {
			t.Errorf("Authorization %q: upstream got %s, want %s", tt.authorization, got, tt.want)
		}
	}
}
