// Package lru is a map bounded by the cost of its entries (their bytes,
// usually) that evicts the least recently used first, safe for concurrent
// use. The caches of rendered HTML (API descriptions, catalog fragments, a
// version's documentation), of parsed descriptions and of review reports
// keep their entries in one.
package lru

import (
	"container/list"
	"sync"
)

// Cache maps keys to values within maxBytes of the costs given to Put.
type Cache[K comparable, V any] struct {
	maxBytes, maxEntry int64

	mu    sync.Mutex
	bytes int64
	order *list.List // of *entry[K, V], most recently used first
	items map[K]*list.Element
}

type entry[K comparable, V any] struct {
	key  K
	val  V
	cost int64
}

// New returns a cache of at most maxBytes that declines an entry costing
// more than maxEntry (keeping it would evict too much for one value).
func New[K comparable, V any](maxBytes, maxEntry int64) *Cache[K, V] {
	return &Cache[K, V]{maxBytes: maxBytes, maxEntry: min(maxEntry, maxBytes), order: list.New(), items: map[K]*list.Element{}}
}

// Get returns the value of k and marks it the most recently used.
func (c *Cache[K, V]) Get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[k]
	if !ok {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*entry[K, V]).val, true
}

// Put sets the value of k, which costs cost bytes, replacing what k held,
// and evicts the least recently used entries beyond the cache's bytes. A
// value costing more than the cache's largest entry is not kept, and what
// k held is dropped all the same: it is no longer k's value.
func (c *Cache[K, V]) Put(k K, v V, cost int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok {
		c.bytes -= el.Value.(*entry[K, V]).cost
		c.order.Remove(el)
		delete(c.items, k)
	}
	if cost > c.maxEntry {
		return
	}
	c.items[k] = c.order.PushFront(&entry[K, V]{key: k, val: v, cost: cost})
	c.bytes += cost
	for c.bytes > c.maxBytes {
		last := c.order.Back()
		old := last.Value.(*entry[K, V])
		c.order.Remove(last)
		delete(c.items, old.key)
		c.bytes -= old.cost
	}
}

// Size returns the entries held and their bytes.
func (c *Cache[K, V]) Size() (int, int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items), c.bytes
}
