package spec

import (
	"slices"
	"strings"
	"sync"

	"github.com/oasdiff/oasdiff/checker"
	"github.com/oasdiff/oasdiff/checker/localizations"
)

// Severities of rules and findings. An org sets each rule to one of them.
const (
	// SeverityError: a lint or validation error; for a breaking-change
	// rule, it blocks a release within the same major version.
	SeverityError = "error"
	// SeverityWarn is shown, and blocks nothing.
	SeverityWarn = "warning"
	// SeverityInfo is shown among the details.
	SeverityInfo = "info"
	// SeverityOff hides the rule's findings.
	SeverityOff = "off"
)

// Severities lists the severities an org may give a rule, most severe first.
func Severities() []string { return []string{SeverityError, SeverityWarn, SeverityInfo, SeverityOff} }

// Kinds of rules.
const (
	KindBreaking   = "breaking"   // oasdiff's backward-compatibility checks, and Portico's own
	KindLint       = "lint"       // the built-in lint ruleset
	KindValidation = "validation" // what the OpenAPI specification requires
)

// RuleInfo describes one rule of the catalogue an org tunes.
type RuleInfo struct {
	ID   string
	Kind string
	// Default is Portico's default severity.
	Default string
	// Upstream is the default of the rule's author (oasdiff) when Portico
	// chose another; empty otherwise.
	Upstream string
	// Description says what the rule finds.
	Description string
	// Why says why Portico's default differs from the upstream one.
	Why string
}

// RuleBasePathChanged reports a change of the servers' base path: operations
// are compared by base path + path, so the change is reported once, here.
const RuleBasePathChanged = "server-base-path-changed"

// portico's defaults for oasdiff checks, where they differ from oasdiff's,
// with the reason. They were chosen on pairs of consecutive real versions
// (see spec/testdata/pairs) where oasdiff's default blocked a release that
// broke no client.
var breakingDefaults = map[string]struct{ severity, why string }{
	"response-property-enum-value-added":   {SeverityWarn, "A new value in a response enum is how APIs grow (a new status, a new type). Clients written to the OpenAPI advice of tolerating unknown values keep working; a real pair (a payment status gaining a value in a minor release) was blocked by it. It is shown as a warning so that a reviewer can still ask for a major."},
	"response-media-type-enum-value-added": {SeverityWarn, "Same reasoning as response-property-enum-value-added, for an enum that is the whole response body."},
	"response-property-became-optional":    {SeverityWarn, "Most often a description catching up with what the server already did (a field that was never always present). It is a warning so that reviewers see it; where clients really rely on the field, a reviewer rejects the request."},
	"response-property-became-nullable":    {SeverityWarn, "Produced by thousands when a generator starts emitting nullable: one real pair gave 2,020 of these rows and buried the real breaks. A warning, collapsed by rule on the review page."},
	"response-body-became-nullable":        {SeverityWarn, "Same reasoning as response-property-became-nullable."},
}

var (
	catalogueOnce sync.Once
	catalogue     []RuleInfo
	catalogueByID map[string]RuleInfo
)

// Catalogue lists every rule an org can tune: the lint rules, the
// validation rules and the breaking-change rules, by kind and then by id.
func Catalogue() []RuleInfo {
	catalogueOnce.Do(buildCatalogue)
	return slices.Clone(catalogue)
}

// RuleByID returns the rule with id.
func RuleByID(id string) (RuleInfo, bool) {
	catalogueOnce.Do(buildCatalogue)
	r, ok := catalogueByID[id]
	return r, ok
}

func buildCatalogue() {
	var out []RuleInfo
	for _, r := range Rules() {
		out = append(out, RuleInfo{ID: r.ID, Kind: KindLint, Default: r.Severity, Description: r.Description})
	}
	out = append(out, validationRules()...)
	loc := localizations.New(localizations.LangEn, localizations.LangDefault)
	seen := map[string]bool{}
	var breaking []RuleInfo
	for _, r := range checker.GetAllRules() {
		if seen[r.Id] {
			continue
		}
		seen[r.Id] = true
		info := RuleInfo{ID: r.Id, Kind: KindBreaking, Default: levelSeverity(r.Level)}
		if d := loc.Get("messages." + r.Id + "-description"); d != "messages."+r.Id+"-description" {
			info.Description = upperFirst(d)
		}
		if o, ok := breakingDefaults[r.Id]; ok {
			info.Upstream, info.Default, info.Why = info.Default, o.severity, o.why
		}
		breaking = append(breaking, info)
	}
	breaking = append(breaking, RuleInfo{ID: RuleBasePathChanged, Kind: KindBreaking, Default: SeverityWarn,
		Description: "The servers' base path changed. Operations are compared by base path + path, so a segment moving between the server URL and the paths is no change, and a real move of every URL is reported once, here, besides the removed operations."})
	breaking = append(breaking, RuleInfo{ID: RuleRequestAdditionalPropertiesDisallowed, Kind: KindBreaking, Default: SeverityError,
		Description: "A request body schema, or an object within it, that accepted properties it does not list now refuses them (additionalProperties: false, or unevaluatedProperties: false in OpenAPI 3.1, was set). oasdiff has no check for it."})
	breaking = append(breaking, RuleInfo{ID: RuleParameterSerializationChanged, Kind: KindBreaking, Default: SeverityError,
		Description: "A parameter holding an array or an object is written differently in requests (its style or explode changed, defaults applied), or a path parameter moved to or from the label or matrix style. oasdiff has no check for it."})
	slices.SortFunc(breaking, func(a, b RuleInfo) int { return strings.Compare(a.ID, b.ID) })
	out = append(out, breaking...)
	catalogue = out
	catalogueByID = make(map[string]RuleInfo, len(out))
	for _, r := range out {
		catalogueByID[r.ID] = r
	}
}

func levelSeverity(l checker.Level) string {
	switch l {
	case checker.ERR:
		return SeverityError
	case checker.WARN:
		return SeverityWarn
	}
	return SeverityInfo
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// RuleSet holds an org's severities, by rule id, where they differ from
// Portico's defaults. The zero RuleSet applies the defaults.
type RuleSet map[string]string

// Severity is the severity of rule id under rs: the org's choice, else
// Portico's default, else fallback (for a rule the catalogue does not know).
func (rs RuleSet) Severity(id, fallback string) string {
	if s, ok := rs[id]; ok {
		return s
	}
	if r, ok := RuleByID(id); ok {
		return r.Default
	}
	return fallback
}

// ValidSeverity reports whether s is a severity a rule can have.
func ValidSeverity(s string) bool { return slices.Contains(Severities(), s) }

// RuleRequestAdditionalPropertiesDisallowed reports additionalProperties:
// false (or unevaluatedProperties: false) set on a request schema that
// accepted properties it does not list.
const RuleRequestAdditionalPropertiesDisallowed = "request-additional-properties-disallowed"

// RuleParameterSerializationChanged reports a change of how a parameter
// holding an array or an object is written in a request (style, explode).
const RuleParameterSerializationChanged = "request-parameter-serialization-changed"
