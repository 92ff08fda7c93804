package store

import (
	"context"
	"strings"
	"testing"
)

// TestAPIHistoryReadIsNotSorted: on SQLite, an API page's history is read
// from audit_events_api_history_idx in the query's order, with no
// temporary b-tree to sort the events on every view.
func TestAPIHistoryReadIsNotSorted(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	rows, err := s.db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+apiHistoryQuery(SQLite), int64(1), "pay", 200)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(plan, "; ")
	if !strings.Contains(got, "INDEX audit_events_api_history_idx") || strings.Contains(got, "TEMP B-TREE") {
		t.Errorf("plan %q, want audit_events_api_history_idx and no temporary b-tree", got)
	}
	t.Log(got)
}
