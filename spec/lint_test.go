package spec

import (
	"slices"
	"strings"
	"testing"
)

// cleanLintSpec breaks no lint rule; the test cases edit it.
const cleanLintSpec = `openapi: 3.0.3
info:
  title: Pets
  version: "1.0"
  description: All the pets.
servers:
  - url: https://api.example.com
security:
  - key: []
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
paths:
  /pets/{id}:
    get:
      operationId: getPet
      summary: Get a pet
      tags: [pets]
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200": {description: ok}
        "404": {description: not found}
`

// edit applies old→new replacements to cleanLintSpec, failing the test if
// one does not apply.
func edit(t *testing.T, pairs ...string) string {
	t.Helper()
	s := cleanLintSpec
	for i := 0; i+1 < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			t.Fatalf("edit: %q is not in the clean spec", pairs[i])
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return s
}

func TestLintClean(t *testing.T) {
	if got := Lint(mustParse(t, []byte(cleanLintSpec))); len(got) != 0 {
		t.Errorf("Lint of the clean spec: got %+v, want no findings", got)
	}
}

func TestLintRules(t *testing.T) {
	const op = "paths./pets/{id}.get"
	tests := []struct {
		rule     string
		fail     []string // edits that break the rule
		pass     []string // edits that still satisfy it
		location string
		severity string
	}{
		{
			rule:     "info-description",
			fail:     []string{"  description: All the pets.\n", ""},
			pass:     []string{"All the pets.", "A **Markdown** description."},
			location: "info", severity: SeverityInfo,
		},
		{
			rule:     "servers-defined",
			fail:     []string{"servers:\n  - url: https://api.example.com\n", ""},
			pass:     []string{"https://api.example.com", "/relative/v1"},
			location: "servers", severity: SeverityWarn,
		},
		{
			rule:     "operation-operationid",
			fail:     []string{"      operationId: getPet\n", ""},
			pass:     []string{"getPet", "pets.get"},
			location: op, severity: SeverityWarn,
		},
		{
			rule:     "operation-summary",
			fail:     []string{"      summary: Get a pet\n", ""},
			pass:     []string{"Get a pet", "Fetch one pet by id"},
			location: op, severity: SeverityWarn,
		},
		{
			rule:     "operation-tags",
			fail:     []string{"      tags: [pets]\n", ""},
			pass:     []string{"tags: [pets]", "tags: [store, pets]"},
			location: op, severity: SeverityWarn,
		},
		{
			rule: "operation-security",
			fail: []string{"security:\n  - key: []\n", ""},
			// An explicit empty list marks a public operation.
			pass:     []string{"security:\n  - key: []\n", "", "      tags: [pets]\n", "      tags: [pets]\n      security: []\n"},
			location: op, severity: SeverityWarn,
		},
		{
			rule: "operation-success-response",
			fail: []string{`"200": {description: ok}`, `"500": {description: oops}`},
			// A redirect counts as success, and so does a range.
			pass:     []string{`"200": {description: ok}`, `"3XX": {description: moved}`},
			location: op, severity: SeverityError,
		},
		{
			rule: "operation-error-response",
			fail: []string{`        "404": {description: not found}` + "\n", ""},
			// A default response documents errors too.
			pass:     []string{`"404": {description: not found}`, `default: {description: error}`},
			location: op, severity: SeverityWarn,
		},
	}

	var tested []string
	for _, tt := range tests {
		tested = append(tested, tt.rule)
		t.Run(tt.rule, func(t *testing.T) {
			findings := Lint(mustParse(t, []byte(edit(t, tt.fail...))))
			if len(findings) != 1 {
				t.Fatalf("failing spec: got findings %+v, want exactly one for %s", findings, tt.rule)
			}
			f := findings[0]
			if f.Rule != tt.rule || f.Location != tt.location || f.Severity != tt.severity || f.Message == "" {
				t.Errorf("failing spec: got %+v, want rule %s at %q with severity %s and a message", f, tt.rule, tt.location, tt.severity)
			}
			if got := Lint(mustParse(t, []byte(edit(t, tt.pass...)))); len(got) != 0 {
				t.Errorf("passing spec: got findings %+v, want none", got)
			}
		})
	}

	// Every rule of the ruleset has a case above, and nothing else does.
	var ids []string
	for _, r := range Rules() {
		ids = append(ids, r.ID)
		if r.Description == "" || !slices.Contains([]string{SeverityError, SeverityWarn, SeverityInfo}, r.Severity) {
			t.Errorf("rule %s: got severity %q and description %q, want a known severity and a description", r.ID, r.Severity, r.Description)
		}
	}
	if !slices.Equal(ids, tested) {
		t.Errorf("Rules(): got %q, want the tested rules %q in that order", ids, tested)
	}
}

func TestLintOrder(t *testing.T) {
	const spec = `openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /b:
    get:
      responses: {"200": {description: ok}}
  /a:
    post:
      responses: {"200": {description: ok}}
    get:
      responses: {"200": {description: ok}}
`
	d := mustParse(t, []byte(spec))
	var got []string
	for _, f := range Lint(d) {
		got = append(got, f.Location+" "+f.Rule)
	}
	var want []string
	want = append(want, "info info-description", "servers servers-defined")
	for _, loc := range []string{"paths./a.get", "paths./a.post", "paths./b.get"} {
		for _, rule := range []string{"operation-operationid", "operation-summary", "operation-tags", "operation-security", "operation-error-response"} {
			want = append(want, loc+" "+rule)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings:\ngot  %q\nwant %q", got, want)
	}
	// Same input, same output.
	if again := Lint(d); len(again) != len(got) {
		t.Errorf("second Lint: got %d findings, want %d", len(again), len(got))
	}
}

// A global explicit empty security list marks the whole API public, as the
// rule's message itself advises: no operation is then without security.
func TestLintGlobalEmptySecurityIsPublic(t *testing.T) {
	for name, src := range map[string]string{
		"openapi 3": edit(t, "security:\n  - key: []\n", "security: []\n"),
		"swagger 2": `swagger: "2.0"
info: {title: Pets, version: "1.0", description: All the pets.}
host: api.example.com
security: []
paths:
  /pets:
    get: {operationId: listPets, summary: List pets, tags: [pets], responses: {"200": {description: ok}, "404": {description: none}}}
`,
	} {
		if got := Lint(mustParse(t, []byte(src))); len(got) != 0 {
			t.Errorf("%s: got findings %+v, want none", name, got)
		}
	}
}
