package handlers

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/catalog"
	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/lookalike"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/search"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/views/components"
	catalogpage "github.com/portico-dev/portico/views/pages/catalog"
)

// Limits of catalog searches.
const (
	maxQueryLength = catalog.MaxQueryLength
	// maxSearchDepth bounds page × per_page: deep pages cost the engine
	// more than they help anybody.
	maxSearchDepth = 10000
	// facetTop is the number of values a facet shows on the catalog page,
	// the most frequent first; the others are on its own page.
	facetTop = 10
)

var (
	errSearchOff         = clientError(fiber.StatusServiceUnavailable, "Search is not configured on this server. An administrator can enable it (embedded by default) and run `portico reindex`.")
	errSearchUnavailable = clientError(fiber.StatusServiceUnavailable, "Search is unavailable right now; try again in a moment.")
)

// catalogParams is a catalog search as read from the query string.
type catalogParams struct {
	Q                   string
	Teams, Tags, States []string
	Sort                string
	Page, PerPage       int
	// facetLimit is the number of values per facet to ask the index for
	// (0: search.MaxFacetValues); not read from the query string.
	facetLimit int
	// pastDepth says that page was a page number beyond the deepest page a
	// search may ask for (maxSearchDepth): the only error then is "page".
	pastDepth bool
}

// parseCatalogParams reads q, team, tag, state (each repeatable), sort, page
// and per_page, and returns field errors for values it cannot use.
func parseCatalogParams(c *fiber.Ctx) (catalogParams, map[string]string) {
	args := c.Context().QueryArgs()
	multi := func(name string) []string {
		var out []string
		for _, v := range args.PeekMulti(name) {
			for _, part := range strings.Split(string(v), ",") {
				if part = strings.TrimSpace(part); part != "" && !slices.Contains(out, part) {
					out = append(out, part)
				}
			}
		}
		return out
	}
	p := catalogParams{
		Q:      strings.TrimSpace(c.Query("q")),
		Teams:  multi("team"),
		Tags:   multi("tag"),
		States: multi("state"),
		Sort:   c.Query("sort"),
	}
	errs := map[string]string{}
	catalog.CheckSearch(errs, p.Q, map[string][]string{"team": p.Teams, "tag": p.Tags, "state": p.States})
	switch p.Sort {
	case "", search.SortRelevance, search.SortName, search.SortUpdated:
	default:
		errs["sort"] = "Sort by relevance, name or updated."
	}
	for _, s := range p.States {
		if _, bad := errs["state"]; bad {
			break
		}
		if !slices.Contains(lifecycle.States(), lifecycle.State(s)) {
			errs["state"] = "Unknown state " + strconv.Quote(s) + ": use draft, in_review, published, deprecated or retired."
		}
	}
	intParam := func(name string, def, max int) int {
		raw := c.Query(name)
		if raw == "" {
			return def
		}
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > max {
			errs[name] = "Use a whole number from 1 to " + strconv.Itoa(max) + "."
			return def
		}
		return n
	}
	p.PerPage = intParam("per_page", search.DefaultPerPage, search.MaxPerPage)
	deepest := maxSearchDepth / p.PerPage
	if n, err := strconv.Atoi(c.Query("page")); err == nil && n > deepest {
		p.Page, p.pastDepth = deepest, len(errs) == 0
		errs["page"] = "Pages go up to " + strconv.Itoa(deepest) + " at this page size; narrow the search instead."
		return p, errs
	}
	p.Page = intParam("page", 1, maxSearchDepth)
	return p, errs
}

// values encodes the search as a query string, without defaults.
func (p catalogParams) values() url.Values {
	v := url.Values{}
	if p.Q != "" {
		v.Set("q", p.Q)
	}
	for _, t := range p.Teams {
		v.Add("team", t)
	}
	for _, t := range p.Tags {
		v.Add("tag", t)
	}
	for _, s := range p.States {
		v.Add("state", s)
	}
	if p.Sort != "" && p.Sort != search.SortRelevance {
		v.Set("sort", p.Sort)
	}
	if p.PerPage != search.DefaultPerPage && p.PerPage != 0 {
		v.Set("per_page", strconv.Itoa(p.PerPage))
	}
	if p.Page > 1 {
		v.Set("page", strconv.Itoa(p.Page))
	}
	return v
}

