package search

import (
	"context"
	"errors"
	"slices"
	"strings"
)

// thesaurus is a synonym list analysed as the English text fields are: each member as its stems.
type thesaurus struct {
	entries []thesaurusEntry
	// words are the members of one word that have synonyms, as written (lowercased) and as their stem: what a typo
	// is corrected to when the index does not have the word (correction).
	words []thesaurusWord
	// phraseWords are the words of the members of several words: what a typo is corrected to when, so corrected, it
	// completes such a member among the query's other words (phraseCorrection).
	phraseWords []thesaurusWord
}

type thesaurusWord struct{ word, stem string }

type thesaurusEntry struct {
	from []string   // the stems of a member
	to   [][]string // the stems of the other members of its group
	// words says that from holds the member's words, each as wordStem makes it (its stem, or as written for a stop
	// word or a hyphenated word): a phrase that its stop words make ("log in", "time off", see collapsed), found in
	// the query's words (queryWord).
	words bool
}

// queryWord is a word of the query as typed, in order, stop words included: its stem or, for a stop word, the word
// itself (wordStem), and the position in the query's stems of its term (-1 for a stop word). A query is read with
// its hyphenated words split ("cut-out" as "cut out") and, when it has some, once more with each as one word
// ("to-do"): a reading is one such sequence.
type queryWord struct {
	stem string
	at   int
}

// maxAlternatives bounds the synonyms one query is expanded with. At 8, a query naming coordinates ("street address
// into latitude and longitude") spent them all on the spellings of one group and lost what else it meant (geocoding);
// 16 costs under a millisecond at p95 at 10,000 APIs (BenchmarkBleveSearch).
const maxAlternatives = 16

// collapsed reports whether member, of several words, is left with one stem or none once its stop words are dropped
// (stems): "log in" is "log", "time off" is "time", "e-mail" is "mail", "to-do" is nothing. Searched as that one word,
// such a member would stand for it in any sense ("log errors" found sign-in APIs, "current time" absences). So it
// finds its synonyms only when the query has its words themselves, stop words included, a hyphenated word as one
// ("to-do" is not "to do": "allowed to do"), and no other member finds it: the index cannot tell its one word from
// the phrase.
func collapsed(member string, stems []string) bool {
	return len(stems) <= 1 && len(strings.FieldsFunc(member, func(r rune) bool { return !isWordRune(r) })) > 1
}

// wordStem is how a word of the query or of a member is matched (queryWord): its one English stem, or the word as
// written when it has none (a stop word), several, or is hyphenated ("to-do", "e-mail").
func wordStem(word string, stems []string) string {
	if len(stems) == 1 && !strings.Contains(word, "-") {
		return stems[0]
	}
	return word
}

// memberWords returns the words of a member, lowercased, as the query's words are read (queryWord): what is between
// the characters that are not letters, digits or hyphens, a hyphenated word ("to-do") one word.
func memberWords(member string) []string {
	var words []string
	for _, w := range strings.FieldsFunc(strings.ToLower(member), func(r rune) bool { return !isWordRune(r) && r != '-' }) {
		if w = strings.Trim(w, "-"); w != "" {
			words = append(words, w)
		}
	}
	return words
}

// SetSynonyms replaces the synonyms that searches apply; it takes effect at the next search.
func (b *Bleve) SetSynonyms(ctx context.Context, syn Synonyms) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.idx == nil {
		return errors.New("set synonyms: index is closed")
	}
	// The index keeps the list's words: copies of its own, whatever
	// buffer the caller's strings point into (a request's).
	syn = cloneSynonyms(syn)
	th := &thesaurus{}
	stems := func(member string) []string {
		var out []string
		for _, tok := range b.idx.Mapping().AnalyzerNamed(englishAnalyzer).Analyze([]byte(member)) {
			out = append(out, string(tok.Term))
		}
		return out
	}
	analyse := func(members []string) [][]string {
		analysed := make([][]string, 0, len(members))
		for _, m := range members {
			st := stems(m)
			if collapsed(m, st) {
				continue // only a query with the phrase itself finds its synonyms (the entries of words below)
			}
			if len(st) > 0 && !slices.ContainsFunc(analysed, func(o []string) bool { return slices.Equal(o, st) }) {
				analysed = append(analysed, st)
			}
		}
		return analysed
	}
	for _, g := range syn {
		from, to := links(g)
		for _, m := range from {
			if w := strings.ToLower(m); !strings.ContainsFunc(w, func(r rune) bool { return !isWordRune(r) }) {
				if st := stems(w); len(st) == 1 && !slices.ContainsFunc(th.words, func(o thesaurusWord) bool { return o.word == w }) {
					th.words = append(th.words, thesaurusWord{word: w, stem: st[0]})
				}
				continue
			}
			words := strings.FieldsFunc(strings.ToLower(m), func(r rune) bool { return !isWordRune(r) })
			if len(words) < 2 {
				continue
			}
			for _, w := range words {
				if st := stems(w); len(st) == 1 && !slices.ContainsFunc(th.phraseWords, func(o thesaurusWord) bool { return o.word == w }) {
					th.phraseWords = append(th.phraseWords, thesaurusWord{word: w, stem: st[0]})
				}
			}
		}
		targets := analyse(to)
		for _, m := range from {
			if !collapsed(m, stems(m)) {
				continue
			}
			e := thesaurusEntry{words: true}
			for _, w := range memberWords(m) {
				e.from = append(e.from, wordStem(w, stems(w)))
			}
			if e.to = slices.Clone(targets); len(e.to) > 0 {
				th.entries = append(th.entries, e)
			}
		}
		for _, f := range analyse(from) {
			e := thesaurusEntry{from: f}
			for _, t := range targets {
				if !slices.Equal(f, t) {
					e.to = append(e.to, t)
				}
			}
			if len(e.to) > 0 {
				th.entries = append(th.entries, e)
			}
		}
	}
	b.syn.Store(th)
	b.changed()
	return nil
}

