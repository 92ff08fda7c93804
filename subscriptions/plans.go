package subscriptions

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/slug"
	"github.com/portico-dev/portico/store"
)

// Approval values of a plan.
const (
	ApprovalAuto   = "auto"
	ApprovalManual = "manual"
)

// Bounds of a plan's limits.
const (
	MaxRatePerMinute = 1_000_000
	MaxBurst         = 1_000_000
	MaxQuotaPerDay   = 1_000_000_000
)

// PlanInput is a plan as created or edited: the plan form and the JSON body
// fill it alike. Numbers are as typed; empty means 0 (no limit).
type PlanInput struct {
	Slug          string
	Name          string
	Description   string
	RatePerMinute string
	Burst         string
	QuotaPerDay   string
	Approval      string
	Open          bool
}

// PlanInputOf returns the input that leaves p as it is, for edits.
func PlanInputOf(p *store.Plan) PlanInput {
	return PlanInput{Slug: p.Slug, Name: p.Name, Description: p.Description,
		RatePerMinute: strconv.Itoa(p.RatePerMinute), Burst: strconv.Itoa(p.Burst), QuotaPerDay: strconv.FormatInt(p.QuotaPerDay, 10),
		Approval: p.Approval, Open: p.Open}
}

func number(s string, max int64, field, what string, errs map[string]string) int64 {
	s = strings.TrimSpace(strings.ReplaceAll(s, "_", ""))
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > max {
		errs[field] = fmt.Sprintf("Give %s as a whole number from 0 (none) to %d.", what, max)
		return 0
	}
	return n
}

// normalize checks the input and fills p with it.
func (in *PlanInput) normalize(p *store.Plan, creating bool) map[string]string {
	errs := map[string]string{}
	in.Slug = slug.Normalize(in.Slug)
	in.Name = strings.TrimSpace(in.Name)
	in.Description = strings.TrimSpace(in.Description)
	in.Approval = strings.TrimSpace(in.Approval)
	if creating && !slug.Valid(in.Slug) {
		errs["slug"] = slug.Rule
	}
	if in.Name == "" {
		errs["name"] = fmt.Sprintf("Give the plan a name of up to %d characters.", MaxPlanName)
	} else {
		apperr.Line(errs, "name", in.Name, MaxPlanName)
	}
	apperr.Text(errs, "description", in.Description, MaxPlanDescription)
	rate := number(in.RatePerMinute, MaxRatePerMinute, "rate_per_minute", "the requests per minute", errs)
	burst := number(in.Burst, MaxBurst, "burst", "the burst", errs)
	quota := number(in.QuotaPerDay, MaxQuotaPerDay, "quota_per_day", "the requests per day", errs)
	if in.Approval != ApprovalAuto && in.Approval != ApprovalManual {
		errs["approval"] = "Choose auto (active at once) or manual (the team approves each request)."
	}
	if creating {
		p.Slug = in.Slug
	}
	p.Name, p.Description, p.RatePerMinute, p.Burst, p.QuotaPerDay, p.Approval, p.Open = in.Name, in.Description, int(rate), int(burst), quota, in.Approval, in.Open
	return errs
}

func summarizePlan(p *store.Plan) string {
	return fmt.Sprintf("name=%q rate_per_minute=%d burst=%d quota_per_day=%d approval=%s open=%t", p.Name, p.RatePerMinute, p.Burst, p.QuotaPerDay, p.Approval, p.Open)
}

func (s *Service) requirePlans(ctx context.Context, actor *store.User, a *store.API) error {
	return s.require(ctx, actor, a.Team.Slug, "plans", "manage",
		fmt.Sprintf("Only maintainers and owners of %s and org admins manage the plans of its APIs.", store.Isolate(a.Team.Name)))
}

// Plans returns the plans of an API the caller sees (plans are as public as
// their API; the caller has checked that the user sees it).
func (s *Service) Plans(ctx context.Context, a *store.API) ([]store.Plan, error) {
	return s.store.Plans(ctx, a.ID)
}

// CanManagePlans reports whether u manages a's plans.
func (s *Service) CanManagePlans(ctx context.Context, u *store.User, a *store.API) (bool, error) {
	return s.allowed(ctx, u, a.Team.Slug, "plans", "manage")
}

// CreatePlan adds a plan to an API.
func (s *Service) CreatePlan(ctx context.Context, actor *store.User, a *store.API, in PlanInput) (*store.Plan, error) {
	if err := s.requirePlans(ctx, actor, a); err != nil {
		return nil, err
	}
	p := &store.Plan{APIID: a.ID}
	if err := apperr.Invalid(in.normalize(p, true)); err != nil {
		return nil, err
	}
	now := store.Stored(s.now())
	err := s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.store.LockAPIInTeam(ctx, tx, a); errors.Is(err, store.ErrConflict) {
			return apperr.Conflict(fmt.Sprintf("%s was moved to another team meanwhile; reload the page and try again.", store.Isolate(a.Name)))
		} else if err != nil {
			return err
		}
		if err := s.store.CreatePlan(ctx, tx, p, now); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, actor, "plan.create", "plan", a.Slug+"/"+p.Slug, a.TeamID, 0, "", summarizePlan(p), "", now); err != nil {
			return err
		}
		return s.gatewayChanged(ctx, tx, a.Slug)
	})
	if errors.Is(err, store.ErrConflict) {
		return nil, apperr.Field("slug", fmt.Sprintf("%s has a plan %s already.", store.Isolate(a.Name), store.Echo(p.Slug, store.MaxEcho)))
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// UpdatePlan changes a plan; its slug stays. Existing subscriptions keep
// the plan and get its new limits; closing it refuses new subscriptions.
func (s *Service) UpdatePlan(ctx context.Context, actor *store.User, a *store.API, p *store.Plan, in PlanInput) error {
	if err := s.requirePlans(ctx, actor, a); err != nil {
		return err
	}
	before, beforeDescription := summarizePlan(p), p.Description
	if err := apperr.Invalid(in.normalize(p, false)); err != nil {
		return err
	}
	note := ""
	if p.Description != beforeDescription {
		note = "description changed"
	} else if summarizePlan(p) == before {
		return nil
	}
	now := store.Stored(s.now())
	err := s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.store.LockAPIInTeam(ctx, tx, a); errors.Is(err, store.ErrConflict) {
			return apperr.Conflict(fmt.Sprintf("%s was moved to another team meanwhile; reload the page and try again.", store.Isolate(a.Name)))
		} else if err != nil {
			return err
		}
		if err := s.store.UpdatePlan(ctx, tx, p, now); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, actor, "plan.update", "plan", a.Slug+"/"+p.Slug, a.TeamID, 0, before, summarizePlan(p), note, now); err != nil {
			return err
		}
		return s.gatewayChanged(ctx, tx, a.Slug)
	})
	if errors.Is(err, store.ErrConflict) {
		return apperr.Conflict("The plan was changed by someone else meanwhile; reload it and apply your change again.")
	}
	return err
}
