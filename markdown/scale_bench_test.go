package markdown

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/util"
)

// scaleInputs are texts that make goldmark's autolinks and inline parsers
// work hardest per byte, each repeated to the benchmark's size.
var scaleInputs = []struct{ name, unit string }{
	{"underscore-www", "_www."},
	{"space-www", " www."},
	{"star-www", "*www."},
	{"paren-www", "(www."},
	{"underscore-http", "_http://a"},
	{"www-underscore", "www._"},
	{"mixed", "_www. *www.a (http://b ~www._ "},
	{"prose", "See www.example.com/docs and _mail_ ops@example.com, status https://status.example.com/x. "},
}

// BenchmarkToHTMLScale renders each input at 10 KB, 100 KB and 1 MB (one
// paragraph). With b.SetBytes, MB/s staying the same across the sizes of
// an input means time linear in its size; falling tenfold per step,
// quadratic.
func BenchmarkToHTMLScale(b *testing.B) {
	for _, in := range scaleInputs {
		for _, size := range []int{10_000, 100_000, 1_000_000} {
			src := strings.Repeat(in.unit, size/len(in.unit))
			b.Run(fmt.Sprintf("%s/%dKB", in.name, size/1000), func(b *testing.B) {
				b.SetBytes(int64(len(src)))
				for b.Loop() {
					ToHTML(src)
				}
			})
		}
	}
}

// TestAdversarialAutolinkTextKept: the texts of BenchmarkToHTMLScale in
// which no "www." or URL ends in a ".tld" render, at 1 KB and at 20 KB
// (an API description's most; past the autolink budget as within it),
// exactly as with goldmark's own Linkify (unbounded), and without a link;
// a real address after ten of them, within the budget, is still linked.
func TestAdversarialAutolinkTextKept(t *testing.T) {
	unbounded := newConverter(extension.Linkify, goldmark.WithParserOptions(parser.WithInlineParsers(util.Prioritized(inlineBudget{}, 0))))
	for _, unit := range []string{"_www.", " www.", "*www.", "(www.", "~www.", "_http://a", "www._", "_www. *www.a (http://b ~www._ "} {
		for _, size := range []int{1_000, 20_000} {
			src := strings.Repeat(unit, size/len(unit))
			var buf bytes.Buffer
			if err := unbounded.Convert([]byte(src), &buf); err != nil {
				t.Fatal(err)
			}
			got, want := ToHTML(src), policy().Sanitize(buf.String())
			if got != want {
				t.Errorf("%q × %d renders as\n%.300q\nwant\n%.300q", unit, size/len(unit), got, want)
			}
			if strings.Contains(got, "<a ") {
				t.Errorf("%q × %d: made a link: %.300q", unit, size/len(unit), got)
			}
		}
		src := strings.Repeat(unit, 10) + " see www.example.com/docs."
		if got := ToHTML(src); !strings.Contains(got, `<a href="http://www.example.com/docs"`) {
			t.Errorf("%q × 10 then an address: got %q, want the address linked", unit, got)
		}
	}
}
