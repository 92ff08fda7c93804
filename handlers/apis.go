package handlers

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/subscriptions"
	"github.com/portico-dev/portico/views/components"
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
// Its owner line names the team as the pickers do (teamLabel).
func (h *Handler) apiHeader(c *fiber.Ctx, a *store.API) (apis.Header, error) {
	team, err := h.teamLabel(c.UserContext(), a.Team)
	if err != nil {
		return apis.Header{}, err
	}
	return apis.Header{Slug: a.Slug, Name: a.Name, Summary: a.Summary, TeamSlug: a.Team.Slug, TeamName: team,
		Visibility: a.Visibility, Tags: a.Tags}, nil
}

// teamLabel is how a page names team t: its name, followed by its slug
// ("Search · search") when another team's name reads alike
// (lookalike.ReadsAs), as distinctLabels does in pickers. One indexed read
// (store.TeamHasLookalike), whatever the number of teams.
func (h *Handler) teamLabel(ctx context.Context, t *store.Team) (string, error) {
	alike, err := h.store.TeamHasLookalike(ctx, t)
	if err != nil {
		return "", err
	}
	if alike {
		return t.Name + " · " + t.Slug, nil
	}
	return t.Name, nil
}

// teamAPIsPerPage is the page size of the APIs on a team's page.
const teamAPIsPerPage = 30

// teamAPIRows lists one page of a team's APIs for its page, and how many
// there are: every API for those who may read the team's APIs, the listed
// ones (lifecycle.APIIsListed) for everybody else.
func (h *Handler) teamAPIRows(c *fiber.Ctx, t *store.Team, page int) ([]teams.API, int, error) {
	ctx := c.UserContext()
	readAll := h.can(c, policy.TeamDomain(t.Slug), "api", "read")
	var hidden []string
	if !readAll {
		hidden = []string{string(lifecycle.Draft), string(lifecycle.InReview)}
	}
	list, total, err := h.store.TeamAPIPage(ctx, t.ID, hidden, (page-1)*teamAPIsPerPage, teamAPIsPerPage)
	if err != nil {
		return nil, 0, err
	}
	ids := make([]int64, 0, len(list))
	for _, a := range list {
		ids = append(ids, a.ID)
	}
	versions, err := h.store.VersionsOf(ctx, ids)
	if err != nil {
		return nil, 0, err
	}
	var rows []teams.API
	for _, a := range list {
		vs := versions[a.ID]
		if !readAll && !lifecycle.APIIsListed(&a, vs) {
			continue // the query kept listed APIs only; this keeps the rule's one definition in charge
		}
		row := teams.API{Slug: a.Slug, Name: a.Name, Summary: a.Summary, Visibility: a.Visibility}
		if d := lifecycle.Default(vs); d != nil {
			row.Version = d.Version
		}
		if st := lifecycle.CatalogState(vs); st != "" {
			row.State, row.StateLabel = string(st), st.Label()
		}
		rows = append(rows, row)
	}
	return rows, total, nil
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
	var a *store.API
	err := h.once(c, "an API", "", func(ctx context.Context) (string, error) {
		var err error
		if a, err = h.life.CreateAPI(ctx, currentUser(c), t, in); err != nil {
			return "", err
		}
		return "/apis/" + a.Slug + "/versions/new", nil
	})
	if fields, ok := fieldErrors(err); ok {
		f.TeamSlug, f.TeamName, f.Errors = t.Slug, t.Name, fields
		c.Status(fiber.StatusUnprocessableEntity)
		return h.render(c, apis.New(h.page(c, "New API", "teams"), f))
	}
	if err != nil {
		return err
	}
	h.flash(c, "success", "API "+store.Isolate(a.Name)+" created. Add its first version: upload or paste its OpenAPI description.")
	return seeOther(c, "/apis/"+a.Slug+"/versions/new")
}

// ShowAPI renders an API with its versions, plans and history.
func (h *Handler) ShowAPI(c *fiber.Ctx) error {
	return h.renderAPI(c, newPlanForm(), nil)
}

