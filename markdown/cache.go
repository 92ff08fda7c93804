package markdown

import (
	"container/list"
	"sync"
)

// Cache keeps the HTML of recently rendered Markdown, least recently used
// evicted first, within maxBytes of source and HTML. It is keyed by the
// source itself, so an edited text is a new entry and what is served is
// always what ToHTML gives for that text: nothing to invalidate. Rendering
// and sanitising an API's description (goldmark, then bluemonday) was most
// of an API page's time; a lookup hashes the text once.
type Cache struct {
	maxBytes int64

	mu    sync.Mutex
	bytes int64
	order *list.List // of *cacheEntry, most recently used first
	items map[string]*list.Element
}

type cacheEntry struct {
	src, html string
}

func (e *cacheEntry) cost() int64 { return int64(len(e.src)+len(e.html)) + 96 }

// NewCache returns a cache of at most maxBytes.
func NewCache(maxBytes int64) *Cache {
	return &Cache{maxBytes: maxBytes, order: list.New(), items: map[string]*list.Element{}}
}

// ToHTML is ToHTML(src), rendered once while it stays in the cache. Texts
// larger than a quarter of the cache are rendered each time.
func (c *Cache) ToHTML(src string) string {
	c.mu.Lock()
	if el, ok := c.items[src]; ok {
		c.order.MoveToFront(el)
		html := el.Value.(*cacheEntry).html
		c.mu.Unlock()
		return html
	}
	c.mu.Unlock()
	html := ToHTML(src)
	e := &cacheEntry{src: src, html: html}
	if e.cost() > c.maxBytes/4 {
		return html
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[src]; ok {
		return html // rendered meanwhile by another caller
	}
	c.items[src] = c.order.PushFront(e)
	c.bytes += e.cost()
	for c.bytes > c.maxBytes {
		last := c.order.Back()
		old := last.Value.(*cacheEntry)
		c.order.Remove(last)
		delete(c.items, old.src)
		c.bytes -= old.cost()
	}
	return html
}

// Size returns the texts held and their bytes.
func (c *Cache) Size() (int, int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items), c.bytes
}
