package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
)

// Report is what reviewers judge a version by: what the OpenAPI
// specification's rules and the lint rules find in it, and its changes
// against the version it would replace. It is computed once, when the
// version is submitted, and stored with the publication request; severities
// are applied when it is read (Judge), so that an org's rule set applies to
// requests already open.
type Report struct {
	// Gate is the GateVersion that computed the report; 0 for a report
	// stored before the stamp.
	Gate       int       `json:"gate,omitempty"`
	Validation []Finding `json:"validation"`
	Lint       []Finding `json:"lint"`
	// Diff is nil when there is no version to compare with.
	Diff *DiffReport `json:"diff,omitempty"`
}

// GateVersion numbers what the gate finds: raise it with every change to
// the findings a description or a comparison gives (a rule, a check, a
// finding's operation, text or key, as when webhook findings were renamed
// from "POST webhook:ev" to "webhook ev (POST)"), so that the reports
// stored before are computed again (lifecycle.Service.Review).
const GateVersion = 2

// CarriedKeys maps each key of keys, keys of old's changes that next lacks,
// to the key of next's change for the same finding, as a newer gate names
// it: the same rule, old's text (which next may prefix with what it
// concerns, "webhook ev (POST), in the payload …: "), and the same
// operation where old names one (a webhook's "POST webhook:ev" being next's
// "webhook ev (POST)"). A key is mapped only when exactly one change of
// next fits; a finding whose rule changed (a webhook payload now judged as
// a response) is another finding, and is not mapped.
func CarriedKeys(old, next *Report, keys []string) map[string]string {
	out := map[string]string{}
	if old == nil || old.Diff == nil || next == nil || next.Diff == nil {
		return out
	}
	have := map[string]bool{}
	for _, c := range next.Diff.Changes {
		have[c.Key] = true
	}
	for _, key := range keys {
		if have[key] {
			continue
		}
		i := slices.IndexFunc(old.Diff.Changes, func(c Change) bool { return c.Key == key })
		if i < 0 {
			continue
		}
		was := old.Diff.Changes[i]
		found := ""
		for _, c := range next.Diff.Changes {
			if c.ID != was.ID || (c.Text != was.Text && !strings.HasSuffix(c.Text, ": "+was.Text)) || !sameOperation(was.Operation, c.Operation) {
				continue
			}
			if found != "" {
				found = ""
				break
			}
			found = c.Key
		}
		if found != "" {
			out[key] = found
		}
	}
	return out
}

// sameOperation reports whether an older gate's operation was names what
// now does: the same, none then, or an oasdiff webhook operation ("POST
// webhook:ev") now the webhook's ("webhook ev (POST)", "webhook ev (POST,
// PUT)").
func sameOperation(was, now string) bool {
	if was == "" || was == now {
		return true
	}
	method, hook, ok := strings.Cut(was, " webhook:")
	if !ok {
		return false
	}
	rest, ok := strings.CutPrefix(now, "webhook "+hook+" (")
	if !ok {
		return false
	}
	return slices.Contains(strings.Split(strings.TrimSuffix(rest, ")"), ", "), method)
}

// NewReport computes the report of rev, compared with base when base is not nil.
func NewReport(base, rev *Document) (*Report, error) {
	r := &Report{Gate: GateVersion, Validation: slices.Clone(rev.Validation), Lint: Lint(rev)}
	if base != nil {
		d, err := Diff(base, rev)
		if err != nil {
			return nil, err
		}
		r.Diff = d
	}
	return r, nil
}

// Kinds of Items.
const (
	ItemChange     = "change"
	ItemValidation = "validation"
	ItemLint       = "lint"
)

// Item is one row of a judged report: a change or a finding, at the
// severity the org's rule set gives its rule.
type Item struct {
	Kind      string `json:"kind"`
	Rule      string `json:"rule"`
	Severity  string `json:"severity"`
	Operation string `json:"operation,omitempty"`
	// Location is a JSON pointer for findings, empty for changes.
	Location string `json:"location,omitempty"`
	Line     int    `json:"line,omitempty"`
	InBase   bool   `json:"in_base,omitempty"`
	Message  string `json:"message"`
	Old      string `json:"old,omitempty"`
	New      string `json:"new,omitempty"`
	Key      string `json:"key"`
	// Accepted is set on a breaking change a reviewer accepted as a known
	// false positive: it blocks nothing.
	Accepted bool `json:"accepted,omitempty"`
}

// Breaking reports whether the item is a breaking change that blocks a
// release within the major version.
func (it Item) Breaking() bool {
	return it.Kind == ItemChange && it.Severity == SeverityError && !it.Accepted
}

