package handlers

import (
	"container/list"
	"sync"
)

// fragmentCache keeps rendered HTML fragments by key, least recently used
// evicted first, within maxBytes of keys and HTML. Keys name everything the
// HTML depends on (see catalogFragment); nothing is invalidated, a change
// gives new keys and the old entries age out.
type fragmentCache struct {
	maxBytes int64

	mu    sync.Mutex
	bytes int64
	order *list.List // of *htmlFragment, most recently used first
	items map[string]*list.Element
}

type htmlFragment struct{ key, html string }

func (f *htmlFragment) cost() int64 { return int64(len(f.key)+len(f.html)) + 96 }

// fragmentCacheBytes bounds the catalog's rendered results kept: a page of
// 20 results with its facets is 30–60 KB of HTML, so about 200 of them.
const fragmentCacheBytes = 8 << 20

func newFragmentCache(maxBytes int64) *fragmentCache {
	return &fragmentCache{maxBytes: maxBytes, order: list.New(), items: map[string]*list.Element{}}
}

func (c *fragmentCache) get(key string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return "", false
	}
	c.order.MoveToFront(el)
	return el.Value.(*htmlFragment).html, true
}

func (c *fragmentCache) put(key, html string) {
	f := &htmlFragment{key: key, html: html}
	if f.cost() > c.maxBytes/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.bytes -= el.Value.(*htmlFragment).cost()
		c.order.Remove(el)
	}
	c.items[key] = c.order.PushFront(f)
	c.bytes += f.cost()
	for c.bytes > c.maxBytes {
		last := c.order.Back()
		old := last.Value.(*htmlFragment)
		c.order.Remove(last)
		delete(c.items, old.key)
		c.bytes -= old.cost()
	}
}

// size returns the fragments held and their bytes.
func (c *fragmentCache) size() (int, int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items), c.bytes
}
