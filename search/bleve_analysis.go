package search

import (
	"github.com/blevesearch/bleve/v2/analysis"
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
