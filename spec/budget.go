package spec

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"
	"go.yaml.in/yaml/v4/plugin/loaderlimits"
)

// The parse budget. Every description is measured against it before
// anything expands it, so that no upload, however small, can make the parser
// build more than MaxNodes values or nest deeper than MaxDepth. The largest
// real description in samples/ (Slack's, 728 KB) has 37,846 values and nests
// 19 levels deep; parsing it peaks at about 15 MiB of heap, so a description
// at the budget peaks near 150 MiB.
const (
	// MaxNodes is the most values (mapping keys, values and sequence items,
	// counted after YAML aliases are expanded) a description may hold.
	MaxNodes = 300_000
	// MaxDepth is the deepest a description may nest, aliases expanded.
	MaxDepth = 64
)

// measure is what the budget check learnt about a description.
type measure struct {
	// nodes is the number of values with aliases expanded.
	nodes int
	// root is the composed YAML tree (aliases not expanded): kept to find
	// the line of a JSON pointer.
	root *yaml.Node
}

// toUTF8 returns data as UTF-8. A description in UTF-16 or UTF-32 (which
// YAML allows when it starts with a byte-order mark, and which JSON
// detects by its zero bytes) is converted; any other encoding that is not
// valid UTF-8 is refused with the line and column of the first bad byte.
func toUTF8(data []byte) ([]byte, *ValidationError) {
	switch {
	case bytes.HasPrefix(data, []byte{0x00, 0x00, 0xFE, 0xFF}):
		return fromUTF32(data[4:], true)
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE, 0x00, 0x00}):
		return fromUTF32(data[4:], false)
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return fromUTF16(data[2:], true)
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return fromUTF16(data[2:], false)
	case len(data) >= 4 && data[0] == 0 && data[1] == 0 && data[2] == 0 && data[3] != 0:
		return fromUTF32(data, true)
	case len(data) >= 4 && data[0] != 0 && data[1] == 0 && data[2] == 0 && data[3] == 0:
		return fromUTF32(data, false)
	case len(data) >= 2 && data[0] == 0 && data[1] != 0:
		return fromUTF16(data, true)
	case len(data) >= 2 && data[0] != 0 && data[1] == 0:
		return fromUTF16(data, false)
	}
	if utf8.Valid(data) {
		return data, nil
	}
	line, col := 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return nil, invalidAt(line, "", "the description is not valid UTF-8 (byte 0x%02X at column %d): save it as UTF-8", data[i], col)
		}
		if r == '\n' {
			line, col = line+1, 0
		}
		i += size
		col++
	}
	return data, nil
}

func fromUTF16(data []byte, bigEndian bool) ([]byte, *ValidationError) {
	if len(data)%2 != 0 {
		return nil, invalid("", "the description looks like UTF-16 but has an odd number of bytes: save it as UTF-8")
	}
	units := make([]uint16, len(data)/2)
	for i := range units {
		if bigEndian {
			units[i] = uint16(data[2*i])<<8 | uint16(data[2*i+1])
		} else {
			units[i] = uint16(data[2*i+1])<<8 | uint16(data[2*i])
		}
	}
	var b strings.Builder
	b.Grow(len(units))
	for _, r := range utf16.Decode(units) {
		if r == utf8.RuneError {
			return nil, invalid("", "the description is UTF-16 with an unpaired surrogate: save it as UTF-8")
		}
		b.WriteRune(r)
	}
	return []byte(b.String()), nil
}

func fromUTF32(data []byte, bigEndian bool) ([]byte, *ValidationError) {
	if len(data)%4 != 0 {
		return nil, invalid("", "the description looks like UTF-32 but its length is not a multiple of 4 bytes: save it as UTF-8")
	}
	var b strings.Builder
	b.Grow(len(data) / 4)
	for i := 0; i < len(data); i += 4 {
		var r rune
		if bigEndian {
			r = rune(data[i])<<24 | rune(data[i+1])<<16 | rune(data[i+2])<<8 | rune(data[i+3])
		} else {
			r = rune(data[i+3])<<24 | rune(data[i+2])<<16 | rune(data[i+1])<<8 | rune(data[i])
		}
		if !utf8.ValidRune(r) {
			return nil, invalid("", "the description is UTF-32 with an invalid character: save it as UTF-8")
		}
		b.WriteRune(r)
	}
	return []byte(b.String()), nil
}

