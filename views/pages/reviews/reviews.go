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
}

// Diff is the comparison of the reviewed version with the latest live one.
type Diff struct {
	// Base is the version compared with; empty when there is none.
	Base     string
	Changes  []spec.Change
	Breaking int
	// Blocked says that the breaking changes refuse the publication (same major).
	Blocked   bool
	NextMajor string
	Added     []string
	Removed   []string
	Modified  []string
}

// ApproveForm approves a request.
type ApproveForm struct {
	Comment string
	Errors  components.FieldErrors
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

	// Tab is "changes", "lint" or "spec".
	Tab      string
	Docs     apis.Docs
	Findings []spec.Finding
	Diff     Diff

	CanReview   bool
	CanOverride bool
	CanWithdraw bool
	IsRequester bool
	Approve     ApproveForm
	Reject      RejectForm
}
