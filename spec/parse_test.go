package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// samplesDir holds the real-world descriptions the tests run on.
const samplesDir = "../samples/openapi"

// sampleFiles lists the sample descriptions; it fails the test when the
// directory is missing or empty.
func sampleFiles(tb testing.TB) []string {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(samplesDir, "*.yaml"))
	if err != nil {
		tb.Fatalf("list samples: %v", err)
	}
	if len(files) == 0 {
		tb.Fatalf("no OpenAPI samples found in %s (relative to the spec package)", samplesDir)
	}
	return files
}

func readSample(tb testing.TB, name string) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(samplesDir, name))
	if err != nil {
		tb.Fatalf("read sample %s: %v", name, err)
	}
	return data
}

func mustParse(tb testing.TB, data []byte) *Document {
	tb.Helper()
	d, err := Parse(data)
	if err != nil {
		tb.Fatalf("Parse: got error %v, want none", err)
	}
	return d
}

func TestParseSamples(t *testing.T) {
	// ops is the number of operations under paths (webhooks excluded), as in
	// the samples README. Every sample is accepted; findings are the rules
	// its validation findings break.
	tests := []struct {
		file     string
		format   string
		ops      int
		findings []string // rules of the validation findings
	}{
		{file: "adyen.com__BinLookupService__50.yaml", format: FormatOpenAPI31, ops: 2},
		{file: "adyen.com__MarketPayNotificationService__6.yaml", format: FormatOpenAPI31, ops: 19},
		{file: "archive.org__search__1.0.0.yaml", format: FormatOpenAPI30, ops: 3},
		{file: "asana.com__asana__1.0.yaml", format: FormatOpenAPI30, ops: 152},
		{file: "circl.lu__hashlookup__1.0.yaml", format: FormatOpenAPI30, ops: 7},
		{file: "circleci.com__circleci-rest-api__v1.yaml", format: FormatOpenAPI30, ops: 22},
		{file: "dweet.io__dweet-io__2.0.yaml", format: FormatSwagger20, ops: 13},
		{file: "elmah.io__elmah-io-api__v3.yaml", format: FormatOpenAPI30, ops: 20},
		{file: "exchangerate-api.com__exchangerate-api__4.yaml", format: FormatOpenAPI30, ops: 1},
		{file: "extendsclass.com__json-storage__0.1.yaml", format: FormatOpenAPI30, ops: 5},
		{file: "giphy.com__giphy-api__1.0.yaml", format: FormatOpenAPI30, ops: 10},
		// Two path templates that differ only by parameter name are the same
		// path, which the OpenAPI specification forbids: accepted, judged.
		{file: "healthcare.gov__healthcare__1.0.0.yaml", format: FormatOpenAPI30, ops: 16, findings: []string{"oas-path-conflict", "oas-path-conflict"}},
		{file: "httpbin.org__httpbin-org__0.9.2.yaml", format: FormatOpenAPI30, ops: 78},
		{file: "hubapi.com__crm__v3.yaml", format: FormatOpenAPI30, ops: 6},
		{file: "libretranslate.local__libretranslate__1.2.yaml", format: FormatOpenAPI30, ops: 5},
		{file: "mastodon.local__mastodon-api__1.1.1.yaml", format: FormatSwagger20, ops: 6},
		{file: "nasa.gov__apod__1.0.0.yaml", format: FormatOpenAPI30, ops: 1},
		{file: "nexmo.com__sms__1.0.11.yaml", format: FormatOpenAPI30, ops: 2},
		{file: "nytimes.com__article_search__1.0.0.yaml", format: FormatOpenAPI30, ops: 1},
		{file: "okta.local__users-okta-api__1.0.0.yaml", format: FormatOpenAPI30, ops: 19},
		{file: "opencagedata.com__opencage-geocoder__1.yaml", format: FormatSwagger20, ops: 1},
		{file: "openpolicy.local__open-policy-agent-opa-rest-api__0.28.0.yaml", format: FormatOpenAPI30, ops: 15},
		{file: "personio.de__personnel__1.0.yaml", format: FormatOpenAPI30, ops: 13},
		{file: "postmarkapp.com__server__1.0.0.yaml", format: FormatSwagger20, ops: 43},
		{file: "rawg.io__rawg-video-games-database-api__v1.0.yaml", format: FormatOpenAPI30, ops: 30},
		{file: "remove.bg__background-removal-api__1.0.0.yaml", format: FormatOpenAPI30, ops: 3},
		{file: "schooldigger.com__schooldigger-api-v1__v1.yaml", format: FormatSwagger20, ops: 6},
		{file: "slack.com__slack-web-api__1.7.0.yaml", format: FormatOpenAPI30, ops: 174},
		{file: "spotify.com__spotify-web-api__2021.8.15.yaml", format: FormatOpenAPI30, ops: 78},
		{file: "stripe.com__stripe__2018-05-21.yaml", format: FormatSwagger20, ops: 203},
		{file: "transavia.com__airports-api-v2__1.0.yaml", format: FormatSwagger20, ops: 5},
		{file: "vatapi.com__vat-api__1.yaml", format: FormatSwagger20, ops: 11},
		{file: "visualcrossing.com__weather__4.5.yaml", format: FormatOpenAPI30, ops: 2},
		{file: "walmart.com__item__3.0.1.yaml", format: FormatSwagger20, ops: 6},
		{file: "worldtimeapi.org__world-time-api__20210108.yaml", format: FormatOpenAPI30, ops: 12},
		{file: "xkcd.com__xkcd__1.0.0.yaml", format: FormatOpenAPI30, ops: 2},
	}

	var listed []string
	for _, tt := range tests {
		listed = append(listed, tt.file)
	}
	for _, f := range sampleFiles(t) {
		if !slices.Contains(listed, filepath.Base(f)) {
			t.Errorf("sample %s is not in the test table: add it with its expected outcome", filepath.Base(f))
		}
	}

	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			d, err := Parse(readSample(t, tt.file))
			if err != nil {
				t.Fatalf("got error %v, want the sample to import", err)
			}
			var rules []string
			for _, f := range d.Validation {
				rules = append(rules, f.Rule)
				if f.Line == 0 || f.Pointer == "" || f.Message == "" {
					t.Errorf("finding %+v: want a pointer, a line and a message", f)
				}
			}
			if !slices.Equal(rules, tt.findings) {
				t.Errorf("validation findings %q, want %q", rules, tt.findings)
			}
			if d.Format != tt.format {
				t.Errorf("Format: got %q, want %q", d.Format, tt.format)
			}
			if got := len(d.Operations()); got != tt.ops {
				t.Errorf("operations: got %d, want %d", got, tt.ops)
			}
			if d.Title == "" || d.Version == "" {
				t.Errorf("Title, Version: got %q, %q, want both set", d.Title, d.Version)
			}

			// What is stored is the normalized JSON: it must parse back to
			// the same document.
			j, err := d.JSON()
			if err != nil {
				t.Fatalf("JSON: %v", err)
			}
			again, err := Parse(j)
			if err != nil {
				t.Fatalf("re-Parse of JSON: got error %v, want none", err)
			}
			j2, err := again.JSON()
			if err != nil {
				t.Fatalf("JSON after re-Parse: %v", err)
			}
			if !bytes.Equal(j, j2) {
				t.Errorf("JSON after re-Parse differs: got %d bytes, want %d bytes", len(j2), len(j))
			}
			if again.Title != d.Title || again.Version != d.Version || len(again.Operations()) != tt.ops {
				t.Errorf("re-Parse: got %q %q with %d operations, want %q %q with %d", again.Title, again.Version, len(again.Operations()), d.Title, d.Version, tt.ops)
			}
		})
	}
}

