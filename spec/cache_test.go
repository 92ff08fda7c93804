package spec

import (
	"strings"
	"testing"
)

const cacheDoc = `{"openapi":"3.0.3","info":{"title":"T%s","version":"1.0.0"},"paths":{}}`

func TestCache(t *testing.T) {
	a := []byte(strings.Replace(cacheDoc, "%s", "a", 1))
	b := []byte(strings.Replace(cacheDoc, "%s", "b", 1))
	c := NewCache(len(a) + len(b))
	d1, err := c.Parse(a)
	if err != nil {
		t.Fatal(err)
	}
	d2, err := c.Parse(a)
	if err != nil || d2 != d1 {
		t.Fatalf("second Parse of the same content = %p, %v; want the cached %p", d2, err, d1)
	}
	if _, err := c.Parse(b); err != nil {
		t.Fatal(err)
	}
	if got := c.Len(); got != 2 {
		t.Errorf("Len = %d, want 2", got)
	}
	// A third document pushes out the least recently used (a).
	if _, err := c.Parse([]byte(strings.Replace(cacheDoc, "%s", "c", 1))); err != nil {
		t.Fatal(err)
	}
	if got := c.Len(); got != 2 {
		t.Errorf("Len after eviction = %d, want 2", got)
	}
	if d3, _ := c.Parse(a); d3 == d1 {
		t.Error("the evicted document was still served from the cache")
	}
	if _, err := c.Parse([]byte("not: [a spec")); err == nil {
		t.Error("an invalid description parsed")
	}
	var nilCache *Cache
	if d, err := nilCache.Parse(a); err != nil || d == nil {
		t.Errorf("nil Cache Parse = %v, %v; want a document", d, err)
	}
}

// TestSharedDocumentConcurrentReads reads one cached document from several
// goroutines, as concurrent page views do (run with -race).
func TestSharedDocumentConcurrentReads(t *testing.T) {
	data := readSample(t, "circl.lu__hashlookup__1.0.yaml")
	c := NewCache(1 << 20)
	doc, err := c.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	other, err := c.Parse([]byte(strings.Replace(string(data), "version: ", "version: 9", 1)))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 8)
	for range 8 {
		go func() {
			_ = doc.Overview()
			_ = Lint(doc)
			_ = doc.Operations()
			_, err := Diff(other, doc)
			done <- err
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
