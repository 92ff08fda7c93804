// Package rules holds the page of the org's rule set.
package rules

// Row is one rule with its severity.
type Row struct {
	ID          string
	Description string
	Default     string
	Upstream    string
	Why         string
	Severity    string
	// Changed says the org chose another severity than the default.
	Changed bool
	// Error is the message about the severity submitted for the rule.
	Error string
}

// Page is the rule set, one kind of rules at a time.
type Page struct {
	// Kind is "breaking", "lint" or "validation".
	Kind string
	// Query filters rules by id or description.
	Query   string
	Rows    []Row
	CanEdit bool
	// Validation is the --spec-validation mode, warn or block.
	Validation string
	Error      string
}
