package handlers

import (
	"errors"
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/auth"
	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/reqid"
	"github.com/portico-dev/portico/store"
)

const (
	sessionCookie = "portico_session"
	csrfCookie    = "portico_csrf"
	csrfHeader    = "X-CSRF-Token"
	csrfField     = "_csrf"
)

// cookieName is the name of a cookie on this request: over TLS with the
// __Host- prefix, which browsers accept only from this host, Secure, for
// the whole site and without a Domain, so a sibling subdomain cannot set it.
func cookieName(c *fiber.Ctx, name string) string {
	if c.Protocol() == "https" {
		return "__Host-" + name
	}
	return name
}

// logPath is the request's path as it is logged and echoed in a problem's
// instance: a key or token pasted into it (GET /api/v1/keys/<whole key>)
// keeps only its public part, so that the log, which operators read and
// ship elsewhere, never holds a secret.
func logPath(c *fiber.Ctx) string { return gateway.RedactSecrets(c.Path()) }

func (h *Handler) recoverPanic(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			h.log.Error("panic", "method", c.Method(), "path", logPath(c), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return c.Next()
}

// logRequests logs one structured line per request and feeds the metrics.
// It logs the path without the query string, and never headers or bodies,
// so no password or token reaches the log. Each request has an id, taken
// from its X-Request-Id when a proxy sent a sane one (reqid.Valid), made
// otherwise: the answer carries it, and the log lines of the request name
// it (request_id), so that an operator finds those of a user's error.
func (h *Handler) logRequests(c *fiber.Ctx) error {
	start := time.Now()
	id := c.Get(reqid.Header)
	if !reqid.Valid([]byte(id)) {
		id = h.ids.Next()
	} else {
		id = strings.Clone(id) // the header's bytes belong to the connection's buffer
	}
	c.Locals(requestIDKey, id)
	c.Set(reqid.Header, id)
	err := c.Next()
	if err != nil {
		if herr := h.handleError(c, err); herr != nil {
			h.log.Error("error handler failed", "err", herr)
			c.Status(fiber.StatusInternalServerError)
		}
	}
	endDeadline(c)
	status := c.Response().StatusCode()
	route := c.Route().Path
	if route == "/" && c.Path() != "/" {
		route = "unmatched"
	}
	elapsed := time.Since(start)
	// c.Method() points into the request's buffer, which the next request
	// on the connection overwrites: a label kept by the metrics must own
	// its bytes (else a GET's series turns into a PUT's, twice the same).
	method := strings.Clone(c.Method())
	h.metrics.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	h.metrics.duration.WithLabelValues(method, route).Observe(elapsed.Seconds())
	if strings.HasPrefix(c.Path(), "/static/") {
		return nil
	}
	attrs := []any{"method", c.Method(), "path", logPath(c), "route", route, "status", status, "duration_ms", elapsed.Milliseconds(), "remote", h.clientIP(c), "request_id", id}
	if u := currentUser(c); u != nil {
		attrs = append(attrs, "user", u.Username)
	}
	h.log.Info("request", attrs...)
	return nil
}

func (h *Handler) securityHeaders(c *fiber.Ctx) error {
	h.setSecurityHeaders(c)
	return c.Next()
}

// setSecurityHeaders sets every answer's security headers; the answers the
// server gives before routing (refuseServerBody) set them too. Served over
// TLS directly (serve --tls-cert), the portal tells browsers to come back
// only over HTTPS for a year (HSTS, for this host alone: subdomains may be
// other servers'); behind a proxy that terminates TLS, that is the proxy's
// to say.
func (h *Handler) setSecurityHeaders(c *fiber.Ctx) {
	if c.Context().IsTLS() {
		c.Set("Strict-Transport-Security", "max-age=31536000")
	}
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Referrer-Policy", "same-origin")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Content-Security-Policy", contentSecurityPolicy())
}

// contentSecurityPolicy is every page's policy. connect lists the origins
// beyond the portal itself that the page's scripts may send requests to
// (only the interactive reference names any: the API's own servers).
func contentSecurityPolicy(connect ...string) string {
	src := "'self'"
	if len(connect) > 0 {
		src += " " + strings.Join(connect, " ")
	}
	return "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src " + src + "; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
}

