package handlers

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/markdown"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/views/pages/apis"
	"github.com/portico-dev/portico/views/pages/audit"
	"github.com/portico-dev/portico/views/pages/teams"
)

// Dates and times as pages show them: UTC, so that every reader sees the
// same day a sunset falls on.
const (
	pageDate = "2006-01-02"
	pageTime = "2006-01-02 15:04 UTC"
)

func fmtDate(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(pageDate)
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(pageTime)
}

// apiHeader is the view of an API's identity.
func apiHeader(a *store.API) apis.Header {
	return apis.Header{Slug: a.Slug, Name: a.Name, Summary: a.Summary, TeamSlug: a.Team.Slug, TeamName: a.Team.Name,
		Visibility: a.Visibility, Tags: a.Tags}
}

// teamAPIRows lists a team's APIs for its page: every API for those who may
// read the team's APIs, the public ones for everybody else.
func (h *Handler) teamAPIRows(c *fiber.Ctx, t *store.Team) ([]teams.API, error) {
	ctx := c.UserContext()
	list, err := h.store.TeamAPIs(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	readAll := h.can(c, policy.TeamDomain(t.Slug), "api", "read")
	ids := make([]int64, 0, len(list))
	for _, a := range list {
		ids = append(ids, a.ID)
	}
	versions, err := h.store.VersionsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	var rows []teams.API
	for _, a := range list {
		if a.Visibility != store.VisibilityPublic && !readAll {
			continue
		}
		row := teams.API{Slug: a.Slug, Name: a.Name, Summary: a.Summary, Visibility: a.Visibility}
		vs := versions[a.ID]
		if d := lifecycle.Default(vs); d != nil {
			row.Version = d.Version
		}
		if st := lifecycle.CatalogState(vs); st != "" {
			row.State, row.StateLabel = string(st), st.Label()
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// apiFormInput reads the API form.
func apiFormInput(c *fiber.Ctx) (lifecycle.APIInput, apis.Form) {
	f := apis.Form{
		Slug: c.FormValue("slug"), Name: c.FormValue("name"), Summary: c.FormValue("summary"),
		Description: c.FormValue("description"), Tags: c.FormValue("tags"), Visibility: c.FormValue("visibility"),
		Upstreams: c.FormValue("upstreams"),
	}
	in := lifecycle.APIInput{Slug: f.Slug, Name: f.Name, Summary: f.Summary, Description: f.Description,
		Tags: strings.Split(f.Tags, ","), Visibility: f.Visibility, Upstreams: strings.FieldsFunc(f.Upstreams, func(r rune) bool { return r == '\n' || r == '\r' })}
	return in, f
}

// NewAPI renders the form to create an API in the team.
func (h *Handler) NewAPI(c *fiber.Ctx) error {
	t := currentTeam(c)
	f := apis.Form{TeamSlug: t.Slug, TeamName: t.Name, Visibility: store.VisibilityPublic}
	return h.render(c, apis.New(h.page(c, "New API", "teams"), f))
}

// CreateAPI creates an API in the team.
func (h *Handler) CreateAPI(c *fiber.Ctx) error {
	t := currentTeam(c)
	in, f := apiFormInput(c)
	a, err := h.life.CreateAPI(c.UserContext(), currentUser(c), t, in)
	if fields, ok := fieldErrors(err); ok {
		f.TeamSlug, f.TeamName, f.Errors = t.Slug, t.Name, fields
		c.Status(fiber.StatusUnprocessableEntity)
		return h.render(c, apis.New(h.page(c, "New API", "teams"), f))
	}
	if err != nil {
		return err
	}
	h.flash(c, "success", "API "+a.Name+" created. Add its first version: upload or paste its OpenAPI description.")
	return seeOther(c, "/apis/"+a.Slug+"/versions/new")
}

// ShowAPI renders an API with its versions and history.
func (h *Handler) ShowAPI(c *fiber.Ctx) error {
	ctx := c.UserContext()
	a := currentAPI(c)
	vs, err := h.store.Versions(ctx, a.ID)
	if err != nil {
		return err
	}
	domain := policy.TeamDomain(a.Team.Slug)
	insider := h.can(c, domain, "api", "read")
	d := apis.Detail{
		Header:          apiHeader(a),
		DescriptionHTML: markdown.ToHTML(a.Description),
		Upstreams:       a.Upstreams,
		CanEdit:         h.can(c, domain, "api", "edit"),
		CanDraft:        h.can(c, domain, "api", "draft"),
	}
	def := lifecycle.Default(vs)
	for i := range vs {
		v := &vs[i]
		if !insider && !lifecycle.VersionIsPublic(v) {
			continue
		}
		row := versionRow(v)
		row.Default = def != nil && def.ID == v.ID
		if lifecycle.State(v.State) == lifecycle.Retired {
			d.Retired = append(d.Retired, row)
		} else {
			d.Versions = append(d.Versions, row)
		}
	}
	events, err := h.apiHistory(c, a, insider)
	if err != nil {
		return err
	}
	d.History = events
	return h.render(c, apis.Show(h.page(c, a.Name, "teams"), d))
}

func versionRow(v *store.APIVersion) apis.VersionRow {
	return apis.VersionRow{
		Version: v.Version, State: v.State, StateLabel: lifecycle.State(v.State).Label(), Operations: v.Operations,
		Created: fmtTime(v.CreatedAt), Published: fmtDate(v.PublishedAt), Deprecated: fmtDate(v.DeprecatedAt),
		Sunset: fmtDate(v.SunsetAt), Successor: v.Successor,
	}
}

// apiHistory returns the audit events of an API and its versions, newest
// first: those of the API's team whose object is the API ("slug") or one of
// its versions ("slug@version"). Outsiders do not see the events of drafts.
func (h *Handler) apiHistory(c *fiber.Ctx, a *store.API, insider bool) ([]audit.Event, error) {
	events, err := h.store.ListAudit(c.UserContext(), store.AuditFilter{TeamID: a.TeamID, APISlug: a.Slug, Limit: 200})
	if err != nil {
		return nil, err
	}
	var out []audit.Event
	for _, e := range events {
		if !insider && !auditEventIsPublic(e) {
			continue
		}
		out = append(out, auditEvent(e))
	}
	return out, nil
}

// auditEventIsPublic says whether an API event may be shown to readers of
// the API outside its team: its creation and edits, and transitions of
// published versions.
func auditEventIsPublic(e store.AuditEvent) bool {
	switch e.Action {
	case "version.create", "version.update", "version.submit", "version.withdraw", "version.reject":
		return false
	}
	return true
}

// auditEvent is the view of an audit record.
func auditEvent(e store.AuditEvent) audit.Event {
	ev := audit.Event{ID: e.ID, When: fmtTime(e.CreatedAt), Actor: e.Actor, Action: e.Action,
		Object: e.ObjectType + " " + e.ObjectID, Before: e.Before, After: e.After, Reason: e.Reason}
	switch e.ObjectType {
	case "api":
		ev.Link = "/apis/" + e.ObjectID
	case "team":
		ev.Link = "/teams/" + e.ObjectID
	case "version":
		if slug, version, ok := strings.Cut(e.ObjectID, "@"); ok {
			ev.Link = "/apis/" + slug + "/versions/" + version
		}
	}
	return ev
}

// EditAPI renders the form to edit an API.
func (h *Handler) EditAPI(c *fiber.Ctx) error {
	a := currentAPI(c)
	f := apis.Form{
		TeamSlug: a.Team.Slug, TeamName: a.Team.Name, Slug: a.Slug, Name: a.Name, Summary: a.Summary,
		Description: a.Description, Tags: strings.Join(a.Tags, ", "), Visibility: a.Visibility,
		Upstreams: strings.Join(a.Upstreams, "\n"), LockVersion: a.LockVersion, Editing: true,
	}
	return h.render(c, apis.Edit(h.page(c, "Edit "+a.Name, "teams"), apiHeader(a), f))
}

// UpdateAPI saves an API's catalog entry. The form carries the lock
// version it was read at, so a concurrent edit is refused, not overwritten.
func (h *Handler) UpdateAPI(c *fiber.Ctx) error {
	a := currentAPI(c)
	header := apiHeader(a)
	in, f := apiFormInput(c)
	f.TeamSlug, f.TeamName, f.Slug, f.Editing = a.Team.Slug, a.Team.Name, a.Slug, true
	lock, perr := strconv.ParseInt(c.FormValue("lock_version"), 10, 64)
	if perr != nil {
		lock = a.LockVersion
	}
	f.LockVersion = lock
	a.LockVersion = lock
	err := h.life.UpdateAPI(c.UserContext(), currentUser(c), a, in)
	if fields, ok := fieldErrors(err); ok {
		f.Errors = fields
		c.Status(fiber.StatusUnprocessableEntity)
		return h.render(c, apis.Edit(h.page(c, "Edit "+header.Name, "teams"), header, f))
	}
	if errors.Is(err, store.ErrConflict) {
		f.FormError = "Someone else changed this API while you were editing it. Reload the page to see their changes, then make yours again."
		c.Status(fiber.StatusConflict)
		return h.render(c, apis.Edit(h.page(c, "Edit "+header.Name, "teams"), header, f))
	}
	if err != nil {
		return err
	}
	h.flash(c, "success", "Saved "+a.Name+".")
	return seeOther(c, "/apis/"+a.Slug)
}
