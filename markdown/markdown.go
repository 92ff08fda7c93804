// Package markdown renders the Markdown that people write in Portico (API
// descriptions) as safe HTML, and as plain text for search indexing.
package markdown

import (
	"bytes"
	"html"
	"math"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// converter builds a GitHub-flavoured Markdown converter (tables, autolinks,
// strikethrough, task lists), its tables and autolinks bounded (see
// boundedTables and boundedLinkify). Raw
// HTML in the source is dropped by goldmark's default renderer; the
// sanitiser below is the second line of defence.
//
// It is built once, like the policy below: both are safe for concurrent use
// once built (goldmark's author in gohugoio/hugo PR 6484; bluemonday's
// README), and building the policy compiles dozens of regular expressions,
// which took a third of the time of a large description's docs page when
// it was done per call.
var converter = sync.OnceValue(func() goldmark.Markdown {
	return newConverter(boundedLinkify{}, goldmark.WithParserOptions(parser.WithInlineParsers(util.Prioritized(inlineBudget{}, 0))))
})

// newConverter is the GFM converter with the given autolink extension and
// options added; tests compare newConverter(extension.Linkify) with
// converter to check the bounds change no ordinary text.
func newConverter(linkify goldmark.Extender, opts ...goldmark.Option) goldmark.Markdown {
	return goldmark.New(append([]goldmark.Option{
		goldmark.WithExtensions(linkify, boundedTables{}, extension.Strikethrough, extension.TaskList),
	}, opts...)...)
}

// minInlineMarkers is how many inline markers a paragraph, heading or
// table cell may always have; beyond it, no more than 8×√(its bytes).
const minInlineMarkers = 64

// inlineBudget bounds the inline markers goldmark interprets in one block
// (a paragraph, heading or table cell): link brackets ("[", "![", "]"),
// emphasis and strikethrough runs ("*", "_", "~"), code span runs ("`")
// and "<". goldmark matches them in time quadratic in their number: each
// "]" searches the link text before it for links, and each closing
// emphasis run searches back through every unmatched opener, so
// "[" × 10,000 then "]" × 10,000 (20 KB) took a second, and "*a_" ×
// 27,000 (80 KB) eleven. Once a block has used its budget,
// max(minInlineMarkers, 8×√bytes), the markers after are literal text:
// the work stays within 64 steps per byte of the block.
//
// A "](" also has goldmark read the link destination after it, up to the
// next space: "[a](" × 16,000 read a quarter of 64 KB for each. Those
// reads may add up to destinationBytes per byte of the block; a "]" whose
// destination would pass that is literal text too.
//
// And a "]" has goldmark read a link title, a reference label or the link
// text as a possible reference one line at a time, each read walking the
// block's lines back from its last: one link whose title spans 20,000
// lines took 1.5 s (100 KB). A "]" is charged the block's lines for each
// line it has read so (see readLines), up to lineSteps per byte of the
// block; a "]" that would pass that is literal text too.
type inlineBudget struct{}

// destinationBytes is how many bytes of link destinations per byte of a
// block goldmark may read.
const destinationBytes = 4

// lineSteps is how many lines per byte of a block goldmark may walk to read
// link titles, labels and texts.
const lineSteps = 64

var inlineBudgetKey = parser.NewContextKey()

// inlineBudgetState is the block being parsed and the markers it may still
// have interpreted.
type inlineBudgetState struct {
	block        ast.Node
	left         int // markers
	destinations int // bytes of link destinations
	lines        int // of the block
	steps        int // lines that reads may still walk
	links        int // bytes autolinks may still scan (see boundedLinkify)
	linkScanned  int // bytes autolinks were allowed to scan
}

// budgetFor gives the budget of block parent, made afresh when goldmark
// has moved on to another block.
func budgetFor(parent ast.Node, pc parser.Context) *inlineBudgetState {
	st, _ := pc.Get(inlineBudgetKey).(*inlineBudgetState)
	if st == nil || st.block != parent {
		size := 0
		lines := parent.Lines()
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			size += seg.Len()
		}
		st = &inlineBudgetState{
			block:        parent,
			left:         max(minInlineMarkers, 8*isqrt(size)),
			destinations: destinationBytes * size,
			lines:        lines.Len(),
			steps:        lineSteps * size,
			links:        max(minLinkifyBytes, linkifyBytes*size),
		}
		pc.Set(inlineBudgetKey, st)
	}
	return st
}

