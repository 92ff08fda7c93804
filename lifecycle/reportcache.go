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
// bytes: each change and finding costs reportItemBytes and its texts (a
// finding names its place twice, and a path may be as long as the
// description allows, so counting items alone let a few reports hold
// hundreds of MiB).
type reportCache struct {
	entries *lru.Cache[int64, *cachedReport] // by request id, costing reportSize

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

func newReportCache(maxBytes int64) *reportCache {
	return &reportCache{entries: lru.New[int64, *cachedReport](maxBytes, maxBytes)}
}

// reportItemBytes is what a decoded change or finding costs besides its
// texts.
const reportItemBytes = 256

// reportSize is the memory r keeps, about.
func reportSize(r *spec.Report) int64 {
	n := int64(reportItemBytes)
	for _, list := range [][]spec.Finding{r.Validation, r.Lint} {
		for _, f := range list {
			n += reportItemBytes + int64(len(f.Rule)+len(f.Severity)+len(f.Location)+len(f.Pointer)+len(f.Message))
		}
	}
	if d := r.Diff; d != nil {
		n += int64(len(d.BasePath) + len(d.BaseBasePath))
		for _, c := range d.Changes {
			n += reportItemBytes + int64(len(c.ID)+len(c.Level)+len(c.Operation)+len(c.Path)+len(c.Text)+len(c.Old)+len(c.New)+len(c.Key))
		}
		for _, list := range [][]string{d.Added, d.Removed, d.Modified} {
			for _, s := range list {
				n += 16 + int64(len(s))
			}
		}
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
	c.entries.Put(requestID, &cachedReport{computedAt: computedAt, report: r}, reportSize(r))
}
