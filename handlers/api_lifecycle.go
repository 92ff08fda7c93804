package handlers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/spec"
	"github.com/portico-dev/portico/store"
)

// The JSON API of the API lifecycle: APIs, versions, publication requests
// and the audit log. Every change goes through the lifecycle service, which
// checks permissions and the transition table itself.

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

type apiVersionSummary struct {
	Version      string     `json:"version"`
	State        string     `json:"state"`
	Title        string     `json:"title"`
	SpecFormat   string     `json:"spec_format"`
	Operations   int        `json:"operations"`
	LockVersion  int64      `json:"lock_version"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	PublishedAt  *time.Time `json:"published_at"`
	DeprecatedAt *time.Time `json:"deprecated_at"`
	SunsetAt     *time.Time `json:"sunset_at"`
	Successor    string     `json:"successor"`
	RetiredAt    *time.Time `json:"retired_at"`
}

type apiVersionDetail struct {
	apiVersionSummary
	API        string       `json:"api"`
	Actions    []string     `json:"actions"`
	OpenReview *int64       `json:"open_review"`
	Spec       string       `json:"spec"`
	Lint       []apiFinding `json:"lint"`
	LintError  string       `json:"lint_error,omitempty"`
}

type apiFinding struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Location string `json:"location"`
	Message  string `json:"message"`
}

type apiChange struct {
	ID        string `json:"id"`
	Level     string `json:"level"`
	Operation string `json:"operation"`
	Path      string `json:"path"`
	Text      string `json:"text"`
}

type apiReview struct {
	ID              int64      `json:"id"`
	API             string     `json:"api"`
	APIName         string     `json:"api_name"`
	Team            string     `json:"team"`
	Version         string     `json:"version"`
	VersionState    string     `json:"version_state"`
	State           string     `json:"state"`
	Requester       string     `json:"requester"`
	Note            string     `json:"note"`
	CreatedAt       time.Time  `json:"created_at"`
	DecidedAt       *time.Time `json:"decided_at"`
	DecidedBy       *string    `json:"decided_by"`
	DecisionComment string     `json:"decision_comment"`
	Override        bool       `json:"override"`
}

type apiDiff struct {
	BaseVersion *string     `json:"base_version"`
	Changes     []apiChange `json:"changes"`
	Breaking    []apiChange `json:"breaking"`
	Added       []string    `json:"added"`
	Removed     []string    `json:"removed"`
	Modified    []string    `json:"modified"`
}

type apiReviewDetail struct {
	apiReview
	Diff     apiDiff      `json:"diff"`
	Breaking bool         `json:"breaking"`
	Lint     []apiFinding `json:"lint"`
}

type apiAuditEvent struct {
	ID         int64     `json:"id"`
	CreatedAt  time.Time `json:"created_at"`
	Actor      string    `json:"actor"`
	Action     string    `json:"action"`
	ObjectType string    `json:"object_type"`
	ObjectID   string    `json:"object_id"`
	Team       *string   `json:"team"`
	Before     string    `json:"before"`
	After      string    `json:"after"`
	Reason     string    `json:"reason"`
}

func toAPIChanges(cs []spec.Change) []apiChange {
	out := make([]apiChange, 0, len(cs))
	for _, c := range cs {
		out = append(out, apiChange{ID: c.ID, Level: c.Level, Operation: c.Operation, Path: c.Path, Text: c.Text})
	}
	return out
}

func toAPIFindings(fs []spec.Finding) []apiFinding {
	out := make([]apiFinding, 0, len(fs))
	for _, f := range fs {
		out = append(out, apiFinding{Rule: f.Rule, Severity: f.Severity, Location: f.Location, Message: f.Message})
	}
	return out
}

func toAPIVersionSummary(v *store.APIVersion) apiVersionSummary {
	return apiVersionSummary{Version: v.Version, State: v.State, Title: v.Title, SpecFormat: v.SpecFormat, Operations: v.Operations,
		LockVersion: v.LockVersion, CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt, PublishedAt: v.PublishedAt,
		DeprecatedAt: v.DeprecatedAt, SunsetAt: v.SunsetAt, Successor: v.Successor, RetiredAt: v.RetiredAt}
}

func toAPIReview(r *store.PublicationRequest) apiReview {
	out := apiReview{ID: r.ID, State: r.State, Note: r.Note, CreatedAt: r.CreatedAt, DecidedAt: r.DecidedAt,
		DecisionComment: r.DecisionComment, Override: r.Override}
	if r.API != nil {
		out.API, out.APIName = r.API.Slug, r.API.Name
		if r.API.Team != nil {
			out.Team = r.API.Team.Slug
		}
	}
	if r.Version != nil {
		out.Version, out.VersionState = r.Version.Version, r.Version.State
	}
	if r.Requester != nil {
		out.Requester = r.Requester.Username
	}
	if r.Decider != nil {
		name := r.Decider.Username
		out.DecidedBy = &name
	}
	return out
}

// decodeOptionalJSON decodes a JSON body that may be absent.
func decodeOptionalJSON(c *fiber.Ctx, v any) error {
	if len(bytes.TrimSpace(c.Body())) == 0 {
		return nil
	}
	return decodeJSON(c, v)
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
	for i := range vs {
		out.Versions = append(out.Versions, toAPIVersionSummary(&vs[i]))
	}
	return out, nil
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// versionJSON returns a version with its spec as uploaded, its lint
// findings, the actions the lifecycle allows from its state and its open
// publication request.
func (h *Handler) versionJSON(ctx context.Context, a *store.API, v *store.APIVersion) (apiVersionDetail, error) {
	if v.SpecJSON == "" {
		full, err := h.store.VersionByID(ctx, v.ID)
		if err != nil {
			return apiVersionDetail{}, err
		}
		v = full
	}
	out := apiVersionDetail{apiVersionSummary: toAPIVersionSummary(v), API: a.Slug, Spec: v.SpecRaw, Actions: []string{}, Lint: []apiFinding{}}
	for _, act := range lifecycle.Allowed(lifecycle.State(v.State)) {
		out.Actions = append(out.Actions, string(act))
	}
	doc, err := h.life.StoredSpec(v)
	if err != nil {
		out.LintError = "The stored description could not be read for linting: " + err.Error()
	} else {
		out.Lint = toAPIFindings(spec.Lint(doc))
	}
	if lifecycle.State(v.State) == lifecycle.InReview {
		r, err := h.store.OpenRequestFor(ctx, v.ID)
		switch {
		case err == nil:
			out.OpenReview = &r.ID
		case !errors.Is(err, store.ErrNotFound):
			return apiVersionDetail{}, err
		}
	}
	return out, nil
}

// currentVersion loads the version named by the :version parameter of the
// current API: 404 when there is none, or when it is a draft or in review
// and the caller may not read the team's APIs.
func (h *Handler) currentVersion(c *fiber.Ctx) (*store.APIVersion, error) {
	a := currentAPI(c)
	name, err := url.PathUnescape(c.Params("version"))
	if err != nil {
		name = c.Params("version")
	}
	v, err := h.life.VisibleVersion(c.UserContext(), currentUser(c), a, name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, clientError(fiber.StatusNotFound, fmt.Sprintf("%s has no version %q.", a.Name, name))
	}
	return v, err
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
		return clientError(fiber.StatusNotFound, fmt.Sprintf("There is no team %q.", strings.TrimSpace(*body.Team)))
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

// APIListVersions lists the API's versions the caller may see, newest first, without specs.
func (h *Handler) APIListVersions(c *fiber.Ctx) error {
	vs, err := h.visibleVersions(c, currentAPI(c))
	if err != nil {
		return err
	}
	out := make([]apiVersionSummary, 0, len(vs))
	for i := range vs {
		out = append(out, toAPIVersionSummary(&vs[i]))
	}
	return c.JSON(struct {
		Versions []apiVersionSummary `json:"versions"`
	}{out})
}

// APICreateVersion adds a draft version; without a spec it copies the latest version's.
func (h *Handler) APICreateVersion(c *fiber.Ctx) error {
	var body struct {
		Version string  `json:"version"`
		Spec    *string `json:"spec"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	var data []byte
	if body.Spec != nil {
		if strings.TrimSpace(*body.Spec) == "" {
			return invalid(map[string]string{"spec": "The spec is empty: send the OpenAPI description as a string, or omit spec to copy the latest version's."})
		}
		data = []byte(*body.Spec)
	}
	ctx := c.UserContext()
	a := currentAPI(c)
	v, err := h.life.CreateVersion(ctx, currentUser(c), a, body.Version, data)
	if err != nil {
		return err
	}
	out, err := h.versionJSON(ctx, a, v)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, "/api/v1/apis/"+a.Slug+"/versions/"+v.Version)
	return c.Status(fiber.StatusCreated).JSON(out)
}

