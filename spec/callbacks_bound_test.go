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

// sharedResponseSpec is a description with ops operations that each
// answer with the same response component, described by text and with
// the given media types.
func sharedResponseSpec(ops int, text string, types int) []byte {
	var b strings.Builder
	b.WriteString("openapi: 3.0.3\ninfo: {title: R, version: '1'}\npaths:\n")
	for i := range ops {
		fmt.Fprintf(&b, "  /o%d:\n    get:\n      responses: {'200': {$ref: '#/components/responses/Big'}}\n", i)
	}
	fmt.Fprintf(&b, "components:\n  responses:\n    Big:\n      description: %q\n      content:\n", text)
	for i := range types {
		fmt.Fprintf(&b, "        application/vnd.example.kind%d+json: {}\n", i)
	}
	return []byte(b.String())
}

// documented is the text the documentation of d shows for its operations:
// descriptions, parameters and the media types of bodies and responses.
func documented(d *Document) int {
	n := 0
	for _, g := range d.Overview().Groups {
		for _, op := range g.Operations {
			n += len(op.Summary) + len(op.Description)
			for _, p := range op.Parameters {
				n += len(p.Name) + len(p.Description)
			}
			if b := op.RequestBody; b != nil {
				n += len(b.Description)
				for _, ct := range b.ContentTypes {
					n += len(ct)
				}
			}
			for _, r := range op.Responses {
				n += len(r.Description)
				for _, ct := range r.ContentTypes {
					n += len(ct)
				}
			}
		}
	}
	return n
}

// TestSharedComponentsAreBounded parses descriptions whose operations all
// answer with one response component: its description and media types are
// documented once per operation, so 400 operations sharing 60 KB of text,
// or 3,000 media types, documented 24 MB from 80 KB. Such a description
// is refused, with the line, past MaxDocumented; sharing within it is
// accepted.
func TestSharedComponentsAreBounded(t *testing.T) {
	for name, data := range map[string][]byte{
		"long description": sharedResponseSpec(400, strings.Repeat("word ", 12000), 1),
		"many media types": sharedResponseSpec(400, "ok", 3000),
	} {
		t.Run(name, func(t *testing.T) {
			d, err := Parse(data)
			var verr *ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("Parse of %d bytes: got a document documenting %d bytes, err %v; want a refusal", len(data), documented(d), err)
			}
			if msg := err.Error(); !strings.Contains(msg, "MiB of text") {
				t.Errorf("error %q, want it to say how much text", msg)
			}
			if verr.Problems[0].Line == 0 {
				t.Errorf("problem %+v has no line", verr.Problems[0])
			}
		})
	}
	d, err := Parse(sharedResponseSpec(20, strings.Repeat("word ", 1000), 10))
	if err != nil {
		t.Fatal(err)
	}
	if got := documented(d); got < 20*5000 {
		t.Errorf("20 operations sharing a response: %d bytes documented, want at least %d", got, 20*5000)
	}
}
