package node

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"iter"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/valyala/fasthttp"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/ratelimit"
	"github.com/portico-dev/portico/reqid"
)

// Headers the node reads and sets.
const (
	headerAPIKey       = "X-API-Key"
	headerRequestID    = reqid.Header
	headerTeam         = "X-Portico-Team"
	headerApp          = "X-Portico-App"
	headerSubscription = "X-Portico-Subscription"
	headerForwarded    = "Forwarded"
)

// hopByHop are the headers that concern one connection, not the message
// (RFC 9110 7.6.1); fasthttp manages Connection and Transfer-Encoding.
var hopByHop = []string{"Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer", "Upgrade"}

// outcome is what the access log and metrics record about one request.
type outcome struct {
	route, keyID, subscription, reason string
	m                                  *routeMetrics
	// refused: the request of a subscription was refused before its
	// limits (its key expired or of another API, its body too large). The
	// access log names the subscription; its usage does not count the
	// request, which never reached its API nor took anything of its
	// limits (the portal counts a subscription's reported answers other
	// than 429 against its daily quota).
	refused bool
	// rt is the request's route once known, and upstream whether the
	// answer is the upstream's (forward set its lifecycle headers).
	rt       *route
	upstream bool
	// repeats: a header name may occur twice in the request (headerOrder).
	repeats bool
	// underscore: a request header's name has an underscore
	// (removeUnderscoreCopies).
	underscore bool
	// cors is the route's CORS (nil: none), and corsAllow the request's
	// Access-Control-Allow-Origin ("": its origin is not allowed).
	cors      *cors
	corsAllow string
	// path is the client's path (its first 256 bytes, as the access log
	// writes it), kept before the upstream's path replaces it.
	path    [256]byte
	pathLen int
}

// handle serves one data-plane request.
func (n *Node) handle(ctx *fasthttp.RequestCtx) { n.answer(ctx, true) }

// answer serves a request; with bodyRead false, one whose body the server
// did not read (bodyAllowance): it gets the refusal it would have got, or
// 413 where it would have been forwarded.
func (n *Node) answer(ctx *fasthttp.RequestCtx, bodyRead bool) {
	start := time.Now()
	if n.draining.Load() {
		ctx.SetConnectionClose()
	}
	var reqID string
	if id := ctx.Request.Header.Peek(headerRequestID); reqid.Valid(id) {
		reqID = string(id)
	} else {
		reqID = n.reqIDs.Next()
	}
	var o outcome
	if n.opts.AccessLog != nil {
		o.pathLen = copy(o.path[:], ctx.Path())
	}
	n.serve(ctx, reqID, start, &o, bodyRead)
	if o.rt != nil && !o.upstream {
		// The node's own answer on a deprecated route (a refused key,
		// the rate limit, an unreachable upstream) says so too.
		o.rt.setLifecycle(&ctx.Response.Header)
	}
	if o.cors != nil {
		setCORS(&ctx.Response.Header, o.corsAllow, o.upstream)
	}
	// The request's id only, whatever the upstream sent.
	ctx.Response.Header.Del(headerRequestID)
	ctx.Response.Header.Set(headerRequestID, reqID)
	n.record(ctx, reqID, start, &o)
}

