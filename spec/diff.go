package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3conv"
	"github.com/oasdiff/oasdiff/checker"
	"github.com/oasdiff/oasdiff/checker/localizations"
	"github.com/oasdiff/oasdiff/diff"
	"github.com/oasdiff/oasdiff/load"
)

// Levels of a Change: the severities of its rule.
const (
	LevelError   = SeverityError // breaking
	LevelWarning = SeverityWarn
	LevelInfo    = SeverityInfo
)

// Change is one change between two descriptions, as found by oasdiff's
// backward-compatibility checks (and Portico's base path check).
type Change struct {
	// ID is the rule id, e.g. "api-path-removed-without-deprecation".
	ID string `json:"id"`
	// Level is the rule's default severity in Portico: LevelError for a
	// breaking change, LevelWarning or LevelInfo. An org's RuleSet may
	// change it.
	Level string `json:"level"`
	// Operation is the operation concerned, by its full URL path (the
	// servers' base path + the path), e.g. "GET /v1/pets", or the webhook
	// or callback operation, e.g. "webhook ev (POST)", "callback onEvent
	// of POST /v1/subscribe: POST {$request.body#/url}"; empty for a change
	// outside paths and webhooks.
	Operation string `json:"operation,omitempty"`
	// Path is the full path concerned, e.g. "/v1/pets"; may be empty, and
	// is for a webhook or a callback.
	Path string `json:"path,omitempty"`
	// Text explains the change in English.
	Text string `json:"text"`
	// Old and New are the value before and after, when the change is one
	// of a value ("string" → "integer"); empty otherwise.
	Old string `json:"old,omitempty"`
	New string `json:"new,omitempty"`
	// Line is the line of the operation (webhook or callback operation) in the
	// revision (in the base for a removed operation, then InBase is set);
	// 0 when unknown.
	Line   int  `json:"line,omitempty"`
	InBase bool `json:"in_base,omitempty"`
	// Key identifies the change within a comparison, for a reviewer to
	// accept it as a known false positive.
	Key string `json:"key"`
	// webhook is the name of the webhook added or removed, for
	// webhook-added and webhook-removed (which oasdiff gives without an
	// operation); empty otherwise.
	webhook string
}

