// Package apis holds the pages of APIs and their versions: the team's list,
// the API page with its versions and history, the forms, and the docs.
package apis

import (
	"github.com/portico-dev/portico/spec"
	"github.com/portico-dev/portico/views/components"
	"github.com/portico-dev/portico/views/pages/audit"
)

// Form creates or edits an API, as submitted, with its errors.
type Form struct {
	TeamSlug, TeamName string
	Slug               string
	Name               string
	Summary            string
	Description        string
	Tags               string // comma separated
	Visibility         string
	Upstreams          string // one per line
	LockVersion        int64
	Editing            bool
	Errors             components.FieldErrors
	FormError          string
	// Transfer is the form that moves the API to another team, shown
	// when the viewer may move it somewhere (Teams not empty).
	Transfer Transfer
}

// Transfer is the form that moves an API to another team.
type Transfer struct {
	// Teams are the teams the viewer may move the API to.
	Teams []components.Option
	// Team is the chosen team; Error the refusal of the last attempt,
	// shown with the form open.
	Team, Error string
}

// Header is what identifies an API on all of its pages.
type Header struct {
	Slug, Name, Summary string
	TeamSlug, TeamName  string
	Visibility          string
	Tags                []string
}

// VersionRow is one version in the API's versions table.
type VersionRow struct {
	Version    string
	State      string
	StateLabel string
	Operations int
	Created    string
	Published  string
	Deprecated string
	Sunset     string
	Successor  string
	Default    bool
}

// Detail is the API page.
type Detail struct {
	Header
	// DescriptionHTML is the description rendered and sanitised.
	DescriptionHTML string
	Upstreams       []string
	// Versions are the drafts and live versions, newest first; Retired
	// lists retired ones, which leave the default listings.
	Versions []VersionRow
	Retired  []VersionRow
	History  []audit.Event
	CanEdit  bool
	CanDraft bool
	// Plans are the API's plans (closed ones shown to its team only);
	// Offer says why nothing can be subscribed to ("" when something can).
	Plans           []components.PlanCard
	Offer           string
	CanSubscribe    bool
	SeesSubscribers bool
	CanManagePlans  bool
	// PlanForm is the new-plan form; PlanEdits the edit form of each plan.
	PlanForm   components.PlanForm
	PlanEdits  []components.PlanForm
	CanGateway bool
	// DocsVersion is the version whose documentation the API page leads to
	// (its default version; "" when none is live), with its operations.
	DocsVersion    string
	DocsOperations int
}

// VersionForm creates a version or replaces a draft's spec.
type VersionForm struct {
	API     Header
	Version string
	Spec    string
	// Latest is the version a new one is copied from when no spec is given.
	Latest  string
	Editing bool
	MaxSize string
	// FromFile names the uploaded file whose content Spec holds again after
	// an error (a browser cannot re-fill a file input).
	FromFile string
	Errors   components.FieldErrors
}

// Docs is the server-rendered documentation of a version.
type Docs struct {
	Title           string
	Version         string
	DescriptionHTML string
	Servers         []string
	Security        []spec.SecuritySchemeDoc
	Groups          []DocGroup
	// Operations counts the distinct operations shown; Total those of the
	// description, before Filter (the words the operations were filtered
	// by, "" for none).
	Operations int
	Total      int
	Filter     string
}

// DocGroup is the operations under one tag.
type DocGroup struct {
	Tag             string
	DescriptionHTML string
	Operations      []DocOperation
}

// DocOperation is one operation with its description rendered.
type DocOperation struct {
	spec.OperationDoc
	DescriptionHTML string
	// Anchor is the operation's fragment id, for links to it.
	Anchor string
	// HTML is the operation already rendered (by Operation), when the
	// documentation comes from the cache; Operation renders it otherwise.
	HTML string
}

// VersionLink is one entry of a docs page's version switcher.
type VersionLink struct {
	Version, State, StateLabel string
	Default, Current           bool
}

// RetireForm is the confirmation of a retirement: Consequences say what it
// does; Refusal, when set, why it cannot be done now (no form is shown).
type RetireForm struct {
	Consequences []string
	Refusal      string
	Confirm      string
	Errors       components.FieldErrors
}

// DeprecateForm announces a sunset.
type DeprecateForm struct {
	Sunset    string // yyyy-mm-dd
	Successor string
	Errors    components.FieldErrors
}

// SubmitForm asks for review.
type SubmitForm struct {
	Note   string
	Errors components.FieldErrors
}

// Version is a version's docs page.
type Version struct {
	API        Header
	Version    string
	State      string
	StateLabel string
	Format     string
	Default    bool
	Created    string
	Published  string
	Deprecated string
	Sunset     string
	Successor  string
	Retired    string
	// GatewayURL is where a published or deprecated version is called
	// through the gateway nodes; empty otherwise, or when the portal is
	// not told their public address.
	GatewayURL string
	// ExampleURL is what the example request calls: GatewayURL and the
	// path of ExampleOperation ("GET /pets"), an operation of the version
	// that needs nothing but the key, or GatewayURL alone when it has none.
	ExampleURL       string
	ExampleOperation string
	// Reach says how many gateway nodes serve the version's current
	// settings ("served by all 2 nodes"), next to GatewayURL; empty
	// without it.
	Reach string
	// NotServed: the version is published or deprecated, but its major
	// has no upstream targets in force, so the gateway does not serve it;
	// set only for those who may set the targets.
	NotServed bool
	Docs      Docs
	Findings  []spec.Finding
	// OpenReview is the id of the version's open publication request, 0 when none.
	OpenReview int64
	// Rejection is the reviewer's answer when the draft's last publication
	// request was rejected; nil otherwise.
	Rejection *Rejection

	CanSubmit      bool
	CanDeprecate   bool
	CanUndeprecate bool
	CanRetire      bool
	CanEditDraft   bool
	Successors     []components.Option
	MinSunset      string
	Submit         SubmitForm
	Deprecate      DeprecateForm
	Retire         RetireForm
	// Versions are the API's versions the viewer sees, for the switcher.
	Versions []VersionLink
}

// Reference is the interactive API reference page.
type Reference struct {
	API     Header
	Version string
	State   string
	SpecURL string
	// TryOrigins are the API's servers this page's Content-Security-Policy
	// lets "Test Request" reach; none turns the button off.
	TryOrigins []string
	// Unreachable are declared server URLs the page cannot send requests
	// to (relative, not http(s), plain http from an https page, too many).
	Unreachable []string
}

// Rejection is a rejected publication request as the draft's page shows it.
type Rejection struct {
	Request int64
	By, On  string
	Reason  string
}
