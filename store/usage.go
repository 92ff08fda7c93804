package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Usage grains, in seconds.
const (
	UsageMinute = 60
	UsageHour   = 3600
	UsageDay    = 86400
)

// UsageLatencyBuckets is the number of latency columns (l00…l14), one per
// bucket of gateway.LatencyBoundsMS and one beyond.
const UsageLatencyBuckets = 15

// UsageRow is one grain of one key's traffic.
type UsageRow struct {
	Step           int
	T              int64
	SubscriptionID int64
	Kid            string
	APIID          int64
	Major          int
	ProviderTeamID int64
	ConsumerTeamID int64
	S2xx, S3xx     int64
	S4xx, S429     int64
	S5xx           int64
	BytesIn        int64
	BytesOut       int64
	Latency        [UsageLatencyBuckets]int64
}

var usageCounters = func() []string {
	cols := []string{"s2xx", "s3xx", "s4xx", "s429", "s5xx", "bytes_in", "bytes_out"}
	for i := range UsageLatencyBuckets {
		cols = append(cols, fmt.Sprintf("l%02d", i))
	}
	return cols
}()

var usageKeyCols = []string{"step", "t", "subscription_id", "kid", "api_id", "major", "provider_team_id", "consumer_team_id"}

// usageUpsert is the ON CONFLICT clause that adds the counters of a row of
// usage_rollups.
var usageUpsert = upsertOf("usage_rollups", "step, t, subscription_id, kid")

// hourlyUpsert is that of usage_hourly.
var hourlyUpsert = upsertOf("usage_hourly", "step, t, subscription_id")

func upsertOf(table, key string) string {
	sets := make([]string, len(usageCounters))
	for i, c := range usageCounters {
		sets[i] = fmt.Sprintf("%s = %s.%s + excluded.%s", c, table, c, c)
	}
	return " ON CONFLICT (" + key + ") DO UPDATE SET " + strings.Join(sets, ", ")
}

// hourlyKeyCols are the columns of usage_hourly other than the counters.
var hourlyKeyCols = []string{"step", "t", "subscription_id", "api_id", "major", "provider_team_id", "consumer_team_id"}

