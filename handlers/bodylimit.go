package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
	"github.com/valyala/fasthttp"

	"github.com/portico-dev/portico/auth"
	"github.com/portico-dev/portico/gateway"
)

// Request body limits, by class of route. The server reads at most
// FormBodyLimit of a request's body, unless the request, before its body is
// read, is seen to be for a route of a larger class and to carry valid
// credentials for it (bodyAllowance): a client nobody knows cannot make the
// server hold more than FormBodyLimit per connection. Each route then
// refuses a body beyond its class's limit (413, a problem document for
// programs, the error page for browsers) before it is parsed or stored.
const (
	// SpecBodyLimit is the limit of the routes that take an OpenAPI
	// description (spec.MaxSize, 10 MiB, and the form or JSON around it).
	SpecBodyLimit = 16 << 20
	// UsageBodyLimit is the limit of a gateway node's usage batch.
	UsageBodyLimit = gateway.MaxUsageBatchBytes
	// FormBodyLimit is the limit of every other route: forms and JSON
	// bodies, whose longest text (a description of 20,000 characters)
	// fits even percent-encoded.
	FormBodyLimit = 256 << 10
)

// specUpload reports whether the route takes an OpenAPI description.
func (r Route) specUpload() bool {
	switch r.Method + " " + r.Path {
	case "POST /apis/:api/versions", "POST /apis/:api/versions/:version/spec",
		"POST /api/v1/apis/:api/versions", "PUT /api/v1/apis/:api/versions/:version":
		return true
	}
	return false
}

// BodyLimit is the largest request body the route accepts, in bytes.
func (r Route) BodyLimit() int {
	switch {
	case r.specUpload():
		return SpecBodyLimit
	case r.Method == fiber.MethodPost && r.Path == gateway.UsagePath:
		return UsageBodyLimit
	}
	return FormBodyLimit
}

// limitBody refuses a request whose announced or read body exceeds the
// route's limit. A page's refusal reads the session first, so that the error
// page has the user's navigation, as every page has.
func (h *Handler) limitBody(r Route) fiber.Handler {
	max := r.BodyLimit()
	msg := bodyLimitMessage(max)
	return func(c *fiber.Ctx) error {
		page := !r.API() && r.Perm.Scope != Node
		if c.Request().Header.ContentLength() > max || len(c.Request().Body()) > max {
			return h.refuseBody(c, page, msg)
		}
		if len(c.Request().Body()) > 0 && encoded(&c.Request().Header) {
			return h.refuseEncoding(c, page)
		}
		return c.Next()
	}
}

// encoded reports whether the request declares its body compressed (any
// Content-Encoding but identity). fiber's Ctx.Body expands gzip, deflate
// and brotli bodies without a limit: 64 KiB of gzip is 64 MiB of JSON, so a
// compressed body would escape its route's limit. No client of the portal
// compresses what it sends (browsers never do), so none is read.
func encoded(hdr *fasthttp.RequestHeader) bool {
	for k, v := range hdr.All() {
		if utils.EqualFoldBytes(k, []byte(fiber.HeaderContentEncoding)) {
			for _, part := range strings.Split(string(v), ",") {
				if part = strings.TrimSpace(part); part != "" && !strings.EqualFold(part, "identity") {
					return true
				}
			}
		}
	}
	return false
}

// refuseEncoding answers 415 to a compressed body, before it is read.
func (h *Handler) refuseEncoding(c *fiber.Ctx, page bool) error {
	if page {
		if err := h.authenticateSession(c); err == nil {
			h.ensureCSRF(c) //nolint:errcheck // the page is an error page either way
		}
	}
	c.Set(fiber.HeaderAcceptEncoding, "identity")
	return clientError(fiber.StatusUnsupportedMediaType, "Request bodies are read uncompressed: send this one without a Content-Encoding.")
}

// bodyLimitMessage says the limit of a route whose body was refused.
func bodyLimitMessage(max int) string {
	if max == SpecBodyLimit {
		return "The request is larger than the 16 MiB this address accepts. OpenAPI descriptions may be at most 10 MiB: split or trim the file."
	}
	if max >= 1<<20 {
		return fmt.Sprintf("The request is larger than the %d MiB this address accepts.", max>>20)
	}
	return fmt.Sprintf("The request is larger than the %d KiB this address accepts: shorten the texts sent.", max>>10)
}

