package markdown

import "github.com/portico-dev/portico/lru"

// Cache keeps the HTML of recently rendered Markdown, least recently used
// evicted first, within maxBytes of source and HTML. It is keyed by the
// source itself, so an edited text is a new entry and what is served is
// always what ToHTML gives for that text: nothing to invalidate. Rendering
// and sanitising an API's description (goldmark, then bluemonday) was most
// of an API page's time; a lookup hashes the text once.
type Cache struct {
	html *lru.Cache[string, string]
}

// NewCache returns a cache of at most maxBytes.
func NewCache(maxBytes int64) *Cache {
	return &Cache{html: lru.New[string, string](maxBytes, maxBytes/4)}
}

// ToHTML is ToHTML(src), rendered once while it stays in the cache. Texts
// larger than a quarter of the cache are rendered each time.
func (c *Cache) ToHTML(src string) string {
	if html, ok := c.html.Get(src); ok {
		return html
	}
	html := ToHTML(src)
	c.html.Put(src, html, int64(len(src)+len(html))+96)
	return html
}

// Size returns the texts held and their bytes.
func (c *Cache) Size() (int, int64) { return c.html.Size() }
