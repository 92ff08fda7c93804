package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/spec"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/views/components"
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

// reviewsPerPage is the page size of the approvals inbox.
const reviewsPerPage = 50

// ListReviews renders the approvals inbox: open requests, or decided ones
// with ?state=decided, newest first, a page at a time (?page=).
func (h *Handler) ListReviews(c *fiber.Ctx) error {
	page, err := listPage(c)
	if err != nil {
		return err
	}
	in := reviews.Inbox{Tab: "open"}
	f := store.RequestFilter{State: store.RequestOpen, Offset: (page - 1) * reviewsPerPage, Limit: reviewsPerPage}
	q := url.Values{}
	if c.Query("state") == "decided" {
		in.Tab = "decided"
		f.State, f.Decided = "", true
		q.Set("state", "decided")
	}
	list, err := h.life.VisibleRequestsPage(c.UserContext(), currentUser(c), f)
	if err != nil {
		return err
	}
	in.AllTeams, in.Total = list.AllTeams, list.Total
	var done bool
	if in.Pager, done, err = pagedList(c, "/reviews", q, page, reviewsPerPage, list.Total); done {
		return err
	}
	for i := range list.Requests {
		in.Rows = append(in.Rows, reviewRow(&list.Requests[i]))
	}
	return h.render(c, reviews.List(h.page(c, "Reviews", "reviews"), in))
}

// ShowReview renders a publication request: a summary first, then the
// breaking changes by operation, the other findings collapsed by rule (or
// the page of findings a filter selects), and the description; the decision
// forms come last, so a reviewer reads before deciding.
func (h *Handler) ShowReview(c *fiber.Ctx) error {
	return h.renderReview(c, func(*reviews.Page) {})
}

// Sizes of the review page and answer: whatever a request holds, the page
// lists at most one page of breaking changes and a few items per rule.
const (
	reviewPerPage   = 50
	reviewMaxPage   = 200
	rulePreview     = 5
	endpointPreview = 30
)

// reviewQuery reads the filter and page of a review page or answer.
func reviewQuery(c *fiber.Ctx) (spec.Filter, int, int, error) {
	f := spec.Filter{Severity: c.Query("severity"), Rule: c.Query("rule"), Kind: c.Query("kind")}
	fields := map[string]string{}
	switch f.Severity {
	case "", spec.SeverityError, spec.SeverityWarn, spec.SeverityInfo:
	default:
		fields["severity"] = "Use error, warning or info."
	}
	switch f.Kind {
	case "", spec.ItemChange, spec.ItemValidation, spec.ItemLint:
	default:
		fields["kind"] = "Use change, validation or lint."
	}
	if len(f.Rule) > 128 {
		fields["rule"] = "Name a rule (at most 128 characters)."
	}
	page, perPage := 1, reviewPerPage
	if s := c.Query("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100000 {
			fields["page"] = "Use a page number from 1."
		}
		page = n
	}
	if s := c.Query("per_page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > reviewMaxPage {
			fields["per_page"] = fmt.Sprintf("Use a number from 1 to %d.", reviewMaxPage)
		}
		perPage = n
	}
	if len(fields) > 0 {
		return f, 0, 0, invalid(fields)
	}
	return f, page, perPage, nil
}

