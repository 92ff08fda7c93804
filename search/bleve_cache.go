package search

import (
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// resultCache keeps the results of recent searches of the embedded index,
// least recently used evicted first, within maxBytes (an estimate of the
// strings they hold). A result is stored under the index's generation, which
// every change of the index or of the synonyms raises once the change is
// complete (Bleve.changed), and under the whole normalised query, the viewer
// included: a viewer who may see other APIs (other teams, all of them) has
// another key, so a result never reaches a viewer it was not computed for,
// and a result computed before a change is never served after it.
//
// The catalog's pages ask the same few queries again and again (the listing,
// its facet links, popular words): at 10,000 APIs computing one costs a
// listing walk or a Bleve query with facets, a cached one a map lookup.
type resultCache struct {
	maxBytes int64

	mu    sync.Mutex
	lru   *simplelru.LRU[string, cachedResult]
	bytes int64
}

type cachedResult struct {
	res  Result
	cost int64
}

// Bounds of the result cache: resultCacheBytes is about 2 MiB per thousand
// results of a default page with its facets; resultCacheMaxEntry leaves out
// the rare full facet lists (the "show all" pages), computed each time.
const (
	resultCacheBytes    = 16 << 20
	resultCacheEntries  = 4096
	resultCacheMaxEntry = 256 << 10
)

func newResultCache(maxBytes int64, entries int) *resultCache {
	c := &resultCache{maxBytes: maxBytes}
	c.lru, _ = simplelru.NewLRU[string, cachedResult](entries, func(_ string, v cachedResult) { c.bytes -= v.cost })
	return c
}

// resultKey is the cache key of the normalised query q searched at
// generation gen.
func resultKey(gen uint64, q Query) string {
	var b strings.Builder
	b.Grow(64 + len(q.Text))
	b.WriteString(strconv.FormatUint(gen, 10))
	list := func(vs []string) {
		b.WriteByte('\x1e')
		for _, v := range vs {
			b.WriteString(v)
			b.WriteByte('\x1f')
		}
	}
	// The viewer first: who may see what is the part a key must never lose.
	if q.Viewer.All {
		b.WriteString("\x1eall")
	} else {
		teams := append([]string(nil), q.Viewer.Teams...)
		slices.Sort(teams)
		b.WriteString("\x1eteams")
		list(teams)
	}
	b.WriteByte('\x1e')
	b.WriteString(q.Text)
	list(sorted(q.Teams))
	list(sorted(q.Tags))
	list(sorted(q.States))
	b.WriteByte('\x1e')
	b.WriteString(q.Sort)
	for _, n := range []int{q.Page, q.PerPage, q.FacetLimit} {
		b.WriteByte('\x1e')
		b.WriteString(strconv.Itoa(n))
	}
	return b.String()
}

func sorted(vs []string) []string {
	out := append([]string(nil), vs...)
	slices.Sort(out)
	return out
}

func (c *resultCache) get(key string) (Result, bool) {
	if c == nil {
		return Result{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.lru.Get(key)
	if !ok {
		return Result{}, false
	}
	return v.res.clone(), true
}

func (c *resultCache) put(key string, res Result) {
	if c == nil {
		return
	}
	cost := resultCost(res) + int64(len(key))
	if cost > resultCacheMaxEntry || cost > c.maxBytes {
		return
	}
	res = res.clone()
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.lru.Peek(key); ok {
		c.bytes -= old.cost // Add replaces it without the eviction callback
	}
	c.lru.Add(key, cachedResult{res: res, cost: cost})
	c.bytes += cost
	for c.bytes > c.maxBytes {
		if _, _, ok := c.lru.RemoveOldest(); !ok {
			break
		}
	}
}

// clear drops every result (a closed or reset index).
func (c *resultCache) clear() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lru.Purge()
	c.bytes = 0
}

// size returns the results held and their estimated bytes.
func (c *resultCache) size() (int, int64) {
	if c == nil {
		return 0, 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len(), c.bytes
}

// resultCost estimates the bytes a result holds: its strings, and a word or
// so per value.
func resultCost(res Result) int64 {
	n := int64(256)
	for _, h := range res.Hits {
		n += int64(len(h.ID)+len(h.Slug)+len(h.Name)+len(h.Summary)+len(h.Team)+len(h.State)+len(h.TeamName)+len(h.DefaultVersion)) + 160
		for _, t := range h.Tags {
			n += int64(len(t)) + 16
		}
		for _, s := range h.Highlights {
			n += int64(len(s)) + 16
		}
	}
	for _, f := range [][]FacetValue{res.Facets.Teams, res.Facets.Tags, res.Facets.States} {
		for _, v := range f {
			n += int64(len(v.Value)) + 32
		}
	}
	for k, v := range res.TeamNames {
		n += int64(len(k)+len(v)) + 48
	}
	if res.Hint != nil {
		n += int64(len(res.Hint.DidYouMean)) + 64
		for _, w := range res.Hint.Unmatched {
			n += int64(len(w)) + 16
		}
	}
	return n
}

// clone copies what a caller could change in place (the slices and the map),
// so that no caller changes a result another one is served.
func (r Result) clone() Result {
	out := r
	out.Hits = make([]Hit, len(r.Hits))
	for i, h := range r.Hits {
		h.Tags = append([]string(nil), h.Tags...)
		h.Highlights = append([]string(nil), h.Highlights...)
		out.Hits[i] = h
	}
	out.Facets = Facets{
		Teams:  append([]FacetValue(nil), r.Facets.Teams...),
		Tags:   append([]FacetValue(nil), r.Facets.Tags...),
		States: append([]FacetValue(nil), r.Facets.States...),
	}
	if r.TeamNames != nil {
		out.TeamNames = make(map[string]string, len(r.TeamNames))
		for k, v := range r.TeamNames {
			out.TeamNames[k] = v
		}
	}
	if r.Hint != nil {
		h := *r.Hint
		h.Unmatched = append([]string(nil), h.Unmatched...)
		out.Hint = &h
	}
	return out
}

// WithoutResultCache makes every search of b run in full, its query encoded
// again when b ranks by meaning: for benchmarks that measure what a search
// costs, whose repeated queries would otherwise be answered from the caches.
// Call it before searching.
func (b *Bleve) WithoutResultCache() {
	b.results = nil
	if b.meaning != nil {
		b.meaning.queries.init(0)
	}
}
