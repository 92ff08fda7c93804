package handlers

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/gateway/control"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/subscriptions"
	"github.com/portico-dev/portico/views/components"
	"github.com/portico-dev/portico/views/pages/apps"
)

// Apps: a consumer team's applications, which subscribe to APIs.

type apiApp struct {
	Slug        string    `json:"slug"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Contact     string    `json:"contact"`
	Team        string    `json:"team"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func toAPIApp(a *store.App) apiApp {
	out := apiApp{Slug: a.Slug, Name: a.Name, Description: a.Description, Contact: a.Contact, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
	if a.Team != nil {
		out.Team = a.Team.Slug
	}
	return out
}

type apiAppBody struct {
	Slug        *string `json:"slug"`
	Name        *string `json:"name"`
	Description *string `json:"description"`
	Contact     *string `json:"contact"`
}

func (b apiAppBody) apply(in *subscriptions.AppInput) {
	for _, f := range []struct{ dst, src *string }{{&in.Slug, b.Slug}, {&in.Name, b.Name}, {&in.Description, b.Description}, {&in.Contact, b.Contact}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
}

// APIListApps lists a team's apps by name, a page at a time
// (after=<next of the previous page>, limit up to 200).
func (h *Handler) APIListApps(c *fiber.Ctx) error {
	limit, err := queryLimit(c, subscriptions.DefaultAppsPage, subscriptions.MaxAppsPage)
	if err != nil {
		return err
	}
	page, err := h.subs.TeamApps(c.UserContext(), currentTeam(c), c.Query("after"), limit)
	if err != nil {
		return err
	}
	out := []apiApp{}
	for i := range page.Apps {
		out = append(out, toAPIApp(&page.Apps[i]))
	}
	return c.JSON(fiber.Map{"apps": out, "next": nextCursor(page.Next)})
}

// APICreateApp creates an app in a team.
func (h *Handler) APICreateApp(c *fiber.Ctx) error {
	var body apiAppBody
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	var in subscriptions.AppInput
	body.apply(&in)
	a, err := h.subs.CreateApp(c.UserContext(), currentUser(c), currentTeam(c), in)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, "/api/v1/apps/"+a.Slug)
	return c.Status(fiber.StatusCreated).JSON(toAPIApp(a))
}

// APIGetApp returns an app.
func (h *Handler) APIGetApp(c *fiber.Ctx) error {
	return c.JSON(toAPIApp(currentApp(c)))
}

// APIUpdateApp changes the fields present in the body (the slug stays).
func (h *Handler) APIUpdateApp(c *fiber.Ctx) error {
	var body apiAppBody
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	if body.Slug != nil {
		return invalid(map[string]string{"slug": "An app's slug cannot change."})
	}
	a := currentApp(c)
	in := subscriptions.AppInput{Slug: a.Slug, Name: a.Name, Description: a.Description, Contact: a.Contact}
	body.apply(&in)
	if err := h.subs.UpdateApp(c.UserContext(), currentUser(c), a, in); err != nil {
		return err
	}
	return c.JSON(toAPIApp(a))
}

// APIDeleteApp removes the app (subscriptions.Service.DeleteApp): 204.
func (h *Handler) APIDeleteApp(c *fiber.Ctx) error {
	if err := h.subs.DeleteApp(c.UserContext(), currentUser(c), currentApp(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func appView(a *store.App) apps.App {
	out := apps.App{Slug: a.Slug, Name: a.Name, Contact: a.Contact, Description: a.Description}
	if a.Team != nil {
		out.TeamSlug, out.TeamName = a.Team.Slug, a.Team.Name
	}
	return out
}

// ListApps is the consumer's Apps page: the apps of the user's teams and
// their subscriptions, newest first, a page at a time.
func (h *Handler) ListApps(c *fiber.Ctx) error {
	return h.renderApps(c, apps.AppForm{}, fiber.StatusOK)
}

func (h *Handler) renderApps(c *fiber.Ctx, form apps.AppForm, status int) error {
	ctx, u := c.UserContext(), currentUser(c)
	list, teams, err := h.subs.MyApps(ctx, u, c.Query("apps_after"), subscriptions.DefaultAppsPage)
	if fields, ok := fieldErrors(err); ok {
		return clientError(fiber.StatusBadRequest, fields["after"])
	}
	if err != nil {
		return err
	}
	state := c.Query("state")
	if !subscriptions.ValidState(state) {
		state = ""
	}
	page, err := h.subs.List(ctx, u, subscriptions.ListInput{Role: "consumer", State: state, Before: c.Query("before")})
	if err != nil {
		return err
	}
	l := apps.AppsList{Form: form, State: state, Before: c.Query("before"), Next: page.Next, AppsAfter: c.Query("apps_after"), AppsNext: list.Next}
	for i := range list.Apps {
		l.Apps = append(l.Apps, appView(&list.Apps[i]))
	}
	for _, t := range teams {
		l.Teams = append(l.Teams, components.Option{Value: t.Slug, Label: store.Isolate(t.Name)})
	}
	l.Teams = distinctLabels(l.Teams)
	rights := h.subs.Rights(u)
	for i := range page.Subscriptions {
		l.Subscriptions = append(l.Subscriptions, h.subscriptionRow(c, rights, &page.Subscriptions[i]))
	}
	c.Status(status)
	return h.render(c, apps.List(h.page(c, "Apps", "apps"), l))
}

func appFormInput(c *fiber.Ctx) (subscriptions.AppInput, apps.AppForm) {
	in := subscriptions.AppInput{Slug: c.FormValue("slug"), Name: c.FormValue("name"), Description: c.FormValue("description"), Contact: c.FormValue("contact")}
	return in, apps.AppForm{Team: c.FormValue("team"), Slug: in.Slug, Name: in.Name, Description: in.Description, Contact: in.Contact}
}

// CreateAppPage creates an app in the team chosen in the form; the service
// checks "apps manage" in that team.
func (h *Handler) CreateAppPage(c *fiber.Ctx) error {
	in, f := appFormInput(c)
	t, err := h.store.TeamBySlug(c.UserContext(), f.Team)
	if errors.Is(err, store.ErrNotFound) {
		f.Errors = map[string]string{"team": "Choose one of your teams."}
		return h.renderApps(c, f, fiber.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	var a *store.App
	err = h.once(c, "an app", "", func(ctx context.Context) (string, error) {
		var err error
		if a, err = h.subs.CreateApp(ctx, currentUser(c), t, in); err != nil {
			return "", err
		}
		return "/apps/" + a.Slug, nil
	})
	if fields, ok := fieldErrors(err); ok {
		f.Errors = fields
		return h.renderApps(c, f, fiber.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	h.flash(c, "success", "App "+store.Isolate(a.Name)+" created. Subscribe it to an API from the API's page.")
	return seeOther(c, "/apps/"+a.Slug)
}

// ShowApp is an app's page: its subscriptions with their keys.
func (h *Handler) ShowApp(c *fiber.Ctx) error {
	return h.renderApp(c, nil, fiber.StatusOK)
}

// renderApp renders the app page; fill adjusts the view (form errors).
func (h *Handler) renderApp(c *fiber.Ctx, fill func(*apps.AppDetail), status int) error {
	ctx, u := c.UserContext(), currentUser(c)
	a := currentApp(c)
	manage, err := h.subs.CanManageApps(ctx, u, a.Team)
	if err != nil {
		return err
	}
	page, err := h.subs.List(ctx, u, subscriptions.ListInput{Role: "consumer", App: a, Before: c.Query("before"), Limit: 20})
	if err != nil {
		return err
	}
	ids := make([]int64, 0, len(page.Subscriptions))
	for _, s := range page.Subscriptions {
		ids = append(ids, s.ID)
	}
	keys, err := h.subs.KeysOverview(ctx, ids)
	if err != nil {
		return err
	}
	d := apps.AppDetail{App: appView(a), CanManage: manage, Next: page.Next, Grace: graceOptions(),
		Edit: apps.AppForm{Slug: a.Slug, Name: a.Name, Description: a.Description, Contact: a.Contact}}
	subs := make([]*store.Subscription, 0, len(page.Subscriptions))
	for i := range page.Subscriptions {
		subs = append(subs, &page.Subscriptions[i])
	}
	calls, err := h.subscriptionRoutes(ctx, subs...)
	if err != nil {
		return err
	}
	now, rights := h.now(), h.subs.Rights(currentUser(c))
	for _, s := range subs {
		row := h.subscriptionRow(c, rights, s)
		var reach *control.Reach
		if row.GatewayURL, reach = h.subscriptionCallURL(calls, s); reach != nil {
			row.Reach = reach.Status()
		}
		row.ShowKeys = true
		row.CanIssueKey = manage && s.State == string(subscriptions.Active)
		if ks := keys[s.ID]; ks != nil {
			for _, list := range [][]store.APIKey{ks.Live, ks.Ended} {
				for j := range list {
					row.Keys = append(row.Keys, keyRow(&list[j], now, manage))
				}
			}
			if ks.EndedTotal > len(ks.Ended) {
				row.AllKeys = len(ks.Live) + ks.EndedTotal
			}
		}
		d.Subscriptions = append(d.Subscriptions, row)
	}
	if fill != nil {
		fill(&d)
	}
	c.Status(status)
	return h.render(c, apps.Show(h.page(c, store.Isolate(a.Name), "apps"), d))
}

// graceOptions are the choices of the key rotation form.
func graceOptions() []components.Option {
	out := make([]components.Option, 0, len(subscriptions.GraceChoices))
	for _, g := range subscriptions.GraceChoices {
		out = append(out, components.Option{Value: strconv.Itoa(g.Seconds), Label: g.Label})
	}
	return out
}

// UpdateAppPage saves the app's edit form.
func (h *Handler) UpdateAppPage(c *fiber.Ctx) error {
	a := currentApp(c)
	in, f := appFormInput(c)
	in.Slug = a.Slug
	err := h.subs.UpdateApp(c.UserContext(), currentUser(c), a, in)
	if fields, ok := fieldErrors(err); ok {
		f.Slug, f.Errors = a.Slug, fields
		return h.renderApp(c, func(d *apps.AppDetail) { d.Edit = f }, fiber.StatusUnprocessableEntity)
	}
	if msg, ok := refusal(err); ok {
		h.flash(c, "error", msg)
		return seeOther(c, "/apps/"+a.Slug)
	}
	if err != nil {
		return err
	}
	h.flash(c, "success", "Saved.")
	return seeOther(c, "/apps/"+a.Slug)
}

// DeleteAppPage removes the app (subscriptions.Service.DeleteApp) and
// leads to the apps list; a refusal comes back to the app's page.
func (h *Handler) DeleteAppPage(c *fiber.Ctx) error {
	a := currentApp(c)
	err := h.subs.DeleteApp(c.UserContext(), currentUser(c), a)
	if msg, ok := refusal(err); ok {
		h.flash(c, "error", msg)
		return seeOther(c, "/apps/"+a.Slug)
	}
	if err != nil {
		return err
	}
	h.flash(c, "success", "Removed the app "+store.Isolate(a.Name)+": its subscriptions are cancelled and their keys revoked.")
	return seeOther(c, "/apps")
}
