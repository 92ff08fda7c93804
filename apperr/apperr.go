// Package apperr is the error vocabulary of Portico's domain services
// (lifecycle, people, subscriptions, gateway). A service says what went wrong
// in these terms; handlers map them to statuses in one place (422, 403, 409,
// 404, 429), so a page, the JSON API and the CLI report the same refusal the same
// way. Messages are written for the user: they are shown as they are.
package apperr

import (
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/portico-dev/portico/gateway"
)

// InputError reports invalid input, field by field (422 over HTTP; a form
// shows each message beside its field).
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

// Field returns an InputError for one field.
func Field(field, msg string) *InputError {
	return &InputError{Fields: map[string]string{field: msg}}
}

// Invalid returns an InputError for fields, or nil when fields is empty, so
// a validation can end with `return apperr.Invalid(errs)`.
func Invalid(fields map[string]string) error {
	if len(fields) == 0 {
		return nil
	}
	return &InputError{Fields: fields}
}

// DeniedError says the actor may not do this (403), beyond what a route's
// permission checks: approving one's own request, for example.
type DeniedError struct {
	Reason string
}

func (e *DeniedError) Error() string { return e.Reason }

// Denied returns a DeniedError.
func Denied(reason string) *DeniedError { return &DeniedError{Reason: reason} }

// ConflictError says the request is refused in the object's current state
// (409): a subscription that is no longer pending, a key already revoked.
type ConflictError struct {
	Reason string
}

func (e *ConflictError) Error() string { return e.Reason }

// Conflict returns a ConflictError.
func Conflict(reason string) *ConflictError { return &ConflictError{Reason: reason} }

// NotFoundError says the thing named does not exist, or not for this actor
// (404): a user who is not a member of the team. Its reason names what was
// looked for; never use it to confirm that something private exists.
type NotFoundError struct {
	Reason string
}

func (e *NotFoundError) Error() string { return e.Reason }

// NotFound returns a NotFoundError.
func NotFound(reason string) *NotFoundError { return &NotFoundError{Reason: reason} }

// LimitError says the actor has done this too often or the server is too
// busy to do it now (429); RetryAfter says when to try again.
type LimitError struct {
	Reason     string
	RetryAfter time.Duration
}

func (e *LimitError) Error() string { return e.Reason }

// Limit returns a LimitError.
func Limit(reason string, retryAfter time.Duration) *LimitError {
	return &LimitError{Reason: reason, RetryAfter: retryAfter}
}

// Text checks a free text from outside for a field bounded to max
// characters (runes), which may run over several lines: it must be valid
// UTF-8, hold no control character but tab, newline and carriage return
// (a NUL byte is one: PostgreSQL refuses it where SQLite keeps it), and
// not be longer. When it is not, and errs has no message for field yet, it
// records one naming the limit and returns false. Each domain keeps its
// limits as named constants in one place (its limits.go) and checks them in
// its service, so a page, the JSON API and the CLI refuse alike. A name, a
// summary or another one-line field is checked with Line.
//
// Text and Line also refuse a text that holds a Portico secret (an API key,
// a personal access token, a gateway node token; see Secret).
func Text(errs map[string]string, field, value string, max int) bool {
	return check(errs, field, value, max, false, true)
}

// Line is Text for a field of one line (a name, a summary): it refuses
// every control character (newline and tab included) and the bidirectional
// overrides and isolates (U+202A–U+202E, U+2066–U+2069), which make a name
// read as another.
func Line(errs map[string]string, field, value string, max int) bool {
	return check(errs, field, value, max, true, true)
}

// Query is Text for a search's text, which is not kept nor shown to others:
// it does not refuse a secret (the search box shows it to who typed it).
func Query(errs map[string]string, field, value string, max int) bool {
	return check(errs, field, value, max, false, false)
}

// SecretMessage is the refusal of a text that holds a Portico secret. It
// does not quote the text: the page, the JSON API and the CLI show it.
const SecretMessage = "This looks like a Portico API key or token (ptk_…, pat_…, pgn_…): it was not saved and is not shown again. " +
	"A key or token does not belong here; if it is a real one, revoke it and issue another. In an example, shorten it (ptk_…)."

