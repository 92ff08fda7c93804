package handlers

import (
	"errors"
	"fmt"
	"sort"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/spec"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/views/pages/reviews"
)

// inboxRequests returns the publication requests the user may follow, newest
// first: every team's for org reviewers (approvers and admins), those of the
// user's own teams for everybody else, which includes every request a team
// reviewer may review (a team reviewer is a member of the team).
func (h *Handler) inboxRequests(c *fiber.Ctx, state string) ([]store.PublicationRequest, bool, error) {
	ctx := c.UserContext()
	if h.can(c, policy.OrgDomain, "reviews", "read") {
		rs, err := h.store.Requests(ctx, store.RequestFilter{State: state, Limit: 200})
		return rs, true, err
	}
	ms, err := h.store.Memberships(ctx, currentUser(c).ID)
	if err != nil {
		return nil, false, err
	}
	var out []store.PublicationRequest
	for _, m := range ms {
		rs, err := h.store.Requests(ctx, store.RequestFilter{State: state, TeamID: m.Team.ID, Limit: 200})
		if err != nil {
			return nil, false, err
		}
		out = append(out, rs...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	return out, false, nil
}

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
	var rs []store.PublicationRequest
	if in.Tab == "open" {
		list, all, err := h.inboxRequests(c, store.RequestOpen)
		if err != nil {
			return err
		}
		rs, in.AllTeams = list, all
	} else {
		list, all, err := h.inboxRequests(c, "")
		if err != nil {
			return err
		}
		in.AllTeams = all
		for _, r := range list {
			if r.State != store.RequestOpen {
				rs = append(rs, r)
			}
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
	doc, err := h.life.StoredSpec(v)
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
	domain := policy.TeamDomain(a.Team.Slug)
	p.IsRequester = r.RequesterID == u.ID
	// Reviewers decide in the API's team domain (org approvers and admins,
	// and the team's reviewers). Four eyes: a requester gets no decision
	// forms, except an org admin, who may override.
	p.CanReview = h.can(c, domain, "api", "review") && (!p.IsRequester || u.OrgRole == policy.RoleAdmin)
	p.CanOverride = p.CanReview && p.IsRequester && u.OrgRole == policy.RoleAdmin
	p.CanWithdraw = h.can(c, domain, "api", "submit") && (p.IsRequester || u.OrgRole == policy.RoleAdmin)
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