// newPlanForm is the new-plan form as the API page first shows it.
func newPlanForm() components.PlanForm {
	return components.PlanForm{Approval: subscriptions.ApprovalAuto, Open: true, RatePerMinute: "60"}
}

// renderAPI renders the API page with planForm as its new-plan form and,
// when edited is not nil, edited in place of the edit form of its plan.
func (h *Handler) renderAPI(c *fiber.Ctx, planForm components.PlanForm, edited *components.PlanForm) error {
	ctx := c.UserContext()
	a := currentAPI(c)
	vs, err := h.store.Versions(ctx, a.ID)
	if err != nil {
		return err
	}
	domain := policy.TeamDomain(a.Team.Slug)
	insider := h.can(c, domain, "api", "read")
	header, err := h.apiHeader(c, a)
	if err != nil {
		return err
	}
	d := apis.Detail{
		Header:          header,
		DescriptionHTML: h.descriptions.ToHTML(a.Description),
		Upstreams:       a.Upstreams,
		CanEdit:         h.can(c, domain, "api", "edit"),
		CanDraft:        h.can(c, domain, "api", "draft"),
		CanGateway:      h.can(c, domain, "api", "gateway"),
	}
	def := lifecycle.Default(vs)
	if def != nil {
		d.DocsVersion, d.DocsOperations = def.Version, def.Operations
	}
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
	d.PlanForm = planForm
	if err := h.fillPlans(c, a, &d); err != nil {
		return err
	}
	if edited != nil {
		for i := range d.PlanEdits {
			if d.PlanEdits[i].Slug == edited.Slug {
				d.PlanEdits[i] = *edited
			}
		}
	}
	return h.render(c, apis.Show(h.page(c, store.Isolate(a.Name), "catalog"), d))
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
// published versions. The events of drafts and of their reviews (a
// breaking change accepted names the version in review, its operation and
// the reviewer's reason) are the team's.
func auditEventIsPublic(e store.AuditEvent) bool {
	switch e.Action {
	case "version.create", "version.update", "version.submit", "version.withdraw", "version.reject", "review.accept_finding":
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
	header, err := h.apiHeader(c, a)
	if err != nil {
		return err
	}
	return h.renderEditAPI(c, a, header, editAPIForm(a), apis.Transfer{}, fiber.StatusOK)
}

// editAPIForm is the edit form of a holding the API as it is stored.
func editAPIForm(a *store.API) apis.Form {
	return apis.Form{
		TeamSlug: a.Team.Slug, TeamName: a.Team.Name, Slug: a.Slug, Name: a.Name, Summary: a.Summary,
		Description: a.Description, Tags: strings.Join(a.Tags, ", "), Visibility: a.Visibility,
		Upstreams: strings.Join(a.Upstreams, "\n"), LockVersion: a.LockVersion, Editing: true,
	}
}

// renderEditAPI renders an API's edit page with f and, when the viewer may
// move the API (lifecycle.Service.TransferTargets), the transfer form
// holding tr.
func (h *Handler) renderEditAPI(c *fiber.Ctx, a *store.API, header apis.Header, f apis.Form, tr apis.Transfer, status int) error {
	targets, err := h.life.TransferTargets(c.UserContext(), currentUser(c), a)
	if err != nil {
		return err
	}
	for _, t := range targets {
		tr.Teams = append(tr.Teams, components.Option{Value: t.Slug, Label: store.Isolate(t.Name)})
	}
	if len(tr.Teams) > 0 {
		tr.Teams = append([]components.Option{{Value: "", Label: "Choose a team"}}, distinctLabels(tr.Teams)...)
	}
	f.Transfer = tr
	c.Status(status)
	return h.render(c, apis.Edit(h.page(c, "Edit "+store.Isolate(header.Name), "catalog"), header, f))
}

// TransferAPI moves an API to the team chosen in the form
// (lifecycle.Service.Transfer).
func (h *Handler) TransferAPI(c *fiber.Ctx) error {
	a := currentAPI(c)
	from := a.Team.Name
	to, err := h.life.Transfer(c.UserContext(), currentUser(c), a, c.FormValue("team"))
	if fields, ok := fieldErrors(err); ok {
		header, err := h.apiHeader(c, a)
		if err != nil {
			return err
		}
		return h.renderEditAPI(c, a, header, editAPIForm(a), apis.Transfer{Team: c.FormValue("team"), Error: fields["team"]}, fiber.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	h.flash(c, "success", fmt.Sprintf("Moved %s from %s to %s.", store.Isolate(a.Name), store.Isolate(from), store.Isolate(to.Name)))
	return seeOther(c, "/apis/"+a.Slug)
}

// APITransferAPI moves an API to the team named in the body
// ({"team": "slug"}) and returns it (lifecycle.Service.Transfer).
func (h *Handler) APITransferAPI(c *fiber.Ctx) error {
	var body struct {
		Team string `json:"team"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	a := currentAPI(c)
	if _, err := h.life.Transfer(c.UserContext(), currentUser(c), a, body.Team); err != nil {
		return err
	}
	out, err := h.apiJSON(c, a)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// UpdateAPI saves an API's catalog entry. The form carries the lock
// version it was read at, so a concurrent edit is refused, not overwritten.
func (h *Handler) UpdateAPI(c *fiber.Ctx) error {
	a := currentAPI(c)
	header, err := h.apiHeader(c, a)
	if err != nil {
		return err
	}
	in, f := apiFormInput(c)
	f.TeamSlug, f.TeamName, f.Slug, f.Editing = a.Team.Slug, a.Team.Name, a.Slug, true
	lock, perr := strconv.ParseInt(c.FormValue("lock_version"), 10, 64)
	if perr != nil {
		lock = a.LockVersion
	}
	f.LockVersion = lock
	a.LockVersion = lock
	err = h.life.UpdateAPI(c.UserContext(), currentUser(c), a, in)
	if fields, ok := fieldErrors(err); ok {
		f.Errors = fields
		return h.renderEditAPI(c, a, header, f, apis.Transfer{}, fiber.StatusUnprocessableEntity)
	}
	if errors.Is(err, store.ErrConflict) {
		f.FormError = "Someone else changed this API while you were editing it. Reload the page to see their changes, then make yours again."
		return h.renderEditAPI(c, a, header, f, apis.Transfer{}, fiber.StatusConflict)
	}
	if err != nil {
		return err
	}
	h.flash(c, "success", "Saved "+store.Isolate(a.Name)+".")
	return seeOther(c, "/apis/"+a.Slug)
}

type apiAPI struct {
	Team        string              `json:"team"`
	Slug        string              `json:"slug"`
	Name        string              `json:"name"`
	Summary     string              `json:"summary"`
	Description string              `json:"description"`
	Tags        []string            `json:"tags"`
	Visibility  string              `json:"visibility"`
	Upstreams   []string            `json:"upstreams"`
	State       string              `json:"state"`
	LockVersion int64               `json:"lock_version"`
	CreatedAt   time.Time           `json:"created_at"`
	UpdatedAt   time.Time           `json:"updated_at"`
	Versions    []apiVersionSummary `json:"versions"`
}

// visibleVersions returns an API's versions that the caller sees, newest
// first, without specs (lifecycle.Service.VisibleVersions).
func (h *Handler) visibleVersions(c *fiber.Ctx, a *store.API) ([]store.APIVersion, error) {
	return h.life.VisibleVersions(c.UserContext(), currentUser(c), a)
}

// apiJSON returns an API with the versions the caller may see.
func (h *Handler) apiJSON(c *fiber.Ctx, a *store.API) (apiAPI, error) {
	vs, err := h.visibleVersions(c, a)
	if err != nil {
		return apiAPI{}, err
	}
	out := apiAPI{Slug: a.Slug, Name: a.Name, Summary: a.Summary, Description: a.Description, Tags: nonNil(a.Tags),
		Visibility: a.Visibility, Upstreams: nonNil(a.Upstreams), State: string(lifecycle.CatalogState(vs)),
		LockVersion: a.LockVersion, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt, Versions: []apiVersionSummary{}}
	if a.Team != nil {
		out.Team = a.Team.Slug
	}
	calls, err := h.readVersionCalls(c.UserContext(), a.ID)
	if err != nil {
		return apiAPI{}, err
	}
	for i := range vs {
		out.Versions = append(out.Versions, h.toAPIVersionSummary(calls, a.Slug, &vs[i]))
	}
	return out, nil
}

type apiInputBody struct {
	Team        *string   `json:"team"`
	Slug        *string   `json:"slug"`
	Name        *string   `json:"name"`
	Summary     *string   `json:"summary"`
	Description *string   `json:"description"`
	Tags        *[]string `json:"tags"`
	Visibility  *string   `json:"visibility"`
	Upstreams   *[]string `json:"upstreams"`
}

// apply sets the fields present in the body on in.
func (b apiInputBody) apply(in *lifecycle.APIInput) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&in.Slug, b.Slug)
	set(&in.Name, b.Name)
	set(&in.Summary, b.Summary)
	set(&in.Description, b.Description)
	set(&in.Visibility, b.Visibility)
	if b.Tags != nil {
		in.Tags = *b.Tags
	}
	if b.Upstreams != nil {
		in.Upstreams = *b.Upstreams
	}
}

// APICreateAPI creates an API in the team named in the body. The lifecycle
// service checks the caller's "api create" permission in that team.
func (h *Handler) APICreateAPI(c *fiber.Ctx) error {
	var body apiInputBody
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	if body.Team == nil || strings.TrimSpace(*body.Team) == "" {
		return invalid(map[string]string{"team": "Name the team that owns the API (its slug)."})
	}
	ctx := c.UserContext()
	t, err := h.store.TeamBySlug(ctx, strings.TrimSpace(*body.Team))
	if errors.Is(err, store.ErrNotFound) {
		return clientError(fiber.StatusNotFound, fmt.Sprintf("There is no team %s.", store.Echo(strings.TrimSpace(*body.Team), 80)))
	}
	if err != nil {
		return err
	}
	var in lifecycle.APIInput
	body.apply(&in)
	a, err := h.life.CreateAPI(ctx, currentUser(c), t, in)
	if err != nil {
		return err
	}
	out, err := h.apiJSON(c, a)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, "/api/v1/apis/"+a.Slug)
	return c.Status(fiber.StatusCreated).JSON(out)
}

// APIGetAPI returns an API with its versions.
func (h *Handler) APIGetAPI(c *fiber.Ctx) error {
	out, err := h.apiJSON(c, currentAPI(c))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// APIUpdateAPI changes the fields present in the body; an optional
// lock_version makes the change conditional on nobody having changed the API
// since the caller read it.
func (h *Handler) APIUpdateAPI(c *fiber.Ctx) error {
	var body struct {
		Name        *string   `json:"name"`
		Summary     *string   `json:"summary"`
		Description *string   `json:"description"`
		Tags        *[]string `json:"tags"`
		Visibility  *string   `json:"visibility"`
		Upstreams   *[]string `json:"upstreams"`
		LockVersion *int64    `json:"lock_version"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	a := currentAPI(c)
	if body.LockVersion != nil && *body.LockVersion != a.LockVersion {
		return clientError(fiber.StatusConflict, fmt.Sprintf("The API was changed since you read it (lock_version %d, now %d); read it again and reapply your change.", *body.LockVersion, a.LockVersion))
	}
	in := lifecycle.APIInput{Slug: a.Slug, Name: a.Name, Summary: a.Summary, Description: a.Description,
		Tags: append([]string(nil), a.Tags...), Visibility: a.Visibility, Upstreams: append([]string(nil), a.Upstreams...)}
	apiInputBody{Name: body.Name, Summary: body.Summary, Description: body.Description, Tags: body.Tags,
		Visibility: body.Visibility, Upstreams: body.Upstreams}.apply(&in)
	ctx := c.UserContext()
	err := h.life.UpdateAPI(ctx, currentUser(c), a, in)
	if errors.Is(err, store.ErrConflict) {
		return clientError(fiber.StatusConflict, "The API was changed by someone else meanwhile; read it again and reapply your change.")
	}
	if err != nil {
		return err
	}
	out, err := h.apiJSON(c, a)
	if err != nil {
		return err
	}
	return c.JSON(out)
}
