package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/gateway/control"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/subscriptions"
	"github.com/portico-dev/portico/views/components"
	"github.com/portico-dev/portico/views/pages/apps"
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
	// GatewayURL is where the app calls the API's major through the
	// gateway nodes, with one of the subscription's keys; absent when the
	// portal is not told their public address (--public-gateway-url), or
	// when the major has no upstream targets in force (no route).
	GatewayURL string `json:"gateway_url,omitempty"`
	// NodesServing of NodesTotal registered gateway nodes serve the API
	// major's current gateway settings (control.Reach); present with
	// GatewayURL.
	NodesServing *int `json:"nodes_serving,omitempty"`
	NodesTotal   *int `json:"nodes_total,omitempty"`
}

// subscriptionCallURL is where the app of s calls its API's major through
// the gateway nodes (callURL, calls telling the majors served), for an
// active subscription: the only state whose keys verify; and how many
// nodes serve the major's current settings, with the URL.
func (h *Handler) subscriptionCallURL(calls versionCalls, s *store.Subscription) (string, *control.Reach) {
	if subscriptions.State(s.State) != subscriptions.Active || s.API == nil {
		return "", nil
	}
	url := h.callURL(calls.Served, s.APIID, s.API.Slug, s.Major)
	return url, calls.reach(url, s.APIID, s.Major)
}

// subscriptionRoutes reads which of the majors subs are to are served
// and by how many nodes (readVersionCalls), in three queries for them all.
func (h *Handler) subscriptionRoutes(ctx context.Context, subs ...*store.Subscription) (versionCalls, error) {
	ids := make([]int64, 0, len(subs))
	for _, s := range subs {
		if subscriptions.State(s.State) == subscriptions.Active {
			ids = append(ids, s.APIID)
		}
	}
	return h.readVersionCalls(ctx, ids...)
}

// subscriptionJSON is s as the JSON API answers it.
func (h *Handler) subscriptionJSON(ctx context.Context, s *store.Subscription) (apiSubscription, error) {
	calls, err := h.subscriptionRoutes(ctx, s)
	if err != nil {
		return apiSubscription{}, err
	}
	return h.toAPISubscription(calls, s), nil
}

func (h *Handler) toAPISubscription(calls versionCalls, s *store.Subscription) apiSubscription {
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
		var r *control.Reach
		if out.GatewayURL, r = h.subscriptionCallURL(calls, s); r != nil {
			out.NodesServing, out.NodesTotal = &r.Serving, &r.Total
		}
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
	out, err := h.subscriptionJSON(c.UserContext(), sub)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

// queryLimit reads the limit parameter of a list: def when absent, else a
// whole number from 1 to max.
func queryLimit(c *fiber.Ctx, def, max int) (int, error) {
	l := c.Query("limit")
	if l == "" {
		return def, nil
	}
	n, err := strconv.Atoi(l)
	if err != nil || n < 1 || n > max {
		return 0, invalid(map[string]string{"limit": fmt.Sprintf("Give limit as a whole number from 1 to %d.", max)})
	}
	return n, nil
}

// nextCursor is a list's "next" in the JSON API: the cursor of the next
// page, null on the last (where the page's Next is empty).
func nextCursor(next string) *string {
	if next == "" {
		return nil
	}
	return &next
}

// APIListSubscriptions lists the subscriptions of the caller's teams' apps
// (role=consumer, the default) or to their APIs (role=provider), newest
// first, a page at a time (before=<next of the previous page>).
func (h *Handler) APIListSubscriptions(c *fiber.Ctx) error {
	limit, err := queryLimit(c, 50, 200)
	if err != nil {
		return err
	}
	page, err := h.subs.List(c.UserContext(), currentUser(c), subscriptions.ListInput{
		Role: c.Query("role"), State: c.Query("state"), Before: c.Query("before"), Limit: limit})
	if err != nil {
		return err
	}
	subs := make([]*store.Subscription, 0, len(page.Subscriptions))
	for i := range page.Subscriptions {
		subs = append(subs, &page.Subscriptions[i])
	}
	calls, err := h.subscriptionRoutes(c.UserContext(), subs...)
	if err != nil {
		return err
	}
	out := make([]apiSubscription, 0, len(subs))
	for _, s := range subs {
		out = append(out, h.toAPISubscription(calls, s))
	}
	return c.JSON(fiber.Map{"subscriptions": out, "next": nextCursor(page.Next)})
}

// APIGetSubscription returns a subscription.
func (h *Handler) APIGetSubscription(c *fiber.Ctx) error {
	out, err := h.subscriptionJSON(c.UserContext(), currentSubscription(c))
	if err != nil {
		return err
	}
	return c.JSON(out)
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
	out, err := h.subscriptionJSON(c.UserContext(), sub)
	if err != nil {
		return err
	}
	return c.JSON(out)
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

// waiting says how long ago t was, roughly.
func waiting(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "less than a minute"
	case d < time.Hour:
		return strconv.Itoa(int(d.Minutes())) + " min"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d.Hours())) + " h"
	}
	return strconv.Itoa(int(d.Hours()/24)) + " days"
}