func (n *Node) serve(ctx *fasthttp.RequestCtx, reqID string, now time.Time, o *outcome, bodyRead bool) {
	c := n.cfg.Load()
	var rt *route
	if c != nil {
		rt = c.routeOf(ctx.Path())
	}
	if rt != nil && rt.cors != nil {
		// Every answer of a route with CORS origins is marked, the
		// refusals below included (answer).
		o.cors = rt.cors
		o.corsAllow = rt.cors.allow(ctx.Request.Header.Peek(headerOrigin))
	}
	// A request whose Transfer-Encoding is not chunked has a body of a
	// length that cannot be determined (RFC 9112 6.3): fasthttp drops
	// "identity" and reads no body, and would serve what follows as a
	// request of its own. Refused, and its connection closed.
	if h := &ctx.Request.Header; h.ContentLength() != -1 && hasTransferEncoding(h.RawHeaders()) {
		o.reason = "invalid framing"
		ctx.SetConnectionClose()
		writeProblem(ctx, fasthttp.StatusBadRequest, "the request's Transfer-Encoding is not chunked, so its length is not known (RFC 9112 6.3)", reqID, nil)
		return
	}
	if c == nil {
		o.reason = "no configuration"
		ctx.Response.Header.Set("Retry-After", "5")
		writeProblem(ctx, fasthttp.StatusServiceUnavailable, "the gateway has no configuration yet", reqID, nil)
		return
	}
	if rt == nil {
		o.reason = "unknown route"
		writeProblem(ctx, fasthttp.StatusNotFound, "no API version is served at this path; paths are /{api}/v{major}/…", reqID, nil)
		return
	}
	r := rt.r
	o.route, o.m = r.ID(), rt.m
	if o.corsAllow != "" && isPreflight(ctx) {
		// A preflight from an allowed origin is the node's to answer: it
		// carries no key, and is neither forwarded nor counted against
		// the limits or the usage. One from another origin is refused
		// as any request without a key.
		o.reason = "cors preflight"
		answerPreflight(ctx)
		return
	}
	if rt.gone != nil {
		o.reason = "retired"
		if rt.link != "" {
			ctx.Response.Header.Set("Link", rt.link)
		}
		ctx.Response.Header.SetContentType("application/problem+json")
		ctx.SetStatusCode(fasthttp.StatusGone)
		ctx.SetBody(withRequestID(rt.gone, reqID))
		return
	}
	o.rt = rt

	// A dot segment between backslashes is refused: forwarded as %5C, it
	// leads an upstream that reads a decoded '\' as '/' (a Windows server)
	// out of the target's path, as "../" would (the node resolved those).
	if backslashDotSegment(ctx.Path()) {
		o.reason = "invalid path"
		writeProblem(ctx, fasthttp.StatusBadRequest, `the path has a "." or ".." segment delimited by a backslash`, reqID, nil)
		return
	}

	// A header name that is no token (fasthttp takes "Bad Header: 1") is
	// not forwarded: an upstream reading names otherwise could frame or
	// read the request differently.
	var names nameSet
	for name := range ctx.Request.Header.All() {
		if !o.repeats && names.add(name) {
			o.repeats = true
		}
		if !o.underscore && bytes.IndexByte(name, '_') >= 0 {
			o.underscore = true
		}
		if !headerToken(name) {
			o.reason = "invalid header name"
			// What follows on the connection may be framed otherwise than
			// the client meant ("Content-Length x" is no length here).
			ctx.SetConnectionClose()
			writeProblem(ctx, fasthttp.StatusBadRequest, "a header name is not valid (RFC 9110 5.1)", reqID, nil)
			return
		}
	}

	// A key is read from the header section only: fasthttp's Peek also
	// finds a field of a chunked body's trailer (it refuses Authorization
	// there, not X-API-Key), which no client sends a key in.
	for name := range ctx.Request.Header.Trailers() {
		if bytes.EqualFold(name, []byte(headerAPIKey)) {
			o.reason = "key in trailer"
			writeProblem(ctx, fasthttp.StatusBadRequest, "an API key is read from the request's headers, not from its trailer", reqID, nil)
			return
		}
	}

	key, fromAuthorization := requestKey(&ctx.Request.Header)
	if len(key) == 0 {
		o.reason = "missing key"
		n.unauthorized(ctx, reqID, `Bearer realm="portico"`, "an API key is required: send it in the X-API-Key header or as Authorization: Bearer")
		return
	}
	k, ok := c.state.KeyByHash(sha256.Sum256(key))
	switch {
	case !ok:
		o.reason = "unknown key"
		n.unauthorized(ctx, reqID, `Bearer realm="portico", error="invalid_token"`, "the API key is not valid")
		return
	case k.State != gateway.KeyActive:
		o.keyID, o.reason = k.ID, "revoked key"
		n.unauthorized(ctx, reqID, `Bearer realm="portico", error="invalid_token", error_description="revoked"`, "the API key has been revoked")
		return
	}
	o.keyID, o.subscription = k.ID, k.Subscription
	if until := k.Until(); !until.IsZero() && !now.Before(until) {
		if until.Equal(k.GraceEndsAt) {
			// Replaced by a rotation: its consumer may have set no expiry
			// at all, so "expired" would send them looking for one.
			o.reason, o.refused = "rotated key past its grace", true
			n.unauthorized(ctx, reqID, `Bearer realm="portico", error="invalid_token", error_description="expired"`, "the API key was replaced by a rotation and its grace period has ended: use the new key")
			return
		}
		o.reason, o.refused = "expired key", true
		n.unauthorized(ctx, reqID, `Bearer realm="portico", error="invalid_token", error_description="expired"`, "the API key has expired")
		return
	}
	if k.API != r.API || k.Major != r.Major {
		o.reason, o.refused = "key of another API", true
		writeProblem(ctx, fasthttp.StatusForbidden, "the API key does not subscribe to this API version", reqID, nil)
		return
	}

	if !bodyRead {
		o.reason, o.refused = "body too large", true
		writeProblem(ctx, fasthttp.StatusRequestEntityTooLarge, "the request body is larger than "+strconv.Itoa(n.opts.MaxRequestBody)+" bytes", reqID, nil)
		return
	}

	// The plan's rate limit and daily quota, per subscription.
	var d ratelimit.Decision
	if p, ok := c.state.Plan(k.Plan); ok && (p.RatePerMinute > 0 || p.DailyQuota > 0) {
		var err error
		d, err = n.opts.Limiter.Allow(context.Background(), k.Subscription, ratelimit.Limit{PerMinute: p.RatePerMinute, Burst: p.Burst, DailyQuota: p.DailyQuota}, now)
		if err != nil {
			// A shared limiter that fails lets the request through: the
			// plan's limit is a fairness rule, the key check above is not.
			n.opts.Logger.Warn("rate limiter failed, request allowed", "err", err, "request_id", reqID)
			d = ratelimit.Decision{Allowed: true}
		}
		if !d.Allowed {
			retry := strconv.Itoa(int(d.RetryAfter / time.Second))
			setRateLimit(&ctx.Response.Header, d)
			ctx.Response.Header.Set("Retry-After", retry)
			if d.QuotaExceeded {
				o.reason = "quota exceeded"
				reset := now.Add(d.RetryAfter).UTC().Truncate(time.Second).Format(time.RFC3339)
				writeProblem(ctx, fasthttp.StatusTooManyRequests, "the plan allows "+strconv.Itoa(p.DailyQuota)+" requests per day (UTC); the quota resets at "+reset, reqID, map[string]string{"quota_reset": reset})
				return
			}
			o.reason = "rate limited"
			writeProblem(ctx, fasthttp.StatusTooManyRequests, "the plan allows "+strconv.Itoa(p.RatePerMinute)+" requests per minute; retry after "+retry+" s", reqID, nil)
			return
		}
	}

	// A key is never forwarded: nor the one sent as a bearer token beside
	// X-API-Key (or another key of the node's there), in any of the
	// Authorization headers. Any other Authorization is the upstream's.
	if !fromAuthorization {
		removeKeyAuthorization(&ctx.Request.Header, key, c.state)
	}
	n.forward(ctx, rt, k, fromAuthorization, reqID, now, o)
	if d.Limit > 0 {
		setRateLimit(&ctx.Response.Header, d)
	}
}

