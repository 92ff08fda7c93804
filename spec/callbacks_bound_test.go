package spec

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// sharedCallbackSpec is a description with ops operations that each
// declare the same callback component, which holds paths operations.
func sharedCallbackSpec(ops, paths int) []byte {
	var b strings.Builder
	b.WriteString("openapi: 3.0.3\ninfo: {title: C, version: '1'}\npaths:\n")
	for i := range ops {
		fmt.Fprintf(&b, "  /o%d:\n    post:\n      callbacks: {done: {$ref: '#/components/callbacks/Done'}}\n      responses: {'200': {description: ok}}\n", i)
	}
	b.WriteString("components:\n  callbacks:\n    Done:\n")
	for i := range paths {
		fmt.Fprintf(&b, "      '{$request.body#/u%d}': {post: {responses: {'200': {description: ok}}}}\n", i)
	}
	return []byte(b.String())
}

// TestSharedCallbacksAreBounded parses a description whose operations all
// declare one callback component: each declaring operation lists the
// callback's operations, so 300 operations sharing a callback of 300 made
// 90,300 operations (each documented, indexed, validated) out of 40 KB.
// It is refused, with the line, when the operations so counted exceed
// MaxOperations; a few operations sharing a callback are accepted.
func TestSharedCallbacksAreBounded(t *testing.T) {
	data := sharedCallbackSpec(300, 300)
	d, err := Parse(data)
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("Parse of %d bytes: got a document of %d operations, err %v; want a refusal", len(data), len(d.Operations()), err)
	}
	if msg := err.Error(); !strings.Contains(msg, "operations") || !strings.Contains(msg, fmt.Sprint(MaxOperations)) {
		t.Errorf("error %q, want it to name the operations and the limit", msg)
	}
	if verr.Problems[0].Line == 0 {
		t.Errorf("problem %+v has no line", verr.Problems[0])
	}

	d, err = Parse(sharedCallbackSpec(3, 2))
	if err != nil {
		t.Fatal(err)
	}
	if got := len(d.Operations()); got != 3+3*2 {
		t.Errorf("3 operations sharing a callback of 2: %d operations, want 9", got)
	}
}
