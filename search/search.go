// Package search is the catalog's full-text search. One Index interface has two backends: Bleve, an embedded index on
// disk (the default), and Meilisearch (production). Both filter visibility inside the engine query, so hits, facet
// counts and totals never reveal an API that the viewer may not see.
package search

import (
	"context"
	"errors"
	"fmt"
	"html"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Visibility values of a Document.
const (
	VisibilityPublic = "public"
	VisibilityTeam   = "team"
)

// Sort orders of a Query.
const (
	SortRelevance = "relevance"
	SortName      = "name"
	SortUpdated   = "updated"
)

// Paging limits of a Query.
const (
	DefaultPerPage = 20
	MaxPerPage     = 100
)

// MaxFacetValues is the number of values returned per facet when a query asks for no other number, the most frequent
// first.
const MaxFacetValues = 100

// MaxFacetLimit is the most values per facet a query may ask for (Query.FacetLimit): the full list of a facet. The
// Meilisearch backend returns at most meiliMaxFacetValues of them.
const MaxFacetLimit = 10000

// snippetWidth is the length of a highlight snippet in characters (runes), before escaping.
const snippetWidth = 160

// maxHighlights is the number of highlight snippets per hit.
const maxHighlights = 3

// ErrInvalidQuery reports a query that cannot be run (unknown sort order).
var ErrInvalidQuery = errors.New("invalid search query")

// ErrInvalidDocument reports a document that cannot be indexed (no ID, unknown visibility).
var ErrInvalidDocument = errors.New("invalid search document")

// Operation is one operation of an API's default version. Webhook marks an operation of the API's webhooks (OpenAPI
// 3.1), a request the API sends rather than serves; Path is then the webhook's name. Callback names the callback of
// an operation this one belongs to, also a request the API sends; Path is then its URL expression.
type Operation struct {
	Method, Path, OperationID, Summary, Description string
	Webhook                                         bool
	Callback                                        string
}

// sent reports whether op is a request the API sends (a webhook or a callback) rather than one it serves.
func (op Operation) sent() bool { return op.Webhook || op.Callback != "" }

// upkeepPaths are the last segments of the paths of operations about a service's own upkeep rather than what it does:
// its health, readiness, version, metrics and the caller's usage of it.
var upkeepPaths = map[string]bool{
	"health": true, "healthz": true, "healthcheck": true, "ping": true, "readyz": true, "livez": true, "version": true,
	"metrics": true, "usage": true, "usage-check": true, "api-usage": true, "quota": true, "rate-limit": true, "rate-limits": true,
}

// upkeep reports whether op is about the service's own upkeep: a path of one segment (after an optional version,
// "/v1") among upkeepPaths, as "/health" or "/usage-check". Such an operation says little of what the API does; its
// words ("health", "subscription plan") found it for queries about health insurance or subscription billing.
func (op Operation) upkeep() bool {
	segs := strings.Split(strings.Trim(op.Path, "/"), "/")
	if len(segs) == 2 && len(segs[0]) > 1 && segs[0][0] == 'v' && strings.Trim(segs[0][1:], "0123456789.") == "" {
		segs = segs[1:]
	}
	return len(segs) == 1 && upkeepPaths[strings.ToLower(segs[0])]
}

// secondary reports whether op's words weigh as a description's rather than as an operation's: a request the API
// sends (sent), or one about its own upkeep (upkeep).
func (op Operation) secondary() bool { return op.sent() || op.upkeep() }

// named is op with the words that name it as its path: a callback's name rather than its URL expression
// ("{$request.body#/callback}" says nothing of what it is).
func (op Operation) named() Operation {
	if op.Callback != "" {
		op.Path = op.Callback
	}
	return op
}

// Document is what the index holds for one API.
type Document struct {
	ID                  string // API id, stable
	Slug, Name, Summary string
	Description         string // plain text (already stripped of markdown)
	Tags                []string
	Team, TeamName      string      // team slug and display name
	State               string      // catalog state of the API (lifecycle.CatalogState): draft, in_review, published, deprecated, retired
	States              []string    // the states of all its versions (State when it has none): what the state facet counts and filters
	Visibility          string      // "public" (whole org) or "team"
	Versions            []string    // version numbers
	DefaultVersion      string      // version shown in the catalog
	Operations          []Operation // every operation of the default version
	UpdatedAt           time.Time
}

// Viewer is who searches. All is an org admin, who sees everything; anybody else sees public APIs and their own teams'.
type Viewer struct {
	Teams []string
	All   bool
}

// Query is one search. Teams, Tags and States are facet filters: AND across fields, OR within a field. States match
// the states of an API's versions (Document.States).
type Query struct {
	Text                string
	Teams, Tags, States []string
	Viewer              Viewer
	Sort                string // "relevance" (default), "name", "updated"
	Page, PerPage       int    // 1-based; PerPage default 20, max 100
	// FacetLimit is the number of values per facet to return, most frequent first: 0 means MaxFacetValues, at most
	// MaxFacetLimit.
	FacetLimit int
}

// Hit is one API found, with what a result card shows, so that a listing needs nothing else. Highlights are HTML:
// snippets with matches wrapped in <mark>…</mark>, everything else escaped.
type Hit struct {
	ID, Slug, Name, Summary, Team, State string
	TeamName, DefaultVersion             string
	Tags                                 []string
	Highlights                           []string
	// Related marks a hit of a text query that no word of the query matched: the embedded index ranking by meaning
	// found what the API says it does close to the query (search.Meaning).
	Related bool
}

// FacetValue is one value of a facet and the number of matching APIs that have it.
type FacetValue struct {
	Value string
	Count int
}

// Facets are the counts by team, tag and state, the most frequent first. They are disjunctive: each facet counts the
// APIs that match the text and the other facets' filters, as if its own filter were off, so that picking one team
// leaves the other teams' counts in view. An API counts once for each state of its versions.
type Facets struct{ Teams, Tags, States []FacetValue }

// Result is one page of hits, the facets and the total number of matching APIs. TeamNames are the display names, by
// slug, of the teams of the hits and of the team facet, as far as the index knows them (the embedded index knows them
// all, Meilisearch those of the hits).
type Result struct {
	Hits      []Hit
	Facets    Facets
	Total     int
	TeamNames map[string]string
	// Hint explains an empty or weak result of a text query (fewer than WeakResult hits); nil otherwise, and always
	// with Meilisearch.
	Hint *Hint
	// Key identifies the result: two results with the same non-empty Key are equal (the same query, viewer included,
	// on the same state of the index), so what is made of one may be kept for the other. The embedded index sets it;
	// empty with Meilisearch.
	Key string

	scores []float64 // the embedded index's relevance score of each hit of a text query
	words  int       // the APIs the words of a text query matched (Total less those that only their meaning did)
}

// Scores returns the relevance score of each hit, in the order of Hits, as the embedded index computed it for a text
// query; nil for a query without text and with Meilisearch. The relevance evaluation (search/releval) fuses other
// signals with it.
func (r Result) Scores() []float64 {
	if len(r.scores) != len(r.Hits) {
		return nil
	}
	return r.scores
}

// WeakResult is the number of hits below which a text query's result is explained (Result.Hint).
const WeakResult = 3

// Hint explains an empty or weak result of a text query: the query's words that match no API the viewer may see, and
// a query to try instead, with each of those words replaced by the closest word the index has (its typo expansion),
// given only when that query finds APIs the viewer may see.
type Hint struct {
	Unmatched  []string
	DidYouMean string
}

// Index is the catalog's search index.
type Index interface {
	// Upsert adds the documents or replaces those with the same ID.
	Upsert(ctx context.Context, docs ...Document) error
	// Delete removes the documents with these IDs; unknown IDs are ignored.
	Delete(ctx context.Context, ids ...string) error
	// Search runs q as q.Viewer.
	Search(ctx context.Context, q Query) (Result, error)
	// SetSynonyms replaces the synonyms searches apply (the org's list; see Synonyms).
	SetSynonyms(ctx context.Context, syn Synonyms) error
	// Reset empties the index (for a full reindex).
	Reset(ctx context.Context) error
	// Close releases the index.
	Close() error
}

// normalize applies the defaults and limits of a query and checks its sort order.
func normalize(q Query) (Query, error) {
	q.Text = strings.TrimSpace(q.Text)
	if q.Sort == "" {
		q.Sort = SortRelevance
	}
	switch q.Sort {
	case SortRelevance, SortName, SortUpdated:
	default:
		return q, fmt.Errorf("sort %q: %w", q.Sort, ErrInvalidQuery)
	}
	if q.Page < 1 {
		q.Page = 1
	}
	if q.PerPage <= 0 {
		q.PerPage = DefaultPerPage
	}
	if q.PerPage > MaxPerPage {
		q.PerPage = MaxPerPage
	}
	if q.FacetLimit <= 0 {
		q.FacetLimit = MaxFacetValues
	}
	if q.FacetLimit > MaxFacetLimit {
		q.FacetLimit = MaxFacetLimit
	}
	q.Teams = compact(q.Teams)
	q.Tags = compact(q.Tags)
	q.States = compact(q.States)
	q.Viewer.Teams = compact(q.Viewer.Teams)
	return q, nil
}

// compact drops empty and repeated values.
func compact(vs []string) []string {
	var out []string
	seen := make(map[string]bool, len(vs))
	for _, v := range vs {
		if v == "" || seen[v] {
			continue
		}
		seen[v] = true
		out = append(out, v)
	}
	return out
}

// documentStates is what the state facet counts of d: the states of its versions, else its catalog state.
func documentStates(d Document) []string {
	if states := compact(d.States); len(states) > 0 {
		return states
	}
	return []string{d.State}
}

// validate checks what both backends need of a document.
func validate(d Document) error {
	if d.ID == "" {
		return fmt.Errorf("document %q without id: %w", d.Slug, ErrInvalidDocument)
	}
	if d.Visibility != VisibilityPublic && d.Visibility != VisibilityTeam {
		return fmt.Errorf("document %q visibility %q: %w", d.ID, d.Visibility, ErrInvalidDocument)
	}
	return nil
}

// maxOpDescription bounds the operation description kept in the index: the start says what it does.
const maxOpDescription = 300

// operationSummary is what an operation says it does: its summary, or the first sentence of its description when it
// has none (many descriptions leave the optional summary out and say it in the description).
func operationSummary(op Operation) string {
	if s := oneLine(op.Summary); s != "" {
		return s
	}
	s := oneLine(op.Description)
	if i := strings.Index(s, ". "); i > 0 {
		s = s[:i+1]
	}
	return truncateRunes(s, maxOpSummary)
}

// maxOpSummary bounds the first sentence of an operation's description taken as its summary.
const maxOpSummary = 120

// operationLine is the displayed and searched text of one operation: "GET /v1/sms · Send an SMS · sendSms · …", for
// a webhook "WEBHOOK POST ACCOUNT_CLOSED · …", for a callback "CALLBACK POST delivery-receipt · …".
func operationLine(op Operation) string {
	parts := make([]string, 0, 4)
	head := strings.TrimSpace(strings.ToUpper(op.Method) + " " + op.Path)
	switch {
	case op.Webhook:
		head = strings.TrimSpace("WEBHOOK " + strings.ToUpper(op.Method) + " " + strings.TrimPrefix(op.Path, "/"))
	case op.Callback != "":
		head = strings.TrimSpace("CALLBACK " + strings.ToUpper(op.Method) + " " + op.Callback)
	}
	if head != "" {
		parts = append(parts, head)
	}
	for _, s := range []string{op.Summary, op.OperationID, truncateRunes(oneLine(op.Description), maxOpDescription)} {
		if s = strings.TrimSpace(oneLine(s)); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " · ")
}

// operationWords are extra search terms of the operations that a tokenizer would not find: the words of camelCase and
// snake_case operation ids and of paths ("getUserById" gives "get user by id").
func operationWords(ops []Operation) string {
	var b strings.Builder
	seen := map[string]bool{}
	add := func(w string) {
		w = strings.ToLower(w)
		if w == "" || seen[w] {
			return
		}
		seen[w] = true
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	for _, op := range ops {
		for _, w := range splitWords(op.Path) {
			add(w)
		}
		for _, w := range splitWords(op.OperationID) {
			for _, p := range splitCamel(w) {
				add(p)
			}
		}
	}
	return b.String()
}

// splitWords splits s on everything that is not a letter or a digit ("/v1/sms/{id}.json" gives v1 sms id json).
func splitWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// splitCamel splits a camelCase word ("getHTTPStatus" gives get HTTP Status).
func splitCamel(w string) []string {
	rs := []rune(w)
	var out []string
	start := 0
	for i := 1; i < len(rs); i++ {
		lowerToUpper := unicode.IsLower(rs[i-1]) && unicode.IsUpper(rs[i])
		acronymEnd := i+1 < len(rs) && unicode.IsUpper(rs[i-1]) && unicode.IsUpper(rs[i]) && unicode.IsLower(rs[i+1])
		letterDigit := unicode.IsLetter(rs[i-1]) != unicode.IsLetter(rs[i])
		if lowerToUpper || acronymEnd || letterDigit {
			out = append(out, string(rs[start:i]))
			start = i
		}
	}
	return append(out, string(rs[start:]))
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)[:n]
	// End on a word boundary when one is near, so that no word is indexed cut.
	for i := len(rs) - 1; i > n-30 && i > 0; i-- {
		if unicode.IsSpace(rs[i]) {
			rs = rs[:i]
			break
		}
	}
	return string(rs) + "…"
}

// span is a byte range [start, end) of a match in a text.
type span struct{ start, end int }

// snippet renders the part of text around its first matches as HTML: at most width runes, the spans wrapped in
// <mark>…</mark> and all the rest escaped. Text cut at either end is marked with "…". It returns "" without spans.
func snippet(text string, spans []span, width int) string {
	spans = cleanSpans(text, spans)
	if len(spans) == 0 {
		return ""
	}
	// Start a little before the first match, at a word boundary, so that the match has some context.
	start := spans[0].start
	const lead = 40
	for n := 0; start > 0 && n < lead; n++ {
		_, size := utf8.DecodeLastRuneInString(text[:start])
		start -= size
	}
	if start > 0 {
		if i := strings.IndexByte(text[start:spans[0].start], ' '); i >= 0 {
			start += i + 1
		}
	}
	end := start
	for n := 0; end < len(text) && n < width; n++ {
		_, size := utf8.DecodeRuneInString(text[end:])
		end += size
	}
	if end < len(text) {
		// Cut at a word boundary, unless that would lose the first match.
		if i := strings.LastIndexByte(text[start:end], ' '); i > 0 && start+i > spans[0].end {
			end = start + i
		}
	}
	var b strings.Builder
	if start > 0 {
		b.WriteString("…")
	}
	cur := start
	for _, s := range spans {
		if s.start < cur {
			continue
		}
		if s.end > end {
			if s.start == spans[0].start {
				end = s.end // never cut the first match
			} else {
				break
			}
		}
		b.WriteString(html.EscapeString(text[cur:s.start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[s.start:s.end]))
		b.WriteString("</mark>")
		cur = s.end
	}
	b.WriteString(html.EscapeString(text[cur:end]))
	if end < len(text) {
		b.WriteString("…")
	}
	return b.String()
}

// cleanSpans sorts the spans, drops those outside text or not on rune boundaries, and merges overlapping ones.
func cleanSpans(text string, spans []span) []span {
	out := make([]span, 0, len(spans))
	for _, s := range spans {
		if s.start < 0 || s.end > len(text) || s.start >= s.end {
			continue
		}
		if !utf8.RuneStart(text[s.start]) || (s.end < len(text) && !utf8.RuneStart(text[s.end])) {
			continue
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	merged := out[:0]
	for _, s := range out {
		if n := len(merged); n > 0 && s.start <= merged[n-1].end {
			if s.end > merged[n-1].end {
				merged[n-1].end = s.end
			}
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

// unmark takes text where matches are wrapped in pre and post tags (as an engine returns it, unescaped) and returns the
// plain text and the spans of the matches. Tags that do not pair up are kept as text.
func unmark(s, pre, post string) (string, []span) {
	var b strings.Builder
	var spans []span
	for {
		i := strings.Index(s, pre)
		if i < 0 {
			break
		}
		j := strings.Index(s[i+len(pre):], post)
		if j < 0 {
			break
		}
		b.WriteString(s[:i])
		start := b.Len()
		b.WriteString(s[i+len(pre) : i+len(pre)+j])
		if b.Len() > start {
			spans = append(spans, span{start, b.Len()})
		}
		s = s[i+len(pre)+j+len(post):]
	}
	b.WriteString(s)
	return b.String(), spans
}

// sortFacet orders facet values by count, most frequent first, then by value, and keeps at most limit.
func sortFacet(vs []FacetValue, limit int) []FacetValue {
	sort.Slice(vs, func(i, j int) bool {
		if vs[i].Count != vs[j].Count {
			return vs[i].Count > vs[j].Count
		}
		return vs[i].Value < vs[j].Value
	})
	if len(vs) > limit {
		vs = vs[:limit]
	}
	return vs
}
