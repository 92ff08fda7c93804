package catalog_test

import (
	"strings"
	"testing"

	"github.com/portico-dev/portico/catalog"
	"github.com/portico-dev/portico/spec"
)

// TestOperationsIndexABoundedText indexes operations whose summary and
// description are as long as a description allows: what the index keeps of
// each (and the Markdown turned into text for it) is bounded, the summary
// as the description always was.
func TestOperationsIndexABoundedText(t *testing.T) {
	long := strings.Repeat("word ", 40_000) // 200 KB
	doc, err := spec.Parse([]byte("openapi: 3.0.3\ninfo: {title: L, version: '1'}\npaths:\n  /a:\n    get:\n" +
		"      summary: '" + long + "'\n      description: '" + long + "'\n      responses: {'200': {description: ok}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	ops := catalog.Operations(doc)
	if len(ops) != 1 {
		t.Fatalf("%d operations, want 1", len(ops))
	}
	if got := len(ops[0].Summary) + len(ops[0].Description); got > 2*catalog.MaxOperationText {
		t.Errorf("the index keeps %d bytes of summary and %d of description, want at most %d each", len(ops[0].Summary), len(ops[0].Description), catalog.MaxOperationText)
	}
	if !strings.HasPrefix(ops[0].Summary, "word word") || !strings.HasPrefix(ops[0].Description, "word word") {
		t.Errorf("summary %.20q, description %.20q: want their start", ops[0].Summary, ops[0].Description)
	}
}
