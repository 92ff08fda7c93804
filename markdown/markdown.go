// Package markdown renders the Markdown that people write in Portico (API
// descriptions) as safe HTML, and as plain text for search indexing.
package markdown

import (
	"bytes"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

// converter builds a GitHub-flavoured Markdown converter (tables, autolinks,
// strikethrough, task lists). Raw HTML in the source is dropped by goldmark's
// default renderer; the sanitiser below is the second line of defence.
func converter() goldmark.Markdown {
	return goldmark.New(goldmark.WithExtensions(extension.GFM))
}

// policy is bluemonday's user-generated-content policy: formatting, links
// and tables stay; scripts, event handlers, styles and javascript: URLs go.
// Links get rel="nofollow", and links to other sites also open in a new tab
// with rel="nofollow noopener".
func policy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return p
}

// ToHTML renders Markdown as sanitised HTML, safe to embed in a page.
func ToHTML(src string) string {
	if strings.TrimSpace(src) == "" {
		return ""
	}
	var buf bytes.Buffer
	if err := converter().Convert([]byte(src), &buf); err != nil {
		// goldmark only fails when writing to the buffer fails; fall back
		// to the escaped source rather than losing the text.
		return policy().Sanitize("<p>" + escape(src) + "</p>")
	}
	return policy().Sanitize(buf.String())
}

// PlainText returns the text of Markdown without its markup: words of
// paragraphs, headings, list items, table cells, link texts and code, one
// block per line. Raw HTML is left out.
func PlainText(src string) string {
	source := []byte(src)
	doc := converter().Parser().Parse(text.NewReader(source))
	var b strings.Builder
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		switch n := n.(type) {
		case *ast.HTMLBlock, *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			if entering {
				b.Write(n.Segment.Value(source))
				if n.SoftLineBreak() || n.HardLineBreak() {
					b.WriteByte(' ')
				}
			}
		case *ast.String:
			if entering {
				b.Write(n.Value)
			}
		case *ast.AutoLink:
			if entering {
				b.Write(n.URL(source))
			}
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			if entering {
				lines := n.Lines()
				for i := 0; i < lines.Len(); i++ {
					seg := lines.At(i)
					b.Write(seg.Value(source))
				}
			}
			return ast.WalkSkipChildren, nil
		default:
			switch {
			case entering:
			case n.Kind() == east.KindTableCell:
				b.WriteByte(' ')
			case n.Type() == ast.TypeBlock:
				b.WriteByte('\n')
			}
		}
		return ast.WalkContinue, nil
	})
	return collapse(b.String())
}

// collapse trims each line, squeezes runs of spaces and drops empty lines.
func collapse(s string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		line = strings.Join(strings.Fields(line), " ")
		if line != "" {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

func escape(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;")
	return r.Replace(s)
}
