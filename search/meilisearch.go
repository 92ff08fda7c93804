package search

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/meilisearch/meilisearch-go"

	"github.com/portico-dev/portico/sortkey"
)

// Attribute names of the Meilisearch documents.
const (
	mID          = "id"
	mSlug        = "slug"
	mName        = "name"
	mNameSort    = "nameSort" // lowercased name: what versions before nameKey sort by, still written for them (a rolling upgrade)
	mNameKey     = "nameKey"  // meiliNameKey of the name, for sorting
	mSummary     = "summary"
	mDescription = "description"
	mTags        = "tags"
	mTeam        = "team"
	mTeamName    = "teamName"
	mState       = "state"  // catalog state, shown
	mStates      = "states" // states of the versions, counted and filtered
	mDefault     = "defaultVersion"
	mVisibility  = "visibility"
	mVersions    = "versions"
	mOperations  = "operations" // one line per operation
	mOpWords     = "opWords"    // words of paths and operation ids
	mWebhooks    = "webhooks"   // one line per secondary operation (Operation.secondary: sent, or upkeep), then the words of their names and ids
	mUpdatedAt   = "updatedAt"  // unix milliseconds
)

// meiliMaxFacetValues is the most values Meilisearch returns per facet (its maxValuesPerFacet setting, 100 by
// default): a query's FacetLimit above it gets this many.
const meiliMaxFacetValues = 1000

// meiliBatchSize bounds the documents sent in one request.
const meiliBatchSize = 1000

// meiliTaskPoll is how often a task's status is asked for.
const meiliTaskPoll = 50 * time.Millisecond

// meiliMaxTotalHits lets totals and pages count up to the scale the catalog must hold (Meilisearch stops at 1,000 by
// default).
const meiliMaxTotalHits = 100000

// Meilisearch is the search index kept in a Meilisearch index.
type Meilisearch struct {
	client meilisearch.ServiceManager
	index  meilisearch.IndexManager
	uid    string
}

var _ Index = (*Meilisearch)(nil)

// meiliDoc is one API as Meilisearch stores it.
type meiliDoc struct {
	ID          string   `json:"id"`
	Slug        string   `json:"slug"`
	Name        string   `json:"name"`
	NameSort    string   `json:"nameSort"`
	NameKey     string   `json:"nameKey"`
	Summary     string   `json:"summary"`
	Description string   `json:"description"`
	Tags        []string `json:"tags"`
	Team        string   `json:"team"`
	TeamName    string   `json:"teamName"`
	State       string   `json:"state"`
	States      []string `json:"states"`
	Visibility  string   `json:"visibility"`
	Versions    []string `json:"versions"`
	Default     string   `json:"defaultVersion"`
	Operations  []string `json:"operations"`
	OpWords     string   `json:"opWords"`
	Webhooks    []string `json:"webhooks"`
	UpdatedAt   int64    `json:"updatedAt"`
}

// meiliSettings are the index settings, the embedded index's ranking in Meilisearch's terms: searchable attributes
// in ranking order (name and slug, then tags and summary, then operations, then descriptions and the secondary
// operations: the webhooks the API sends, which say what happened rather than what it does, and those about its own
// upkeep, /health or /usage), the same English stop
// words, typos on words of five letters or more (two from nine) in the names, tags and operations only, filters,
// sorts and the ranking rules: APIs matching more of the query's words first ("words", with the "frequency" matching
// strategy of each search, so that any word may match and the most common are given up first), then fewer typos,
// closer words, better attributes. "sort" comes first so that an explicit sort order wins over relevance; without a
// sort parameter it does nothing. Synonyms are set apart (SetSynonyms). Meilisearch has no English stemming; plural
// and singular forms still meet through its prefix search of the last word and typo tolerance.
func meiliSettings() *meilisearch.Settings {
	return &meilisearch.Settings{
		SearchableAttributes: []string{mName, mSlug, mTags, mSummary, mOperations, mOpWords, mDescription, mWebhooks, mTeamName, mVersions},
		FilterableAttributes: []string{mVisibility, mTeam, mTags, mState, mStates},
		SortableAttributes:   []string{mNameKey, mNameSort, mUpdatedAt, mID},
		RankingRules:         []string{"sort", "words", "typo", "proximity", "attribute", "exactness"},
		StopWords:            stopWords(),
		TypoTolerance: &meilisearch.TypoTolerance{
			Enabled:             true,
			MinWordSizeForTypos: meilisearch.MinWordSizeForTypos{OneTypo: 5, TwoTypos: 9},
			DisableOnAttributes: []string{mSummary, mDescription, mWebhooks, mTeamName, mVersions},
			DisableOnWords:      []string{},
		},
		Pagination: &meilisearch.Pagination{MaxTotalHits: meiliMaxTotalHits},
		Faceting: &meilisearch.Faceting{
			MaxValuesPerFacet: meiliMaxFacetValues,
			SortFacetValuesBy: map[string]meilisearch.SortFacetType{"*": meilisearch.SortFacetTypeCount},
		},
	}
}