// subscriptionRow is a subscription as pages list it, with the actions the
// user may take on it now (subscriptions.Service.Can).
func (h *Handler) subscriptionRow(c *fiber.Ctx, rights *subscriptions.Rights, s *store.Subscription) apps.Subscription {
	ctx := c.UserContext()
	r := apps.Subscription{ID: s.ID, State: s.State, Major: s.Major, Purpose: s.Purpose, Reason: s.Reason,
		Since: fmtTime(s.CreatedAt), Waiting: waiting(h.now(), s.CreatedAt)}
	if s.App != nil {
		r.AppSlug, r.AppName, r.AppRemoved = s.App.Slug, s.App.Name, s.App.DeletedAt != nil
	}
	if s.ConsumerTeam != nil {
		r.TeamSlug, r.TeamName = s.ConsumerTeam.Slug, s.ConsumerTeam.Name
	}
	if s.API != nil {
		r.APISlug, r.APIName = s.API.Slug, s.API.Name
	}
	if s.ProviderTeam != nil {
		r.APITeamName = s.ProviderTeam.Name
	}
	if s.Plan != nil {
		r.PlanName, r.Approval = s.Plan.Name, s.Plan.Approval
	}
	if s.Requester != nil {
		r.Requester = s.Requester.Username
	}
	r.CanApprove = rights.Can(ctx, s, subscriptions.Approve)
	r.CanReject = rights.Can(ctx, s, subscriptions.Reject)
	r.CanRevoke = rights.Can(ctx, s, subscriptions.Revoke)
	r.CanCancel = rights.Can(ctx, s, subscriptions.Cancel)
	return r
}

// keyRow is a key as the app page lists it.
func keyRow(k *store.APIKey, now time.Time, manage bool) apps.Key {
	r := apps.Key{Kid: k.Kid, Prefix: subscriptions.Prefix(k.Kid), Name: k.Name, Created: fmtTime(k.CreatedAt)}
	if k.ExpiresAt != nil {
		// The time, not the date: a key given midnight stops a day before
		// one given that date (which the key form reads as its end).
		r.Expires = fmtTime(*k.ExpiresAt)
	}
	if k.Creator != nil {
		r.CreatedBy = k.Creator.Username
	}
	if k.LastUsedAt != nil {
		r.LastUsed = fmtTime(*k.LastUsedAt)
	}
	switch {
	case k.State != store.KeyActive:
		r.Status = "revoked"
	case k.ExpiresAt != nil && !now.Before(*k.ExpiresAt):
		r.Status = "expired"
	case k.GraceEndsAt != nil && !now.Before(*k.GraceEndsAt):
		r.Status = "rotated out"
	case k.GraceEndsAt != nil:
		r.Status, r.GraceEnds = "rotated", fmtTime(*k.GraceEndsAt)
	default:
		r.Status = "active"
	}
	r.CanRotate = manage && r.Status == "active"
	r.CanRevoke = manage && k.State == store.KeyActive && (r.Status == "active" || r.Status == "rotated")
	return r
}