// encode is p.values().Encode() without building the map: a catalog page
// links to a hundred variations of its search (each tag, facet value and
// sort), and building them as url.Values was a seventh of its time. Keys in
// Encode's order (sorted), values in values' order.
func (p catalogParams) encode() string {
	var b strings.Builder
	add := func(k, v string) {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(v))
	}
	if p.Page > 1 {
		add("page", strconv.Itoa(p.Page))
	}
	if p.PerPage != search.DefaultPerPage && p.PerPage != 0 {
		add("per_page", strconv.Itoa(p.PerPage))
	}
	if p.Q != "" {
		add("q", p.Q)
	}
	if p.Sort != "" && p.Sort != search.SortRelevance {
		add("sort", p.Sort)
	}
	for _, s := range p.States {
		add("state", s)
	}
	for _, t := range p.Tags {
		add("tag", t)
	}
	for _, t := range p.Teams {
		add("team", t)
	}
	return b.String()
}

func (p catalogParams) url() string {
	if q := p.encode(); q != "" {
		return "/catalog?" + q
	}
	return "/catalog"
}

// hidden returns the search as hidden form fields, without the named
// parameters (those the form asks for).
func (p catalogParams) hidden(without ...string) []catalogpage.Param {
	var out []catalogpage.Param
	for name, vs := range p.values() {
		if slices.Contains(without, name) {
			continue
		}
		for _, v := range vs {
			out = append(out, catalogpage.Param{Name: name, Value: v})
		}
	}
	slices.SortFunc(out, func(a, b catalogpage.Param) int { return strings.Compare(a.Name+"\x00"+a.Value, b.Name+"\x00"+b.Value) })
	return out
}

// lastPage is the number of the last page of total results (at least 1),
// within maxSearchDepth.
func lastPage(total, perPage int) int {
	pages := max((total+perPage-1)/perPage, 1)
	return min(pages, maxSearchDepth/perPage)
}

func (p catalogParams) filtered() bool {
	return len(p.Teams)+len(p.Tags)+len(p.States) > 0
}

// with returns a copy of p changed by fn, back on the first page.
func (p catalogParams) with(fn func(*catalogParams)) catalogParams {
	p.Teams, p.Tags, p.States = slices.Clone(p.Teams), slices.Clone(p.Tags), slices.Clone(p.States)
	p.Page = 1
	fn(&p)
	return p
}

func toggle(vs []string, v string) []string {
	if i := slices.Index(vs, v); i >= 0 {
		return slices.Delete(vs, i, i+1)
	}
	return append(vs, v)
}

// runSearch searches the index as the current user (catalog.ViewerOf,
// catalog.Search): without a state filter retired APIs are left out.
func (h *Handler) runSearch(c *fiber.Ctx, p catalogParams) (search.Result, error) {
	if h.search == nil {
		return search.Result{}, errSearchOff
	}
	viewer, err := catalog.ViewerOf(c.UserContext(), h.life, currentUser(c))
	if err != nil {
		return search.Result{}, err
	}
	q := search.Query{Text: p.Q, Teams: p.Teams, Tags: p.Tags, States: p.States, Sort: p.Sort, Page: p.Page, PerPage: p.PerPage,
		FacetLimit: p.facetLimit}
	res, err := catalog.Search(c.UserContext(), h.search, viewer, q)
	if err != nil {
		h.log.Error("search failed", "err", err)
		return search.Result{}, errSearchUnavailable
	}
	return res, nil
}