// refuseBody answers 413 with msg. A page's refusal reads the session
// first, so that the error page has the user's navigation, as every page has.
func (h *Handler) refuseBody(c *fiber.Ctx, page bool, msg string) error {
	if page {
		if err := h.authenticateSession(c); err == nil {
			h.ensureCSRF(c) //nolint:errcheck // the page is an error page either way
		}
	}
	return clientError(fiber.StatusRequestEntityTooLarge, msg)
}

// largeBody is a route whose body may exceed FormBodyLimit, as the server
// recognises it from the request line alone, before routing: the same
// method, and the route's path compared as fiber compares it (case
// insensitively, trailing slashes ignored, a parameter for any segment).
type largeBody struct {
	method   string
	segments []string // lower case; "" stands for a parameter
	limit    int
	// who authenticates the request: a gateway node's token, a user's
	// personal access token (JSON API) or a user's session (pages).
	node, token bool
}

// largeBodies lists the routes of rs whose limit exceeds FormBodyLimit.
func largeBodies(rs []Route) []largeBody {
	var out []largeBody
	for _, r := range rs {
		if r.BodyLimit() <= FormBodyLimit {
			continue
		}
		segs := strings.Split(strings.ToLower(strings.Trim(r.Path, "/")), "/")
		for i, s := range segs {
			if strings.HasPrefix(s, ":") {
				segs[i] = ""
			}
		}
		out = append(out, largeBody{method: r.Method, segments: segs, limit: r.BodyLimit(), node: r.Perm.Scope == Node, token: r.API()})
	}
	return out
}

// matchLargeBody returns the route of ls that method and path (the request's
// path as sent, without its query) are for, or nil. As fiber, it lowers
// ASCII letters only and trims trailing slashes only: "//api/…" is no route.
func matchLargeBody(ls []largeBody, method, path []byte) *largeBody {
	p, ok := strings.CutPrefix(utils.ToLower(strings.TrimRight(string(path), "/")), "/")
	if !ok || strings.HasPrefix(p, "/") {
		return nil
	}
	for i := range ls {
		l := &ls[i]
		if l.method != string(method) {
			continue
		}
		rest, ok := p, true
		for j, seg := range l.segments {
			var part string
			part, rest, _ = strings.Cut(rest, "/")
			if part == "" || (seg != "" && part != seg) || (j == len(l.segments)-1) != (rest == "") {
				ok = false
				break
			}
		}
		if ok {
			return l
		}
	}
	return nil
}

// credentialTimeout bounds the look-up of a large body's credentials.
const credentialTimeout = 5 * time.Second

// credentialed reports whether the request carries valid credentials of
// the kind route l authenticates with. The route authenticates the request
// again, as every request: this only decides how much of a body to read.
func (h *Handler) credentialed(hdr *fasthttp.RequestHeader, l *largeBody) bool {
	ctx, cancel := context.WithTimeout(context.Background(), credentialTimeout)
	defer cancel()
	if l.node || l.token {
		token, ok := auth.Bearer(string(hdr.Peek(fiber.HeaderAuthorization)))
		if !ok {
			return false
		}
		if l.node {
			_, err := h.gwNodes.AuthenticateNode(ctx, token)
			return err == nil
		}
		if auth.CheckTokenFormat(token) != nil {
			return false
		}
		_, _, err := h.store.TokenUser(ctx, auth.HashToken(token))
		return err == nil
	}
	for _, name := range []string{"__Host-" + sessionCookie, sessionCookie} {
		if id := hdr.Cookie(name); len(id) > 0 {
			if _, _, err := h.store.SessionUser(ctx, auth.HashToken(string(id)), h.idle); err == nil {
				return true
			}
		}
	}
	return false
}

// bodyAllowance is the server's HeaderReceived: it raises the body limit of
// a request announcing (or streaming, chunked) a body over FormBodyLimit to
// its route's limit when the request carries the route's credentials.
//
// A request that announces its body's length and waits for 100 Continue
// sends none of it before expectContinue has looked its credentials up and
// refused any body they do not allow: its limit is its route's, and its
// credentials are looked up there alone, once.
func (h *Handler) bodyAllowance(hdr *fasthttp.RequestHeader) fasthttp.RequestConfig {
	max := FormBodyLimit
	if hdr.ContentLength() > FormBodyLimit && waitsForContinue(hdr) {
		if l := matchLargeBody(h.large, hdr.Method(), requestPath(hdr)); l != nil {
			max = l.limit
		}
	} else {
		max = h.allowance(hdr)
	}
	if max > FormBodyLimit {
		return fasthttp.RequestConfig{MaxRequestBodySize: max}
	}
	return fasthttp.RequestConfig{} // the server's limit, FormBodyLimit
}

