package store

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestAuditFilteredByActorOrActionReadsAnIndex: the audit log filtered by
// actor or by action (the portal's filters, GET /api/v1/audit's) reads an
// index of that column, for its page and for its count, on both databases:
// without one, a year's audit log (300,000 events) was read whole for each
// page (110-190 ms on PostgreSQL), and the more so the rarer the actor.
func TestAuditFilteredByActorOrActionReadsAnIndex(t *testing.T) {
	ctx := context.Background()
	for _, s := range planStores(t) {
		name := string(s.dialect)
		fillAuditLog(t, s)
		if _, err := s.db.ExecContext(ctx, "ANALYZE"); err != nil {
			t.Fatal(err)
		}
		for _, f := range []AuditFilter{{Actor: "rita"}, {Action: "user.create"}, {Actor: "rita", Before: 10000}, {Actor: "rita", After: 10000}} {
			page := f.pageQuery(s.db.NewSelect().Model((*AuditEvent)(nil)), s.dialect, nil, 50).String()
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

// TestAuditDeepPageReadsFromItsCursor: a page deep in the audit log (the
// 15,000th newest event of 20,000 on) is read from its cursor (before=,
// after= the id of an event) on an index in id order, whole log or
// filtered by actor or action, on both databases: SQLite searches the
// index from the cursor (rowid<? or rowid>?), and PostgreSQL's scan
// (EXPLAIN ANALYZE) yields the page's rows, not the 15,000 it skips. The
// numbered pages' OFFSET, measured the same way, yields them all first:
// 170 ms for page 3,000 of a 300,000-event log on PostgreSQL, growing
// with the page (bench/audit.sh).
func TestAuditDeepPageReadsFromItsCursor(t *testing.T) {
	ctx := context.Background()
	for _, s := range planStores(t) {
		name := string(s.dialect)
		fillAuditLog(t, s)
		vacuum := "ANALYZE"
		if s.dialect == PostgreSQL {
			vacuum = "VACUUM ANALYZE audit_events"
		}
		if _, err := s.db.ExecContext(ctx, vacuum); err != nil {
			t.Fatal(err)
		}
		const skipped, limit = 15000, 50
		for _, f := range []AuditFilter{{}, {Actor: "admin"}, {Action: "version.import"}} {
			cursor, err := s.AuditIDAt(ctx, f, skipped)
			if err != nil || cursor == 0 {
				t.Fatalf("%s: id at %d: %d, %v", name, skipped, cursor, err)
			}
			older, newer := f, f
			older.Before, newer.After = cursor, cursor
			for _, g := range []AuditFilter{older, newer} {
				q := g.pageQuery(s.db.NewSelect().Model((*AuditEvent)(nil)), s.dialect, nil, limit+1).String()
				if s.dialect == PostgreSQL {
					if rows := scannedRows(t, s, q); rows > 2*limit {
						t.Errorf("%s: %s\nscanned %d rows, want the page's (at most %d)", name, q, rows, 2*limit)
					}
				} else if plan := explain(t, s, q); !strings.Contains(plan, "rowid<?") && !strings.Contains(plan, "rowid>?") {
					t.Errorf("%s: %s\nplan: %s\nwant a search of an index from the cursor (rowid<? or rowid>?)", name, q, plan)
				}
			}
			// The numbered page at the same depth, for comparison: the
			// measure above tells it apart.
			offset := f.apply(s.db.NewSelect().Model((*AuditEvent)(nil)), s.dialect).Order("id DESC").
				Offset(skipped).Limit(limit).String()
			if s.dialect == PostgreSQL {
				if rows := scannedRows(t, s, offset); rows <= skipped {
					t.Errorf("%s: %s\nscanned %d rows, want more than the %d skipped", name, offset, rows, skipped)
				}
			} else if plan := explain(t, s, offset); strings.Contains(plan, "rowid<?") {
				t.Errorf("%s: %s\nplan: %s\nwant no search from a cursor", name, offset, plan)
			}
		}
	}
}

var actualRows = regexp.MustCompile(`Scan.*actual time=[0-9.]+\.\.[0-9.]+ rows=([0-9]+)`)

// scannedRows runs q under EXPLAIN ANALYZE on PostgreSQL and returns the
// most rows a scan of its plan yielded.
func scannedRows(t *testing.T, s *Store, q string) int {
	t.Helper()
	rows, err := s.db.QueryContext(context.Background(), "EXPLAIN ANALYZE "+q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	most, scans := 0, 0
	var plan []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, line)
		if m := actualRows.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[1])
			most, scans = max(most, n), scans+1
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if scans == 0 {
		t.Fatalf("no scan in the plan of %s:\n%s", q, strings.Join(plan, "\n"))
	}
	return most
}

// openPlanStore opens a migrated store on SQLite (dsn "") or in a schema
// of its own in the PostgreSQL database dsn, dropped at the end.
var planSchemaSeq atomic.Int64

// planStores returns a fresh migrated store of each dialect: SQLite, and
// PostgreSQL when PORTICO_TEST_DATABASE_URL is set.
func planStores(t *testing.T) []*Store {
	t.Helper()
	stores := []*Store{openPlanStore(t, "")}
	if u := os.Getenv("PORTICO_TEST_DATABASE_URL"); u != "" {
		stores = append(stores, openPlanStore(t, u))
	}
	return stores
}

// withSeries completes insert, which ends in FROM, with g, the whole
// numbers from 1 to n, in d's SQL.
func withSeries(d Dialect, n int, insert string) string {
	if d == PostgreSQL {
		return insert + fmt.Sprintf("generate_series(1, %d) AS g", n)
	}
	return fmt.Sprintf("WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < %d) ", n) + insert + "s"
}

// fillAuditLog writes an audit log of 20,000 events by one actor and of a
// few actions, with a rare actor (rita) and a rare action (user.create),
// as the planner finds a real one.
func fillAuditLog(t *testing.T, s *Store) {
	t.Helper()
	fill := withSeries(s.dialect, 20000, `INSERT INTO audit_events (created_at, actor, action, object_type, object_id, team_id)
		SELECT CURRENT_TIMESTAMP, CASE WHEN g % 2000 = 0 THEN 'rita' ELSE 'admin' END,
		CASE WHEN g % 2000 = 1 THEN 'user.create' ELSE 'version.import' END, 'version', 'api-' || g, 1 FROM `)
	if _, err := s.db.ExecContext(context.Background(), fill); err != nil {
		t.Fatal(err)
	}
}

func openPlanStore(t *testing.T, dsn string) *Store {
	t.Helper()
	ctx := context.Background()
	if dsn != "" {
		admin, err := Open(ctx, dsn, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		// A schema of this run's own (as storetest's): two runs of the
		// package against one database (two checkouts, or a developer's
		// run beside CI's) dropped each other's by the test's name.
		schema := fmt.Sprintf("plan_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, planSchemaSeq.Add(1))
		if _, err := admin.db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
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