// HoldsSecret reports whether s holds a Portico secret in the shape
// gateway.RedactSecrets hides from logs: an API key (ptk_<key id>_<secret>),
// a personal access token (pat_…) or a gateway node token (pgn_…), unless
// it is words that start like a token ("PAT_EXPIRY_WARNING_DAYS…", see
// gateway.HoldsSecret).
func HoldsSecret(s string) bool { return gateway.HoldsSecret(s) }

// Secret refuses a text from outside that holds a Portico secret: it is
// kept, shown to others and written to the audit log, and a form shows it
// again when it comes back with an error. When value holds one it records
// SecretMessage for field (replacing another message: the form must say
// why it comes back empty) and returns false. Text and Line call it; a
// field checked otherwise (a key's name) calls it itself.
func Secret(errs map[string]string, field, value string) bool {
	if !HoldsSecret(value) {
		return true
	}
	errs[field] = SecretMessage
	return false
}

func check(errs map[string]string, field, value string, max int, line, secret bool) bool {
	if secret && !Secret(errs, field, value) {
		return false
	}
	msg := ""
	if !utf8.ValidString(value) {
		msg = "Use text in UTF-8: this is not valid UTF-8."
	} else if n := utf8.RuneCountInString(value); n > max {
		msg = fmt.Sprintf("Use at most %d characters: this has %d.", max, n)
	} else {
		msg = badRune(value, line)
	}
	if msg == "" {
		return true
	}
	if _, ok := errs[field]; !ok {
		errs[field] = msg
	}
	return false
}

// badRune returns the message for the first character value may not hold, or "".
func badRune(value string, line bool) string {
	for _, r := range value {
		switch {
		case r == 0:
			return "Remove the NUL character (U+0000): text may not hold one."
		case !line && (r == '\t' || r == '\n' || r == '\r'):
		case r < 0x20 || r == 0x7f:
			if line {
				return fmt.Sprintf("Use one line without control characters: this holds U+%04X.", r)
			}
			return fmt.Sprintf("Remove the control character U+%04X: only tabs and line breaks may be used.", r)
		case line && ((r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)):
			return fmt.Sprintf("Remove the bidirectional control U+%04X: it can make this read as something else.", r)
		}
	}
	return ""
}

// CheckText is Text for a single field: an InputError, or nil.
func CheckText(field, value string, max int) error {
	errs := map[string]string{}
	if Text(errs, field, value, max) {
		return nil
	}
	return &InputError{Fields: errs}
}

// CheckLine is Line for a single field: an InputError, or nil.
func CheckLine(field, value string, max int) error {
	errs := map[string]string{}
	if Line(errs, field, value, max) {
		return nil
	}
	return &InputError{Fields: errs}
}

// Clean drops from s the characters Text (line false) or Line (line true)
// refuses, for a text that comes from a document rather than from a person
// who can be asked to correct it (an imported description's title).
func Clean(s string, line bool) string {
	if badRune(s, line) == "" {
		return s
	}
	return strings.Map(func(r rune) rune {
		if badRune(string(r), line) != "" {
			return -1
		}
		return r
	}, s)
}

// CutBytes returns the longest prefix of s of at most n bytes that does not
// split a UTF-8 character: s cut to fit a column, a header or a log field
// limited in bytes. Invalid bytes count as characters of one byte.
func CutBytes(s string, n int) string {
	if n >= len(s) {
		return s
	}
	if n <= 0 {
		return ""
	}
	// A character split at n starts in the 3 bytes before it and is longer
	// than what of it lies before n.
	for i := n - 1; i >= 0 && i >= n-(utf8.UTFMax-1); i-- {
		if utf8.RuneStart(s[i]) {
			if _, size := utf8.DecodeRuneInString(s[i:]); size > n-i {
				return s[:i]
			}
			break
		}
	}
	return s[:n]
}
