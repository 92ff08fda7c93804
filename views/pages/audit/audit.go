// Package audit holds the pages of the audit log.
package audit

import "github.com/portico-dev/portico/views/components"

// Event is one audit record as shown.
type Event struct {
	ID     int64
	When   string // UTC, minutes
	Actor  string
	Action string
	Object string // "api payments" or "version payments@1.2.0"
	Link   string // page of the object, empty when it has none
	Before string
	After  string
	Reason string
}

// Filter is the audit page's filter form, as submitted.
type Filter struct {
	Actor      string
	Action     string
	ObjectType string
	Team       string
}

// View is the org audit page.
type View struct {
	Filter      Filter
	Events      []Event
	Teams       []components.Option
	ObjectTypes []components.Option
	// Total counts the events the filter matches. More says that more
	// than Total match (the count stopped there).
	Total int
	More  bool
	// Newer and Older link to the pages next to this one (by the id of
	// its first or last event), Newest to the first page; "" when there
	// is none.
	Newer, Older, Newest string
}
