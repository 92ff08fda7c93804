package search

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/blevesearch/bleve/v2"

	"github.com/portico-dev/portico/sortkey"
)

// listing is the part of every indexed document that listings need (what a
// hit shows, what facets count, what filters and sorts read), kept in memory
// beside the Bleve index. A query without text is answered from it alone:
// Bleve would read doc values for every document to sort and count them,
// which is what made an unfiltered listing of 10,000 APIs slow. Visibility
// is applied here exactly as in the Bleve query, before anything is counted.
type listing struct {
	mu        sync.RWMutex
	byID      map[string]*entry
	byName    []*entry // name, then id
	byUpdated []*entry // newest first, then name, then id
	// Facet values numbered, so that counting is indexing a slice.
	teams, tags, states dictionary
	teamNames           map[string]string // by slug
	gen                 uint64            // counts the changes, so that tables of entries know they are stale
}

// dictionary numbers the distinct values of one facet.
type dictionary struct {
	values []string
	ids    map[string]int
}

func (d *dictionary) id(v string) int {
	if id, ok := d.ids[v]; ok {
		return id
	}
	if d.ids == nil {
		d.ids = map[string]int{}
	}
	d.ids[v] = len(d.values)
	d.values = append(d.values, v)
	return len(d.values) - 1
}

// set returns which ids the values have, nil when values is empty (no filter).
func (d *dictionary) set(values []string) []bool {
	if len(values) == 0 {
		return nil
	}
	in := make([]bool, len(d.values))
	for _, v := range values {
		if id, ok := d.ids[v]; ok {
			in[id] = true
		}
	}
	return in
}

// facet turns counts by id into facet values, at most limit of them.
func (d *dictionary) facet(counts []int, limit int) []FacetValue {
	var out []FacetValue
	for id, n := range counts {
		if n > 0 && d.values[id] != "" {
			out = append(out, FacetValue{Value: d.values[id], Count: n})
		}
	}
	return sortFacet(out, limit)
}

type entry struct {
	id, name, slug, summary           string
	nameSort                          string // sortkey.Of(name): the order of every list of names
	team, teamName, state, visibility string
	defaultVersion                    string
	tags, states                      []string
	updated                           int64 // unix milliseconds

	teamID   int
	tagIDs   []int
	stateIDs []int

	meaning []int32 // the rows of its sentence vectors (Meaning): its text's, then its operations'; nil without
}

// hit is what a result card shows of e.
func (e *entry) hit() Hit {
	return Hit{ID: e.id, Slug: e.slug, Name: e.name, Summary: e.summary, Team: e.team, State: e.state,
		TeamName: e.teamName, DefaultVersion: e.defaultVersion, Tags: e.tags}
}

// counter applies a query's facet filters to entries and counts the facets disjunctively: each facet over the entries
// that pass the other facets' filters.
type counter struct {
	teamSet, tagSet, stateSet []bool
	teams, tags, states       []int
}

func (l *listing) counter(q Query) *counter {
	return &counter{
		teamSet: l.teams.set(q.Teams), tagSet: l.tags.set(q.Tags), stateSet: l.states.set(q.States),
		teams: make([]int, len(l.teams.values)), tags: make([]int, len(l.tags.values)), states: make([]int, len(l.states.values)),
	}
}

// add counts e and reports whether it passes every filter.
func (c *counter) add(e *entry) bool { return c.addIDs(e.teamID, e.tagIDs, e.stateIDs) }

// addIDs counts an entry of this team, these tags and these states, and reports whether it passes every filter.
func (c *counter) addIDs(team int, tags, states []int) bool {
	inTeam, inTag, inState := inSet(team, c.teamSet), anyInSet(tags, c.tagSet), anyInSet(states, c.stateSet)
	if inTag && inState {
		c.teams[team]++
	}
	if inTeam && inState {
		for _, t := range tags {
			c.tags[t]++
		}
	}
	if inTeam && inTag {
		for _, s := range states {
			c.states[s]++
		}
	}
	return inTeam && inTag && inState
}

func (l *listing) facets(c *counter, limit int) Facets {
	return Facets{Teams: l.teams.facet(c.teams, limit), Tags: l.tags.facet(c.tags, limit), States: l.states.facet(c.states, limit)}
}

// names fills the team names of res (the listing is read-locked).
func (l *listing) names(res *Result) {
	res.TeamNames = make(map[string]string, len(res.Facets.Teams))
	for _, v := range res.Facets.Teams {
		if n := l.teamNames[v.Value]; n != "" {
			res.TeamNames[v.Value] = n
		}
	}
	for _, h := range res.Hits {
		if h.TeamName != "" {
			res.TeamNames[h.Team] = h.TeamName
		}
	}
}

func newListing() *listing { return &listing{byID: map[string]*entry{}} }

func entryOf(d Document) *entry {
	tags := compact(d.Tags)
	return &entry{
		id: d.ID, name: d.Name, nameSort: sortkey.Of(d.Name), slug: d.Slug, summary: d.Summary,
		team: d.Team, teamName: d.TeamName, state: d.State, states: documentStates(d), visibility: d.Visibility,
		defaultVersion: d.DefaultVersion, tags: tags, updated: d.UpdatedAt.UnixMilli(),
	}
}

// change adds or replaces the entries es, removes those with the ids gone and re-sorts once (l.mu held).
func (l *listing) change(es []*entry, gone []string) {
	for _, e := range es {
		l.byID[e.id] = e
	}
	for _, id := range gone {
		delete(l.byID, id)
	}
	l.resort()
}