// hasTransferEncoding reports whether a raw header block has a
// Transfer-Encoding field.
func hasTransferEncoding(raw []byte) bool {
	const name = "transfer-encoding"
	for len(raw) > 0 {
		line := raw
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			line, raw = raw[:i], raw[i+1:]
		} else {
			raw = nil
		}
		if len(line) > len(name) && line[0]|0x20 == 't' && bytes.EqualFold(line[:len(name)], []byte(name)) &&
			(line[len(name)] == ':' || line[len(name)] == ' ' || line[len(name)] == '\t') {
			return true
		}
	}
	return false
}

// backslashDotSegment reports whether path (decoded, its dot segments
// between slashes resolved) has a "." or ".." segment once '\' separates
// segments too.
func backslashDotSegment(path []byte) bool {
	if bytes.IndexByte(path, '\\') < 0 {
		return false
	}
	start := 0
	for i := 0; i <= len(path); i++ {
		if i < len(path) && path[i] != '/' && path[i] != '\\' {
			continue
		}
		if seg := path[start:i]; len(seg) == 1 && seg[0] == '.' || len(seg) == 2 && seg[0] == '.' && seg[1] == '.' {
			return true
		}
		start = i + 1
	}
	return false
}

// routeOf returns the route serving path, /{api}/v{major}/{rest} (the
// route id is the first two segments), or nil.
func (c *config) routeOf(path []byte) *route {
	if len(path) < 2 || path[0] != '/' {
		return nil
	}
	i := bytes.IndexByte(path[1:], '/')
	if i <= 0 {
		return nil
	}
	end := 1 + i + 1
	if j := bytes.IndexByte(path[end:], '/'); j >= 0 {
		end += j
	} else {
		end = len(path)
	}
	return c.routes[string(path[1:end])]
}

