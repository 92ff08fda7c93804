package handlers

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/views/components"
	"github.com/portico-dev/portico/views/pages/audit"
)

const auditPageSize = 50

// auditCountAhead is how many events past its page the audit page counts:
// beyond, it says "more than" (200 pages on) rather than count the whole
// log on every view.
const auditCountAhead = 10000

// ShowAudit renders the org audit log with filters by actor, action,
// object type and team, newest first, a page at a time (?page=).
func (h *Handler) ShowAudit(c *fiber.Ctx) error {
	ctx := c.UserContext()
	page, err := listPage(c)
	if err != nil {
		return err
	}
	v := audit.View{Filter: audit.Filter{
		Actor: strings.TrimSpace(c.Query("actor")), Action: strings.TrimSpace(c.Query("action")),
		ObjectType: strings.TrimSpace(c.Query("object_type")), Team: strings.TrimSpace(c.Query("team")),
	}}
	f := store.AuditFilter{Actor: v.Filter.Actor, Action: v.Filter.Action, ObjectType: v.Filter.ObjectType,
		Offset: (page - 1) * auditPageSize, Limit: auditPageSize}
	teamsList, err := h.store.ListTeams(ctx)
	if err != nil {
		return err
	}
	v.Teams = []components.Option{{Value: "", Label: "Every team"}}
	for _, t := range teamsList {
		v.Teams = append(v.Teams, components.Option{Value: t.Slug, Label: store.Isolate(t.Name)})
		if t.Slug == v.Filter.Team {
			f.TeamID = t.ID
		}
	}
	v.Teams = distinctLabels(v.Teams)
	v.ObjectTypes = []components.Option{{Value: "", Label: "Every type"}, {Value: "api", Label: "API"}, {Value: "version", Label: "Version"},
		{Value: "user", Label: "User"}, {Value: "team", Label: "Team"}}
	if v.Filter.ObjectType != "" && !hasOption(v.ObjectTypes, v.Filter.ObjectType) {
		v.ObjectTypes = append(v.ObjectTypes, components.Option{Value: v.Filter.ObjectType, Label: v.Filter.ObjectType})
	}
	var events []store.AuditEvent
	if v.Filter.Team == "" || f.TeamID != 0 {
		atMost := f.Offset + auditCountAhead + 1
		if v.Total, err = h.store.CountAuditUpTo(ctx, f, atMost); err != nil {
			return err
		}
		if v.Total == atMost {
			v.Total, v.More = atMost-1, true
		}
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
	pg, done, err := pagedList(c, "/audit", q, page, auditPageSize, v.Total)
	if done {
		return err
	}
	v.Pager = pg
	v.Pager.More = v.More
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

type apiAuditEvent struct {
	ID         int64     `json:"id"`
	CreatedAt  time.Time `json:"created_at"`
	Actor      string    `json:"actor"`
	Action     string    `json:"action"`
	ObjectType string    `json:"object_type"`
	ObjectID   string    `json:"object_id"`
	Team       *string   `json:"team"`
	OtherTeam  *string   `json:"other_team"`
	Before     string    `json:"before"`
	After      string    `json:"after"`
	Reason     string    `json:"reason"`
}

// APIListAudit returns audit events newest first, filtered by the query;
// next_before pages on to older events.
func (h *Handler) APIListAudit(c *fiber.Ctx) error {
	ctx := c.UserContext()
	f := store.AuditFilter{Actor: c.Query("actor"), Action: c.Query("action"), ObjectType: c.Query("object_type"), ObjectID: c.Query("object_id")}
	fields := map[string]string{}
	if s := c.Query("before"); s != "" {
		n, err := parsePositive(s)
		if err != nil {
			fields["before"] = "Use the next_before value of a previous page (a positive integer)."
		}
		f.Before = n
	}
	f.Limit = 100
	if s := c.Query("limit"); s != "" {
		n, err := parsePositive(s)
		if err != nil || n > 500 {
			fields["limit"] = "Use a number from 1 to 500."
		}
		f.Limit = int(n)
	}
	teams, err := h.store.ListTeams(ctx)
	if err != nil {
		return err
	}
	slugs := map[int64]string{}
	for _, t := range teams {
		slugs[t.ID] = t.Slug
		if t.Slug == c.Query("team") {
			f.TeamID = t.ID
		}
	}
	if c.Query("team") != "" && f.TeamID == 0 {
		fields["team"] = fmt.Sprintf("There is no team %s.", store.Echo(c.Query("team"), 80))
	}
	if len(fields) > 0 {
		return invalid(fields)
	}
	events, err := h.store.ListAudit(ctx, f)
	if err != nil {
		return err
	}
	out := make([]apiAuditEvent, 0, len(events))
	for _, e := range events {
		ev := apiAuditEvent{ID: e.ID, CreatedAt: e.CreatedAt, Actor: e.Actor, Action: e.Action, ObjectType: e.ObjectType,
			ObjectID: e.ObjectID, Before: e.Before, After: e.After, Reason: e.Reason}
		if e.TeamID != nil {
			if s, ok := slugs[*e.TeamID]; ok {
				ev.Team = &s
			}
		}
		if e.OtherTeamID != nil {
			if s, ok := slugs[*e.OtherTeamID]; ok {
				ev.OtherTeam = &s
			}
		}
		out = append(out, ev)
	}
	// next_before is null on the last page: a full page is the last
	// when no older event matches.
	var next *int64
	if len(events) == f.Limit && len(events) > 0 {
		id := events[len(events)-1].ID
		more := f
		more.Before, more.Limit = id, 1
		older, err := h.store.ListAudit(ctx, more)
		if err != nil {
			return err
		}
		if len(older) > 0 {
			next = &id
		}
	}
	return c.JSON(struct {
		Events     []apiAuditEvent `json:"events"`
		NextBefore *int64          `json:"next_before"`
	}{out, next})
}

func parsePositive(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("not a positive integer: %q", s)
	}
	return n, nil
}
