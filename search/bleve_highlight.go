package search

import (
	"bytes"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
)

// highlighter finds the query terms in the stored text of a hit, matching
// them the way the query does (exactly, as a prefix for the last term, with
// a typo or two for long terms the index does not have, in their English
// forms, and as their one-word synonyms), so that highlights need no second
// search.
type highlighter struct {
	terms []string
	// stems are the English stems a word of the text may have to match: those of the terms that differ from the
	// term ("list" for "listings") and the one-word synonyms' ("photo" for "pictures"). A word is stemmed only when
	// it starts with the first letters of one of them (stemKey).
	stems map[string]bool
	// stemKeys are the stems' keys; stemmed caches, for the words stemmed so far, whether they have one of the stems
	// (a hit's words repeat, and so do those of the hits of a page).
	stemKeys []string
	stemmed  map[string]bool
	// keys are the terms and the stems' keys: the text holds a matching word only where it holds one of them.
	keys  []string
	typos []bool // whether the term at the same index matches with typos
	typo  bool   // whether any does
	// ascii: every term is ASCII, so that a text is lowered by its ASCII letters only: a term can match only those,
	// and the lowered text keeps the offsets of the text (full Unicode lowering may change them, and is slower).
	ascii bool
	// firsts holds the first byte of each term: a word matches a term (exactly, as a prefix, or with typos, which
	// keep the first letter) only when it starts with one of them.
	firsts string
	// termBytes are the terms as bytes, and scratch a buffer kept from one hit to the next, for the operations'
	// lowered text (opsSnippet).
	termBytes [][]byte
	scratch   *[]byte
}

func newHighlighter(p queryPlan) highlighter {
	h := highlighter{terms: p.terms, typos: make([]bool, len(p.terms)), ascii: true, scratch: new([]byte)}
	addKey := func(k string) {
		if k == "" || slices.Contains(h.keys, k) {
			return
		}
		h.keys = append(h.keys, k)
		h.ascii = h.ascii && isASCII(k)
		if strings.IndexByte(h.firsts, k[0]) < 0 {
			h.firsts += k[:1]
		}
		h.termBytes = append(h.termBytes, []byte(k))
	}
	for i, t := range p.terms {
		h.typos[i] = fuzziness(t) > 0 && !p.known[i]
		h.typo = h.typo || h.typos[i]
		addKey(t)
	}
	addStem := func(st string) {
		if utf8.RuneCountInString(st) < minStemHighlight || slices.Contains(p.terms, st) {
			return
		}
		if h.stems == nil {
			h.stems, h.stemmed = map[string]bool{}, map[string]bool{}
		}
		h.stems[st] = true
		if k := stemKey(st); !slices.Contains(h.stemKeys, k) {
			h.stemKeys = append(h.stemKeys, k)
			addKey(k)
		}
	}
	for _, st := range p.stems {
		addStem(st)
	}
	for _, alt := range p.alts {
		if len(alt) == 1 {
			addStem(alt[0])
		}
	}
	return h
}

// minStemHighlight is the shortest stem highlighted in the words that have it: a shorter one ("id") is most often a
// word of its own, matched as a term.
const minStemHighlight = 3

// stemKey is what a word must start with to have the stem st: its first four letters (a stem may end otherwise than
// the words that have it: "galaxi" for "galaxy").
func stemKey(st string) string {
	n := 0
	for i := range st {
		if n == 4 {
			return st[:i]
		}
		n++
	}
	return st
}