// removeKeyAuthorization removes, from the request's Authorization headers,
// those that carry key or another key of the node's as a bearer token, and
// keeps the others in their order.
func removeKeyAuthorization(h *fasthttp.RequestHeader, key []byte, st *gateway.State) {
	isKey := func(v []byte) bool {
		b := bearer(v)
		if len(b) == 0 {
			return false
		}
		_, known := st.KeyByHash(sha256.Sum256(b))
		return known || bytes.Equal(b, key)
	}
	auth := h.PeekAll(fasthttp.HeaderAuthorization)
	if !slices.ContainsFunc(auth, isKey) {
		return
	}
	var keep [][]byte
	for _, v := range auth {
		if !isKey(v) {
			keep = append(keep, bytes.Clone(v)) // Del reuses the header's memory
		}
	}
	h.Del(fasthttp.HeaderAuthorization)
	for _, v := range keep {
		h.AddBytesV(fasthttp.HeaderAuthorization, v)
	}
}

// requestKey returns the request's key: X-API-Key, or Authorization:
// Bearer (fromAuthorization).
func requestKey(h *fasthttp.RequestHeader) (key []byte, fromAuthorization bool) {
	if key = h.Peek(headerAPIKey); len(key) > 0 {
		return key, false
	}
	key = bearer(h.Peek(fasthttp.HeaderAuthorization))
	return key, len(key) > 0
}

