package spec

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

const overviewSpec = `openapi: 3.0.3
info:
  title: Pets
  version: "2.1"
  description: Everything about pets.
servers:
  - url: https://api.example.com
tags:
  - name: pets
    description: Pet operations
  - name: unused
components:
  securitySchemes:
    token: {type: http, scheme: bearer, description: A bearer token.}
    apiKey: {type: apiKey, in: header, name: X-API-Key}
  schemas:
    Pet:
      type: object
      required: [id]
      properties:
        id: {type: integer, format: int64}
        name: {type: string}
        tags: {type: array, items: {type: string}}
    Error:
      type: object
      properties:
        message: {type: string}
paths:
  /pets/{id}:
    parameters:
      - {name: id, in: path, required: true, description: Path-level id, schema: {type: string}}
      - {name: trace, in: header, schema: {type: boolean}}
    get:
      summary: Get a pet
      tags: [pets]
      parameters:
        - {name: id, in: path, required: true, description: The pet id, schema: {type: integer}}
        - {name: fields, in: query, deprecated: true, schema: {type: array, items: {type: string}}}
      responses:
        default:
          description: error
          content:
            application/json: {schema: {$ref: "#/components/schemas/Error"}}
        "404": {description: not found}
        "200":
          description: the pet
          content:
            application/xml: {schema: {type: string}}
            application/json: {schema: {$ref: "#/components/schemas/Pet"}}
    put:
      tags: [pets]
      deprecated: true
      description: Replace a pet.
      requestBody:
        required: true
        description: The new pet.
        content:
          application/json: {schema: {$ref: "#/components/schemas/Pet"}}
      responses:
        "204": {description: replaced}
  /health:
    get:
      operationId: health
      responses:
        "200": {description: ok}
`

func TestOverview(t *testing.T) {
	ov := mustParse(t, []byte(overviewSpec)).Overview()

	if ov.Title != "Pets" || ov.Version != "2.1" || ov.Description != "Everything about pets." {
		t.Errorf("title, version, description: got %q %q %q, want Pets 2.1 and the description", ov.Title, ov.Version, ov.Description)
	}
	if want := []string{"https://api.example.com"}; !slices.Equal(ov.Servers, want) {
		t.Errorf("Servers: got %q, want %q", ov.Servers, want)
	}
	wantSchemes := []SecuritySchemeDoc{
		{Name: "apiKey", Type: "apiKey", In: "header", ParamName: "X-API-Key"},
		{Name: "token", Type: "http", Scheme: "bearer", Description: "A bearer token."},
	}
	if !reflect.DeepEqual(ov.SecuritySchemes, wantSchemes) {
		t.Errorf("SecuritySchemes: got %+v, want %+v", ov.SecuritySchemes, wantSchemes)
	}

	var groups []string
	for _, g := range ov.Groups {
		var ops []string
		for _, op := range g.Operations {
			ops = append(ops, op.Method+" "+op.Path)
		}
		groups = append(groups, g.Tag+": "+strings.Join(ops, ", "))
	}
	if want := []string{"pets: GET /pets/{id}, PUT /pets/{id}", "default: GET /health"}; !slices.Equal(groups, want) {
		t.Fatalf("Groups: got %q, want %q", groups, want)
	}
	if got := ov.Groups[0].Description; got != "Pet operations" {
		t.Errorf("pets group description: got %q, want %q", got, "Pet operations")
	}

	get := ov.Groups[0].Operations[0]
	wantParams := []ParameterDoc{
		{Name: "id", In: "path", Required: true, Type: "integer", Description: "The pet id"},
		{Name: "trace", In: "header", Type: "boolean"},
		{Name: "fields", In: "query", Type: "array<string>", Deprecated: true},
	}
	if !reflect.DeepEqual(get.Parameters, wantParams) {
		t.Errorf("GET parameters:\ngot  %+v\nwant %+v", get.Parameters, wantParams)
	}
	wantResponses := []ResponseDoc{
		{Status: "200", Description: "the pet", ContentTypes: []string{"application/json", "application/xml"}, Schema: "object{id: integer, name: string, tags: array<string>}"},
		{Status: "404", Description: "not found", ContentTypes: []string{}},
		{Status: "default", Description: "error", ContentTypes: []string{"application/json"}, Schema: "object{message: string}"},
	}
	if !reflect.DeepEqual(get.Responses, wantResponses) {
		t.Errorf("GET responses:\ngot  %+v\nwant %+v", get.Responses, wantResponses)
	}
	if get.Summary != "Get a pet" || get.RequestBody != nil || get.Deprecated {
		t.Errorf("GET: got summary %q, body %+v, deprecated %v, want its summary, no body, not deprecated", get.Summary, get.RequestBody, get.Deprecated)
	}

	put := ov.Groups[0].Operations[1]
	wantBody := &RequestBodyDoc{Required: true, Description: "The new pet.", ContentTypes: []string{"application/json"}, Schema: "object{id: integer, name: string, tags: array<string>}"}
	if !reflect.DeepEqual(put.RequestBody, wantBody) {
		t.Errorf("PUT request body: got %+v, want %+v", put.RequestBody, wantBody)
	}
	if !put.Deprecated || put.Description != "Replace a pet." {
		t.Errorf("PUT: got deprecated %v, description %q, want true and its description", put.Deprecated, put.Description)
	}
	if health := ov.Groups[1].Operations[0]; health.OperationID != "health" {
		t.Errorf("GET /health operationId: got %q, want health", health.OperationID)
	}
}

