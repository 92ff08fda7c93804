package search

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/meilisearch/meilisearch-go"
	"golang.org/x/text/unicode/norm"

	"github.com/portico-dev/portico/sortkey"
)

const fakeMeiliKey = "test-master-key"

// fakeMeili plays a Meilisearch server for one index. It checks each request against what the Meilisearch API
// documents and answers with the documented shapes: task objects for writes, GET /tasks/{uid}, and search responses
// with hits, _formatted, facetDistribution and totalHits. Search is a simple model of Meilisearch (all words, the last
// one as a prefix, no typos; ranking by the first searchable attribute that matches), enough for the conformance suite.
type fakeMeili struct {
	t   *testing.T
	uid string

	mu            sync.Mutex
	settings      map[string]json.RawMessage // the last settings PATCHed
	settingsN     int                        // how many times
	synonyms      map[string][]string        // the synonyms setting
	docs          map[string]map[string]any
	order         []string // document ids in insertion order
	tasks         map[int64]map[string]any
	nextTask      int64
	failNext      bool             // the next task fails
	searches      []map[string]any // search request bodies
	docAdds       int              // POST /documents requests
	docDeletes    int              // POST /documents/delete-batch requests
	multiSearches int              // POST /multi-search requests
	fetches       int              // POST /documents/fetch requests
	stamp         map[string]any   // the document of the index's own log position (its index exists once written)
	version       string           // the pkgVersion GET /version reports
	versionReads  int              // GET /version requests
}

func newFakeMeili(t *testing.T, uid string) (*fakeMeili, *httptest.Server) {
	f := &fakeMeili{t: t, uid: uid, docs: map[string]map[string]any{}, tasks: map[int64]map[string]any{}, version: "1.15.0"}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeMeili) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if got := r.Header.Get("Authorization"); got != "Bearer "+fakeMeiliKey {
		f.t.Errorf("%s %s: Authorization header: got %q, want %q", r.Method, r.URL.Path, got, "Bearer "+fakeMeiliKey)
		writeMeiliError(w, http.StatusUnauthorized, "invalid_api_key", "auth", "The provided API key is invalid.")
		return
	}
	prefix := "/indexes/" + f.uid
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/version":
		f.versionReads++
		writeJSON(w, http.StatusOK, map[string]any{"commitSha": "b1a2c3d4", "commitDate": "2026-01-05T10:00:00Z", "pkgVersion": f.version})
	case r.Method == http.MethodPatch && r.URL.Path == prefix+"/settings":
		f.patchSettings(w, r)
	case r.Method == http.MethodPut && r.URL.Path == prefix+"/settings/synonyms":
		if err := json.NewDecoder(r.Body).Decode(&f.synonyms); err != nil {
			f.t.Errorf("synonyms body: %v", err)
		}
		f.enqueue(w, "settingsUpdate", map[string]any{"synonyms": f.synonyms})
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/tasks/"):
		f.getTask(w, r)
	case r.Method == http.MethodPost && r.URL.Path == prefix+"/documents":
		f.addDocuments(w, r)
	case r.Method == http.MethodPost && r.URL.Path == prefix+"/documents/fetch":
		f.fetchDocuments(w, r)
	case r.Method == http.MethodPost && r.URL.Path == prefix+"/documents/delete-batch":
		f.deleteBatch(w, r)
	case r.Method == http.MethodDelete && r.URL.Path == prefix+"/documents":
		f.docs = map[string]map[string]any{}
		f.order = nil
		f.enqueue(w, "documentDeletion", map[string]any{"providedIds": 0, "deletedDocuments": 0, "originalFilter": nil})
	case r.Method == http.MethodPost && r.URL.Path == prefix+"/search":
		f.search(w, r)
	case r.Method == http.MethodPost && r.URL.Path == "/multi-search":
		f.multiSearch(w, r)
	case r.Method == http.MethodPost && r.URL.Path == prefix+stampSuffix+"/documents":
		if got := r.URL.Query().Get("primaryKey"); got != "id" {
			f.t.Errorf("add the position document: primaryKey %q, want id", got)
		}
		var docs []map[string]any
		if err := json.NewDecoder(r.Body).Decode(&docs); err != nil || len(docs) != 1 || docs[0]["id"] != stampID {
			f.t.Errorf("the position document: got %v (%v), want one with id %q", docs, err, stampID)
			writeMeiliError(w, http.StatusBadRequest, "malformed_payload", "invalid_request", "bad position document")
			return
		}
		f.stamp = docs[0]
		f.enqueue(w, "documentAdditionOrUpdate", map[string]any{"receivedDocuments": 1, "indexedDocuments": 1})
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, prefix+stampSuffix+"/documents/"):
		switch {
		case f.stamp == nil: // Meilisearch creates an index with its first document
			writeMeiliError(w, http.StatusNotFound, "index_not_found", "invalid_request", "Index `"+f.uid+stampSuffix+"` not found.")
		case r.URL.Path != prefix+stampSuffix+"/documents/"+stampID:
			writeMeiliError(w, http.StatusNotFound, "document_not_found", "invalid_request", "Document not found.")
		default:
			writeJSON(w, http.StatusOK, f.stamp)
		}
	default:
		f.t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
		writeMeiliError(w, http.StatusNotFound, "not_found", "invalid_request", "Not found.")
	}
}

func meiliError(code, typ, msg string) map[string]any {
	return map[string]any{"message": msg, "code": code, "type": typ, "link": "https://docs.meilisearch.com/errors#" + code}
}