// ShowCatalog renders the catalog page, or only its results for htmx
// search-as-you-type (HX-Target "results").
func (h *Handler) ShowCatalog(c *fiber.Ctx) error {
	if h.search == nil {
		return errSearchOff
	}
	p, errs := parseCatalogParams(c)
	if len(errs) > 0 && !p.pastDepth {
		msgs := make([]string, 0, len(errs))
		for _, k := range sortedKeys(errs) {
			msgs = append(msgs, k+": "+errs[k])
		}
		return clientError(fiber.StatusBadRequest, "This search cannot be run. "+strings.Join(msgs, " "))
	}
	res, err := h.runSearch(c, p)
	if err != nil {
		return err
	}
	if last := lastPage(res.Total, p.PerPage); p.pastDepth || (p.Page > last && res.Total > 0) {
		// A page jump past the end: the last page, where the results are.
		p.Page = last
		return c.Redirect(p.url(), fiber.StatusSeeOther)
	}
	c.Vary("HX-Request", "HX-Target")
	swap := c.Get("HX-Request") == "true" && c.Get("HX-Target") == "results"
	frag, err := h.catalogFragment(c, p, res, swap)
	if err != nil {
		return err
	}
	if swap {
		return h.render(c, frag)
	}
	s := catalogpage.Search{Query: p.Q, ResultsHTML: frag, Hidden: p.hidden("q", "page")}
	title := "Catalog"
	if p.Q != "" {
		title = store.Isolate(p.Q) + " · Catalog"
	}
	return h.render(c, catalogpage.Page(h.page(c, title, "catalog"), s))
}

// catalogFragment returns the catalog's results rendered (facets, sort,
// hits, pager). The HTML depends only on the search result, the search as
// asked (its links) and whether the user is an org admin: when the index
// identifies its result (search.Result.Key: the query, the viewer who may see
// what it holds, and the state of the index), it is rendered once per
// result and kept (h.fragments); a result that needed team names from the
// database is rendered each time. announce adds the status swapped out of
// band into the page's status region (search-as-you-type).
func (h *Handler) catalogFragment(c *fiber.Ctx, p catalogParams, res search.Result, announce bool) (templ.Component, error) {
	key := ""
	if res.Key != "" {
		admin := "0"
		if u := currentUser(c); u != nil && u.OrgRole == policy.RoleAdmin {
			admin = "1"
		}
		key = res.Key + "\x00" + p.encode() + "\x00" + admin
		if announce {
			key += "\x00announce"
		}
		if html, ok := h.fragments.get(key); ok {
			return templ.Raw(html), nil
		}
	}
	r, fromDB, err := h.catalogResults(c, p, res)
	if err != nil {
		return nil, err
	}
	r.Announce = announce
	if key == "" || fromDB {
		return catalogpage.ResultsFragment(r), nil
	}
	var buf strings.Builder
	if err := catalogpage.ResultsFragment(r).Render(c.UserContext(), &buf); err != nil {
		return nil, err
	}
	h.fragments.put(key, buf.String())
	return templ.Raw(buf.String()), nil
}

