package handlers

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/gateway/control"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/subscriptions"
	"github.com/portico-dev/portico/views/pages/apps"
)

// API keys of a subscription: listed by prefix, the whole key shown once
// when it is created or rotated.

type apiKeyJSON struct {
	ID           string     `json:"id"`
	Prefix       string     `json:"prefix"`
	Name         string     `json:"name"`
	Subscription int64      `json:"subscription"`
	State        string     `json:"state"`
	Valid        bool       `json:"valid"`
	CreatedBy    string     `json:"created_by,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	ExpiresAt    *time.Time `json:"expires_at,omitempty"`
	GraceEndsAt  *time.Time `json:"grace_ends_at,omitempty"`
	RevokedAt    *time.Time `json:"revoked_at,omitempty"`
	LastUsedAt   *time.Time `json:"last_used_at,omitempty"`
	// Key is the whole key, present only in the answer that creates it.
	Key string `json:"key,omitempty"`
}

func toAPIKeyJSON(k *store.APIKey, now time.Time) apiKeyJSON {
	out := apiKeyJSON{ID: k.Kid, Prefix: subscriptions.Prefix(k.Kid), Name: k.Name, Subscription: k.SubscriptionID, State: k.State,
		Valid: k.Live(now), CreatedAt: k.CreatedAt, ExpiresAt: k.ExpiresAt, GraceEndsAt: k.GraceEndsAt, RevokedAt: k.RevokedAt, LastUsedAt: k.LastUsedAt}
	if k.Creator != nil {
		out.CreatedBy = k.Creator.Username
	}
	return out
}

// APIListKeys lists a subscription's keys, without secrets, newest first,
// a page at a time (before=<next of the previous page>, limit up to 200).
func (h *Handler) APIListKeys(c *fiber.Ctx) error {
	limit, err := queryLimit(c, subscriptions.DefaultKeysPage, subscriptions.MaxKeysListed)
	if err != nil {
		return err
	}
	page, err := h.subs.Keys(c.UserContext(), currentSubscription(c), c.Query("before"), limit)
	if err != nil {
		return err
	}
	now := h.now()
	out := make([]apiKeyJSON, 0, len(page.Keys))
	for i := range page.Keys {
		out = append(out, toAPIKeyJSON(&page.Keys[i], now))
	}
	return c.JSON(fiber.Map{"keys": out, "next": nextCursor(page.Next)})
}

// ShowSubscriptionKeys lists all keys of a subscription, newest first, a
// page at a time (?page=): the app page shows those that work and only the
// newest that ended.
func (h *Handler) ShowSubscriptionKeys(c *fiber.Ctx) error {
	ctx, sub := c.UserContext(), currentSubscription(c)
	page, err := listPage(c)
	if err != nil {
		return err
	}
	manage, err := h.subs.CanManageApps(ctx, currentUser(c), sub.ConsumerTeam)
	if err != nil {
		return err
	}
	keys, total, err := h.subs.KeysPage(ctx, sub, (page-1)*subscriptions.MaxKeysPage, subscriptions.MaxKeysPage)
	if err != nil {
		return err
	}
	path := "/subscriptions/" + strconv.FormatInt(sub.ID, 10) + "/keys"
	pg, done, err := pagedList(c, path, url.Values{}, page, subscriptions.MaxKeysPage, total)
	if done {
		return err
	}
	v := apps.SubscriptionKeys{AppSlug: sub.App.Slug, AppName: sub.App.Name, AppRemoved: sub.App.DeletedAt != nil, APIName: sub.API.Name, Major: sub.Major, Total: total, Grace: graceOptions(), Pager: pg}
	now := h.now()
	for i := range keys {
		v.Keys = append(v.Keys, keyRow(&keys[i], now, manage))
	}
	return h.render(c, apps.KeysPage(h.page(c, "Keys of "+store.Isolate(sub.App.Name), "apps"), v))
}

// noStore keeps an answer carrying a whole key out of every cache.
func noStore(c *fiber.Ctx) { c.Set(fiber.HeaderCacheControl, "no-store") }

// APIGetKey returns a key, without its secret: the Location of a created
// or rotated one.
func (h *Handler) APIGetKey(c *fiber.Ctx) error {
	return c.JSON(toAPIKeyJSON(currentKey(c), h.now()))
}

// APICreateKey issues a key: 201 with the whole key, the only time it appears.
func (h *Handler) APICreateKey(c *fiber.Ctx) error {
	var body struct {
		Name      string `json:"name"`
		ExpiresAt string `json:"expires_at"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	var k *store.APIKey
	var key string
	err := h.once(c, "an API key", "API key", func(ctx context.Context) (string, error) {
		var err error
		if k, key, err = h.subs.IssueKey(ctx, currentUser(c), currentSubscription(c), subscriptions.KeyInput{Name: body.Name, ExpiresAt: body.ExpiresAt}); err != nil {
			return "", err
		}
		return "/api/v1/keys/" + k.Kid, nil
	})
	if err != nil {
		return err
	}
	return h.issuedKey(c, k, key)
}