func (inlineBudget) Trigger() []byte { return []byte{'[', ']', '!', '*', '_', '~', '`', '<'} }

// Parse counts the marker at the reader's position against its block's
// budget. Within the budget it returns nil, so that goldmark's own parsers
// read the marker; past it, it returns the marker (a whole run of "*",
// "_", "~" or "`") as text.
func (inlineBudget) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	if len(line) == 0 || line[0] == '!' && (len(line) < 2 || line[1] != '[') {
		return nil
	}
	st := budgetFor(parent, pc)
	dest := 0 // bytes of the destination after "](", read up to st.destinations+1
	if line[0] == ']' && len(line) > 1 && line[1] == '(' {
		pointy := len(line) > 2 && line[2] == '<' // "](<a b>)" ends at ">"
		for dest = 2; dest < len(line) && dest <= st.destinations; dest++ {
			if c := line[dest]; pointy && c == '>' || !pointy && util.IsSpace(c) {
				break
			}
		}
	}
	steps := 0 // lines walked by goldmark's reads for this "]"
	if line[0] == ']' && st.left > 0 && dest <= st.destinations {
		steps = st.lines * (1 + readLines(block, dest))
	}
	if st.left > 0 && dest <= st.destinations && steps <= st.steps {
		st.left--
		st.destinations -= dest
		st.steps -= steps
		return nil
	}
	n := 1
	switch line[0] {
	case '!':
		n = 2
	case '*', '_', '~', '`':
		for n < len(line) && line[n] == line[0] {
			n++
		}
	}
	block.Advance(n)
	return ast.NewTextSegment(seg.WithStop(seg.Start + n))
}

// readLines is how many lines goldmark reads one at a time for the link
// title after the "](" at the reader's position (whose destination is
// dest bytes from it), or for the reference label after a "][": the lines
// from its opener to its closer, 0 when it has none. The reader is left
// where it was.
func readLines(block text.Reader, dest int) int {
	line, pos := block.Position()
	defer block.SetPosition(line, pos)
	rest, _ := block.PeekLine()
	if len(rest) < 2 || rest[1] != '(' && rest[1] != '[' {
		return 0
	}
	if rest[1] == '[' {
		block.Advance(2)
		return closureLines(block, '[', ']')
	}
	if pointy := len(rest) > 2 && rest[2] == '<'; pointy && dest < len(rest) {
		dest++ // the ">"
	}
	block.Advance(dest)
	block.SkipSpaces()
	opener := block.Peek()
	closer := opener
	switch opener {
	case '"', '\'':
	case '(':
		closer = ')'
	default:
		return 0
	}
	block.Advance(1)
	return closureLines(block, opener, closer)
}

// closureLines is how many lines goldmark's FindClosure without nesting
// reads from the reader's position to closer, 0 when it finds opener first
// or no closer.
func closureLines(block text.Reader, opener, closer byte) int {
	for n := 1; ; n++ {
		line, _ := block.PeekLine()
		if line == nil {
			return 0
		}
		for i := 0; i < len(line); i++ {
			switch c := line[i]; {
			case c == '\\' && i+1 < len(line) && util.IsPunct(line[i+1]):
				i++
			case c == closer:
				return n
			case c == opener:
				return 0
			}
		}
		block.AdvanceLine()
	}
}