// subscriptionBack is where a decision form returns: its "back" field when
// it is a local path, else the subscription's API page.
func subscriptionBack(c *fiber.Ctx, s *store.Subscription) string {
	if b := c.FormValue("back"); b != "" && localPath(b) {
		return b
	}
	if s.API != nil {
		return "/apis/" + s.API.Slug
	}
	return "/apps"
}

// decideFromPage applies a decision posted from a page and returns to it.
func (h *Handler) decideFromPage(c *fiber.Ctx, back, done string, act func(context.Context, *store.User, *store.Subscription, string) error) error {
	sub := currentSubscription(c)
	err := act(c.UserContext(), currentUser(c), sub, c.FormValue("reason"))
	if fields, ok := fieldErrors(err); ok {
		// The page the form was on, again, with the reason typed and the
		// message beside it: a redirect would drop the reason.
		if d, ok := fields["reason"]; ok {
			if rendered, err := h.renderDecision(c, sub, back, apps.Decision{ID: sub.ID, Reason: c.FormValue("reason"), Error: d}); rendered || err != nil {
				return err
			}
		}
		h.flash(c, "error", firstMessage(fields))
		return seeOther(c, back)
	}
	if msg, ok := refusal(err); ok {
		h.flash(c, "error", msg)
		return seeOther(c, back)
	}
	if err != nil {
		return err
	}
	h.flash(c, "success", fmt.Sprintf("The subscription of %s to %s v%d is %s.", store.Isolate(sub.App.Name), store.Isolate(sub.API.Name), sub.Major, done))
	return seeOther(c, back)
}

// ApproveSubscription approves a request from the inbox.
func (h *Handler) ApproveSubscription(c *fiber.Ctx) error {
	return h.decideFromPage(c, subscriptionBack(c, currentSubscription(c)), "approved", func(ctx context.Context, u *store.User, s *store.Subscription, _ string) error {
		return h.subs.Approve(ctx, u, s)
	})
}

// RejectSubscription rejects a request from the inbox, with a reason.
func (h *Handler) RejectSubscription(c *fiber.Ctx) error {
	return h.decideFromPage(c, subscriptionBack(c, currentSubscription(c)), "rejected", h.subs.Reject)
}

// RevokeSubscription revokes a subscription from the subscribers tab.
func (h *Handler) RevokeSubscription(c *fiber.Ctx) error {
	return h.decideFromPage(c, subscriptionBack(c, currentSubscription(c)), "revoked", h.subs.Revoke)
}

// CancelSubscription cancels a subscription (or withdraws a request) from
// the app's page.
func (h *Handler) CancelSubscription(c *fiber.Ctx) error {
	back := "/apps/" + currentSubscription(c).App.Slug
	return h.decideFromPage(c, back, "cancelled", func(ctx context.Context, u *store.User, s *store.Subscription, _ string) error {
		return h.subs.Cancel(ctx, u, s)
	})
}

// renderDecision answers 422 with the page a reject or revoke form was
// posted from (back: the inbox or the API's subscribers tab) showing d.
// It reports false, having written nothing, for any other page.
func (h *Handler) renderDecision(c *fiber.Ctx, sub *store.Subscription, back string, d apps.Decision) (bool, error) {
	u, err := url.Parse(back)
	if err != nil {
		return false, nil
	}
	switch {
	case u.Path == "/subscriptions/requests":
		c.Status(fiber.StatusUnprocessableEntity)
		return true, h.renderRequests(c, 0, d)
	case sub.API != nil && u.Path == "/apis/"+sub.API.Slug+"/subscribers":
		a, err := h.store.APIBySlug(c.UserContext(), sub.API.Slug)
		if err != nil {
			return true, err
		}
		if !h.can(c, policy.TeamDomain(a.Team.Slug), "subscribers", "read") {
			return false, nil // the tab's own permission, as its route checks
		}
		c.Status(fiber.StatusUnprocessableEntity)
		return true, h.renderSubscribers(c, a, u.Query().Get("state"), u.Query().Get("before"), d)
	}
	return false, nil
}

