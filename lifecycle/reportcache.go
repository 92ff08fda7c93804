package lifecycle

import (
	"container/list"
	"sync"
	"time"

	"github.com/portico-dev/portico/spec"
)

// reportCache keeps decoded review reports, so that the review page and
// its JSON do not read and decode a report of thousands of changes on every
// view. A report is immutable once computed; the key includes when it was
// computed, so a recomputed one is never served stale. The budget is in
// items (changes and findings), about 400 bytes each decoded.
type reportCache struct {
	maxItems int

	mu    sync.Mutex
	items int
	order *list.List // most recently used first
	byID  map[int64]*list.Element
}

type cachedReport struct {
	requestID  int64
	computedAt time.Time
	report     *spec.Report
	size       int
	// judged is the report judged under judgedBy (the rule set and the
	// acceptances it was judged with).
	judgedBy string
	judged   *spec.Judgement
}

func newReportCache(maxItems int) *reportCache {
	return &reportCache{maxItems: maxItems, order: list.New(), byID: map[int64]*list.Element{}}
}

func reportSize(r *spec.Report) int {
	n := len(r.Validation) + len(r.Lint) + 1
	if r.Diff != nil {
		n += len(r.Diff.Changes) + len(r.Diff.Added) + len(r.Diff.Removed) + len(r.Diff.Modified)
	}
	return n
}

func (c *reportCache) get(requestID int64, computedAt time.Time) *spec.Report {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byID[requestID]
	if !ok {
		return nil
	}
	e := el.Value.(*cachedReport)
	if !e.computedAt.Equal(computedAt) {
		return nil
	}
	c.order.MoveToFront(el)
	return e.report
}

// judgement returns the cached judgement of a report under by, or computes
// and keeps it.
func (c *reportCache) judgement(requestID int64, report *spec.Report, by string, judge func() *spec.Judgement) *spec.Judgement {
	c.mu.Lock()
	if el, ok := c.byID[requestID]; ok {
		if e := el.Value.(*cachedReport); e.report == report && e.judgedBy == by && e.judged != nil {
			c.mu.Unlock()
			return e.judged
		}
	}
	c.mu.Unlock()
	j := judge()
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byID[requestID]; ok {
		if e := el.Value.(*cachedReport); e.report == report {
			e.judgedBy, e.judged = by, j
		}
	}
	return j
}

func (c *reportCache) put(requestID int64, computedAt time.Time, r *spec.Report) {
	size := reportSize(r)
	if size > c.maxItems {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byID[requestID]; ok {
		c.items -= el.Value.(*cachedReport).size
		c.order.Remove(el)
	}
	c.byID[requestID] = c.order.PushFront(&cachedReport{requestID: requestID, computedAt: computedAt, report: r, size: size})
	c.items += size
	for c.items > c.maxItems {
		oldest := c.order.Back()
		e := oldest.Value.(*cachedReport)
		c.order.Remove(oldest)
		delete(c.byID, e.requestID)
		c.items -= e.size
	}
}
