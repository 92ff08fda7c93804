// Package usage holds the usage pages: a subscription's usage for its
// consumer and provider teams, and an API's usage for its team.
package usage

import "github.com/portico-dev/portico/views/components"

// RangeLink is one of the ranges a usage page offers (1 h, 24 h, 7 d, 30 d).
type RangeLink struct {
	Label  string
	Href   string
	Active bool
}

// Totals sums a range: the numbers above the charts.
type Totals struct {
	Requests, Errors, RateLimited string
	ErrorRate                     string
	P50, P95                      string
}

// Subscription is a subscription's usage page.
type Subscription struct {
	ID               int64
	AppSlug, AppName string
	// AppRemoved: the app was removed (named, not linked).
	AppRemoved       bool
	APISlug, APIName string
	Major            int
	PlanName         string
	// ShowApp links the app's page: the viewer sees it (the consumer team).
	ShowApp bool
	Ranges  []RangeLink
	CSV     string
	Totals  Totals
	// QuotaUsed are the requests accepted today (UTC), rate-limited ones
	// left out; Quota the plan's daily quota ("" without one) and
	// QuotaPercent the share used.
	QuotaUsed    string
	Quota        string
	QuotaPercent int
	Chart        components.UsageChart
}

// Group is one line of a breakdown: an app's subscription or a major
// version.
type Group struct {
	Label     string
	Sub       string
	Href      string
	Requests  string
	Errors    string
	ErrorRate string
	P50, P95  string
}

// API is an API's usage page for its team.
type API struct {
	APISlug, APIName string
	Ranges           []RangeLink
	CSV              string
	Totals           Totals
	Chart            components.UsageChart
	TopApps          []Group
	Majors           []Group
}