// waitsForContinue reports whether the server calls its ExpectHandler
// before it reads the request's body, as fasthttp's Request.MayContinue
// decides: HTTP/1.1 and "Expect: 100-continue", in any case of ASCII.
func waitsForContinue(hdr *fasthttp.RequestHeader) bool {
	return hdr.IsHTTP11() && utils.EqualFoldBytes(hdr.Peek(fasthttp.HeaderExpect), []byte("100-continue"))
}

// allowance is how much of the request's body the server reads.
func (h *Handler) allowance(hdr *fasthttp.RequestHeader) int {
	// -1 is a chunked body, whose length is not known; -2 no body at all
	// (a request without Content-Length or Transfer-Encoding: every GET).
	if n := hdr.ContentLength(); n != -1 && n <= FormBodyLimit {
		return FormBodyLimit
	}
	l := matchLargeBody(h.large, hdr.Method(), requestPath(hdr))
	if l == nil || !h.credentialed(hdr, l) {
		return FormBodyLimit
	}
	return l.limit
}

// expectContinue is the server's ExpectHandler. A client that waits for
// "100 Continue" before sending a body the server would not read (curl does
// for a body over 1 MiB) is answered at once, as refuseServerBody answers,
// and need not send it.
func (h *Handler) expectContinue(app *fiber.App) func(*fasthttp.RequestCtx) int {
	return func(fctx *fasthttp.RequestCtx) int {
		hdr := &fctx.Request.Header
		if n := hdr.ContentLength(); n < 0 || n <= h.allowance(hdr) {
			return fasthttp.StatusContinue // a chunked body is bounded while it is read
		}
		c := app.AcquireCtx(fctx)
		defer app.ReleaseCtx(c)
		if err := h.handleError(c, fiber.ErrRequestEntityTooLarge); err != nil {
			h.log.Error("refuse a body before it is sent", "path", logPath(c), "err", err)
			return fasthttp.StatusRequestEntityTooLarge
		}
		return fctx.Response.StatusCode()
	}
}

// requestPath is the path of the request's target as sent, as fiber routes
// it (the target may be in absolute form, http://host/path).
func requestPath(hdr *fasthttp.RequestHeader) []byte {
	uri := fasthttp.AcquireURI()
	defer fasthttp.ReleaseURI(uri)
	if err := uri.Parse(hdr.Host(), hdr.RequestURI()); err != nil { // as the server parses it
		return nil
	}
	return append([]byte(nil), uri.PathOriginal()...)
}

// refuseServerBody answers a body the server refused to read (over
// FormBodyLimit, or over its route's limit): 413 naming the route's limit,
// or, for a body the route would take from an authenticated client, 401.
// A body within its route's limit is refused only when allowance found no
// credentials for it, so they are not looked up again here.
func (h *Handler) refuseServerBody(c *fiber.Ctx) error {
	h.setSecurityHeaders(c)
	hdr := &c.Request().Header
	page := !forPrograms(c.Path())
	l := matchLargeBody(h.large, hdr.Method(), requestPath(hdr))
	if l == nil {
		return h.refuseBody(c, page, bodyLimitMessage(FormBodyLimit))
	}
	if n := hdr.ContentLength(); n < 0 || n <= l.limit {
		switch {
		case l.node:
			return clientError(fiber.StatusUnauthorized, "A body over 256 KiB is read only with a valid node token: \"Bearer <node token>\".")
		case l.token:
			return clientError(fiber.StatusUnauthorized, "A body over 256 KiB is read only with a valid token: \"Bearer <personal access token>\".")
		}
		return errUnauthorized
	}
	return h.refuseBody(c, page, bodyLimitMessage(l.limit))
}

// refuseForgottenBody answers a chunked body the server read past its
// limit: fasthttp has then reset the request, whose route and credentials
// are no longer known. Browsers announce their forms' length, so the
// sender is a program: a problem document naming every limit.
func (h *Handler) refuseForgottenBody(c *fiber.Ctx) error {
	h.setSecurityHeaders(c)
	p := problem{Type: "about:blank", Title: http.StatusText(fiber.StatusRequestEntityTooLarge), Status: fiber.StatusRequestEntityTooLarge,
		Detail: fmt.Sprintf("The request body is larger than the portal reads: %d KiB, or with valid credentials %d MiB for an OpenAPI description and %d MiB for a node's usage batch.",
			FormBodyLimit>>10, SpecBodyLimit>>20, UsageBodyLimit>>20)}
	return c.Status(fiber.StatusRequestEntityTooLarge).JSON(p, "application/problem+json")
}
