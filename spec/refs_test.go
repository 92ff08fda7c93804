package spec

import (
	"fmt"
	"strings"
	"testing"
)

const refsHead = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n"

func refOperation(path, schema string) string {
	return fmt.Sprintf("  %s:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/%s'}\n", path, schema)
}

// aliasChain is a description whose schema S0 is a $ref to S1, itself a
// $ref to S2… n deep.
func aliasChain(n int) string {
	var b strings.Builder
	b.WriteString(refsHead + refOperation("/p", "S0") + "components:\n  schemas:\n")
	for i := range n {
		fmt.Fprintf(&b, "    S%d: {$ref: '#/components/schemas/S%d'}\n", i, i+1)
	}
	fmt.Fprintf(&b, "    S%d: {type: string}\n", n)
	return b.String()
}

// nestedChain is a description whose schema S0 has a property of schema
// S1, which has one of S2… n deep.
func nestedChain(n int) string {
	var b strings.Builder
	b.WriteString(refsHead + refOperation("/p", "S0") + "components:\n  schemas:\n")
	for i := range n {
		fmt.Fprintf(&b, "    S%d:\n      type: object\n      properties:\n        next: {$ref: '#/components/schemas/S%d'}\n", i, i+1)
	}
	fmt.Fprintf(&b, "    S%d: {type: string}\n", n)
	return b.String()
}

// sharedSchema is a description of ops operations answering with one
// schema of props properties.
func sharedSchema(ops, props int) string {
	var b strings.Builder
	b.WriteString(refsHead)
	for i := range ops {
		b.WriteString(refOperation(fmt.Sprintf("/p%d", i), "Big"))
	}
	b.WriteString("components:\n  schemas:\n    Big:\n      type: object\n      properties:\n")
	for i := range props {
		fmt.Fprintf(&b, "        p%d: {type: string}\n", i)
	}
	return b.String()
}

// TestReferenceChainsAreBounded parses chains of 2,000 references, which
// kin-openapi resolves in time quadratic in their length (a chain of
// 4,000 took 10 s): they are refused, naming the limit and the line of
// the chain's first reference, before kin-openapi reads them. A chain
// within the limit is accepted.
func TestReferenceChainsAreBounded(t *testing.T) {
	for name, src := range map[string]string{"aliases": aliasChain(2000), "properties": nestedChain(2000)} {
		t.Run(name, func(t *testing.T) {
			doc, err := Parse([]byte(src))
			if err == nil {
				t.Fatalf("Parse of a chain of 2000 references (%d bytes): got a document of %d schemas, err nil; want a refusal", len(src), len(doc.Spec.Components.Schemas))
			}
			msg := err.Error()
			if !strings.Contains(msg, "chain of more than 64 references") || !strings.Contains(msg, "line 11") {
				t.Errorf("refusal %q does not name the limit and the line", msg)
			}
		})
	}
	for name, src := range map[string]string{"aliases": aliasChain(MaxRefDepth - 1), "properties": nestedChain(MaxRefDepth - 1)} {
		if _, err := Parse([]byte(src)); err != nil {
			t.Errorf("%s: a chain of %d references is refused: %v", name, MaxRefDepth-1, err)
		}
	}
}

// TestReferencedValuesAreBounded parses 300 operations answering with one
// schema of 6,000 properties (233 KB), which kin-openapi sorts and
// validates again for each operation (2 to 8 s): it is refused, naming
// the limit, before kin-openapi reads it. 20 operations sharing it are
// accepted.
func TestReferencedValuesAreBounded(t *testing.T) {
	src := sharedSchema(300, 6000)
	doc, err := Parse([]byte(src))
	if err == nil {
		t.Fatalf("Parse of 300 operations sharing a schema of 6000 properties (%d bytes): got a document of %d paths, err nil; want a refusal", len(src), doc.Spec.Paths.Len())
	}
	if msg := err.Error(); !strings.Contains(msg, "4,000,000") || !strings.Contains(msg, "#/components/schemas/Big") {
		t.Errorf("refusal %q does not name the limit and the reference", msg)
	}
	if _, err := Parse([]byte(sharedSchema(20, 6000))); err != nil {
		t.Errorf("20 operations sharing a schema of 6000 properties are refused: %v", err)
	}
}
