package spec

import (
	"fmt"
	"testing"
)

// TestDiffLinesSameOnEveryRun: two paths of one shape (/a/{id}, /a/{key};
// the specification forbids them, Parse accepts them and lint flags them)
// must give a finding of one operation the same line on every run. The
// path kept for a shape came from iterating a map, so a finding's line
// and InBase changed from run to run.
func TestDiffLinesSameOnEveryRun(t *testing.T) {
	base := mustParse(t, []byte(`openapi: 3.0.3
info: {title: T, version: "1.0.0"}
paths:
  /a/{id}:
    get:
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
      responses:
        "200": {description: ok}
  /a/{key}:
    post:
      parameters:
        - {name: key, in: path, required: true, schema: {type: integer}}
      responses:
        "200": {description: ok}
`))
	rev := mustParse(t, []byte(`openapi: 3.0.3
info: {title: T, version: "1.0.0"}
paths:
  /a/{x}:
    get:
      parameters:
        - {name: x, in: path, required: true, schema: {type: string, format: uuid}}
      responses:
        "200": {description: ok}
  /a/{y}:
    post:
      parameters:
        - {name: y, in: path, required: true, schema: {type: integer}}
      responses:
        "200": {description: ok}
`))
	seen := map[string]string{}
	for run := 0; run < 30; run++ {
		report, err := Diff(base, rev)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range report.Changes {
			k := c.ID + " " + c.Operation
			got := fmt.Sprintf("line %d in base %v", c.Line, c.InBase)
			if prev, ok := seen[k]; ok && prev != got {
				t.Fatalf("run %d: %s at %s, an earlier run at %s", run, k, got, prev)
			}
			seen[k] = got
		}
	}
}
