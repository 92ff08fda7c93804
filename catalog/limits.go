package catalog

import (
	"fmt"

	"github.com/portico-dev/portico/apperr"
)

// Limits of what a search sends (the catalog page, GET /api/v1/search, the
// facet pages and the MCP tools), in characters (runes; the text must also
// be valid UTF-8).
const (
	MaxQueryLength  = 200 // the search text, and the filter box of a facet page
	MaxFilterLength = 100 // one team, tag or state filter value
	MaxFilterValues = 50  // values of one filter (team, tag or state)
)

// CheckSearch adds to errs the field errors of a search's text and filters
// that are beyond the limits.
func CheckSearch(errs map[string]string, q string, filters map[string][]string) {
	apperr.Query(errs, "q", q, MaxQueryLength)
	for field, values := range filters {
		if len(values) > MaxFilterValues {
			if _, ok := errs[field]; !ok {
				errs[field] = fmt.Sprintf("Use at most %d values of this filter.", MaxFilterValues)
			}
			continue
		}
		for _, v := range values {
			if !apperr.Query(errs, field, v, MaxFilterLength) {
				break
			}
		}
	}
}
