package lifecycle

import (
	"sync"
	"time"

	"github.com/portico-dev/portico/lru"
	"github.com/portico-dev/portico/spec"
)

// reportCache keeps decoded review reports, so that the review page and
// its JSON do not read and decode a report of thousands of changes on every
// view. A report is immutable once computed; the key includes when it was
// computed, so a recomputed one is never served stale. The budget is in
// items (changes and findings), about 400 bytes each decoded.
type reportCache struct {
	entries *lru.Cache[int64, *cachedReport] // by request id, costing their items

	// mu guards the judgements of the entries.
	mu sync.Mutex
}

type cachedReport struct {
	computedAt time.Time
	report     *spec.Report
	// judged is the report judged under judgedBy (the rule set and the
	// acceptances it was judged with).
	judgedBy string
	judged   *spec.Judgement
}

func newReportCache(maxItems int) *reportCache {
	return &reportCache{entries: lru.New[int64, *cachedReport](int64(maxItems), int64(maxItems))}
}

func reportSize(r *spec.Report) int {
	n := len(r.Validation) + len(r.Lint) + 1
	if r.Diff != nil {
		n += len(r.Diff.Changes) + len(r.Diff.Added) + len(r.Diff.Removed) + len(r.Diff.Modified)
	}
	return n
}

func (c *reportCache) get(requestID int64, computedAt time.Time) *spec.Report {
	if e, ok := c.entries.Get(requestID); ok && e.computedAt.Equal(computedAt) {
		return e.report
	}
	return nil
}

// judgement returns the cached judgement of a report under by, or computes
// and keeps it.
func (c *reportCache) judgement(requestID int64, report *spec.Report, by string, judge func() *spec.Judgement) *spec.Judgement {
	e, ok := c.entries.Get(requestID)
	if ok && e.report == report {
		c.mu.Lock()
		j := e.judged
		if e.judgedBy != by {
			j = nil
		}
		c.mu.Unlock()
		if j != nil {
			return j
		}
	}
	j := judge()
	if ok && e.report == report {
		c.mu.Lock()
		e.judgedBy, e.judged = by, j
		c.mu.Unlock()
	}
	return j
}

func (c *reportCache) put(requestID int64, computedAt time.Time, r *spec.Report) {
	c.entries.Put(requestID, &cachedReport{computedAt: computedAt, report: r}, int64(reportSize(r)))
}