// meiliSynonyms turns groups of synonyms into Meilisearch's form: each member maps to the other members of its group.
func meiliSynonyms(syn Synonyms) map[string][]string {
	out := syn.expansions()
	for k, v := range out {
		slices.Sort(v)
		out[k] = slices.Compact(v)
	}
	return out
}

// SetSynonyms replaces the index's synonyms and waits until they apply.
func (m *Meilisearch) SetSynonyms(ctx context.Context, syn Synonyms) error {
	s := meiliSynonyms(syn)
	task, err := m.index.UpdateSynonyms(ctx, &s)
	if err != nil {
		return fmt.Errorf("meilisearch: update synonyms: %w", err)
	}
	if err := m.wait(ctx, task); err != nil {
		return fmt.Errorf("meilisearch: update synonyms: %w", err)
	}
	return nil
}

// meiliMinVersion is the oldest Meilisearch release this backend works with (major, minor). What needs what:
// multi-search (the disjunctive facet counts) 1.1; POST /indexes/{uid}/documents/fetch, which meilisearch-go's
// GetDocuments calls (OlderDocuments) 1.2; faceting.sortFacetValuesBy 1.3; the frequency matching strategy 1.9; and
// typoTolerance.disableOnNumbers 1.15: meilisearch-go sends that field with every typo tolerance setting, and an older
// server refuses the settings update for an unknown field.
var meiliMinVersion = [2]int{1, 15}

// checkMeiliVersion reads the server's version (GET /version) and refuses one older than meiliMinVersion, or one
// it cannot read, naming what the server reported.
func checkMeiliVersion(ctx context.Context, client meilisearch.ServiceManager) error {
	v, err := client.Version(ctx)
	if err != nil {
		return fmt.Errorf("meilisearch: read the server's version (GET /version): %w", err)
	}
	want := fmt.Sprintf("Portico needs Meilisearch %d.%d or later", meiliMinVersion[0], meiliMinVersion[1])
	major, minor, ok := parseMeiliVersion(v.PkgVersion)
	if !ok {
		return fmt.Errorf("meilisearch: the server reports version %q, which is not a release number; %s", v.PkgVersion, want)
	}
	if major < meiliMinVersion[0] || major == meiliMinVersion[0] && minor < meiliMinVersion[1] {
		return fmt.Errorf("meilisearch: the server is version %q; %s: upgrade it", v.PkgVersion, want)
	}
	return nil
}

