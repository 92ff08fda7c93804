package spec

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// schemaSpec is a description with one operation per entry of responses,
// each answering with that schema reference, and the given schemas.
func schemaSpec(version string, ops int, schemas func(b *strings.Builder)) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "openapi: %s\ninfo: {title: S, version: '1'}\npaths:\n", version)
	for i := range ops {
		fmt.Fprintf(&b, "  /o%d:\n    get:\n      responses:\n        '200':\n          description: ok\n"+
			"          content: {application/json: {schema: {$ref: '#/components/schemas/S0'}}}\n", i)
	}
	b.WriteString("components:\n  schemas:\n")
	schemas(&b)
	return []byte(b.String())
}

// TestOverviewSummariesAreBounded builds the documentation of descriptions
// whose schemas, small as text, would make summaries without a bound grow
// exponentially (two references to the next schema at each level), grow
// quadratically (a long chain of array items) or repeat the work on a wide
// schema for every operation that answers with it: each summary is short
// and building the overview allocates little. The chain and the operations
// are as long and as many as Parse accepts (MaxRefDepth, MaxRefValues).
func TestOverviewSummariesAreBounded(t *testing.T) {
	const maxAlloc = 8 << 20
	tests := []struct {
		name string
		spec []byte
	}{
		{"two references per level", schemaSpec("3.1.0", 1, func(b *strings.Builder) {
			for i := range 18 {
				fmt.Fprintf(b, "    S%d: {type: [array, object], items: {$ref: '#/components/schemas/S%d'}, additionalProperties: {$ref: '#/components/schemas/S%d'}}\n", i, i+1, i+1)
			}
			b.WriteString("    S18: {type: string}\n")
		})},
		{"long chain of items", schemaSpec("3.0.3", 1, func(b *strings.Builder) {
			for i := range MaxRefDepth {
				fmt.Fprintf(b, "    S%d: {type: array, items: {$ref: '#/components/schemas/S%d'}}\n", i, i+1)
			}
			fmt.Fprintf(b, "    S%d: {type: string}\n", MaxRefDepth)
		})},
		{"wide schema in every operation", schemaSpec("3.0.3", 150, func(b *strings.Builder) {
			b.WriteString("    S0:\n      type: object\n      properties:\n")
			for i := range 6000 {
				fmt.Fprintf(b, "        p%05d: {type: string}\n", i)
			}
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustParse(t, tt.spec)
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			ov := d.Overview()
			runtime.ReadMemStats(&after)
			longest := 0
			for _, g := range ov.Groups {
				for _, op := range g.Operations {
					for _, r := range op.Responses {
						longest = max(longest, len(r.Schema))
					}
				}
			}
			if longest == 0 || longest > summaryLen+len("…") {
				t.Errorf("longest summary is %d bytes, want 1 to %d", longest, summaryLen+len("…"))
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > maxAlloc {
				t.Errorf("Overview allocated %d KiB, want at most %d KiB", alloc>>10, maxAlloc>>10)
			}
		})
	}
}

// TestOverviewListsAnOperationUnderFewTags gives one operation thousands
// of tags, repeated or distinct: the documentation would list (and render,
// with its description) the operation once per tag. It is listed once per
// distinct tag, under at most MaxOperationTags of them.
func TestOverviewListsAnOperationUnderFewTags(t *testing.T) {
	for name, tag := range map[string]func(i int) string{
		"repeated": func(int) string { return "a" },
		"distinct": func(i int) string { return fmt.Sprintf("t%d", i) },
	} {
		t.Run(name, func(t *testing.T) {
			tags := make([]string, 3000)
			for i := range tags {
				tags[i] = tag(i)
			}
			d := mustParse(t, []byte("openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n"+
				"      description: "+strings.Repeat("word ", 200)+"\n      tags: ["+strings.Join(tags, ", ")+"]\n"+
				"      responses: {'200': {description: ok}}\n"))
			listed := 0
			for _, g := range d.Overview().Groups {
				listed += len(g.Operations)
			}
			want := min(len(slices.Compact(slices.Clone(tags))), MaxOperationTags)
			if listed != want {
				t.Errorf("the operation is listed %d times, want %d", listed, want)
			}
		})
	}
	d := mustParse(t, []byte("openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      tags: [b, a, b]\n      responses: {'200': {description: ok}}\n"))
	var groups []string
	for _, g := range d.Overview().Groups {
		groups = append(groups, fmt.Sprintf("%s:%d", g.Tag, len(g.Operations)))
	}
	if got := strings.Join(groups, " "); got != "b:1 a:1" {
		t.Errorf("groups %q, want %q", got, "b:1 a:1")
	}
}
