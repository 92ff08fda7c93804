package handlers

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/portico-dev/portico/auth"
	"github.com/portico-dev/portico/store"
)

// CSRF protection of browser requests that change state:
//
//   - The token is an HMAC-SHA256, under a server key, of the session it is
//     for: the session's id hash for a logged-in browser, else a random
//     pre-session value in the CSRF cookie (for the login form). A token
//     is good only with its own session, so a cookie and field pair planted
//     by someone else (another session's, or one they made up) is refused,
//     and a logout or login changes it.
//   - The key (32 random bytes) is made once and kept in the database's
//     server_keys, so every instance agrees and a restart keeps it.
//   - Over TLS the cookies are named __Host-…, which only this host can set.
//   - A request whose Sec-Fetch-Site or Origin says it comes from another
//     site or origin is refused whatever its token.
//
// The JSON API and MCP authenticate with bearer tokens, which browsers do
// not send by themselves, and need none of this.

// csrfKeyName names the CSRF key among the server keys.
const csrfKeyName = "csrf"

// csrfKeys loads the server's CSRF key once (the first request that needs
// it, unless Options.CSRFKey gives it).
type csrfKeys struct {
	mu  sync.Mutex
	key []byte
}

// LoadCSRFKey returns the portal's CSRF key from the database, making it on
// first use.
func LoadCSRFKey(ctx context.Context, s *store.Store) ([]byte, error) {
	v, err := s.ServerKey(ctx, csrfKeyName, auth.RandomToken(32))
	if err != nil {
		return nil, err
	}
	key, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || len(key) < 32 {
		return nil, fmt.Errorf("server key %s: not 32 bytes of base64", csrfKeyName)
	}
	return key, nil
}

func (h *Handler) csrfKey(ctx context.Context) ([]byte, error) {
	h.csrf.mu.Lock()
	defer h.csrf.mu.Unlock()
	if h.csrf.key == nil {
		key, err := LoadCSRFKey(ctx, h.store)
		if err != nil {
			return nil, err
		}
		h.csrf.key = key
	}
	return h.csrf.key, nil
}

// csrfBinding is what this request's token is bound to: its session, or
// the pre-session value of its CSRF cookie ("" when it has neither).
func csrfBinding(c *fiber.Ctx) string {
	if s := currentSession(c); s != nil {
		return "session:" + s.IDHash
	}
	if v := c.Cookies(cookieName(c, csrfCookie)); len(v) >= 43 {
		return "visitor:" + v
	}
	return ""
}

// csrfTokenFor returns the token for a binding: 32 bytes, unpadded base64url.
func csrfTokenFor(key []byte, binding string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("portico csrf\x00" + binding))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// ensureCSRF gives a browser without a session a pre-session cookie, and
// puts this request's token where the pages find it.
func (h *Handler) ensureCSRF(c *fiber.Ctx) error {
	if csrfBinding(c) == "" {
		setVisitorCookie(c)
	}
	return h.setCSRFToken(c)
}

// setCSRFToken computes the token of the request's current binding for the
// pages it renders.
func (h *Handler) setCSRFToken(c *fiber.Ctx) error {
	key, err := h.csrfKey(c.UserContext())
	if err != nil {
		return err
	}
	c.Locals(csrfKey, csrfTokenFor(key, csrfBinding(c)))
	return nil
}

// setVisitorCookie issues a new pre-session value.
func setVisitorCookie(c *fiber.Ctx) {
	v := auth.RandomToken(32)
	c.Cookie(&fiber.Cookie{
		Name: cookieName(c, csrfCookie), Value: v, Path: "/", HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Secure: c.Protocol() == "https",
	})
	// Later reads in this request see it.
	c.Request().Header.SetCookie(cookieName(c, csrfCookie), v)
}

// clearCookie deletes a cookie with the attributes it was set with (a
// __Host- cookie is deleted only by a Secure one).
func clearCookie(c *fiber.Ctx, name string) {
	c.Cookie(&fiber.Cookie{
		Name: cookieName(c, name), Value: "", Path: "/", Expires: fasthttp.CookieExpireDelete, HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Secure: c.Protocol() == "https",
	})
	c.Request().Header.DelCookie(cookieName(c, name))
}

const msgCSRF = "The form's security token is missing or out of date."

// resendAdvice says how to send again a form refused before it was read
// (its security token, its one-time id): a plain form's refusal is a page
// at the address the form posted to, the form a page back; an htmx
// request's refusal keeps the address of the form's page (render sets
// HX-Push-Url false), where going back leaves the form and reloading
// shows it again with a new token.
func resendAdvice(c *fiber.Ctx) string {
	if c.Get("HX-Request") == "true" {
		return "Reload this page and send the form again."
	}
	return "Go back, reload the page and try again."
}

// checkCSRF refuses a state-changing browser request that comes from
// another site or origin, or whose token (form field or X-CSRF-Token
// header) is not the one of its own session.
func (h *Handler) checkCSRF(c *fiber.Ctx) error {
	if !sameOrigin(c) {
		return clientError(fiber.StatusForbidden, "This request came from another site. Use the portal's own pages.")
	}
	got := c.Get(csrfHeader)
	if got == "" {
		got = c.FormValue(csrfField)
	}
	binding := csrfBinding(c)
	if got == "" || binding == "" {
		return clientError(fiber.StatusForbidden, msgCSRF+" "+resendAdvice(c))
	}
	key, err := h.csrfKey(c.UserContext())
	if err != nil {
		return err
	}
	if !hmac.Equal([]byte(got), []byte(csrfTokenFor(key, binding))) {
		return clientError(fiber.StatusForbidden, msgCSRF+" "+resendAdvice(c))
	}
	return c.Next()
}

// sameOrigin reports whether the browser says the request comes from the
// portal's own pages, or says nothing (older browsers, other clients: the
// token then decides). Sec-Fetch-Site must be same-origin (or none: typed
// or bookmarked by the user) and Origin, when sent, must name this host.
func sameOrigin(c *fiber.Ctx) bool {
	switch c.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return false
	}
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return false // includes "null": a sandboxed or privacy-sensitive context
	}
	if c.Protocol() == "https" && u.Scheme != "https" {
		return false
	}
	return strings.EqualFold(u.Host, c.Hostname())
}
