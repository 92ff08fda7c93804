package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// QuotaCount is a subscription's accepted requests (every answer but 429)
// on one UTC day, in days since 1970-01-01.
type QuotaCount struct {
	Day            int64 `bun:"day"`
	SubscriptionID int64 `bun:"subscription_id"`
	Accepted       int64 `bun:"accepted"`
}

// AddQuotaCounts adds counts to the days' totals and returns the totals
// after the addition, one per count. counts must hold each day and
// subscription once. Rows are written in (day, subscription) order, so
// concurrent ingests on PostgreSQL lock them in the same order, and each
// waits for the other's row: the totals returned are exact.
func (s *Store) AddQuotaCounts(ctx context.Context, db bun.IDB, counts []QuotaCount) ([]QuotaCount, error) {
	if len(counts) == 0 {
		return nil, nil
	}
	counts = slices.Clone(counts)
	slices.SortFunc(counts, func(a, b QuotaCount) int {
		return cmp.Or(cmp.Compare(a.Day, b.Day), cmp.Compare(a.SubscriptionID, b.SubscriptionID))
	})
	out := make([]QuotaCount, 0, len(counts))
	const chunk = 500
	for start := 0; start < len(counts); start += chunk {
		part := counts[start:min(start+chunk, len(counts))]
		var b strings.Builder
		b.WriteString("INSERT INTO usage_quota_days (day, subscription_id, accepted) VALUES ")
		args := make([]any, 0, 3*len(part))
		for i, c := range part {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?)")
			args = append(args, c.Day, c.SubscriptionID, c.Accepted)
		}
		b.WriteString(" ON CONFLICT (day, subscription_id) DO UPDATE SET accepted = usage_quota_days.accepted + excluded.accepted" +
			" RETURNING day, subscription_id, accepted")
		var rows []QuotaCount
		if err := db.NewRaw(b.String(), args...).Scan(ctx, &rows); err != nil {
			return nil, fmt.Errorf("add quota counts: %w", translate(err))
		}
		out = append(out, rows...)
	}
	return out, nil
}

// QuotaDay returns every subscription's accepted requests on day.
func (s *Store) QuotaDay(ctx context.Context, day int64) ([]QuotaCount, error) {
	var rows []QuotaCount
	if err := s.db.NewSelect().Table("usage_quota_days").Column("day", "subscription_id", "accepted").
		Where("day = ?", day).Order("subscription_id").Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("quota day: %w", translate(err))
	}
	return rows, nil
}

// QuotaDayMarked returns every subscription's accepted requests on day,
// as QuotaDay, and the mark of the read: QuotaDayChanges from it returns
// every count written since.
func (s *Store) QuotaDayMarked(ctx context.Context, day int64) ([]QuotaCount, int64, error) {
	return s.quotaDayRead(ctx, day, nil)
}

// QuotaDayChanges returns the accepted requests on day of the
// subscriptions whose count was written since the read that returned
// since (QuotaDayMarked or QuotaDayChanges, of the same day): every count
// changed since, and maybe some others (on PostgreSQL, those written by
// transactions still running at that read, or committed while it ran).
// It returns the mark of this read.
//
// The counts carry their write's number (usage_quota_days.seq, set by a
// trigger whichever version of the portal writes): the transaction's id on
// PostgreSQL, the next number of the day on SQLite. A mark is the least
// number that may be missing from its read: on PostgreSQL the oldest
// transaction running at the read's snapshot (every older one is committed
// and in the read), on SQLite the day's highest number plus one (writers
// take turns).
func (s *Store) QuotaDayChanges(ctx context.Context, day, since int64) ([]QuotaCount, int64, error) {
	return s.quotaDayRead(ctx, day, &since)
}

// quotaDayRead reads day's counts (those numbered from *since on when
// since is set) and the mark, in one snapshot.
func (s *Store) quotaDayRead(ctx context.Context, day int64, since *int64) ([]QuotaCount, int64, error) {
	var rows []QuotaCount
	var mark int64
	opts := &sql.TxOptions{ReadOnly: true}
	markSQL := "SELECT COALESCE(MAX(seq), 0) + 1 FROM usage_quota_days WHERE day = ?"
	if s.dialect == PostgreSQL {
		// The first statement takes the snapshot the second reads with.
		opts.Isolation = sql.LevelRepeatableRead
		markSQL = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint"
	}
	err := s.db.RunInTx(ctx, opts, func(ctx context.Context, tx bun.Tx) error {
		args := []any{}
		if s.dialect != PostgreSQL {
			args = append(args, day)
		}
		if err := tx.NewRaw(markSQL, args...).Scan(ctx, &mark); err != nil {
			return err
		}
		q := tx.NewSelect().Table("usage_quota_days").Column("day", "subscription_id", "accepted").Where("day = ?", day)
		if since != nil {
			q = q.Where("seq >= ?", *since)
		}
		return q.Order("subscription_id").Scan(ctx, &rows)
	})
	if err != nil {
		return nil, 0, fmt.Errorf("quota day: %w", translate(err))
	}
	return rows, mark, nil
}

// QuotaDaySum returns how many subscriptions have counts on day and the sum
// of their counts: both only grow during the day, so together they change
// whenever a count does.
func (s *Store) QuotaDaySum(ctx context.Context, day int64) (rows, sum int64, err error) {
	var out struct {
		N   int64 `bun:"n"`
		Sum int64 `bun:"total"`
	}
	if err := s.db.NewSelect().Table("usage_quota_days").ColumnExpr("COUNT(*) AS n, COALESCE(SUM(accepted), 0) AS total").
		Where("day = ?", day).Scan(ctx, &out); err != nil {
		return 0, 0, fmt.Errorf("quota day sum: %w", translate(err))
	}
	return out.N, out.Sum, nil
}

// RecordQuotaAlert records that the notification of a subscription's
// percent of its daily quota on day is sent; it reports false when it was
// already (nothing is written then).
func (s *Store) RecordQuotaAlert(ctx context.Context, db bun.IDB, subscriptionID, day int64, percent int, at time.Time) (bool, error) {
	res, err := db.NewRaw("INSERT INTO usage_quota_alerts (subscription_id, day, percent, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (subscription_id, day, percent) DO NOTHING",
		subscriptionID, day, percent, at.UTC()).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("record quota alert: %w", translate(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("record quota alert: %w", err)
	}
	return n == 1, nil
}

// PruneQuotas deletes the quota counts and alerts of days before day, a
// batch at a time (see deleteBatched), and returns how many rows it
// deleted.
func (s *Store) PruneQuotas(ctx context.Context, day int64) (int64, error) {
	n, err := s.deleteBatched(ctx, 0, "usage_quota_days", "day, subscription_id", "day < ?", day)
	if err != nil {
		return n, fmt.Errorf("prune quota days: %w", err)
	}
	m, err := s.deleteBatched(ctx, 0, "usage_quota_alerts", "subscription_id, day, percent", "day < ?", day)
	if err != nil {
		return n + m, fmt.Errorf("prune quota alerts: %w", err)
	}
	return n + m, nil
}

// SubscriptionIn returns a subscription with its app, API, plan and teams,
// read through db (inside a transaction).
func (s *Store) SubscriptionIn(ctx context.Context, db bun.IDB, id int64) (*Subscription, error) {
	sub := new(Subscription)
	if err := s.subscriptionQuery(db, sub).Where("s.id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("subscription %d: %w", id, translate(err))
	}
	return sub, nil
}
