package handlers

import "github.com/portico-dev/portico/lru"

// fragmentCache keeps rendered HTML fragments by key, least recently used
// evicted first, within maxBytes of keys and HTML. Keys name everything the
// HTML depends on (see catalogFragment); nothing is invalidated, a change
// gives new keys and the old entries age out.
type fragmentCache struct {
	html *lru.Cache[string, string]
}

// fragmentCacheBytes bounds the catalog's rendered results kept: a page of
// 20 results with its facets is 30–60 KB of HTML, so about 200 of them.
const fragmentCacheBytes = 8 << 20

func newFragmentCache(maxBytes int64) *fragmentCache {
	return &fragmentCache{html: lru.New[string, string](maxBytes, maxBytes/8)}
}

func (c *fragmentCache) get(key string) (string, bool) { return c.html.Get(key) }

func (c *fragmentCache) put(key, html string) {
	c.html.Put(key, html, int64(len(key)+len(html))+96)
}