// DiffReport is what changed from a base description to a revision.
type DiffReport struct {
	// Changes lists every change found, most severe first.
	Changes []Change `json:"changes"`
	// Added, Removed and Modified list endpoints as "GET /v1/pets" (full
	// paths), then the webhooks' and callbacks' operations named as their
	// findings are ("webhook ev (POST)", "callback onEvent of POST
	// /v1/subscribe: POST {$request.body#/url}"), sorted.
	Added    []string `json:"added"`
	Removed  []string `json:"removed"`
	Modified []string `json:"modified"`
	// BasePath and BaseBasePath are the servers' base paths of the revision
	// and of the base.
	BasePath     string `json:"base_path"`
	BaseBasePath string `json:"base_base_path"`
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

// Diff compares revision against base with oasdiff's backward-compatibility
// rules, at Portico's default severities (see Catalogue). Operations are
// compared by their full URL path, the servers' base path + the path, so
// that a segment moving between the server URL and the paths changes no
// operation; a change of the base path is its own change
// (RuleBasePathChanged). Neither document is modified. When the two are of
// different OpenAPI minor versions (3.0 and 3.1), both are compared as
// upgraded to 3.1 so that the version change itself is not reported.
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
	bp1, bp2 := basePath(s1), basePath(s2)
	s1, s2 = withCommonParamsMoved(s1, bp1), withCommonParamsMoved(s2, bp2)
	// Webhooks and callbacks are requests the API sends: oasdiff would
	// judge webhook payloads as requests it receives, and compares no
	// callback, so the webhooks in both descriptions and the callbacks are
	// compared apart, reversed (see hookDocs); oasdiff still reports a
	// webhook added or removed.
	h1, h2, hooks := hookDocs(s1, s2, bp1, bp2)
	s1, s2 = withoutCommonWebhooks(s1, s2)
	sw1, sw2 := base.Format == FormatSwagger20, revision.Format == FormatSwagger20
	changes, d, err := compare(s1, s2, base.Version, revision.Version, sw1, sw2)
	if err != nil {
		return nil, err
	}

	report = &DiffReport{Changes: make([]Change, 0, len(changes)+1), BasePath: bp2, BaseBasePath: bp1}
	if bp1 != bp2 {
		report.Changes = append(report.Changes, basePathChange(bp1, bp2, base.Spec, revision.Spec))
	}
	seen := map[string]bool{}
	add := func(ch Change) {
		ch.Key = changeKey(ch)
		if !seen[ch.Key] {
			seen[ch.Key] = true
			report.Changes = append(report.Changes, ch)
		}
	}
	lines := newOperationLines(base, revision, bp1, bp2)
	for _, ch := range changes {
		if m, _, ok := strings.Cut(ch.Operation, " "); ok && ch.Path != "" {
			ch.Line, ch.InBase = lines.of(m, ch.Path)
		}
		if ch.webhook != "" {
			ptr := pointerOf([]string{"webhooks", ch.webhook})
			if ch.ID == checker.WebhookRemovedId {
				ch.Line, ch.InBase = base.Line(ptr), true
			} else {
				ch.Line = revision.Line(ptr)
			}
		}
		add(ch)
	}
	var hd *diff.Diff
	if hooks.n > 0 {
		var hookChanges []Change
		hookChanges, hd, err = compare(h1, h2, base.Version, revision.Version, false, false)
		if err != nil {
			return nil, err
		}
		for _, ch := range hookChanges {
			if ch, ok := hooks.relabel(ch, base, revision); ok {
				add(ch)
			}
		}
	}
	slices.SortStableFunc(report.Changes, func(a, b Change) int { return severityRank(a.Level) - severityRank(b.Level) })
	if d != nil {
		report.Added, report.Removed, report.Modified = endpointLists(d, s1, s2)
	}
	if hd != nil {
		added, removed, modified := hooks.endpoints(hd)
		report.Added = append(report.Added, added...)
		report.Removed = append(report.Removed, removed...)
		report.Modified = append(report.Modified, modified...)
	}
	for _, list := range []*[]string{&report.Added, &report.Removed, &report.Modified} {
		slices.Sort(*list)
		*list = slices.Compact(*list)
	}
	return report, nil
}

// endpointLists lists the endpoints d (the comparison of s1 and s2) finds
// added, removed and modified, with the webhooks added and removed and the
// callbacks of the operations added and removed, unsorted.
func endpointLists(d *diff.Diff, s1, s2 *openapi3.T) (added, removed, modified []string) {
	if e := d.EndpointsDiff; e != nil {
		added = endpointLabels(e.Added, s2)
		removed = endpointLabels(e.Deleted, s1)
		for ep := range e.Modified {
			modified = append(modified, ep.Method+" "+ep.Path)
		}
	}
	if w := d.WebhooksDiff; w != nil {
		webhookOps := func(names []string, t *openapi3.T) (out []string) {
			for _, name := range names {
				if item := t.Webhooks[name]; item != nil {
					for m, op := range item.Operations() {
						if op != nil {
							out = append(out, hook{name: name}.label(strings.ToUpper(m)))
						}
					}
				}
			}
			return out
		}
		added = append(added, webhookOps(w.Added, s2)...)
		removed = append(removed, webhookOps(w.Deleted, s1)...)
	}
	return added, removed, modified
}

