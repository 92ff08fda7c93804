package search

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// highlighter finds the query terms in the stored text of a hit, matching
// them the way the query does (exactly, as a prefix for the last term, with
// a typo or two for long terms), so that highlights need no second search.
type highlighter struct {
	terms []string
}

func (b *Bleve) highlighter(terms []string) highlighter { return highlighter{terms: terms} }

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
	boosts := map[string]fieldBoost{}
	for _, f := range bleveFields() {
		boosts[f.field] = f
	}
	var out []string
	for _, field := range highlightOrder() {
		if len(out) == maxHighlights {
			break
		}
		f := boosts[field]
		values := fieldStrings(fields[field])
		byValue := map[int][]span{}
		for i, v := range values {
			if f.fuzzy == 0 && !h.mayContain(v) {
				continue // exact and prefix matches contain a term: skip reading the words
			}
			eachWord(v, func(start, end int) {
				if h.matches(strings.ToLower(v[start:end]), f) {
					byValue[i] = append(byValue[i], span{start, end})
				}
			})
		}
		if s := fieldHighlight(field, values, byValue); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// mayContain reports whether text contains one of the terms (ignoring case),
// a cheap test before looking for exact and prefix matches word by word.
func (h highlighter) mayContain(text string) bool {
	lower := strings.ToLower(text)
	for _, t := range h.terms {
		if strings.Contains(lower, t) {
			return true
		}
	}
	return false
}

// matches reports whether an indexed token of a field matches a query term.
func (h highlighter) matches(tok string, f fieldBoost) bool {
	for i, t := range h.terms {
		if tok == t {
			return true
		}
		last := i == len(h.terms)-1
		if last && f.prefix > 0 && utf8.RuneCountInString(t) >= 2 && strings.HasPrefix(tok, t) {
			return true
		}
		if f.fuzzy > 0 {
			if k := fuzziness(t); k > 0 && tok != "" && t != "" && tok[0] == t[0] && withinDistance(tok, t, k) {
				return true
			}
		}
	}
	return false
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
