// Package components holds small reusable pieces of markup. Components take
// plain values and never query anything.
package components

import (
	"crypto/rand"
	"encoding/base64"
	"strings"

	"github.com/portico-dev/portico/apperr"
)

// FormIDField names the hidden field of a create form's one-time id.
const FormIDField = "_form_id"

// NewFormID returns a new one-time form id: 128 random bits, unpadded
// base64url (22 characters).
func NewFormID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// FieldErrors maps a form field name to the message explaining what is wrong with it.
type FieldErrors map[string]string

// Input describes one text-like form field.
type Input struct {
	Label        string
	Name         string
	Type         string // "text" when empty
	Value        string
	Hint         string
	Error        string
	Required     bool
	Autocomplete string
	Placeholder  string
	Autofocus    bool
	// Scope tells apart the fields of a form the page repeats (one per
	// plan, per key, per major): their ids become f-<scope>-<name>, so that
	// each label names its own field and ids stay unique.
	Scope string
}

// id is the field's id, which its label points at.
func (in Input) id() string { return fieldID(in.Scope, in.Name) }

// errorID is the id of the field's error message.
func (in Input) errorID() string { return errorID(in.Scope, in.Name) }

// hintID is the id of the field's hint.
func (in Input) hintID() string { return "h-" + in.id()[len("f-"):] }

// describedBy lists the ids of the hint and the error shown with the field,
// which assistive technology reads with it ("" when there is neither).
func (in Input) describedBy() string {
	var ids []string
	if in.Hint != "" {
		ids = append(ids, in.hintID())
	}
	if in.Error != "" {
		ids = append(ids, in.errorID())
	}
	return strings.Join(ids, " ")
}

func fieldID(scope, name string) string {
	if scope == "" {
		return "f-" + name
	}
	return "f-" + scope + "-" + name
}

func errorID(scope, name string) string {
	if scope == "" {
		return "e-" + name
	}
	return "e-" + scope + "-" + name
}

func (in Input) inputType() string {
	if in.Type == "" {
		return "text"
	}
	return in.Type
}

// Shown is a value a form shows again in a field: "" when it holds a
// Portico key or token (apperr.HoldsSecret), which the services refuse
// (apperr.SecretMessage) and a page never writes back into its markup.
func Shown(value string) string {
	if apperr.HoldsSecret(value) {
		return ""
	}
	return value
}

// Option is one choice of a select.
type Option struct {
	Value, Label string
}

func roleColour(role string) string {
	switch role {
	case "admin", "owner":
		return "badge-indigo"
	case "approver", "maintainer":
		return "badge-purple"
	case "developer":
		return "badge-blue"
	}
	return "badge-gray"
}
