package handlers

import (
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/subscriptions"
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
		return clientError(fiber.StatusNotFound, a.Name+" has no such plan.")
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