// boundedLinkify is goldmark's Linkify extension (autolinks of bare
// "http://", "https://", "ftp://" and "www." URLs and of e-mail addresses),
// its work bounded per block. At each space, "*", "_", "~" or "(", and at
// the start of the text after any other inline node, Linkify runs its URL
// or www regular expression on the rest of the line when it starts with
// one of those prefixes. The expressions allow a host of up to 256 bytes
// ("[-a-zA-Z0-9@:%._+~#=]{1,256}") followed by ".tld", so on text such as
// "_www." × n, where no ".tld" ever follows, each "www." had Go's regexp
// machine read the 260 bytes after it in vain: a 100 KB paragraph took
// 0.8 s, 1.6 MB eight seconds.
//
// Each run is charged the bytes the expression may read: up to the first
// byte no URL may contain, and no more than maxLinkifyScan (a failed match
// ends within the host's 256 bytes; a successful one is consumed by the
// link, so its bytes are not read again). A block may spend
// max(minLinkifyBytes, linkifyBytes per byte of it); past that, "www." and
// URLs in it are left as text.
type boundedLinkify struct{}

const (
	// linkifyBytes is how many bytes per byte of a block the autolink
	// expressions may read.
	linkifyBytes = 2
	// minLinkifyBytes is how many bytes they may always read in a block.
	minLinkifyBytes = 4096
	// maxLinkifyScan is the most an autolink expression reads when it
	// does not match: "https://", a 256-byte host, "." and one letter.
	maxLinkifyScan = len("https://") + 256 + 2
)

// Extend registers the bounded Linkify parser where extension.Linkify
// registers its own.
func (boundedLinkify) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithInlineParsers(util.Prioritized(linkifyBudget{extension.NewLinkifyParser()}, 999)))
}

// linkifyBudget runs goldmark's Linkify parser while the block's budget
// allows.
type linkifyBudget struct{ linkify parser.InlineParser }

func (l linkifyBudget) Trigger() []byte { return l.linkify.Trigger() }

// Parse charges what Linkify's expressions may read from here and, within
// the budget, lets Linkify parse; past it, returns nil (the text stays).
func (l linkifyBudget) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	if pc.IsInLinkLabel() {
		return nil
	}
	line, _ := block.PeekLine()
	if cost := linkifyScan(line); cost > 0 {
		st := budgetFor(parent, pc)
		if cost > st.links {
			return nil
		}
		st.links -= cost
		st.linkScanned += cost
	}
	return l.linkify.Parse(parent, block, pc)
}

// urlBytes are the bytes that Linkify's URL and www expressions accept
// anywhere in a URL (the set of its path, which holds those of its host).
var urlBytes = func() (t [256]bool) {
	for _, c := range []byte("-@:%_+.~#$!?&/=();,'\">^{}[]`") {
		t[c] = true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	return t
}()

// linkifyScan gives how many bytes of line Linkify's URL or www expression
// may read, or 0 when Linkify runs neither (it skips a leading space,
// "*", "_", "~" or "(", as Linkify does).
func linkifyScan(line []byte) int {
	if len(line) > 0 && bytes.IndexByte([]byte(" *_~("), line[0]) >= 0 {
		line = line[1:]
	}
	if !bytes.HasPrefix(line, []byte("www.")) && !bytes.HasPrefix(line, []byte("http:")) &&
		!bytes.HasPrefix(line, []byte("https:")) && !bytes.HasPrefix(line, []byte("ftp:")) {
		return 0
	}
	n := 0
	for n < len(line) && n < maxLinkifyScan && urlBytes[line[n]] {
		n++
	}
	return n + 1
}

// isqrt is the integer square root of n ≥ 0.
func isqrt(n int) int {
	r := int(math.Sqrt(float64(n)))
	for r*r > n {
		r--
	}
	for (r+1)*(r+1) <= n {
		r++
	}
	return r
}

// minTableCells is how many cells a table may always have; beyond it, no
// more than its text has bytes.
const minTableCells = 4096

// boundedTables is goldmark's GFM table extension, except that a table
// that would have more cells than max(minTableCells, its bytes) stays a
// paragraph. GFM fills every row up to the header's number of cells, so
// a header of 1,000 cells over 1,000 one-letter rows (6 KB) made a million
// cells: 10 MB of HTML and 540 MiB allocated.
type boundedTables struct{}

// Extend registers the table parts as extension.Table does.
func (boundedTables) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(
		parser.WithParagraphTransformers(util.Prioritized(boundedTableTransformer{extension.NewTableParagraphTransformer()}, 200)),
		parser.WithASTTransformers(util.Prioritized(extension.NewTableASTTransformer(), 0)),
	)
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(extension.NewTableHTMLRenderer(), 500)))
}