// ListRequests is the inbox of subscription requests the user decides.
func (h *Handler) ListRequests(c *fiber.Ctx) error {
	var after int64
	if a := c.Query("after"); a != "" {
		n, err := strconv.ParseInt(a, 10, 64)
		if err != nil || n < 0 {
			return clientError(fiber.StatusBadRequest, "The after parameter is the id the previous page ended at.")
		}
		after = n
	}
	return h.renderRequests(c, after, apps.Decision{})
}

// renderRequests renders the page of the inbox after the id after, with
// the decision form d as submitted.
func (h *Handler) renderRequests(c *fiber.Ctx, after int64, d apps.Decision) error {
	const perPage = 50
	subs, total, err := h.subs.Inbox(c.UserContext(), currentUser(c), after, perPage+1)
	if err != nil {
		return err
	}
	r := apps.Requests{Total: total, Decision: d}
	if len(subs) > perPage {
		subs = subs[:perPage]
		r.Next = strconv.FormatInt(subs[perPage-1].ID, 10)
	}
	rights := h.subs.Rights(currentUser(c))
	for i := range subs {
		r.Rows = append(r.Rows, h.subscriptionRow(c, rights, &subs[i]))
	}
	return h.render(c, apps.RequestsPage(h.page(c, "Subscription requests", "requests"), r))
}

// ShowSubscribers is an API's subscribers tab for its team.
func (h *Handler) ShowSubscribers(c *fiber.Ctx) error {
	return h.renderSubscribers(c, currentAPI(c), c.Query("state"), c.Query("before"), apps.Decision{})
}

// renderSubscribers renders the subscribers tab of a, filtered by state
// and paged before before, with the revoke form d as submitted.
func (h *Handler) renderSubscribers(c *fiber.Ctx, a *store.API, state, before string, d apps.Decision) error {
	if state != "" && !subscriptions.ValidState(state) {
		state = ""
	}
	page, err := h.subs.List(c.UserContext(), currentUser(c), subscriptions.ListInput{Role: "provider", State: state, Before: before, API: a})
	if err != nil {
		return err
	}
	s := apps.Subscribers{APISlug: a.Slug, APIName: a.Name, State: state, Next: page.Next, Decision: d}
	rights := h.subs.Rights(currentUser(c))
	for i := range page.Subscriptions {
		s.Rows = append(s.Rows, h.subscriptionRow(c, rights, &page.Subscriptions[i]))
	}
	return h.render(c, apps.SubscribersPage(h.page(c, "Subscribers of "+store.Isolate(a.Name), "catalog"), s))
}

// subscribeView fills the subscribe page of a: the plans it offers, the
// majors, and the apps and teams the user may subscribe with.
func (h *Handler) subscribeView(c *fiber.Ctx, a *store.API, f apps.SubscribeForm) (apps.Subscribe, error) {
	ctx, u := c.UserContext(), currentUser(c)
	v := apps.Subscribe{APISlug: a.Slug, APIName: a.Name, TeamName: a.Team.Name, Form: f}
	offer, err := h.subs.Offer(ctx, u, a)
	if err != nil {
		return v, err
	}
	v.Why = offer.Why
	for i := range offer.Plans {
		v.Plans = append(v.Plans, planCard(&offer.Plans[i]))
	}
	for _, m := range offer.Majors {
		v.Majors = append(v.Majors, components.Option{Value: strconv.Itoa(m), Label: "v" + strconv.Itoa(m)})
	}
	if v.Form.Major == "" {
		v.Form.Major = strconv.Itoa(offer.DefaultMajor)
	}
	if v.Form.Plan == "" && len(offer.Plans) == 1 {
		v.Form.Plan = offer.Plans[0].Slug
	}
	list, teams, err := h.subs.MyApps(ctx, u, "", subscriptions.MaxAppsPage)
	if err != nil {
		return v, err
	}
	manages := map[int64]bool{}
	for _, t := range teams {
		manages[t.ID] = true
		v.Teams = append(v.Teams, components.Option{Value: t.Slug, Label: store.Isolate(t.Name)})
	}
	for _, ap := range list.Apps {
		if manages[ap.TeamID] {
			v.Apps = append(v.Apps, components.Option{Value: ap.Slug, Label: store.Isolate(ap.Name) + " (" + store.Isolate(ap.Team.Name) + ")"})
		}
	}
	v.Teams, v.Apps = distinctLabels(v.Teams), distinctLabels(v.Apps)
	v.Apps = append(v.Apps, components.Option{Value: "new", Label: "New app…"})
	if v.Form.App == "" && len(v.Apps) > 1 {
		v.Form.App = v.Apps[0].Value
	}
	if len(v.Teams) == 0 && v.Why == "" {
		v.Why = "You may not subscribe apps: only developers and above of a team manage its apps."
	}
	return v, nil
}

