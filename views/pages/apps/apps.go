// Package apps holds the consumer's pages (apps, their subscriptions and
// keys, the key shown once, the subscribe form) and the provider's
// (subscription requests, subscribers).
package apps

import "github.com/portico-dev/portico/views/components"

// App is an app as listed.
type App struct {
	Slug, Name         string
	TeamSlug, TeamName string
	Contact            string
	Description        string
}

// AppForm creates or edits an app, as submitted, with its errors.
type AppForm struct {
	Team, Slug, Name, Description, Contact string
	Errors                                 components.FieldErrors
}

// Key is an API key as listed: never its secret.
type Key struct {
	Kid, Prefix, Name string
	// Status is active, rotated (in its grace period), expired or revoked.
	Status    string
	Created   string
	CreatedBy string
	Expires   string
	GraceEnds string
	LastUsed  string
	CanRotate bool
	CanRevoke bool
}

// Of names the key in the accessible names of its row's actions (Rotate,
// Revoke; see components.Confirm.Of): its prefix and its name, as the row
// shows them.
func (k Key) Of() string { return k.Prefix + " (" + k.Name + ")" }

// RotateForm is the rotate form of the key Kid as submitted: the grace
// period chosen, the date typed, and the messages about them.
type RotateForm struct {
	Kid, Grace, Until string
	Errors            components.FieldErrors
}

// Subscription is a subscription as listed on either side.
type Subscription struct {
	ID               int64
	State            string
	AppSlug, AppName string
	// AppRemoved: the app was removed; its page is gone (its slug may
	// name another app now), so the app is named, not linked.
	AppRemoved         bool
	TeamSlug, TeamName string
	APISlug, APIName   string
	APITeamName        string
	Major              int
	Version            string
	PlanName           string
	Approval           string
	Purpose, Reason    string
	Requester          string
	Since              string
	Waiting            string
	// GatewayURL is where an active subscription's app calls the API
	// through the gateway nodes; empty otherwise, or when the portal is
	// not told their public address.
	GatewayURL string
	// Reach says, with GatewayURL, how many gateway nodes serve the API
	// major's current settings (control.Reach.Status).
	Reach string
	Keys  []Key
	// AllKeys is how many keys the subscription has when Keys leaves
	// some out (older ended ones), else 0.
	AllKeys int
	// ShowKeys is set for the app's team: the keys and the key form.
	ShowKeys    bool
	CanIssueKey bool
	CanCancel   bool
	CanApprove  bool
	CanReject   bool
	CanRevoke   bool
}

// List is the consumer's Apps page: the apps of the user's teams and the
// subscriptions of those apps (each a page at a time) and the new-app form.
type AppsList struct {
	Apps []App
	// AppsAfter is the cursor this page of apps starts after (empty on
	// the first), AppsNext the next page's (empty on the last).
	AppsAfter, AppsNext string
	Teams               []components.Option // where the user may create apps
	Form                AppForm
	Subscriptions       []Subscription
	State               string
	// Before is the cursor this page of subscriptions starts before
	// (empty on the first), Next the next page's (empty on the last).
	Before string
	Next   string
}

// Show is an app's page: the app, its subscriptions with their keys.
type AppDetail struct {
	App           App
	CanManage     bool
	Edit          AppForm
	Subscriptions []Subscription
	Next          string
	Grace         []components.Option
	// Rotate is the rotate form of one key as submitted, with its errors.
	Rotate RotateForm
	// KeyErrors are the key form's errors, for the subscription KeyFor,
	// with its values as submitted.
	KeyFor     int64
	KeyName    string
	KeyExpires string
	KeyErrors  components.FieldErrors
}

// SubscriptionKeys is the page of all keys of a subscription.
type SubscriptionKeys struct {
	AppSlug, AppName string
	// AppRemoved: the app was removed (named, not linked).
	AppRemoved bool
	APIName    string
	Major      int
	Keys       []Key
	Total      int
	Grace      []components.Option
	Pager      components.Pager
}

// KeyShown is the page that shows a new key, once.
type KeyShown struct {
	AppSlug, AppName string
	APISlug, APIName string
	Major            int
	Prefix, Name     string
	Key              string
	// GatewayURL is where the API's major is called through the gateway
	// nodes ({base}/{api}/v{major}/); empty when the portal is not told
	// their public address, or when the gateway does not serve it.
	GatewayURL string
	// Reach says, with GatewayURL, how many gateway nodes serve the API
	// major's current settings (control.Reach.Status).
	Reach string
	// NotServed: the API's major has no upstream targets in force, so the
	// gateway does not serve it (yet).
	NotServed bool
	// Replaced names the rotated key and until when it stays valid.
	Replaced string
}

// Subscribe is the subscribe page of an API.
type Subscribe struct {
	APISlug, APIName, TeamName string
	Plans                      []components.PlanCard
	Majors                     []components.Option
	Apps                       []components.Option // the user's apps it may subscribe
	Teams                      []components.Option // where it may create an app
	Why                        string
	Form                       SubscribeForm
}

// SubscribeForm is the subscribe form as submitted.
type SubscribeForm struct {
	App, Plan, Major, Purpose string
	// Team, AppSlug and AppName create an app on the spot (App "new").
	Team, AppSlug, AppName string
	Errors                 components.FieldErrors
	FormError              string
}

// Requests is the provider's inbox of pending subscriptions.
type Requests struct {
	Rows     []Subscription
	Total    int
	Next     string
	Decision Decision
}

// Decision is a reject or revoke form as submitted to the subscription ID,
// with the message about its reason.
type Decision struct {
	ID     int64
	Reason string
	Error  string
}

// Subscribers is the API's subscribers tab.
type Subscribers struct {
	APISlug, APIName string
	Rows             []Subscription
	State            string
	Next             string
	Decision         Decision
}