func TestSchemaSummary(t *testing.T) {
	const components = `openapi: 3.1.0
info: {title: T, version: "1"}
webhooks: {ping: {post: {responses: {"200": {description: ok}}}}}
components:
  schemas:
    Node:
      type: object
      properties:
        name: {type: string}
        children: {type: array, items: {$ref: "#/components/schemas/Node"}}
    A:
      type: object
      properties:
        b: {$ref: "#/components/schemas/B"}
    B:
      type: object
      properties:
        a: {$ref: "#/components/schemas/A"}
    Deep:
      type: object
      properties:
        l1:
          type: object
          properties:
            l2:
              type: object
              properties:
                l3: {type: object, properties: {x: {type: string}}}
    Inline3:
      type: object
      properties:
        l1: {type: object, properties: {l2: {type: object, properties: {l3: {type: object, properties: {x: {type: string}}}}}}}
    Wide:
      type: object
      properties: {a: {type: string}, b: {type: string}, c: {type: string}, d: {type: string}, e: {type: string}, f: {type: string}, g: {type: string}, h: {type: string}, i: {type: string}}
    Merged:
      allOf:
        - {$ref: "#/components/schemas/Node"}
        - {type: object, properties: {id: {type: integer}}}
    Choice:
      oneOf:
        - {$ref: "#/components/schemas/Node"}
        - {type: string}
    Nullable: {type: [string, "null"]}
    Map: {type: object, additionalProperties: {type: integer}}
    Bare: {}
    Enum: {type: string, enum: [a, b]}
    Matrix: {type: array, items: {type: array, items: {type: number}}}
    Wrapped: {allOf: [{$ref: "#/components/schemas/Enum"}], description: A wrapped enum.}
    SelfAll: {allOf: [{$ref: "#/components/schemas/SelfAll"}]}
`
	d := mustParse(t, []byte(components))
	tests := []struct{ schema, want string }{
		{"Node", "object{children: array<Node>, name: string}"},
		{"A", "object{b: object{a: A}}"},
		{"Deep", "object{l1: object{l2: object{…}}}"},
		{"Inline3", "object{l1: object{l2: object{…}}}"},
		{"Wide", "object{a: string, b: string, c: string, d: string, e: string, f: string, g: string, h: string, …}"},
		{"Merged", "object{children: array<Node>, id: integer, name: string}"},
		{"Choice", "Node | string"},
		{"Nullable", "string | null"},
		{"Map", "map<string, integer>"},
		{"Bare", "any"},
		{"Enum", "string"},
		{"Matrix", "array<array<number>>"},
		{"Wrapped", "string"},
		{"SelfAll", "SelfAll"},
	}
	for _, tt := range tests {
		t.Run(tt.schema, func(t *testing.T) {
			ref := d.Spec.Components.Schemas[tt.schema]
			if got := summarize(ref); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if got := summarize(nil); got != "any" {
		t.Errorf("nil schema: got %q, want any", got)
	}
	nullable := openapi3.NewStringSchema()
	nullable.Nullable = true
	if got := summarize(nullable.NewRef()); got != "string | null" {
		t.Errorf("3.0 nullable string: got %q, want %q", got, "string | null")
	}
}

func TestOverviewSamples(t *testing.T) {
	// Every operation of every importable sample lands in a group, and
	// recursive schemas do not hang or blow up summaries.
	for _, f := range sampleFiles(t) {
		d, err := Parse(readSample(t, f[strings.LastIndexByte(f, '/')+1:]))
		if err != nil {
			continue
		}
		ov := d.Overview()
		seen := map[string]bool{}
		for _, g := range ov.Groups {
			for _, op := range g.Operations {
				seen[op.Method+" "+op.Path] = true
				for _, r := range op.Responses {
					if len(r.Schema) > 4000 {
						t.Errorf("%s %s %s %s: schema summary of %d bytes, want a short one", f, op.Method, op.Path, r.Status, len(r.Schema))
					}
				}
			}
		}
		if got, want := len(seen), len(d.Operations()); got != want {
			t.Errorf("%s: got %d operations in groups, want %d", f, got, want)
		}
	}
}

func BenchmarkParseStripe(b *testing.B) {
	data := readSample(b, "stripe.com__stripe__2018-05-21.yaml")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOverviewStripe(b *testing.B) {
	d := mustParse(b, readSample(b, "stripe.com__stripe__2018-05-21.yaml"))
	for b.Loop() {
		d.Overview()
	}
}