// authenticate identifies the caller: a bearer token on API routes, the
// session cookie elsewhere. It also gives a browser its CSRF token.
func (h *Handler) authenticate(r Route) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if r.Perm.Scope == Node {
			return c.Next() // the handler authenticates the node; no user is read
		}
		if r.API() {
			if err := h.authenticateToken(c); err != nil {
				return err
			}
		} else {
			// A browser page is the user's own (their teams, apps and
			// keys, the CSRF token of their session), and so is a
			// fragment htmx asks for: no cache keeps it, so that after a
			// logout Back does not show it from the browser's cache, nor
			// a shared cache to someone else.
			c.Set(fiber.HeaderCacheControl, "no-store")
			if err := h.authenticateSession(c); err != nil {
				return err
			}
			if err := h.ensureCSRF(c); err != nil {
				return err
			}
			if idle, _ := c.Locals(idleKey).(bool); idle && r.Path != "/login" && r.Path != "/logout" {
				// The browser goes to the login page, which says why,
				// and the login leads back to this page. Logging in or
				// out goes on without the session.
				h.flash(c, "info", "Your session ended after "+humanDuration(h.idle)+" of inactivity. Log in again to continue.")
				return redirectToLogin(c)
			}
		}
		if r.Perm.Scope != Public && currentUser(c) == nil {
			return errUnauthorized
		}
		if u := currentUser(c); u != nil && u.MustChangePassword && !r.API() && !beforePasswordChoice(r) {
			return seeOther(c, "/password")
		}
		return c.Next()
	}
}

// beforePasswordChoice reports whether a browser route is open to a user
// who logged in with a one-time password and has not chosen their own yet:
// public pages, choosing the password and logging out. Every other page
// leads to /password. The JSON API (tokens) is not affected.
func beforePasswordChoice(r Route) bool {
	if r.Perm.Scope == Public {
		return true
	}
	switch r.Method + " " + r.Path {
	case "GET /password", "POST /profile/password", "POST /logout":
		return true
	}
	return false
}

func (h *Handler) authenticateToken(c *fiber.Ctx) error {
	header := c.Get(fiber.HeaderAuthorization)
	if header == "" {
		return nil
	}
	token, ok := auth.Bearer(header)
	if !ok || auth.CheckTokenFormat(token) != nil {
		return clientError(fiber.StatusUnauthorized, "The Authorization header must be \"Bearer <personal access token>\".")
	}
	t, u, err := h.store.TokenUser(c.UserContext(), auth.HashToken(token))
	if errors.Is(err, store.ErrNotFound) {
		return clientError(fiber.StatusUnauthorized, "The token is unknown, revoked or expired.")
	}
	if err != nil {
		return err
	}
	c.Locals(userKey, u)
	c.Locals(tokenKey, t)
	return nil
}

func (h *Handler) authenticateSession(c *fiber.Ctx) error {
	id := c.Cookies(cookieName(c, sessionCookie))
	if id == "" {
		return nil
	}
	sess, u, err := h.store.SessionUser(c.UserContext(), auth.HashToken(id), h.idle)
	if errors.Is(err, store.ErrSessionIdle) {
		clearCookie(c, sessionCookie)
		h.log.Info("session ended: idle", "remote", h.clientIP(c), "idle_timeout", h.idle.String())
		c.Locals(idleKey, true)
		return nil
	}
	if errors.Is(err, store.ErrNotFound) {
		clearCookie(c, sessionCookie)
		return nil
	}
	if err != nil {
		return err
	}
	c.Locals(userKey, u)
	c.Locals(sessionKey, sess)
	return nil
}

// authorize checks the route's permission for the current user.
func (h *Handler) authorize(r Route) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := h.permitted(c, r, func(name string) string { return c.Params(name) }); err != nil {
			return err
		}
		return c.Next()
	}
}