// compare runs oasdiff's backward-compatibility checks and Portico's own
// on s1 and s2 (swagger1 and swagger2 say a description was Swagger 2.0),
// Portico's first; each change has its rule, level, text, values and
// operation ("GET /v1/pets", when on one), neither line nor key.
func compare(s1, s2 *openapi3.T, v1, v2 string, swagger1, swagger2 bool) ([]Change, *diff.Diff, error) {
	d, sources, err := diff.GetWithOperationsSourcesMap(diff.NewConfig(),
		&load.SpecInfo{Source: load.NewFileSource("base"), Spec: s1, Version: v1},
		&load.SpecInfo{Source: load.NewFileSource("revision"), Spec: s2, Version: v2})
	if err != nil {
		return nil, nil, fmt.Errorf("diff: %w", err)
	}
	config := checker.NewConfig(checker.GetAllChecks())
	changes := checker.CheckBackwardCompatibilityUntilLevel(config, d, sources, checker.INFO)
	localize := checker.NewLocalizer(localizations.LangEn)
	patterns := localizations.New(localizations.LangEn, localizations.LangDefault)
	out := append(additionalPropertiesChanges(s1, s2), serializationChanges(s1, s2, swagger1, swagger2)...)
	for _, c := range changes {
		ch := Change{
			ID:    c.GetId(),
			Level: RuleSet(nil).Severity(c.GetId(), levelSeverity(c.GetLevel())),
			Path:  c.GetPath(),
			Text:  c.GetUncolorizedText(localize),
		}
		if m := c.GetOperation(); m != "" && ch.Path != "" {
			ch.Operation = m + " " + ch.Path
		}
		if args := c.GetArgs(); len(args) > 0 && (ch.ID == checker.WebhookAddedId || ch.ID == checker.WebhookRemovedId) {
			name, _ := args[0].(string)
			in := s2
			if ch.ID == checker.WebhookRemovedId {
				in = s1
			}
			if item := in.Webhooks[name]; item != nil {
				ch.webhook, ch.Operation = name, webhookLabel(name, item)
			}
		}
		ch.Old, ch.New = oldNew(patterns.Get("messages."+ch.ID), c.GetArgs())
		out = append(out, ch)
	}
	return out, d, nil
}

// operationLines finds the line of an operation named by its full path
// (base path + path) in the revision or, when it is not there, in the base.
type operationLines struct {
	base, rev         *Document
	baseBase, revBase string
	// baseKeys and revKeys map a path's shape (its templates as {}) to
	// its key in the document, for a path whose parameters were renamed.
	baseKeys, revKeys map[string]string
}

func newOperationLines(base, rev *Document, baseBase, revBase string) *operationLines {
	keys := func(t *openapi3.T) map[string]string {
		// Of two paths of one shape (which the specification forbids
		// but Parse accepts), the first in order, as commonOperations
		// pairs them: the same on every run.
		m := map[string]string{}
		if t.Paths != nil {
			for _, p := range slices.Sorted(maps.Keys(t.Paths.Map())) {
				shape := pathTemplate.ReplaceAllString(p, "{}")
				if _, ok := m[shape]; !ok {
					m[shape] = p
				}
			}
		}
		return m
	}
	return &operationLines{base: base, rev: rev, baseBase: baseBase, revBase: revBase, baseKeys: keys(base.Spec), revKeys: keys(rev.Spec)}
}

// of gives the line of method on full path: in the revision when the
// operation is there, else in the base (inBase) when it is there, else at
// the path in the revision; 0 when none is found.
func (l *operationLines) of(method, full string) (line int, inBase bool) {
	method = strings.ToLower(method)
	find := func(d *Document, keys map[string]string, prefix string) (key string, hasOp bool) {
		p, ok := strings.CutPrefix(full, prefix)
		if !ok || d.Spec.Paths == nil {
			return "", false
		}
		if d.Spec.Paths.Value(p) == nil {
			if p = keys[pathTemplate.ReplaceAllString(p, "{}")]; p == "" {
				return "", false
			}
		}
		item := d.Spec.Paths.Value(p)
		return p, item != nil && item.GetOperation(strings.ToUpper(method)) != nil
	}
	revKey, inRev := find(l.rev, l.revKeys, l.revBase)
	if inRev {
		return l.rev.Line(pointerOf([]string{"paths", revKey, method})), false
	}
	if baseKey, ok := find(l.base, l.baseKeys, l.baseBase); ok {
		return l.base.Line(pointerOf([]string{"paths", baseKey, method})), true
	}
	if revKey != "" {
		return l.rev.Line(pointerOf([]string{"paths", revKey})), false
	}
	return 0, false
}

