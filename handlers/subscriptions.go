package handlers

import (
	"context"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/subscriptions"
)

// Subscriptions: an app's subscription to an API's major on a plan, seen by
// the app's team and the API's team.

type apiSubscription struct {
	ID          int64      `json:"id"`
	State       string     `json:"state"`
	App         string     `json:"app"`
	Team        string     `json:"team"`
	API         string     `json:"api"`
	APITeam     string     `json:"api_team"`
	Major       int        `json:"major"`
	Plan        string     `json:"plan"`
	Purpose     string     `json:"purpose"`
	Reason      string     `json:"reason,omitempty"`
	RequestedBy string     `json:"requested_by,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	DecidedAt   *time.Time `json:"decided_at,omitempty"`
	EndedAt     *time.Time `json:"ended_at,omitempty"`
}

func toAPISubscription(s *store.Subscription) apiSubscription {
	out := apiSubscription{ID: s.ID, State: s.State, Major: s.Major, Purpose: s.Purpose, Reason: s.Reason,
		CreatedAt: s.CreatedAt, DecidedAt: s.DecidedAt, EndedAt: s.EndedAt}
	if s.App != nil {
		out.App = s.App.Slug
	}
	if s.ConsumerTeam != nil {
		out.Team = s.ConsumerTeam.Slug
	}
	if s.API != nil {
		out.API = s.API.Slug
	}
	if s.ProviderTeam != nil {
		out.APITeam = s.ProviderTeam.Slug
	}
	if s.Plan != nil {
		out.Plan = s.Plan.Slug
	}
	if s.Requester != nil {
		out.RequestedBy = s.Requester.Username
	}
	return out
}

// APISubscribe subscribes an app: 201 with the subscription, active on an
// auto plan, pending on a manual one.
func (h *Handler) APISubscribe(c *fiber.Ctx) error {
	var body struct {
		API     string `json:"api"`
		Plan    string `json:"plan"`
		Major   *int   `json:"major"`
		Purpose string `json:"purpose"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	in := subscriptions.SubscribeInput{API: body.API, Plan: body.Plan, Purpose: body.Purpose}
	if body.Major != nil {
		in.Major = strconv.Itoa(*body.Major)
	}
	sub, err := h.subs.Subscribe(c.UserContext(), currentUser(c), currentApp(c), in)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, "/api/v1/subscriptions/"+strconv.FormatInt(sub.ID, 10))
	return c.Status(fiber.StatusCreated).JSON(toAPISubscription(sub))
}

// APIListSubscriptions lists the subscriptions of the caller's teams' apps
// (role=consumer, the default) or to their APIs (role=provider), newest
// first, a page at a time (before=<next of the previous page>).
func (h *Handler) APIListSubscriptions(c *fiber.Ctx) error {
	limit := 50
	if l := c.Query("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 200 {
			return invalid(map[string]string{"limit": "Give limit as a whole number from 1 to 200."})
		}
		limit = n
	}
	page, err := h.subs.List(c.UserContext(), currentUser(c), subscriptions.ListInput{
		Role: c.Query("role"), State: c.Query("state"), Before: c.Query("before"), Limit: limit})
	if err != nil {
		return err
	}
	out := make([]apiSubscription, 0, len(page.Subscriptions))
	for i := range page.Subscriptions {
		out = append(out, toAPISubscription(&page.Subscriptions[i]))
	}
	var next *string
	if page.Next != "" {
		next = &page.Next
	}
	return c.JSON(fiber.Map{"subscriptions": out, "next": next})
}

// APIGetSubscription returns a subscription.
func (h *Handler) APIGetSubscription(c *fiber.Ctx) error {
	return c.JSON(toAPISubscription(currentSubscription(c)))
}

// subscriptionAction applies a decision and answers with the subscription.
func (h *Handler) subscriptionAction(c *fiber.Ctx, act func(context.Context, *store.User, *store.Subscription, string) error) error {
	var body struct {
		Reason string `json:"reason"`
	}
	if err := decodeOptionalJSON(c, &body); err != nil {
		return err
	}
	sub := currentSubscription(c)
	if err := act(c.UserContext(), currentUser(c), sub, body.Reason); err != nil {
		return err
	}
	return c.JSON(toAPISubscription(sub))
}

// APIApproveSubscription activates a pending subscription.
func (h *Handler) APIApproveSubscription(c *fiber.Ctx) error {
	return h.subscriptionAction(c, func(ctx context.Context, u *store.User, s *store.Subscription, _ string) error {
		return h.subs.Approve(ctx, u, s)
	})
}

// APIRejectSubscription rejects a pending subscription ({"reason"} required).
func (h *Handler) APIRejectSubscription(c *fiber.Ctx) error {
	return h.subscriptionAction(c, h.subs.Reject)
}

// APIRevokeSubscription revokes an active subscription ({"reason"} required).
func (h *Handler) APIRevokeSubscription(c *fiber.Ctx) error {
	return h.subscriptionAction(c, h.subs.Revoke)
}

// APICancelSubscription cancels a subscription or withdraws a request.
func (h *Handler) APICancelSubscription(c *fiber.Ctx) error {
	return h.subscriptionAction(c, func(ctx context.Context, u *store.User, s *store.Subscription, _ string) error {
		return h.subs.Cancel(ctx, u, s)
	})
}
