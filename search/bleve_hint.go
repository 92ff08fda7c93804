package search

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// hint explains a weak result of the plan: which words match no API the viewer may see, and for those the closest
// words of the index (the typo expansion), as a query to try when that query finds APIs the viewer may see.
func (b *Bleve) hint(ctx context.Context, q Query, p queryPlan) (*Hint, error) {
	visible := filterQuery(q)
	// visibleMatch reports whether text matches an API the viewer may see: the search stops at the first one.
	visibleMatch := func(text query.Query) (bool, error) {
		bq := bleve.NewBooleanQuery()
		bq.AddMust(text)
		bq.AddFilter(visible)
		req := bleve.NewSearchRequestOptions(bq, 0, 0, false)
		req.Score = "none"
		found := false
		first := bsearch.MakeDocumentMatchHandler(func(*bsearch.SearchContext) (bsearch.DocumentMatchHandler, bool, error) {
			return func(dm *bsearch.DocumentMatch) error {
				if dm == nil {
					return nil
				}
				found = true
				return errFound
			}, false, nil
		})
		_, err := b.idx.SearchInContext(context.WithValue(ctx, bsearch.MakeDocumentMatchHandlerKey, first), req)
		if err != nil && !errors.Is(err, errFound) {
			return false, fmt.Errorf("search hint: %w", err)
		}
		return found, nil
	}
	h := &Hint{}
	replaced := make([]string, len(p.terms))
	copy(replaced, p.terms)
	suggested := false
	for i, t := range p.terms {
		found, err := visibleMatch(termQuery(p, i, 1))
		if err != nil {
			return nil, err
		}
		if !found {
			h.Unmatched = append(h.Unmatched, t)
		}
		if p.known[i] {
			continue // the word itself is in the index: no typo to correct
		}
		// The typo expansion's closest word when the query had one, else a wider look-up (a typo in the first
		// letter, or one in a word too short for the expansion): building the automaton of a look-up is the
		// dearest part of a typo.
		var s string
		if i < len(p.closest) {
			s = p.closest[i]
		}
		if s == "" {
			var err error
			if s, err = b.closestWord(t); err != nil {
				return nil, err
			}
		}
		if s == "" {
			continue
		}
		// The closest words come from every API of the index: a word that only APIs the viewer may not see have
		// is no suggestion for this viewer (it would name what they hide). A word of the synonym list is public
		// (every user may read the list).
		if th := b.syn.Load(); th == nil || !th.member(s) {
			word := bleve.NewTermQuery(s)
			word.SetField(fPrimary)
			found, err := visibleMatch(word)
			if err != nil {
				return nil, err
			}
			if !found {
				continue
			}
		}
		replaced[i], suggested = s, true
	}
	if suggested {
		text := strings.Join(replaced, " ")
		sp, err := b.plan(text)
		if err != nil {
			return nil, err
		}
		clauses := make([]query.Query, len(sp.terms))
		for i := range sp.terms {
			clauses[i] = termQuery(sp, i, 1)
		}
		found, err := visibleMatch(bleve.NewDisjunctionQuery(clauses...))
		if err != nil {
			return nil, err
		}
		if found {
			h.DidYouMean = text
		}
	}
	if len(h.Unmatched) == 0 && h.DidYouMean == "" {
		return nil, nil
	}
	return h, nil
}

// errFound stops a search of the hint at its first match.
var errFound = errors.New("found")

// closestWord is the most frequent of the words of the names, tags and operations one edit from t, "" when there is
// none or t is too short to guess from. It is the hint's wider look-up, for a word the typo expansion (closestWords)
// did not correct: a typo in its first letter, or a word too short for the expansion. One edit keeps the automaton
// cheap to build (the one of two edits takes milliseconds for a long word).
func (b *Bleve) closestWord(t string) (string, error) {
	if len([]rune(t)) < 3 {
		return "", nil
	}
	adv, err := b.idx.Advanced()
	if err != nil {
		return "", fmt.Errorf("search hint: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return "", fmt.Errorf("search hint: %w", err)
	}
	defer r.Close()
	fr, ok := r.(index.IndexReaderFuzzy)
	if !ok {
		return "", nil
	}
	dict, err := fr.FieldDictFuzzy(fPrimary, t, 1, "")
	if err != nil {
		return "", fmt.Errorf("search hint: %w", err)
	}
	defer dict.Close()
	var words []word
	for {
		e, err := dict.Next()
		if err != nil {
			return "", fmt.Errorf("search hint: %w", err)
		}
		if e == nil {
			break
		}
		if e.Term != t {
			words = append(words, word{term: e.Term, dist: e.EditDistance})
		}
	}
	if words, err = withCounts(r, words); err != nil {
		return "", err
	}
	best := word{dist: 255}
	for _, w := range words { // in the dictionary's order: the first of equals
		if w.dist < best.dist || w.dist == best.dist && w.count > best.count {
			best = w
		}
	}
	return best.term, nil
}