// endpointLabels names the endpoints eps of t (as prepared by
// withCommonParamsMoved), each followed by its callbacks' operations.
func endpointLabels(eps diff.Endpoints, t *openapi3.T) []string {
	var out []string
	for _, ep := range eps {
		out = append(out, ep.Method+" "+ep.Path)
		var op *openapi3.Operation
		if t.Paths != nil {
			if item := t.Paths.Value(ep.Path); item != nil {
				op = item.GetOperation(ep.Method)
			}
		}
		if op == nil {
			continue
		}
		for name, cb := range op.Callbacks {
			for expr, item := range callbackItems(cb) {
				if item == nil {
					continue
				}
				for m, cop := range item.Operations() {
					if cop != nil {
						h := hook{name: name, of: ep.Method + " " + ep.Path, expr: expr}
						out = append(out, h.label(strings.ToUpper(m)))
					}
				}
			}
		}
	}
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

// withCommonParamsMoved returns a copy of t in which each path is prefixed
// with base (the servers' base path), each operation also lists the
// parameters of its path item (unless it declares one of the same name and
// location itself) and path items have none. Header names are lowercased
// (header parameters, response headers and the header of an apiKey
// security scheme): HTTP header names are case-insensitive, so a header
// whose name only changes case is the same header. Only what changes is
// copied (path items, operations, parameters and responses with headers,
// security schemes); t is left as it was.
func withCommonParamsMoved(t *openapi3.T, base string) *openapi3.T {
	c := *t
	c.Components = lowerSchemeHeaders(t.Components)
	if t.Paths == nil {
		return &c
	}
	c.Paths = openapi3.NewPathsWithCapacity(t.Paths.Len())
	c.Paths.Extensions = t.Paths.Extensions
	for path, item := range t.Paths.Map() {
		path = base + path
		if item == nil {
			c.Paths.Set(path, nil)
			continue
		}
		ic := *item
		ic.Parameters = nil
		ic.AdditionalOperations = nil
		common := lowerHeaderParams(item.Parameters)
		for method, op := range item.Operations() {
			oc := *op
			oc.Parameters = lowerHeaderParams(op.Parameters)
			own := len(oc.Parameters)
			for _, p := range common {
				if p == nil || p.Value == nil || oc.Parameters[:own].GetByInAndName(p.Value.In, p.Value.Name) != nil {
					continue
				}
				oc.Parameters = append(oc.Parameters, p)
			}
			oc.Responses = lowerResponseHeaders(op.Responses)
			ic.SetOperation(method, &oc)
		}
		c.Paths.Set(path, &ic)
	}
	return &c
}

// lowerHeaderParams returns a copy of params in which the names of header
// parameters are lowercase.
func lowerHeaderParams(params openapi3.Parameters) openapi3.Parameters {
	out := slices.Clone(params)
	for i, p := range out {
		if p == nil || p.Value == nil || p.Value.In != openapi3.ParameterInHeader || strings.ToLower(p.Value.Name) == p.Value.Name {
			continue
		}
		v := *p.Value
		v.Name = strings.ToLower(v.Name)
		pc := *p
		pc.Value = &v
		out[i] = &pc
	}
	return out
}

// lowerResponseHeaders returns responses, or a copy of it in which the
// responses that have headers name them in lowercase.
func lowerResponseHeaders(responses *openapi3.Responses) *openapi3.Responses {
	if responses == nil {
		return nil
	}
	withHeaders := false
	for _, r := range responses.Map() {
		withHeaders = withHeaders || (r != nil && r.Value != nil && len(r.Value.Headers) > 0)
	}
	if !withHeaders {
		return responses
	}
	out := openapi3.NewResponsesWithCapacity(responses.Len())
	out.Extensions, out.Origin = responses.Extensions, responses.Origin
	for code, r := range responses.Map() {
		if r != nil && r.Value != nil && len(r.Value.Headers) > 0 {
			v := *r.Value
			v.Headers = make(openapi3.Headers, len(r.Value.Headers))
			for name, h := range r.Value.Headers {
				v.Headers[strings.ToLower(name)] = h
			}
			rc := *r
			rc.Value = &v
			r = &rc
		}
		out.Set(code, r)
	}
	return out
}

// lowerSchemeHeaders returns components, or a copy of it in which the
// header of each apiKey security scheme sent in a header is lowercase (one
// sent in a query parameter or a cookie keeps its case).
func lowerSchemeHeaders(components *openapi3.Components) *openapi3.Components {
	if components == nil || len(components.SecuritySchemes) == 0 {
		return components
	}
	c := *components
	c.SecuritySchemes = make(openapi3.SecuritySchemes, len(components.SecuritySchemes))
	for name, s := range components.SecuritySchemes {
		if s != nil && s.Value != nil && s.Value.Type == "apiKey" && s.Value.In == "header" {
			v := *s.Value
			v.Name = strings.ToLower(v.Name)
			sc := *s
			sc.Value = &v
			s = &sc
		}
		c.SecuritySchemes[name] = s
	}
	return &c
}

// severityRank orders severities, most severe first.
func severityRank(s string) int {
	switch s {
	case SeverityError:
		return 0
	case SeverityWarn:
		return 1
	case SeverityInfo:
		return 2
	}
	return 3
}

// basePath is the path of the first server URL of t, with its variables at
// their defaults and without a trailing slash: "/v1" for
// https://api.example.com/v1/. It is empty when there is no server or the
// URL has no path, or is longer than maxServerURL with its variables
// replaced.
func basePath(t *openapi3.T) string {
	if t == nil || len(t.Servers) == 0 || t.Servers[0] == nil {
		return ""
	}
	raw, ok := expandServerURL(t.Servers[0])
	if !ok {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	p := u.Path
	if u.Host == "" && u.Scheme == "" && !strings.HasPrefix(p, "/") {
		p = "/" + p // a relative URL such as "v1"
	}
	return strings.TrimRight(p, "/")
}

// basePathChange is the change of the servers' base path from old to new,
// saying whether operations' URLs moved with it.
func basePathChange(old, new string, base, rev *openapi3.T) Change {
	show := func(p string) string {
		if p == "" {
			return "/"
		}
		return p
	}
	text := fmt.Sprintf("the servers' base path changed from %s to %s", show(old), show(new))
	moved := 0
	if base.Paths != nil && rev.Paths != nil {
		revFull := map[string]bool{}
		for p := range rev.Paths.Map() {
			revFull[new+p] = true
		}
		for p := range base.Paths.Map() {
			if !revFull[old+p] {
				moved++
			}
		}
	}
	if moved == 0 {
		text += "; the paths changed with it, so every operation keeps its URL"
	} else {
		text += fmt.Sprintf("; %d path(s) no longer exist at their old URL", moved)
	}
	c := Change{ID: RuleBasePathChanged, Level: RuleSet(nil).Severity(RuleBasePathChanged, SeverityWarn), Text: text, Old: show(old), New: show(new)}
	c.Key = changeKey(c)
	return c
}

// oldNew picks the values before and after out of a change's arguments,
// when its English message says "from %s to %s".
func oldNew(pattern string, args []any) (string, string) {
	i := strings.Index(pattern, "from %s to %s")
	if i < 0 {
		return "", ""
	}
	n := strings.Count(pattern[:i], "%")
	if n+1 >= len(args) {
		return "", ""
	}
	return fmt.Sprint(args[n]), fmt.Sprint(args[n+1])
}

// changeKey identifies a change within one comparison.
func changeKey(c Change) string {
	sum := sha256.Sum256([]byte(c.ID + "\x00" + c.Operation + "\x00" + c.Text))
	return hex.EncodeToString(sum[:8])
}
