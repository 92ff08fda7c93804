package lifecycle

import (
	"fmt"
	"sort"
	"strings"

	"github.com/portico-dev/portico/spec"
)

// InputError reports invalid input, field by field.
type InputError struct {
	Fields map[string]string
}

func (e *InputError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+": "+e.Fields[k])
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

func fieldError(field, msg string) *InputError {
	return &InputError{Fields: map[string]string{field: msg}}
}

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

// DeniedError says the actor may not do this, beyond route permissions
// (for example approving their own request).
type DeniedError struct {
	Reason string
}

func (e *DeniedError) Error() string { return e.Reason }
