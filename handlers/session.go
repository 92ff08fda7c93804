package handlers

import (
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/auth"
	"github.com/portico-dev/portico/store"
	authpages "github.com/portico-dev/portico/views/pages/auth"
)

// Login rate limits: failures counted over loginWindow.
const (
	loginWindow      = 15 * time.Minute
	maxFailsPerUser  = 5
	maxFailsPerAddr  = 20
	loginRateMessage = "Too many failed attempts. Wait 15 minutes and try again, or ask an admin."
)

// ShowLogin renders the login form, or sends a logged-in user on.
func (h *Handler) ShowLogin(c *fiber.Ctx) error {
	if currentUser(c) != nil {
		return seeOther(c, "/")
	}
	next := c.Query("next")
	if !safeNext(next) {
		next = ""
	}
	return h.render(c, authpages.Login(h.page(c, "Log in", ""), authpages.LoginForm{Next: next}))
}

// Login checks the credentials and starts a new session.
func (h *Handler) Login(c *fiber.Ctx) error {
	ctx := c.UserContext()
	username := strings.ToLower(strings.TrimSpace(c.FormValue("username")))
	password := c.FormValue("password")
	next := c.FormValue("next")
	if !safeNext(next) {
		next = "/"
	}
	form := authpages.LoginForm{Username: username, Next: next}
	fail := func(status int, msg string) error {
		form.Error = msg
		c.Status(status)
		return h.render(c, authpages.Login(h.page(c, "Log in", ""), form))
	}
	if username == "" || password == "" {
		return fail(fiber.StatusUnprocessableEntity, "Enter your username and password.")
	}
	byUser, byAddr, err := h.store.LoginFailures(ctx, username, c.IP(), h.now().Add(-loginWindow))
	if err != nil {
		return err
	}
	if byUser >= maxFailsPerUser || byAddr >= maxFailsPerAddr {
		c.Set(fiber.HeaderRetryAfter, "900")
		return fail(fiber.StatusTooManyRequests, loginRateMessage)
	}
	u, err := h.store.UserByUsername(ctx, username)
	switch {
	case errors.Is(err, store.ErrNotFound):
		h.hasher.DummyCheck(password)
	case err != nil:
		return err
	}
	if u == nil || u.Disabled || !h.hasher.Check(password, u.PasswordHash) {
		if err := h.store.RecordLoginFailure(ctx, username, c.IP()); err != nil {
			return err
		}
		h.log.Info("login failed", "username", username, "remote", c.IP())
		return fail(fiber.StatusUnauthorized, "Wrong username or password.")
	}
	if err := h.store.ClearLoginFailures(ctx, username); err != nil {
		return err
	}
	if err := h.startSession(c, u); err != nil {
		return err
	}
	h.log.Info("login", "username", u.Username, "remote", c.IP())
	return seeOther(c, next)
}

// startSession ends the current session, if any, and issues a new session
// id and a new CSRF token: ids rotate at login.
func (h *Handler) startSession(c *fiber.Ctx, u *store.User) error {
	if old := c.Cookies(sessionCookie); old != "" {
		if err := h.store.DeleteSession(c.UserContext(), auth.HashToken(old)); err != nil {
			return err
		}
	}
	id := auth.RandomToken(32)
	ua := c.Get(fiber.HeaderUserAgent)
	if len(ua) > 255 {
		ua = ua[:255]
	}
	sess := &store.Session{IDHash: auth.HashToken(id), UserID: u.ID, RemoteAddr: c.IP(), UserAgent: ua, ExpiresAt: h.now().Add(h.ttl).UTC()}
	if err := h.store.CreateSession(c.UserContext(), sess); err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{
		Name: sessionCookie, Value: id, Path: "/", Expires: sess.ExpiresAt,
		HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Secure: c.Protocol() == "https",
	})
	setCSRFCookie(c)
	return nil
}

// Logout ends the session.
func (h *Handler) Logout(c *fiber.Ctx) error {
	if sess := currentSession(c); sess != nil {
		if err := h.store.DeleteSession(c.UserContext(), sess.IDHash); err != nil {
			return err
		}
	}
	c.ClearCookie(sessionCookie)
	setCSRFCookie(c)
	h.flash(c, "info", "You have logged out.")
	return seeOther(c, "/login")
}
