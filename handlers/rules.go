package handlers

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/spec"
	"github.com/portico-dev/portico/views/pages/rules"
)

// The org's rule set: the page every user may read and org admins edit, and
// its JSON API. Changes go through the lifecycle service, which checks the
// permission and audits them.

type apiRule struct {
	ID          string `json:"id"`
	Kind        string `json:"kind"`
	Severity    string `json:"severity"`
	Default     string `json:"default"`
	Upstream    string `json:"upstream,omitempty"`
	Description string `json:"description"`
	Why         string `json:"why,omitempty"`
}

func toAPIRule(r spec.RuleInfo, rs spec.RuleSet) apiRule {
	return apiRule{ID: r.ID, Kind: r.Kind, Severity: rs.Severity(r.ID, r.Default), Default: r.Default, Upstream: r.Upstream,
		Description: r.Description, Why: r.Why}
}

// ShowRules renders the rule set, one kind of rules at a time.
func (h *Handler) ShowRules(c *fiber.Ctx) error {
	return h.renderRules(c, nil, nil)
}

// renderRules renders the rule set with the severities submitted in place
// of the stored ones and the messages about them, keyed as the form names
// its fields ("severity:" and the rule's id); a message about no rule of
// the page is shown above the form.
func (h *Handler) renderRules(c *fiber.Ctx, submitted, errs map[string]string) error {
	rs, err := h.life.Rules(c.UserContext())
	if err != nil {
		return err
	}
	p := rules.Page{Kind: c.Query("kind", spec.KindBreaking), Query: strings.TrimSpace(c.Query("q")), Validation: h.life.SpecValidation(),
		CanEdit: h.can(c, policy.OrgDomain, "rules", "manage")}
	switch p.Kind {
	case spec.KindBreaking, spec.KindLint, spec.KindValidation:
	default:
		p.Kind = spec.KindBreaking
	}
	q := strings.ToLower(p.Query)
	for _, r := range spec.Catalogue() {
		if r.Kind != p.Kind || (q != "" && !strings.Contains(strings.ToLower(r.ID+" "+r.Description), q)) {
			continue
		}
		sev := rs.Severity(r.ID, r.Default)
		row := rules.Row{ID: r.ID, Description: r.Description, Default: r.Default, Upstream: r.Upstream, Why: r.Why,
			Severity: sev, Changed: sev != r.Default}
		if v, ok := submitted["severity:"+r.ID]; ok {
			row.Severity = v
		}
		row.Error = errs["severity:"+r.ID]
		p.Rows = append(p.Rows, row)
	}
	var others []string
	for _, k := range sortedKeys(errs) {
		if id, ok := strings.CutPrefix(k, "severity:"); ok {
			if slices.ContainsFunc(p.Rows, func(r rules.Row) bool { return r.ID == id }) {
				continue // shown beside its select
			}
		}
		others = append(others, strings.TrimPrefix(k, "severity:")+": "+errs[k])
	}
	p.Error = strings.Join(others, " ")
	return h.render(c, rules.Show(h.page(c, "Rule set", "reviews"), p))
}

// UpdateRules saves the severities of the form's rules that changed.
func (h *Handler) UpdateRules(c *fiber.Ctx) error {
	ctx := c.UserContext()
	rs, err := h.life.Rules(ctx)
	if err != nil {
		return err
	}
	var changes []lifecycle.RuleChange
	submitted := map[string]string{}
	for key, value := range c.Request().PostArgs().All() {
		id, ok := strings.CutPrefix(string(key), "severity:")
		if !ok {
			continue
		}
		submitted[string(key)] = string(value)
		info, known := spec.RuleByID(id)
		if known && rs.Severity(id, info.Default) != string(value) {
			changes = append(changes, lifecycle.RuleChange{ID: id, Severity: string(value)})
		}
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].ID < changes[j].ID })
	// All the changes or none: a refused one leaves the rule set as it was.
	if err := h.life.SetRules(ctx, currentUser(c), changes); err != nil {
		if fields, ok := fieldErrors(err); ok {
			c.Status(fiber.StatusUnprocessableEntity)
			return h.renderRules(c, submitted, fields)
		}
		return err
	}
	h.flash(c, "success", pluralize(len(changes), "rule changed", "rules changed")+". Open requests are judged by the new severities at once.")
	return seeOther(c, "/rules?kind="+c.Query("kind", spec.KindBreaking))
}

func pluralize(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// APIListRules lists every rule with the org's severity, or those of one
// kind (422 for a kind there is none of).
func (h *Handler) APIListRules(c *fiber.Ctx) error {
	kind := c.Query("kind")
	switch kind {
	case "", spec.KindBreaking, spec.KindValidation, spec.KindLint:
	default:
		return invalid(map[string]string{"kind": "Use breaking, validation or lint, or leave kind out for every rule."})
	}
	rs, err := h.life.Rules(c.UserContext())
	if err != nil {
		return err
	}
	out := []apiRule{}
	for _, r := range spec.Catalogue() {
		if kind == "" || r.Kind == kind {
			out = append(out, toAPIRule(r, rs))
		}
	}
	return c.JSON(struct {
		Rules      []apiRule `json:"rules"`
		Validation string    `json:"validation"`
	}{out, h.life.SpecValidation()})
}

// APISetRule sets the org's severity of one rule ("default" resets it).
func (h *Handler) APISetRule(c *fiber.Ctx) error {
	var body struct {
		Severity string `json:"severity"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	ctx := c.UserContext()
	id := c.Params("id")
	info, known := spec.RuleByID(id)
	if !known {
		return clientError(fiber.StatusNotFound, lifecycle.NoSuchRule(id))
	}
	if err := h.life.SetRule(ctx, currentUser(c), id, body.Severity); err != nil {
		return err
	}
	rs, err := h.life.Rules(ctx)
	if err != nil {
		return err
	}
	return c.JSON(toAPIRule(info, rs))
}
