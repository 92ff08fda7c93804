package spec

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// realWorldCases are the odd descriptions of testdata/realworld, written
// from patterns that made real public descriptions fail to import: each is
// accepted with its findings (rules, in order), or refused on a line.
var realWorldCases = map[string]struct {
	findings    []string
	refusedLine int
	refused     string
}{
	"vendor-top-level-key.yaml":      {findings: []string{"oas-unknown-field"}},
	"array-without-items.yaml":       {findings: []string{"oas-array-items", "oas-array-items", "oas-array-items"}},
	"pattern-as-number.yaml":         {findings: []string{"oas-scalar-type"}},
	"query-in-path.yaml":             {findings: []string{"oas-path-template"}},
	"guillemet-schema-names.yaml":    {findings: []string{"oas-component-name"}},
	"swagger-names-with-spaces.yaml": {}, // the conversion's own problem, fixed by it
	"example-without-value.yaml":     {}, // value is optional in an Example Object
	"broken-reference.yaml":          {refusedLine: 12, refused: `reference "#/components/schemas/Missing" does not point to anything`},
	"broken-yaml.yaml":               {refusedLine: 4, refused: "not valid YAML or JSON"},
	"no-paths.yaml":                  {refusedLine: 4, refused: "has no paths"},
}

func TestRealWorldOddities(t *testing.T) {
	files, err := filepath.Glob("testdata/realworld/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatal("no files in testdata/realworld")
	}
	for _, f := range files {
		name := filepath.Base(f)
		want, ok := realWorldCases[name]
		if !ok {
			t.Errorf("%s is not in realWorldCases", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			d, err := Parse(data)
			if want.refused != "" {
				var verr *ValidationError
				if !errors.As(err, &verr) || verr.Problems[0].Line != want.refusedLine || !strings.Contains(err.Error(), want.refused) {
					t.Errorf("got %v, want a refusal on line %d containing %q", err, want.refusedLine, want.refused)
				}
				return
			}
			if err != nil {
				t.Fatalf("got %v, want the description accepted", err)
			}
			var rules []string
			for _, v := range d.Validation {
				rules = append(rules, v.Rule)
				if v.Line == 0 || v.Message == "" {
					t.Errorf("finding %+v has no line or message", v)
				}
			}
			if !slices.Equal(rules, want.findings) {
				t.Errorf("findings %q, want %q: %+v", rules, want.findings, d.Validation)
			}
		})
	}
}

// TestSwaggerConversionFixesNames checks that names Swagger 2.0 allows but
// OpenAPI 3 does not are renamed with their references, not reported.
func TestSwaggerConversionFixesNames(t *testing.T) {
	data, err := os.ReadFile("testdata/realworld/swagger-names-with-spaces.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d := mustParse(t, data)
	if d.Spec.Components.SecuritySchemes["api_key"] == nil || d.Spec.Components.Schemas["Page_Thing_"] == nil {
		t.Errorf("components: schemes %v, schemas %v; want api_key and Page_Thing_", sortedKeys(d.Spec.Components.SecuritySchemes), sortedKeys(d.Spec.Components.Schemas))
	}
	op := d.Spec.Paths.Value("/things").Get
	if op.Security == nil || len(*op.Security) != 1 || (*op.Security)[0]["api_key"] == nil {
		t.Errorf("operation security %v, want api_key", op.Security)
	}
	if ref := op.Responses.Value("200").Value.Content["application/json"].Schema.Ref; ref != "#/components/schemas/Page_Thing_" {
		t.Errorf("response schema ref %q, want the renamed schema", ref)
	}
	if string(d.Source) != string(data) {
		t.Error("the source changed: it must stay as uploaded")
	}
}