type boundedTableTransformer struct{ table parser.ParagraphTransformer }

// Transform makes a table of the paragraph, as goldmark does, unless a
// line that may be its delimiter row gives more cells than the bound.
func (t boundedTableTransformer) Transform(node *ast.Paragraph, reader text.Reader, pc parser.Context) {
	lines := node.Lines()
	source := reader.Source()
	size := 0
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		size += seg.Len()
	}
	for i := 1; i < lines.Len(); i++ {
		seg := lines.At(i)
		if cols := delimiterColumns(seg.Value(source)); cols*(lines.Len()-i+1) > max(minTableCells, size) {
			return
		}
	}
	t.table.Transform(node, reader, pc)
}

// delimiterColumns gives the number of columns of a table's delimiter row
// (such as "|:---|---:|"), or 0 when line cannot be one.
func delimiterColumns(line []byte) int {
	dash := false
	for _, b := range line {
		switch b {
		case '-':
			dash = true
		case '|', ':', ' ', '\t', '\n', '\r', '\v', '\f':
		default:
			return 0
		}
	}
	if !dash {
		return 0
	}
	line = bytes.TrimSpace(line)
	return bytes.Count(line, []byte("|")) + 1 - btoi(bytes.HasPrefix(line, []byte("|"))) - btoi(len(line) > 1 && bytes.HasSuffix(line, []byte("|")))
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// policy is bluemonday's user-generated-content policy: formatting, links
// and tables stay; scripts, event handlers, styles and javascript: URLs go.
// Links get rel="nofollow", and links to other sites also open in a new tab
// with rel="nofollow noopener".
var policy = sync.OnceValue(func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return p
})

// ToHTML renders Markdown as sanitised HTML, safe to embed in a page.
func ToHTML(src string) string {
	if strings.TrimSpace(src) == "" {
		return ""
	}
	src = limitNesting(src)
	var buf bytes.Buffer
	if err := converter().Convert([]byte(src), &buf); err != nil {
		// goldmark only fails when writing to the buffer fails; fall back
		// to the escaped source rather than losing the text.
		return policy().Sanitize("<p>" + escape(src) + "</p>")
	}
	return policy().Sanitize(buf.String())
}

// FirstSentence is the first sentence of text (PlainText's, say), its
// white space folded, at most 300 characters: the summary an API gets from
// its description where none is given (`portico import`, `portico demo`).
func FirstSentence(text string) string {
	text = strings.Join(strings.Fields(text), " ")
	if i := strings.Index(text, ". "); i > 0 {
		text = text[:i+1]
	}
	if utf8.RuneCountInString(text) > 300 {
		text = string([]rune(text)[:297]) + "…"
	}
	return text
}

