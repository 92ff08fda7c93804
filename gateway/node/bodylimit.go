package node

import (
	"crypto/sha256"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/portico-dev/portico/gateway"
)

// unauthenticatedBody is the most of a request's body the node reads before
// it has seen, from the request's headers, that the request will be
// forwarded (its route served, its key valid for it): a client without a
// key cannot make the node hold more than this per connection. Every other
// request may send up to Options.MaxRequestBody.
const unauthenticatedBody = 64 << 10

// preBodyLimit is the server's body limit, before bodyAllowance raises it.
func (n *Node) preBodyLimit() int { return min(unauthenticatedBody, n.opts.MaxRequestBody) }

// bodyAllowance is the server's HeaderReceived: it raises the body limit
// of a request the node will forward to Options.MaxRequestBody. A larger
// body, or one over preBodyLimit that would be refused, is not read: the
// server's error handler answers it (refuseUnread).
func (n *Node) bodyAllowance(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
	if max := n.allowance(h); max > n.preBodyLimit() {
		return fasthttp.RequestConfig{MaxRequestBodySize: max}
	}
	return fasthttp.RequestConfig{}
}

// allowance is how much of the request's body the server reads.
func (n *Node) allowance(h *fasthttp.RequestHeader) int {
	// -1 is a chunked body, whose length is not known; -2 no body at all
	// (a request without Content-Length or Transfer-Encoding, as most are).
	if l := h.ContentLength(); l != -1 && l <= n.preBodyLimit() {
		return n.preBodyLimit()
	}
	if n.admits(h, time.Now()) {
		return n.opts.MaxRequestBody
	}
	return n.preBodyLimit()
}

// admits reports whether the request's headers pass the checks serve makes
// before it forwards: its route is served and its key is active, unexpired
// and of the route's API version (the rate limit is not taken here).
func (n *Node) admits(h *fasthttp.RequestHeader, now time.Time) bool {
	c := n.cfg.Load()
	if c == nil {
		return false
	}
	uri := fasthttp.AcquireURI()
	defer fasthttp.ReleaseURI(uri)
	if uri.Parse(h.Host(), h.RequestURI()) != nil { // as the server parses it: "//x" is a path
		return false
	}
	rt := c.routeOf(uri.Path())
	if rt == nil || rt.gone != nil {
		return false
	}
	key, _ := requestKey(h)
	if len(key) == 0 {
		return false
	}
	k, ok := c.state.KeyByHash(sha256.Sum256(key))
	if !ok || k.State != gateway.KeyActive || k.API != rt.r.API || k.Major != rt.r.Major {
		return false
	}
	until := k.Until()
	return until.IsZero() || now.Before(until)
}

// refuseUnread answers a request whose body the server did not read: the
// refusal serve gives it, or 413 if it would have been forwarded.
func (n *Node) refuseUnread(ctx *fasthttp.RequestCtx) { n.answer(ctx, false) }

// expectContinue is the server's ExpectHandler: a client waiting for "100
// Continue" before sending a body the node would not read (curl does for a
// body over 1 MiB) is answered at once and need not send it.
func (n *Node) expectContinue(ctx *fasthttp.RequestCtx) int {
	h := &ctx.Request.Header
	if l := h.ContentLength(); l < 0 || l <= n.allowance(h) {
		return fasthttp.StatusContinue // a chunked body is bounded while it is read
	}
	n.refuseUnread(ctx)
	return ctx.Response.StatusCode()
}
