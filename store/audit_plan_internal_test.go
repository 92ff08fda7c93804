package store

import (
	"context"
	"os"
	"strings"
	"testing"
)

// TestAuditFilteredByActorOrActionReadsAnIndex: the audit log filtered by
// actor or by action (the portal's filters, GET /api/v1/audit's) reads an
// index of that column, for its page and for its count, on both databases:
// without one, a year's audit log (300,000 events) was read whole for each
// page (110-190 ms on PostgreSQL), and the more so the rarer the actor.
func TestAuditFilteredByActorOrActionReadsAnIndex(t *testing.T) {
	ctx := context.Background()
	dialects := []string{""}
	if u := os.Getenv("PORTICO_TEST_DATABASE_URL"); u != "" {
		dialects = append(dialects, u)
	}
	for _, dsn := range dialects {
		s := openPlanStore(t, dsn)
		name := string(s.dialect)
		// A log of 20,000 events by one actor and of a few actions, with
		// a rare actor and a rare action, as the planner finds a real one.
		fill := `INSERT INTO audit_events (created_at, actor, action, object_type, object_id, team_id)
			SELECT CURRENT_TIMESTAMP, CASE WHEN g % 2000 = 0 THEN 'rita' ELSE 'admin' END,
			CASE WHEN g % 2000 = 1 THEN 'user.create' ELSE 'version.import' END, 'version', 'api-' || g, 1 FROM `
		if s.dialect == PostgreSQL {
			fill += "generate_series(1, 20000) AS g"
		} else {
			fill = "WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < 20000) " + fill + "s"
		}
		if _, err := s.db.ExecContext(ctx, fill); err != nil {
			t.Fatal(err)
		}
		if _, err := s.db.ExecContext(ctx, "ANALYZE"); err != nil {
			t.Fatal(err)
		}
		for _, f := range []AuditFilter{{Actor: "rita"}, {Action: "user.create"}, {Actor: "rita", Offset: 50}} {
			page := f.apply(s.db.NewSelect().Model((*AuditEvent)(nil)), s.dialect).Order("id DESC").Offset(int64(f.Offset)).Limit(50).String()
			count := f.apply(s.db.NewSelect().Model((*AuditEvent)(nil)), s.dialect).ColumnExpr("COUNT(*)").String()
			for _, q := range []string{page, count} {
				plan := explain(t, s, q)
				if !strings.Contains(plan, "audit_events_actor_idx") && !strings.Contains(plan, "audit_events_action_idx") {
					t.Errorf("%s: %s\nplan: %s\nwant audit_events_actor_idx or audit_events_action_idx", name, q, plan)
				}
			}
		}
	}
}

// openPlanStore opens a migrated store on SQLite (dsn "") or in a schema
// of its own in the PostgreSQL database dsn, dropped at the end.
func openPlanStore(t *testing.T, dsn string) *Store {
	t.Helper()
	ctx := context.Background()
	if dsn != "" {
		admin, err := Open(ctx, dsn, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		schema := "audit_plan_" + strings.ToLower(strings.ReplaceAll(t.Name(), "/", "_"))
		if _, err := admin.db.ExecContext(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE; CREATE SCHEMA "+schema); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			admin.db.ExecContext(context.Background(), "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
			admin.Close()
		})
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		dsn += sep + "search_path=" + schema
	}
	s, err := Open(ctx, dsn, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

// explain returns the plan of q, one line a step.
func explain(t *testing.T, s *Store, q string) string {
	t.Helper()
	prefix := "EXPLAIN QUERY PLAN "
	if s.dialect == PostgreSQL {
		prefix = "EXPLAIN "
	}
	rows, err := s.db.QueryContext(context.Background(), prefix+q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var plan []string
	for rows.Next() {
		vals := make([]any, len(cols))
		for i := range vals {
			vals[i] = new(any)
		}
		if err := rows.Scan(vals...); err != nil {
			t.Fatal(err)
		}
		line := *(vals[len(vals)-1].(*any))
		switch v := line.(type) {
		case []byte:
			plan = append(plan, string(v))
		case string:
			plan = append(plan, v)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(plan, "; ")
}