// RuleCount is how many items one rule gave, at one severity.
type RuleCount struct {
	Rule     string `json:"rule"`
	Kind     string `json:"kind"`
	Severity string `json:"severity"`
	Count    int    `json:"count"`
}

// Judgement is a report judged by an org's rule set: every item at its
// severity (rules set to off are left out), breaking changes first.
type Judgement struct {
	Items []Item
	// Breaking counts the breaking changes not accepted; Accepted those
	// accepted; Errors the validation and lint findings of severity error.
	Breaking, Accepted, Errors int
	// Rules counts the items by rule and severity, most severe first and
	// then by count.
	Rules []RuleCount
}

// Judge applies rs to r; accepted holds the keys of changes a reviewer
// accepted as known false positives.
func Judge(r *Report, rs RuleSet, accepted map[string]bool) *Judgement {
	j := &Judgement{}
	if r == nil {
		return j
	}
	if r.Diff != nil {
		for _, c := range r.Diff.Changes {
			it := Item{Kind: ItemChange, Rule: c.ID, Severity: rs.Severity(c.ID, c.Level), Operation: c.Operation, Line: c.Line,
				InBase: c.InBase, Message: c.Text, Old: c.Old, New: c.New, Key: c.Key}
			it.Accepted = it.Severity == SeverityError && accepted[c.Key]
			j.add(it)
		}
	}
	for _, group := range []struct {
		kind string
		fs   []Finding
	}{{ItemValidation, r.Validation}, {ItemLint, r.Lint}} {
		for _, f := range group.fs {
			j.add(Item{Kind: group.kind, Rule: f.Rule, Severity: rs.Severity(f.Rule, f.Severity), Operation: operationOf(f.Pointer),
				Location: f.Pointer, Line: f.Line, Message: f.Message, Key: findingKey(f)})
		}
	}
	slices.SortStableFunc(j.Items, func(a, b Item) int {
		if a.Breaking() != b.Breaking() {
			if a.Breaking() {
				return -1
			}
			return 1
		}
		if d := severityRank(a.Severity) - severityRank(b.Severity); d != 0 {
			return d
		}
		if a.Breaking() {
			return strings.Compare(a.Operation, b.Operation) // grouped by operation
		}
		return 0
	})
	counts := map[[3]string]int{}
	for _, it := range j.Items {
		counts[[3]string{it.Severity, it.Rule, it.Kind}]++
	}
	for k, n := range counts {
		j.Rules = append(j.Rules, RuleCount{Severity: k[0], Rule: k[1], Kind: k[2], Count: n})
	}
	slices.SortFunc(j.Rules, func(a, b RuleCount) int {
		if d := severityRank(a.Severity) - severityRank(b.Severity); d != 0 {
			return d
		}
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Rule, b.Rule)
	})
	return j
}

func (j *Judgement) add(it Item) {
	if it.Severity == SeverityOff {
		return
	}
	switch {
	case it.Breaking():
		j.Breaking++
	case it.Accepted:
		j.Accepted++
	case it.Kind != ItemChange && it.Severity == SeverityError:
		j.Errors++
	}
	j.Items = append(j.Items, it)
}

// Filter selects items; empty fields select everything.
type Filter struct {
	Severity string // error, warning or info
	Rule     string
	Kind     string // change, validation or lint
	// Breaking selects only breaking changes not accepted.
	Breaking bool
}

// Select returns the items matching f, page by page: page (from 1) of
// perPage items, and the number of items matching.
func (j *Judgement) Select(f Filter, page, perPage int) ([]Item, int) {
	var out []Item
	total := 0
	from := (page - 1) * perPage
	for _, it := range j.Items {
		if (f.Severity != "" && it.Severity != f.Severity) || (f.Rule != "" && it.Rule != f.Rule) ||
			(f.Kind != "" && it.Kind != f.Kind) || (f.Breaking && !it.Breaking()) {
			continue
		}
		if total >= from && len(out) < perPage {
			out = append(out, it)
		}
		total++
	}
	return out, total
}

// Find returns the item with key.
func (j *Judgement) Find(key string) (Item, bool) {
	for _, it := range j.Items {
		if it.Key == key {
			return it, true
		}
	}
	return Item{}, false
}

// operationOf reads "GET /pets" out of a pointer into an operation.
func operationOf(ptr string) string {
	segs := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	if len(segs) < 3 || segs[0] != "paths" {
		return ""
	}
	path := strings.ReplaceAll(strings.ReplaceAll(segs[1], "~1", "/"), "~0", "~")
	method := strings.ToUpper(segs[2])
	if !slices.Contains(methodOrder(), method) {
		return ""
	}
	return method + " " + path
}

func findingKey(f Finding) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s\x00%s\x00%s", f.Rule, f.Pointer, f.Message)))
	return hex.EncodeToString(sum[:8])
}