// ShowSubscribe is the subscribe page of an API.
func (h *Handler) ShowSubscribe(c *fiber.Ctx) error {
	a := currentAPI(c)
	v, err := h.subscribeView(c, a, apps.SubscribeForm{})
	if err != nil {
		return err
	}
	return h.render(c, apps.SubscribePage(h.page(c, "Subscribe to "+store.Isolate(a.Name), "catalog"), v))
}

// Subscribe subscribes one of the user's apps, or a new one, to the API.
func (h *Handler) Subscribe(c *fiber.Ctx) error {
	ctx, u, a := c.UserContext(), currentUser(c), currentAPI(c)
	f := apps.SubscribeForm{App: c.FormValue("app"), Plan: c.FormValue("plan"), Major: c.FormValue("major"), Purpose: c.FormValue("purpose"),
		Team: c.FormValue("team"), AppSlug: c.FormValue("app_slug"), AppName: c.FormValue("app_name")}
	in := subscriptions.SubscribeInput{API: a.Slug, Plan: f.Plan, Major: f.Major, Purpose: f.Purpose}
	var sub *store.Subscription
	var err error
	switch f.App {
	case "":
		err = invalid(map[string]string{"app": "Choose an app, or New app."})
	case "new":
		t, terr := h.store.TeamBySlug(ctx, f.Team)
		if errors.Is(terr, store.ErrNotFound) {
			err = invalid(map[string]string{"team": "Choose the team of the new app."})
			break
		} else if terr != nil {
			return terr
		}
		err = h.once(c, "a subscription", "", func(ctx context.Context) (string, error) {
			var err error
			if sub, err = h.subs.SubscribeNewApp(ctx, u, t, subscriptions.AppInput{Slug: f.AppSlug, Name: f.AppName}, in); err != nil {
				return "", err
			}
			return "/apps/" + sub.App.Slug, nil
		})
	default:
		app, aerr := h.subs.App(ctx, u, f.App)
		if errors.Is(aerr, store.ErrNotFound) {
			err = invalid(map[string]string{"app": "Choose one of your teams' apps."})
			break
		} else if aerr != nil {
			return aerr
		}
		err = h.once(c, "a subscription", "", func(ctx context.Context) (string, error) {
			var err error
			if sub, err = h.subs.Subscribe(ctx, u, app, in); err != nil {
				return "", err
			}
			return "/apps/" + sub.App.Slug, nil
		})
	}
	fields, isField := fieldErrors(err)
	msg, isRefusal := refusal(err)
	if isField || isRefusal {
		f.Errors, f.FormError = fields, msg
		v, verr := h.subscribeView(c, a, f)
		if verr != nil {
			return verr
		}
		c.Status(fiber.StatusUnprocessableEntity)
		return h.render(c, apps.SubscribePage(h.page(c, "Subscribe to "+store.Isolate(a.Name), "catalog"), v))
	}
	if err != nil {
		return err
	}
	if sub.State == string(subscriptions.Active) {
		h.flash(c, "success", fmt.Sprintf("%s is subscribed to %s v%d: create its key below.", store.Isolate(sub.App.Name), store.Isolate(a.Name), sub.Major))
	} else {
		h.flash(c, "info", fmt.Sprintf("Requested: %s reviews the subscription of %s to %s v%d; you will be notified.", store.Isolate(a.Team.Name), store.Isolate(sub.App.Name), store.Isolate(a.Name), sub.Major))
	}
	return seeOther(c, "/apps/"+sub.App.Slug)
}