// parseMeiliVersion reads the major and minor numbers of a release number such as 1.15.2 or 1.16.0-rc.1.
func parseMeiliVersion(s string) (major, minor int, ok bool) {
	parts := strings.SplitN(strings.TrimPrefix(s, "v"), ".", 3)
	if len(parts) < 2 {
		return 0, 0, false
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil || major < 0 || minor < 0 {
		return 0, 0, false
	}
	return major, minor, true
}

// NewMeilisearch uses the index indexName on the Meilisearch server at url. It checks the server's version
// (meiliMinVersion), applies the index settings (which creates the index when missing; applying them again changes
// nothing) and waits until they are in force.
func NewMeilisearch(url, apiKey, indexName string) (*Meilisearch, error) {
	if indexName == "" {
		return nil, errors.New("meilisearch: index name is empty")
	}
	var opts []meilisearch.Option
	if apiKey != "" {
		opts = append(opts, meilisearch.WithAPIKey(apiKey))
	}
	client := meilisearch.New(url, opts...)
	m := &Meilisearch{client: client, index: client.Index(indexName), uid: indexName}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := checkMeiliVersion(ctx, client); err != nil {
		client.Close()
		return nil, err
	}
	task, err := m.index.UpdateSettings(ctx, meiliSettings())
	if err != nil {
		client.Close()
		return nil, fmt.Errorf("meilisearch: update settings of %s: %w", indexName, err)
	}
	if err := m.wait(ctx, task); err != nil {
		client.Close()
		return nil, fmt.Errorf("meilisearch: update settings of %s: %w", indexName, err)
	}
	return m, nil
}

// wait waits for a task to finish and turns a failed or canceled task into an error.
func (m *Meilisearch) wait(ctx context.Context, info *meilisearch.TaskInfo) error {
	task, err := m.client.WaitForTask(ctx, info.TaskUID, meiliTaskPoll)
	if err != nil {
		return fmt.Errorf("task %d: %w", info.TaskUID, err)
	}
	if task.Status != meilisearch.TaskStatusSucceeded {
		return fmt.Errorf("task %d %s: %s (%s)", info.TaskUID, task.Status, task.Error.Message, task.Error.Code)
	}
	return nil
}

// Upsert adds the documents or replaces those with the same ID, and waits until they are searchable.
func (m *Meilisearch) Upsert(ctx context.Context, docs ...Document) error {
	for _, d := range docs {
		if err := validate(d); err != nil {
			return err
		}
	}
	pk := mID
	for len(docs) > 0 {
		n := min(len(docs), meiliBatchSize)
		batch := make([]meiliDoc, n)
		for i, d := range docs[:n] {
			batch[i] = toMeiliDoc(d)
		}
		task, err := m.index.AddDocuments(ctx, batch, &meilisearch.DocumentOptions{PrimaryKey: &pk})
		if err != nil {
			return fmt.Errorf("meilisearch: add documents: %w", err)
		}
		if err := m.wait(ctx, task); err != nil {
			return fmt.Errorf("meilisearch: add documents: %w", err)
		}
		docs = docs[n:]
	}
	return nil
}

// send sends the search req, in one request with the facet-counting queries (whose first is req) when there are
// more, and returns req's answer and the others'.
func (m *Meilisearch) send(ctx context.Context, text string, req *meilisearch.SearchRequest, queries []*meilisearch.SearchRequest) (*meilisearch.SearchResponse, []*meilisearch.SearchResponse, error) {
	if len(queries) == 1 {
		resp, err := m.index.Search(ctx, text, req)
		if err != nil {
			return nil, nil, fmt.Errorf("meilisearch: search: %w", err)
		}
		return resp, nil, nil
	}
	req.IndexUID = m.uid
	multi, err := m.client.MultiSearch(ctx, &meilisearch.MultiSearchRequest{Queries: queries})
	if err != nil {
		return nil, nil, fmt.Errorf("meilisearch: search: %w", err)
	}
	if len(multi.Results) != len(queries) {
		return nil, nil, fmt.Errorf("meilisearch: search: %d results for %d queries", len(multi.Results), len(queries))
	}
	var counts []*meilisearch.SearchResponse
	for i := range multi.Results[1:] {
		counts = append(counts, &multi.Results[i+1])
	}
	return &multi.Results[0], counts, nil
}

// meiliNameKey is the key Meilisearch sorts a name by: sortkey.Of(name), the order of every list of names and of the
// embedded index, in lowercase hexadecimal. Meilisearch compares the bytes of a sortable string after trimming its
// white space (which the key's bytes for punctuation include: "'" is a tab), decomposing it (NFKD) and lowercasing it
// (which would change the key's part after the separator, the name itself, and drops invalid UTF-8), and cuts it at
// 468 bytes. Hexadecimal is left alone by all of that and keeps the order: each byte becomes two digits of 0-9a-f, in
// the bytes' order. The cut keeps the first 234 bytes of the key; names whose keys begin alike that far (names of 200
// characters that differ only near their end) follow by id.
func meiliNameKey(name string) string { return hex.EncodeToString([]byte(sortkey.Of(name))) }

func toMeiliDoc(d Document) meiliDoc {
	lines, webhooks := []string{}, []string{}
	var served, sent []Operation
	for _, op := range d.Operations {
		if op.secondary() {
			webhooks, sent = append(webhooks, operationLine(op)), append(sent, op.named())
		} else {
			lines, served = append(lines, operationLine(op)), append(served, op)
		}
	}
	if len(sent) > 0 {
		webhooks = append(webhooks, operationWords(sent))
	}
	tags := compact(d.Tags)
	if tags == nil {
		tags = []string{}
	}
	versions := d.Versions
	if versions == nil {
		versions = []string{}
	}
	return meiliDoc{
		ID:          d.ID,
		Slug:        d.Slug,
		Name:        d.Name,
		NameSort:    strings.ToLower(d.Name),
		NameKey:     meiliNameKey(d.Name),
		Summary:     d.Summary,
		Description: d.Description,
		Tags:        tags,
		Team:        d.Team,
		TeamName:    d.TeamName,
		State:       d.State,
		States:      documentStates(d),
		Visibility:  d.Visibility,
		Versions:    versions,
		Default:     d.DefaultVersion,
		Operations:  lines,
		OpWords:     operationWords(served),
		Webhooks:    webhooks,
		UpdatedAt:   d.UpdatedAt.UnixMilli(),
	}
}

// Delete removes the documents with these IDs and waits until they are gone.
func (m *Meilisearch) Delete(ctx context.Context, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	task, err := m.index.DeleteDocuments(ctx, ids, nil)
	if err != nil {
		return fmt.Errorf("meilisearch: delete documents: %w", err)
	}
	if err := m.wait(ctx, task); err != nil {
		return fmt.Errorf("meilisearch: delete documents: %w", err)
	}
	return nil
}

// Reset deletes every document of the index and keeps its settings.
func (m *Meilisearch) Reset(ctx context.Context) error {
	task, err := m.index.DeleteAllDocuments(ctx, nil)
	if err != nil {
		return fmt.Errorf("meilisearch: delete all documents: %w", err)
	}
	if err := m.wait(ctx, task); err != nil {
		return fmt.Errorf("meilisearch: delete all documents: %w", err)
	}
	return nil
}

// The log position a Meilisearch index has applied is kept in Meilisearch too, beside the one the database keeps
// (catalog.Feed): a document of a small index of its own, named after the catalog's with stampSuffix. A database
// restored from a backup (portico restore, pg_restore) brings back the backup's position while the index holds the
// changes made since; the feed compares the two at start and rebuilds the index when they do not match.
const stampSuffix = "-portico-position"

// meiliStamp is the document that keeps the position, and the layout of the documents of the writer that recorded it.
type meiliStamp struct {
	ID     string `json:"id"`
	Entry  int64  `json:"entry"`
	Stamp  int64  `json:"stamp"`
	Layout int    `json:"layout,omitempty"`
}

// meiliLayout is the layout of the documents this version writes, recorded with the position. Change it whenever
// searches read what the documents of an older version lack, and have OlderDocuments find those. 1: nameKey.
// Versions before layouts record none (0).
const meiliLayout = 1

const stampID = "position"

func (m *Meilisearch) stampIndex() meilisearch.IndexManager {
	return m.client.Index(m.uid + stampSuffix)
}

// Stamp returns the index log position the index last recorded it applied (SetStamp); ok is false when it has
// recorded none (an index older than stamps, or one never fed).
func (m *Meilisearch) Stamp(ctx context.Context) (position LogPosition, ok bool, err error) {
	d, ok, err := m.readStamp(ctx)
	if err != nil || !ok {
		return position, false, err
	}
	return LogPosition{Entry: d.Entry, Stamp: d.Stamp}, true, nil
}

func (m *Meilisearch) readStamp(ctx context.Context) (d meiliStamp, ok bool, err error) {
	if err := m.stampIndex().GetDocument(ctx, stampID, nil, &d); err != nil {
		var me *meilisearch.Error
		if errors.As(err, &me) && (me.APIError.Code == meilisearch.APIErrCodeDocumentNotFound || me.APIError.Code == meilisearch.APIErrCodeIndexNotFound) {
			return d, false, nil
		}
		return d, false, fmt.Errorf("meilisearch: read the index's log position: %w", err)
	}
	return d, true, nil
}

// Outdated says why the index must be rebuilt (empty when it need not): it has no position of its own, fed by a
// Portico older than positions, whose documents may lack more than what OlderDocuments finds. The feed asks when it
// takes the index's lease; it asks only when the database has a position for the index, so a new index is not asked.
func (m *Meilisearch) Outdated(ctx context.Context) (string, error) {
	_, ok, err := m.readStamp(ctx)
	if err != nil || ok {
		return "", err
	}
	return "it has no log position of its own (fed by an older version)", nil
}

// OlderDocuments returns the IDs of the documents an older version of Portico wrote, which lack what this version
// reads (nameKey), or nil, without looking at the documents, when the writer that last recorded the index's position
// (SetStamp) recorded this version's layout. An older version, during a rolling upgrade, replaces the documents it
// writes with its own, without nameKey, and rewrites the position without a layout after each batch; its rebuild
// (portico reindex) writes every document so. The feed asks when it takes the index's lease, after it found the
// index's position matching the database's: it rewrites those documents from the database, then records the
// position again, with this layout. A writer of this version always records its layout after its documents, so a
// position of this layout leaves none of an older one behind, but for what an older writer that lost the lease sends
// late, which it appends to the index log again (as for any writer).
func (m *Meilisearch) OlderDocuments(ctx context.Context) ([]string, error) {
	d, ok, err := m.readStamp(ctx)
	if err != nil || (ok && d.Layout >= meiliLayout) {
		return nil, err
	}
	older := []string{}
	for offset := int64(0); ; offset += meiliBatchSize {
		var page meilisearch.DocumentsResult
		q := &meilisearch.DocumentsQuery{Offset: offset, Limit: meiliBatchSize, Fields: []string{mID, mNameKey}}
		if err := m.index.GetDocuments(ctx, q, &page); err != nil {
			var me *meilisearch.Error
			if errors.As(err, &me) && me.APIError.Code == meilisearch.APIErrCodeIndexNotFound {
				return older, nil
			}
			return nil, fmt.Errorf("meilisearch: list the documents of an older layout: %w", err)
		}
		for i, hit := range page.Results {
			var doc struct {
				ID      string  `json:"id"`
				NameKey *string `json:"nameKey"`
			}
			if err := hit.DecodeInto(&doc); err != nil {
				return nil, fmt.Errorf("meilisearch: list the documents of an older layout: document %d: %w", offset+int64(i), err)
			}
			if doc.NameKey == nil {
				older = append(older, doc.ID)
			}
		}
		if len(page.Results) < meiliBatchSize {
			return older, nil
		}
	}
}

// SetStamp records that the index has applied the index log up to position, and waits until it is kept.
func (m *Meilisearch) SetStamp(ctx context.Context, position LogPosition) error {
	pk := "id"
	task, err := m.stampIndex().AddDocuments(ctx, []meiliStamp{{ID: stampID, Entry: position.Entry, Stamp: position.Stamp, Layout: meiliLayout}}, &meilisearch.DocumentOptions{PrimaryKey: &pk})
	if err != nil {
		return fmt.Errorf("meilisearch: record the index's log position: %w", err)
	}
	if err := m.wait(ctx, task); err != nil {
		return fmt.Errorf("meilisearch: record the index's log position: %w", err)
	}
	return nil
}

// Close releases the client's idle connections.
func (m *Meilisearch) Close() error {
	m.client.Close()
	return nil
}

// meiliHit is what Search reads of a hit.
type meiliHit struct {
	ID        string                     `json:"id"`
	Slug      string                     `json:"slug"`
	Name      string                     `json:"name"`
	Summary   string                     `json:"summary"`
	Team      string                     `json:"team"`
	TeamName  string                     `json:"teamName"`
	State     string                     `json:"state"`
	Default   string                     `json:"defaultVersion"`
	Tags      []string                   `json:"tags"`
	Formatted map[string]json.RawMessage `json:"_formatted"`
}

// meiliFacets are the facet attributes, in the order of Facets' fields.
func meiliFacets() []string { return []string{mTeam, mTags, mStates} }

// Search runs q with the visibility and facet filters in the Meilisearch filter expression.
func (m *Meilisearch) Search(ctx context.Context, q Query) (Result, error) {
	q, err := normalize(q)
	if err != nil {
		return Result{}, err
	}
	perPage := int64(q.PerPage)
	req := &meilisearch.SearchRequest{
		Query:                 q.Text,
		MatchingStrategy:      meilisearch.Frequency,
		Filter:                meiliFilter(q),
		Facets:                meiliFacets(),
		AttributesToRetrieve:  []string{mID, mSlug, mName, mSummary, mTeam, mTeamName, mState, mDefault, mTags},
		AttributesToHighlight: []string{mName, mTags, mOperations, mSummary, mDescription, mWebhooks},
		AttributesToCrop:      []string{mOperations, mSummary, mDescription, mWebhooks},
		CropLength:            30,
		HighlightPreTag:       "<mark>",
		HighlightPostTag:      "</mark>",
		Page:                  int64(q.Page),
		HitsPerPage:           &perPage,
	}
	switch {
	case q.Sort == SortUpdated:
		req.Sort = []string{mUpdatedAt + ":desc", mNameKey + ":asc", mID + ":asc"}
	case q.Sort == SortName || q.Text == "":
		req.Sort = []string{mNameKey + ":asc", mID + ":asc"}
	}
	// Disjunctive facets: a facet with a filter is counted by a second
	// query without that filter, sent with the main one in one request.
	var facetOnly []string
	queries := []*meilisearch.SearchRequest{req}
	for _, f := range []struct {
		attr   string
		active bool
	}{{mTeam, len(q.Teams) > 0}, {mTags, len(q.Tags) > 0}, {mStates, len(q.States) > 0}} {
		if !f.active {
			continue
		}
		other := q
		switch f.attr {
		case mTeam:
			other.Teams = nil
		case mTags:
			other.Tags = nil
		case mStates:
			other.States = nil
		}
		zero := int64(0)
		queries = append(queries, &meilisearch.SearchRequest{
			IndexUID: m.uid, Query: q.Text, MatchingStrategy: meilisearch.Frequency, Filter: meiliFilter(other), Facets: []string{f.attr},
			AttributesToRetrieve: []string{mID}, Page: 1, HitsPerPage: &zero,
		})
		facetOnly = append(facetOnly, f.attr)
	}
	resp, counts, err := m.send(ctx, q.Text, req, queries)
	var me *meilisearch.Error
	if errors.As(err, &me) && me.APIError.Code == meilisearch.APIErrCodeInvalidSearchSort && slices.Contains(req.Sort, mNameKey+":asc") {
		// During a rolling upgrade, an instance of an older version that (re)starts applies its settings, without
		// nameKey among the sortable attributes, until a newer instance starts again: sort by the lowercased name
		// meanwhile, as the older version does, rather than fail.
		req.Sort[slices.Index(req.Sort, mNameKey+":asc")] = mNameSort + ":asc"
		resp, counts, err = m.send(ctx, q.Text, req, queries)
	}
	if err != nil {
		return Result{}, err
	}
	res := Result{Total: int(resp.TotalHits), Hits: make([]Hit, 0, len(resp.Hits)), TeamNames: map[string]string{}}
	for i, raw := range resp.Hits {
		var mh meiliHit
		if err := raw.DecodeInto(&mh); err != nil {
			return Result{}, fmt.Errorf("meilisearch: decode hit %d: %w", i, err)
		}
		h := Hit{ID: mh.ID, Slug: mh.Slug, Name: mh.Name, Summary: mh.Summary, Team: mh.Team, State: mh.State,
			TeamName: mh.TeamName, DefaultVersion: mh.Default, Tags: mh.Tags}
		if q.Text != "" {
			h.Highlights = meiliHighlights(mh.Formatted)
		}
		if h.TeamName != "" {
			res.TeamNames[h.Team] = h.TeamName
		}
		res.Hits = append(res.Hits, h)
	}
	dist, err := meiliDistribution(resp)
	if err != nil {
		return Result{}, err
	}
	for i, attr := range facetOnly {
		own, err := meiliDistribution(counts[i])
		if err != nil {
			return Result{}, err
		}
		dist[attr] = own[attr]
	}
	res.Facets = Facets{
		Teams:  meiliFacet(dist[mTeam], q.FacetLimit),
		Tags:   meiliFacet(dist[mTags], q.FacetLimit),
		States: meiliFacet(dist[mStates], q.FacetLimit),
	}
	return res, nil
}

// meiliDistribution decodes the facet counts of a response.
func meiliDistribution(resp *meilisearch.SearchResponse) (map[string]map[string]int, error) {
	dist := map[string]map[string]int{}
	if len(resp.FacetDistribution) > 0 {
		if err := json.Unmarshal(resp.FacetDistribution, &dist); err != nil {
			return nil, fmt.Errorf("meilisearch: decode facets: %w", err)
		}
	}
	return dist, nil
}

// meiliFilter builds the filter expression: visibility first, then the facet filters, ANDed.
func meiliFilter(q Query) string {
	var clauses []string
	if !q.Viewer.All {
		vis := mVisibility + " = " + meiliQuote(VisibilityPublic)
		if len(q.Viewer.Teams) > 0 {
			vis = "(" + vis + " OR " + meiliIn(mTeam, q.Viewer.Teams) + ")"
		}
		clauses = append(clauses, vis)
	}
	if len(q.Teams) > 0 {
		clauses = append(clauses, meiliIn(mTeam, q.Teams))
	}
	if len(q.Tags) > 0 {
		clauses = append(clauses, meiliIn(mTags, q.Tags))
	}
	if len(q.States) > 0 {
		clauses = append(clauses, meiliIn(mStates, q.States))
	}
	return strings.Join(clauses, " AND ")
}

func meiliIn(attr string, values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = meiliQuote(v)
	}
	return attr + " IN [" + strings.Join(quoted, ", ") + "]"
}

