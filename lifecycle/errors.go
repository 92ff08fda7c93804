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
	// Breaking lists the breaking changes that refused a publication.
	Breaking []spec.Change
}

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
