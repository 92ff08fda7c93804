package node

import (
	"bytes"

	"github.com/valyala/fasthttp"

	"github.com/portico-dev/portico/gateway"
)

// Cross-origin requests (CORS, the Fetch standard): a route's CORS origins
// (gateway.Route.CORSOrigins, set in the version's gateway settings) let a
// browser app at one of them call the route. The node answers their
// preflights itself, without a key, and marks every answer to an allowed
// origin, its own problems included, so the app can read them.

const (
	headerOrigin                = "Origin"
	headerRequestMethod         = "Access-Control-Request-Method"
	headerRequestHeaders        = "Access-Control-Request-Headers"
	headerAllowOrigin           = "Access-Control-Allow-Origin"
	headerAllowMethods          = "Access-Control-Allow-Methods"
	headerAllowHeaders          = "Access-Control-Allow-Headers"
	headerAllowCredentials      = "Access-Control-Allow-Credentials"
	headerMaxAge                = "Access-Control-Max-Age"
	headerExposeHeaders         = "Access-Control-Expose-Headers"
	corsExposed                 = "RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After, X-Request-Id, Deprecation, Sunset, Link"
	corsAllowedHeaders          = "X-API-Key, Authorization, Content-Type"
	corsMaxAge                  = "600"
	maxCORSRequestHeadersLength = 1024
)

// corsAnswerHeaders are the upstream's CORS headers that the node removes
// from the answers of a route with CORS origins: the route's origins
// decide, and a second Access-Control-Allow-Origin would make the browser
// refuse the answer. The upstream's Access-Control-Expose-Headers stays
// beside the node's, so the headers it exposes remain readable.
var corsAnswerHeaders = []string{headerAllowOrigin, headerAllowMethods, headerAllowHeaders, headerAllowCredentials, headerMaxAge}

// cors is a route's CORS origins as the node matches them.
type cors struct {
	any     bool
	origins []string // as browsers send them (gateway.ParseOrigin)
}

// newCORS returns the CORS of a route, nil when it has none.
func newCORS(r *gateway.Route) *cors {
	if len(r.CORSOrigins) == 0 {
		return nil
	}
	if r.CORSOrigins[0] == gateway.AnyOrigin {
		return &cors{any: true}
	}
	return &cors{origins: r.CORSOrigins}
}

// allow returns the Access-Control-Allow-Origin of a request from origin
// (its Origin header): "*" for any, else the allowed origin equal to it,
// or "" when it is not allowed (or the request has no Origin).
func (c *cors) allow(origin []byte) string {
	if len(origin) == 0 {
		return ""
	}
	if c.any {
		return gateway.AnyOrigin
	}
	for _, o := range c.origins {
		if string(origin) == o {
			return o
		}
	}
	return ""
}

// isPreflight reports whether a request is a CORS preflight: OPTIONS with
// Access-Control-Request-Method (its Origin is checked by the caller).
func isPreflight(ctx *fasthttp.RequestCtx) bool {
	return ctx.IsOptions() && len(ctx.Request.Header.Peek(headerRequestMethod)) > 0
}

// answerPreflight answers a preflight from an allowed origin: 204 allowing
// the method asked for and the headers asked for (those that are a list
// of header names, up to 1 KiB) besides the key's and Content-Type.
// answer adds the origin and Vary.
func answerPreflight(ctx *fasthttp.RequestCtx) {
	h := &ctx.Request.Header
	rh := &ctx.Response.Header
	if m := h.Peek(headerRequestMethod); headerToken(m) {
		rh.SetBytesV(headerAllowMethods, m)
	}
	if asked := h.Peek(headerRequestHeaders); len(asked) > 0 && len(asked) <= maxCORSRequestHeadersLength && headerList(asked) {
		var buf [len(corsAllowedHeaders) + 2 + maxCORSRequestHeadersLength]byte
		b := append(buf[:0], corsAllowedHeaders...)
		b = append(b, ", "...)
		rh.SetBytesV(headerAllowHeaders, append(b, asked...))
	} else {
		rh.Set(headerAllowHeaders, corsAllowedHeaders)
	}
	rh.Set(headerMaxAge, corsMaxAge)
	ctx.SetStatusCode(fasthttp.StatusNoContent)
}

// headerList reports whether v is a comma-separated list of header names.
func headerList(v []byte) bool {
	for len(v) > 0 {
		var name []byte
		if i := bytes.IndexByte(v, ','); i >= 0 {
			name, v = v[:i], v[i+1:]
		} else {
			name, v = v, nil
		}
		if name = bytes.TrimSpace(name); len(name) > 0 && !headerToken(name) {
			return false
		}
	}
	return true
}

// setCORS marks an answer of a route with CORS origins: Vary: Origin
// always (the answer depends on it), and to an allowed origin (allow not
// empty) the origin and the headers the app may read. An upstream's own
// CORS headers are removed first (corsAnswerHeaders).
func setCORS(rh *fasthttp.ResponseHeader, allow string, upstream bool) {
	if upstream {
		for _, name := range corsAnswerHeaders {
			rh.Del(name)
		}
	}
	rh.Add(fasthttp.HeaderVary, headerOrigin)
	if allow == "" {
		return
	}
	rh.Set(headerAllowOrigin, allow)
	rh.Add(headerExposeHeaders, corsExposed)
}