func writeMeiliError(w http.ResponseWriter, status int, code, typ, msg string) {
	writeJSON(w, status, map[string]any{
		"message": msg, "code": code, "type": typ, "link": "https://docs.meilisearch.com/errors#" + code,
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// enqueue records a task and answers 202 with the summarized task object.
func (f *fakeMeili) enqueue(w http.ResponseWriter, typ string, details map[string]any) {
	uid := f.nextTask
	f.nextTask++
	now := time.Now().UTC().Format(time.RFC3339Nano)
	task := map[string]any{
		"uid": uid, "batchUid": uid, "indexUid": f.uid, "status": "succeeded", "type": typ,
		"canceledBy": nil, "details": details, "error": nil, "duration": "PT0.001S",
		"enqueuedAt": now, "startedAt": now, "finishedAt": now,
	}
	if f.failNext {
		f.failNext = false
		task["status"] = "failed"
		task["error"] = map[string]any{
			"message": "Index `" + f.uid + "`: internal error.", "code": "internal", "type": "internal",
			"link": "https://docs.meilisearch.com/errors#internal",
		}
	}
	f.tasks[uid] = task
	writeJSON(w, http.StatusAccepted, map[string]any{
		"taskUid": uid, "indexUid": f.uid, "status": "enqueued", "type": typ, "enqueuedAt": now,
	})
}

func (f *fakeMeili) getTask(w http.ResponseWriter, r *http.Request) {
	uid, err := strconv.ParseInt(strings.TrimPrefix(r.URL.Path, "/tasks/"), 10, 64)
	task, ok := f.tasks[uid]
	if err != nil || !ok {
		writeMeiliError(w, http.StatusNotFound, "task_not_found", "invalid_request", "Task not found.")
		return
	}
	writeJSON(w, http.StatusOK, task)
}

func (f *fakeMeili) patchSettings(w http.ResponseWriter, r *http.Request) {
	var s map[string]json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&s); err != nil {
		f.t.Errorf("settings body: %v", err)
		writeMeiliError(w, http.StatusBadRequest, "bad_request", "invalid_request", err.Error())
		return
	}
	var searchable, filterable, sortable, rules []string
	for key, dst := range map[string]*[]string{
		"searchableAttributes": &searchable, "filterableAttributes": &filterable,
		"sortableAttributes": &sortable, "rankingRules": &rules,
	} {
		if err := json.Unmarshal(s[key], dst); err != nil {
			f.t.Errorf("settings %s: got %s, want a list of strings", key, s[key])
		}
	}
	pos := func(a string) int {
		if i := slices.Index(searchable, a); i >= 0 {
			return i
		}
		f.t.Errorf("searchableAttributes %v: %s missing", searchable, a)
		return math.MaxInt
	}
	for _, a := range []string{mName, mSlug, mTags, mSummary} {
		if pos(a) > pos(mOperations) {
			f.t.Errorf("searchableAttributes %v: want %s before operations", searchable, a)
		}
	}
	if pos(mOperations) > pos(mDescription) {
		f.t.Errorf("searchableAttributes %v: want operations before the description", searchable)
	}
	var stop []string
	if err := json.Unmarshal(s["stopWords"], &stop); err != nil || !slices.Contains(stop, "the") || !slices.Contains(stop, "to") {
		f.t.Errorf("stopWords: got %s, want the English stop words", s["stopWords"])
	}
	var typo struct {
		Enabled             bool           `json:"enabled"`
		MinWordSizeForTypos map[string]int `json:"minWordSizeForTypos"`
		DisableOnAttributes []string       `json:"disableOnAttributes"`
	}
	if err := json.Unmarshal(s["typoTolerance"], &typo); err != nil || !typo.Enabled ||
		typo.MinWordSizeForTypos["oneTypo"] != 5 || typo.MinWordSizeForTypos["twoTypos"] != 9 ||
		!slices.Contains(typo.DisableOnAttributes, mDescription) || slices.Contains(typo.DisableOnAttributes, mName) {
		f.t.Errorf("typoTolerance: got %s, want typos from 5 and 9 letters, not in descriptions", s["typoTolerance"])
	}
	for _, a := range []string{mVisibility, mTeam, mTags, mState} {
		if !slices.Contains(filterable, a) {
			f.t.Errorf("filterableAttributes %v: want %s", filterable, a)
		}
	}
	// nameSort stays sortable for the instances of older versions, which sort by it (a rolling upgrade).
	for _, a := range []string{mNameKey, mNameSort, mUpdatedAt} {
		if !slices.Contains(sortable, a) {
			f.t.Errorf("sortableAttributes %v: want %s", sortable, a)
		}
	}
	for _, rule := range []string{"words", "typo", "proximity", "attribute", "sort", "exactness"} {
		if !slices.Contains(rules, rule) {
			f.t.Errorf("rankingRules %v: want %s", rules, rule)
		}
	}
	var pagination struct {
		MaxTotalHits int `json:"maxTotalHits"`
	}
	if err := json.Unmarshal(s["pagination"], &pagination); err != nil || pagination.MaxTotalHits < 10000 {
		f.t.Errorf("pagination: got %s, want maxTotalHits of at least 10000", s["pagination"])
	}
	f.settings = s
	f.settingsN++
	f.enqueue(w, "settingsUpdate", map[string]any{"searchableAttributes": searchable})
}

func (f *fakeMeili) stringList(key string) []string {
	var out []string
	_ = json.Unmarshal(f.settings[key], &out)
	return out
}

func (f *fakeMeili) addDocuments(w http.ResponseWriter, r *http.Request) {
	if got := r.Header.Get("Content-Type"); !strings.HasPrefix(got, "application/json") {
		f.t.Errorf("add documents Content-Type: got %q, want application/json", got)
	}
	if got := r.URL.Query().Get("primaryKey"); got != "id" {
		f.t.Errorf("add documents primaryKey: got %q, want id", got)
	}
	var docs []map[string]any
	if err := json.NewDecoder(r.Body).Decode(&docs); err != nil {
		f.t.Errorf("add documents body: %v", err)
		writeMeiliError(w, http.StatusBadRequest, "malformed_payload", "invalid_request", err.Error())
		return
	}
	f.docAdds++
	for _, d := range docs {
		id, ok := d["id"].(string)
		if !ok || id == "" {
			f.t.Errorf("document without a string id: %v", d)
			continue
		}
		if _, exists := f.docs[id]; !exists {
			f.order = append(f.order, id)
		}
		f.docs[id] = d
	}
	f.enqueue(w, "documentAdditionOrUpdate", map[string]any{"receivedDocuments": len(docs), "indexedDocuments": len(docs)})
}

// fetchDocuments answers POST /documents/fetch: a page of the documents (in the order they were first added), each
// with the fields asked for that it has.
func (f *fakeMeili) fetchDocuments(w http.ResponseWriter, r *http.Request) {
	var q struct {
		Offset *int     `json:"offset"`
		Limit  *int     `json:"limit"`
		Fields []string `json:"fields"`
		Filter any      `json:"filter"`
	}
	if err := json.NewDecoder(r.Body).Decode(&q); err != nil || q.Filter != nil {
		f.t.Errorf("fetch documents body: %+v, %v; want no filter", q, err)
		writeMeiliError(w, http.StatusBadRequest, "bad_request", "invalid_request", "bad fetch")
		return
	}
	offset, limit := 0, 20
	if q.Offset != nil {
		offset = *q.Offset
	}
	if q.Limit != nil {
		limit = *q.Limit
	}
	f.fetches++
	results := []map[string]any{}
	for _, id := range f.order[min(offset, len(f.order)):min(offset+limit, len(f.order))] {
		d := f.docs[id]
		if q.Fields != nil {
			d = map[string]any{}
			for _, k := range q.Fields {
				if v, ok := f.docs[id][k]; ok {
					d[k] = v
				}
			}
		}
		results = append(results, d)
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": results, "offset": offset, "limit": limit, "total": len(f.order)})
}

func (f *fakeMeili) deleteBatch(w http.ResponseWriter, r *http.Request) {
	var ids []string
	if err := json.NewDecoder(r.Body).Decode(&ids); err != nil {
		f.t.Errorf("delete-batch body: %v", err)
		writeMeiliError(w, http.StatusBadRequest, "malformed_payload", "invalid_request", err.Error())
		return
	}
	f.docDeletes++
	deleted := 0
	for _, id := range ids {
		if _, ok := f.docs[id]; ok {
			delete(f.docs, id)
			f.order = slices.DeleteFunc(f.order, func(s string) bool { return s == id })
			deleted++
		}
	}
	f.enqueue(w, "documentDeletion", map[string]any{"providedIds": len(ids), "deletedDocuments": deleted})
}

type fakeSearchRequest struct {
	Q                     string   `json:"q"`
	Filter                any      `json:"filter"`
	Facets                []string `json:"facets"`
	AttributesToRetrieve  []string `json:"attributesToRetrieve"`
	AttributesToHighlight []string `json:"attributesToHighlight"`
	AttributesToCrop      []string `json:"attributesToCrop"`
	HighlightPreTag       string   `json:"highlightPreTag"`
	HighlightPostTag      string   `json:"highlightPostTag"`
	Page                  int      `json:"page"`
	HitsPerPage           *int     `json:"hitsPerPage"`
	Sort                  []string `json:"sort"`
	MatchingStrategy      string   `json:"matchingStrategy"`
}

func (f *fakeMeili) search(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeMeiliError(w, http.StatusBadRequest, "bad_request", "invalid_request", err.Error())
		return
	}
	status, out := f.runSearch(body, false)
	writeJSON(w, status, out)
}

// multiSearch answers POST /multi-search: each query as /indexes/{uid}/search would, in order.
func (f *fakeMeili) multiSearch(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Queries []json.RawMessage `json:"queries"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		f.t.Errorf("multi-search body: %v", err)
		writeMeiliError(w, http.StatusBadRequest, "bad_request", "invalid_request", err.Error())
		return
	}
	f.multiSearches++
	var results []any
	for _, q := range req.Queries {
		var head struct {
			IndexUID string `json:"indexUid"`
		}
		if err := json.Unmarshal(q, &head); err != nil || head.IndexUID != f.uid {
			f.t.Errorf("multi-search query for index %q, want %q", head.IndexUID, f.uid)
		}
		status, out := f.runSearch(q, true)
		if status != http.StatusOK {
			writeJSON(w, status, out)
			return
		}
		out["indexUid"] = f.uid
		results = append(results, out)
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": results})
}

// runSearch runs one search request body and returns the status and the response body.
func (f *fakeMeili) runSearch(body []byte, multi bool) (int, map[string]any) {
	if f.settings == nil {
		f.t.Errorf("search before the index settings were applied")
	}
	var raw map[string]any
	var req fakeSearchRequest
	err := json.Unmarshal(body, &raw)
	if err == nil {
		err = json.Unmarshal(body, &req)
	}
	if err != nil {
		f.t.Errorf("search body: %v", err)
		return http.StatusBadRequest, meiliError("bad_request", "invalid_request", err.Error())
	}
	if req.Q != "" && req.MatchingStrategy != "frequency" {
		f.t.Errorf("search %q: matchingStrategy %q, want frequency (any word may match, the most common given up first)", req.Q, req.MatchingStrategy)
	}
	f.searches = append(f.searches, raw)
	facetOnly := req.HitsPerPage != nil && *req.HitsPerPage == 0
	if facetOnly && !multi {
		f.t.Errorf("a facet-only query outside a multi-search")
	}
	for _, a := range req.Facets {
		if !slices.Contains(f.stringList("filterableAttributes"), a) {
			return http.StatusBadRequest, meiliError("invalid_search_facets", "invalid_request", "Attribute `"+a+"` is not filterable.")
		}
	}
	if facetOnly {
		if len(req.Facets) != 1 {
			f.t.Errorf("facet-only query with facets %v: want one", req.Facets)
		}
	} else {
		for _, a := range []string{mTeam, mTags, mStates} {
			if !slices.Contains(req.Facets, a) {
				f.t.Errorf("facets %v: want %s", req.Facets, a)
			}
		}
	}
	if !facetOnly && (req.HighlightPreTag != "<mark>" || req.HighlightPostTag != "</mark>") {
		f.t.Errorf("highlight tags: got %q %q, want <mark> </mark>", req.HighlightPreTag, req.HighlightPostTag)
	}
	if len(req.AttributesToHighlight) == 0 && !facetOnly {
		f.t.Errorf("attributesToHighlight: got none, want the searched attributes")
	}
	if req.Page < 1 || req.HitsPerPage == nil || *req.HitsPerPage < 0 || *req.HitsPerPage > MaxPerPage {
		f.t.Errorf("page %d, hitsPerPage %v: want page >= 1 and 0 <= hitsPerPage <= %d", req.Page, req.HitsPerPage, MaxPerPage)
		return http.StatusBadRequest, meiliError("invalid_search_page", "invalid_request", "bad page")
	}
	match := func(map[string]any) bool { return true }
	if req.Filter != nil {
		s, ok := req.Filter.(string)
		if !ok {
			f.t.Errorf("filter: got %T, want a string expression", req.Filter)
		}
		if s != "" {
			m, err := parseFakeFilter(s, f.stringList("filterableAttributes"))
			if err != nil {
				return http.StatusBadRequest, meiliError("invalid_search_filter", "invalid_request", err.Error())
			}
			match = m
		}
	}
	for _, s := range req.Sort {
		attr, _, _ := strings.Cut(s, ":")
		if !slices.Contains(f.stringList("sortableAttributes"), attr) {
			return http.StatusBadRequest, meiliError("invalid_search_sort", "invalid_request",
				"Attribute `"+attr+"` is not sortable.")
		}
	}

	words := fakeWords(req.Q)
	searchable := f.stringList("searchableAttributes")
	type scored struct {
		doc   map[string]any
		rank  int
		order int
	}
	var found []scored
	for i, id := range f.order {
		d := f.docs[id]
		if !match(d) {
			continue
		}
		rank, ok := fakeRank(d, words, searchable)
		if ok {
			found = append(found, scored{d, rank, i})
		}
	}
	sort.SliceStable(found, func(i, j int) bool {
		for _, s := range req.Sort {
			attr, dir, _ := strings.Cut(s, ":")
			c := compareValues(meiliSortValue(found[i].doc[attr]), meiliSortValue(found[j].doc[attr]))
			if dir == "desc" {
				c = -c
			}
			if c != 0 {
				return c < 0
			}
		}
		if found[i].rank != found[j].rank {
			return found[i].rank < found[j].rank
		}
		return found[i].order < found[j].order
	})

	dist := map[string]map[string]int{}
	for _, facet := range req.Facets {
		dist[facet] = map[string]int{}
		for _, s := range found {
			for _, v := range stringValues(s.doc[facet]) {
				dist[facet][v]++
			}
		}
	}
	per := *req.HitsPerPage
	from := min((req.Page-1)*per, len(found))
	to := min(from+per, len(found))
	hits := make([]map[string]any, 0, to-from)
	for _, s := range found[from:to] {
		hits = append(hits, fakeHit(s.doc, req, words))
	}
	pages := 0
	if per > 0 {
		pages = (len(found) + per - 1) / per
	}
	return http.StatusOK, map[string]any{
		"hits": hits, "query": req.Q, "processingTimeMs": 1, "hitsPerPage": per, "page": req.Page,
		"totalPages": pages, "totalHits": len(found), "facetDistribution": dist,
	}
}

// fakeWords splits text into lowercase words as a tokenizer would.
func fakeWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// fakeMatches reports whether a document word matches a query word: exactly, or as a prefix for the last query word.
func fakeMatches(docWord, queryWord string, last bool) bool {
	return docWord == queryWord || (last && strings.HasPrefix(docWord, queryWord))
}

// fakeRank reports whether a query word matches one of the searchable attributes, and ranks as the "words" and
// "attribute" rules do: documents matching more of the words first, then by the attributes they match in.
func fakeRank(d map[string]any, words, searchable []string) (int, bool) {
	rank, matched := 0, 0
	for wi, w := range words {
		best := -1
		for ai, attr := range searchable {
			for _, v := range stringValues(d[attr]) {
				for _, dw := range fakeWords(v) {
					if fakeMatches(dw, w, wi == len(words)-1) {
						best = ai
						break
					}
				}
				if best >= 0 {
					break
				}
			}
			if best >= 0 {
				break
			}
		}
		if best >= 0 {
			matched++
			rank += best
		}
	}
	if matched == 0 && len(words) > 0 {
		return 0, false
	}
	return (len(words)-matched)*1000 + rank, true
}

func stringValues(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// meiliSortValue is the value Meilisearch sorts a document by: a string as its facet databases keep it (milli's
// normalize_facet, then cut to MAX_FACET_VALUE_LENGTH, 468 bytes, at a character's start), compared byte by byte.
func meiliSortValue(v any) any {
	s, ok := v.(string)
	if !ok {
		return v
	}
	s = strings.ToLower(norm.NFKD.String(strings.TrimFunc(s, unicode.IsSpace)))
	if len(s) > meiliMaxFacetValueLength {
		n := meiliMaxFacetValueLength
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		s = s[:n]
	}
	return s
}

// meiliMaxFacetValueLength is how many bytes of a string Meilisearch keeps to sort and filter by.
const meiliMaxFacetValueLength = 468

func compareValues(a, b any) int {
	switch a := a.(type) {
	case float64:
		bf, _ := b.(float64)
		switch {
		case a < bf:
			return -1
		case a > bf:
			return 1
		}
		return 0
	case string:
		bs, _ := b.(string)
		return strings.Compare(a, bs)
	}
	return 0
}

// fakeHit is a hit as Meilisearch returns it: the retrieved attributes and _formatted with the highlighted (and
// cropped) attributes, where matches are wrapped in the tags and nothing is escaped.
func fakeHit(d map[string]any, req fakeSearchRequest, words []string) map[string]any {
	hit := map[string]any{}
	retrieve := req.AttributesToRetrieve
	if len(retrieve) == 0 {
		for k := range d {
			retrieve = append(retrieve, k)
		}
	}
	for _, a := range retrieve {
		if v, ok := d[a]; ok {
			hit[a] = v
		}
	}
	formatted := map[string]any{}
	for _, a := range retrieve {
		if v, ok := d[a]; ok {
			formatted[a] = v
		}
	}
	for _, a := range append(slices.Clone(req.AttributesToHighlight), req.AttributesToCrop...) {
		switch v := d[a].(type) {
		case string:
			formatted[a] = fakeHighlight(v, words, req.HighlightPreTag, req.HighlightPostTag)
		case []any:
			out := make([]any, len(v))
			for i, e := range v {
				s, _ := e.(string)
				out[i] = fakeHighlight(s, words, req.HighlightPreTag, req.HighlightPostTag)
			}
			formatted[a] = out
		}
	}
	hit["_formatted"] = formatted
	return hit
}

func fakeHighlight(s string, words []string, pre, post string) string {
	var b strings.Builder
	rs := []rune(s)
	for i := 0; i < len(rs); {
		if !unicode.IsLetter(rs[i]) && !unicode.IsDigit(rs[i]) {
			b.WriteRune(rs[i])
			i++
			continue
		}
		j := i
		for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j])) {
			j++
		}
		word := string(rs[i:j])
		hit := false
		for wi, w := range words {
			if fakeMatches(strings.ToLower(word), w, wi == len(words)-1) {
				hit = true
			}
		}
		if hit {
			b.WriteString(pre + word + post)
		} else {
			b.WriteString(word)
		}
		i = j
	}
	return b.String()
}

// parseFakeFilter parses the filter expressions of the Meilisearch syntax that the adapter uses: attr = "v",
// attr IN ["a", "b"], AND, OR and parentheses. Attributes must be filterable.
func parseFakeFilter(s string, filterable []string) (func(map[string]any) bool, error) {
	toks, err := lexFilter(s)
	if err != nil {
		return nil, err
	}
	p := &filterParser{toks: toks, filterable: filterable}
	m, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.i != len(p.toks) {
		return nil, fmt.Errorf("filter %q: unexpected %q", s, p.toks[p.i])
	}
	return m, nil
}

func lexFilter(s string) ([]string, error) {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ':
			i++
		case strings.ContainsRune("()[],=", rune(c)):
			toks = append(toks, string(c))
			i++
		case c == '"':
			var b strings.Builder
			b.WriteByte('"')
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				b.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, fmt.Errorf("filter %q: unterminated string", s)
			}
			i++
			toks = append(toks, b.String())
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(` ()[],="`, rune(s[j])) {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks, nil
}

type filterParser struct {
	toks       []string
	i          int
	filterable []string
}

func (p *filterParser) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return ""
}

func (p *filterParser) next() string {
	t := p.peek()
	p.i++
	return t
}

func (p *filterParser) or() (func(map[string]any) bool, error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.peek() == "OR" {
		p.next()
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		l = func(l, r func(map[string]any) bool) func(map[string]any) bool {
			return func(d map[string]any) bool { return l(d) || r(d) }
		}(l, r)
	}
	return l, nil
}

func (p *filterParser) and() (func(map[string]any) bool, error) {
	l, err := p.atom()
	if err != nil {
		return nil, err
	}
	for p.peek() == "AND" {
		p.next()
		r, err := p.atom()
		if err != nil {
			return nil, err
		}
		l = func(l, r func(map[string]any) bool) func(map[string]any) bool {
			return func(d map[string]any) bool { return l(d) && r(d) }
		}(l, r)
	}
	return l, nil
}

func (p *filterParser) value() (string, error) {
	t := p.next()
	if !strings.HasPrefix(t, `"`) {
		return "", fmt.Errorf("filter: want a quoted value, got %q", t)
	}
	return t[1:], nil
}

func (p *filterParser) atom() (func(map[string]any) bool, error) {
	if p.peek() == "(" {
		p.next()
		m, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.next() != ")" {
			return nil, fmt.Errorf("filter: missing )")
		}
		return m, nil
	}
	attr := p.next()
	if !slices.Contains(p.filterable, attr) {
		return nil, fmt.Errorf("filter: attribute `%s` is not filterable", attr)
	}
	var values []string
	switch op := p.next(); op {
	case "=":
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		values = []string{v}
	case "IN":
		if p.next() != "[" {
			return nil, fmt.Errorf("filter: want [ after IN")
		}
		for {
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			values = append(values, v)
			if sep := p.next(); sep == "]" {
				break
			} else if sep != "," {
				return nil, fmt.Errorf("filter: want , or ], got %q", sep)
			}
		}
	default:
		return nil, fmt.Errorf("filter: unsupported operator %q", op)
	}
	return func(d map[string]any) bool {
		for _, v := range stringValues(d[attr]) {
			if slices.Contains(values, v) {
				return true
			}
		}
		return false
	}, nil
}

// newMeiliOnFake opens the index "apis" on a fake Meilisearch server, closed at the end of the test.
func newMeiliOnFake(t *testing.T) (*fakeMeili, *Meilisearch) {
	t.Helper()
	f, srv := newFakeMeili(t, "apis")
	m, err := NewMeilisearch(srv.URL, fakeMeiliKey, "apis")
	if err != nil {
		t.Fatalf("NewMeilisearch: got error %v, want nil", err)
	}
	t.Cleanup(func() { _ = m.Close() })
	return f, m
}

// TestMeilisearchMinimumVersion: opening the index reads the server's version first and refuses a server older than
// the features it uses need, naming the version found and the minimum, before it changes any setting.
func TestMeilisearchMinimumVersion(t *testing.T) {
	for _, tc := range []struct {
		version string
		ok      bool
	}{
		{"1.15.0", true}, {"1.15.0-rc.1", true}, {"1.16.2", true}, {"2.0.0", true},
		{"1.14.9", false}, {"1.2.0", false}, {"1.9.1", false}, {"0.30.5", false}, {"", false}, {"nightly", false},
	} {
		t.Run(tc.version, func(t *testing.T) {
			f, srv := newFakeMeili(t, "apis")
			f.version = tc.version
			m, err := NewMeilisearch(srv.URL, fakeMeiliKey, "apis")
			if m != nil {
				t.Cleanup(func() { _ = m.Close() })
			}
			f.mu.Lock()
			defer f.mu.Unlock()
			if f.versionReads != 1 {
				t.Errorf("GET /version: %d requests, want 1", f.versionReads)
			}
			if tc.ok {
				if err != nil {
					t.Fatalf("NewMeilisearch on %q: got error %v, want nil", tc.version, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("NewMeilisearch on %q: got no error, want a refusal naming the version and the minimum", tc.version)
			}
			for _, want := range []string{fmt.Sprintf("%q", tc.version), "1.15 or later"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("NewMeilisearch on %q: error %q, want it to name %s", tc.version, err, want)
				}
			}
			if f.settingsN != 0 {
				t.Errorf("settings updated %d times on a refused server, want 0", f.settingsN)
			}
		})
	}
}

func openFakeMeili(t *testing.T) Index {
	t.Helper()
	_, m := newMeiliOnFake(t)
	return m
}

func TestMeilisearchConformanceFake(t *testing.T) {
	runConformance(t, openFakeMeili)
}

// realMeiliOpener opens indexes on the Meilisearch server named by PORTICO_TEST_MEILISEARCH_URL, each with a unique
// name, deleted after its test.
func realMeiliOpener() (opener, bool) {
	url := os.Getenv("PORTICO_TEST_MEILISEARCH_URL")
	if url == "" {
		return nil, false
	}
	key := os.Getenv("PORTICO_TEST_MEILISEARCH_KEY")
	var n atomic.Int64
	run := time.Now().UnixNano()
	return func(t *testing.T) Index {
		t.Helper()
		name := fmt.Sprintf("portico_test_%d_%d", run, n.Add(1))
		m, err := NewMeilisearch(url, key, name)
		if err != nil {
			t.Fatalf("NewMeilisearch: got error %v, want nil", err)
		}
		t.Cleanup(func() {
			ctx := context.Background()
			var opts []meilisearch.Option
			if key != "" {
				opts = append(opts, meilisearch.WithAPIKey(key))
			}
			client := meilisearch.New(url, opts...)
			defer client.Close()
			task, err := client.DeleteIndex(ctx, name)
			if err != nil {
				t.Errorf("delete index %s: %v", name, err)
				return
			}
			if _, err := client.WaitForTask(ctx, task.TaskUID, 50*time.Millisecond); err != nil {
				t.Errorf("delete index %s: %v", name, err)
			}
			_ = m.Close()
		})
		return m
	}, true
}

func TestMeilisearchConformanceReal(t *testing.T) {
	open, ok := realMeiliOpener()
	if !ok {
		t.Skip("PORTICO_TEST_MEILISEARCH_URL is not set")
	}
	runConformance(t, open)
}

func TestMeilisearchSettingsAreIdempotent(t *testing.T) {
	f, srv := newFakeMeili(t, "apis")
	for i := range 2 {
		m, err := NewMeilisearch(srv.URL, fakeMeiliKey, "apis")
		if err != nil {
			t.Fatalf("NewMeilisearch #%d: got error %v, want nil", i+1, err)
		}
		_ = m.Close()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.settingsN != 2 {
		t.Errorf("settings updates: got %d, want 2", f.settingsN)
	}
	want := []string{mName, mSlug, mTags, mSummary, mOperations, mOpWords, mDescription, mWebhooks, mTeamName, mVersions}
	if got := f.stringList("searchableAttributes"); !slices.Equal(got, want) {
		t.Errorf("searchableAttributes: got %v, want %v", got, want)
	}
}

func TestMeilisearchSearchRequest(t *testing.T) {
	f, m := newMeiliOnFake(t)
	tests := []struct {
		name       string
		q          Query
		wantFilter string
		wantSort   []any
		wantPage   float64
		wantPer    float64
		// wantFacets are the filters of the facet-only queries, by facet.
		wantFacets map[string]string
	}{
		{
			name:       "outsider with filters",
			q:          Query{Text: "maps", Teams: []string{"maps"}, Tags: []string{"geo", `we"ird\`}, States: []string{"published"}, Viewer: Viewer{Teams: []string{"a", "b"}}, Sort: SortName, Page: 2, PerPage: 5},
			wantFilter: `(visibility = "public" OR team IN ["a", "b"]) AND team IN ["maps"] AND tags IN ["geo", "we\"ird\\"] AND states IN ["published"]`,
			wantSort:   []any{"nameKey:asc", "id:asc"},
			wantPage:   2, wantPer: 5,
			wantFacets: map[string]string{
				"team":   `(visibility = "public" OR team IN ["a", "b"]) AND tags IN ["geo", "we\"ird\\"] AND states IN ["published"]`,
				"tags":   `(visibility = "public" OR team IN ["a", "b"]) AND team IN ["maps"] AND states IN ["published"]`,
				"states": `(visibility = "public" OR team IN ["a", "b"]) AND team IN ["maps"] AND tags IN ["geo", "we\"ird\\"]`,
			},
		},
		{
			name:       "viewer without teams, relevance",
			q:          Query{Text: "maps"},
			wantFilter: `visibility = "public"`,
			wantPage:   1, wantPer: 20,
		},
		{
			name:     "admin, newest first, per page capped",
			q:        Query{Viewer: Viewer{All: true}, Sort: SortUpdated, PerPage: 500},
			wantSort: []any{"updatedAt:desc", "nameKey:asc", "id:asc"},
			wantPage: 1, wantPer: 100,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.mu.Lock()
			before := len(f.searches)
			f.mu.Unlock()
			if _, err := m.Search(context.Background(), tt.q); err != nil {
				t.Fatalf("Search: got error %v, want nil", err)
			}
			f.mu.Lock()
			req := f.searches[before]
			facetQueries := f.searches[before+1:]
			f.mu.Unlock()
			gotFacets := map[string]string{}
			for _, fq := range facetQueries {
				facets, _ := fq["facets"].([]any)
				if len(facets) != 1 || fq["hitsPerPage"] != 0.0 {
					t.Errorf("facet-only query: got facets %v, hitsPerPage %v, want one facet and 0", facets, fq["hitsPerPage"])
					continue
				}
				gotFacets[facets[0].(string)], _ = fq["filter"].(string)
			}
			if len(gotFacets) != len(tt.wantFacets) {
				t.Errorf("facet-only queries: got %v, want %v", gotFacets, tt.wantFacets)
			}
			for k, want := range tt.wantFacets {
				if gotFacets[k] != want {
					t.Errorf("facet-only query of %s: filter got %q, want %q", k, gotFacets[k], want)
				}
			}
			if got, _ := req["filter"].(string); got != tt.wantFilter {
				t.Errorf("filter: got %q, want %q", got, tt.wantFilter)
			}
			gotSort, _ := req["sort"].([]any)
			if !slices.Equal(gotSort, tt.wantSort) {
				t.Errorf("sort: got %v, want %v", gotSort, tt.wantSort)
			}
			if req["page"] != tt.wantPage || req["hitsPerPage"] != tt.wantPer {
				t.Errorf("page, hitsPerPage: got %v, %v, want %v, %v", req["page"], req["hitsPerPage"], tt.wantPage, tt.wantPer)
			}
			if req["q"] != tt.q.Text {
				t.Errorf("q: got %v, want %q", req["q"], tt.q.Text)
			}
		})
	}
}

func TestMeilisearchFailedTaskIsAnError(t *testing.T) {
	f, m := newMeiliOnFake(t)
	f.mu.Lock()
	f.failNext = true
	f.mu.Unlock()
	err := m.Upsert(context.Background(), conformanceCorpus()[0])
	if err == nil || !strings.Contains(err.Error(), "failed") {
		t.Errorf("Upsert with a failing task: got error %v, want one that says the task failed", err)
	}
}

func TestMeilisearchUpsertBatches(t *testing.T) {
	f, m := newMeiliOnFake(t)
	docs := make([]Document, meiliBatchSize+1)
	for i := range docs {
		docs[i] = Document{ID: fmt.Sprintf("api-%d", i), Name: fmt.Sprintf("API %d", i), Visibility: VisibilityPublic}
	}
	if err := m.Upsert(context.Background(), docs...); err != nil {
		t.Fatalf("Upsert: got error %v, want nil", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.docAdds != 2 || len(f.docs) != len(docs) {
		t.Errorf("document requests, documents: got %d, %d, want 2, %d", f.docAdds, len(f.docs), len(docs))
	}
}

// Webhooks and callbacks are kept apart from the operations the API serves, in an attribute that ranks with the
// descriptions; a callback is named by its name, not its URL expression.
func TestMeiliDocKeepsWebhooksApart(t *testing.T) {
	d := toMeiliDoc(Document{ID: "1", Name: "Shop", Operations: []Operation{
		{Method: "post", Path: "/orders", OperationID: "placeOrder", Summary: "Place an order"},
		{Method: "post", Path: "ORDER_SHIPPED", OperationID: "onOrderShipped", Summary: "An order was shipped", Webhook: true},
		{Method: "post", Path: "{$request.body#/callbackUrl}", Summary: "The order was paid", Callback: "payment-status"},
	}})
	if want := []string{"POST /orders · Place an order · placeOrder"}; !slices.Equal(d.Operations, want) {
		t.Errorf("operations: got %q, want %q", d.Operations, want)
	}
	if want := []string{"WEBHOOK POST ORDER_SHIPPED · An order was shipped · onOrderShipped", "CALLBACK POST payment-status · The order was paid",
		"order shipped on payment status"}; !slices.Equal(d.Webhooks, want) {
		t.Errorf("webhooks: got %q, want %q", d.Webhooks, want)
	}
	if d.OpWords != "orders place order" {
		t.Errorf("opWords: got %q, want the served operations' words only", d.OpWords)
	}
	s := meiliSettings()
	if i, j := slices.Index(s.SearchableAttributes, mWebhooks), slices.Index(s.SearchableAttributes, mDescription); i != j+1 {
		t.Errorf("searchable attributes: got %v, want webhooks right after the description", s.SearchableAttributes)
	}
}

// TestMeilisearchKeepsItsOwnPosition: the log position the feed records in a Meilisearch index reads back; an index
// that never recorded one (its position index does not exist yet) has none, without an error.
func TestMeilisearchKeepsItsOwnPosition(t *testing.T) {
	ctx := context.Background()
	_, m := newMeiliOnFake(t)
	if got, ok, err := m.Stamp(ctx); err != nil || ok {
		t.Errorf("a new index's position: %+v %v %v, want none and no error", got, ok, err)
	}
	want := LogPosition{Entry: 41, Stamp: 1796530000123456}
	if err := m.SetStamp(ctx, want); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := m.Stamp(ctx); err != nil || !ok || got != want {
		t.Errorf("position read back: %+v %v %v, want %+v", got, ok, err, want)
	}
}

// TestMeiliNameKeyKeepsTheOrder: Meilisearch, comparing nameKey as it keeps a sortable string (trimmed, decomposed,
// lowercased, cut), orders names as sortkey.Of does; the key itself would not survive that (names alike but for case
// would tie, a name beginning with "'" would lose its tab).
func TestMeiliNameKeyKeepsTheOrder(t *testing.T) {
	names := []string{"", "'quoted", "+plus", " lead", "_underscore", "1st", "alpha", "api 2", "api 10", "Beta", "eagle",
		"Emile", "emile", "Émile", "straße", "zeta", "Zulu", "Ꭰ cherokee", "Ωmega", "\xff", strings.Repeat("x", 200)}
	for _, a := range names {
		ka := meiliNameKey(a)
		if v := meiliSortValue(ka); v != ka[:min(len(ka), meiliMaxFacetValueLength)] {
			t.Errorf("meiliNameKey(%q) = %q: Meilisearch keeps %q of it, not its first bytes", a, ka, v)
		}
		for _, b := range names {
			want := strings.Compare(sortkey.Of(a), sortkey.Of(b))
			if got := compareValues(meiliSortValue(ka), meiliSortValue(meiliNameKey(b))); got != want {
				t.Errorf("%q against %q: Meilisearch compares their nameKeys %d, sortkey.Of %d", a, b, got, want)
			}
		}
	}
	if got := compareValues(meiliSortValue(sortkey.Of("Emile")), meiliSortValue(sortkey.Of("emile"))); got != 0 {
		t.Errorf("the model of Meilisearch's sort values: sortkey.Of of Emile against emile compared %d, want 0 (lowercased alike)", got)
	}
}

// TestMeilisearchOutdatedLayout: an index that has no position of its own must be rebuilt; one whose position an
// older version recorded (without a layout) need not, once the documents that version wrote are rewritten.
func TestMeilisearchOutdatedLayout(t *testing.T) {
	ctx := context.Background()
	f, m := newMeiliOnFake(t)
	if why, err := m.Outdated(ctx); err != nil || why == "" {
		t.Errorf("an index without a position of its own: Outdated %q, %v; want a reason", why, err)
	}
	f.mu.Lock()
	f.stamp = map[string]any{"id": stampID, "entry": 7.0, "stamp": 1796530000123456.0} // as an older version writes it
	f.mu.Unlock()
	if why, err := m.Outdated(ctx); err != nil || why != "" {
		t.Errorf("an index whose position an older version recorded: Outdated %q, %v; want none", why, err)
	}
	if got, ok, err := m.Stamp(ctx); err != nil || !ok || got.Entry != 7 {
		t.Errorf("the position an older version recorded: %+v %v %v, want entry 7", got, ok, err)
	}
}

// TestMeilisearchOlderDocuments: during a rolling upgrade an older version replaces the documents it writes with its
// own, without nameKey, and records the position without a layout: OlderDocuments names those documents, and only
// them, through every page of the index's documents; once this version recorded its position, it looks at none.
func TestMeilisearchOlderDocuments(t *testing.T) {
	ctx := context.Background()
	f, m := newMeiliOnFake(t)
	docs := make([]Document, meiliBatchSize+2)
	for i := range docs {
		docs[i] = Document{ID: strconv.Itoa(i + 1), Name: fmt.Sprintf("API %d", i+1), Visibility: VisibilityPublic}
	}
	if err := m.Upsert(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	if err := m.SetStamp(ctx, LogPosition{Entry: 7}); err != nil {
		t.Fatal(err)
	}
	if older, err := m.OlderDocuments(ctx); err != nil || older != nil {
		t.Errorf("this version recorded the position: OlderDocuments %v, %v; want nil", older, err)
	}
	f.mu.Lock()
	if f.fetches != 0 {
		t.Errorf("this version recorded the position: %d fetches of documents, want none", f.fetches)
	}
	// An older instance applies changes of APIs 2 and 1002 (the second page), then records its position.
	for _, id := range []string{"2", strconv.Itoa(meiliBatchSize + 2)} {
		d := f.docs[id]
		delete(d, mNameKey)
		f.docs[id] = d
	}
	f.stamp = map[string]any{"id": stampID, "entry": 9.0, "stamp": 1796530000123456.0}
	f.mu.Unlock()
	older, err := m.OlderDocuments(ctx)
	if want := []string{"2", strconv.Itoa(meiliBatchSize + 2)}; err != nil || !slices.Equal(older, want) {
		t.Errorf("after an older version wrote: OlderDocuments %v, %v; want %v", older, err, want)
	}
	if err := m.Upsert(ctx, docs[1], docs[meiliBatchSize+1]); err != nil {
		t.Fatal(err)
	}
	if older, err := m.OlderDocuments(ctx); err != nil || older == nil || len(older) != 0 {
		t.Errorf("after they were rewritten: OlderDocuments %v, %v; want none (not nil: the position is still the older version's)", older, err)
	}
}

// TestMeilisearchSortsUnderAnOlderVersionsSettings: during a rolling upgrade an older instance that starts applies
// its settings, in which nameKey is not sortable; the catalog sorted by name still answers (by the lowercased name,
// as the older version sorts), alone or with the queries that count a filtered facet, until a newer instance applies
// its settings again.
func TestMeilisearchSortsUnderAnOlderVersionsSettings(t *testing.T) {
	ctx := context.Background()
	f, m := newMeiliOnFake(t)
	if err := m.Upsert(ctx, conformanceCorpus()...); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.settings["sortableAttributes"] = json.RawMessage(`["nameSort","updatedAt","id"]`)
	f.mu.Unlock()
	for _, q := range []Query{{Sort: SortName}, {Sort: SortName, Teams: []string{"payments", "maps"}}, {Sort: SortUpdated}} {
		q.Viewer = admin()
		res, err := m.Search(ctx, q)
		if err != nil {
			t.Errorf("Search(%+v) under an older version's settings: %v", q, err)
			continue
		}
		if len(res.Hits) == 0 {
			t.Errorf("Search(%+v) under an older version's settings: no hits", q)
		}
	}
	res, err := m.Search(ctx, Query{Sort: SortName, Viewer: admin()})
	if want := []string{"api-3", "api-1", "api-2", "api-4", "api-5", "api-6"}; err != nil || !slices.Equal(hitIDs(res), want) {
		t.Errorf("sorted by name under an older version's settings: %v, %v; want %v", hitIDs(res), err, want)
	}
}

// TestMeilisearchPagesThroughTiedNames: names whose keys begin alike past what Meilisearch keeps of a sortable string
// sort alike there and follow by id, a total order: paged across the ties, the catalog sorted by name (or by update
// time, which ties too) shows each API once, none left out, in the same order as one page of them all.
func TestMeilisearchPagesThroughTiedNames(t *testing.T) {
	ctx := context.Background()
	_, m := newMeiliOnFake(t)
	long := strings.Repeat("x", 300)
	var docs []Document
	for i := range 11 {
		// Added in the reverse order of their ids, and named in neither order, so that only the sort by id orders a tie.
		id := strconv.Itoa(100 - i)
		name := long + string(rune('a'+(i*7)%11))
		if i == 5 {
			name = "a short name"
		}
		docs = append(docs, Document{ID: id, Name: name, Visibility: VisibilityPublic, UpdatedAt: time.Unix(1796530000, 0)})
	}
	if a, b := meiliSortValue(meiliNameKey(docs[0].Name)), meiliSortValue(meiliNameKey(docs[1].Name)); a != b {
		t.Fatalf("the names are meant to tie in Meilisearch's sort: %q and %q are kept as %q and %q", docs[0].Name, docs[1].Name, a, b)
	}
	if err := m.Upsert(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	for _, sort := range []string{SortName, SortUpdated} {
		all, err := m.Search(ctx, Query{Sort: sort, PerPage: MaxPerPage, Viewer: admin()})
		if err != nil {
			t.Fatal(err)
		}
		want := hitIDs(all)
		if tied := want[1:]; !slices.IsSorted(tied) || want[0] != docs[5].ID {
			t.Errorf("sorted by %s: %v, want the short name first, then the tied names by id", sort, want)
		}
		var paged []string
		for page := 1; page <= 4; page++ {
			res, err := m.Search(ctx, Query{Sort: sort, Page: page, PerPage: 3, Viewer: admin()})
			if err != nil {
				t.Fatal(err)
			}
			paged = append(paged, hitIDs(res)...)
		}
		if !slices.Equal(paged, want) {
			t.Errorf("sorted by %s, pages of 3: %v, want %v", sort, paged, want)
		}
	}
}
