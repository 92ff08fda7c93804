package usage

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/push"
	"github.com/portico-dev/portico/store"
)

// QuotaCounts gives the gateway hub today's quota counts
// (push.QuotaChangeSource):
// each subscription's accepted requests of the UTC day, summed over every
// node's reports, for the subscriptions whose plan has a daily quota.
type QuotaCounts struct {
	store *store.Store
	now   func() time.Time
}

// NewQuotaCounts returns the counts of s; now gives the day (time.Now when
// nil).
func NewQuotaCounts(s *store.Store, now func() time.Time) *QuotaCounts {
	if now == nil {
		now = time.Now
	}
	return &QuotaCounts{store: s, now: now}
}

// revision names a day's counts by the number of subscriptions counted and
// their sum: both only grow during a day, so any new count changes it.
func revision(day, rows, sum int64) string {
	return fmt.Sprintf("%d-%d-%d", day, rows, sum)
}

// QuotaRevision names today's counts.
func (q *QuotaCounts) QuotaRevision(ctx context.Context) (string, error) {
	day := q.now().Unix() / store.UsageDay
	rows, sum, err := q.store.QuotaDaySum(ctx, day)
	if err != nil {
		return "", err
	}
	return revision(day, rows, sum), nil
}

// Quotas returns today's counts, with their revision (from the same read).
func (q *QuotaCounts) Quotas(ctx context.Context) (*gateway.Quotas, error) {
	day := q.now().Unix() / store.UsageDay
	rows, err := q.store.QuotaDay(ctx, day)
	if err != nil {
		return nil, err
	}
	out := &gateway.Quotas{Day: day, Used: make(map[string]int64, len(rows))}
	var sum int64
	for _, r := range rows {
		out.Used[strconv.FormatInt(r.SubscriptionID, 10)] = r.Accepted
		sum += r.Accepted
	}
	out.Revision = revision(day, int64(len(rows)), sum)
	return out, nil
}

// QuotaChanges returns today's whole counts when since is none or of
// another day, else the counts written since the read that returned it
// (store.QuotaDayChanges): a read then costs what was written since, not
// every subscription of the day. A mark below since says the database
// went back (restored from a backup while the portal ran): the whole
// counts then, as after it the writes are numbered from the backup's on.
func (q *QuotaCounts) QuotaChanges(ctx context.Context, since push.QuotaMark) (*push.QuotaChanges, error) {
	day := q.now().Unix() / store.UsageDay
	var rows []store.QuotaCount
	var mark int64
	var err error
	whole := since == (push.QuotaMark{}) || since.Day != day
	if whole {
		rows, mark, err = q.store.QuotaDayMarked(ctx, day)
	} else {
		rows, mark, err = q.store.QuotaDayChanges(ctx, day, since.Seq)
		if err == nil && mark < since.Seq {
			whole = true
			rows, mark, err = q.store.QuotaDayMarked(ctx, day)
		}
	}
	if err != nil {
		return nil, err
	}
	out := &push.QuotaChanges{Day: day, Whole: whole, Used: make(map[string]int64, len(rows)), Mark: push.QuotaMark{Day: day, Seq: mark}}
	for _, r := range rows {
		out.Used[strconv.FormatInt(r.SubscriptionID, 10)] = r.Accepted
	}
	return out, nil
}

// QuotaRevisionOf names the counts of day of rows subscriptions summing to
// sum, as QuotaRevision and Quotas name them.
func (q *QuotaCounts) QuotaRevisionOf(day, rows, sum int64) string {
	return revision(day, rows, sum)
}