// APIRotateKey issues a new key in place of this one, which stays valid for
// grace_seconds (0: revoked at once): 201 with the new key.
func (h *Handler) APIRotateKey(c *fiber.Ctx) error {
	var body struct {
		GraceSeconds *int64 `json:"grace_seconds"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	if body.GraceSeconds == nil {
		return apperr.Field("grace_seconds", "Give grace_seconds: how long the old key stays valid, from 0 (it stops at once) to 2592000 (30 days).")
	}
	var k *store.APIKey
	var key string
	err := h.once(c, "a new API key in place of this one", "new API key", func(ctx context.Context) (string, error) {
		var err error
		if k, key, err = h.subs.RotateKey(ctx, currentUser(c), currentKey(c), currentSubscription(c), strconv.FormatInt(*body.GraceSeconds, 10)); err != nil {
			return "", err
		}
		return "/api/v1/keys/" + k.Kid, nil
	})
	var ie *apperr.InputError
	if errors.As(err, &ie) && ie.Fields["grace"] != "" {
		// The service names the grace period as the page's form does.
		return apperr.Field("grace_seconds", ie.Fields["grace"])
	}
	if err != nil {
		return err
	}
	return h.issuedKey(c, k, key)
}

// issuedKey answers a newly issued key k: 201 with its Location and the
// whole key, the only time it appears, kept out of every cache.
func (h *Handler) issuedKey(c *fiber.Ctx, k *store.APIKey, key string) error {
	out := toAPIKeyJSON(k, h.now())
	out.Key = key
	noStore(c)
	c.Set(fiber.HeaderLocation, "/api/v1/keys/"+k.Kid)
	return c.Status(fiber.StatusCreated).JSON(out)
}

// APIRevokeKey ends a key at once.
func (h *Handler) APIRevokeKey(c *fiber.Ctx) error {
	k := currentKey(c)
	if err := h.subs.RevokeKey(c.UserContext(), currentUser(c), k, currentSubscription(c)); err != nil {
		return err
	}
	return c.JSON(toAPIKeyJSON(k, h.now()))
}

// showKey renders the page that shows a new key, once. Nothing caches it.
// It says where to call the API, or that the gateway does not serve its
// major (no upstream targets in force).
func (h *Handler) showKey(c *fiber.Ctx, sub *store.Subscription, k *store.APIKey, key, replaced string) error {
	noStore(c)
	calls, err := h.readVersionCalls(c.UserContext(), sub.APIID)
	if err != nil {
		return err
	}
	if h.gatewayURL == "" {
		if calls.Served, err = control.ServedRoutes(c.UserContext(), h.store, []int64{sub.APIID}); err != nil {
			return err
		}
	}
	v := apps.KeyShown{AppSlug: sub.App.Slug, AppName: sub.App.Name, APISlug: sub.API.Slug, APIName: sub.API.Name, Major: sub.Major,
		Prefix: subscriptions.Prefix(k.Kid), Name: k.Name, Key: key, Replaced: replaced,
		GatewayURL: h.callURL(calls.Served, sub.APIID, sub.API.Slug, sub.Major), NotServed: !calls.Serves(sub.APIID, sub.Major)}
	if r := calls.reach(v.GatewayURL, sub.APIID, sub.Major); r != nil {
		v.Reach = r.Status()
	}
	return h.render(c, apps.KeyShownPage(h.page(c, "Your new API key", "apps"), v))
}

// CreateKeyPage issues a key from the app page and shows it once.
func (h *Handler) CreateKeyPage(c *fiber.Ctx) error {
	sub := currentSubscription(c)
	in := subscriptions.KeyInput{Name: c.FormValue("name"), ExpiresAt: c.FormValue("expires_at")}
	var k *store.APIKey
	var key string
	err := h.once(c, "an API key", "API key", func(ctx context.Context) (string, error) {
		var err error
		if k, key, err = h.subs.IssueKey(ctx, currentUser(c), sub, in); err != nil {
			return "", err
		}
		return "/apps/" + sub.App.Slug, nil
	})
	if fields, ok := fieldErrors(err); ok {
		return h.renderKeyForm(c, sub, in, fields)
	}
	if msg, ok := refusal(err); ok {
		// As for rotate and revoke: the subscription may have ended since
		// the page was opened, and then the page has no key form to hold
		// the message.
		h.flash(c, "error", msg)
		return seeOther(c, "/apps/"+sub.App.Slug)
	}
	if err != nil {
		return err
	}
	return h.showKey(c, sub, k, key, "")
}

// renderKeyForm renders the app page with the key form's errors and the
// values submitted.
func (h *Handler) renderKeyForm(c *fiber.Ctx, sub *store.Subscription, in subscriptions.KeyInput, errs map[string]string) error {
	return h.renderSubscriptionApp(c, sub, func(d *apps.AppDetail) {
		d.KeyFor, d.KeyName, d.KeyExpires, d.KeyErrors = sub.ID, in.Name, in.ExpiresAt, errs
	})
}

// renderSubscriptionApp answers 422 with the page of the app of sub (the
// key routes do not load it), adjusted by fill.
func (h *Handler) renderSubscriptionApp(c *fiber.Ctx, sub *store.Subscription, fill func(*apps.AppDetail)) error {
	a, err := h.subs.App(c.UserContext(), currentUser(c), sub.App.Slug)
	if err != nil {
		return err
	}
	c.Locals(appKey, a)
	return h.renderApp(c, fill, fiber.StatusUnprocessableEntity)
}

// RotateKeyPage rotates a key from the app page and shows the new one once.
func (h *Handler) RotateKeyPage(c *fiber.Ctx) error {
	k, sub := currentKey(c), currentSubscription(c)
	form := apps.RotateForm{Kid: k.Kid, Grace: c.FormValue("grace"), Until: c.FormValue("grace_until")}
	grace := form.Grace
	if form.Until != "" {
		grace = form.Until
	}
	old := subscriptions.Prefix(k.Kid)
	var nk *store.APIKey
	var key string
	err := h.once(c, "a new API key in place of this one", "new API key", func(ctx context.Context) (string, error) {
		var err error
		if nk, key, err = h.subs.RotateKey(ctx, currentUser(c), k, sub, grace); err != nil {
			return "", err
		}
		return "/apps/" + sub.App.Slug, nil
	})
	if errors.As(err, new(*resentError)) {
		// Sent again with another grace period: a key is replaced once, so
		// this form cannot do anything more, and the page has no form for
		// the replaced key to show again.
		h.flash(c, "error", "This form was already sent once and replaced the key "+old+"… with a new one. Nothing was done this time: a key is replaced only once, so the grace period chosen now was not applied. To end the old key sooner, revoke it.")
		return seeOther(c, "/apps/"+sub.App.Slug)
	}
	if fields, ok := fieldErrors(err); ok {
		// The message is about the date when one was typed: it overrides
		// the choice.
		if msg, ok := fields["grace"]; ok && form.Until != "" {
			delete(fields, "grace")
			fields["grace_until"] = msg
		}
		form.Errors = fields
		return h.renderSubscriptionApp(c, sub, func(d *apps.AppDetail) { d.Rotate = form })
	}
	if msg, ok := refusal(err); ok {
		h.flash(c, "error", msg)
		return seeOther(c, "/apps/"+sub.App.Slug)
	}
	if err != nil {
		return err
	}
	replaced := "The old key " + old + "… was revoked."
	if k.GraceEndsAt != nil {
		replaced = "The old key " + old + "… stays valid until " + fmtTime(*k.GraceEndsAt) + "."
	}
	return h.showKey(c, sub, nk, key, replaced)
}

// RevokeKeyPage revokes a key from the app page.
func (h *Handler) RevokeKeyPage(c *fiber.Ctx) error {
	k, sub := currentKey(c), currentSubscription(c)
	err := h.subs.RevokeKey(c.UserContext(), currentUser(c), k, sub)
	if msg, ok := refusal(err); ok {
		h.flash(c, "error", msg)
		return seeOther(c, "/apps/"+sub.App.Slug)
	}
	if err != nil {
		return err
	}
	h.flash(c, "success", "The key "+subscriptions.Prefix(k.Kid)+"… is revoked: it no longer works.")
	return seeOther(c, "/apps/"+sub.App.Slug)
}