func (n *Node) forward(ctx *fasthttp.RequestCtx, rt *route, k *gateway.Key, stripAuthorization bool, reqID string, now time.Time, o *outcome) {
	req := &ctx.Request
	h := &req.Header
	// The body is forwarded with its length: the fields of a chunked
	// body's trailer are dropped, never merged into the header section,
	// where they would pass none of the checks made on the headers.
	if hasTrailer(h.Trailers()) {
		dropTrailer(h)
	}
	// A request without Content-Type is sent without one: fasthttp's
	// client would add "application/octet-stream" to one with a body.
	h.SetNoDefaultContentType(true)
	// The values of the names the client repeats keep their order.
	var order *headerOrder
	if o.repeats {
		order = newHeaderOrder(h)
	}
	// The client's X-Forwarded-For hops, all of them in order, read before
	// any header is removed (fasthttp's Del moves the last header into the
	// removed one's place, which reorders repeated headers).
	var xff []byte
	for _, p := range h.PeekAll("X-Forwarded-For") {
		xff = append(xff, p...)
		xff = append(xff, ", "...)
	}
	// So are the client's Forwarded elements (RFC 7239), the node's
	// element going after them.
	var fwdStack [256]byte
	fwd := fwdStack[:0]
	for _, p := range h.PeekAll(headerForwarded) {
		fwd = append(fwd, p...)
		fwd = append(fwd, ", "...)
	}
	h.Del(headerAPIKey)
	if stripAuthorization {
		h.Del(fasthttp.HeaderAuthorization)
	}
	for _, name := range hopByHop {
		h.Del(name)
	}
	// The node answered the client's "Expect: 100-continue" and holds the
	// whole body: the upstream gets the body without the expectation.
	h.Del(fasthttp.HeaderExpect)
	// Connection and the headers it names are the client's connection's:
	// forwarded, "Connection: X-Portico-Team" would have a proxy in front
	// of the upstream remove the team the node sets.
	removeConnectionOptions(h)
	if o.underscore {
		removeUnderscoreCopies(h)
	}
	clientClose := h.ConnectionClose()
	h.Del(fasthttp.HeaderConnection)
	// The node's headers replace every copy the client sent: fasthttp's
	// Set replaces only the first, and a second, forged X-Portico-Team
	// would reach the upstream beside the node's.
	setOnly(h, headerTeam, k.Team)
	setOnly(h, headerApp, k.App)
	setOnly(h, headerSubscription, k.Subscription)
	setOnly(h, headerRequestID, reqID)
	var ipBuf [64]byte
	ip := appendIP(ipBuf[:0], ctx.RemoteIP())
	// The client's hops, then the client: one value whose last hop is the
	// one the node saw.
	h.Del("X-Forwarded-For")
	if len(xff) > 0 {
		h.SetBytesV("X-Forwarded-For", append(xff, ip...))
	} else {
		h.SetBytesV("X-Forwarded-For", ip)
	}
	proto := "http"
	if ctx.IsTLS() {
		proto = "https"
	}
	setOnly(h, "X-Forwarded-Proto", proto)
	h.Del("X-Forwarded-Host")
	if host := h.Host(); len(host) > 0 { // an HTTP/1.0 request may name none
		h.SetBytesV("X-Forwarded-Host", host)
	}
	h.Del(headerForwarded)
	h.SetBytesV(headerForwarded, appendForwarded(fwd, ip, h.Host(), proto))
	if order != nil {
		order.restore(h)
	}

	// The upstream path: the targets' path and the rest after /{api}/v{major}.
	uri := req.URI()
	path := uri.Path()
	rest := path[rt.prefixLen:]
	// Built on the stack for the usual short paths (SetPathBytes copies).
	var pathStack [256]byte
	uri.SetPathBytes(appendPath(pathStack[:0], rt.basePath, rest))
	if rt.https {
		uri.SetScheme("https")
	} else {
		uri.SetScheme("http")
	}

	// An answer to a request that accepts server-sent events is passed on
	// as it arrives, not buffered to its end (within the same deadline).
	// Not to an HTTP/1.0 client: one of unknown length is sent chunked,
	// which HTTP/1.0 does not know (RFC 9112 6.1).
	ctx.Response.StreamBody = h.IsHTTP11() && acceptsEventStream(h)
	// The upstream request is the node's, in the node's version (RFC 9110
	// 6.2): an HTTP/1.0 client's request goes as HTTP/1.1, on a kept-alive
	// connection (forwarded as HTTP/1.0 without "Connection: keep-alive",
	// the upstream closed its connection after answering). The client's
	// connection closes as it asked (clientClose), and fasthttp answers an
	// HTTP/1.0 client with the body's length.
	h.SetProtocol("HTTP/1.1")

	deadline := now.Add(rt.up.responseTimeout)
	sent := time.Now()
	err := rt.up.lb.DoDeadline(req, &ctx.Response, deadline)
	if err != nil && isConnectError(err) && time.Now().Before(deadline) {
		// The request never reached that target: try another once.
		err = rt.up.lb.DoDeadline(req, &ctx.Response, deadline)
	}
	up := rt.m.upstream.Load()
	if up == nil {
		up = n.metrics.newUpstream(rt.m)
	}
	(*up).Observe(time.Since(sent).Seconds())
	if err == nil && ctx.Response.StatusCode() == fasthttp.StatusSwitchingProtocols {
		// The request went without its Upgrade: a 101 is not the
		// client's to take (fasthttp closes that upstream connection).
		err = errUpstreamSwitched
	}
	if err != nil {
		ctx.Response.Reset()
		if clientClose {
			ctx.SetConnectionClose()
		}
		if errors.Is(err, errUpstreamDenied) {
			// A target at a denied address (Options.UpstreamDeny, the
			// node's admin listener): the route's settings are wrong, and
			// the operator learns it from the access log and the metric.
			o.reason = "upstream address denied"
			n.metrics.upstreamErrors.WithLabelValues("denied").Inc()
			writeProblem(ctx, fasthttp.StatusBadGateway, errUpstreamDenied.Error(), reqID, nil)
		} else if errors.Is(err, errUpstreamSwitched) {
			o.reason = "upstream switched protocols"
			n.metrics.upstreamErrors.WithLabelValues("error").Inc()
			writeProblem(ctx, fasthttp.StatusBadGateway, errUpstreamSwitched.Error(), reqID, nil)
		} else if isTimeout(err) {
			o.reason = "upstream timeout"
			n.metrics.upstreamErrors.WithLabelValues("timeout").Inc()
			writeProblem(ctx, fasthttp.StatusGatewayTimeout, "the upstream did not answer in time", reqID, nil)
		} else {
			o.reason = "upstream error"
			n.metrics.upstreamErrors.WithLabelValues("error").Inc()
			n.opts.Logger.Debug("upstream error", "route", rt.r.ID(), "request_id", reqID, "err", err)
			writeProblem(ctx, fasthttp.StatusBadGateway, "the upstream could not be reached or gave an invalid answer", reqID, nil)
		}
		return
	}
	rh := &ctx.Response.Header
	// The answer is the node's, in its version too: an upstream's
	// "HTTP/1.0" status line would tell the client the node is an
	// HTTP/1.0 server.
	rh.SetProtocol(http11)
	// The answer is sent with its length: its trailer is dropped too.
	if hasTrailer(rh.Trailers()) {
		dropTrailer(rh)
	}
	// The values of the names the upstream repeats keep their order.
	var answerOrder *headerOrder
	if answerMayRepeat(rh) {
		answerOrder = newHeaderOrder(rh)
	}
	// The upstream's Connection and the headers it names are the upstream
	// connection's; the client's connection closes when the client asked.
	removeConnectionOptions(rh)
	rh.Del(fasthttp.HeaderConnection)
	if clientClose {
		rh.SetConnectionClose()
	}
	for _, name := range hopByHop {
		rh.Del(name)
	}
	rh.Del(headerRequestID) // the request's id replaces the upstream's (answer)
	if answerOrder != nil {
		answerOrder.restore(rh)
	}
	o.upstream = true
	rt.setLifecycle(rh)
}

