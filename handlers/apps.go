package handlers

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/subscriptions"
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

// APIListApps lists a team's apps.
func (h *Handler) APIListApps(c *fiber.Ctx) error {
	apps, err := h.subs.TeamApps(c.UserContext(), currentTeam(c))
	if err != nil {
		return err
	}
	out := []apiApp{}
	for i := range apps {
		out = append(out, toAPIApp(&apps[i]))
	}
	return c.JSON(fiber.Map{"apps": out})
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
