package node

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"path"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/portico-dev/portico/gateway"
)

// fuzzKey is the valid key of FuzzRequest's route; fuzzOtherKey is a key of
// another API, fuzzRevokedKey a revoked one.
const (
	fuzzKey        = "ptk_fuzz_0123456789abcdef0123456789abcdef"
	fuzzOtherKey   = "ptk_othr_0123456789abcdef0123456789abcdef"
	fuzzRevokedKey = "ptk_rvkd_0123456789abcdef0123456789abcdef"
)

// fuzzAnswerWait is how long FuzzRequest waits for the node to answer and
// close a connection whose client has sent everything: far above the
// milliseconds it takes, so that only a node left waiting fails it.
const fuzzAnswerWait = 10 * time.Second

// upstreamSeen records the requests an upstream received.
type upstreamSeen struct {
	mu       sync.Mutex
	requests []seenRequest
}

type seenRequest struct {
	uri, path string // path as the upstream reads it: decoded, dot segments resolved
	headers   [][2]string
}

func (u *upstreamSeen) take() []seenRequest {
	u.mu.Lock()
	defer u.mu.Unlock()
	r := u.requests
	u.requests = nil
	return r
}

// syncBuffer is a buffer written by the node's goroutines and read by the
// test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) take() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := bytes.Clone(s.b.Bytes())
	s.b.Reset()
	return out
}

