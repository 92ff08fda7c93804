// Package hotpath is the gateway node's work on one request as the event-loop spikes do it (bench/evloopspike on
// nbio, bench/gnetspike on gnet): one route, its key looked up by SHA-256 in a gateway.State, the plan's rate limit,
// the key and hop-by-hop headers removed, the consumer's, request id and forwarding headers set and the path
// rewritten for the upstream; on the upstream's answer, its hop-by-hop headers removed and the request id and
// RateLimit-* set; the node's own problem answers; and the framing of a message out of, and into, the bytes an event
// loop moves (Parse, Render). Each spike moves the bytes its own way; this is the work they share, so that they
// measure the same. It is a measurement's code, not the gateway's (gateway/node).
package hotpath

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/ratelimit"
)

// hopByHop are the headers that concern one connection, not the request (RFC 9110 §7.6.1); Connection is handled
// apart.
var hopByHop = []string{"Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer", "Upgrade"}

// Node is one route's node: the API "bench" version 1 at route ("bench/v1"), served by upstream (host:port) under
// basePath, with one key on a plan whose limit the load does not reach.
type Node struct {
	state                     *gateway.State
	limiter                   *ratelimit.Local
	route, basePath, upstream string
	idPrefix                  string
	ids                       atomic.Uint64
}

// New returns the node of route, proxying to upstream under basePath, that accepts key.
func New(upstream, basePath, route, key string) (*Node, error) {
	st, err := gateway.NewState(1,
		[]gateway.Route{{API: "bench", Major: 1, Targets: []string{"http://" + upstream + basePath}, State: gateway.StatePublished}},
		[]gateway.Plan{{ID: "bench", RatePerMinute: 100_000_000, Burst: 10_000_000}},
		[]gateway.Key{{ID: "kbench", Hash: gateway.HashKey(key), Subscription: "sub-bench", Team: "bench", App: "wrk", API: "bench", Major: 1, Plan: "bench", State: gateway.KeyActive}})
	if err != nil {
		return nil, err
	}
	var prefix [6]byte
	rand.Read(prefix[:])
	return &Node{
		state: st, limiter: ratelimit.NewLocal(),
		route: route, basePath: basePath, upstream: upstream,
		idPrefix: hex.EncodeToString(prefix[:]) + "-",
	}, nil
}

// Upstream is the upstream's host:port.
func (n *Node) Upstream() string { return n.upstream }

// Request is what Prepare decided for a request.
type Request struct {
	ID       string             // its request id, the client's or a new one
	Close    bool               // the client asked to close the connection after the answer
	Status   int                // 0: send it to the upstream; else answer it with Problem(Status, Detail)
	Detail   string             // why it is answered here
	Decision ratelimit.Decision // the plan's rate limit, for the answer's RateLimit-* headers
}

// Prepare checks req (from clientIP) as the node does and, when it may go to the upstream, rewrites it for the
// upstream: the path under basePath (on the request, not its header: once a fasthttp request's URI is parsed,
// Request.Write takes the path and Host from it), the upstream's Host, the key and hop-by-hop headers removed, the
// consumer's, request id and forwarding headers set.
func (n *Node) Prepare(req *fasthttp.Request, clientIP string) Request {
	h := &req.Header
	var r Request
	if id := h.Peek("X-Request-Id"); len(id) > 0 && len(id) <= 128 {
		r.ID = string(id)
	} else {
		r.ID = n.idPrefix + strconv.FormatUint(n.ids.Add(1), 36)
	}
	r.Close = h.ConnectionClose()
	path := req.URI().Path()
	prefixLen := 1 + len(n.route)
	if len(path) < prefixLen || string(path[1:prefixLen]) != n.route || (len(path) > prefixLen && path[prefixLen] != '/') {
		r.Status, r.Detail = fasthttp.StatusNotFound, "no API version is served at this path"
		return r
	}
	key := h.Peek("X-API-Key")
	if len(key) == 0 {
		r.Status, r.Detail = fasthttp.StatusUnauthorized, "an API key is required"
		return r
	}
	k, ok := n.state.KeyByHash(sha256.Sum256(key))
	if !ok || k.State != gateway.KeyActive {
		r.Status, r.Detail = fasthttp.StatusUnauthorized, "the API key is not valid"
		return r
	}
	if k.API != "bench" || k.Major != 1 {
		r.Status, r.Detail = fasthttp.StatusForbidden, "the API key does not subscribe to this API version"
		return r
	}
	plan, _ := n.state.Plan(k.Plan)
	d, _ := n.limiter.Allow(context.Background(), k.Subscription, ratelimit.Limit{PerMinute: plan.RatePerMinute, Burst: plan.Burst}, time.Now())
	if !d.Allowed {
		r.Status, r.Detail = fasthttp.StatusTooManyRequests, "rate limited"
		return r
	}
	r.Decision = d

	h.Del("X-API-Key")
	for _, name := range hopByHop {
		h.Del(name)
	}
	h.ResetConnectionClose()
	h.Set("X-Portico-Team", k.Team)
	h.Set("X-Portico-App", k.App)
	h.Set("X-Portico-Subscription", k.Subscription)
	h.Set("X-Request-Id", r.ID)
	h.Set("X-Forwarded-For", clientIP)
	h.Set("X-Forwarded-Proto", "http")
	h.SetBytesV("X-Forwarded-Host", h.Host())
	h.SetHost(n.upstream)
	rest := path[prefixLen:]
	up := make([]byte, 0, len(n.basePath)+len(rest)+1)
	up = append(up, n.basePath...)
	if len(rest) == 0 {
		up = append(up, '/')
	}
	up = append(up, rest...)
	if q := req.URI().QueryString(); len(q) > 0 {
		up = append(up, '?')
		up = append(up, q...)
	}
	req.SetRequestURIBytes(up)
	return r
}

