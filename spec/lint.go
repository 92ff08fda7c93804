package spec

import (
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Rule is one rule of the built-in lint ruleset.
type Rule struct {
	// ID names the rule in findings, e.g. "operation-summary".
	ID string
	// Severity is SeverityError, SeverityWarn or SeverityInfo.
	Severity string
	// Description says what the rule expects, for a page that lists rules.
	Description string
}

// Finding is one place where a description breaks a lint or validation
// rule.
type Finding struct {
	// Rule is the ID of the rule broken.
	Rule string `json:"rule"`
	// Severity is the rule's default severity (an org's RuleSet may change it).
	Severity string `json:"severity"`
	// Location is where, e.g. "paths./pets/{id}.get" or "info".
	Location string `json:"location"`
	// Pointer is the same place as a JSON pointer, e.g. "/paths/~1pets~1{id}/get".
	Pointer string `json:"pointer"`
	// Line is the line of the source at that place (or at the nearest
	// enclosing element the source has), 0 when unknown.
	Line int `json:"line,omitempty"`
	// Message says what is wrong there.
	Message string `json:"message"`
}

// lintRule is a Rule with its check. A rule checks either the document as a
// whole (doc) or each operation (op); a check returns the messages of its
// findings, none when the rule holds.
type lintRule struct {
	Rule
	// location of the findings of a document-level rule.
	location string
	doc      func(t *openapi3.T) []string
	op       func(t *openapi3.T, r opRef) []string
}

// ruleset is the built-in ruleset, in the order rules are listed and applied.
//
// Some checks one might expect are not here because Parse already refuses a
// description that breaks them: duplicate operationIds, security
// requirements naming undefined schemes, and path templates whose {params}
// are not declared as path parameters (or the other way round).
func ruleset() []lintRule {
	return []lintRule{
		{
			Rule:     Rule{"info-description", SeverityInfo, "The API has a description (info.description) telling readers what it is for."},
			location: "info",
			doc: func(t *openapi3.T) []string {
				if t.Info == nil || strings.TrimSpace(t.Info.Description) == "" {
					return []string{"info.description is missing: describe what the API is for"}
				}
				return nil
			},
		},
		{
			Rule:     Rule{"servers-defined", SeverityWarn, "The document lists at least one server URL."},
			location: "servers",
			doc: func(t *openapi3.T) []string {
				for _, s := range t.Servers {
					if s != nil && strings.TrimSpace(s.URL) != "" {
						return nil
					}
				}
				return []string{"no servers are defined: clients cannot tell where the API is served"}
			},
		},
		{
			Rule: Rule{"operation-operationid", SeverityWarn, "Every operation has an operationId, which code generators and links rely on."},
			op: func(_ *openapi3.T, r opRef) []string {
				if strings.TrimSpace(r.op.OperationID) == "" {
					return []string{r.label() + " has no operationId"}
				}
				return nil
			},
		},
		{
			Rule: Rule{"operation-summary", SeverityWarn, "Every operation has a summary, shown in docs and search results."},
			op: func(_ *openapi3.T, r opRef) []string {
				if strings.TrimSpace(r.op.Summary) == "" {
					return []string{r.label() + " has no summary"}
				}
				return nil
			},
		},
		{
			Rule: Rule{"operation-tags", SeverityWarn, "Every operation has at least one tag, which groups it in the docs."},
			op: func(_ *openapi3.T, r opRef) []string {
				if len(r.op.Tags) == 0 {
					return []string{r.label() + " has no tags"}
				}
				return nil
			},
		},
		{
			Rule: Rule{"operation-security", SeverityWarn, "Every operation is covered by a security requirement, global or its own; an explicit empty security list (security: []) marks a public operation, or a public API when it is the global one."},
			op: func(t *openapi3.T, r opRef) []string {
				// A nil list is an absent one; an empty one (security: [])
				// marks the operation, or the whole API, public.
				if r.op.Security != nil || t.Security != nil {
					return nil
				}
				return []string{r.label() + " has no security requirement and there is no global one: declare one, or security: [] if it is public"}
			},
		},
		{
			Rule: Rule{"operation-success-response", SeverityError, "Every operation documents a successful (2xx) or redirect (3xx) response."},
			op: func(_ *openapi3.T, r opRef) []string {
				if hasResponse(r.op, func(code string) bool { return code[0] == '2' || code[0] == '3' }) {
					return nil
				}
				return []string{r.label() + " documents no 2xx or 3xx response"}
			},
		},
		{
			Rule: Rule{"operation-error-response", SeverityWarn, "Every operation documents its errors: a 4xx response or a default response."},
			op: func(_ *openapi3.T, r opRef) []string {
				if hasResponse(r.op, func(code string) bool { return code[0] == '4' || code == "default" }) {
					return nil
				}
				return []string{r.label() + " documents no 4xx or default response"}
			},
		},
	}
}

// hasResponse reports whether op has a response whose status code (or
// range such as "2XX", or "default") matches.
func hasResponse(op *openapi3.Operation, match func(code string) bool) bool {
	if op.Responses == nil {
		return false
	}
	for code := range op.Responses.Map() {
		if code != "" && match(strings.ToLower(code)) {
			return true
		}
	}
	return false
}

// Rules lists the built-in lint rules in the order Lint applies them.
func Rules() []Rule {
	rules := ruleset()
	out := make([]Rule, 0, len(rules))
	for _, r := range rules {
		out = append(out, r.Rule)
	}
	return out
}

// Lint checks d against the built-in ruleset. Findings come in a stable
// order: document-level rules first, then each operation in Operations
// order, and within one place the rules in Rules order.
func Lint(d *Document) []Finding {
	if d == nil || d.Spec == nil {
		return nil
	}
	t := d.Spec
	rules := ruleset()
	var out []Finding
	add := func(r lintRule, location string, messages []string) {
		for _, m := range messages {
			ptr := locationPointer(location)
			out = append(out, Finding{Rule: r.ID, Severity: r.Severity, Location: location, Pointer: ptr, Line: d.Line(ptr), Message: m})
		}
	}
	for _, r := range rules {
		if r.doc != nil {
			add(r, r.location, r.doc(t))
		}
	}
	for _, ref := range operations(t) {
		for _, r := range rules {
			if r.op != nil {
				add(r, ref.location(), r.op(t, ref))
			}
		}
	}
	return out
}
