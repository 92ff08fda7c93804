// Package components holds small reusable pieces of markup. Components take
// plain values and never query anything.
package components

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
}

func (in Input) inputType() string {
	if in.Type == "" {
		return "text"
	}
	return in.Type
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