// meiliQuote quotes a filter value, escaping backslashes and double quotes.
func meiliQuote(v string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v) + `"`
}

func meiliFacet(dist map[string]int, limit int) []FacetValue {
	if len(dist) == 0 {
		return nil
	}
	out := make([]FacetValue, 0, len(dist))
	for v, n := range dist {
		if n > 0 {
			out = append(out, FacetValue{Value: v, Count: n})
		}
	}
	return sortFacet(out, limit)
}

// meiliHighlights turns the highlighted (unescaped) attributes of a hit into escaped snippets, best fields first.
func meiliHighlights(formatted map[string]json.RawMessage) []string {
	var out []string
	for _, attr := range []string{mName, mTags, mOperations, mSummary, mDescription, mWebhooks} {
		if len(out) == maxHighlights {
			break
		}
		raw, ok := formatted[attr]
		if !ok {
			continue
		}
		var values []string
		var one string
		if err := json.Unmarshal(raw, &one); err == nil {
			values = []string{one}
		} else if err := json.Unmarshal(raw, &values); err != nil {
			continue
		}
		var snippets []string
		bestCount := 0
		best := ""
		for _, v := range values {
			text, spans := unmark(v, "<mark>", "</mark>")
			s := snippet(text, spans, snippetWidth)
			if s == "" {
				continue
			}
			if attr == mTags {
				snippets = append(snippets, s)
			} else if len(spans) > bestCount {
				best, bestCount = s, len(spans)
			}
		}
		if attr == mTags && len(snippets) > 0 {
			out = append(out, strings.Join(snippets, ", "))
		} else if best != "" {
			out = append(out, best)
		}
	}
	return out
}
