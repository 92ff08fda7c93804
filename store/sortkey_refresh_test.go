package store_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// countWrites counts the statements that update rows (a bun query hook).
type countWrites struct{ n atomic.Int64 }

func (c *countWrites) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }

func (c *countWrites) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	if strings.Contains(strings.ToUpper(e.Query), "UPDATE ") {
		c.n.Add(1)
	}
}

// TestRefreshSortKeysWritesAPageAtOnce: the keys of the rows found
// without one (all of them, right after the migration that adds the
// column, which Migrate refreshes before the server starts) are written a
// page of rows per statement, not one statement (and, outside a
// transaction, one commit) per row: 60,000 APIs and apps took minutes of
// the first start after the upgrade on PostgreSQL. Each row gets the key
// of its name, and a second refresh finds nothing to do.
func TestRefreshSortKeysWritesAPageAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		team := storetest.Team(t, s, "payments", "Payments")
		const rows = 1200
		q := "INSERT INTO apps (team_id, slug, name, description, contact, lock_version, created_at, updated_at)" +
			" SELECT ?, 'app-' || x, 'App ' || x || ' É', '', '', 1, ?, ? FROM "
		if s.Dialect() == store.PostgreSQL {
			q += "generate_series(1, ?) AS g(x)"
		} else {
			q = "WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < ?) " + q + "g"
		}
		now := store.Now()
		args := []any{team.ID, now, now, rows}
		if s.Dialect() != store.PostgreSQL {
			args = []any{rows, team.ID, now, now}
		}
		if _, err := s.DB().ExecContext(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
		writes := &countWrites{}
		s.AddQueryHook(writes)
		n, err := s.RefreshSortKeys(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != rows {
			t.Errorf("RefreshSortKeys set %d keys, want %d", n, rows)
		}
		if got := writes.n.Load(); got > 3 {
			t.Errorf("RefreshSortKeys wrote %d keys in %d statements, want at most 3 (a page of 500 rows each)", n, got)
		}
		var stale []struct {
			Name    string `bun:"name"`
			SortKey string `bun:"sort_key"`
		}
		if err := s.DB().NewSelect().Table("apps").Column("name", "sort_key").Scan(ctx, &stale); err != nil {
			t.Fatal(err)
		}
		bad := 0
		for _, r := range stale {
			if r.SortKey != store.SortKey(r.Name) {
				if bad++; bad <= 3 {
					t.Errorf("app %q has the key %q, want %q", r.Name, r.SortKey, store.SortKey(r.Name))
				}
			}
		}
		if len(stale) != rows {
			t.Errorf("%d apps, want %d", len(stale), rows)
		}
		if n, err := s.RefreshSortKeys(ctx); err != nil || n != 0 {
			t.Errorf("second RefreshSortKeys = %d, %v; want 0, nil", n, err)
		}
	})
}