// hasStem reports whether the lowered word has one of the highlighter's stems: it is stemmed only when it starts
// with one's key.
func (h highlighter) hasStem(word string) bool {
	if h.stems == nil || utf8.RuneCountInString(word) < minStemHighlight {
		return false
	}
	for _, k := range h.stemKeys {
		if strings.HasPrefix(word, k) {
			if has, ok := h.stemmed[word]; ok {
				return has
			}
			env := snowballstem.NewEnv(word)
			english.Stem(env)
			has := h.stems[env.Current()]
			h.stemmed[word] = has
			return has
		}
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// lower lowers text as the terms need it: its ASCII letters only when every term is ASCII.
func (h highlighter) lower(text string) string {
	if !h.ascii {
		return strings.ToLower(text)
	}
	i := 0
	for i < len(text) && !('A' <= text[i] && text[i] <= 'Z') {
		i++
	}
	if i == len(text) {
		return text
	}
	b := []byte(text)
	for ; i < len(b); i++ {
		if 'A' <= b[i] && b[i] <= 'Z' {
			b[i] += 'a' - 'A'
		}
	}
	return string(b)
}

// eachWord calls fn with the byte offsets of every run of letters and digits
// in s: the words the index's analyzer makes (before lowercasing).
func eachWord(s string, fn func(start, end int)) {
	start := -1
	for i, r := range s {
		var word bool
		if r < utf8.RuneSelf {
			word = 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
		} else {
			word = unicode.IsLetter(r) || unicode.IsDigit(r)
		}
		switch {
		case word && start < 0:
			start = i
		case !word && start >= 0:
			fn(start, i)
			start = -1
		}
	}
	if start >= 0 {
		fn(start, len(s))
	}
}

// highlights returns up to maxHighlights snippets from the stored fields of a hit.
func (h highlighter) highlights(fields map[string]interface{}) []string {
	if len(h.terms) == 0 {
		return nil
	}
	var out []string
	for _, field := range highlightOrder() {
		if len(out) == maxHighlights {
			break
		}
		loose := looseField(field)
		values := fieldStrings(fields[field])
		if field == fOps && h.ascii && h.scratch != nil && len(values) == 1 {
			if s, ok := h.opsSnippet(values[0], loose); ok {
				if s != "" {
					out = append(out, s)
				}
				continue
			}
		}
		byValue := map[int][]span{}
		for i, v := range values {
			lower := h.lower(v)
			contains := h.contains(lower)
			if !contains && !(loose && h.typo) {
				continue // exact and prefix matches contain a term: skip reading the words
			}
			if field == fOps && contains {
				// The snippet is the best line: read only the lines that contain a term.
				if sp := h.lineSpans(v, lower, loose); len(sp) > 0 {
					byValue[i] = sp
					continue
				}
			}
			byValue[i] = h.spans(v, lower, 0, loose)
		}
		if s := fieldHighlight(field, values, byValue); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// contains reports whether lowered text contains one of the terms, a cheap
// test before looking for exact and prefix matches word by word.
func (h highlighter) contains(lower string) bool {
	for _, t := range h.keys {
		if strings.Contains(lower, t) {
			return true
		}
	}
	return false
}

// spans returns the matching words of text (lower is text lowercased),
// offset by base.
func (h highlighter) spans(text, lower string, base int, loose bool) []span {
	var out []span
	sameOffsets := len(lower) == len(text)
	eachWord(text, func(start, end int) {
		word := ""
		if sameOffsets {
			word = lower[start:end]
		} else {
			word = strings.ToLower(text[start:end])
		}
		if h.matches(word, loose) {
			out = append(out, span{base + start, base + end})
		}
	})
	return out
}

// lineMayMatch reports whether a lowered line contains one of the terms, or,
// when the query has words of three letters or more, one of those: a short
// word such as "id" or "v1" is in almost every line and says little.
func (h highlighter) lineMayMatch(lower string) bool {
	long := false
	for _, t := range h.keys {
		if len(t) >= 3 {
			long = true
			if strings.Contains(lower, t) {
				return true
			}
		}
	}
	return !long && h.contains(lower)
}

// lineSpans returns the matching words of the lines of text that contain a term.
func (h highlighter) lineSpans(text, lower string, loose bool) []span {
	if len(lower) != len(text) {
		return h.spans(text, lower, 0, loose)
	}
	var out []span
	for start := 0; start < len(text); {
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		if h.lineMayMatch(lower[start:end]) {
			out = append(out, h.spans(text[start:end], lower[start:end], start, loose)...)
		}
		start = end + 1
	}
	return out
}

// opsSnippet is the highlight of the operations, one a line, when every term is ASCII: the snippet of the first line
// with the most distinct matching words, as fieldHighlight gives from lineSpans. The text is lowered into the
// highlighter's buffer rather than a new string (tens of kilobytes for a large API), the lines that may match are found
// from the terms' occurrences rather than line by line, and only the best line's matches are kept. ok is false when
// the general path must decide: a term occurs but no line has a matching word, or none occurs and typos may match.
func (h highlighter) opsSnippet(text string, loose bool) (snippetText string, ok bool) {
	buf := append((*h.scratch)[:0], text...)
	*h.scratch = buf
	for i, c := range buf {
		if 'A' <= c && c <= 'Z' {
			buf[i] = c + 'a' - 'A'
		}
	}
	found, long := false, false
	for _, t := range h.termBytes {
		found = found || bytes.Contains(buf, t)
		long = long || len(t) >= 3
	}
	if !found {
		return "", !(loose && h.typo)
	}
	// The lines that lineMayMatch: those with a term of three letters or more, or with any term when none is.
	var starts []int
	for _, t := range h.termBytes {
		if long && len(t) < 3 {
			continue
		}
		for i := 0; i < len(buf); {
			j := bytes.Index(buf[i:], t)
			if j < 0 {
				break
			}
			j += i
			starts = append(starts, bytes.LastIndexByte(buf[:j], '\n')+1)
			end := bytes.IndexByte(buf[j:], '\n')
			if end < 0 {
				break
			}
			i = j + end + 1
		}
	}
	slices.Sort(starts)
	starts = slices.Compact(starts)
	var best struct {
		line  string
		spans []span
		words int
	}
	var words []string
	for _, start := range starts {
		end := bytes.IndexByte(buf[start:], '\n')
		if end < 0 {
			end = len(buf)
		} else {
			end += start
		}
		line, lower := text[start:end], string(buf[start:end])
		var spans []span
		if h.typo {
			spans = h.spans(line, lower, 0, loose)
		} else {
			spans = h.termSpans(line, lower, loose)
		}
		words = words[:0]
		for _, sp := range spans {
			w := lower[sp.start:sp.end]
			if !isASCII(w) {
				w = strings.ToLower(line[sp.start:sp.end])
			}
			if !slices.Contains(words, w) {
				words = append(words, w)
			}
		}
		if len(words) > best.words {
			best.line, best.spans, best.words = line, spans, len(words)
		}
	}
	if best.words == 0 {
		return "", false
	}
	return snippet(best.line, best.spans, snippetWidth), true
}

// termSpans is spans when no term matches with typos: a word then matches only when it starts with a term or a stem's
// key, so only the words that start where one occurs in lower (text lowered, with its offsets) are read, not every
// word.
func (h highlighter) termSpans(text, lower string, loose bool) []span {
	var starts []int
	for _, t := range h.keys {
		for i := 0; i < len(lower); {
			j := strings.Index(lower[i:], t)
			if j < 0 {
				break
			}
			j += i
			if r, _ := utf8.DecodeLastRuneInString(lower[:j]); j == 0 || !isWordRune(r) {
				starts = append(starts, j)
			}
			i = j + 1
		}
	}
	slices.Sort(starts)
	starts = slices.Compact(starts)
	var out []span
	for _, start := range starts {
		end := start
		for end < len(lower) {
			r, size := utf8.DecodeRuneInString(lower[end:])
			if !isWordRune(r) {
				break
			}
			end += size
		}
		if h.matches(lower[start:end], loose) {
			out = append(out, span{start, end})
		}
	}
	return out
}

// isWordRune reports whether r is part of a word, as eachWord reads them.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// matches reports whether an indexed token of a field matches a query term.
func (h highlighter) matches(tok string, loose bool) bool {
	if tok == "" || strings.IndexByte(h.firsts, tok[0]) < 0 {
		return false
	}
	for i, t := range h.terms {
		if tok == t {
			return true
		}
		if loose && prefixTerm(h.terms, i) && strings.HasPrefix(tok, t) {
			return true
		}
		if loose && h.typos[i] {
			if k := fuzziness(t); tok != "" && tok[0] == t[0] && withinDistance(tok, t, k) {
				return true
			}
		}
	}
	return h.hasStem(tok)
}

// fuzziness is the number of typos a term tolerates, as in termQuery.
func fuzziness(t string) int {
	switch n := utf8.RuneCountInString(t); {
	case n >= 9:
		return 2
	case n >= 5:
		return 1
	}
	return 0
}

// withinDistance reports whether the Levenshtein distance of a and b is at most k.
func withinDistance(a, b string, k int) bool {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > k || -d > k {
		return false
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > k {
			return false
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)] <= k
}