// RecordUsageBatch records that node's batch id was ingested; it reports
// false when it already was (nothing is written then).
func (s *Store) RecordUsageBatch(ctx context.Context, db bun.IDB, node, batchID string, points int, at time.Time) (bool, error) {
	res, err := db.NewRaw("INSERT INTO usage_batches (node, batch_id, points, received_at) VALUES (?, ?, ?, ?) ON CONFLICT (node, batch_id) DO NOTHING",
		node, batchID, points, at.UTC()).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("record usage batch: %w", translate(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("record usage batch: %w", err)
	}
	return n == 1, nil
}

// UsageSubscription is what a usage row copies from its subscription.
type UsageSubscription struct {
	ID             int64 `bun:"id"`
	APIID          int64 `bun:"api_id"`
	Major          int   `bun:"major"`
	ProviderTeamID int64 `bun:"provider_team_id"`
	ConsumerTeamID int64 `bun:"consumer_team_id"`
	// QuotaPerDay is the daily quota of the subscription's plan (0: none).
	QuotaPerDay int64 `bun:"quota_per_day"`
}

// UsageSubscriptions returns the subscriptions with these ids that exist,
// with their plan's daily quota.
func (s *Store) UsageSubscriptions(ctx context.Context, db bun.IDB, ids []int64) (map[int64]UsageSubscription, error) {
	out := make(map[int64]UsageSubscription, len(ids))
	for start := 0; start < len(ids); start += 500 {
		var rows []UsageSubscription
		chunk := ids[start:min(start+500, len(ids))]
		if err := db.NewSelect().TableExpr("subscriptions AS s").Join("JOIN plans AS p ON p.id = s.plan_id").
			ColumnExpr("s.id, s.api_id, s.major, s.provider_team_id, s.consumer_team_id, p.quota_per_day").
			Where("s.id IN (?)", bun.List(chunk)).Scan(ctx, &rows); err != nil {
			return nil, fmt.Errorf("usage subscriptions: %w", translate(err))
		}
		for _, r := range rows {
			out[r.ID] = r
		}
	}
	return out, nil
}

// AddUsage adds rows to the rollups (a row of the same grain, bucket,
// subscription and key is added to), and their sums per subscription and
// hour (days: per day) to the hourly rollups. rows must hold each such
// identity once. Both tables' rows are written in the order of their
// identity (grain, bucket, subscription, key), whatever the order of rows:
// concurrent ingests on PostgreSQL (batches of several nodes adding to the
// same hour of a subscription) then lock them in the same order and wait
// for each other instead of deadlocking.
func (s *Store) AddUsage(ctx context.Context, db bun.IDB, rows []UsageRow) error {
	rows = slices.Clone(rows)
	slices.SortFunc(rows, compareUsageRows)
	if err := s.insertUsage(ctx, db, "usage_rollups", usageKeyCols, usageUpsert, rows, func(r *UsageRow, args []any) []any {
		return append(args, r.Step, r.T, r.SubscriptionID, r.Kid, r.APIID, r.Major, r.ProviderTeamID, r.ConsumerTeamID)
	}); err != nil {
		return err
	}
	type hourKey struct {
		step int
		t    int64
		sub  int64
	}
	idx := map[hourKey]int{}
	var hours []UsageRow
	for _, r := range rows {
		k := hourKey{UsageHour, r.T - r.T%UsageHour, r.SubscriptionID}
		if r.Step == UsageDay {
			k = hourKey{UsageDay, r.T, r.SubscriptionID}
		}
		i, ok := idx[k]
		if !ok {
			i = len(hours)
			idx[k] = i
			h := r
			h.Step, h.T, h.Kid = k.step, k.t, ""
			hours = append(hours, h)
			continue
		}
		hours[i].add(&r)
	}
	slices.SortFunc(hours, compareUsageRows)
	return s.insertUsage(ctx, db, "usage_hourly", hourlyKeyCols, hourlyUpsert, hours, func(r *UsageRow, args []any) []any {
		return append(args, r.Step, r.T, r.SubscriptionID, r.APIID, r.Major, r.ProviderTeamID, r.ConsumerTeamID)
	})
}

// compareUsageRows orders rows by their identity: grain, bucket,
// subscription, key.
func compareUsageRows(a, b UsageRow) int {
	return cmp.Or(cmp.Compare(a.Step, b.Step), cmp.Compare(a.T, b.T), cmp.Compare(a.SubscriptionID, b.SubscriptionID), strings.Compare(a.Kid, b.Kid))
}

// add adds o's counters to r's.
func (r *UsageRow) add(o *UsageRow) {
	r.S2xx += o.S2xx
	r.S3xx += o.S3xx
	r.S4xx += o.S4xx
	r.S429 += o.S429
	r.S5xx += o.S5xx
	r.BytesIn += o.BytesIn
	r.BytesOut += o.BytesOut
	for i, n := range o.Latency {
		r.Latency[i] += n
	}
}

// insertUsage inserts rows into table, ending each statement with upsert;
// keys appends a row's key columns (keyCols) to the arguments. On SQLite it
// executes one prepared statement per row (parsing a statement costs more
// than running it there); on PostgreSQL multi-row statements (a round trip
// costs more).
func (s *Store) insertUsage(ctx context.Context, db bun.IDB, table string, keyCols []string, upsert string, rows []UsageRow, keys func(*UsageRow, []any) []any) error {
	cols := strings.Join(append(append([]string{}, keyCols...), usageCounters...), ", ")
	per := len(keyCols) + len(usageCounters)
	ph := "(" + strings.TrimSuffix(strings.Repeat("?, ", per), ", ") + ")"
	rowArgs := func(r *UsageRow, args []any) []any {
		args = keys(r, args)
		args = append(args, r.S2xx, r.S3xx, r.S4xx, r.S429, r.S5xx, r.BytesIn, r.BytesOut)
		for _, l := range r.Latency {
			args = append(args, l)
		}
		return args
	}
	if p, ok := db.(interface {
		PrepareContext(context.Context, string) (*sql.Stmt, error)
	}); ok && s.dialect == SQLite && len(rows) > 1 {
		stmt, err := p.PrepareContext(ctx, "INSERT INTO "+table+" ("+cols+") VALUES "+ph+upsert)
		if err != nil {
			return fmt.Errorf("add usage: %w", translate(err))
		}
		defer stmt.Close()
		args := make([]any, 0, per)
		for i := range rows {
			if _, err := stmt.ExecContext(ctx, rowArgs(&rows[i], args[:0])...); err != nil {
				return fmt.Errorf("add usage: %w", translate(err))
			}
		}
		return nil
	}
	const chunk = 300
	for start := 0; start < len(rows); start += chunk {
		part := rows[start:min(start+chunk, len(rows))]
		var b strings.Builder
		b.WriteString("INSERT INTO " + table + " (" + cols + ") VALUES ")
		args := make([]any, 0, len(part)*per)
		for i := range part {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(ph)
			args = rowArgs(&part[i], args)
		}
		b.WriteString(upsert)
		if _, err := db.NewRaw(b.String(), args...).Exec(ctx); err != nil {
			return fmt.Errorf("add usage: %w", translate(err))
		}
	}
	return nil
}

// TouchKeys sets the keys' last use to the given times, unless they were
// used later already: one statement per distinct time (a batch's keys
// mostly share one: the end of its minute, or now) and 500 keys.
//
// On PostgreSQL the keys' rows are first locked in the order of their id
// (lockKeys), the order every transaction that writes several keys takes:
// the updates per time would otherwise lock them in the order of the
// times (a map's, and two nodes' reports of the same keys hold other
// times) and of whatever plan each statement gets, and two concurrent
// ingests, or an ingest and the end of a subscription revoking its keys,
// could each hold a key the other waits for. SQLite runs one write
// transaction at a time.
func (s *Store) TouchKeys(ctx context.Context, db bun.IDB, lastUsed map[string]time.Time) error {
	if s.dialect == PostgreSQL && len(lastUsed) > 0 {
		kids := slices.Sorted(maps.Keys(lastUsed))
		var ids []int64
		for start := 0; start < len(kids); start += 500 {
			var part []int64
			if err := db.NewSelect().Table("api_keys").Column("id").Where("kid IN (?)", bun.List(kids[start:min(start+500, len(kids))])).
				Scan(ctx, &part); err != nil {
				return fmt.Errorf("touch keys: %w", translate(err))
			}
			ids = append(ids, part...)
		}
		if err := lockKeys(ctx, db, ids); err != nil {
			return fmt.Errorf("touch keys: %w", err)
		}
	}
	byTime := map[time.Time][]string{}
	for kid, at := range lastUsed {
		at = at.UTC()
		byTime[at] = append(byTime[at], kid)
	}
	for at, kids := range byTime {
		for start := 0; start < len(kids); start += 500 {
			chunk := kids[start:min(start+500, len(kids))]
			if _, err := db.NewUpdate().Table("api_keys").Set("last_used_at = ?", at).
				Where("kid IN (?)", bun.List(chunk)).Where("(last_used_at IS NULL OR last_used_at < ?)", at).Exec(ctx); err != nil {
				return fmt.Errorf("touch keys: %w", translate(err))
			}
		}
	}
	return nil
}

// CompactUsage moves the rows of grain from with a bucket before before
// (a multiple of to) into rows of grain to, in one transaction that
// concurrent compactions wait for. It returns how many rows it moved. Hours
// become days in the hourly rollups too.
func (s *Store) CompactUsage(ctx context.Context, from, to int, before int64, now time.Time) (int64, error) {
	var moved int64
	err := s.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewRaw("UPDATE usage_state SET compacted_at = ? WHERE id = 1", now.UTC()).Exec(ctx); err != nil {
			return err
		}
		n, err := compact(ctx, tx, s.dialect, "usage_rollups", "subscription_id, kid", usageKeyCols, usageUpsert, from, to, before)
		if err != nil {
			return err
		}
		moved = n
		if from == UsageHour {
			_, err = compact(ctx, tx, s.dialect, "usage_hourly", "subscription_id", hourlyKeyCols, hourlyUpsert, from, to, before)
		}
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("compact usage: %w", translate(err))
	}
	return moved, nil
}

