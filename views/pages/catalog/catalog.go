// Package catalog holds the catalog pages: search with facets over the APIs
// the viewer may see.
package catalog

// Search is the catalog page: the search form and its results.
type Search struct {
	Query string
	// Hidden are the current filters and sort, sent again with a new query.
	Hidden  []Param
	Results Results
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
	Prev, Next  string // "" when there is no such page
	Empty       Empty
	IsAdmin     bool
	// RetiredURL shows retired APIs too; "" when the viewer picked states.
	RetiredURL string
}

// Hit is one API found.
type Hit struct {
	Slug, Name, Summary string
	Team, TeamName      string
	State, StateLabel   string
	DefaultVersion      string
	Tags                []string
	// Highlights are HTML from the search index: escaped text with <mark> around matches.
	Highlights []string
	URL        string
}

// Facet is one filter group with its values and counts.
type Facet struct {
	Title, Name string
	Values      []FacetValue
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