// permitted checks the route's permission for the current user, with the
// route's parameters from param, and keeps what it loaded (the team, API,
// app...) in c's locals for the handler.
func (h *Handler) permitted(c *fiber.Ctx, r Route, param func(string) string) error {
	u := currentUser(c)
	var domain string
	switch r.Perm.Scope {
	case Public, Authenticated, Node:
		return nil
	case Org:
		domain = policy.OrgDomain
	case Team:
		t, err := h.store.TeamBySlug(c.UserContext(), param("team"))
		if err != nil {
			return err
		}
		c.Locals(teamKey, t)
		domain = policy.TeamDomain(t.Slug)
	case API:
		if c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead {
			// A page of an API reads its versions several times
			// (visibility, the page, the subscription offer).
			c.SetUserContext(store.WithReadMemo(c.UserContext()))
		}
		a, err := h.store.APIBySlug(c.UserContext(), param("api"))
		if err != nil {
			return err
		}
		if err := h.checkVisible(c, a); err != nil {
			return err
		}
		c.Locals(apiKey, a)
		c.Locals(teamKey, a.Team)
		domain = policy.TeamDomain(a.Team.Slug)
	case Review:
		id, err := strconv.ParseInt(param("id"), 10, 64)
		if err != nil {
			return errNotFound
		}
		r, err := h.store.Request(c.UserContext(), id)
		if err != nil {
			return err
		}
		// A request the user may not open answers as a missing one.
		if ok, err := h.life.CanSeeRequest(c.UserContext(), u, r); err != nil || !ok {
			if err == nil {
				err = errNotFound
			}
			return err
		}
		c.Locals(reviewKey, r)
		c.Locals(apiKey, r.API)
		c.Locals(teamKey, r.API.Team)
		domain = policy.TeamDomain(r.API.Team.Slug)
	case App:
		a, err := h.subs.App(c.UserContext(), u, param("app"))
		if err != nil {
			return err
		}
		c.Locals(appKey, a)
		c.Locals(teamKey, a.Team)
		domain = policy.TeamDomain(a.Team.Slug)
	case Subscription:
		id, err := strconv.ParseInt(param("id"), 10, 64)
		if err != nil {
			return errNotFound
		}
		sub, err := h.subs.Subscription(c.UserContext(), u, id)
		if err != nil {
			return err
		}
		c.Locals(subscriptionKey, sub)
		domain = policy.TeamDomain(sub.ConsumerTeam.Slug)
		if r.Perm.Object == "subscriptions" || r.Perm.Object == "subscribers" {
			domain = policy.TeamDomain(sub.ProviderTeam.Slug)
		}
	case Key:
		k, sub, err := h.subs.Key(c.UserContext(), u, param("id"))
		if err != nil {
			return err
		}
		c.Locals(keyLocal, k)
		c.Locals(subscriptionKey, sub)
		domain = policy.TeamDomain(sub.ConsumerTeam.Slug)
	}
	if r.Perm.Action == "" {
		return nil
	}
	ok, err := h.policy.Allowed(c.UserContext(), u.ID, domain, r.Perm.Object, r.Perm.Action)
	if err != nil {
		return err
	}
	if !ok {
		return errForbidden
	}
	return nil
}

// checkVisible answers 404 for a team-only API the user may not read, so
// that its existence stays private (lifecycle.Service.CanSeeAPI).
func (h *Handler) checkVisible(c *fiber.Ctx, a *store.API) error {
	ok, err := h.life.CanSeeAPI(c.UserContext(), currentUser(c), a)
	if err != nil {
		return err
	}
	if !ok {
		return errNotFound
	}
	return nil
}

// can reports whether the current user holds a permission, for showing or
// hiding controls. The route's own check still guards the action.
func (h *Handler) can(c *fiber.Ctx, domain, obj, act string) bool {
	u := currentUser(c)
	if u == nil {
		return false
	}
	ok, err := h.policy.Allowed(c.UserContext(), u.ID, domain, obj, act)
	if err != nil {
		h.log.Error("authorization check", "err", err)
		return false
	}
	return ok
}

// humanDuration says a duration in the largest whole unit that fits it:
// "12 hours", "1 day", "90 minutes".
func humanDuration(d time.Duration) string {
	unit := func(n int64, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return strconv.FormatInt(n, 10) + " " + one + "s"
	}
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		return unit(int64(d/(24*time.Hour)), "day")
	case d >= time.Hour && d%time.Hour == 0:
		return unit(int64(d/time.Hour), "hour")
	default:
		return unit(int64(d/time.Minute), "minute")
	}
}