// invalidAt is a problem on a line of the source.
func invalidAt(line int, location, format string, args ...any) *ValidationError {
	return &ValidationError{Problems: []Problem{{Location: location, Line: line, Message: fmt.Sprintf(format, args...)}}}
}

// estimateNodes returns an upper bound of the number of values in data
// (aliases not expanded), reading it once without building anything, and
// the line on which the bound passes limit (0 when it does not). It also
// notes in deepLine the first line where flow collections ([ and {) nest
// more than MaxDepth deep. It is
// close for real descriptions: a mapping entry needs a ": " (two values), a
// block sequence item a "- ", a flow item a ","; quoted scalars, block
// scalars and comments are skipped, so their text does not count.
func estimateNodes(data []byte, limit int, deepLine *int) (int, int) {
	n, line := 2, 1
	flow := 0
	lineStart := true          // only indentation seen on this line so far
	lineBegin := 0             // offset of the line's first byte
	contentCol := -1           // column of the line's first content past "- " and "? " indicators
	prevSignificant := byte(0) // last non-blank byte on this line, 0 at its start
	blockParent := -1          // indentation of the line that opened a block scalar
	for i := 0; i < len(data); i++ {
		c := data[i]
		if blockParent >= 0 {
			// Inside a block scalar: skip lines indented deeper than the
			// line that opened it, and blank lines.
			if lineStart {
				j := i
				for j < len(data) && data[j] == ' ' {
					j++
				}
				if j < len(data) && data[j] != '\n' && data[j] != '\r' && j-i <= blockParent {
					blockParent = -1
				} else {
					for i < len(data) && data[i] != '\n' {
						i++
					}
					line++
					lineBegin = i + 1
					continue
				}
			}
		}
		switch c {
		case '\n':
			line++
			lineStart, lineBegin, contentCol, prevSignificant = true, i+1, -1, 0
			continue
		case ' ', '\t', '\r':
			continue
		}
		atToken := prevSignificant == 0 || strings.IndexByte(":-,[{?", prevSignificant) >= 0
		lineStart = false
		next := byte('\n')
		if i+1 < len(data) {
			next = data[i+1]
		}
		blankNext := next == ' ' || next == '\t' || next == '\n' || next == '\r'
		if contentCol < 0 && !((c == '-' || c == '?') && blankNext) {
			contentCol = i - lineBegin
		}
		switch {
		case c == '#' && (i == 0 || data[i-1] == ' ' || data[i-1] == '\t' || data[i-1] == '\n'):
			for i+1 < len(data) && data[i+1] != '\n' {
				i++
			}
			continue
		case c == '"' && atToken:
			for i++; i < len(data) && data[i] != '"'; i++ {
				switch data[i] {
				case '\\':
					i++
				case '\n':
					line++
				}
			}
		case c == '\'' && atToken:
			for i++; i < len(data); i++ {
				if data[i] == '\'' {
					if i+1 < len(data) && data[i+1] == '\'' {
						i++
						continue
					}
					break
				}
				if data[i] == '\n' {
					line++
				}
			}
		case (c == '|' || c == '>') && atToken && blockHeader(data[i+1:]):
			// The scalar's lines are those indented deeper than the
			// key (or item) it is the value of.
			blockParent = contentCol
			for i+1 < len(data) && data[i+1] != '\n' {
				i++
			}
			continue
		case c == ':' && (blankNext || next == ',' || next == ']' || next == '}' || prevSignificant == '"' || prevSignificant == '\''):
			n += 2
		case c == '-' && blankNext, c == '?' && blankNext:
			n += 2
		case c == ',':
			n += 2
		case c == '[' || c == '{':
			n += 3
			flow++
			if flow > MaxDepth && deepLine != nil && *deepLine == 0 {
				*deepLine = line
			}
		case c == ']' || c == '}':
			flow--
		}
		if i < len(data) {
			prevSignificant = data[i]
		}
		if n > limit {
			return n, line
		}
	}
	return n, 0
}