func TestParseFields(t *testing.T) {
	tests := []struct {
		name, input                                  string
		format, openapi, title, version, description string
	}{
		{
			name:   "openapi 3.0 yaml",
			input:  "openapi: 3.0.3\ninfo: {title: Pets, version: '1.2', description: All the pets.}\npaths: {/a: {get: {responses: {'200': {description: ok}}}}}\n",
			format: FormatOpenAPI30, openapi: "3.0.3", title: "Pets", version: "1.2", description: "All the pets.",
		},
		{
			name:   "openapi 3.1 json without paths",
			input:  `{"openapi": "3.1.0", "info": {"title": "Hooks", "version": "2"}, "webhooks": {"ping": {"post": {"responses": {"200": {"description": "ok"}}}}}}`,
			format: FormatOpenAPI31, openapi: "3.1.0", title: "Hooks", version: "2",
		},
		{
			name:   "swagger 2.0 json",
			input:  `{"swagger": "2.0", "info": {"title": "Old", "version": "0.1"}, "paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}}}}}`,
			format: FormatSwagger20, openapi: "2.0", title: "Old", version: "0.1",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustParse(t, []byte(tt.input))
			got := []string{d.Format, d.OpenAPIVersion, d.Title, d.Version, d.Description}
			want := []string{tt.format, tt.openapi, tt.title, tt.version, tt.description}
			if !slices.Equal(got, want) {
				t.Errorf("Format, OpenAPIVersion, Title, Version, Description: got %q, want %q", got, want)
			}
			if d.Spec == nil || d.Spec.OpenAPIMajorMinor() == "" {
				t.Errorf("Spec: got %v, want an OpenAPI 3 document", d.Spec)
			}
		})
	}
}