// catalogResults builds the view of one page of results. The cards show
// what the search hits carry (team name, tags, default version and state are
// in the search document): the page reads no API or version from the
// database.
//
// fromDB reports whether team names were read from the database (an index
// built before it held them).
func (h *Handler) catalogResults(c *fiber.Ctx, p catalogParams, res search.Result) (r catalogpage.Results, fromDB bool, err error) {
	ctx := c.UserContext()
	u := currentUser(c)
	r = catalogpage.Results{Query: p.Q, Total: res.Total, Page: p.Page, IsAdmin: u.OrgRole == policy.RoleAdmin}
	r.Pages = 0
	if res.Total > 0 {
		r.Pages = lastPage(res.Total, p.PerPage)
	}
	if res.Total == 0 {
		r.Empty = catalogpage.NoResults
		if p.Q == "" && !p.filtered() {
			r.Empty = catalogpage.NoAPIs
		}
	}

	teamNames, fromDB, err := h.teamNames(ctx, res)
	if err != nil {
		return r, false, err
	}
	for _, hit := range res.Hits {
		if teamNames[hit.Team] == "" && hit.TeamName != "" {
			teamNames[hit.Team] = hit.TeamName
		}
	}
	// The cards name teams as the team facet does (teamLabeler).
	teamLabel := teamLabeler(teamNames)
	for _, hit := range res.Hits {
		card := catalogpage.Hit{
			Slug: hit.Slug, Name: hit.Name, Summary: hit.Summary, Team: hit.Team, TeamName: teamLabel(hit.Team),
			State: hit.State, StateLabel: lifecycle.State(hit.State).Label(), Highlights: hit.Highlights,
			URL: "/apis/" + url.PathEscape(hit.Slug), DefaultVersion: hit.DefaultVersion, Related: hit.Related,
		}
		for _, tag := range hit.Tags {
			card.Tags = append(card.Tags, catalogpage.Link{Label: tag, Active: slices.Contains(p.Tags, tag),
				URL: p.with(func(q *catalogParams) {
					if !slices.Contains(q.Tags, tag) {
						q.Tags = append(q.Tags, tag)
					}
				}).url()})
		}
		r.Hits = append(r.Hits, card)
	}

	for _, f := range catalogFacets(p, res.Facets, teamNames) {
		r.Facets = append(r.Facets, topValues(p, f))
	}
	for _, f := range r.Facets {
		for _, v := range f.Values {
			if v.Active {
				r.Filters = append(r.Filters, catalogpage.Link{Label: f.Title + ": " + v.Label, URL: v.URL})
			}
		}
	}
	if p.filtered() {
		r.ClearURL = p.with(func(q *catalogParams) { q.Teams, q.Tags, q.States = nil, nil, nil }).url()
	}
	if len(p.States) == 0 {
		r.RetiredURL = p.with(func(q *catalogParams) { q.States = []string{string(lifecycle.Retired)} }).url()
	}
	r.Explain = explainResult(p, res, r.Facets)
	sortLabels := []struct{ value, label string }{{search.SortRelevance, "Relevance"}, {search.SortName, "Name"}, {search.SortUpdated, "Last update"}}
	current := p.Sort
	if current == "" {
		current = search.SortRelevance
	}
	for _, s := range sortLabels {
		r.Sorts = append(r.Sorts, catalogpage.Link{Label: s.label, Active: s.value == current,
			URL: p.with(func(q *catalogParams) { q.Sort = s.value }).url()})
	}
	r.Pager = components.NewPager("/catalog", p.values(), p.Page, r.Pages)
	return r, fromDB, nil
}

// catalogFacet describes one facet of the catalog.
type catalogFacet struct {
	title, name, plural string
	label               func(string) string
	values              func(search.Facets) []search.FacetValue
	set                 func(*catalogParams) *[]string
}

// teamLabeler returns how the catalog names a team by its slug, given the
// names of the teams of a result (by slug). Team names are not unique
// (slugs are): a name that reads like another's (lookalike.ReadsAs) is
// shown with its slug, "Search · search-eu", so that neither the team facet nor the
// result cards show two teams that look the same; a team without a name
// is shown by its slug.
func teamLabeler(teamNames map[string]string) func(slug string) string {
	reads := map[string]int{}
	for _, n := range teamNames {
		reads[lookalike.ReadsAs(n)]++
	}
	return func(slug string) string {
		if n := teamNames[slug]; n != "" {
			if reads[lookalike.ReadsAs(n)] > 1 {
				return n + " · " + slug
			}
			return n
		}
		return slug
	}
}

func catalogFacetKinds(teamNames map[string]string) []catalogFacet {
	return []catalogFacet{
		{"Team", "team", "teams", teamLabeler(teamNames), func(f search.Facets) []search.FacetValue { return f.Teams },
			func(q *catalogParams) *[]string { return &q.Teams }},
		{"Tag", "tag", "tags", func(s string) string { return s }, func(f search.Facets) []search.FacetValue { return f.Tags },
			func(q *catalogParams) *[]string { return &q.Tags }},
		{"State", "state", "states", func(s string) string { return lifecycle.State(s).Label() },
			func(f search.Facets) []search.FacetValue { return f.States }, func(q *catalogParams) *[]string { return &q.States }},
	}
}

// facetView is one facet with every value the index returned, each linking
// to the catalog with that value toggled; a selected value that matches
// nothing now is kept, so that it can be removed.
func facetView(p catalogParams, k catalogFacet, values []search.FacetValue) catalogpage.Facet {
	f := catalogpage.Facet{Title: k.title, Plural: k.plural, Name: k.name}
	selected := *k.set(&p)
	seen := map[string]bool{}
	add := func(value string, count int) {
		seen[value] = true
		f.Values = append(f.Values, catalogpage.FacetValue{
			Label: k.label(value), Value: value, Count: count, Active: slices.Contains(selected, value),
			URL: p.with(func(q *catalogParams) { s := k.set(q); *s = toggle(*s, value) }).url(),
		})
	}
	for _, v := range values {
		add(v.Value, v.Count)
	}
	for _, v := range selected {
		if !seen[v] {
			add(v, 0)
		}
	}
	return f
}

