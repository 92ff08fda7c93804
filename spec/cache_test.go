package spec

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/spec/spectest"
)

// patient is the Cache timeout of tests about something else than the
// timeout: the default 60 s is a last resort against a stuck parse, and
// under -race on a busy machine a parse of a large sample took longer, the
// caller getting "took more than 1m0s" instead of what the test checks.
const patient = 10 * time.Minute

const cacheDoc = `{"openapi":"3.0.3","info":{"title":"T%s","version":"1.0.0"},"paths":{"/a":{"get":{"responses":{"200":{"description":"ok"}}}}}}`

func TestCache(t *testing.T) {
	ctx := context.Background()
	a := []byte(strings.Replace(cacheDoc, "%s", "a", 1))
	b := []byte(strings.Replace(cacheDoc, "%s", "b", 1))
	da, _ := Parse(a)
	db, _ := Parse(b)
	c := NewCache(CacheOptions{MaxBytes: int64(da.Nodes+db.Nodes) * BytesPerNode})
	d1, err := c.Parse(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	d2, err := c.Parse(ctx, a)
	if err != nil || d2 != d1 {
		t.Fatalf("second Parse of the same content = %p, %v; want the cached %p", d2, err, d1)
	}
	if _, err := c.Parse(ctx, b); err != nil {
		t.Fatal(err)
	}
	if got := c.Len(); got != 2 {
		t.Errorf("Len = %d, want 2", got)
	}
	// A third document pushes out the least recently used (a).
	if _, err := c.Parse(ctx, []byte(strings.Replace(cacheDoc, "%s", "c", 1))); err != nil {
		t.Fatal(err)
	}
	if got := c.Len(); got != 2 {
		t.Errorf("Len after eviction = %d, want 2", got)
	}
	if d3, _ := c.Parse(ctx, a); d3 == d1 {
		t.Error("the evicted document was still served from the cache")
	}
	if _, err := c.Parse(ctx, []byte("not: [a spec")); err == nil {
		t.Error("an invalid description parsed")
	}
	var nilCache *Cache
	if d, err := nilCache.Parse(ctx, a); err != nil || d == nil {
		t.Errorf("nil Cache Parse = %v, %v; want a document", d, err)
	}
}

// TestSharedDocumentConcurrentReads reads one cached document from several
// goroutines, as concurrent page views do (run with -race).
func TestSharedDocumentConcurrentReads(t *testing.T) {
	data := readSample(t, "circl.lu__hashlookup__1.0.yaml")
	ctx := context.Background()
	c := NewCache(CacheOptions{Timeout: patient})
	doc, err := c.Parse(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	other, err := c.Parse(ctx, []byte(strings.Replace(string(data), "version: ", "version: 9", 1)))
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

// TestCacheParsesOnceForConcurrentCallers asks for one description from
// many goroutines at once: they all get the one document parsed.
func TestCacheParsesOnceForConcurrentCallers(t *testing.T) {
	data := readSample(t, "stripe.com__stripe__2018-05-21.yaml")
	c := NewCache(CacheOptions{Timeout: patient})
	docs := make(chan *Document, 8)
	for range 8 {
		go func() {
			d, err := c.Parse(context.Background(), data)
			if err != nil {
				t.Error(err)
			}
			docs <- d
		}()
	}
	first := <-docs
	for range 7 {
		if d := <-docs; d != first {
			t.Fatal("concurrent callers got different documents: the description was parsed more than once")
		}
	}
}

// TestCacheBoundsConcurrentParses fills the parser's turns and queue: a
// further description is refused as busy at once rather than parsed.
func TestCacheBoundsConcurrentParses(t *testing.T) {
	data := string(readSample(t, "stripe.com__stripe__2018-05-21.yaml"))
	c := NewCache(CacheOptions{Parallel: 1, Queue: 1, Timeout: patient})
	errs := make(chan error, 4)
	for i := range 4 {
		variant := []byte(strings.Replace(data, "title: Stripe", "title: Stripe"+strings.Repeat("x", i+1), 1))
		go func() {
			_, err := c.Parse(context.Background(), variant)
			errs <- err
		}()
	}
	busy := 0
	for range 4 {
		var be *BusyError
		if err := <-errs; errors.As(err, &be) {
			busy++
		} else if err != nil {
			t.Errorf("unexpected error %v", err)
		}
	}
	if busy == 0 {
		t.Error("four parses at once with one turn and one place in the queue: none was refused as busy")
	}
}

// TestCacheBudgetsByNodes keeps an alias-heavy description by what it
// expands to, not by its source size.
func TestCacheBudgetsByNodes(t *testing.T) {
	small := []byte(spectest.AnchorBomb(3)) // about 1 KB expanding to thousands of values
	d, err := Parse(small)
	if err != nil {
		t.Fatal(err)
	}
	c := NewCache(CacheOptions{MaxBytes: int64(d.Nodes)*BytesPerNode - 1})
	if _, err := c.Parse(context.Background(), small); err != nil {
		t.Fatal(err)
	}
	if c.Len() != 0 {
		t.Errorf("a document costing %d bytes was cached in a budget of %d", int64(d.Nodes)*BytesPerNode, int64(d.Nodes)*BytesPerNode-1)
	}
}

// TestCacheBudgetsBySize keeps descriptions that have few values but long
// texts: each keeps its source and the texts parsed from it, so a cache of
// 16 MiB holds at most a few of 2 MiB, and the heap it keeps stays near
// its budget.
func TestCacheBudgetsBySize(t *testing.T) {
	const budget = 16 << 20
	c := NewCache(CacheOptions{MaxBytes: budget, Timeout: patient})
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := range 20 {
		data := []byte(fmt.Sprintf("openapi: 3.0.3\ninfo: {title: T%d, version: '1', description: '%s'}\npaths: {/a: {get: {responses: {'200': {description: ok}}}}}\n", i, strings.Repeat("word ", 400_000)))
		if _, err := c.Parse(context.Background(), data); err != nil {
			t.Fatal(err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if n := c.Len(); n > budget/(2<<20) {
		t.Errorf("the cache holds %d descriptions of 2 MiB each, want at most %d in %d MiB", n, budget/(2<<20), budget>>20)
	}
	if kept := int64(after.HeapAlloc) - int64(before.HeapAlloc); kept > 2*budget {
		t.Errorf("the cache keeps %d MiB of heap, want at most %d MiB", kept>>20, 2*budget>>20)
	}
}
