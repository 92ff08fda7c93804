package handlers

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/views/components"
	"github.com/portico-dev/portico/views/pages/audit"
)

const auditPageSize = 50

// ShowAudit renders the org audit log with filters by actor, action,
// object type and team, older pages through ?before=<id>.
func (h *Handler) ShowAudit(c *fiber.Ctx) error {
	ctx := c.UserContext()
	v := audit.View{Filter: audit.Filter{
		Actor: strings.TrimSpace(c.Query("actor")), Action: strings.TrimSpace(c.Query("action")),
		ObjectType: strings.TrimSpace(c.Query("object_type")), Team: strings.TrimSpace(c.Query("team")),
	}}
	f := store.AuditFilter{Actor: v.Filter.Actor, Action: v.Filter.Action, ObjectType: v.Filter.ObjectType, Limit: auditPageSize + 1}
	before, _ := strconv.ParseInt(c.Query("before"), 10, 64)
	if before > 0 {
		f.Before = before
	}
	teamsList, err := h.store.ListTeams(ctx)
	if err != nil {
		return err
	}
	v.Teams = []components.Option{{Value: "", Label: "Every team"}}
	for _, t := range teamsList {
		v.Teams = append(v.Teams, components.Option{Value: t.Slug, Label: t.Name})
		if t.Slug == v.Filter.Team {
			f.TeamID = t.ID
		}
	}
	v.ObjectTypes = []components.Option{{Value: "", Label: "Every type"}, {Value: "api", Label: "API"}, {Value: "version", Label: "Version"},
		{Value: "user", Label: "User"}, {Value: "team", Label: "Team"}}
	if v.Filter.ObjectType != "" && !hasOption(v.ObjectTypes, v.Filter.ObjectType) {
		v.ObjectTypes = append(v.ObjectTypes, components.Option{Value: v.Filter.ObjectType, Label: v.Filter.ObjectType})
	}
	var events []store.AuditEvent
	if v.Filter.Team == "" || f.TeamID != 0 {
		if events, err = h.store.ListAudit(ctx, f); err != nil {
			return err
		}
	}
	q := url.Values{}
	for k, val := range map[string]string{"actor": v.Filter.Actor, "action": v.Filter.Action, "object_type": v.Filter.ObjectType, "team": v.Filter.Team} {
		if val != "" {
			q.Set(k, val)
		}
	}
	if len(events) > auditPageSize {
		events = events[:auditPageSize]
		next := url.Values{}
		for k, vals := range q {
			next[k] = vals
		}
		next.Set("before", strconv.FormatInt(events[len(events)-1].ID, 10))
		v.Next = "/audit?" + next.Encode()
	}
	if before > 0 {
		v.First = "/audit"
		if len(q) > 0 {
			v.First += "?" + q.Encode()
		}
	}
	for _, e := range events {
		v.Events = append(v.Events, auditEvent(e))
	}
	return h.render(c, audit.List(h.page(c, "Audit log", "audit"), v))
}

func hasOption(opts []components.Option, value string) bool {
	for _, o := range opts {
		if o.Value == value {
			return true
		}
	}
	return false
}