// correction returns the member of one word of the list closest to t, a word the index does not have, as the index's
// typo correction finds them (the same first letter, within fuzziness(t) edits, a transposition counting as one; the
// fewest edits, then the first in the list), with its stem; ok is false when none is that close.
func (th *thesaurus) correction(t string) (word, stem string, ok bool) {
	return closestOf(th.words, t, func(string) bool { return true })
}

// member reports whether t is a word of the list, of a member of one word or of several: such a word is not a typo,
// though the index may not have it.
func (th *thesaurus) member(t string) bool {
	is := func(w thesaurusWord) bool { return w.word == t }
	return slices.ContainsFunc(th.words, is) || slices.ContainsFunc(th.phraseWords, is)
}

// phraseCorrection returns the word of a member of several words closest to t, the word at position i of the query
// (stems are its stems), a word the index does not have, among those that, put in its place, complete a member of
// several words with the query's other words ("continuous integraton"), with its stem; ok is false when none does.
func (th *thesaurus) phraseCorrection(t string, stems []string, i int) (word, stem string, ok bool) {
	completes := func(st string) bool {
		fixed := slices.Clone(stems)
		fixed[i] = st
		for _, e := range th.entries {
			if len(e.from) < 2 || !slices.Contains(e.from, st) {
				continue
			}
			for _, r := range runsOf(fixed, e.from) {
				if r <= i && i < r+len(e.from) {
					return true
				}
			}
		}
		return false
	}
	return closestOf(th.phraseWords, t, completes)
}

// closestOf returns the word of words closest to t, as the index's typo correction finds them (the same first
// letter, within fuzziness(t) edits, a transposition counting as one; the fewest edits, then the first), among those
// whose stem passes keep.
func closestOf(words []thesaurusWord, t string, keep func(stem string) bool) (word, stem string, ok bool) {
	k := fuzziness(t)
	if k == 0 {
		return "", "", false
	}
	target := []rune(t)
	var buf editBuffers
	best := k + 1
	for _, w := range words {
		r := []rune(w.word)
		if r[0] != target[0] || len(r) > len(target)+k || len(r) < len(target)-k || w.word == t {
			continue
		}
		if d := buf.distance(r, target, k); d < best && keep(w.stem) {
			best, word, stem, ok = d, w.word, w.stem, true
		}
	}
	return word, stem, ok
}

// alternatives returns the synonyms of the words and phrases found in stems (the query's stems, in order), each
// once and none that is already one of the query's words.
func (th *thesaurus) alternatives(stems []string) [][]string {
	alts, _ := th.alternativesAt(stems, nil)
	return alts
}

// alternativesAt is alternatives with, for each synonym, the positions in stems of the words it stands for (of every
// occurrence of the word or phrase it is a synonym of). readings are the query's words (Bleve.queryWords), in which
// the phrases that stop words make are found; nil finds none.
func (th *thesaurus) alternativesAt(stems []string, readings [][]queryWord) ([][]string, [][]int) {
	var out [][]string
	var at [][]int
	index := map[string]int{}
	for _, st := range stems {
		index[st] = -1
	}
	wordStems := make([][]string, len(readings))
	for i, words := range readings {
		for _, w := range words {
			wordStems[i] = append(wordStems[i], w.stem)
		}
	}
	for _, e := range th.entries {
		var runs []int
		if e.words {
			// The phrase's positions in the query's stems: its words' terms, stop words left out. A phrase of stop
			// words only ("to-do") stands for no word of the query: its synonyms are more words.
			found := false
			for i, words := range readings {
				for _, r := range runsOf(wordStems[i], e.from) {
					found = true
					for j := r; j < r+len(e.from); j++ {
						if at := words[j].at; at >= 0 {
							if !slices.Contains(runs, at) {
								runs = append(runs, at)
							}
							break
						}
					}
				}
			}
			if !found {
				continue
			}
		} else if runs = runsOf(stems, e.from); len(runs) == 0 {
			continue
		}
		span := len(e.from) // the query's words a synonym stands for from each run
		if e.words {
			span = 1 // the one word of a phrase that its stop words make
		}
		for _, to := range e.to {
			key := strings.Join(to, " ")
			i, seen := index[key]
			if !seen {
				if len(out) == maxAlternatives {
					continue
				}
				i = len(out)
				index[key] = i
				out = append(out, to)
				at = append(at, nil)
			}
			if i < 0 {
				continue // one of the query's own words
			}
			for _, r := range runs {
				for j := r; j < r+span; j++ {
					if !slices.Contains(at[i], j) {
						at[i] = append(at[i], j)
					}
				}
			}
		}
	}
	return out, at
}

// runsOf returns the positions where run occurs in s as consecutive elements.
func runsOf(s, run []string) []int {
	var out []int
	for i := 0; i+len(run) <= len(s); i++ {
		if slices.Equal(s[i:i+len(run)], run) {
			out = append(out, i)
		}
	}
	return out
}

// cloneSynonyms copies every member of syn into memory of its own.
func cloneSynonyms(syn Synonyms) Synonyms {
	out := make(Synonyms, len(syn))
	for i, g := range syn {
		out[i] = make([]string, len(g))
		for j, m := range g {
			out[i][j] = strings.Clone(m)
		}
	}
	return out
}