func TestParseSwaggerConverted(t *testing.T) {
	d := mustParse(t, readSample(t, "mastodon.local__mastodon-api__1.1.1.yaml"))
	j, err := d.JSON()
	if err != nil {
		t.Fatalf("JSON: %v", err)
	}
	var top map[string]any
	if err := json.Unmarshal(j, &top); err != nil {
		t.Fatalf("JSON: got %v, want a JSON object", err)
	}
	if top["openapi"] != "3.0.3" {
		t.Errorf("JSON openapi field: got %v, want 3.0.3", top["openapi"])
	}
	if _, ok := top["swagger"]; ok {
		t.Errorf("JSON: got a swagger field, want the converted OpenAPI 3 document")
	}
	again := mustParse(t, j)
	if again.Format != FormatOpenAPI30 {
		t.Errorf("Format of the stored JSON: got %q, want %q", again.Format, FormatOpenAPI30)
	}
}

func TestParseRefused(t *testing.T) {
	const head = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\n"
	tests := []struct {
		name     string
		input    string
		location string
		line     int
		message  string
	}{
		{name: "empty", input: "", message: "the description is empty"},
		{name: "blank", input: " \n\t\n", message: "the description is empty"},
		{name: "not yaml", input: "openapi: [3.0\n  info: {", line: 1, message: "not valid YAML or JSON"},
		{name: "not json", input: `{"openapi": "3.0.0",`, message: "not valid YAML or JSON"},
		{name: "scalar", input: "just some text", message: "not an OpenAPI or Swagger document"},
		{name: "list", input: "- a\n- b\n", message: "not an OpenAPI or Swagger document"},
		{name: "no version field", input: "info: {title: T, version: '1'}\npaths: {}\n", message: "it has no openapi or swagger field"},
		{name: "numeric version", input: "openapi: 3.0\ninfo: {title: T, version: '1'}\npaths: {}\n", location: "openapi", line: 1, message: "the version must be a string"},
		{name: "openapi 3.2", input: "openapi: 3.2.0\ninfo: {title: T, version: '1'}\npaths: {}\n", location: "openapi", message: `unsupported OpenAPI version "3.2.0"`},
		{name: "openapi 2.0", input: "openapi: 2.0.0\ninfo: {title: T, version: '1'}\npaths: {}\n", location: "openapi", message: `unsupported OpenAPI version "2.0.0"`},
		{name: "swagger 1.2", input: "swagger: '1.2'\ninfo: {title: T, version: '1'}\n", location: "swagger", message: `unsupported Swagger version "1.2"`},
		{name: "paths missing in 3.0", input: head, location: "paths", message: "has no paths (and no webhooks)"},
		{name: "paths empty", input: head + "paths: {}\n", location: "paths", line: 3, message: "has no paths (and no webhooks)"},
		{name: "swagger without paths", input: "swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths: {}\n", location: "paths", message: "has no paths"},
		{
			name:    "unresolvable reference",
			input:   head + "paths:\n  /a:\n    get:\n      responses:\n        '200': {$ref: '#/components/responses/Missing'}\n",
			line:    7,
			message: `reference "#/components/responses/Missing" does not point to anything in the document`,
		},
		{
			name:    "external file reference",
			input:   head + "paths:\n  /a:\n    get:\n      responses:\n        '200': {$ref: 'other.yaml#/Ok'}\n",
			line:    7,
			message: `reference "other.yaml#/Ok" points outside the document`,
		},
		{
			name:    "external url reference",
			input:   head + "paths:\n  /a:\n    get:\n      responses:\n        '200': {$ref: 'http://169.254.169.254/latest'}\n",
			message: "external references are not supported",
		},
		{
			name:    "swagger external reference",
			input:   "swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {$ref: '/etc/passwd'}\n",
			message: "external references are not supported",
		},
		{
			name:    "swagger host with scheme",
			input:   "swagger: '2.0'\ninfo: {title: T, version: '1'}\nhost: https://example.com\npaths: {/a: {get: {responses: {'200': {description: ok}}}}}\n",
			message: "invalid host",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse([]byte(tt.input))
			if d != nil {
				t.Errorf("document: got %q, want nil", d.Title)
			}
			var verr *ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("got error %v, want a *ValidationError", err)
			}
			if !strings.HasPrefix(err.Error(), "spec is invalid: ") {
				t.Errorf("Error(): got %q, want it to start with %q", err, "spec is invalid: ")
			}
			for _, p := range verr.Problems {
				if p.Location == tt.location && strings.Contains(p.Message, tt.message) && (tt.line == 0 || p.Line == tt.line) {
					return
				}
			}
			t.Errorf("Problems: got %+v, want one at %q (line %d) containing %q", verr.Problems, tt.location, tt.line, tt.message)
		})
	}
}

