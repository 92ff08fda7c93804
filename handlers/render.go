package handlers

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"sort"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/views/layout"
)

// render writes a templ component as the HTML response.
func (h *Handler) render(c *fiber.Ctx, comp templ.Component) error {
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	if c.Method() != fiber.MethodGet && c.Get("HX-Request") == "true" {
		// A page answering a boosted form (the form with its errors, a key
		// shown once) keeps the address of the form's page: htmx would push
		// the address the form posted to, which answers only POST, so a
		// reload or a Back there found nothing.
		c.Set("HX-Push-Url", "false")
	}
	ctx := c.UserContext()
	if ctx.Err() != nil {
		// The request ran past its deadline (withDeadline): its error
		// page is rendered all the same (templ stops on a done context).
		ctx = context.WithoutCancel(ctx)
	}
	return comp.Render(ctx, c.Response().BodyWriter())
}

// page fills the layout's view of the request.
func (h *Handler) page(c *fiber.Ctx, title, nav string) layout.Page {
	p := layout.Page{Title: title, Nav: nav, CSRF: csrfToken(c), Flashes: append(takeFlashes(c), local[[]layout.Flash](c, noticeKey)...)}
	if u := currentUser(c); u != nil {
		if c.UserContext().Err() != nil {
			// The request ran past its deadline, waiting on the database
			// (its error page): the navigation is not read again.
			p.User = &layout.User{Username: u.Username, DisplayName: u.Name()}
			return p
		}
		p.User = &layout.User{Username: u.Username, DisplayName: u.Name(),
			SeesUsers: h.can(c, policy.OrgDomain, "users", "read"), SeesAudit: h.can(c, policy.OrgDomain, "audit", "read"),
			SeesGateway: h.can(c, policy.OrgDomain, "gateway", "manage")}
		n, err := h.store.UnreadCount(c.UserContext(), u.ID)
		if err != nil {
			h.log.Error("unread notifications", "err", err)
		}
		p.Unread = n
		decides, pending, err := h.subs.RequestsWaiting(c.UserContext(), u)
		if err != nil {
			h.log.Error("subscription requests", "err", err)
		}
		p.User.DecidesSubscriptions, p.Requests = decides, pending
	}
	return p
}

// Request-scoped values, read through typed accessors.
type localKey int

const (
	userKey localKey = iota
	// deadlineCancelKey holds the cancel of the request's deadline
	// (withDeadline).
	deadlineCancelKey
	// sendAgainKey is set by a handler whose commits are not a change that
	// must not be sent again (sendAgainSafe).
	sendAgainKey
	sessionKey
	// idleKey is set when the request's session just ended for being idle.
	idleKey
	teamKey
	csrfKey
	apiKey
	reviewKey
	tokenKey
	appKey
	subscriptionKey
	keyLocal
	requestIDKey
	// noticeKey holds the messages for the top of the page this request
	// renders (notice).
	noticeKey
)

// local returns the request-scoped value under k, or T's zero value.
func local[T any](c *fiber.Ctx, k localKey) T {
	v, _ := c.Locals(k).(T)
	return v
}

func currentApp(c *fiber.Ctx) *store.App { return local[*store.App](c, appKey) }

func currentSubscription(c *fiber.Ctx) *store.Subscription {
	return local[*store.Subscription](c, subscriptionKey)
}

func currentKey(c *fiber.Ctx) *store.APIKey { return local[*store.APIKey](c, keyLocal) }

func currentUser(c *fiber.Ctx) *store.User { return local[*store.User](c, userKey) }

// requestID is the id of the request, also in its answer's X-Request-Id (see logRequests).
func requestID(c *fiber.Ctx) string { return local[string](c, requestIDKey) }

func currentSession(c *fiber.Ctx) *store.Session { return local[*store.Session](c, sessionKey) }

func currentTeam(c *fiber.Ctx) *store.Team { return local[*store.Team](c, teamKey) }

func currentAPI(c *fiber.Ctx) *store.API { return local[*store.API](c, apiKey) }

func currentReview(c *fiber.Ctx) *store.PublicationRequest {
	return local[*store.PublicationRequest](c, reviewKey)
}

func csrfToken(c *fiber.Ctx) string { return local[string](c, csrfKey) }

const flashCookie = "portico_flash"

// flash queues a message for the next page the browser shows.
func (h *Handler) flash(c *fiber.Ctx, kind, msg string) {
	flashes := append(readFlashes(c), layout.Flash{Kind: kind, Message: msg})
	b, _ := json.Marshal(flashes)
	c.Cookie(&fiber.Cookie{
		Name: cookieName(c, flashCookie), Value: base64.RawURLEncoding.EncodeToString(b), Path: "/",
		HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Secure: c.Protocol() == "https",
	})
}

func readFlashes(c *fiber.Ctx) []layout.Flash {
	raw := c.Cookies(cookieName(c, flashCookie))
	if raw == "" {
		return nil
	}
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil {
		return nil
	}
	var flashes []layout.Flash
	if json.Unmarshal(b, &flashes) != nil {
		return nil
	}
	out := flashes[:0]
	for _, f := range flashes {
		switch f.Kind {
		case "success", "error", "info":
			out = append(out, f)
		}
	}
	return out
}

// notice puts a message at the top of the page this request renders (a
// flash is for the next page, after a redirect).
func notice(c *fiber.Ctx, f layout.Flash) {
	c.Locals(noticeKey, append(local[[]layout.Flash](c, noticeKey), f))
}

// takeFlashes returns the queued messages and clears them: each is shown once.
func takeFlashes(c *fiber.Ctx) []layout.Flash {
	flashes := readFlashes(c)
	if len(flashes) > 0 || c.Cookies(cookieName(c, flashCookie)) != "" {
		clearCookie(c, flashCookie)
	}
	return flashes
}

// seeOther ends a successful form submission: 303 to a page, or
// HX-Redirect for htmx requests. htmx restoring a page of its history
// (HX-History-Restore-Request) follows no HX-Redirect: it would put the
// answer's empty body in the page. It is given the 303, which the browser
// follows for it (a session that ended: the login page).
func seeOther(c *fiber.Ctx, location string) error {
	if c.Get("HX-Request") == "true" && c.Get("HX-History-Restore-Request") != "true" {
		c.Set("HX-Redirect", location)
		return c.SendStatus(fiber.StatusOK)
	}
	return c.Redirect(location, fiber.StatusSeeOther)
}

func redirectToLogin(c *fiber.Ctx) error {
	next := c.OriginalURL()
	if c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead {
		// A form sent after the session expired: the login leads back to
		// the page the form was on, not to where it posted (a GET there
		// would find nothing).
		next = refererOnThisHost(c)
	}
	loc := "/login"
	if next != "/" && localPath(next) {
		loc += "?next=" + url.QueryEscape(next)
	}
	return seeOther(c, loc)
}

// refererOnThisHost returns the path and query of the request's Referer
// when it names this host, and "" otherwise.
func refererOnThisHost(c *fiber.Ctx) string {
	u, err := url.Parse(c.Get(fiber.HeaderReferer))
	if err != nil || u.Host == "" || u.Host != string(c.Request().Host()) {
		return ""
	}
	return u.RequestURI()
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
