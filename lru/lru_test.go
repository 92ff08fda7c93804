package lru

import (
	"fmt"
	"sync"
	"testing"
)

func TestCacheEvictsTheLeastRecentlyUsedWithinItsBytes(t *testing.T) {
	c := New[string, int](30, 15)
	c.Put("a", 1, 10)
	c.Put("b", 2, 10)
	c.Put("c", 3, 10)
	if _, ok := c.Get("a"); !ok { // a is now the most recently used
		t.Fatal("a was evicted while the cache had room")
	}
	c.Put("d", 4, 10) // evicts b, the least recently used
	if _, ok := c.Get("b"); ok {
		t.Error("b is still held: it was the least recently used")
	}
	for k, want := range map[string]int{"a": 1, "c": 3, "d": 4} {
		if got, ok := c.Get(k); !ok || got != want {
			t.Errorf("Get(%q) = %d, %t; want %d, true", k, got, ok, want)
		}
	}
	if n, bytes := c.Size(); n != 3 || bytes != 30 {
		t.Errorf("size: got %d entries, %d bytes; want 3, 30", n, bytes)
	}
	c.Put("a", 5, 5) // replaces a, and its cost
	if got, _ := c.Get("a"); got != 5 {
		t.Errorf("Get(a) after a replace = %d, want 5", got)
	}
	if n, bytes := c.Size(); n != 3 || bytes != 25 {
		t.Errorf("size after a replace: got %d entries, %d bytes; want 3, 25", n, bytes)
	}
	c.Put("big", 6, 16) // over the largest entry: not kept, nothing evicted
	if _, ok := c.Get("big"); ok {
		t.Error("an entry over the largest entry is kept")
	}
	if n, _ := c.Size(); n != 3 {
		t.Errorf("a declined entry evicted others: %d entries, want 3", n)
	}
	c.Put("a", 7, 16) // a's new value is declined: its old one must not be served
	if got, ok := c.Get("a"); ok {
		t.Errorf("Get(a) after a declined replace = %d, true; want nothing (the old value is stale)", got)
	}
	if n, bytes := c.Size(); n != 2 || bytes != 20 {
		t.Errorf("size after a declined replace: got %d entries, %d bytes; want 2, 20", n, bytes)
	}
}

func TestCacheIsSafeForConcurrentUse(t *testing.T) {
	c := New[int, string](1000, 100)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				k := (g*200 + i) % 150
				c.Put(k, fmt.Sprint(k), 10)
				if v, ok := c.Get(k); ok && v != fmt.Sprint(k) {
					t.Errorf("Get(%d) = %q", k, v)
					return
				}
			}
		}()
	}
	wg.Wait()
	if n, bytes := c.Size(); bytes > 1000 || bytes != int64(n)*10 {
		t.Errorf("size: %d entries, %d bytes; want at most 1000 bytes, 10 each", n, bytes)
	}
}
