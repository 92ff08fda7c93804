package spec

import (
	"errors"
	"fmt"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3conv"
	"github.com/oasdiff/oasdiff/checker"
	"github.com/oasdiff/oasdiff/checker/localizations"
	"github.com/oasdiff/oasdiff/diff"
	"github.com/oasdiff/oasdiff/load"
)

// Levels of a Change.
const (
	LevelError   = "error" // breaking
	LevelWarning = "warning"
	LevelInfo    = "info"
)

// Change is one change between two descriptions, as found by oasdiff's
// backward-compatibility checks.
type Change struct {
	// ID is the oasdiff rule id, e.g. "api-path-removed-without-deprecation".
	ID string
	// Level is LevelError for a breaking change, LevelWarning or LevelInfo.
	Level string
	// Operation is the operation concerned, e.g. "GET /pets"; empty for a
	// change outside paths (components, security).
	Operation string
	// Path is the path template concerned, e.g. "/pets"; may be empty.
	Path string
	// Text explains the change in English.
	Text string
}

// DiffReport is what changed from a base description to a revision.
type DiffReport struct {
	// Changes lists every change found, most severe first.
	Changes []Change
	// Added, Removed and Modified list endpoints as "GET /pets", sorted.
	Added    []string
	Removed  []string
	Modified []string
}

// Breaking reports whether any change is breaking (LevelError).
func (r *DiffReport) Breaking() bool {
	return len(r.BreakingChanges()) > 0
}

// BreakingChanges lists the breaking changes (LevelError) in report order.
func (r *DiffReport) BreakingChanges() []Change {
	var out []Change
	for _, c := range r.Changes {
		if c.Level == LevelError {
			out = append(out, c)
		}
	}
	return out
}

// Diff compares revision against base with oasdiff's default
// backward-compatibility rules. Neither document is modified. When the two
// are of different OpenAPI minor versions (3.0 and 3.1), both are compared
// as upgraded to 3.1 so that the version change itself is not reported.
func Diff(base, revision *Document) (report *DiffReport, err error) {
	if base == nil || base.Spec == nil || revision == nil || revision.Spec == nil {
		return nil, errors.New("diff: both documents are required")
	}
	defer func() {
		if r := recover(); r != nil {
			report = nil
			err = fmt.Errorf("diff: comparing the descriptions failed: %v", r)
		}
	}()
	s1, s2 := base.Spec, revision.Spec
	if s1.OpenAPIMajorMinor() != s2.OpenAPIMajorMinor() {
		if s1, err = upgradedCopy(base); err != nil {
			return nil, err
		}
		if s2, err = upgradedCopy(revision); err != nil {
			return nil, err
		}
	}
	// oasdiff checks parameters per operation: path-level parameters are
	// moved into the operations first, or changes to them go unreported.
	s1, s2 = withCommonParamsMoved(s1), withCommonParamsMoved(s2)
	d, sources, err := diff.GetWithOperationsSourcesMap(diff.NewConfig(),
		&load.SpecInfo{Url: "base", Spec: s1, Version: base.Version},
		&load.SpecInfo{Url: "revision", Spec: s2, Version: revision.Version})
	if err != nil {
		return nil, fmt.Errorf("diff: %w", err)
	}
	config := checker.NewConfig(checker.GetAllChecks())
	changes := checker.CheckBackwardCompatibilityUntilLevel(config, d, sources, checker.INFO)
	localize := checker.NewLocalizer(localizations.LangEn)

	report = &DiffReport{Changes: make([]Change, 0, len(changes))}
	for _, c := range changes {
		ch := Change{
			ID:    c.GetId(),
			Level: c.GetLevel().String(),
			Path:  c.GetPath(),
			Text:  c.GetUncolorizedText(localize),
		}
		if m := c.GetOperation(); m != "" && ch.Path != "" {
			ch.Operation = m + " " + ch.Path
		}
		report.Changes = append(report.Changes, ch)
	}
	if d == nil {
		return report, nil
	}
	if e := d.EndpointsDiff; e != nil {
		report.Added = endpointLabels(e.Added)
		report.Removed = endpointLabels(e.Deleted)
		for ep := range e.Modified {
			report.Modified = append(report.Modified, ep.Method+" "+ep.Path)
		}
		slices.Sort(report.Modified)
	}
	return report, nil
}

func endpointLabels(eps diff.Endpoints) []string {
	var out []string
	for _, ep := range eps {
		out = append(out, ep.Method+" "+ep.Path)
	}
	slices.Sort(out)
	return out
}

// upgradedCopy loads a fresh copy of d's OpenAPI 3 model, upgraded to 3.1.
func upgradedCopy(d *Document) (*openapi3.T, error) {
	data, err := d.JSON()
	if err != nil {
		return nil, fmt.Errorf("diff: %w", err)
	}
	t, err := newLoader().LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("diff: reload %q: %w", d.Title, err)
	}
	openapi3conv.Upgrade(t)
	return t, nil
}

// withCommonParamsMoved returns a copy of t in which each operation also
// lists the parameters of its path item (unless it declares one of the same
// name and location itself) and path items have none. Only the path items
// and operations are copied; t is left as it was.
func withCommonParamsMoved(t *openapi3.T) *openapi3.T {
	if t.Paths == nil {
		return t
	}
	c := *t
	c.Paths = openapi3.NewPathsWithCapacity(t.Paths.Len())
	c.Paths.Extensions = t.Paths.Extensions
	for path, item := range t.Paths.Map() {
		if item == nil {
			c.Paths.Set(path, nil)
			continue
		}
		ic := *item
		ic.Parameters = nil
		ic.AdditionalOperations = nil
		for method, op := range item.Operations() {
			oc := *op
			oc.Parameters = slices.Clone(op.Parameters)
			for _, p := range item.Parameters {
				if p == nil || p.Value == nil || op.Parameters.GetByInAndName(p.Value.In, p.Value.Name) != nil {
					continue
				}
				oc.Parameters = append(oc.Parameters, p)
			}
			ic.SetOperation(method, &oc)
		}
		c.Paths.Set(path, &ic)
	}
	return &c
}
