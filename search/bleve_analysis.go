package search

import (
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/stop"
	"github.com/blevesearch/bleve/v2/registry"
)

// closeGapsName is a token filter that numbers the tokens left after stop words were removed one after the other,
// so that the words around a removed stop word are adjacent: "send an SMS" pairs "send" with "sms".
const closeGapsName = "portico_close_gaps"

type closeGaps struct{}

func (closeGaps) Filter(in analysis.TokenStream) analysis.TokenStream {
	for i, t := range in {
		t.Position = i + 1
	}
	return in
}

// stopName is the stop word filter of the text analysers: the English stop words (Bleve's list, Snowball's) and the
// single letters, which are what is left of a possessive or an abbreviation split at its apostrophe or hyphen by the
// tokenizer ("employee's" gives "employee" and "s", "e-mail" "e" and "mail") and match nearly every API.
const stopName = "portico_stop"

func init() {
	registry.RegisterTokenFilter(closeGapsName, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
		return closeGaps{}, nil
	})
	registry.RegisterTokenFilter(stopName, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
		words := analysis.NewTokenMap()
		for _, w := range stopWords() {
			words.AddToken(w)
		}
		return stop.NewStopTokensFilter(words), nil
	})
}

// stopWords are the stop words of the text analysers, also for a backend configured with a list (Meilisearch).
func stopWords() []string {
	var out []string
	for _, line := range strings.Split(string(en.EnglishStopWords), "\n") {
		if i := strings.IndexByte(line, '|'); i >= 0 {
			line = line[:i]
		}
		for _, w := range strings.Fields(line) {
			if !slices.Contains(out, w) {
				out = append(out, w)
			}
		}
	}
	for c := 'a'; c <= 'z'; c++ {
		if w := string(c); !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}
