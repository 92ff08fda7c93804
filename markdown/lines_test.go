package markdown

import (
	"strings"
	"testing"
)

// TestLinksOverManyLinesAreBounded: goldmark reads a link title or a
// reference label one line at a time, and each read walks the paragraph's
// lines back from its last: one link whose title spans 20,000 lines of a
// paragraph took 1.5 s at 100 KB, 6 s at 200 KB. Such a title or label
// stays literal text; a link over a few lines is still a link.
func TestLinksOverManyLinesAreBounded(t *testing.T) {
	lines := strings.Repeat("t\n", 20000)
	tests := []struct{ name, src, bad string }{
		{"title", `[a](/x "` + lines + `t")`, "title="},
		{"title after", "[a](/x\n'" + lines + "t')", "title="},
		{"parenthesised title", "[a](/x (" + lines + "t))", "title="},
		{"reference label", "[a][" + strings.Repeat("x\n", 400) + "x]\n" + lines + "\n[" + strings.Repeat("x ", 400) + "x]: /ref", ">a</a>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if html := ToHTML(tt.src); strings.Contains(html, tt.bad) {
				t.Errorf("a link over %d lines was interpreted: %q in %.200q…", strings.Count(tt.src, "\n"), tt.bad, html)
			}
		})
	}
	if html := ToHTML("See [a](/x \"two\nlines\") and [b][r\ns].\n\n[r s]: /ref"); !strings.Contains(html, `title="two`) || !strings.Contains(html, `href="/ref"`) {
		t.Errorf("links over two lines are not links: %s", html)
	}
}

// TestShortcutsOverManyLinesAreBounded: each "]" that makes no inline link
// has goldmark read its text as a possible reference, walking the
// paragraph's lines back from its last. The links a paragraph makes are
// bounded so that the lines walked stay within lineSteps per byte.
func TestShortcutsOverManyLinesAreBounded(t *testing.T) {
	src := "[a]: /x\n\n" + strings.Repeat("[a]\n", 20000)
	html := ToHTML(src)
	links, lines, size := strings.Count(html, `href="/x"`), 20000, 4*20000
	if links == 0 || links*lines > lineSteps*size {
		t.Errorf("%d links over %d lines of %d bytes: %d lines walked, want some and at most %d", links, lines, size, links*lines, lineSteps*size)
	}
}
