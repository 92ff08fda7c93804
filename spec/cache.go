package spec

import (
	"context"
	"crypto/sha256"
	"fmt"
	"runtime"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/portico-dev/portico/lru"
)

// BytesPerNode is the memory a parsed description keeps per value, with
// margin: measured on the samples, Stripe's 32,772 values keep 12.6 MiB
// (403 bytes each, its source and YAML tree included), Slack's 284 bytes
// each. The cache budgets documents by Nodes × BytesPerNode, not by their
// source size alone, since YAML aliases can make a small source expand a
// thousandfold (see Cost).
const BytesPerNode = 512

// BytesPerSourceByte is the memory a parsed description keeps per byte of
// its source, at least: the source, and the texts of the YAML tree and of
// the OpenAPI model parsed from it (a description of 2 MiB of text in a few
// values keeps 6 MiB).
const BytesPerSourceByte = 3

// Cost is the memory the cache counts for d: by its values, or by its
// source when its values are few but long.
func (d *Document) Cost() int64 {
	return max(int64(d.Nodes)*BytesPerNode, int64(len(d.Source))*BytesPerSourceByte)
}

// BusyError says that a description was not parsed because the parser was
// busy with others for too long; the request may be tried again.
type BusyError struct {
	RetryAfter time.Duration
}

func (e *BusyError) Error() string {
	return "the server is busy reading other OpenAPI descriptions; try again in a moment"
}

// CacheOptions configures a Cache.
type CacheOptions struct {
	// MaxBytes is the memory the cached documents may take, as estimated
	// by Document.Cost. Zero means 96 MiB.
	MaxBytes int64
	// Parallel is how many descriptions are parsed at once; the others
	// wait. Zero means half the CPUs, at least one and at most four.
	Parallel int
	// Queue is how many parses may wait for their turn; past it a parse is
	// refused with a *BusyError. Zero means 8.
	Queue int
	// Timeout is the longest a caller waits for a parse, queueing
	// included. Zero means 60 s: the parse budget already bounds a parse
	// (one at the budget takes a few seconds); this is the last resort,
	// with room for a loaded machine.
	Timeout time.Duration
}

// Cache parses descriptions for the whole process: it keeps recently parsed
// ones, keyed by their content, so that the pages of a large description do
// not parse it again on every view; it parses a content once however many
// callers ask for it at the same time; and it parses at most a few
// descriptions at once, so that uploads cannot take every CPU and the
// memory that parses take stays bounded (each parse is within the budget of
// MaxNodes values). Documents from a Cache are shared between callers: read
// them, never change them.
type Cache struct {
	docs    *lru.Cache[[sha256.Size]byte, *Document] // by content, costing BytesPerNode a node
	slots   chan struct{}
	queue   chan struct{}
	timeout time.Duration
	flight  singleflight.Group

	mu      sync.Mutex
	started map[[sha256.Size]byte]time.Time // parses running, since when
}

// NewCache returns a Cache.
func NewCache(opts CacheOptions) *Cache {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = 96 << 20
	}
	if opts.Parallel <= 0 {
		opts.Parallel = min(max(runtime.GOMAXPROCS(0)/2, 1), 4)
	}
	if opts.Queue <= 0 {
		opts.Queue = 8
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 60 * time.Second
	}
	return &Cache{docs: lru.New[[sha256.Size]byte, *Document](opts.MaxBytes, opts.MaxBytes), slots: make(chan struct{}, opts.Parallel),
		queue: make(chan struct{}, opts.Parallel+opts.Queue), timeout: opts.Timeout, started: map[[sha256.Size]byte]time.Time{}}
}

// Parse returns the parsed document of data, from the cache when the same
// content was parsed recently. Invalid descriptions are not cached. It gives
// a *BusyError when too many parses wait already or when data waited its
// turn longer than the timeout, and a *ValidationError when the parse itself
// takes longer than the timeout (it then goes on in the background, holding
// its turn, until it ends). A nil Cache parses every time.
func (c *Cache) Parse(ctx context.Context, data []byte) (*Document, error) {
	if c == nil {
		return Parse(data)
	}
	key := sha256.Sum256(data)
	if doc := c.get(key); doc != nil {
		return doc, nil
	}
	ch := c.flight.DoChan(string(key[:]), func() (any, error) {
		select {
		case c.queue <- struct{}{}:
		default:
			return nil, &BusyError{RetryAfter: 5 * time.Second}
		}
		defer func() { <-c.queue }()
		wait := time.NewTimer(c.timeout)
		defer wait.Stop()
		select {
		case c.slots <- struct{}{}:
		case <-wait.C:
			return nil, &BusyError{RetryAfter: 5 * time.Second}
		}
		defer func() { <-c.slots }()
		c.mu.Lock()
		c.started[key] = time.Now()
		c.mu.Unlock()
		doc, err := Parse(data)
		c.mu.Lock()
		delete(c.started, key)
		c.mu.Unlock()
		if err == nil {
			c.put(key, doc)
		}
		return doc, err
	})
	timer := time.NewTimer(c.timeout)
	defer timer.Stop()
	select {
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		return res.Val.(*Document), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-timer.C:
		c.mu.Lock()
		started, running := c.started[key]
		c.mu.Unlock()
		if !running || time.Since(started) < c.timeout/2 {
			return nil, &BusyError{RetryAfter: 5 * time.Second}
		}
		return nil, invalid("", "the description took more than %s to read and check: simplify it or split it into several APIs", c.timeout)
	}
}

func (c *Cache) get(key [sha256.Size]byte) *Document {
	doc, _ := c.docs.Get(key)
	return doc
}

// put keeps doc unless a document of the same content is kept already.
func (c *Cache) put(key [sha256.Size]byte, doc *Document) {
	if _, ok := c.docs.Get(key); !ok {
		c.docs.Put(key, doc, doc.Cost())
	}
}

// Len returns the number of cached documents.
func (c *Cache) Len() int {
	n, _ := c.docs.Size()
	return n
}

// Run runs f (a computation on parsed documents, such as a diff) in one of
// the parser's turns, so that it shares the bound on concurrent work; it
// gives a *BusyError when no turn comes within the timeout.
func (c *Cache) Run(ctx context.Context, f func() error) error {
	if c == nil {
		return f()
	}
	wait := time.NewTimer(c.timeout)
	defer wait.Stop()
	select {
	case c.slots <- struct{}{}:
	case <-wait.C:
		return &BusyError{RetryAfter: 5 * time.Second}
	case <-ctx.Done():
		return fmt.Errorf("wait for a parser turn: %w", ctx.Err())
	}
	defer func() { <-c.slots }()
	return f()
}