// write runs fn, which writes the Bleve index, and then changes the entries as change does, with l locked
// throughout: a search (which reads the index with l read-locked) never finds a document of the index through an
// entry of the listing from before the document changed (its visibility and team), nor the reverse.
func (l *listing) write(fn func() error, es []*entry, gone []string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := fn(); err != nil {
		return err
	}
	l.change(es, gone)
	return nil
}

// replace puts the entries of from (a listing read again from the index)
// in place of l's.
func (l *listing) replace(from *listing) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.byID = from.byID
	l.resort()
}

func (l *listing) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.byID = map[string]*entry{}
	l.resort()
}

func (l *listing) resort() {
	l.gen++
	l.teams, l.tags, l.states = dictionary{}, dictionary{}, dictionary{}
	l.teamNames = map[string]string{}
	l.byName = l.byName[:0]
	for _, e := range l.byID {
		if e.teamName != "" {
			l.teamNames[e.team] = e.teamName
		}
		l.byName = append(l.byName, e)
		e.teamID = l.teams.id(e.team)
		e.tagIDs = e.tagIDs[:0]
		for _, t := range e.tags {
			e.tagIDs = append(e.tagIDs, l.tags.id(t))
		}
		e.stateIDs = e.stateIDs[:0]
		for _, st := range e.states {
			e.stateIDs = append(e.stateIDs, l.states.id(st))
		}
	}
	sort.Slice(l.byName, func(i, j int) bool {
		a, b := l.byName[i], l.byName[j]
		if a.nameSort != b.nameSort {
			return a.nameSort < b.nameSort
		}
		return a.id < b.id
	})
	l.byUpdated = append(l.byUpdated[:0], l.byName...)
	sort.SliceStable(l.byUpdated, func(i, j int) bool { return l.byUpdated[i].updated > l.byUpdated[j].updated })
}

func inSet(id int, set []bool) bool { return set == nil || set[id] }

func anyInSet(ids []int, set []bool) bool {
	if set == nil {
		return true
	}
	for _, id := range ids {
		if set[id] {
			return true
		}
	}
	return false
}

// list answers a query without text: what the viewer may see, filtered,
// sorted by name (or newest first), counted into facets and paged.
func (l *listing) list(q Query) Result {
	l.mu.RLock()
	defer l.mu.RUnlock()
	order := l.byName
	if q.Sort == SortUpdated {
		order = l.byUpdated
	}
	ownTeams := l.teams.set(q.Viewer.Teams)
	if ownTeams == nil {
		ownTeams = make([]bool, len(l.teams.values))
	}
	c := l.counter(q)
	from, to := (q.Page-1)*q.PerPage, q.Page*q.PerPage
	res := Result{Hits: []Hit{}}
	for _, e := range order {
		// Visibility first, as in filterQuery: nothing hidden is counted.
		if !q.Viewer.All && e.visibility != VisibilityPublic && !ownTeams[e.teamID] {
			continue
		}
		if !c.add(e) {
			continue
		}
		if res.Total >= from && res.Total < to {
			res.Hits = append(res.Hits, e.hit())
		}
		res.Total++
	}
	res.Facets = l.facets(c, q.FacetLimit)
	l.names(&res)
	return res
}

// loadListing reads the listing fields of every document of the index.
//
// With m, each entry gets the rows of its sentence vectors that m has; the entries it lacks some for are returned,
// to be encoded after the index opened.
func loadListing(ctx context.Context, idx bleve.Index, m *Meaning) (*listing, map[*entry][]string, error) {
	l := newListing()
	var texts map[*entry][]string // what the encoder reads of each entry, with m
	const page = 1000
	var after []string
	for {
		req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), page, 0, false)
		req.Fields = []string{fName, fSlug, fSummary, fTags, fTeam, fTeamName, fState, fStates, fDefault, fVisibility, fUpdated}
		if m != nil {
			req.Fields = append(req.Fields, fMeaning)
			if texts == nil {
				texts = map[*entry][]string{}
			}
		}
		req.SortBy([]string{"_id"})
		req.Score = "none"
		if after != nil {
			req.SearchAfter = after
		}
		sr, err := idx.SearchInContext(ctx, req)
		if err != nil {
			return nil, nil, fmt.Errorf("load search listing: %w", err)
		}
		for _, dm := range sr.Hits {
			updated, _ := dm.Fields[fUpdated].(float64)
			e := &entry{
				id: dm.ID, name: fieldString(dm.Fields[fName]), slug: fieldString(dm.Fields[fSlug]),
				summary: fieldString(dm.Fields[fSummary]), tags: compact(fieldStrings(dm.Fields[fTags])),
				team: fieldString(dm.Fields[fTeam]), teamName: fieldString(dm.Fields[fTeamName]),
				state: fieldString(dm.Fields[fState]), states: compact(fieldStrings(dm.Fields[fStates])),
				defaultVersion: fieldString(dm.Fields[fDefault]),
				visibility:     fieldString(dm.Fields[fVisibility]), updated: int64(updated),
			}
			e.nameSort = sortkey.Of(e.name) // computed again at every open: an index written by an older version needs no rebuild
			l.byID[e.id] = e
			if m != nil {
				texts[e] = fieldStrings(dm.Fields[fMeaning])
			}
		}
		if len(sr.Hits) < page {
			break
		}
		after = []string{sr.Hits[len(sr.Hits)-1].ID}
	}
	var missing map[*entry][]string
	if m != nil {
		missing = m.attach(texts)
	}
	l.resort()
	return l, missing, nil
}