// TestParseAcceptsAndJudges accepts what the OpenAPI specification's rules
// find wrong, each as a finding located by pointer and line.
func TestParseAcceptsAndJudges(t *testing.T) {
	const head = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\n"
	const ok = "paths: {/ok: {get: {responses: {'200': {description: ok}}}}}\n"
	tests := []struct {
		name    string
		input   string
		rule    string
		pointer string
		line    int
		message string
	}{
		{name: "info version missing", input: "openapi: 3.0.3\ninfo: {title: T}\n" + ok, rule: "oas-invalid", pointer: "/info", line: 2, message: "version"},
		{
			name:  "response without description",
			input: head + "paths:\n  /pets:\n    get:\n      responses:\n        '200': {}\n",
			rule:  "oas-response", pointer: "/paths/~1pets/get", line: 5, message: "description",
		},
		{
			name:  "operation without responses",
			input: head + "paths:\n  /pets:\n    get:\n      responses: {}\n",
			rule:  "oas-response", pointer: "/paths/~1pets/get", line: 5, message: "at least one response",
		},
		{
			name:  "bad parameter location",
			input: head + "paths:\n  /pets:\n    get:\n      parameters:\n        - {name: q, in: body, schema: {type: string}}\n      responses:\n        '200': {description: ok}\n",
			rule:  "oas-invalid", pointer: "/paths/~1pets/get", line: 5, message: `"body"`,
		},
		{
			name:  "undeclared path parameter",
			input: head + "paths:\n  /pets/{id}:\n    get:\n      responses:\n        '200': {description: ok}\n",
			rule:  "oas-path-template", pointer: "/paths/~1pets~1{id}/get", line: 5, message: "path template has {id} but no path parameter declares it",
		},
		{
			name:  "path parameter not in template",
			input: head + "paths:\n  /pets:\n    get:\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: string}}\n      responses:\n        '200': {description: ok}\n",
			rule:  "oas-path-template", pointer: "/paths/~1pets/get", line: 5, message: `path parameter "id" is declared but not in the path template`,
		},
		{
			name:  "duplicate operationId",
			input: head + "paths:\n  /a:\n    get:\n      operationId: same\n      responses:\n        '200': {description: ok}\n  /b:\n    get:\n      operationId: same\n      responses:\n        '200': {description: ok}\n",
			rule:  "oas-operation-id", pointer: "/paths", line: 3, message: "same",
		},
		{
			name:  "undefined security scheme",
			input: head + "security:\n  - nope: []\n" + ok,
			rule:  "oas-security", pointer: "/security", line: 3, message: `undefined security scheme "nope"`,
		},
		{
			name:  "bad schema type",
			input: head + ok + "components:\n  schemas:\n    Pet: {type: objekt}\n",
			rule:  "oas-schema", pointer: "/components/schemas/Pet", line: 6, message: `"objekt"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse([]byte(tt.input))
			if err != nil {
				t.Fatalf("got error %v, want the description accepted with findings", err)
			}
			for _, f := range d.Validation {
				if f.Rule == tt.rule && f.Pointer == tt.pointer && f.Line == tt.line && strings.Contains(f.Message, tt.message) {
					return
				}
			}
			t.Errorf("findings %+v, want %s at %s (line %d) containing %q", d.Validation, tt.rule, tt.pointer, tt.line, tt.message)
		})
	}
}

func TestParseListsEveryProblem(t *testing.T) {
	input := "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n" +
		"  /a:\n    get:\n      responses:\n        '200': {}\n" +
		"  /b:\n    get:\n      responses:\n        '200': {}\n"
	d, err := Parse([]byte(input))
	if err != nil {
		t.Fatal(err)
	}
	var pointers []string
	for _, f := range d.Validation {
		pointers = append(pointers, f.Pointer)
	}
	if want := []string{"/paths/~1a/get", "/paths/~1b/get"}; !slices.Equal(pointers, want) {
		t.Errorf("finding pointers: got %q, want %q", pointers, want)
	}
}

func TestParseSize(t *testing.T) {
	valid := []byte("openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {/a: {get: {responses: {'200': {description: ok}}}}}\n")
	atLimit := append(bytes.Clone(valid), bytes.Repeat([]byte("#"), MaxSize-len(valid))...)
	if _, err := Parse(atLimit); err != nil {
		t.Errorf("Parse of %d bytes: got error %v, want none", len(atLimit), err)
	}
	over := append(atLimit, '#')
	_, err := Parse(over)
	var verr *ValidationError
	if !errors.As(err, &verr) || !strings.Contains(err.Error(), "more than the") {
		t.Errorf("Parse of %d bytes: got error %v, want a *ValidationError about the size", len(over), err)
	}
}

func TestParseLenientWhereTheSpecificationIs(t *testing.T) {
	// Each is valid OpenAPI that a stricter validator would refuse.
	const head = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {/a: {get: {responses: {'200': {description: ok}}}}}\ncomponents:\n  schemas:\n"
	tests := []struct{ name, schema string }{
		{name: "unknown format", schema: "    A: {type: string, format: snowflake-id}"},
		{name: "example not matching", schema: "    A: {type: integer, example: not-a-number}"},
		{name: "default not matching", schema: "    A: {type: integer, default: none}"},
		{name: "ecma regex with look-ahead", schema: "    A: {type: string, pattern: '^(?=.*[0-9]).{8,}$'}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse([]byte(head + tt.schema + "\n"))
			if err != nil || len(d.Validation) > 0 {
				t.Errorf("got error %v and findings %+v, want neither", err, d)
			}
		})
	}
}