// Answer readies the upstream's answer to r for the client: its hop-by-hop headers removed, the request id and the
// RateLimit-* headers set, and Connection: close when close.
func Answer(h *fasthttp.ResponseHeader, r Request, close bool) {
	for _, name := range hopByHop {
		h.Del(name)
	}
	h.Set("X-Request-Id", r.ID)
	if r.Decision.Limit > 0 {
		h.Set("RateLimit-Limit", strconv.Itoa(r.Decision.Limit))
		h.Set("RateLimit-Remaining", strconv.Itoa(r.Decision.Remaining))
		h.Set("RateLimit-Reset", strconv.Itoa(int(r.Decision.Reset/time.Second)))
	}
	if close {
		h.SetConnectionClose()
	} else {
		h.ResetConnectionClose()
	}
}

// Problem fills resp with the node's own answer to r: a problem of status with detail, the request id, a challenge
// for a 401, and Connection: close when close.
func Problem(resp *fasthttp.Response, r Request, status int, detail string, close bool) {
	resp.SetStatusCode(status)
	resp.Header.SetContentType("application/problem+json")
	resp.Header.Set("X-Request-Id", r.ID)
	if status == fasthttp.StatusUnauthorized {
		resp.Header.Set("WWW-Authenticate", `Bearer realm="portico"`)
	}
	if close {
		resp.SetConnectionClose()
	}
	resp.SetBodyString(`{"type":"about:blank","title":` + strconv.Quote(fasthttp.StatusMessage(status)) + `,"status":` + strconv.Itoa(status) + `,"detail":` + strconv.Quote(detail) + `}`)
}

// MaxMessage bounds what one connection may hold unparsed: a request or response (headers and body) larger than this
// is refused.
const MaxMessage = 1 << 20

// endReader hands out the received bytes, then errIncomplete: a parse that reads past them needs more bytes.
type endReader struct {
	b   []byte
	hit bool
}

var errIncomplete = errors.New("incomplete")

func (r *endReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		r.hit = true
		return 0, errIncomplete
	}
	n := copy(p, r.b)
	r.b = r.b[n:]
	return n, nil
}

var readers = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 16<<10) }}

// Parse reads one message from b, the bytes an event loop received, with read (fasthttp's Request.Read or
// Response.Read) and returns how many bytes it took, 0 if b holds only part of it.
func Parse(b []byte, read func(*bufio.Reader) error) (int, error) {
	er := &endReader{b: b}
	br := readers.Get().(*bufio.Reader)
	br.Reset(er)
	err := read(br)
	used := len(b) - len(er.b) - br.Buffered()
	br.Reset(nil)
	readers.Put(br)
	if err != nil {
		if er.hit {
			if len(b) > MaxMessage {
				return 0, errors.New("message too large")
			}
			return 0, nil
		}
		return 0, err
	}
	return used, nil
}

// appender collects what a bufio.Writer flushes.
type appender struct{ b []byte }

func (a *appender) Write(p []byte) (int, error) {
	a.b = append(a.b, p...)
	return len(p), nil
}

var writers = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 4<<10) }}

// Render appends to dst a message as write (fasthttp's Request.Write or Response.Write, which frame the body) puts it
// on the wire.
func Render(dst []byte, write func(*bufio.Writer) error) []byte {
	a := &appender{b: dst}
	bw := writers.Get().(*bufio.Writer)
	bw.Reset(a)
	write(bw)
	bw.Flush()
	bw.Reset(nil)
	writers.Put(bw)
	return a.b
}
