package markdown

import (
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"
)

// htmlDepth is the deepest nesting of elements in an HTML fragment.
func htmlDepth(t *testing.T, fragment string) int {
	t.Helper()
	z := xhtml.NewTokenizer(strings.NewReader(fragment))
	depth, deepest := 0, 0
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return deepest
		case xhtml.StartTagToken:
			depth++
			deepest = max(deepest, depth)
		case xhtml.EndTagToken:
			depth--
		}
	}
}

// TestNestingIsBounded renders text that opens thousands of block quotes or
// lists on one line, whose parse takes time quadratic in the nesting: the
// HTML nests at most a little more than maxNesting deep (what was parsed
// nests no deeper), and the words stay, in the HTML and in the plain text.
func TestNestingIsBounded(t *testing.T) {
	const levels = 4000
	tests := []struct{ name, src string }{
		{"block quotes", strings.Repeat(">", levels) + " deep words"},
		{"spaced block quotes", strings.Repeat("> ", levels) + "deep words"},
		{"bullet lists", strings.Repeat("- ", levels) + "deep words"},
		{"star lists", strings.Repeat("* ", levels) + "deep words"},
		{"ordered lists", strings.Repeat("1. ", levels) + "deep words"},
		{"mixed", strings.Repeat("> 1) + ", levels/3) + "deep words"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			html := ToHTML(tt.src)
			text := PlainText(tt.src)
			// Each container is one element (two for a list: ul and li).
			if got := htmlDepth(t, html); got > 2*maxNesting+2 {
				t.Errorf("HTML nests %d elements deep, want at most %d", got, 2*maxNesting+2)
			}
			if !strings.Contains(html, "deep words") || !strings.Contains(text, "deep words") {
				t.Errorf("the words are lost: HTML %.200q…, text %.200q…", html, text)
			}
		})
	}
}

// TestShallowNestingIsKept checks that nesting within the bound renders
// as before.
func TestShallowNestingIsKept(t *testing.T) {
	src := "> quoted\n>> twice\n\n- a\n  - b\n    - c\n\n1. one\n2. two\n\n- - -\n\n* * * * *\n"
	html := ToHTML(src)
	for _, want := range []string{"<blockquote>\n<p>quoted</p>\n<blockquote>\n<p>twice</p>", "<li>a\n<ul>\n<li>b\n<ul>\n<li>c</li>", "<ol>\n<li>one</li>", "<hr>"} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML %q lacks %q", html, want)
		}
	}
}
