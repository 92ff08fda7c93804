package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// deleteCounter records how many rows each DELETE statement removed.
type deleteCounter struct{ rows []int64 }

func (d *deleteCounter) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	return ctx
}

func (d *deleteCounter) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	if e.Err != nil || e.Result == nil || !strings.HasPrefix(strings.TrimSpace(e.Query), "DELETE") {
		return
	}
	n, _ := e.Result.RowsAffected()
	d.rows = append(d.rows, n)
}

// most is the most rows one DELETE removed.
func (d *deleteCounter) most() int64 {
	var m int64
	for _, n := range d.rows {
		m = max(m, n)
	}
	return m
}

// backlog is more rows than one housekeeping batch deletes.
const backlog = 2500

// TestHousekeepingDeletesInBatches: the housekeeping deletes (expired
// sessions and old login failures, used form ids, old usage, past days'
// quota counts and alerts) remove a
// backlog larger than a batch entirely, at most 1,000 rows a statement so
// that no single statement holds SQLite's write lock or one PostgreSQL
// transaction over the whole backlog, and keep the rows that must stay.
func TestHousekeepingDeletesInBatches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := storetest.User(t, s, "ada", "member", nil, "")
		now := time.Now().UTC()
		old := now.Add(-48 * time.Hour)

		var sessions []store.Session
		var failures []store.LoginFailure
		var forms []store.FormSubmission
		for i := range backlog {
			sessions = append(sessions, store.Session{IDHash: fmt.Sprintf("old-%d", i), UserID: u.ID, CreatedAt: old, LastSeenAt: old, ExpiresAt: old})
			failures = append(failures, store.LoginFailure{Username: "ada", RemoteAddr: "192.0.2.1", CreatedAt: old})
			forms = append(forms, store.FormSubmission{KeyHash: fmt.Sprintf("old-%d", i), UserID: u.ID, Location: "/", CreatedAt: old})
		}
		sessions = append(sessions, store.Session{IDHash: "live", UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)})
		failures = append(failures, store.LoginFailure{Username: "ada", RemoteAddr: "192.0.2.2", CreatedAt: now})
		forms = append(forms, store.FormSubmission{KeyHash: "recent", UserID: u.ID, Location: "/", CreatedAt: now})
		for _, rows := range []any{&sessions, &failures, &forms} {
			if _, err := s.DB().NewInsert().Model(rows).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		for _, table := range []string{"usage_rollups", "usage_hourly"} {
			var values []string
			for i := range backlog + 1 { // t = backlog is kept
				if table == "usage_rollups" {
					values = append(values, fmt.Sprintf("(60, %d, 1, 'k', 1, 1, 1, 1)", i))
				} else {
					values = append(values, fmt.Sprintf("(3600, %d, 1, 1, 1, 1, 1)", i))
				}
			}
			cols := "step, t, subscription_id, kid, api_id, major, provider_team_id, consumer_team_id"
			if table == "usage_hourly" {
				cols = "step, t, subscription_id, api_id, major, provider_team_id, consumer_team_id"
			}
			if _, err := s.DB().NewRaw("INSERT INTO " + table + " (" + cols + ") VALUES " + strings.Join(values, ", ")).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		var batches []string
		for i := range backlog {
			batches = append(batches, fmt.Sprintf("('n', 'old-%d', 1, '%s')", i, old.Format("2006-01-02 15:04:05")))
		}
		batches = append(batches, fmt.Sprintf("('n', 'recent', 1, '%s')", now.Format("2006-01-02 15:04:05")))
		if _, err := s.DB().NewRaw("INSERT INTO usage_batches (node, batch_id, points, received_at) VALUES " + strings.Join(batches, ", ")).Exec(ctx); err != nil {
			t.Fatal(err)
		}

		// Quota counts and alerts: days 0 to backlog-1 are before the
		// day kept (backlog), a subscription each.
		var days, alerts []string
		for i := range backlog + 1 {
			days = append(days, fmt.Sprintf("(%d, %d, 1)", i, i))
			alerts = append(alerts, fmt.Sprintf("(%d, %d, 80, '%s')", i, i, now.Format("2006-01-02 15:04:05")))
		}
		if _, err := s.DB().NewRaw("INSERT INTO usage_quota_days (day, subscription_id, accepted) VALUES " + strings.Join(days, ", ")).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().NewRaw("INSERT INTO usage_quota_alerts (subscription_id, day, percent, created_at) VALUES " + strings.Join(alerts, ", ")).Exec(ctx); err != nil {
			t.Fatal(err)
		}

		d := &deleteCounter{}
		s.AddQueryHook(d)
		for _, step := range []struct {
			name  string
			prune func() (int64, error)
			want  int64
		}{
			{"DeleteExpired", func() (int64, error) { return s.DeleteExpired(ctx, now.Add(-24*time.Hour)) }, 2 * backlog},
			{"PruneFormSubmissions", func() (int64, error) { return s.PruneFormSubmissions(ctx, 24*time.Hour) }, backlog},
			{"PruneUsage", func() (int64, error) { return s.PruneUsage(ctx, backlog, now.Add(-24*time.Hour)) }, backlog},
			{"PruneQuotas", func() (int64, error) { return s.PruneQuotas(ctx, backlog) }, 2 * backlog},
		} {
			d.rows = nil
			n, err := step.prune()
			if err != nil || n != step.want {
				t.Errorf("%s: got %d, %v; want %d deleted", step.name, n, err, step.want)
			}
			if m := d.most(); m > 1000 {
				t.Errorf("%s: one statement deleted %d rows, want at most 1000 (statements: %v)", step.name, m, d.rows)
			}
		}

		for _, c := range []struct {
			table, where string
		}{
			{"sessions", "id_hash = 'live'"},
			{"login_failures", "remote_addr = '192.0.2.2'"},
			{"form_submissions", "key_hash = 'recent'"},
			{"usage_rollups", fmt.Sprintf("t = %d", backlog)},
			{"usage_hourly", fmt.Sprintf("t = %d", backlog)},
			{"usage_batches", "batch_id = 'recent'"},
			{"usage_quota_days", fmt.Sprintf("day = %d", backlog)},
			{"usage_quota_alerts", fmt.Sprintf("day = %d", backlog)},
		} {
			var total, kept int
			if err := s.DB().NewRaw("SELECT COUNT(*) FROM "+c.table).Scan(ctx, &total); err != nil {
				t.Fatal(err)
			}
			if err := s.DB().NewRaw("SELECT COUNT(*) FROM "+c.table+" WHERE "+c.where).Scan(ctx, &kept); err != nil {
				t.Fatal(err)
			}
			if total != 1 || kept != 1 {
				t.Errorf("%s: %d rows left, %d of them where %s; want only that one", c.table, total, kept, c.where)
			}
		}
	})
}