// blockHeader reports whether rest (what follows a | or >) is the rest of a
// block scalar header: indentation and chomping indicators, then a blank, a
// comment or the end of the line.
func blockHeader(rest []byte) bool {
	for _, c := range rest {
		switch {
		case c == '-' || c == '+' || (c >= '0' && c <= '9'):
			continue
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '#':
			return true
		default:
			return false
		}
	}
	return true
}

// errDepth is returned by the depth check while composing.
var errDepth = errors.New("nesting too deep")

// measureSource checks data against the budget before anything expands it:
// an estimate of its values from one pass over the bytes, then the composed
// YAML tree (at most MaxDepth deep), whose values are counted with aliases
// expanded, by memoising each anchor's size, so that counting costs the size
// of the source whatever the expansion. Keys defined twice in one mapping
// are refused here too: YAML forbids them and JSON parsers disagree on which
// one wins.
func measureSource(data []byte) (*measure, *ValidationError) {
	deepLine := 0
	if est, line := estimateNodes(data, MaxNodes, &deepLine); line > 0 {
		return nil, invalidAt(line, "", "the description holds more than %s values (about %s by line %d): the limit is %s; split it into several APIs", thousands(MaxNodes), thousands(est), line, thousands(MaxNodes))
	}
	var root yaml.Node
	depthErr := 0
	limits := loaderlimits.New(loaderlimits.DepthFunc(func(depth int, _ *loaderlimits.DepthContext) error {
		if depth > MaxDepth+1 {
			depthErr = depth
			return errDepth
		}
		return nil
	}), loaderlimits.AliasNone())
	if err := yaml.Load(data, &root, yaml.WithPlugin(limits)); err != nil {
		if depthErr > 0 {
			if deepLine == 0 {
				deepLine = deepIndentLine(data)
			}
			return nil, invalidAt(deepLine, "", "the description nests more than %d levels deep: the limit is %d", MaxDepth, MaxDepth)
		}
		line, msg := yamlError(err)
		return nil, invalidAt(line, "", "not valid YAML or JSON: %s", msg)
	}
	c := counter{memo: map[*yaml.Node]nodeSize{}}
	size, verr := c.size(&root, 0, "")
	if verr != nil {
		return nil, verr
	}
	return &measure{nodes: size.nodes, root: &root}, nil
}

type nodeSize struct {
	nodes int // values, aliases expanded, capped at MaxNodes+1
	depth int // levels below this node, aliases expanded
}

type counter struct {
	memo  map[*yaml.Node]nodeSize
	total int
}

const inProgress = -1

