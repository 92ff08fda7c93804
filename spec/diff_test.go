package spec

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// petsV1 is the base of the inline diff pairs; each revision edits it.
const petsV1 = `openapi: 3.0.3
info: {title: Pets, version: "1.0.0"}
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: array
                items: {$ref: "#/components/schemas/Pet"}
  /pets/{id}:
    get:
      operationId: getPet
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
components:
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id: {type: integer}
        name: {type: string}
        tag: {type: string}
`

func revise(t *testing.T, pairs ...string) string {
	t.Helper()
	s := petsV1
	for i := 0; i+1 < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			t.Fatalf("revise: %q is not in the base spec", pairs[i])
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return s
}

func changeIDs(r *DiffReport, level string) []string {
	var ids []string
	for _, c := range r.Changes {
		if level == "" || c.Level == level {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

func TestDiff(t *testing.T) {
	tests := []struct {
		name     string
		edits    []string
		breaking bool
		// wantChange is the id of a change that must be reported, on
		// wantOperation, with a text containing wantText.
		wantChange, wantOperation, wantText string
		added, removed, modified            []string
	}{
		{
			name: "removed path",
			edits: []string{`  /pets/{id}:
    get:
      operationId: getPet
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
`, ""},
			breaking:   true,
			wantChange: "api-path-removed-without-deprecation", wantOperation: "GET /pets/{id}", wantText: "API path removed",
			removed: []string{"GET /pets/{id}"},
		},
		{
			name:       "parameter became required",
			edits:      []string{"{name: limit, in: query, schema", "{name: limit, in: query, required: true, schema"},
			breaking:   true,
			wantChange: "request-parameter-became-required", wantOperation: "GET /pets", wantText: "`limit` became required",
			modified: []string{"GET /pets"},
		},
		{
			name:       "new required parameter",
			edits:      []string{"        - {name: limit, in: query, schema: {type: integer}}\n", "        - {name: limit, in: query, schema: {type: integer}}\n        - {name: owner, in: query, required: true, schema: {type: string}}\n"},
			breaking:   true,
			wantChange: "new-required-request-parameter", wantOperation: "GET /pets", wantText: "owner",
			modified: []string{"GET /pets"},
		},
		{
			name:       "changed property type",
			edits:      []string{"id: {type: integer}", "id: {type: string}"},
			breaking:   true,
			wantChange: "response-property-type-changed", wantOperation: "GET /pets/{id}", wantText: "`id`",
			modified: []string{"GET /pets", "GET /pets/{id}"},
		},
		{
			name:       "changed path parameter type",
			edits:      []string{"{name: id, in: path, required: true, schema: {type: string}}", "{name: id, in: path, required: true, schema: {type: integer}}"},
			breaking:   true,
			wantChange: "request-parameter-type-changed", wantOperation: "GET /pets/{id}", wantText: "`id`",
			modified: []string{"GET /pets/{id}"},
		},
		{
			name:       "removed required response property",
			edits:      []string{"required: [id, name]", "required: [id]", "        name: {type: string}\n", ""},
			breaking:   true,
			wantChange: "response-required-property-removed", wantOperation: "GET /pets/{id}", wantText: "`name`",
			modified: []string{"GET /pets", "GET /pets/{id}"},
		},
		{
			name: "additive only",
			edits: []string{
				"        - {name: limit, in: query, schema: {type: integer}}\n", "        - {name: limit, in: query, schema: {type: integer}}\n        - {name: sort, in: query, schema: {type: string}}\n",
				"  /pets/{id}:\n", `  /stores:
    get:
      operationId: listStores
      responses:
        "200": {description: ok}
  /pets/{id}:
`,
				"        tag: {type: string}\n", "        tag: {type: string}\n        color: {type: string}\n",
			},
			breaking:   false,
			wantChange: "endpoint-added", wantOperation: "GET /stores", wantText: "endpoint added",
			added:    []string{"GET /stores"},
			modified: []string{"GET /pets", "GET /pets/{id}"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := mustParse(t, []byte(petsV1))
			rev := mustParse(t, []byte(revise(t, tt.edits...)))
			r, err := Diff(base, rev)
			if err != nil {
				t.Fatalf("Diff: %v", err)
			}
			if r.Breaking() != tt.breaking {
				t.Errorf("Breaking: got %v, want %v (breaking changes: %+v)", r.Breaking(), tt.breaking, r.BreakingChanges())
			}
			if got := len(r.BreakingChanges()) > 0; got != tt.breaking {
				t.Errorf("BreakingChanges: got %+v, want some: %v", r.BreakingChanges(), tt.breaking)
			}
			found := false
			for _, c := range r.Changes {
				if c.ID == tt.wantChange && c.Operation == tt.wantOperation && strings.Contains(c.Text, tt.wantText) {
					found = true
					if wantLevel := map[bool]string{true: LevelError, false: LevelInfo}[tt.breaking]; c.Level != wantLevel {
						t.Errorf("level of %s: got %q, want %q", c.ID, c.Level, wantLevel)
					}
				}
			}
			if !found {
				t.Errorf("changes: got %+v, want %s on %s with text containing %q", r.Changes, tt.wantChange, tt.wantOperation, tt.wantText)
			}
			if !slices.Equal(r.Added, tt.added) || !slices.Equal(r.Removed, tt.removed) || !slices.Equal(r.Modified, tt.modified) {
				t.Errorf("added, removed, modified: got %q %q %q, want %q %q %q", r.Added, r.Removed, r.Modified, tt.added, tt.removed, tt.modified)
			}
		})
	}
}

func TestDiffSampleMutated(t *testing.T) {
	const sample = "circl.lu__hashlookup__1.0.yaml"
	data := readSample(t, sample)
	base := mustParse(t, data)
	rev := mustParse(t, data)

	same, err := Diff(base, rev)
	if err != nil {
		t.Fatalf("Diff of a sample with itself: %v", err)
	}
	if len(same.Changes) != 0 || len(same.Added)+len(same.Removed)+len(same.Modified) != 0 {
		t.Errorf("Diff of a sample with itself: got %+v, want no change", same)
	}

	// Drop an endpoint and retype a path parameter.
	rev.Spec.Paths.Delete("/info")
	md5 := rev.Spec.Paths.Value("/lookup/md5/{md5}")
	if md5 == nil || len(md5.Parameters) != 1 {
		t.Fatalf("sample %s: want /lookup/md5/{md5} with one path parameter", sample)
	}
	md5.Parameters[0].Value.Schema = openapi3.NewIntegerSchema().NewRef()

	r, err := Diff(base, rev)
	if err != nil {
		t.Fatalf("Diff: %v", err)
	}
	got := changeIDs(r, LevelError)
	for _, want := range []string{"api-path-removed-without-deprecation", "request-parameter-type-changed"} {
		if !slices.Contains(got, want) {
			t.Errorf("breaking changes: got %q, want %s among them", got, want)
		}
	}
	if want := []string{"GET /info"}; !slices.Equal(r.Removed, want) {
		t.Errorf("Removed: got %q, want %q", r.Removed, want)
	}
	if want := []string{"GET /lookup/md5/{md5}"}; !slices.Equal(r.Modified, want) {
		t.Errorf("Modified: got %q, want %q", r.Modified, want)
	}
}

func TestDiffLeavesDocumentsAlone(t *testing.T) {
	base := mustParse(t, []byte(petsV1))
	rev := mustParse(t, []byte(revise(t, "id: {type: integer}", "id: {type: string}")))
	before := [][]byte{mustJSON(t, base), mustJSON(t, rev)}
	if _, err := Diff(base, rev); err != nil {
		t.Fatalf("Diff: %v", err)
	}
	after := [][]byte{mustJSON(t, base), mustJSON(t, rev)}
	for i := range before {
		if !bytes.Equal(before[i], after[i]) {
			t.Errorf("document %d changed during Diff", i)
		}
	}
}

func TestDiffAcrossMinorVersions(t *testing.T) {
	base := mustParse(t, []byte(strings.Replace(petsV1, "tag: {type: string}", "tag: {type: string, nullable: true}", 1)))
	rev := mustParse(t, []byte(strings.NewReplacer(
		"openapi: 3.0.3", "openapi: 3.1.0",
		"tag: {type: string}", `tag: {type: [string, "null"]}`,
	).Replace(petsV1)))
	if base.Format != FormatOpenAPI30 || rev.Format != FormatOpenAPI31 {
		t.Fatalf("formats: got %s and %s, want 3.0 and 3.1", base.Format, rev.Format)
	}
	r, err := Diff(base, rev)
	if err != nil {
		t.Fatalf("Diff: %v", err)
	}
	if r.Breaking() {
		t.Errorf("Breaking: got %+v, want none for the same API in 3.0 and 3.1", r.BreakingChanges())
	}
	if base.Spec.OpenAPI != "3.0.3" {
		t.Errorf("base openapi field: got %q, want it left at 3.0.3", base.Spec.OpenAPI)
	}
}

func TestDiffNeedsDocuments(t *testing.T) {
	d := mustParse(t, []byte(petsV1))
	for _, pair := range [][2]*Document{{nil, d}, {d, nil}, {{}, d}} {
		if _, err := Diff(pair[0], pair[1]); err == nil {
			t.Errorf("Diff(%v, %v): got no error, want one", pair[0], pair[1])
		}
	}
}

func mustJSON(t *testing.T, d *Document) []byte {
	t.Helper()
	j, err := d.JSON()
	if err != nil {
		t.Fatalf("JSON: %v", err)
	}
	return j
}

// HTTP header names are case-insensitive (RFC 9110, section 5.1): a header
// parameter, a response header or an API key header that only changes case
// is the same header, and no change. Other names keep their case.
func TestDiffHeaderNamesIgnoreCase(t *testing.T) {
	const headers = `openapi: 3.0.3
info: {title: Headers, version: "1.0.0"}
security: [{key: []}]
paths:
  /a:
    parameters: [{name: X-Trace, in: header, required: true, schema: {type: string}}]
    get:
      parameters:
        - {name: X-Tenant, in: header, required: true, schema: {type: string}}
        - {name: q, in: query, required: true, schema: {type: string}}
      responses:
        "200":
          description: ok
          headers:
            X-Rate-Limit: {required: true, schema: {type: integer}}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Api-Key}
`
	base := mustParse(t, []byte(headers))
	for _, tt := range []struct {
		name, from, to string
		// want is the id of the breaking change expected, "" for none.
		want string
	}{
		{"operation header parameter", "name: X-Tenant", "name: x-tenant", ""},
		{"path header parameter", "name: X-Trace", "name: x-trace", ""},
		{"response header", "X-Rate-Limit:", "x-rate-limit:", ""},
		{"API key header", "name: X-Api-Key", "name: x-api-key", ""},
		{"header parameter type", "name: X-Tenant, in: header, required: true, schema: {type: string}", "name: x-tenant, in: header, required: true, schema: {type: integer}", "request-parameter-type-changed"},
		{"response header removed", "            X-Rate-Limit: {required: true, schema: {type: integer}}\n", "", "required-response-header-removed"},
		{"query parameter", "name: q,", "name: Q,", "new-required-request-parameter"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(headers, tt.from) {
				t.Fatalf("%q is not in the base", tt.from)
			}
			rev := mustParse(t, []byte(strings.Replace(headers, tt.from, tt.to, 1)))
			before := [][]byte{mustJSON(t, base), mustJSON(t, rev)}
			r, err := Diff(base, rev)
			if err != nil {
				t.Fatalf("Diff: %v", err)
			}
			got := changeIDs(r, LevelError)
			if tt.want == "" && len(got) > 0 {
				t.Errorf("breaking changes: got %+v, want none", r.BreakingChanges())
			}
			if tt.want != "" && !slices.Contains(got, tt.want) {
				t.Errorf("breaking changes: got %q, want %s among them", got, tt.want)
			}
			if after := [][]byte{mustJSON(t, base), mustJSON(t, rev)}; !bytes.Equal(before[0], after[0]) || !bytes.Equal(before[1], after[1]) {
				t.Errorf("Diff changed a document")
			}
		})
	}
}

// additionalProperties: false set on a request schema that allowed other
// properties refuses requests that were valid: a client sending a property
// the schema does not list is now rejected. oasdiff has no check for it
// (it reads an absent additionalProperties and false alike).
func TestDiffRequestAdditionalPropertiesDisallowed(t *testing.T) {
	const api = `openapi: 3.0.3
info: {title: Orders, version: "1.0.0"}
paths:
  /orders:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Order"}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Order"}
components:
  schemas:
    Order:
      type: object
      properties:
        id: {type: string}
        lines:
          type: array
          items: {$ref: "#/components/schemas/Line"}
        next: {$ref: "#/components/schemas/Order"}
    Line:
      type: object
      ADDLINE
      properties:
        sku: {type: string}
`
	for _, tt := range []struct {
		name, base, rev string
		// want is the text of the breaking change expected on POST
		// /orders, "" for none.
		want string
	}{
		{"on the body", strings.Replace(api, "ADDLINE", "", 1), strings.NewReplacer("ADDLINE", "", "    Order:\n      type: object\n", "    Order:\n      type: object\n      additionalProperties: false\n").Replace(api), "`additionalProperties: false` was set on the request body"},
		{"on a nested item", strings.Replace(api, "ADDLINE", "", 1), strings.Replace(api, "ADDLINE", "additionalProperties: false", 1), "`lines/items`"},
		{"from true", strings.Replace(api, "ADDLINE", "additionalProperties: true", 1), strings.Replace(api, "ADDLINE", "additionalProperties: false", 1), "`lines/items`"},
		{"already false", strings.Replace(api, "ADDLINE", "additionalProperties: false", 1), strings.Replace(api, "ADDLINE", "additionalProperties: false", 1), ""},
		{"lifted", strings.Replace(api, "ADDLINE", "additionalProperties: false", 1), strings.Replace(api, "ADDLINE", "", 1), ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Diff(mustParse(t, []byte(tt.base)), mustParse(t, []byte(tt.rev)))
			if err != nil {
				t.Fatalf("Diff: %v", err)
			}
			var got []Change
			for _, c := range r.BreakingChanges() {
				if c.ID == RuleRequestAdditionalPropertiesDisallowed {
					got = append(got, c)
				}
			}
			if tt.want == "" {
				if len(got) > 0 || r.Breaking() {
					t.Errorf("breaking changes: got %+v, want none", r.BreakingChanges())
				}
				return
			}
			if len(got) != 1 || got[0].Operation != "POST /orders" || !strings.Contains(got[0].Text, tt.want) || got[0].Line == 0 {
				t.Errorf("breaking changes: got %+v, want one %s on POST /orders with a line and a text containing %q", r.BreakingChanges(), RuleRequestAdditionalPropertiesDisallowed, tt.want)
			}
		})
	}
}

// A parameter's serialization (style, explode) is how a client writes it
// in the URL or a header: changing it for an array or an object makes the
// requests of existing clients unreadable. oasdiff compares the two fields
// but no check reports them. Spelling out a default is no change, and
// neither is a style that serializes a single value the same way.
func TestDiffParameterSerializationChanged(t *testing.T) {
	const api = `openapi: 3.0.3
info: {title: Search, version: "1.0.0"}
paths:
  /items/{id}:
    get:
      parameters:
        - {name: id, in: path, required: true, PATHSTYLE schema: {type: string}}
        - {name: tags, in: query, TAGSSTYLE schema: {type: array, items: {type: string}}}
        - {name: filter, in: query, FILTERSTYLE schema: {type: object, properties: {color: {type: string}}}}
        - {name: q, in: query, QSTYLE schema: {type: string}}
      responses:
        "200": {description: ok}
`
	spec := func(pairs ...string) string {
		r := strings.NewReplacer(append(pairs, "PATHSTYLE", "", "TAGSSTYLE", "", "FILTERSTYLE", "", "QSTYLE", "")...)
		return r.Replace(api)
	}
	base := spec()
	const swagger = `swagger: "2.0"
info: {title: Search, version: "1.0.0"}
paths:
  /items:
    get:
      parameters:
        - {name: tags, in: query, type: array, items: {type: string}FORMAT}
      responses:
        "200": {description: ok}
`
	openapi3Tags := `openapi: 3.0.3
info: {title: Search, version: "1.0.0"}
paths:
  /items:
    get:
      parameters:
        - {name: tags, in: query, style: form, explode: false, schema: {type: array, items: {type: string}}}
      responses:
        "200": {description: ok}
`
	for _, tt := range []struct{ name, base, rev, want string }{
		// Swagger 2.0's default collectionFormat is csv.
		{"swagger csv by default to openapi 3 csv", strings.Replace(swagger, "FORMAT", "", 1), openapi3Tags, ""},
		{"swagger csv by default to multi", strings.Replace(swagger, "FORMAT", "", 1), strings.Replace(swagger, "FORMAT", ", collectionFormat: multi", 1), "explode true instead of style form, explode false"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Diff(mustParse(t, []byte(tt.base)), mustParse(t, []byte(tt.rev)))
			if err != nil {
				t.Fatalf("Diff: %v", err)
			}
			got := r.BreakingChanges()
			if (tt.want == "") != (len(got) == 0) || (tt.want != "" && !strings.Contains(got[0].Text, tt.want)) {
				t.Errorf("breaking changes: got %+v, want %q", got, tt.want)
			}
		})
	}
	for _, tt := range []struct {
		name, rev string
		// want is a text the breaking change must contain, "" for none.
		want string
	}{
		{"array style", spec("TAGSSTYLE", "style: pipeDelimited,"), "`query` request parameter `tags`"},
		{"array explode", spec("TAGSSTYLE", "explode: false,"), "explode false"},
		{"object deepObject", spec("FILTERSTYLE", "style: deepObject,"), "style deepObject"},
		{"path matrix", spec("PATHSTYLE", "style: matrix,"), "`path` request parameter `id`"},
		{"defaults spelled out", spec("TAGSSTYLE", "style: form, explode: true,", "PATHSTYLE", "style: simple, explode: false,"), ""},
		{"explode on a single value", spec("QSTYLE", "explode: false,"), ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Diff(mustParse(t, []byte(base)), mustParse(t, []byte(tt.rev)))
			if err != nil {
				t.Fatalf("Diff: %v", err)
			}
			got := r.BreakingChanges()
			if tt.want == "" {
				if len(got) > 0 {
					t.Errorf("breaking changes: got %+v, want none", got)
				}
				return
			}
			if len(got) != 1 || got[0].ID != RuleParameterSerializationChanged || got[0].Operation != "GET /items/{id}" || !strings.Contains(got[0].Text, tt.want) || got[0].Old == "" || got[0].New == "" {
				t.Errorf("breaking changes: got %+v, want one %s on GET /items/{id} with old and new values and a text containing %q", got, RuleParameterSerializationChanged, tt.want)
			}
		})
	}
}