// pageURL is the review URL with the filter and a page.
func pageURL(id int64, f spec.Filter, page int) string {
	q := url.Values{}
	if f.Severity != "" {
		q.Set("severity", f.Severity)
	}
	if f.Rule != "" {
		q.Set("rule", f.Rule)
	}
	if f.Kind != "" {
		q.Set("kind", f.Kind)
	}
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	u := fmt.Sprintf("/reviews/%d", id)
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

func pager(id int64, f spec.Filter, page, perPage, total int) reviews.Pager {
	p := reviews.Pager{Page: page, PerPage: perPage, Total: total}
	if page > 1 {
		p.PrevURL = pageURL(id, f, page-1)
	}
	if page*perPage < total {
		p.NextURL = pageURL(id, f, page+1)
	}
	return p
}

func cut(list []string, n int) []string {
	if len(list) > n {
		return list[:n]
	}
	return list
}

// judgementView builds the review page's judgement from a review.
func (h *Handler) judgementView(c *fiber.Ctx, r *store.PublicationRequest, rv *lifecycle.Review, canAccept bool, f spec.Filter, page int) reviews.Judgement {
	j := rv.Judged
	out := reviews.Judgement{SameMajor: rv.SameMajor, Breaking: j.Breaking, Accepted: j.Accepted, Errors: j.Errors, Rules: j.Rules, Filter: f}
	if rv.Base != nil {
		out.Base = rv.Base.Version
	}
	if d := rv.Report.Diff; d != nil {
		out.Endpoints = reviews.Endpoints{Added: cut(d.Added, endpointPreview), Removed: cut(d.Removed, endpointPreview), Modified: cut(d.Modified, endpointPreview),
			AddedTotal: len(d.Added), RemovedTotal: len(d.Removed), ModifiedTotal: len(d.Modified)}
	}
	seenRule := map[string]bool{}
	for _, rc := range j.Rules {
		switch {
		case rc.Severity == spec.SeverityWarn:
			out.Warnings += rc.Count
		case rc.Severity == spec.SeverityInfo:
			out.Infos += rc.Count
		}
		if !seenRule[rc.Rule] {
			seenRule[rc.Rule] = true
			out.RuleOptions = append(out.RuleOptions, components.Option{Value: rc.Rule, Label: rc.Rule})
		}
	}
	view := func(it spec.Item) reviews.Item {
		v := reviews.Item{Item: it}
		if a, ok := rv.Acceptances[it.Key]; ok && it.Accepted {
			v.AcceptedReason, v.AcceptedAt = a.Reason, fmtTime(a.AcceptedAt)
			if a.Accepter != nil {
				v.AcceptedBy = a.Accepter.Username
			}
		}
		v.CanAccept = canAccept && it.Breaking()
		return v
	}
	if f.Severity != "" || f.Rule != "" || f.Kind != "" {
		items, total := j.Select(f, page, reviewPerPage)
		for _, it := range items {
			out.Filtered = append(out.Filtered, view(it))
		}
		out.FilterPage = pager(r.ID, f, page, reviewPerPage, total)
		return out
	}
	breaking, total := j.Select(spec.Filter{Breaking: true}, page, reviewPerPage)
	for _, it := range breaking {
		if n := len(out.BreakingGroups); n > 0 && out.BreakingGroups[n-1].Operation == it.Operation {
			out.BreakingGroups[n-1].Items = append(out.BreakingGroups[n-1].Items, view(it))
			continue
		}
		out.BreakingGroups = append(out.BreakingGroups, reviews.OperationGroup{Operation: it.Operation, Items: []reviews.Item{view(it)}})
	}
	out.BreakingPager = pager(r.ID, spec.Filter{}, page, reviewPerPage, total)
	// The rest, collapsed by rule: accepted changes, errors, warnings, info.
	previews := map[[2]string][]reviews.Item{}
	for _, it := range j.Items {
		if it.Breaking() {
			continue
		}
		k := [2]string{it.Severity, it.Rule}
		if len(previews[k]) < rulePreview {
			previews[k] = append(previews[k], view(it))
		}
	}
	for _, rc := range j.Rules {
		items := previews[[2]string{rc.Severity, rc.Rule}]
		if len(items) == 0 {
			continue
		}
		out.Collapsed = append(out.Collapsed, reviews.RuleGroup{RuleCount: rc, Items: items,
			FilterURL: pageURL(r.ID, spec.Filter{Severity: rc.Severity, Rule: rc.Rule}, 1)})
	}
	return out
}

func (h *Handler) renderReview(c *fiber.Ctx, fill func(*reviews.Page)) error {
	ctx := c.UserContext()
	r := currentReview(c)
	a := currentAPI(c)
	u := currentUser(c)
	f, page, _, err := reviewQuery(c)
	if err != nil {
		f, page = spec.Filter{}, 1
	}
	row := reviewRow(r)
	header, err := h.apiHeader(c, a)
	if err != nil {
		return err
	}
	p := reviews.Page{
		ID: r.ID, State: r.State, API: header, Version: row.Version, Requester: row.Requester, Note: r.Note, Created: row.Created,
		Decider: row.Decider, Decided: row.Decided, Comment: r.DecisionComment, Override: r.Override, Tab: c.Query("tab", "review"),
	}
	if r.Version != nil {
		p.VersionState, p.StateLabel = r.Version.State, lifecycle.State(r.Version.State).Label()
	}
	if p.Tab != "spec" {
		p.Tab = "review"
	}
	p.IsRequester = r.RequesterID == u.ID
	// The forms the lifecycle would accept: four eyes, overrides and who
	// withdraws are its rules; accepting a finding is a reviewer's too.
	d, err := h.life.Decisions(ctx, u, r)
	if err != nil {
		return err
	}
	p.CanReview, p.CanOverride, p.CanWithdraw = d.Review, d.Override, d.Withdraw
	rv, err := h.life.Review(ctx, r)
	if err != nil {
		return err
	}
	canAccept := r.State == store.RequestOpen && d.Review && !p.IsRequester
	p.Judgement = h.judgementView(c, r, rv, canAccept, f, page)
	p.Blocked, p.BlockReason, p.NextMajor = rv.Blocked, rv.BlockReason, rv.NextMajor
	if p.Tab == "spec" {
		// The rendered docs of the version, from the cache the docs page
		// fills too (versionDocs): the description is not read again.
		vs, err := h.store.Versions(ctx, a.ID) // an index answers it, not the rows with their descriptions
		if err != nil {
			return err
		}
		i := slices.IndexFunc(vs, func(v store.APIVersion) bool { return v.ID == r.VersionID })
		if i < 0 {
			return fmt.Errorf("review %d: version %d: %w", r.ID, r.VersionID, store.ErrNotFound)
		}
		docs, err := h.versionDocs(ctx, &vs[i])
		if err != nil {
			return fmt.Errorf("%s: %w", a.Slug, err)
		}
		p.Docs = docs.docs
	}
	fill(&p)
	title := fmt.Sprintf("Review of %s %s", store.Isolate(a.Name), p.Version)
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
	if errors.As(err, &te) && len(te.Blocking) > 0 {
		h.flash(c, "error", te.Reason)
		return seeOther(c, back)
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
	comment, override := c.FormValue("comment"), c.FormValue("override") == "yes"
	err := h.life.Approve(c.UserContext(), currentUser(c), r, comment, override)
	next, what := "", store.Isolate(a.Name)
	if r.Version != nil {
		next = "/apis/" + a.Slug + "/versions/" + r.Version.Version
		what = versionName(a, r.Version.Version)
	}
	return h.reviewDone(c, err, fmt.Sprintf("Approved: %s is published.", what), next, func(p *reviews.Page, fields map[string]string) {
		p.Approve = reviews.ApproveForm{Comment: comment, Override: override, Errors: fields}
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

// apiItem is one change or finding of a review, at the org's severity.
type apiItem struct {
	Kind      string `json:"kind"`
	Rule      string `json:"rule"`
	Severity  string `json:"severity"`
	Breaking  bool   `json:"breaking"`
	Operation string `json:"operation,omitempty"`
	Location  string `json:"location,omitempty"`
	Line      int    `json:"line,omitempty"`
	InBase    bool   `json:"in_base,omitempty"`
	Message   string `json:"message"`
	Old       string `json:"old,omitempty"`
	New       string `json:"new,omitempty"`
	Key       string `json:"key"`
	Accepted  bool   `json:"accepted,omitempty"`
}

type apiRuleCount struct {
	Rule     string `json:"rule"`
	Kind     string `json:"kind"`
	Severity string `json:"severity"`
	Count    int    `json:"count"`
}

type apiReviewSummary struct {
	Breaking int            `json:"breaking"`
	Accepted int            `json:"accepted"`
	Errors   int            `json:"errors"`
	Warnings int            `json:"warnings"`
	Info     int            `json:"info"`
	Added    int            `json:"added"`
	Removed  int            `json:"removed"`
	Modified int            `json:"modified"`
	Rules    []apiRuleCount `json:"rules"`
}

type apiAcceptance struct {
	Key        string    `json:"key"`
	Rule       string    `json:"rule"`
	Reason     string    `json:"reason"`
	AcceptedBy string    `json:"accepted_by"`
	AcceptedAt time.Time `json:"accepted_at"`
}

type apiReviewDetail struct {
	apiReview
	// BaseVersion is the Portico version compared with, null for a first release.
	BaseVersion *string `json:"base_version"`
	// Breaking says that breaking changes block the request (same major).
	Breaking    bool             `json:"breaking"`
	Blocked     bool             `json:"blocked"`
	BlockReason string           `json:"block_reason,omitempty"`
	NextMajor   string           `json:"next_major"`
	Summary     apiReviewSummary `json:"summary"`
	// Findings is the page of items the filter selects, breaking changes
	// first; Total counts them all.
	Findings    []apiItem       `json:"findings"`
	Total       int             `json:"total"`
	Page        int             `json:"page"`
	PerPage     int             `json:"per_page"`
	Acceptances []apiAcceptance `json:"acceptances"`
}

func toAPIItems(items []spec.Item) []apiItem {
	out := make([]apiItem, 0, len(items))
	for _, it := range items {
		out = append(out, apiItem{Kind: it.Kind, Rule: it.Rule, Severity: it.Severity, Breaking: it.Breaking(), Operation: it.Operation,
			Location: it.Location, Line: it.Line, InBase: it.InBase, Message: it.Message, Old: it.Old, New: it.New, Key: it.Key, Accepted: it.Accepted})
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
// their own teams' for everybody else, team reviewers included. Newest
// first, limit at a time (100, at most 500); next is the before= of the
// following page, null on the last one.
func (h *Handler) APIListReviews(c *fiber.Ctx) error {
	stateParam := c.Query("state", "open")
	fields := map[string]string{}
	state, ok := reviewStates[stateParam]
	if !ok {
		fields["state"] = "Use open, approved, rejected, withdrawn or all."
	}
	f := store.RequestFilter{State: state, Limit: 100}
	if s := c.Query("before"); s != "" {
		n, err := parsePositive(s)
		if err != nil {
			fields["before"] = "Use the next value of a previous page (a positive integer)."
		}
		f.Before = n
	}
	if s := c.Query("limit"); s != "" {
		n, err := parsePositive(s)
		if err != nil || n > 500 {
			fields["limit"] = "Use a number from 1 to 500."
		}
		f.Limit = int(n)
	}
	if len(fields) > 0 {
		return invalid(fields)
	}
	list, err := h.life.VisibleRequestsPage(c.UserContext(), currentUser(c), f)
	if err != nil {
		return err
	}
	reqs := list.Requests
	var next *string
	if list.Total > len(reqs) && len(reqs) > 0 { // Total counts those before f.Before, beyond the limit too
		s := strconv.FormatInt(reqs[len(reqs)-1].ID, 10)
		next = &s
	}
	out := make([]apiReview, 0, len(reqs))
	for i := range reqs {
		out = append(out, toAPIReview(&reqs[i]))
	}
	return c.JSON(struct {
		Reviews []apiReview `json:"reviews"`
		Next    *string     `json:"next"`
	}{out, next})
}

// APIGetReview returns a publication request as reviewers judge it: a
// summary, and the page of findings its filter selects (severity, rule,
// kind; page and per_page), breaking changes first.
func (h *Handler) APIGetReview(c *fiber.Ctx) error {
	ctx := c.UserContext()
	r := currentReview(c)
	f, page, perPage, err := reviewQuery(c)
	if err != nil {
		return err
	}
	rv, err := h.life.Review(ctx, r)
	if err != nil {
		return err
	}
	j := rv.Judged
	out := apiReviewDetail{apiReview: toAPIReview(r), Breaking: rv.SameMajor && j.Breaking > 0, Blocked: rv.Blocked, BlockReason: rv.BlockReason,
		NextMajor: rv.NextMajor, Page: page, PerPage: perPage, Acceptances: []apiAcceptance{},
		Summary: apiReviewSummary{Breaking: j.Breaking, Accepted: j.Accepted, Errors: j.Errors, Rules: []apiRuleCount{}}}
	if rv.Base != nil {
		bv := rv.Base.Version
		out.BaseVersion = &bv
	}
	if d := rv.Report.Diff; d != nil {
		out.Summary.Added, out.Summary.Removed, out.Summary.Modified = len(d.Added), len(d.Removed), len(d.Modified)
	}
	for _, rc := range j.Rules {
		out.Summary.Rules = append(out.Summary.Rules, apiRuleCount(rc))
		switch rc.Severity {
		case spec.SeverityWarn:
			out.Summary.Warnings += rc.Count
		case spec.SeverityInfo:
			out.Summary.Info += rc.Count
		}
	}
	items, total := j.Select(f, page, perPage)
	out.Findings, out.Total = toAPIItems(items), total
	for key, a := range rv.Acceptances {
		acc := apiAcceptance{Key: key, Rule: a.RuleID, Reason: a.Reason, AcceptedAt: a.AcceptedAt}
		if a.Accepter != nil {
			acc.AcceptedBy = a.Accepter.Username
		}
		out.Acceptances = append(out.Acceptances, acc)
	}
	sort.Slice(out.Acceptances, func(i, j int) bool { return out.Acceptances[i].AcceptedAt.Before(out.Acceptances[j].AcceptedAt) })
	return c.JSON(out)
}

// APIAcceptFinding accepts one breaking change of the request as a known
// false positive, with a reason (a reviewer other than the requester).
func (h *Handler) APIAcceptFinding(c *fiber.Ctx) error {
	var body struct {
		Reason string `json:"reason"`
	}
	if err := decodeOptionalJSON(c, &body); err != nil {
		return err
	}
	key := c.Params("key")
	return h.reviewAction(c, func(ctx context.Context, u *store.User, r *store.PublicationRequest) error {
		return h.life.AcceptFinding(ctx, u, r, key, body.Reason)
	})
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

// AcceptFinding accepts one breaking change of the request as a known false
// positive, with a reason (reviewers other than the requester).
func (h *Handler) AcceptFinding(c *fiber.Ctx) error {
	r := currentReview(c)
	key := c.Params("key")
	reason := c.FormValue("reason")
	err := h.life.AcceptFinding(c.UserContext(), currentUser(c), r, key, reason)
	return h.reviewDone(c, err, "Accepted as a known false positive. It no longer blocks the request.", "", func(p *reviews.Page, fields map[string]string) {
		p.AcceptKey, p.AcceptReason = key, reason
		p.AcceptError = fields["reason"]
		if p.AcceptError == "" {
			p.AcceptError = fields["key"]
		}
	})
}
