package markdown

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yuin/goldmark/extension"
	"go.yaml.in/yaml/v3"
)

// TestInlineMarkersAreBounded renders paragraphs of inline markers that
// goldmark matches in quadratic time ("[" × n then "]" × n, "*a_" × n,
// "[a](" × n…), followed by ordinary markup. The markers past the
// paragraph's budget reach goldmark as literal text, so the markup at the
// end stays literal: its bold, code, strikethrough and link are not made.
func TestInlineMarkersAreBounded(t *testing.T) {
	const n = 5000
	const tail = " **bold** [link](https://example.com/x) `code` ~~gone~~"
	tests := []struct{ name, src string }{
		{"brackets", strings.Repeat("[", n) + strings.Repeat("]", n)},
		{"emphasis", strings.Repeat("*a_", n)},
		{"link openers", strings.Repeat("[a](", n)},
		{"pointy destinations", strings.Repeat("[a](<", n)},
		{"strikethrough", strings.Repeat("~a*", n)},
		{"images", strings.Repeat("![", n) + strings.Repeat("]", n)},
		{"heading", "# " + strings.Repeat("_a*", n)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			html := ToHTML(tt.src + tail)
			for _, bad := range []string{"<strong>", "<code>", "<del>", ">link</a>"} {
				if strings.Contains(html, bad) {
					t.Errorf("the markup after %d bytes of markers was interpreted (%q in …%q)", len(tt.src), bad, html[max(0, len(html)-300):])
				}
			}
			if !strings.Contains(html, "**bold**") {
				t.Errorf("the text after the markers is lost: …%q", html[max(0, len(html)-300):])
			}
		})
	}
}

// TestManyLinksWithinTheBound checks that a long paragraph of ordinary
// links, emphasis and code renders in full.
func TestManyLinksWithinTheBound(t *testing.T) {
	var b strings.Builder
	for i := range 100 {
		b.WriteString("See [item](https://example.com/items/" + strings.Repeat("x", i%30) + "), *this* and `that`. ")
	}
	html := ToHTML(b.String())
	if got := strings.Count(html, ">item</a>"); got != 100 {
		t.Errorf("%d links rendered, want 100", got)
	}
	if got := strings.Count(html, "<em>this</em>"); got != 100 {
		t.Errorf("%d emphases rendered, want 100", got)
	}
	if got := strings.Count(html, "<code>that</code>"); got != 100 {
		t.Errorf("%d code spans rendered, want 100", got)
	}
}

// TestSampleDescriptionsUnchanged renders every description (and summary)
// of the sample OpenAPI documents with and without the inline bound: the
// HTML is the same.
func TestSampleDescriptionsUnchanged(t *testing.T) {
	files, err := filepath.Glob("../samples/openapi/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no samples: %v", err)
	}
	unbounded := newConverter(extension.Linkify)
	texts := 0
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		var walk func(v any)
		walk = func(v any) {
			switch v := v.(type) {
			case map[string]any:
				for k, e := range v {
					if s, ok := e.(string); ok && (k == "description" || k == "summary") {
						texts++
						var buf bytes.Buffer
						if err := unbounded.Convert([]byte(limitNesting(s)), &buf); err != nil {
							t.Fatal(err)
						}
						if want, got := policy().Sanitize(buf.String()), ToHTML(s); got != want {
							t.Errorf("%s: %.80q renders as\n%s\nwant\n%s", filepath.Base(file), s, got, want)
						}
					}
					walk(e)
				}
			case []any:
				for _, e := range v {
					walk(e)
				}
			}
		}
		walk(doc)
	}
	t.Logf("%d texts in %d samples", texts, len(files))
}