// A change points the reviewer at its operation: in the revision, or in
// the base (InBase) when the operation is gone, even where its path stays
// with other operations; and at the operation under its new template when
// the path's parameter was renamed (/a/{id} -> /a/{key}).
func TestDiffChangeLines(t *testing.T) {
	const base = `openapi: 3.0.3
info: {title: Lines, version: "1.0.0"}
paths:
  /a/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
    delete:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"204": {description: gone}}
`
	rev := `openapi: 3.0.3
info: {title: Lines, version: "1.0.0"}
paths:
  /a/{key}:
    get:
      parameters: [{name: key, in: path, required: true, schema: {type: integer}}]
      responses: {"200": {description: ok}}
`
	r, err := Diff(mustParse(t, []byte(base)), mustParse(t, []byte(rev)))
	if err != nil {
		t.Fatalf("Diff: %v", err)
	}
	want := map[string]struct {
		line   int
		inBase bool
	}{
		"api-removed-without-deprecation": {8, true},  // delete: in the base
		"request-parameter-type-changed":  {5, false}, // get: under /a/{key}
	}
	for _, c := range r.Changes {
		w, ok := want[c.ID]
		if !ok {
			continue
		}
		delete(want, c.ID)
		if c.Line != w.line || c.InBase != w.inBase {
			t.Errorf("%s on %s: got line %d in base %v, want line %d in base %v", c.ID, c.Operation, c.Line, c.InBase, w.line, w.inBase)
		}
	}
	if len(want) > 0 {
		t.Errorf("changes: got %+v, missing %v", r.Changes, want)
	}
}