func catalogFacets(p catalogParams, facets search.Facets, teamNames map[string]string) []catalogpage.Facet {
	var out []catalogpage.Facet
	for _, k := range catalogFacetKinds(teamNames) {
		out = append(out, facetView(p, k, k.values(facets)))
	}
	return out
}

// topValues keeps the facetTop most frequent values of f and the selected
// ones, and links to the facet's own page when there are more.
func topValues(p catalogParams, f catalogpage.Facet) catalogpage.Facet {
	if len(f.Values) <= facetTop {
		return f
	}
	all := f.Values
	f.Values = nil
	for i, v := range all {
		if i < facetTop || v.Active {
			f.Values = append(f.Values, v)
		}
	}
	f.MoreLabel = "Show all " + strconv.Itoa(len(all)) + " " + f.Plural
	if len(all) >= search.MaxFacetValues {
		f.MoreLabel = "Show all " + f.Plural
	}
	f.MoreURL = "/catalog/facets/" + f.Name
	if q := p.with(func(*catalogParams) {}).encode(); q != "" {
		f.MoreURL += "?" + q
	}
	return f
}

// ShowCatalogFacet lists every value of one facet (team, tag or state) for
// the current search, with counts, narrowed by a filter box (find): the
// values beyond the catalog page's top ones. Each value links back to the
// catalog with that filter toggled.
func (h *Handler) ShowCatalogFacet(c *fiber.Ctx) error {
	if h.search == nil {
		return errSearchOff
	}
	p, errs := parseCatalogParams(c)
	if p.pastDepth { // the list is of one page whatever the search's page
		delete(errs, "page")
	}
	find := strings.TrimSpace(c.Query("find"))
	apperr.Query(errs, "find", find, maxQueryLength)
	if len(errs) > 0 {
		msgs := make([]string, 0, len(errs))
		for _, k := range sortedKeys(errs) {
			msgs = append(msgs, k+": "+errs[k])
		}
		return clientError(fiber.StatusBadRequest, "This list cannot be shown. "+strings.Join(msgs, " "))
	}
	i := slices.IndexFunc(catalogFacetKinds(nil), func(k catalogFacet) bool { return k.name == c.Params("facet") })
	if i < 0 {
		return fiber.ErrNotFound
	}
	p.Page, p.facetLimit = 1, search.MaxFacetLimit
	res, err := h.runSearch(c, p)
	if err != nil {
		return err
	}
	teamNames, _, err := h.teamNames(c.UserContext(), res)
	if err != nil {
		return err
	}
	kind := catalogFacetKinds(teamNames)[i]
	back := p.with(func(*catalogParams) {})
	f := facetView(back, kind, kind.values(res.Facets))
	l := catalogpage.FacetList{
		Title: kind.title, Plural: kind.plural, Name: kind.name, Find: find, Hidden: back.hidden("page"),
		BackURL: back.url(), Total: len(f.Values), Announce: c.Get("HX-Request") == "true",
	}
	c.Vary("HX-Request")
	needle := strings.ToLower(find)
	for _, v := range f.Values {
		if needle == "" || strings.Contains(strings.ToLower(v.Label), needle) || strings.Contains(strings.ToLower(v.Value), needle) {
			l.Values = append(l.Values, v)
		}
	}
	return h.render(c, catalogpage.FacetPage(h.page(c, "All "+kind.plural+" · Catalog", "catalog"), l))
}

