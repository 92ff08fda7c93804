package markdown

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// fuzzMaxInput is the longest text FuzzToHTML renders: descriptions are
// usually short, and the bounds on long ones have tests of their own.
const fuzzMaxInput = 16 << 10

// fuzzSlow is how long one render of at most fuzzMaxInput bytes may take:
// far above what the bounds allow (a few milliseconds), so that only a
// quadratic parse, not a busy machine, passes it.
const fuzzSlow = 5 * time.Second

// forbiddenElements are elements the sanitiser never lets through: they run
// code, load other documents, take input or change how the page is read.
var forbiddenElements = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Iframe: true, atom.Frame: true, atom.Frameset: true,
	atom.Object: true, atom.Embed: true, atom.Applet: true, atom.Form: true, atom.Input: true,
	atom.Button: true, atom.Textarea: true, atom.Select: true, atom.Option: true, atom.Svg: true,
	atom.Math: true, atom.Base: true, atom.Meta: true, atom.Link: true, atom.Template: true,
	atom.Noscript: true, atom.Title: true, atom.Html: true, atom.Head: true, atom.Body: true,
	atom.Audio: true, atom.Video: true, atom.Source: true, atom.Track: true,
	atom.Dialog: true, atom.Xmp: true, atom.Plaintext: true, atom.Noembed: true, atom.Noframes: true,
}

// urlAttributes are the attributes whose value a browser follows or loads.
var urlAttributes = map[string]bool{
	"href": true, "src": true, "cite": true, "action": true, "formaction": true, "poster": true,
	"background": true, "longdesc": true, "usemap": true, "xlink:href": true, "data": true, "codebase": true,
}

// safeURL reports whether a browser would follow u to an http, https or
// mailto address, or to one relative to the page. Browsers drop tabs and
// newlines and trim spaces and control characters before they read the
// scheme, so this does too.
func safeURL(u string) bool {
	u = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, u)
	u = strings.TrimFunc(u, func(r rune) bool { return r <= ' ' })
	colon := strings.IndexByte(u, ':')
	if colon < 0 {
		return true
	}
	if cut := strings.IndexAny(u, "/?#"); cut >= 0 && cut < colon {
		return true // "/a:b", "?x=a:b": a path, not a scheme
	}
	switch strings.ToLower(u[:colon]) {
	case "http", "https", "mailto":
		return true
	}
	return false
}

// checkSanitised fails t when html, parsed as a browser would in a <div>,
// has an element or attribute the sanitiser's policy does not allow.
func checkSanitised(t *testing.T, src, html string) {
	t.Helper()
	ctx := &xhtml.Node{Type: xhtml.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := xhtml.ParseFragment(strings.NewReader(html), ctx)
	if err != nil {
		t.Fatalf("ToHTML(%q) gave HTML that does not parse: %v\n%s", src, err, html)
	}
	var walk func(n *xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type == xhtml.ElementNode {
			if forbiddenElements[n.DataAtom] || n.Namespace != "" {
				t.Fatalf("ToHTML(%q) has element <%s> (namespace %q):\n%s", src, n.Data, n.Namespace, html)
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				if a.Namespace != "" {
					key = strings.ToLower(a.Namespace) + ":" + key
				}
				switch {
				case strings.HasPrefix(key, "on"), key == "style", key == "srcdoc", key == "srcset", key == "formaction":
					t.Fatalf("ToHTML(%q) has attribute %s=%q on <%s>:\n%s", src, a.Key, a.Val, n.Data, html)
				case urlAttributes[key] && !safeURL(a.Val):
					t.Fatalf("ToHTML(%q) has URL %s=%q on <%s>:\n%s", src, a.Key, a.Val, n.Data, html)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
}

// sampleTexts gives the descriptions and summaries of the sample OpenAPI
// documents.
func sampleTexts(tb testing.TB) []string {
	files, err := filepath.Glob("../samples/openapi/*.yaml")
	if err != nil || len(files) == 0 {
		tb.Fatalf("no samples: %v", err)
	}
	var texts []string
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			tb.Fatal(err)
		}
		var doc any
		if err := yaml.Unmarshal(data, &doc); err != nil {
			tb.Fatalf("%s: %v", file, err)
		}
		var walk func(v any)
		walk = func(v any) {
			switch v := v.(type) {
			case map[string]any:
				for k, e := range v {
					if s, ok := e.(string); ok && (k == "description" || k == "summary") && len(s) > 40 {
						texts = append(texts, s)
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
	return texts
}

// FuzzToHTML renders arbitrary Markdown: the HTML has no element, attribute
// or URL outside what the sanitiser allows, however the Markdown and the raw
// HTML in it are mixed; PlainText of the same text does not panic either.
func FuzzToHTML(f *testing.F) {
	for i, s := range sampleTexts(f) {
		if i%4 == 0 { // a quarter of them: enough shapes, a quick seed run
			f.Add(s)
		}
	}
	for _, s := range []string{
		"",
		"Hello <script>alert(1)</script> world",
		`<img src="x.png" onerror="alert(1)"> <a href="/x" onclick="steal()">x</a>`,
		"[click me](javascript:alert(1))",
		"[x](JaVaScRiPt&#58;alert(1))",
		"[x](java\tscript:alert(1))",
		"![x](data:text/html;base64,PHNjcmlwdD4=)",
		"<a href=\"vbscript:msgbox(1)\">x</a>",
		"<svg><script>alert(1)</script></svg>",
		"<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
		"<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
		"<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
		"<form action=javascript:alert(1)><button>x</button></form>",
		"<style>*{color:red}</style><p style=\"x\">y</p>",
		"- [ ] task\n- [x] done\n",
		"| a | b |\n|---|---|\n| <script> | `c` |\n",
		"<https://example.com/a?b=c> www.example.com ~~gone~~ **bold** _em_",
		"```html\n<script>alert(1)</script>\n```\n",
		"> > > quote\n1. one\n   2. two\n",
		"[ref]\n\n[ref]: javascript:alert(1) \"t\"\n",
		"<!-- <script>alert(1)</script> -->",
		"<a href=\"&#x6A;avascript:alert(1)\">x</a>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > fuzzMaxInput {
			src = src[:fuzzMaxInput]
		}
		start := time.Now()
		html := ToHTML(src)
		if took := time.Since(start); took > fuzzSlow {
			t.Fatalf("ToHTML of %d bytes took %v", len(src), took)
		}
		checkSanitised(t, src, html)
		start = time.Now()
		PlainText(src)
		if took := time.Since(start); took > fuzzSlow {
			t.Fatalf("PlainText of %d bytes took %v", len(src), took)
		}
	})
}
