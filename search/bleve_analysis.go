package search

import (
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
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

func init() {
	registry.RegisterTokenFilter(closeGapsName, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
		return closeGaps{}, nil
	})
}

// stopWords are the English stop words of the text analysers, for a backend configured with a list (Meilisearch).
func stopWords() []string {
	var out []string
	for _, line := range strings.Split(string(en.EnglishStopWords), "\n") {
		if i := strings.IndexByte(line, '|'); i >= 0 {
			line = line[:i]
		}
		for _, w := range strings.Fields(line) {
			out = append(out, w)
		}
	}
	return out
}