// size measures n at depth (its nesting level), adding its values to the
// total. alias names the outermost alias being expanded, for the message.
func (c *counter) size(n *yaml.Node, depth int, alias string) (nodeSize, *ValidationError) {
	if depth > MaxDepth {
		if alias != "" {
			return nodeSize{}, invalidAt(n.Line, "", "the alias *%s makes the description nest more than %d levels deep: the limit is %d", alias, MaxDepth, MaxDepth)
		}
		return nodeSize{}, invalidAt(n.Line, "", "the description nests more than %d levels deep: the limit is %d", MaxDepth, MaxDepth)
	}
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return nodeSize{}, invalidAt(n.Line, "", "the alias *%s refers to no anchor", n.Value)
		}
		if alias == "" {
			alias = n.Value
		}
		target := n.Alias
		if s, ok := c.memo[target]; ok {
			if s.nodes == inProgress {
				return nodeSize{}, invalidAt(n.Line, "", "the alias *%s refers to the value that contains it", n.Value)
			}
			if depth+s.depth > MaxDepth {
				return nodeSize{}, invalidAt(n.Line, "", "the alias *%s makes the description nest more than %d levels deep: the limit is %d", alias, MaxDepth, MaxDepth)
			}
			c.total += s.nodes
			if c.total > MaxNodes {
				return nodeSize{}, c.tooMany(n.Line, alias)
			}
			return s, nil
		}
		// First use of the anchor: measure it where it is used; the memo
		// then answers for every further use.
		return c.size(target, depth, alias)
	}
	anchored := n.Anchor != ""
	if anchored {
		c.memo[n] = nodeSize{nodes: inProgress}
	}
	before := c.total
	c.total++
	if c.total > MaxNodes {
		return nodeSize{}, c.tooMany(n.Line, alias)
	}
	s := nodeSize{nodes: 1}
	if n.Kind == yaml.MappingNode {
		if verr := duplicateKeys(n); verr != nil {
			return nodeSize{}, verr
		}
	}
	for _, child := range n.Content {
		cs, verr := c.size(child, depth+1, alias)
		if verr != nil {
			return nodeSize{}, verr
		}
		s.depth = max(s.depth, cs.depth+1)
	}
	s.nodes = c.total - before
	if anchored {
		c.memo[n] = s
	}
	return s, nil
}

func (c *counter) tooMany(line int, alias string) *ValidationError {
	if alias != "" {
		return invalidAt(line, "", "the alias *%s expands the description to more than %s values: the limit is %s; YAML anchors and aliases are expanded where they are used", alias, thousands(MaxNodes), thousands(MaxNodes))
	}
	return invalidAt(line, "", "the description holds more than %s values: the limit is %s; split it into several APIs", thousands(MaxNodes), thousands(MaxNodes))
}

// duplicateKeys refuses a mapping that defines a key twice.
func duplicateKeys(n *yaml.Node) *ValidationError {
	if len(n.Content) < 4 {
		return nil
	}
	seen := make(map[string]int, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if k.Kind != yaml.ScalarNode || k.Value == "<<" {
			continue
		}
		if first, ok := seen[k.Value]; ok {
			return invalidAt(k.Line, "", "the key %q is defined twice in the same object (first on line %d): keep one, since tools disagree on which one wins", k.Value, first)
		}
		seen[k.Value] = k.Line
	}
	return nil
}

// deepIndentLine is the first line indented more than MaxDepth columns,
// where block collections may nest more than MaxDepth deep; 0 when none.
func deepIndentLine(data []byte) int {
	for i, l := range bytes.Split(data, []byte("\n")) {
		if len(l)-len(bytes.TrimLeft(l, " ")) > MaxDepth {
			return i + 1
		}
	}
	return 0
}

var yamlPosition = regexp.MustCompile(`^(?:yaml: )?(?:go-yaml load error in \w+ )?(\([^)]*\) )?at L(\d+)\.C(\d+)(?:-L\d+\.C\d+)?: (.*)$`)

// yamlError turns a YAML error into a line and a message for the author.
func yamlError(err error) (int, string) {
	msg := err.Error()
	if m := yamlPosition.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[2])
		text := m[4] + " (column " + m[3]
		if m[1] != "" {
			text += ", " + strings.Trim(m[1], "() ")
		}
		return line, text + ")"
	}
	return yamlErrorLine(err), strings.TrimPrefix(msg, "yaml: ")
}

// yamlErrorLine finds the line number in a YAML error, 0 when it has none.
func yamlErrorLine(err error) int {
	msg := err.Error()
	if _, rest, ok := strings.Cut(msg, "line "); ok {
		end := 0
		for end < len(rest) && rest[end] >= '0' && rest[end] <= '9' {
			end++
		}
		if n, err := strconv.Atoi(rest[:end]); err == nil {
			return n
		}
	}
	return 0
}

// thousands formats n with thin separators: 300,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
