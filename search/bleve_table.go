package search

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
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

// facet turns counts by id into facet values.
func (d *dictionary) facet(counts []int) []FacetValue {
	var out []FacetValue
	for id, n := range counts {
		if n > 0 && d.values[id] != "" {
			out = append(out, FacetValue{Value: d.values[id], Count: n})
		}
	}
	return sortFacet(out)
}

type entry struct {
	id, name, nameSort, slug, summary string
	team, state, visibility           string
	tags                              []string
	updated                           int64 // unix milliseconds

	teamID, stateID int
	tagIDs          []int
}

func newListing() *listing { return &listing{byID: map[string]*entry{}} }

func entryOf(d Document) *entry {
	tags := compact(d.Tags)
	return &entry{
		id: d.ID, name: d.Name, nameSort: strings.ToLower(d.Name), slug: d.Slug, summary: d.Summary,
		team: d.Team, state: d.State, visibility: d.Visibility, tags: tags, updated: d.UpdatedAt.UnixMilli(),
	}
}

// put adds or replaces entries and re-sorts once.
func (l *listing) put(es ...*entry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, e := range es {
		l.byID[e.id] = e
	}
	l.resort()
}

func (l *listing) remove(ids ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, id := range ids {
		delete(l.byID, id)
	}
	l.resort()
}

func (l *listing) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.byID = map[string]*entry{}
	l.resort()
}

func (l *listing) resort() {
	l.teams, l.tags, l.states = dictionary{}, dictionary{}, dictionary{}
	l.byName = l.byName[:0]
	for _, e := range l.byID {
		l.byName = append(l.byName, e)
		e.teamID, e.stateID = l.teams.id(e.team), l.states.id(e.state)
		e.tagIDs = e.tagIDs[:0]
		for _, t := range e.tags {
			e.tagIDs = append(e.tagIDs, l.tags.id(t))
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

func (l *listing) size() int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return len(l.byID)
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
	teamSet, tagSet, stateSet := l.teams.set(q.Teams), l.tags.set(q.Tags), l.states.set(q.States)
	ownTeams := l.teams.set(q.Viewer.Teams)
	if ownTeams == nil {
		ownTeams = make([]bool, len(l.teams.values))
	}
	teams, tags, states := make([]int, len(l.teams.values)), make([]int, len(l.tags.values)), make([]int, len(l.states.values))
	from, to := (q.Page-1)*q.PerPage, q.Page*q.PerPage
	res := Result{Hits: []Hit{}}
	for _, e := range order {
		// Visibility first, as in filterQuery: nothing hidden is counted.
		if !q.Viewer.All && e.visibility != VisibilityPublic && !ownTeams[e.teamID] {
			continue
		}
		if !inSet(e.teamID, teamSet) || !anyInSet(e.tagIDs, tagSet) || !inSet(e.stateID, stateSet) {
			continue
		}
		if res.Total >= from && res.Total < to {
			res.Hits = append(res.Hits, Hit{ID: e.id, Slug: e.slug, Name: e.name, Summary: e.summary, Team: e.team, State: e.state})
		}
		res.Total++
		teams[e.teamID]++
		states[e.stateID]++
		for _, t := range e.tagIDs {
			tags[t]++
		}
	}
	res.Facets = Facets{Teams: l.teams.facet(teams), Tags: l.tags.facet(tags), States: l.states.facet(states)}
	return res
}

// loadListing reads the listing fields of every document of the index.
func loadListing(ctx context.Context, idx bleve.Index) (*listing, error) {
	l := newListing()
	const page = 1000
	var after []string
	for {
		req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), page, 0, false)
		req.Fields = []string{fName, fSlug, fSummary, fTags, fTeam, fState, fVisibility, fUpdated}
		req.SortBy([]string{"_id"})
		req.Score = "none"
		if after != nil {
			req.SearchAfter = after
		}
		sr, err := idx.SearchInContext(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("load search listing: %w", err)
		}
		for _, dm := range sr.Hits {
			updated, _ := dm.Fields[fUpdated].(float64)
			e := &entry{
				id: dm.ID, name: fieldString(dm.Fields[fName]), slug: fieldString(dm.Fields[fSlug]),
				summary: fieldString(dm.Fields[fSummary]), tags: compact(fieldStrings(dm.Fields[fTags])),
				team: fieldString(dm.Fields[fTeam]), state: fieldString(dm.Fields[fState]),
				visibility: fieldString(dm.Fields[fVisibility]), updated: int64(updated),
			}
			e.nameSort = strings.ToLower(e.name)
			l.byID[e.id] = e
		}
		if len(sr.Hits) < page {
			break
		}
		after = []string{sr.Hits[len(sr.Hits)-1].ID}
	}
	l.resort()
	return l, nil
}

// scored is a document the text query matched, with its relevance.
type scored struct {
	id    string
	score float64
}

// rank orders the matches of a text query (relevance, name or newest first),
// counts them into facets and returns the requested page.
func (l *listing) rank(q Query, matches []scored) Result {
	l.mu.RLock()
	defer l.mu.RUnlock()
	type match struct {
		e     *entry
		score float64
	}
	ms := make([]match, 0, len(matches))
	teams, tags, states := make([]int, len(l.teams.values)), make([]int, len(l.tags.values)), make([]int, len(l.states.values))
	for _, m := range matches {
		e := l.byID[m.id]
		if e == nil {
			continue // indexed meanwhile; the next search sees it
		}
		ms = append(ms, match{e, m.score})
		teams[e.teamID]++
		states[e.stateID]++
		for _, t := range e.tagIDs {
			tags[t]++
		}
	}
	sort.Slice(ms, func(i, j int) bool {
		a, b := ms[i], ms[j]
		switch q.Sort {
		case SortUpdated:
			if a.e.updated != b.e.updated {
				return a.e.updated > b.e.updated
			}
		case SortRelevance:
			if a.score != b.score {
				return a.score > b.score
			}
		}
		if a.e.nameSort != b.e.nameSort {
			return a.e.nameSort < b.e.nameSort
		}
		return a.e.id < b.e.id
	})
	res := Result{Total: len(ms), Hits: []Hit{}}
	from := min((q.Page-1)*q.PerPage, len(ms))
	to := min(from+q.PerPage, len(ms))
	for _, m := range ms[from:to] {
		e := m.e
		res.Hits = append(res.Hits, Hit{ID: e.id, Slug: e.slug, Name: e.name, Summary: e.summary, Team: e.team, State: e.state})
	}
	res.Facets = Facets{Teams: l.teams.facet(teams), Tags: l.tags.facet(tags), States: l.states.facet(states)}
	return res
}
