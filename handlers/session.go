package handlers

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/auth"
	"github.com/portico-dev/portico/people"
	"github.com/portico-dev/portico/store"
	authpages "github.com/portico-dev/portico/views/pages/auth"
)

// ShowLogin renders the login form, or sends a logged-in user on.
func (h *Handler) ShowLogin(c *fiber.Ctx) error {
	if currentUser(c) != nil {
		return seeOther(c, "/")
	}
	next := c.Query("next")
	if !localPath(next) {
		next = ""
	}
	return h.render(c, authpages.Login(h.page(c, "Log in", ""), authpages.LoginForm{Next: next}))
}

// Login checks the credentials (people.Service.LogIn: limits before any
// hashing, one hash whether the user exists or not; the browser's device
// cookie, when it has one, counts for the limits) and starts a new session
// and a new device cookie.
func (h *Handler) Login(c *fiber.Ctx) error {
	sendAgainSafe(c)
	dev, err := h.device(c)
	if err != nil {
		return err
	}
	in := people.Credentials{Username: c.FormValue("username"), Password: c.FormValue("password"), Addr: h.clientIP(c), Device: dev}
	next := c.FormValue("next")
	if !localPath(next) {
		next = "/"
	}
	form := authpages.LoginForm{Next: next}
	if len(in.Username) <= maxEcho {
		form.Username = people.NormalizeUsername(in.Username)
	}
	fail := func(status int, msg string) error {
		form.Error = msg
		c.Status(status)
		return h.render(c, authpages.Login(h.page(c, "Log in", ""), form))
	}
	u, err := h.people.LogIn(c.UserContext(), in)
	var le *apperr.LimitError
	switch {
	case errors.Is(err, people.ErrWrongCredentials):
		h.log.Info("login failed", "username", form.Username, "remote", h.clientIP(c))
		return fail(fiber.StatusUnauthorized, "Wrong username or password.")
	case errors.Is(err, people.ErrPasswordExpired):
		// Only said once the password matched: it tells nothing to a guesser.
		h.log.Info("login refused", "username", form.Username, "remote", h.clientIP(c), "reason", "one-time password expired")
		return fail(fiber.StatusUnauthorized, "This one-time password has expired. Ask an admin to reset it.")
	case errors.As(err, &le):
		h.log.Warn("login refused", "username", form.Username, "remote", h.clientIP(c), "reason", le.Reason)
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(retryAfterSeconds(le.RetryAfter)))
		return fail(fiber.StatusTooManyRequests, le.Reason)
	}
	if fields, ok := fieldErrors(err); ok {
		msgs := make([]string, 0, len(fields))
		for _, k := range sortedKeys(fields) {
			msgs = append(msgs, fields[k])
		}
		return fail(fiber.StatusUnprocessableEntity, strings.Join(msgs, " "))
	}
	if err != nil {
		return err
	}
	if err := h.startSession(c, u); err != nil {
		return err
	}
	if err := h.setDeviceCookie(c, u); err != nil {
		return err
	}
	h.log.Info("login", "username", u.Username, "remote", h.clientIP(c), "device_cookie", dev.Of(u))
	return seeOther(c, next)
}

// maxEcho is the longest user name a refused login shows again and logs.
const maxEcho = 64

// startSession ends the current session, if any, and issues a new session
// id and a new CSRF token: ids rotate at login.
func (h *Handler) startSession(c *fiber.Ctx, u *store.User) error {
	if old := c.Cookies(cookieName(c, sessionCookie)); old != "" {
		if err := h.store.DeleteSession(c.UserContext(), auth.HashToken(old)); err != nil {
			return err
		}
	}
	id := auth.RandomToken(32)
	// At most 255 bytes of the header, valid UTF-8, cut between characters.
	ua := apperr.CutBytes(strings.ToValidUTF8(c.Get(fiber.HeaderUserAgent), "\uFFFD"), 255)
	sess := &store.Session{IDHash: auth.HashToken(id), UserID: u.ID, RemoteAddr: h.clientIP(c), UserAgent: ua, ExpiresAt: h.now().Add(h.ttl).UTC()}
	if err := h.store.CreateSession(c.UserContext(), sess); err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{
		Name: cookieName(c, sessionCookie), Value: id, Path: "/", Expires: sess.ExpiresAt,
		HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Secure: c.Protocol() == "https",
	})
	// The pre-session value has served its purpose: the token now follows the session.
	clearCookie(c, csrfCookie)
	c.Locals(sessionKey, sess)
	return h.setCSRFToken(c)
}

// Logout ends the session.
func (h *Handler) Logout(c *fiber.Ctx) error {
	sendAgainSafe(c)
	if sess := currentSession(c); sess != nil {
		if err := h.store.DeleteSession(c.UserContext(), sess.IDHash); err != nil {
			return err
		}
	}
	clearCookie(c, sessionCookie)
	c.Locals(sessionKey, nil)
	setVisitorCookie(c)
	h.flash(c, "info", "You have logged out.")
	return seeOther(c, "/login")
}
