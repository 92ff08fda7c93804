// Package layout holds the page shell shared by every screen.
package layout

// Page is what the layout needs to know about the request: who is looking,
// the CSRF token for forms, messages to flash and which navigation entry is
// active. Handlers fill it once per request.
type Page struct {
	Title   string
	Nav     string // active navigation entry: "home", "catalog", "teams", "reviews", "users", "audit", "notifications", "profile"
	User    *User  // nil when logged out
	CSRF    string
	Flashes []Flash
	Unread  int // unread notifications
	// Requests counts the subscription requests waiting for the user's
	// decision; shown when User.DecidesSubscriptions.
	Requests int
	// ChoosingPassword hides the navigation: the user must choose their
	// password first, and every other page leads back here.
	ChoosingPassword bool
}

// User is the logged-in user as the layout shows them.
type User struct {
	Username    string
	DisplayName string
	// SeesUsers and SeesAudit show the Users and Audit links: the
	// permissions their pages require.
	SeesUsers bool
	SeesAudit bool
	// DecidesSubscriptions shows the subscription requests link: the user
	// decides subscriptions to some team's APIs.
	DecidesSubscriptions bool
	SeesGateway          bool
}

// Initials returns up to two letters for the user's avatar.
func (u *User) Initials() string {
	name := u.DisplayName
	if name == "" {
		name = u.Username
	}
	var out []rune
	prevSpace := true
	for _, r := range name {
		if r == ' ' || r == '-' || r == '_' || r == '.' {
			prevSpace = true
			continue
		}
		if prevSpace && len(out) < 2 {
			out = append(out, r)
		}
		prevSpace = false
	}
	if len(out) == 0 {
		return "?"
	}
	return string(out)
}

// Flash is a one-time message shown at the top of the next page.
type Flash struct {
	Kind    string // "success", "error" or "info"
	Message string
	// Link, a path of the portal, follows the message as LinkText; never
	// from the flash cookie (a message for the page being rendered only).
	Link     string `json:"-"`
	LinkText string `json:"-"`
}
