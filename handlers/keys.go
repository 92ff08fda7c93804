package handlers

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/subscriptions"
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

// APIListKeys lists a subscription's keys, without secrets.
func (h *Handler) APIListKeys(c *fiber.Ctx) error {
	keys, err := h.subs.Keys(c.UserContext(), currentSubscription(c))
	if err != nil {
		return err
	}
	now := h.now()
	out := make([]apiKeyJSON, 0, len(keys))
	for i := range keys {
		out = append(out, toAPIKeyJSON(&keys[i], now))
	}
	return c.JSON(fiber.Map{"keys": out})
}

// noStore keeps an answer carrying a whole key out of every cache.
func noStore(c *fiber.Ctx) { c.Set(fiber.HeaderCacheControl, "no-store") }

// APICreateKey issues a key: 201 with the whole key, the only time it appears.
func (h *Handler) APICreateKey(c *fiber.Ctx) error {
	var body struct {
		Name      string `json:"name"`
		ExpiresAt string `json:"expires_at"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	k, key, err := h.subs.IssueKey(c.UserContext(), currentUser(c), currentSubscription(c), subscriptions.KeyInput{Name: body.Name, ExpiresAt: body.ExpiresAt})
	if err != nil {
		return err
	}
	out := toAPIKeyJSON(k, h.now())
	out.Key = key
	noStore(c)
	return c.Status(fiber.StatusCreated).JSON(out)
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
	grace := ""
	if body.GraceSeconds != nil {
		grace = strconv.FormatInt(*body.GraceSeconds, 10)
	}
	k, key, err := h.subs.RotateKey(c.UserContext(), currentUser(c), currentKey(c), currentSubscription(c), grace)
	if err != nil {
		return err
	}
	out := toAPIKeyJSON(k, h.now())
	out.Key = key
	noStore(c)
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