var http11 = []byte("HTTP/1.1")

// errUpstreamSwitched is an upstream's "101 Switching Protocols".
var errUpstreamSwitched = errors.New("the upstream switched protocols: upgrades (WebSocket) are not proxied by the gateway")

// setLifecycle adds the route's Deprecation, Sunset and successor Link
// headers, if it has them, to an answer.
func (rt *route) setLifecycle(rh *fasthttp.ResponseHeader) {
	if rt.deprecation != "" {
		rh.Set("Deprecation", rt.deprecation)
		if rt.sunset != "" {
			rh.Set("Sunset", rt.sunset)
		}
	}
	if rt.link != "" {
		rh.Add("Link", rt.link)
	}
}

// nodeHeaders are the request headers the node sets: the upstream trusts
// them.
var nodeHeaders = []string{headerTeam, headerApp, headerSubscription, headerRequestID, "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", headerForwarded}

// removeUnderscoreCopies removes the client's headers named as one the node
// sets with an underscore for a hyphen (X_Portico_Team): CGI-style upstreams
// (WSGI, Rack, Django under ASGI) read both names as HTTP_X_PORTICO_TEAM,
// so the client's copy would stand beside or for the node's. So is a copy
// of the key header (X_API_Key), which such an upstream reads as the key
// the node never forwards.
func removeUnderscoreCopies(h *fasthttp.RequestHeader) {
	var forged []string
	for name := range h.All() {
		if bytes.IndexByte(name, '_') < 0 {
			continue
		}
		if sameAsCGI(name, headerAPIKey) {
			forged = append(forged, string(name))
			continue
		}
		for _, n := range nodeHeaders {
			if sameAsCGI(name, n) {
				forged = append(forged, string(name))
				break
			}
		}
	}
	for _, name := range forged {
		h.Del(name)
	}
}

// sameAsCGI reports whether the header names a and b are the same once
// '_' is read as '-' and case is ignored, as CGI's HTTP_* variables read them.
func sameAsCGI(a []byte, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i, c := range a {
		if c == '_' {
			c = '-'
		}
		d := b[i]
		if c|0x20 != d|0x20 {
			return false
		}
	}
	return true
}

// trailerHeaders is what dropTrailer needs of a request's or a response's
// headers.
type trailerHeaders interface {
	Trailers() iter.Seq[[]byte]
	All() iter.Seq2[[]byte, []byte]
	DelBytes(key []byte)
	AddBytesKV(key, value []byte)
}

// hasTrailer reports whether a message has a trailer section, its
// Trailers (without allocating, unlike dropTrailer).
func hasTrailer(trailers iter.Seq[[]byte]) bool {
	for range trailers {
		return true
	}
	return false
}

// dropTrailer removes the fields of h's trailer section and the Trailer
// header announcing them, keeping the header section's own fields of the
// same names. fasthttp's Del of Trailer alone would move the trailer's
// fields into the header section (RFC 9110 6.5.1 forbids that merge).
func dropTrailer(h trailerHeaders) {
	var names [][]byte
	for name := range h.Trailers() {
		names = append(names, bytes.Clone(name))
	}
	if len(names) == 0 {
		return
	}
	var keep [][2][]byte
	for k, v := range h.All() {
		if !bytes.EqualFold(k, []byte(fasthttp.HeaderTrailer)) && slices.ContainsFunc(names, func(n []byte) bool { return bytes.EqualFold(n, k) }) {
			keep = append(keep, [2][]byte{bytes.Clone(k), bytes.Clone(v)})
		}
	}
	for _, n := range names {
		h.DelBytes(n)
	}
	h.DelBytes([]byte(fasthttp.HeaderTrailer))
	for _, kv := range keep {
		h.AddBytesKV(kv[0], kv[1])
	}
}

