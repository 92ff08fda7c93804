package handlers

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/spec"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/views/pages/reviews"
)

func reviewRow(r *store.PublicationRequest) reviews.Row {
	row := reviews.Row{ID: r.ID, State: r.State, Created: fmtTime(r.CreatedAt)}
	if r.API != nil {
		row.API, row.APISlug = r.API.Name, r.API.Slug
		if r.API.Team != nil {
			row.Team = r.API.Team.Name
		}
	}
	if r.Version != nil {
		row.Version = r.Version.Version
	}
	if r.Requester != nil {
		row.Requester = r.Requester.Username
	}
	if r.DecidedAt != nil {
		row.Decided = fmtTime(*r.DecidedAt)
	}
	if r.Decider != nil {
		row.Decider = r.Decider.Username
	}
	return row
}

// ListReviews renders the approvals inbox: open requests, or decided ones
// with ?state=decided.
func (h *Handler) ListReviews(c *fiber.Ctx) error {
	in := reviews.Inbox{Tab: "open"}
	if c.Query("state") == "decided" {
		in.Tab = "decided"
	}
	state := store.RequestOpen
	if in.Tab == "decided" {
		state = ""
	}
	list, err := h.life.VisibleRequests(c.UserContext(), currentUser(c), state, 200)
	if err != nil {
		return err
	}
	in.AllTeams = list.AllTeams
	var rs []store.PublicationRequest
	for _, r := range list.Requests {
		if in.Tab == "open" || r.State != store.RequestOpen {
			rs = append(rs, r)
		}
	}
	for i := range rs {
		in.Rows = append(in.Rows, reviewRow(&rs[i]))
	}
	return h.render(c, reviews.List(h.page(c, "Reviews", "reviews"), in))
}

// ShowReview renders a publication request: the diff against the latest
// live version with breaking changes, lint findings and the description.
func (h *Handler) ShowReview(c *fiber.Ctx) error {
	return h.renderReview(c, func(*reviews.Page) {})
}

func (h *Handler) renderReview(c *fiber.Ctx, fill func(*reviews.Page)) error {
	ctx := c.UserContext()
	r := currentReview(c)
	a := currentAPI(c)
	u := currentUser(c)
	v, err := h.store.VersionByID(ctx, r.VersionID)
	if err != nil {
		return err
	}
	doc, err := h.life.StoredSpec(ctx, v)
	if err != nil {
		return fmt.Errorf("%s: %w", a.Slug, err)
	}
	row := reviewRow(r)
	p := reviews.Page{
		ID: r.ID, State: r.State, API: apiHeader(a), Version: v.Version, VersionState: v.State,
		StateLabel: lifecycle.State(v.State).Label(), Requester: row.Requester, Note: r.Note, Created: row.Created,
		Decider: row.Decider, Decided: row.Decided, Comment: r.DecisionComment, Override: r.Override,
		Tab: c.Query("tab", "changes"), Docs: docsView(doc), Findings: spec.Lint(doc),
	}
	switch p.Tab {
	case "changes", "lint", "spec":
	default:
		p.Tab = "changes"
	}
	report, base, err := h.life.Compare(ctx, v)
	if err != nil {
		return err
	}
	if base != nil {
		breaking := report.BreakingChanges()
		p.Diff = reviews.Diff{
			Base: base.Version, Changes: report.Changes, Breaking: len(breaking),
			Blocked: base.Major == v.Major && len(breaking) > 0, NextMajor: fmt.Sprintf("%d.0.0", v.Major+1),
			Added: report.Added, Removed: report.Removed, Modified: report.Modified,
		}
	}
	p.IsRequester = r.RequesterID == u.ID
	// The forms the lifecycle would accept: four eyes, overrides and who
	// withdraws are its rules.
	d, err := h.life.Decisions(ctx, u, r)
	if err != nil {
		return err
	}
	p.CanReview, p.CanOverride, p.CanWithdraw = d.Review, d.Override, d.Withdraw
	fill(&p)
	title := fmt.Sprintf("Review of %s %s", a.Name, v.Version)
	return h.render(c, reviews.Show(h.page(c, title, "reviews"), p))
}

// reviewDone ends a decision from the review page, like versionDone.
func (h *Handler) reviewDone(c *fiber.Ctx, err error, msg, next string, fill func(*reviews.Page, map[string]string)) error {
	r := currentReview(c)
	back := fmt.Sprintf("/reviews/%d", r.ID)
	if fields, ok := fieldErrors(err); ok {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderReview(c, func(p *reviews.Page) { fill(p, fields) })
	}
	var te *lifecycle.TransitionError
	if errors.As(err, &te) && len(te.Breaking) > 0 {
		h.flash(c, "error", te.Reason)
		return seeOther(c, back+"?tab=changes")
	}
	if reason, ok := refusal(err); ok {
		h.flash(c, "error", reason)
		return seeOther(c, back)
	}
	if err != nil {
		return err
	}
	h.flash(c, "success", msg)
	if next == "" {
		next = back
	}
	return seeOther(c, next)
}

// ApproveReview publishes the reviewed version.
func (h *Handler) ApproveReview(c *fiber.Ctx) error {
	r := currentReview(c)
	a := currentAPI(c)
	comment := c.FormValue("comment")
	err := h.life.Approve(c.UserContext(), currentUser(c), r, comment, c.FormValue("override") == "yes")
	next, what := "", a.Name
	if r.Version != nil {
		next = "/apis/" + a.Slug + "/versions/" + r.Version.Version
		what += " " + r.Version.Version
	}
	return h.reviewDone(c, err, fmt.Sprintf("Approved: %s is published.", what), next, func(p *reviews.Page, fields map[string]string) {
		p.Approve = reviews.ApproveForm{Comment: comment, Errors: fields}
	})
}

// RejectReview sends the version back to draft with a reason.
func (h *Handler) RejectReview(c *fiber.Ctx) error {
	r := currentReview(c)
	reason := c.FormValue("reason")
	err := h.life.Reject(c.UserContext(), currentUser(c), r, reason)
	return h.reviewDone(c, err, "Rejected. The team has been told why.", "", func(p *reviews.Page, fields map[string]string) {
		p.Reject = reviews.RejectForm{Reason: reason, Errors: fields}
	})
}

// WithdrawReview takes the request back (its requester only).
func (h *Handler) WithdrawReview(c *fiber.Ctx) error {
	r := currentReview(c)
	err := h.life.Withdraw(c.UserContext(), currentUser(c), r)
	return h.reviewDone(c, err, "Request withdrawn. The version is a draft again.", "", func(*reviews.Page, map[string]string) {})
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

func toAPIChanges(cs []spec.Change) []apiChange {
	out := make([]apiChange, 0, len(cs))
	for _, c := range cs {
		out = append(out, apiChange{ID: c.ID, Level: c.Level, Operation: c.Operation, Path: c.Path, Text: c.Text})
	}
	return out
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
	if doc, err := h.life.StoredSpec(ctx, v); err == nil {
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
