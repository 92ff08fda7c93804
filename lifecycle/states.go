// Package lifecycle holds the rules of an API version's life, from draft to
// retirement: the transition table (data, in one place) and the service
// that applies it for the pages, the JSON API and the CLI alike, writing the
// change, its audit record, its notifications and its outbox messages in one
// transaction.
package lifecycle

import (
	"fmt"

	"github.com/portico-dev/portico/store"
)

// State is where a version is in its life.
type State string

// Version states.
const (
	Draft      State = "draft"
	InReview   State = "in_review"
	Published  State = "published"
	Deprecated State = "deprecated"
	Retired    State = "retired"
)

// States lists every state in lifecycle order.
func States() []State { return []State{Draft, InReview, Published, Deprecated, Retired} }

// Label is the state as people read it.
func (s State) Label() string {
	switch s {
	case InReview:
		return "in review"
	}
	return string(s)
}

// Action is something done to a version.
type Action string

// Actions on a version.
const (
	Submit      Action = "submit"
	Withdraw    Action = "withdraw"
	Reject      Action = "reject"
	Approve     Action = "approve"
	Deprecate   Action = "deprecate"
	Undeprecate Action = "undeprecate"
	Retire      Action = "retire"
	// Import publishes a draft directly, without review: org admins only,
	// for bringing an existing catalog in. It is recorded as an import.
	Import Action = "import"
)

// Transition is one allowed move of the lifecycle.
type Transition struct {
	Action Action
	From   State
	To     State
	// Permission is the policy action (object "api", the API's team domain)
	// the actor needs.
	Permission string
	// Who and Condition say in words who may and when, for pages and errors.
	Who       string
	Condition string
	// Subscriptions is what the move does to the subscriptions of the
	// version's major when no other version serves that major.
	Subscriptions Effect
}

// Effect is what a transition does to the subscriptions of the version's major.
type Effect string

// Effects on subscriptions.
const (
	// NoEffect leaves them alone.
	NoEffect Effect = ""
	// NotifySubscribers tells the subscribers (the sunset and successor of a deprecation).
	NotifySubscribers Effect = "notify"
	// RefuseIfSubscribed refuses the move while the major has pending or
	// active subscriptions, naming them.
	RefuseIfSubscribed Effect = "refuse"
	// EndSubscriptions ends them (state ended), revokes their keys and
	// notifies the subscribers.
	EndSubscriptions Effect = "end"
)

// transitions is the lifecycle: every allowed move, and only those.
var transitions = []Transition{
	{Submit, Draft, InReview, "submit", "team developers and above", "the spec can be read; a publication request is opened with its validation, lint and diff", NoEffect},
	{Withdraw, InReview, Draft, "submit", "the requester", "the request is still open", NoEffect},
	{Reject, InReview, Draft, "review", "a reviewer", "a reason is given", NoEffect},
	{Approve, InReview, Published, "review", "a reviewer other than the requester", "no breaking change (a rule at error, not accepted as a false positive) against the latest published version of the same major; with --spec-validation=block, no validation or lint error", NoEffect},
	{Deprecate, Published, Deprecated, "deprecate", "team maintainers and above", "the sunset date gives the minimum notice; the major's subscribers are notified", NotifySubscribers},
	{Undeprecate, Deprecated, Published, "deprecate", "team maintainers and above", "before the sunset date", NoEffect},
	{Retire, Deprecated, Retired, "retire", "team maintainers and above, or the scheduler at the sunset date", "the major's subscriptions end (unless another live version serves the major) and their subscribers are notified", EndSubscriptions},
	{Retire, Published, Retired, "retire", "team maintainers and above", "no pending or active subscription to the major (unless another live version serves it)", RefuseIfSubscribed},
	{Import, Draft, Published, "import", "org admins", "the spec can be read (with --spec-validation=block, without errors); recorded as an import", NoEffect},
}

// Transitions returns the lifecycle table.
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

// Permission returns the policy action an action requires.
func Permission(action Action) string {
	for _, t := range transitions {
		if t.Action == action {
			return t.Permission
		}
	}
	panic(fmt.Sprintf("lifecycle: unknown action %q", action))
}

// Allowed returns the actions the table allows from a state.
func Allowed(from State) []Action {
	var out []Action
	for _, t := range transitions {
		if t.From == from && t.Action != Import {
			out = append(out, t.Action)
		}
	}
	return out
}

// Default returns the version the catalog shows for an API, from its
// versions newest first: the newest published one, else the newest
// deprecated one, else nil.
func Default(versions []store.APIVersion) *store.APIVersion {
	for _, want := range []State{Published, Deprecated} {
		for i := range versions {
			if State(versions[i].State) == want {
				return &versions[i]
			}
		}
	}
	return nil
}

// CatalogState is the state shown for an API as a whole: that of its default
// version, else that of its newest version ("" when it has none).
func CatalogState(versions []store.APIVersion) State {
	if d := Default(versions); d != nil {
		return State(d.State)
	}
	if len(versions) > 0 {
		return State(versions[0].State)
	}
	return ""
}