// acceptsEventStream reports whether a request's Accept names
// text/event-stream (an EventSource, an MCP client): its answer is a
// stream of events the client reads as they come.
func acceptsEventStream(h *fasthttp.RequestHeader) bool {
	for _, v := range h.PeekAll(fasthttp.HeaderAccept) {
		for len(v) > 0 {
			var t []byte
			if i := bytes.IndexByte(v, ','); i >= 0 {
				t, v = v[:i], v[i+1:]
			} else {
				t, v = v, nil
			}
			if i := bytes.IndexByte(t, ';'); i >= 0 {
				t = t[:i]
			}
			if bytes.EqualFold(bytes.TrimSpace(t), []byte("text/event-stream")) {
				return true
			}
		}
	}
	return false
}

// answerBytes is the length of the answer's body: of a streamed one, its
// Content-Length, or 0 when it has none (its bytes pass without being
// held, and are not counted).
func answerBytes(resp *fasthttp.Response) int {
	if resp.IsBodyStream() {
		return max(resp.Header.ContentLength(), 0)
	}
	return len(resp.Body())
}

// headerEditor is what removeConnectionOptions needs of a request's or a
// response's headers.
type headerEditor interface {
	PeekAll(key string) [][]byte
	DelBytes(key []byte)
}

// removeConnectionOptions removes the headers that h's Connection names
// (RFC 9110 7.6.1), but not the message's framing and host, which fasthttp
// manages; the caller removes Connection itself.
func removeConnectionOptions(h headerEditor) {
	for _, v := range h.PeekAll(fasthttp.HeaderConnection) {
		for len(v) > 0 {
			var name []byte
			if i := bytes.IndexByte(v, ','); i >= 0 {
				name, v = v[:i], v[i+1:]
			} else {
				name, v = v, nil
			}
			name = bytes.TrimSpace(name)
			if len(name) == 0 || bytes.EqualFold(name, []byte("close")) || bytes.EqualFold(name, []byte(fasthttp.HeaderConnection)) ||
				bytes.EqualFold(name, []byte(fasthttp.HeaderContentLength)) || bytes.EqualFold(name, []byte(fasthttp.HeaderTransferEncoding)) ||
				bytes.EqualFold(name, []byte(fasthttp.HeaderHost)) {
				continue
			}
			h.DelBytes(name)
		}
	}
}

