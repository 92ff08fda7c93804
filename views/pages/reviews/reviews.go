// Package reviews holds the approvals inbox and the publication request page.
package reviews

import (
	"github.com/portico-dev/portico/spec"
	"github.com/portico-dev/portico/views/components"
	"github.com/portico-dev/portico/views/pages/apis"
)

// Row is one publication request in the inbox.
type Row struct {
	ID        int64
	API       string
	APISlug   string
	Team      string
	Version   string
	Requester string
	State     string
	Created   string
	Decided   string
	Decider   string
}

// Inbox is the approvals inbox.
type Inbox struct {
	// Tab is "open" or "decided".
	Tab  string
	Rows []Row
	// AllTeams says whether the viewer sees every team's requests (a
	// reviewer) or only those of their own teams.
	AllTeams bool
	// Total counts the tab's requests; Pager pages through them.
	Total int
	Pager components.Pager
}

// Row of a judgement: a change or finding, with who accepted it when a
// reviewer did.
type Item struct {
	spec.Item
	AcceptedBy     string
	AcceptedReason string
	AcceptedAt     string
	// CanAccept offers the reviewer to accept this breaking change as a
	// known false positive.
	CanAccept bool
}

// OperationGroup is the breaking changes of one operation.
type OperationGroup struct {
	// Operation is "GET /v1/pets", or empty for changes outside paths.
	Operation string
	Items     []Item
}

// RuleGroup is the items of one rule at one severity, collapsed.
type RuleGroup struct {
	spec.RuleCount
	// Items are the first few; the filter link shows them all.
	Items []Item
	// FilterURL lists every item of the rule, page by page.
	FilterURL string
}

// Pager pages a list.
type Pager struct {
	Page, PerPage, Total int
	PrevURL, NextURL     string
}

// Endpoints lists the endpoints added, removed and modified, each cut at a
// few dozen (with the total).
type Endpoints struct {
	Added, Removed, Modified                []string
	AddedTotal, RemovedTotal, ModifiedTotal int
}

// Judgement is what the review page shows of a request's report.
type Judgement struct {
	// Base is the Portico version compared with; empty when there is none.
	Base string
	// SameMajor says breaking changes count against Base.
	SameMajor bool
	Breaking  int
	Accepted  int
	Errors    int
	Warnings  int
	Infos     int
	// Rules counts every item by rule and severity, most severe first.
	Rules []spec.RuleCount
	// BreakingGroups are the (page of) breaking changes by operation.
	BreakingGroups []OperationGroup
	BreakingPager  Pager
	// Collapsed are the other items, by rule.
	Collapsed []RuleGroup
	// Filter is set when the reviewer filters; Filtered then lists the
	// page of matching items.
	Filter     spec.Filter
	Filtered   []Item
	FilterPage Pager
	Endpoints  Endpoints
	// RuleOptions are the rules to filter by.
	RuleOptions []components.Option
}

// ApproveForm approves a request.
type ApproveForm struct {
	Comment string
	// Override is the org admin's "override four eyes" box, as submitted.
	Override bool
	Errors   components.FieldErrors
}

// RejectForm rejects a request.
type RejectForm struct {
	Reason string
	Errors components.FieldErrors
}

// Page is a publication request.
type Page struct {
	ID           int64
	State        string
	API          apis.Header
	Version      string
	VersionState string
	StateLabel   string
	Requester    string
	Note         string
	Created      string
	Decider      string
	Decided      string
	Comment      string
	Override     bool

	// Tab is "review" or "spec".
	Tab       string
	Docs      apis.Docs
	Judgement Judgement
	// Blocked says approving would be refused; BlockReason says why and
	// NextMajor is the version to publish as instead.
	Blocked     bool
	BlockReason string
	NextMajor   string

	CanReview   bool
	CanOverride bool
	CanWithdraw bool
	IsRequester bool
	Approve     ApproveForm
	Reject      RejectForm
	// Accept is the form of an acceptance that failed, by finding key.
	AcceptKey    string
	AcceptReason string
	AcceptError  string
}
