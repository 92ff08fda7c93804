package handlers

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/subscriptions"
	"github.com/portico-dev/portico/views/components"
	"github.com/portico-dev/portico/views/pages/apis"
)

// Plans: what an API offers its subscribers. Everyone who sees the API sees
// its plans; its team's maintainers and owners manage them.

type apiPlan struct {
	Slug          string    `json:"slug"`
	Name          string    `json:"name"`
	Description   string    `json:"description"`
	RatePerMinute int       `json:"rate_per_minute"`
	Burst         int       `json:"burst"`
	QuotaPerDay   int64     `json:"quota_per_day"`
	Approval      string    `json:"approval"`
	Open          bool      `json:"open"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

func toAPIPlan(p *store.Plan) apiPlan {
	return apiPlan{Slug: p.Slug, Name: p.Name, Description: p.Description, RatePerMinute: p.RatePerMinute, Burst: p.Burst,
		QuotaPerDay: p.QuotaPerDay, Approval: p.Approval, Open: p.Open, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
}

type apiPlanBody struct {
	Slug          *string `json:"slug"`
	Name          *string `json:"name"`
	Description   *string `json:"description"`
	RatePerMinute *int64  `json:"rate_per_minute"`
	Burst         *int64  `json:"burst"`
	QuotaPerDay   *int64  `json:"quota_per_day"`
	Approval      *string `json:"approval"`
	Open          *bool   `json:"open"`
}

// apply sets the fields present in the body on in.
func (b apiPlanBody) apply(in *subscriptions.PlanInput) {
	str := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	num := func(dst *string, src *int64) {
		if src != nil {
			*dst = strconv.FormatInt(*src, 10)
		}
	}
	str(&in.Slug, b.Slug)
	str(&in.Name, b.Name)
	str(&in.Description, b.Description)
	str(&in.Approval, b.Approval)
	num(&in.RatePerMinute, b.RatePerMinute)
	num(&in.Burst, b.Burst)
	num(&in.QuotaPerDay, b.QuotaPerDay)
	if b.Open != nil {
		in.Open = *b.Open
	}
}

// noSuchPlan is the JSON API's answer naming a plan the API does not have.
func noSuchPlan(a *store.API) error {
	return clientError(fiber.StatusNotFound, store.Isolate(a.Name)+" has no such plan.")
}

// APIListPlans lists an API's plans.
func (h *Handler) APIListPlans(c *fiber.Ctx) error {
	plans, err := h.subs.Plans(c.UserContext(), currentAPI(c))
	if err != nil {
		return err
	}
	out := []apiPlan{}
	for i := range plans {
		out = append(out, toAPIPlan(&plans[i]))
	}
	return c.JSON(fiber.Map{"plans": out})
}

// APIGetPlan returns one of an API's plans, as APIListPlans lists it: the
// Location of a created plan.
func (h *Handler) APIGetPlan(c *fiber.Ctx) error {
	a := currentAPI(c)
	plans, err := h.subs.Plans(c.UserContext(), a)
	if err != nil {
		return err
	}
	for i := range plans {
		if plans[i].Slug == c.Params("plan") {
			return c.JSON(toAPIPlan(&plans[i]))
		}
	}
	return noSuchPlan(a)
}

// APICreatePlan adds a plan to an API; open defaults to true.
func (h *Handler) APICreatePlan(c *fiber.Ctx) error {
	var body apiPlanBody
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	in := subscriptions.PlanInput{Open: true}
	body.apply(&in)
	a := currentAPI(c)
	p, err := h.subs.CreatePlan(c.UserContext(), currentUser(c), a, in)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, "/api/v1/apis/"+a.Slug+"/plans/"+p.Slug)
	return c.Status(fiber.StatusCreated).JSON(toAPIPlan(p))
}

// APIUpdatePlan changes the fields present in the body (the slug stays).
func (h *Handler) APIUpdatePlan(c *fiber.Ctx) error {
	var body apiPlanBody
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	if body.Slug != nil {
		return invalid(map[string]string{"slug": "A plan's slug cannot change: subscriptions name it."})
	}
	a := currentAPI(c)
	p, err := h.store.PlanBySlug(c.UserContext(), a.ID, c.Params("plan"))
	if errors.Is(err, store.ErrNotFound) {
		return noSuchPlan(a)
	}
	if err != nil {
		return err
	}
	in := subscriptions.PlanInputOf(p)
	body.apply(&in)
	if err := h.subs.UpdatePlan(c.UserContext(), currentUser(c), a, p, in); err != nil {
		return err
	}
	return c.JSON(toAPIPlan(p))
}

// planCard is a plan as pages show it.
func planCard(p *store.Plan) components.PlanCard {
	limit := func(n int64, unit string) string {
		if n == 0 {
			return "no limit"
		}
		return humanize(n) + " " + unit
	}
	burst := "the rate per minute"
	if p.Burst > 0 {
		burst = humanize(int64(p.Burst)) + " at once"
	}
	quota := "none"
	if p.QuotaPerDay > 0 {
		quota = humanize(p.QuotaPerDay) + " per day"
	}
	return components.PlanCard{Slug: p.Slug, Name: p.Name, Description: p.Description, Rate: limit(int64(p.RatePerMinute), "per minute"),
		Burst: burst, Quota: quota, Approval: p.Approval, Open: p.Open}
}

// humanize writes n with thousands separators.
func humanize(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func planForm(p *store.Plan) components.PlanForm {
	in := subscriptions.PlanInputOf(p)
	return components.PlanForm{Slug: in.Slug, Name: in.Name, Description: in.Description, RatePerMinute: in.RatePerMinute,
		Burst: in.Burst, QuotaPerDay: in.QuotaPerDay, Approval: in.Approval, Open: in.Open}
}

// fillPlans puts an API's plans, what it offers the viewer, and the plan
// forms of its maintainers on the API page.
func (h *Handler) fillPlans(c *fiber.Ctx, a *store.API, d *apis.Detail) error {
	ctx, u := c.UserContext(), currentUser(c)
	plans, err := h.subs.Plans(ctx, a)
	if err != nil {
		return err
	}
	offer, err := h.subs.Offer(ctx, u, a)
	if err != nil {
		return err
	}
	if d.CanManagePlans, err = h.subs.CanManagePlans(ctx, u, a); err != nil {
		return err
	}
	for i := range plans {
		if plans[i].Open || d.CanManagePlans {
			d.Plans = append(d.Plans, planCard(&plans[i]))
		}
		if d.CanManagePlans {
			d.PlanEdits = append(d.PlanEdits, planForm(&plans[i]))
		}
	}
	d.Offer, d.CanSubscribe = offer.Why, offer.Why == ""
	d.SeesSubscribers = h.can(c, policy.TeamDomain(a.Team.Slug), "subscribers", "read")
	return nil
}

func planFormInput(c *fiber.Ctx) (subscriptions.PlanInput, components.PlanForm) {
	in := subscriptions.PlanInput{Slug: c.FormValue("slug"), Name: c.FormValue("name"), Description: c.FormValue("description"),
		RatePerMinute: c.FormValue("rate_per_minute"), Burst: c.FormValue("burst"), QuotaPerDay: c.FormValue("quota_per_day"),
		Approval: c.FormValue("approval"), Open: c.FormValue("open") == "true"}
	return in, components.PlanForm{Slug: in.Slug, Name: in.Name, Description: in.Description, RatePerMinute: in.RatePerMinute,
		Burst: in.Burst, QuotaPerDay: in.QuotaPerDay, Approval: in.Approval, Open: in.Open}
}

// CreatePlan adds a plan from the API page's form.
func (h *Handler) CreatePlan(c *fiber.Ctx) error {
	a := currentAPI(c)
	in, f := planFormInput(c)
	var p *store.Plan
	err := h.once(c, "a plan", "", func(ctx context.Context) (string, error) {
		var err error
		if p, err = h.subs.CreatePlan(ctx, currentUser(c), a, in); err != nil {
			return "", err
		}
		return "/apis/" + a.Slug + "#plans", nil
	})
	if fields, ok := fieldErrors(err); ok {
		f.Errors = fields
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderAPI(c, f, nil)
	}
	if err != nil {
		return err
	}
	h.flash(c, "success", "Plan "+store.Isolate(p.Name)+" added.")
	return seeOther(c, "/apis/"+a.Slug+"#plans")
}

// UpdatePlan changes a plan from its edit form on the API page.
func (h *Handler) UpdatePlan(c *fiber.Ctx) error {
	a := currentAPI(c)
	back := "/apis/" + a.Slug + "#plans"
	p, err := h.store.PlanBySlug(c.UserContext(), a.ID, c.Params("plan"))
	if err != nil {
		return err
	}
	in, f := planFormInput(c)
	in.Slug, f.Slug = p.Slug, p.Slug
	err = h.subs.UpdatePlan(c.UserContext(), currentUser(c), a, p, in)
	if fields, ok := fieldErrors(err); ok {
		// The edit form again, as submitted, with the messages beside
		// their fields: a redirect would drop what was typed.
		f.Errors = fields
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderAPI(c, newPlanForm(), &f)
	}
	if msg, ok := refusal(err); ok {
		h.flash(c, "error", msg)
		return seeOther(c, back)
	}
	if err != nil {
		return err
	}
	h.flash(c, "success", "Plan "+store.Isolate(p.Name)+" saved.")
	return seeOther(c, back)
}