// compact sums table's rows of grain from before before into rows of grain
// to per group (the identity's columns other than step and t), then
// deletes them.
//
// On PostgreSQL one statement deletes the rows and sums what it deleted
// (PostgreSQL-specific: a DELETE in WITH): an ingest that adds to such a
// row (a late batch) while the compaction runs is either waited for, its
// addition then deleted and summed, or comes after; with a sum and a delete
// apart, the delete could take rows or additions committed after the sum
// was read, and lose them. SQLite runs one write transaction at a time.
func compact(ctx context.Context, tx bun.Tx, dialect Dialect, table, group string, keyCols []string, upsert string, from, to int, before int64) (int64, error) {
	sums := make([]string, len(usageCounters))
	for i, c := range usageCounters {
		sums[i] = "SUM(" + c + ")"
	}
	cols := strings.Join(append(append([]string{}, keyCols...), usageCounters...), ", ")
	sum := func(src string) string {
		return "INSERT INTO " + table + " (" + cols + ") SELECT ?, t - t % ?, " + group + ", MAX(api_id), MAX(major), MAX(provider_team_id), MAX(consumer_team_id), " +
			strings.Join(sums, ", ") + " FROM " + src + " WHERE step = ? AND t < ? GROUP BY t - t % ?, " + group + upsert
	}
	if dialect == PostgreSQL {
		var n int64
		q := "WITH moved AS (DELETE FROM " + table + " WHERE step = ? AND t < ? RETURNING *), summed AS (" + sum("moved") + ") SELECT COUNT(*) FROM moved"
		if err := tx.NewRaw(q, from, before, to, to, from, before, to).Scan(ctx, &n); err != nil {
			return 0, err
		}
		return n, nil
	}
	if _, err := tx.NewRaw(sum(table), to, to, from, before, to).Exec(ctx); err != nil {
		return 0, err
	}
	res, err := tx.NewRaw("DELETE FROM "+table+" WHERE step = ? AND t < ?", from, before).Exec(ctx)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// PruneUsage deletes the rollups of every grain with a bucket before
// before, and the records of batches received before batchesBefore, a
// batch at a time (see deleteBatched). It returns how many rows of
// usage_rollups it deleted.
func (s *Store) PruneUsage(ctx context.Context, before int64, batchesBefore time.Time) (int64, error) {
	n, err := s.deleteBatched(ctx, 0, "usage_rollups", "step, t, subscription_id, kid", "t < ?", before)
	if err != nil {
		return n, fmt.Errorf("prune usage: %w", err)
	}
	if _, err := s.deleteBatched(ctx, 0, "usage_hourly", "step, t, subscription_id", "t < ?", before); err != nil {
		return n, fmt.Errorf("prune usage: %w", err)
	}
	if _, err := s.deleteBatched(ctx, 0, "usage_batches", "node, batch_id", "received_at < ?", batchesBefore.UTC()); err != nil {
		return n, fmt.Errorf("prune usage batches: %w", err)
	}
	return n, nil
}

// UsageFilter selects rollups: those of subscriptions to the provider
// teams' APIs or of the consumer teams' apps. A nil list means every team
// (and then the other list does not narrow); an empty one, none.
type UsageFilter struct {
	ProviderTeams  []int64
	ConsumerTeams  []int64
	APIID          int64
	SubscriptionID int64
	From, To       int64 // Unix seconds, To exclusive
	Step           int64
}

// UsageBucket is the sum of the rollups in one step of a series.
type UsageBucket struct {
	T        int64 `bun:"bucket"`
	S2xx     int64 `bun:"s2xx"`
	S3xx     int64 `bun:"s3xx"`
	S4xx     int64 `bun:"s4xx"`
	S429     int64 `bun:"s429"`
	S5xx     int64 `bun:"s5xx"`
	BytesIn  int64 `bun:"bytes_in"`
	BytesOut int64 `bun:"bytes_out"`
	L00      int64 `bun:"l00"`
	L01      int64 `bun:"l01"`
	L02      int64 `bun:"l02"`
	L03      int64 `bun:"l03"`
	L04      int64 `bun:"l04"`
	L05      int64 `bun:"l05"`
	L06      int64 `bun:"l06"`
	L07      int64 `bun:"l07"`
	L08      int64 `bun:"l08"`
	L09      int64 `bun:"l09"`
	L10      int64 `bun:"l10"`
	L11      int64 `bun:"l11"`
	L12      int64 `bun:"l12"`
	L13      int64 `bun:"l13"`
	L14      int64 `bun:"l14"`
}

// Add adds o's counters to b's (not T).
func (b *UsageBucket) Add(o UsageBucket) {
	b.S2xx += o.S2xx
	b.S3xx += o.S3xx
	b.S4xx += o.S4xx
	b.S429 += o.S429
	b.S5xx += o.S5xx
	b.BytesIn += o.BytesIn
	b.BytesOut += o.BytesOut
	for i, p := range []*int64{&b.L00, &b.L01, &b.L02, &b.L03, &b.L04, &b.L05, &b.L06, &b.L07, &b.L08, &b.L09, &b.L10, &b.L11, &b.L12, &b.L13, &b.L14} {
		*p += o.Latency()[i]
	}
}

// Latency returns the bucket's latency counts.
func (b UsageBucket) Latency() []int64 {
	return []int64{b.L00, b.L01, b.L02, b.L03, b.L04, b.L05, b.L06, b.L07, b.L08, b.L09, b.L10, b.L11, b.L12, b.L13, b.L14}
}

// UsageSeries sums the rollups that f selects per step, oldest first; steps
// without traffic are absent.
func (s *Store) UsageSeries(ctx context.Context, f UsageFilter) ([]UsageBucket, error) {
	if (f.ProviderTeams != nil && len(f.ProviderTeams) == 0 && f.ConsumerTeams != nil && len(f.ConsumerTeams) == 0) || f.Step <= 0 {
		return nil, nil
	}
	var out []UsageBucket
	for _, p := range usageParts(f) {
		var part []UsageBucket
		q := s.usageQuery(p.table, p.f).ColumnExpr("t - t % ? AS bucket", f.Step)
		if err := q.GroupExpr("t - t % ?", f.Step).OrderExpr("bucket").Scan(ctx, &part); err != nil {
			return nil, fmt.Errorf("usage series: %w", translate(err))
		}
		out = mergeBuckets(out, part)
	}
	slices.SortFunc(out, func(a, b UsageBucket) int { return cmp.Compare(a.T, b.T) })
	return out, nil
}

// usagePart is a part of a range and the table that answers it.
type usagePart struct {
	table string
	f     UsageFilter
}

// usageParts splits f's range: the whole hours (days older than the
// compaction's cut) are read from usage_hourly, one row per subscription
// and hour; the parts before the first and after the last whole hour from
// usage_rollups. Both hold the same usage, so the sums are those of
// usage_rollups alone. A step that is not a whole number of hours reads
// usage_rollups only: its buckets split hours.
func usageParts(f UsageFilter) []usagePart {
	lo := (f.From + UsageHour - 1) / UsageHour * UsageHour
	if f.From < 0 {
		lo = f.From / UsageHour * UsageHour
	}
	hi := f.To / UsageHour * UsageHour
	if (f.Step > 0 && f.Step%UsageHour != 0) || lo >= hi {
		return []usagePart{{"usage_rollups", f}}
	}
	mid := f
	mid.From, mid.To = lo, hi
	parts := []usagePart{{"usage_hourly", mid}}
	if f.From < lo {
		head := f
		head.To = lo
		parts = append(parts, usagePart{"usage_rollups", head})
	}
	if hi < f.To {
		tail := f
		tail.From = hi
		parts = append(parts, usagePart{"usage_rollups", tail})
	}
	return parts
}

// mergeBuckets adds b's buckets to a's bucket of the same T (appending
// those a lacks), in no particular order.
func mergeBuckets(a, b []UsageBucket) []UsageBucket {
	if len(a) == 0 {
		return b
	}
	at := make(map[int64]int, len(a))
	for i, x := range a {
		at[x.T] = i
	}
	for _, x := range b {
		if i, ok := at[x.T]; ok {
			a[i].Add(x)
			continue
		}
		at[x.T] = len(a)
		a = append(a, x)
	}
	return a
}

// UsageGroup names a column usage totals are grouped by.
type UsageGroup string

// The groups of UsageTotals.
const (
	BySubscription UsageGroup = "subscription_id"
	ByMajor        UsageGroup = "major"
)

// UsageTotals sums the rollups that f selects (f.Step is ignored) per
// subscription or per major version: each bucket's T holds the group's
// value (the subscription id or the major). The groups come with the most
// requests first, at most limit of them (0: all).
func (s *Store) UsageTotals(ctx context.Context, f UsageFilter, by UsageGroup, limit int) ([]UsageBucket, error) {
	if f.ProviderTeams != nil && len(f.ProviderTeams) == 0 && f.ConsumerTeams != nil && len(f.ConsumerTeams) == 0 {
		return nil, nil
	}
	if by != BySubscription && by != ByMajor {
		return nil, fmt.Errorf("usage totals by %q: unknown group", by)
	}
	f.Step = 0
	parts := usageParts(f)
	var out []UsageBucket
	for _, p := range parts {
		var part []UsageBucket
		q := s.usageQuery(p.table, p.f).ColumnExpr("? AS bucket", bun.Ident(string(by))).GroupExpr("?", bun.Ident(string(by)))
		if len(parts) == 1 {
			q = q.OrderExpr("SUM(s2xx + s3xx + s4xx + s429 + s5xx) DESC").OrderExpr("bucket").Limit(int64(limit))
		}
		if err := q.Scan(ctx, &part); err != nil {
			return nil, fmt.Errorf("usage totals: %w", translate(err))
		}
		out = mergeBuckets(out, part)
	}
	if len(parts) > 1 {
		slices.SortFunc(out, func(a, b UsageBucket) int {
			if ra, rb := a.requests(), b.requests(); ra != rb {
				return cmp.Compare(rb, ra)
			}
			return cmp.Compare(a.T, b.T)
		})
		if limit > 0 && len(out) > limit {
			out = out[:limit]
		}
	}
	return out, nil
}

func (b UsageBucket) requests() int64 { return b.S2xx + b.S3xx + b.S4xx + b.S429 + b.S5xx }

// UsageAPIPoint is the requests to one API in one step.
type UsageAPIPoint struct {
	APIID    int64 `bun:"api_id"`
	T        int64 `bun:"bucket"`
	Requests int64 `bun:"requests"`
}

// UsageRequestsByAPI counts the requests to each of apiIDs per step of f
// (f.APIID is ignored), by API then step; steps without traffic are absent.
func (s *Store) UsageRequestsByAPI(ctx context.Context, f UsageFilter, apiIDs []int64) ([]UsageAPIPoint, error) {
	if len(apiIDs) == 0 || f.Step <= 0 || (f.ProviderTeams != nil && len(f.ProviderTeams) == 0 && f.ConsumerTeams != nil && len(f.ConsumerTeams) == 0) {
		return nil, nil
	}
	f.APIID = 0
	type apiStep struct{ api, t int64 }
	var out []UsageAPIPoint
	at := map[apiStep]int{}
	for _, p := range usageParts(f) {
		q := usageWhere(s.db.NewSelect().Table(p.table).Column("api_id").ColumnExpr("t - t % ? AS bucket", f.Step).
			ColumnExpr("SUM(s2xx + s3xx + s4xx + s429 + s5xx) AS requests"), p.f).Where("api_id IN (?)", bun.List(apiIDs))
		var part []UsageAPIPoint
		if err := q.GroupExpr("api_id, t - t % ?", f.Step).Scan(ctx, &part); err != nil {
			return nil, fmt.Errorf("usage by api: %w", translate(err))
		}
		for _, x := range part {
			k := apiStep{x.APIID, x.T}
			if i, ok := at[k]; ok {
				out[i].Requests += x.Requests
				continue
			}
			at[k] = len(out)
			out = append(out, x)
		}
	}
	slices.SortFunc(out, func(a, b UsageAPIPoint) int {
		if a.APIID != b.APIID {
			return cmp.Compare(a.APIID, b.APIID)
		}
		return cmp.Compare(a.T, b.T)
	})
	return out, nil
}

// usageQuery selects the sums of the counters of table's rows that f
// selects, for the caller to group.
func (s *Store) usageQuery(table string, f UsageFilter) *bun.SelectQuery {
	sums := make([]string, len(usageCounters))
	for i, c := range usageCounters {
		sums[i] = "SUM(" + c + ") AS " + c
	}
	return usageWhere(s.db.NewSelect().Table(table).ColumnExpr(strings.Join(sums, ", ")), f)
}

// usageWhere narrows q to the rollups f selects.
func usageWhere(q *bun.SelectQuery, f UsageFilter) *bun.SelectQuery {
	q = q.Where("t >= ?", f.From).Where("t < ?", f.To)
	if f.ProviderTeams != nil && f.ConsumerTeams != nil {
		q = q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			if len(f.ProviderTeams) > 0 {
				q = q.WhereOr("provider_team_id IN (?)", bun.List(f.ProviderTeams))
			}
			if len(f.ConsumerTeams) > 0 {
				q = q.WhereOr("consumer_team_id IN (?)", bun.List(f.ConsumerTeams))
			}
			return q
		})
	}
	if f.APIID != 0 {
		q = q.Where("api_id = ?", f.APIID)
	}
	if f.SubscriptionID != 0 {
		q = q.Where("subscription_id = ?", f.SubscriptionID)
	}
	return q
}
