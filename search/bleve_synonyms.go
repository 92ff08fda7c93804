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
}

type thesaurusEntry struct {
	from []string   // the stems of a member
	to   [][]string // the stems of the other members of its group
}

// maxAlternatives bounds the synonyms one query is expanded with.
const maxAlternatives = 8

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
	th := &thesaurus{}
	stems := func(member string) []string {
		var out []string
		for _, tok := range b.idx.Mapping().AnalyzerNamed(englishAnalyzer).Analyze([]byte(member)) {
			out = append(out, string(tok.Term))
		}
		return out
	}
	for _, g := range syn {
		analysed := make([][]string, 0, len(g))
		for _, m := range g {
			if st := stems(m); len(st) > 0 && !slices.ContainsFunc(analysed, func(o []string) bool { return slices.Equal(o, st) }) {
				analysed = append(analysed, st)
			}
		}
		for i, from := range analysed {
			e := thesaurusEntry{from: from}
			for j, to := range analysed {
				if i != j {
					e.to = append(e.to, to)
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

// alternatives returns the synonyms of the words and phrases found in stems (the query's stems, in order), each
// once and none that is already one of the query's words.
func (th *thesaurus) alternatives(stems []string) [][]string {
	var out [][]string
	seen := map[string]bool{}
	for _, st := range stems {
		seen[st] = true
	}
	for _, e := range th.entries {
		if !containsRun(stems, e.from) {
			continue
		}
		for _, to := range e.to {
			key := strings.Join(to, " ")
			if seen[key] || len(out) == maxAlternatives {
				continue
			}
			seen[key] = true
			out = append(out, to)
		}
	}
	return out
}

// containsRun reports whether run occurs in s as consecutive elements.
func containsRun(s, run []string) bool {
	for i := 0; i+len(run) <= len(s); i++ {
		if slices.Equal(s[i:i+len(run)], run) {
			return true
		}
	}
	return false
}
