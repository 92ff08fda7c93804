package lifecycle

import (
	"fmt"
	"strings"

	"github.com/portico-dev/portico/spec"
)

// TransitionError says why a lifecycle move is refused in the current state.
type TransitionError struct {
	Action Action
	From   State
	Reason string
	// Blocking lists the first findings that refused a publication
	// (breaking changes, or spec errors when validation blocks), at most
	// MaxBlockingListed of BlockingTotal.
	Blocking      []spec.Item
	BlockingTotal int
}

// MaxBlockingListed is how many blocking findings a refusal lists; the
// review has them all.
const MaxBlockingListed = 20

func (e *TransitionError) Error() string { return e.Reason }

func notAllowed(action Action, from State) *TransitionError {
	var allowed []string
	for _, a := range Allowed(from) {
		allowed = append(allowed, string(a))
	}
	msg := fmt.Sprintf("Cannot %s a version that is %s.", action, from.Label())
	if len(allowed) > 0 {
		msg += " From " + from.Label() + " it can: " + strings.Join(allowed, ", ") + "."
	} else {
		msg += " " + strings.ToUpper(from.Label()[:1]) + from.Label()[1:] + " is final."
	}
	return &TransitionError{Action: action, From: from, Reason: msg}
}
