package handlers

import (
	"github.com/portico-dev/portico/lookalike"
	"github.com/portico-dev/portico/views/components"
)

// distinctLabels adds its value (a slug) to the label of every option
// whose label reads like another's (lookalike.ReadsAs): team and app
// names are not unique, only their slugs are, so two teams may both be
// called "Search" (or "Search" and "search", or one with a zero-width
// character), and a picker must not offer two choices that look the same.
func distinctLabels(opts []components.Option) []components.Option {
	seen := make(map[string]int, len(opts))
	for _, o := range opts {
		seen[lookalike.ReadsAs(o.Label)]++
	}
	for i := range opts {
		if seen[lookalike.ReadsAs(opts[i].Label)] > 1 {
			opts[i].Label += " · " + opts[i].Value
		}
	}
	return opts
}