// headerToken reports whether name is a header field name: a token of
// RFC 9110 5.6.2.
func headerToken(name []byte) bool {
	if len(name) == 0 {
		return false
	}
	for _, c := range name {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// bearer is the token of an Authorization: Bearer value (the scheme in any
// case), or nil.
func bearer(a []byte) []byte {
	if len(a) > 7 && bytes.EqualFold(a[:7], []byte("bearer ")) {
		return bytes.TrimSpace(a[7:])
	}
	return nil
}

// setOnly sets the header name to value, removing every other copy.
func setOnly(h *fasthttp.RequestHeader, name, value string) {
	h.Del(name)
	h.Set(name, value)
}

// appendPath appends the base path (the target's, escaped) and the rest of
// the client's path to dst. The rest is the path as the node routed it,
// decoded (fasthttp decodes and resolves dot segments), so it is encoded
// again: sent as it is, an encoded '%' would be decoded a second time by
// the upstream (%252e%252e/ becoming ../ there, out of the target's path),
// an encoded '?' or '#' would start a query or fragment, and a space, a
// line break or a byte beyond ASCII would make the request line invalid.
func appendPath(dst []byte, base string, rest []byte) []byte {
	dst = append(dst, base...)
	if len(rest) == 0 {
		return append(dst, '/')
	}
	for _, c := range rest {
		if pathChar(c) {
			dst = append(dst, c)
		} else {
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return dst
}

const upperHex = "0123456789ABCDEF"

// pathChar reports whether c stands for itself in a URI path (RFC 3986
// pchar and '/'): unreserved, sub-delims, ':' and '@'.
func pathChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	switch c {
	case '-', '.', '_', '~', '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=', ':', '@', '/':
		return true
	}
	return false
}

// appendForwarded appends the node's Forwarded element (RFC 7239 4) for
// a client at ip (as appendIP wrote it) that asked for host over proto:
// for=192.0.2.1;host="api.example.com";proto=https. An IPv6 address and
// the host are quoted strings (a host's port makes it no token); without a
// host (an HTTP/1.0 request may have none) there is no host parameter.
func appendForwarded(dst, ip, host []byte, proto string) []byte {
	dst = append(dst, "for="...)
	if bytes.IndexByte(ip, ':') >= 0 {
		dst = append(dst, `"[`...)
		dst = append(dst, ip...)
		dst = append(dst, `]"`...)
	} else {
		dst = append(dst, ip...)
	}
	if len(host) > 0 {
		dst = append(dst, `;host="`...)
		for _, c := range host {
			if c == '"' || c == '\\' {
				dst = append(dst, '\\')
			}
			dst = append(dst, c)
		}
		dst = append(dst, '"')
	}
	dst = append(dst, `;proto=`...)
	return append(dst, proto...)
}

// appendIP appends ip as net.IP.String writes it, without allocating.
func appendIP(dst []byte, ip net.IP) []byte {
	if a, ok := netip.AddrFromSlice(ip); ok {
		return a.Unmap().AppendTo(dst)
	}
	return append(dst, ip.String()...)
}

func setRateLimit(h *fasthttp.ResponseHeader, d ratelimit.Decision) {
	var b [20]byte
	h.SetBytesV("RateLimit-Limit", strconv.AppendInt(b[:0], int64(d.Limit), 10))
	h.SetBytesV("RateLimit-Remaining", strconv.AppendInt(b[:0], int64(d.Remaining), 10))
	h.SetBytesV("RateLimit-Reset", strconv.AppendInt(b[:0], int64(d.Reset/time.Second), 10))
}

func (n *Node) unauthorized(ctx *fasthttp.RequestCtx, reqID, challenge, detail string) {
	ctx.Response.Header.Set(fasthttp.HeaderWWWAuthenticate, challenge)
	writeProblem(ctx, fasthttp.StatusUnauthorized, detail, reqID, nil)
}

// problemBody renders an RFC 9457 problem document.
func problemBody(status int, detail string, ext map[string]string) []byte {
	m := map[string]any{"type": "about:blank", "title": fasthttp.StatusMessage(status), "status": status, "detail": detail}
	for k, v := range ext {
		m[k] = v
	}
	b, _ := json.Marshal(m)
	return b
}

// withRequestID adds "request_id" to a rendered problem document.
func withRequestID(body []byte, reqID string) []byte {
	if reqID == "" {
		return body
	}
	out := make([]byte, 0, len(body)+len(reqID)+20)
	out = append(out, body[:len(body)-1]...)
	out = append(out, `,"request_id":`...)
	out = strconv.AppendQuote(out, reqID)
	return append(out, '}')
}

func writeProblem(ctx *fasthttp.RequestCtx, status int, detail, reqID string, ext map[string]string) {
	ctx.Response.Header.SetContentType("application/problem+json")
	ctx.SetStatusCode(status)
	ctx.SetBody(withRequestID(problemBody(status, detail, ext), reqID))
}

// record writes the access log line and the request metrics. Keys and their
// hashes are never logged: only the key's public id.
func (n *Node) record(ctx *fasthttp.RequestCtx, reqID string, start time.Time, o *outcome) {
	status := ctx.Response.StatusCode()
	elapsed := time.Since(start)
	rm := o.m
	if rm == nil {
		rm = n.metrics.noRoute
	}
	n.metrics.observe(rm, status, elapsed)
	if o.subscription != "" && !o.refused {
		n.usage.add(start, o.subscription, o.keyID, o.route, status, elapsed, len(ctx.Request.Body()), answerBytes(&ctx.Response))
	}
	if n.opts.AccessLog == nil {
		return
	}
	// The entry's method and path point into the request and o, valid
	// until the handler returns; the line is written before. A key or
	// token pasted into the path keeps only its public part (its id).
	n.opts.AccessLog.write(time.Now(), &accessEntry{
		requestID: reqID,
		method:    b2s(ctx.Method()),
		path:      gateway.RedactSecrets(b2s(o.path[:o.pathLen])),
		status:    status,
		duration:  elapsed,
		bytes:     answerBytes(&ctx.Response),
		client:    clientAddr(ctx.RemoteIP()),
		route:     o.route,
		keyID:     o.keyID,
		sub:       o.subscription,
		reason:    o.reason,
	})
}

// b2s is b as a string without a copy; the string must not outlive b's
// contents.
func b2s(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
