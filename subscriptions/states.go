package subscriptions

import (
	"fmt"
	"strings"

	"github.com/portico-dev/portico/apperr"
)

// State is where a subscription is.
type State string

// Subscription states.
const (
	Pending   State = "pending"
	Active    State = "active"
	Rejected  State = "rejected"
	Cancelled State = "cancelled"
	Revoked   State = "revoked"
	Ended     State = "ended"
)

// States lists every state.
func States() []State { return []State{Pending, Active, Rejected, Cancelled, Revoked, Ended} }

// ValidState reports whether s names a state.
func ValidState(s string) bool {
	for _, st := range States() {
		if string(st) == s {
			return true
		}
	}
	return false
}

// Action is something done to a subscription.
type Action string

// Actions on a subscription.
const (
	Approve Action = "approve"
	Reject  Action = "reject"
	Cancel  Action = "cancel"
	Revoke  Action = "revoke"
	// End is the lifecycle's: retiring the last live version of a major
	// ends its subscriptions.
	End Action = "end"
)

// Side says whose permission an action needs.
type Side string

// Sides of a subscription.
const (
	// Provider is the API's team: "subscriptions decide" in its domain.
	Provider Side = "provider"
	// Consumer is the app's team: "apps manage" in its domain.
	Consumer Side = "consumer"
	// System is the lifecycle (a retirement), never a user.
	System Side = "system"
)

// Transition is one allowed move of a subscription.
type Transition struct {
	Action Action
	From   State
	To     State
	Side   Side
	// Reason is set when the action needs a reason (shown to the consumer).
	Reason bool
	Who    string
}

// transitions is the life of a subscription: every allowed move, and only
// those. A subscription is created pending (manual plan) or active (auto).
var transitions = []Transition{
	{Approve, Pending, Active, Provider, false, "the API's team maintainers and owners, org admins"},
	{Reject, Pending, Rejected, Provider, true, "the API's team maintainers and owners, org admins"},
	{Cancel, Pending, Cancelled, Consumer, false, "the app's team developers and above (withdraws the request)"},
	{Cancel, Active, Cancelled, Consumer, false, "the app's team developers and above"},
	{Revoke, Active, Revoked, Provider, true, "the API's team maintainers and owners, org admins"},
	{End, Pending, Ended, System, false, "retiring the last live version of the major"},
	{End, Active, Ended, System, false, "retiring the last live version of the major"},
}

// Transitions returns the table.
func Transitions() []Transition { return append([]Transition(nil), transitions...) }

// Find returns the transition for action from state, if the table allows it.
func Find(action Action, from State) (Transition, bool) {
	for _, t := range transitions {
		if t.Action == action && t.From == from {
			return t, true
		}
	}
	return Transition{}, false
}

// SideOf returns whose permission action needs.
func SideOf(action Action) Side {
	for _, t := range transitions {
		if t.Action == action {
			return t.Side
		}
	}
	panic(fmt.Sprintf("subscriptions: unknown action %q", action))
}

// Allowed lists the actions a side may take from a state.
func Allowed(from State, side Side) []Action {
	var out []Action
	for _, t := range transitions {
		if t.From == from && t.Side == side {
			out = append(out, t.Action)
		}
	}
	return out
}

func notAllowed(action Action, from State) error {
	var next []string
	for _, t := range transitions {
		if t.From == from && t.Side != System {
			next = append(next, string(t.Action))
		}
	}
	msg := fmt.Sprintf("Cannot %s a subscription that is %s.", action, from)
	if len(next) > 0 {
		msg += " From " + string(from) + " it can be: " + strings.Join(next, ", ") + "."
	} else {
		msg += " " + strings.ToUpper(string(from[:1])) + string(from[1:]) + " is final."
	}
	return apperr.Conflict(msg)
}