// FuzzRequest sends arbitrary bytes to a node's data-plane server over
// TCP, as a client would (request line, headers and body, several requests
// or a truncated one), and checks that the node answers and closes the
// connection once the client has sent everything, that what reaches the
// upstream stays under its target's path, and that a key it was sent
// reaches neither the upstream (in X-API-Key or any CGI spelling of it, nor
// in Authorization), nor the access log beyond the request's own path, nor
// the node's log, nor the answer.
func FuzzRequest(f *testing.F) {
	upLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.Fatal(err)
	}
	var seen upstreamSeen
	up := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		r := seenRequest{uri: string(ctx.Request.URI().FullURI()), path: string(ctx.Path())}
		for k, v := range ctx.Request.Header.All() {
			r.headers = append(r.headers, [2]string{string(k), string(v)})
		}
		seen.mu.Lock()
		seen.requests = append(seen.requests, r)
		seen.mu.Unlock()
		ctx.SetContentType("application/json")
		ctx.SetBodyString(`{"ok":true}`)
	}}
	go up.Serve(upLn)
	f.Cleanup(func() { up.Shutdown() })

	st, err := gateway.NewState(1,
		[]gateway.Route{
			{API: "fuzz", Major: 1, Targets: []string{"http://" + upLn.Addr().String() + "/base"}, State: gateway.StatePublished},
			{API: "other", Major: 2, Targets: []string{"http://" + upLn.Addr().String() + "/other%2Fbase"}, State: gateway.StatePublished},
		},
		[]gateway.Plan{{ID: "p", RatePerMinute: 100_000_000, Burst: 10_000_000}},
		[]gateway.Key{
			{ID: "kfuzz", Hash: gateway.HashKey(fuzzKey), Subscription: "sub-fuzz", Team: "t", App: "a", API: "fuzz", Major: 1, Plan: "p", State: gateway.KeyActive},
			{ID: "kother", Hash: gateway.HashKey(fuzzOtherKey), Subscription: "sub-other", Team: "t", App: "a", API: "other", Major: 2, Plan: "p", State: gateway.KeyActive},
			{ID: "krevoked", Hash: gateway.HashKey(fuzzRevokedKey), Subscription: "sub-r", Team: "t", App: "a", API: "fuzz", Major: 1, Plan: "p", State: gateway.KeyRevoked},
		})
	if err != nil {
		f.Fatal(err)
	}
	var accessLog, nodeLog syncBuffer
	n := New(Options{
		DataDir:        f.TempDir(),
		AccessLog:      NewAccessLog(&accessLog, true),
		Logger:         slog.New(slog.NewJSONHandler(&nodeLog, &slog.HandlerOptions{Level: slog.LevelDebug})),
		MaxRequestBody: 1 << 20,
	})
	if err := n.Install(st); err != nil {
		f.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.Fatal(err)
	}
	srv := n.server()
	go srv.Serve(ln)
	f.Cleanup(func() { srv.Shutdown() })

	for _, s := range []string{
		"GET /fuzz/v1/items?a=1 HTTP/1.1\r\nHost: gw\r\nX-API-Key: " + fuzzKey + "\r\n\r\n",
		"GET /fuzz/v1/items HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer " + fuzzKey + "\r\nConnection: close\r\n\r\n",
		"GET /fuzz/v1/a HTTP/1.1\r\nHost: gw\r\nX-API-Key: " + fuzzKey + "\r\nAuthorization: bearer  " + fuzzKey + "\r\nAuthorization: Basic dTpw\r\n\r\n",
		"GET /fuzz/v1/a HTTP/1.1\r\nHost: gw\r\nX-API-Key: " + fuzzKey + "\r\nX_Portico_Team: forged\r\n\r\n",
		"POST /fuzz/v1/upload HTTP/1.1\r\nHost: gw\r\nX-API-Key: " + fuzzKey + "\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello",
		"POST /fuzz/v1/c HTTP/1.1\r\nHost: gw\r\nX-API-Key: " + fuzzKey + "\r\nTransfer-Encoding: chunked\r\nTrailer: X-API-Key\r\n\r\n5\r\nhello\r\n0\r\nX-API-Key: " + fuzzKey + "\r\n\r\n",
		"GET /fuzz/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: " + fuzzKey + "\r\nConnection: X-Forwarded-For, keep-alive\r\nX-Forwarded-For: 10.0.0.1\r\n\r\nGET /other/v2/y HTTP/1.1\r\nHost: gw\r\nX-API-Key: " + fuzzOtherKey + "\r\n\r\n",
		"GET /fuzz/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: " + fuzzRevokedKey + "\r\n\r\n",
		"GET /other/v2/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: " + fuzzKey + "\r\n\r\n",
		"DELETE /fuzz/v1/%2e%2e/%252e/a%20b?q=%00 HTTP/1.0\r\nX-API-Key: " + fuzzKey + "\r\nX-Request-Id: abc\r\n\r\n",
		"GET /fuzz/v1/..%5C..%5Cx/a\\..\\..\\y HTTP/1.1\r\nHost: gw\r\nX-API-Key: " + fuzzKey + "\r\n\r\n",
		"GET /fuzz/v1/x HTTP/1.1\r\nHost: gw\r\nBad Header: 1\r\nX-API-Key: " + fuzzKey + "\r\n\r\n",
		"GET /nope HTTP/1.1\r\nHost: gw\r\n\r\n",
		"PURGE * HTTP/1.1\r\n\r\n",
		"GET /fuzz/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: " + fuzzKey + "\r\nContent-Length: 100\r\n\r\nshort",
		"\x00\xff garbage\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	keys := [][]byte{[]byte(fuzzKey), []byte(fuzzOtherKey), []byte(fuzzRevokedKey)}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if len(raw) > 64<<10 {
			return
		}
		seen.take()
		accessLog.take()
		nodeLog.take()
		conn, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(fuzzAnswerWait))
		if _, err := conn.Write(raw); err != nil {
			return // the node closed the connection early: nothing to check
		}
		_ = conn.(*net.TCPConn).CloseWrite()
		answer, err := io.ReadAll(conn)
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Fatalf("the node neither answered nor closed the connection within %v of the client's last byte; it answered %q", fuzzAnswerWait, answer)
		}

		// The access log's paths, where a client may have put a key itself.
		var paths []byte
		for line := range bytes.Lines(accessLog.take()) {
			var e map[string]any
			if err := json.Unmarshal(line, &e); err != nil {
				t.Fatalf("access log line %q: %v", line, err)
			}
			p, _ := e["path"].(string)
			paths = append(paths, p...)
			paths = append(paths, '\n')
			delete(e, "path")
			rest, _ := json.Marshal(e)
			for _, k := range keys {
				if bytes.Contains(rest, k) {
					t.Fatalf("a key is in the access log outside the path: %s", line)
				}
			}
		}
		for _, k := range keys {
			if bytes.Contains(paths, k) {
				continue
			}
			if log := nodeLog.take(); bytes.Contains(log, k) {
				t.Fatalf("key %s is in the node's log: %s", k, log)
			}
			if bytes.Contains(answer, k) {
				t.Fatalf("key %s is in the answer: %q", k, answer)
			}
		}
		for _, r := range seen.take() {
			// Under the target's path also as an upstream that reads '\\'
			// as '/' (a Windows server) resolves it.
			for _, p := range []string{r.path, path.Clean(strings.ReplaceAll(r.path, `\`, "/"))} {
				if p != "/base" && !strings.HasPrefix(p, "/base/") && p != "/other/base" && !strings.HasPrefix(p, "/other/base/") {
					t.Fatalf("the upstream received a path outside its targets' (/base, /other%%2Fbase): %q, read as %q (request %s)", r.path, p, r.uri)
				}
			}
			for _, h := range r.headers {
				name, value := h[0], []byte(h[1])
				if !sameAsCGI([]byte(name), headerAPIKey) && !strings.EqualFold(name, fasthttp.HeaderAuthorization) {
					continue
				}
				for _, k := range keys {
					if bytes.Contains(value, k) {
						t.Fatalf("the upstream received a key in %s: %q (request %s, headers %q)", name, value, r.uri, r.headers)
					}
				}
			}
		}
	})
}
