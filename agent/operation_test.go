package agent

import (
	"encoding/json"
	"io/fs"
	"strings"
	"testing"

	"github.com/portico-dev/portico/samples"
	"github.com/portico-dev/portico/spec"
)

// TestOperationSizeBound answers get_operation for every operation of the
// largest shared samples and checks that each answer stays within
// MaxOperationBytes, still names its operation, and says when it was cut.
func TestOperationSizeBound(t *testing.T) {
	for _, name := range []string{"stripe.com__stripe__2018-05-21.yaml", "slack.com__slack-web-api__1.7.0.yaml"} {
		t.Run(name, func(t *testing.T) {
			data, err := fs.ReadFile(samples.FS(), name)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := spec.Parse(data)
			if err != nil {
				t.Fatal(err)
			}
			var largest, cut, full int
			for _, op := range doc.Operations() {
				out := boundedOperation(doc, op, "sample", "1.0.0")
				b, err := json.Marshal(out)
				if err != nil {
					t.Fatal(err)
				}
				if len(b) > MaxOperationBytes {
					t.Errorf("%s %s: %d bytes, more than %d", op.Method, op.Path, len(b), MaxOperationBytes)
				}
				if out.Method != op.Method || out.Path != op.Path {
					t.Errorf("%s %s: answered %s %s", op.Method, op.Path, out.Method, out.Path)
				}
				largest = max(largest, len(b))
				if len(out.Notes) > 0 {
					cut++
					if !strings.Contains(out.Notes[0], "portico://apis/sample/versions/1.0.0/openapi.json") {
						t.Errorf("%s %s: note %q does not say where the whole description is", op.Method, op.Path, out.Notes[0])
					}
				} else {
					full++
				}
			}
			t.Logf("%d operations: %d whole, %d cut to fit; the largest answer is %d bytes", cut+full, full, cut, largest)
			if cut == 0 || full == 0 {
				t.Errorf("%d cut and %d whole: the sample should need both", cut, full)
			}
		})
	}
}

// TestOperationTooLargeForAnySchema checks the last resort: an operation
// whose parameters alone exceed the bound is answered without schemas, its
// lists shortened, within the bound.
func TestOperationTooLargeForAnySchema(t *testing.T) {
	var b strings.Builder
	b.WriteString("openapi: 3.0.3\ninfo: {title: Wide, version: '1'}\npaths:\n  /wide:\n    get:\n      operationId: wide\n      parameters:\n")
	for i := 0; i < 2000; i++ {
		b.WriteString("        - {name: p")
		b.WriteString(strings.Repeat("x", 20))
		b.WriteString(string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676)))
		b.WriteString(", in: query, description: A parameter with a description long enough to matter., schema: {type: string}}\n")
	}
	b.WriteString("      responses: {'200': {description: ok}}\n")
	doc, err := spec.Parse([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	op, _ := doc.FindOperation("wide")
	out := boundedOperation(doc, op, "wide", "1")
	raw, _ := json.Marshal(out)
	if len(raw) > MaxOperationBytes {
		t.Errorf("%d bytes, more than %d", len(raw), MaxOperationBytes)
	}
	if len(out.Parameters) == 0 || len(out.Parameters) >= 2000 || out.Parameters[0].Schema != nil {
		t.Errorf("%d parameters (first schema %v), want a shortened list without schemas", len(out.Parameters), out.Parameters[0].Schema)
	}
	if len(out.Notes) != 1 || !strings.Contains(out.Notes[0], "too large for one answer") {
		t.Errorf("notes %q", out.Notes)
	}
}
