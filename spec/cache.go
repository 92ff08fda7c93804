package spec

import (
	"container/list"
	"crypto/sha256"
	"sync"
)

// Cache keeps recently parsed descriptions, keyed by their content, so that
// the pages of a large description (Stripe's takes a third of a second to
// parse) do not parse it again on every view. Documents from a Cache are
// shared between callers: read them, never change them.
type Cache struct {
	maxBytes int

	mu    sync.Mutex
	bytes int
	order *list.List // most recently used first
	items map[[sha256.Size]byte]*list.Element
}

type cacheEntry struct {
	key  [sha256.Size]byte
	size int
	doc  *Document
}

// NewCache returns a cache that holds parsed documents whose sources add up
// to at most maxBytes (the parsed form takes about ten times as much memory).
func NewCache(maxBytes int) *Cache {
	return &Cache{maxBytes: maxBytes, order: list.New(), items: map[[sha256.Size]byte]*list.Element{}}
}

// Parse returns the parsed document of data, from the cache when the same
// content was parsed recently. Invalid descriptions are not cached. A nil
// Cache parses every time.
func (c *Cache) Parse(data []byte) (*Document, error) {
	if c == nil {
		return Parse(data)
	}
	key := sha256.Sum256(data)
	c.mu.Lock()
	if el, ok := c.items[key]; ok {
		c.order.MoveToFront(el)
		doc := el.Value.(*cacheEntry).doc
		c.mu.Unlock()
		return doc, nil
	}
	c.mu.Unlock()

	doc, err := Parse(data)
	if err != nil || len(data) > c.maxBytes {
		return doc, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok { // parsed meanwhile by another caller
		return el.Value.(*cacheEntry).doc, nil
	}
	c.items[key] = c.order.PushFront(&cacheEntry{key: key, size: len(data), doc: doc})
	c.bytes += len(data)
	for c.bytes > c.maxBytes {
		oldest := c.order.Back()
		e := oldest.Value.(*cacheEntry)
		c.order.Remove(oldest)
		delete(c.items, e.key)
		c.bytes -= e.size
	}
	return doc, nil
}

// Len returns the number of cached documents.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
