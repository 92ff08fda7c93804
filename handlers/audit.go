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

// auditCountAhead is how many events the audit page counts: beyond, it
// says "more than" rather than count the whole log on every view.
const auditCountAhead = 10000

// auditNumberedPages is how far an old numbered link (?page=, from before
// the pages went by cursor) is followed: the pages the count reaches. Its
// cursor is found by skipping the newer events, a bounded read.
const auditNumberedPages = auditCountAhead / auditPageSize

// ShowAudit renders the org audit log with filters by actor, action,
// object type and team, newest first, a page at a time. Pages go by the
// id of the events shown (keyset): ?before= the oldest event of the page
// before (Older), ?after= the newest of the page after (Newer), so that a
// page deep in the log reads its own events, not every newer one first.
// An old ?page=N link (N up to auditNumberedPages) is redirected to its
// cursor; past them it is refused with what to do instead.
func (h *Handler) ShowAudit(c *fiber.Ctx) error {
	ctx := c.UserContext()
	before, after, err := auditCursors(c)
	if err != nil {
		return err
	}
	v := audit.View{Filter: audit.Filter{
		Actor: strings.TrimSpace(c.Query("actor")), Action: strings.TrimSpace(c.Query("action")),
		ObjectType: strings.TrimSpace(c.Query("object_type")), Team: strings.TrimSpace(c.Query("team")),
	}}
	f := store.AuditFilter{Actor: v.Filter.Actor, Action: v.Filter.Action, ObjectType: v.Filter.ObjectType}
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
	q := url.Values{}
	for k, val := range map[string]string{"actor": v.Filter.Actor, "action": v.Filter.Action, "object_type": v.Filter.ObjectType, "team": v.Filter.Team} {
		if val != "" {
			q.Set(k, val)
		}
	}
	at := func(name string, id int64) string {
		u := url.Values{}
		for k, vs := range q {
			u[k] = vs
		}
		if name != "" {
			u.Set(name, strconv.FormatInt(id, 10))
		}
		if s := u.Encode(); s != "" {
			return "/audit?" + s
		}
		return "/audit"
	}
	known := v.Filter.Team == "" || f.TeamID != 0
	if raw := c.Query("page"); raw != "" {
		// An old numbered link: page N starts after the N-1 pages newer.
		page, err := listPage(c)
		if err != nil {
			return err
		}
		if page > auditNumberedPages {
			return clientError(fiber.StatusBadRequest, fmt.Sprintf("page: the audit log no longer has numbered pages past %d; "+
				"open it and go back with Older, or narrow it with the filters.", auditNumberedPages))
		}
		var id int64
		if page > 1 && known {
			if id, err = h.store.AuditIDAt(ctx, f, (page-1)*auditPageSize-1); err != nil {
				return err
			}
		}
		if id == 0 {
			return c.Redirect(at("", 0), fiber.StatusSeeOther)
		}
		return c.Redirect(at("before", id), fiber.StatusSeeOther)
	}
	var events []store.AuditEvent
	if known {
		atMost := auditCountAhead + 1
		if v.Total, err = h.store.CountAuditUpTo(ctx, f, atMost); err != nil {
			return err
		}
		if v.Total == atMost {
			v.Total, v.More = atMost-1, true
		}
		// One event more than the page says whether a page lies beyond.
		page := f
		page.Limit = auditPageSize + 1
		if after > 0 {
			page.After = after
			if events, err = h.store.ListAudit(ctx, page); err != nil {
				return err
			}
			if len(events) <= auditPageSize {
				// Nothing newer than this page: it is the newest page.
				page.After, after = 0, 0
			}
		}
		if after == 0 {
			page.Before = before
			if events, err = h.store.ListAudit(ctx, page); err != nil {
				return err
			}
		}
		if after > 0 {
			events = events[1:]
			v.Newer = at("after", events[0].ID)
			older, err := h.store.ListAudit(ctx, store.AuditFilter{Actor: f.Actor, Action: f.Action, ObjectType: f.ObjectType,
				TeamID: f.TeamID, Before: events[len(events)-1].ID, Limit: 1})
			if err != nil {
				return err
			}
			if len(older) > 0 {
				v.Older = at("before", events[len(events)-1].ID)
			}
		} else {
			if len(events) > auditPageSize {
				events = events[:auditPageSize]
				v.Older = at("before", events[len(events)-1].ID)
			}
			if before > 0 && len(events) == 0 {
				// Past the oldest event (a cursor from elsewhere).
				return c.Redirect(at("", 0), fiber.StatusSeeOther)
			}
			if before > 0 {
				newer, err := h.store.ListAudit(ctx, store.AuditFilter{Actor: f.Actor, Action: f.Action, ObjectType: f.ObjectType,
					TeamID: f.TeamID, After: events[0].ID, Limit: 1})
				if err != nil {
					return err
				}
				if len(newer) > 0 {
					v.Newer = at("after", events[0].ID)
				}
			}
		}
		if v.Newer != "" {
			v.Newest = at("", 0)
		}
	}
	for _, e := range events {
		v.Events = append(v.Events, auditEvent(e))
	}
	return h.render(c, audit.List(h.page(c, "Audit log", "audit"), v))
}

// auditCursors reads the audit page's ?before= and ?after=: event ids,
// at most one of them; a 400 saying what to send otherwise.
func auditCursors(c *fiber.Ctx) (before, after int64, err error) {
	for _, p := range []struct {
		name string
		dst  *int64
	}{{"before", &before}, {"after", &after}} {
		if raw := c.Query(p.name); raw != "" {
			n, err := parsePositive(raw)
			if err != nil {
				return 0, 0, clientError(fiber.StatusBadRequest, p.name+": use the link of the Older or Newer button (an event id, a positive integer).")
			}
			*p.dst = n
		}
	}
	if before > 0 && after > 0 {
		return 0, 0, clientError(fiber.StatusBadRequest, "Send before= or after=, not both.")
	}
	return before, after, nil
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
