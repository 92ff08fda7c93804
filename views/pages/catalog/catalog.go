// Package catalog holds the catalog pages: search with facets over the APIs
// the viewer may see.
package catalog

import (
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/portico-dev/portico/views/components"
)

// Search is the catalog page: the search form and its results.
type Search struct {
	Query string
	// Hidden are the current filters and sort, sent again with a new query.
	Hidden  []Param
	Results Results
	// ResultsHTML, when set, is ResultsFragment(Results) rendered before
	// (the handler keeps it for the same result); Results is not read then.
	ResultsHTML templ.Component
}

// Param is one query parameter.
type Param struct{ Name, Value string }

// Empty says why there is nothing to show.
type Empty int

// Reasons for an empty result.
const (
	NotEmpty  Empty = iota
	NoAPIs          // the catalog has no API the viewer may see
	NoResults       // the query or filters match nothing
)

// Results is the part of the page that search-as-you-type replaces: facets,
// sort, hits and pagination.
type Results struct {
	Query       string
	Total       int
	Page, Pages int
	Hits        []Hit
	Facets      []Facet
	Sorts       []Link
	Filters     []Link // active filters, each linking to the page without it
	ClearURL    string // the query without filters, "" when there are none
	Pager       components.Pager
	Empty       Empty
	IsAdmin     bool
	// RetiredURL shows retired APIs too; "" when the viewer picked states.
	RetiredURL string
	// Explain is set for an empty or weak result of a text search.
	Explain *Explain
	// Announce adds the status (Status) to the fragment, to be swapped
	// out of band into the page's status region (#catalog-status): set for
	// search-as-you-type, whose results replace the old ones unannounced.
	Announce bool
}

// Status is what a screen reader is told of a new result: how many APIs
// were found, or why a search found little, in a sentence or three, never
// the results themselves.
func (r Results) Status() string {
	var b strings.Builder
	switch {
	case r.Empty == NoAPIs:
		b.WriteString("No APIs yet.")
	case r.Empty == NoResults:
		b.WriteString("No API matches")
		if r.Query != "" {
			b.WriteString(" “" + r.Query + "”")
		}
		b.WriteString(".")
	default:
		if r.Total == 1 {
			b.WriteString("1 API found")
		} else {
			b.WriteString(strconv.Itoa(r.Total) + " APIs found")
		}
		if r.Query != "" {
			b.WriteString(" for “" + r.Query + "”")
		}
		b.WriteString(".")
	}
	if e := r.Explain; e != nil {
		switch len(e.Unmatched) {
		case 0:
		case 1:
			b.WriteString(" No API you may see has the word " + e.Unmatched[0] + ".")
		default:
			b.WriteString(" No API you may see has the words " + strings.Join(e.Unmatched, ", ") + ".")
		}
		if e.DidYouMean != "" {
			b.WriteString(" Did you mean " + e.DidYouMean + "?")
		}
		if e.Facet != nil {
			b.WriteString(" More APIs match with " + e.Facet.Label + ".")
		}
	}
	return b.String()
}

// Hit is one API found.
type Hit struct {
	Slug, Name, Summary string
	Team, TeamName      string
	State, StateLabel   string
	DefaultVersion      string
	Tags                []Link // each filters the catalog by the tag
	// Highlights are HTML from the search index: escaped text with <mark> around matches.
	Highlights []string
	URL        string
	// Related: no word of the search is in the API; what it says it does is close in meaning.
	Related bool
}

// Facet is one filter group with its values and counts. MoreURL, when set,
// is the facet's own page with every value (MoreLabel says how many).
type Facet struct {
	Title, Plural, Name string
	Values              []FacetValue
	MoreURL, MoreLabel  string
}

// FacetList is the page of every value of one facet for a search.
type FacetList struct {
	Title, Plural, Name string
	Find                string // what the filter box narrows the values to
	Hidden              []Param
	Values              []FacetValue // those that match Find
	Total               int          // values before Find
	BackURL             string
	// Announce fills the status region (#facet-status) with Status: set
	// for the answers to the filter box's htmx requests, from which it is
	// swapped out of band; empty on a page load.
	Announce bool
}

// Status is what a screen reader is told as the filter box narrows the
// list: how many values match, not the values.
func (l FacetList) Status() string {
	n := len(l.Values)
	if l.Find == "" {
		switch n {
		case 0:
			return "Nothing to filter by in this search."
		case 1:
			return "1 " + l.Singular() + "."
		}
		return strconv.Itoa(n) + " " + l.Plural + "."
	}
	switch n {
	case 0:
		return "No " + l.Singular() + " matches “" + l.Find + "”."
	case 1:
		return "1 " + l.Singular() + " matches “" + l.Find + "”."
	}
	return strconv.Itoa(n) + " " + l.Plural + " match “" + l.Find + "”."
}

// FacetValue is one value of a facet; URL toggles it.
type FacetValue struct {
	Label, Value string
	Count        int
	Active       bool
	URL          string
}

// Link is a labelled URL, Active when it is the current choice.
type Link struct {
	Label, URL string
	Active     bool
}

// Singular is the name of one value of the facet ("tag").
func (l FacetList) Singular() string {
	switch l.Name {
	case "team", "tag", "state":
		return l.Name
	}
	return "value"
}

// Explain says why a text search found little: the words that matched no API, a query to try (from the typo
// expansion) and a filter value that would find more.
type Explain struct {
	Unmatched     []string
	DidYouMean    string
	DidYouMeanURL string
	Facet         *Link // e.g. "State: Retired", with the count in the label
}