// APIGetVersion returns a version with its spec and lint findings.
func (h *Handler) APIGetVersion(c *fiber.Ctx) error {
	v, err := h.currentVersion(c)
	if err != nil {
		return err
	}
	out, err := h.versionJSON(c.UserContext(), currentAPI(c), v)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// APIUpdateVersion replaces a draft's spec.
func (h *Handler) APIUpdateVersion(c *fiber.Ctx) error {
	var body struct {
		Spec string `json:"spec"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	v, err := h.currentVersion(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	a := currentAPI(c)
	if err := h.life.UpdateDraft(ctx, currentUser(c), a, v, []byte(body.Spec)); err != nil {
		return err
	}
	out, err := h.versionJSON(ctx, a, v)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// APISubmitVersion opens a publication request for a draft.
func (h *Handler) APISubmitVersion(c *fiber.Ctx) error {
	var body struct {
		Note string `json:"note"`
	}
	if err := decodeOptionalJSON(c, &body); err != nil {
		return err
	}
	v, err := h.currentVersion(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	r, err := h.life.Submit(ctx, currentUser(c), currentAPI(c), v, body.Note)
	if err != nil {
		return err
	}
	full, err := h.store.Request(ctx, r.ID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, fmt.Sprintf("/api/v1/reviews/%d", r.ID))
	return c.Status(fiber.StatusCreated).JSON(toAPIReview(full))
}

// parseSunset reads a sunset as a date (2027-01-31, midnight UTC) or an RFC 3339 time.
func parseSunset(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, invalid(map[string]string{"sunset": fmt.Sprintf("%q is not a date: use YYYY-MM-DD (e.g. 2027-01-31) or an RFC 3339 time.", s)})
}

// APIDeprecateVersion announces a version's sunset.
func (h *Handler) APIDeprecateVersion(c *fiber.Ctx) error {
	var body struct {
		Sunset    string `json:"sunset"`
		Successor string `json:"successor"`
	}
	if err := decodeOptionalJSON(c, &body); err != nil {
		return err
	}
	v, err := h.currentVersion(c)
	if err != nil {
		return err
	}
	sunset, err := parseSunset(body.Sunset)
	if err != nil {
		return err
	}
	return h.versionAction(c, v, func(ctx context.Context, u *store.User, a *store.API) error {
		return h.life.Deprecate(ctx, u, a, v, sunset, body.Successor)
	})
}

// APIUndeprecateVersion returns a deprecated version to published.
func (h *Handler) APIUndeprecateVersion(c *fiber.Ctx) error {
	v, err := h.currentVersion(c)
	if err != nil {
		return err
	}
	return h.versionAction(c, v, func(ctx context.Context, u *store.User, a *store.API) error {
		return h.life.Undeprecate(ctx, u, a, v)
	})
}

// APIRetireVersion retires a version.
func (h *Handler) APIRetireVersion(c *fiber.Ctx) error {
	v, err := h.currentVersion(c)
	if err != nil {
		return err
	}
	return h.versionAction(c, v, func(ctx context.Context, u *store.User, a *store.API) error {
		return h.life.Retire(ctx, u, a, v)
	})
}

// versionAction applies a lifecycle action to v and answers with the version.
func (h *Handler) versionAction(c *fiber.Ctx, v *store.APIVersion, act func(context.Context, *store.User, *store.API) error) error {
	ctx := c.UserContext()
	a := currentAPI(c)
	if err := act(ctx, currentUser(c), a); err != nil {
		return err
	}
	out, err := h.versionJSON(ctx, a, v)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// reviewStates are the values of the state filter of the review list.
var reviewStates = map[string]string{
	"open": store.RequestOpen, "approved": store.RequestApproved, "rejected": store.RequestRejected,
	"withdrawn": store.RequestWithdrawn, "all": "",
}

// APIListReviews lists the publication requests the caller may open
// (lifecycle.VisibleRequests): every team's for org approvers and admins,
// their own teams' for everybody else, team reviewers included.
func (h *Handler) APIListReviews(c *fiber.Ctx) error {
	stateParam := c.Query("state", "open")
	state, ok := reviewStates[stateParam]
	if !ok {
		return invalid(map[string]string{"state": "Use open, approved, rejected, withdrawn or all."})
	}
	list, err := h.life.VisibleRequests(c.UserContext(), currentUser(c), state, 500)
	if err != nil {
		return err
	}
	reqs := list.Requests
	out := make([]apiReview, 0, len(reqs))
	for i := range reqs {
		out = append(out, toAPIReview(&reqs[i]))
	}
	return c.JSON(struct {
		Reviews []apiReview `json:"reviews"`
	}{out})
}

// APIGetReview returns a publication request with the diff against the
// latest live version, its breaking changes and the lint findings.
func (h *Handler) APIGetReview(c *fiber.Ctx) error {
	ctx := c.UserContext()
	r := currentReview(c)
	v, err := h.store.VersionByID(ctx, r.VersionID)
	if err != nil {
		return err
	}
	out := apiReviewDetail{apiReview: toAPIReview(r), Lint: []apiFinding{},
		Diff: apiDiff{Changes: []apiChange{}, Breaking: []apiChange{}, Added: []string{}, Removed: []string{}, Modified: []string{}}}
	if doc, err := h.life.StoredSpec(v); err == nil {
		out.Lint = toAPIFindings(spec.Lint(doc))
	}
	report, base, err := h.life.Compare(ctx, v)
	if err != nil {
		return err
	}
	if base != nil {
		bv := base.Version
		out.Diff.BaseVersion = &bv
		out.Diff.Changes = toAPIChanges(report.Changes)
		out.Diff.Breaking = toAPIChanges(report.BreakingChanges())
		out.Diff.Added, out.Diff.Removed, out.Diff.Modified = nonNil(report.Added), nonNil(report.Removed), nonNil(report.Modified)
		// Breaking changes only refuse a publication within one major.
		out.Breaking = base.Major == v.Major && report.Breaking()
	}
	return c.JSON(out)
}

// reviewAction applies a decision to the current request and answers with it.
func (h *Handler) reviewAction(c *fiber.Ctx, act func(context.Context, *store.User, *store.PublicationRequest) error) error {
	ctx := c.UserContext()
	r := currentReview(c)
	if err := act(ctx, currentUser(c), r); err != nil {
		return err
	}
	full, err := h.store.Request(ctx, r.ID)
	if err != nil {
		return err
	}
	return c.JSON(toAPIReview(full))
}

// APIApproveReview publishes the requested version.
func (h *Handler) APIApproveReview(c *fiber.Ctx) error {
	var body struct {
		Comment  string `json:"comment"`
		Override bool   `json:"override"`
	}
	if err := decodeOptionalJSON(c, &body); err != nil {
		return err
	}
	return h.reviewAction(c, func(ctx context.Context, u *store.User, r *store.PublicationRequest) error {
		return h.life.Approve(ctx, u, r, body.Comment, body.Override)
	})
}

// APIRejectReview sends the version back to draft with a reason.
func (h *Handler) APIRejectReview(c *fiber.Ctx) error {
	var body struct {
		Reason string `json:"reason"`
	}
	if err := decodeOptionalJSON(c, &body); err != nil {
		return err
	}
	return h.reviewAction(c, func(ctx context.Context, u *store.User, r *store.PublicationRequest) error {
		return h.life.Reject(ctx, u, r, body.Reason)
	})
}

// APIWithdrawReview takes back the caller's own open request.
func (h *Handler) APIWithdrawReview(c *fiber.Ctx) error {
	var body struct{}
	if err := decodeOptionalJSON(c, &body); err != nil {
		return err
	}
	return h.reviewAction(c, func(ctx context.Context, u *store.User, r *store.PublicationRequest) error {
		return h.life.Withdraw(ctx, u, r)
	})
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
		fields["team"] = fmt.Sprintf("There is no team %q.", c.Query("team"))
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
		out = append(out, ev)
	}
	var next *int64
	if len(events) == f.Limit && len(events) > 0 {
		id := events[len(events)-1].ID
		next = &id
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