// PlainText returns the text of Markdown without its markup: words of
// paragraphs, headings, list items, table cells, link texts and code, one
// block per line. Of raw HTML only the text is kept (tags, comments, scripts
// and styles go), with character references decoded: OpenAPI descriptions
// are often HTML.
func PlainText(src string) string {
	source := []byte(limitNesting(src))
	doc := converter().Parser().Parse(text.NewReader(source))
	var b strings.Builder
	inScript := false // between inline <script> or <style> tags: not text
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		switch n := n.(type) {
		case *ast.HTMLBlock:
			if entering {
				var raw bytes.Buffer
				lines := n.Lines()
				for i := 0; i < lines.Len(); i++ {
					seg := lines.At(i)
					raw.Write(seg.Value(source))
				}
				if n.HasClosure() {
					raw.Write(n.ClosureLine.Value(source))
				}
				b.WriteString(htmlText(raw.Bytes()))
				b.WriteByte('\n')
			}
			return ast.WalkSkipChildren, nil
		case *ast.RawHTML:
			// An inline tag: the text around it is in Text nodes, but not
			// the code between <script> and </script>.
			if entering {
				var tag []byte
				for i := 0; i < n.Segments.Len(); i++ {
					seg := n.Segments.At(i)
					tag = append(tag, seg.Value(source)...)
				}
				lower := strings.ToLower(string(tag))
				switch {
				case strings.HasPrefix(lower, "<script"), strings.HasPrefix(lower, "<style"):
					inScript = !strings.HasSuffix(lower, "/>")
				case strings.HasPrefix(lower, "</script"), strings.HasPrefix(lower, "</style"):
					inScript = false
				}
			}
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			if entering && !inScript {
				b.WriteString(html.UnescapeString(string(n.Segment.Value(source))))
				if n.SoftLineBreak() || n.HardLineBreak() {
					b.WriteByte(' ')
				}
			}
		case *ast.String:
			if entering && !inScript {
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

// maxNesting is how many block quotes and list items one line may open.
// goldmark's parse takes time quadratic in that number (4,000 on one line,
// 8 KB of text, took 80 ms; 40,000 took 5 s), and a description in an
// uploaded OpenAPI document is as long as the document allows.
const maxNesting = 32

// limitNesting escapes, on each line of src, the block quote or list marker
// that would open more than maxNesting containers, so that the rest of the
// line is text. It returns src itself when no line nests that deep.
func limitNesting(src string) string {
	var b strings.Builder
	done := 0 // src[:done] is in b
	for start := 0; start < len(src); {
		end := strings.IndexByte(src[start:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += start
		}
		if at := deepMarker(src[start:end]); at >= 0 {
			if b.Len() == 0 {
				b.Grow(len(src) + 16)
			}
			b.WriteString(src[done : start+at])
			b.WriteByte('\\')
			done = start + at
		}
		start = end + 1
	}
	if done == 0 {
		return src
	}
	b.WriteString(src[done:])
	return b.String()
}

// deepMarker gives the index in line of the block quote or list marker that
// opens container maxNesting+1 (for an ordered list, of the "." or ")"
// after its number), or -1 when the line opens fewer.
func deepMarker(line string) int {
	depth := 0
	i := 0
	spaceAt := func(j int) bool { return j >= len(line) || line[j] == ' ' || line[j] == '\t' }
	for i < len(line) {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i == len(line) {
			return -1
		}
		marker := -1
		switch c := line[i]; {
		case c == '>':
			marker = i
		case (c == '-' || c == '*' || c == '+') && spaceAt(i+1):
			marker = i
		case c >= '0' && c <= '9':
			j := i
			for j < len(line) && j-i < 9 && line[j] >= '0' && line[j] <= '9' {
				j++
			}
			if j < len(line) && (line[j] == '.' || line[j] == ')') && spaceAt(j+1) {
				marker = j
			}
		}
		if marker < 0 {
			return -1
		}
		if depth++; depth > maxNesting {
			return marker
		}
		i = marker + 1
	}
	return -1
}

// inlineTags are the HTML elements that do not break the text into blocks.
var inlineTags = map[atom.Atom]bool{
	atom.A: true, atom.Abbr: true, atom.B: true, atom.Cite: true, atom.Code: true, atom.Em: true, atom.I: true,
	atom.Kbd: true, atom.Mark: true, atom.Q: true, atom.S: true, atom.Samp: true, atom.Small: true, atom.Span: true,
	atom.Strong: true, atom.Sub: true, atom.Sup: true, atom.U: true, atom.Var: true,
}

// htmlText returns the text of an HTML fragment: character data with
// references decoded, without tags, comments, scripts and styles; block
// elements start a new line.
func htmlText(src []byte) string {
	var b strings.Builder
	z := xhtml.NewTokenizer(bytes.NewReader(src))
	skip := 0 // inside <script> or <style>
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return b.String()
		case xhtml.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case xhtml.StartTagToken, xhtml.EndTagToken, xhtml.SelfClosingTagToken:
			tok := z.Token()
			switch {
			case tok.DataAtom == atom.Script || tok.DataAtom == atom.Style:
				if tok.Type == xhtml.StartTagToken {
					skip++
				} else if tok.Type == xhtml.EndTagToken && skip > 0 {
					skip--
				}
			case tok.DataAtom == atom.Br:
				b.WriteByte(' ')
			case !inlineTags[tok.DataAtom]:
				b.WriteByte('\n')
			}
		}
	}
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