// teamNames returns the display names of the teams of the hits and of the
// team facet: those the index knows, and the others (an index built before
// it held team names) from the database, two columns of the teams only.
// fromDB reports whether any was read from the database.
func (h *Handler) teamNames(ctx context.Context, res search.Result) (names map[string]string, fromDB bool, err error) {
	names = maps.Clone(res.TeamNames)
	if names == nil {
		names = map[string]string{}
	}
	var missing []string
	for _, v := range res.Facets.Teams {
		if names[v.Value] == "" {
			missing = append(missing, v.Value)
		}
	}
	for _, hit := range res.Hits {
		if names[hit.Team] == "" && hit.TeamName == "" && !slices.Contains(missing, hit.Team) {
			missing = append(missing, hit.Team)
		}
	}
	if len(missing) == 0 {
		return names, false, nil
	}
	found, err := h.store.TeamNames(ctx, missing)
	if err != nil {
		return nil, false, err
	}
	maps.Copy(names, found)
	return names, true, nil
}

type apiSearchHit struct {
	API        string   `json:"api"`
	Name       string   `json:"name"`
	Summary    string   `json:"summary"`
	Team       string   `json:"team"`
	State      string   `json:"state"`
	Highlights []string `json:"highlights"`
	// Related: no word of the query is in the API; what it says it does is close in meaning (the embedded index).
	Related bool `json:"related"`
}

type apiFacetValue struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

type apiSearchResult struct {
	Hits    []apiSearchHit             `json:"hits"`
	Facets  map[string][]apiFacetValue `json:"facets"`
	Total   int                        `json:"total"`
	Page    int                        `json:"page"`
	PerPage int                        `json:"per_page"`
}

// APISearch searches the catalog as the caller: the same search as the catalog page.
func (h *Handler) APISearch(c *fiber.Ctx) error {
	p, errs := parseCatalogParams(c)
	if len(errs) > 0 {
		return invalid(errs)
	}
	res, err := h.runSearch(c, p)
	if err != nil {
		return err
	}
	out := apiSearchResult{Hits: make([]apiSearchHit, 0, len(res.Hits)), Total: res.Total, Page: p.Page, PerPage: p.PerPage}
	for _, hit := range res.Hits {
		hl := hit.Highlights
		if hl == nil {
			hl = []string{}
		}
		out.Hits = append(out.Hits, apiSearchHit{API: hit.Slug, Name: hit.Name, Summary: hit.Summary, Team: hit.Team, State: hit.State, Highlights: hl, Related: hit.Related})
	}
	facet := func(vs []search.FacetValue) []apiFacetValue {
		out := make([]apiFacetValue, 0, len(vs))
		for _, v := range vs {
			out = append(out, apiFacetValue{Value: v.Value, Count: v.Count})
		}
		return out
	}
	out.Facets = map[string][]apiFacetValue{"team": facet(res.Facets.Teams), "tag": facet(res.Facets.Tags), "state": facet(res.Facets.States)}
	return c.JSON(out)
}

// explainResult says why a text search found little (fewer than search.WeakResult APIs): the words that matched
// nothing, the query the typo expansion suggests, and the filter value that would find the most APIs more (facet
// counts are computed as if their own filter were off, so a value not chosen that counts more than the result does
// find more). The index's hint counts only the APIs the words matched: a result of APIs found by their meaning alone
// is still explained. Nil for a result that needs no explaining.
func explainResult(p catalogParams, res search.Result, facets []catalogpage.Facet) *catalogpage.Explain {
	if p.Q == "" || (res.Total >= search.WeakResult && res.Hint == nil) {
		return nil
	}
	e := &catalogpage.Explain{}
	if h := res.Hint; h != nil {
		e.Unmatched = h.Unmatched
		if h.DidYouMean != "" {
			e.DidYouMean = h.DidYouMean
			e.DidYouMeanURL = p.with(func(q *catalogParams) { q.Q, q.Page = h.DidYouMean, 1 }).url()
		}
	}
	best := res.Total
	for _, f := range facets {
		for _, v := range f.Values {
			if !v.Active && v.Count > best {
				best = v.Count
				e.Facet = &catalogpage.Link{Label: fmt.Sprintf("%s: %s (%d)", f.Title, v.Label, v.Count), URL: v.URL}
			}
		}
	}
	if len(e.Unmatched) == 0 && e.DidYouMean == "" && e.Facet == nil {
		return nil
	}
	return e
}
