package storetest

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/portico-dev/portico/store"
)

// Dump returns every column of every row of every table the schema lists
// (sqlite_master, information_schema), as "table.column=value" lines, byte
// columns also in hex, and the tables' names, sorted: for tests that look
// for a value (a secret) anywhere in the database.
func Dump(t testing.TB, s *store.Store) (rows string, tables []string) {
	t.Helper()
	ctx := context.Background()
	q := "SELECT name FROM sqlite_master WHERE type = 'table'"
	if s.Dialect() == store.PostgreSQL {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
	}
	if err := s.DB().NewRaw(q).Scan(ctx, &tables); err != nil {
		t.Fatal(err)
	}
	sort.Strings(tables)
	var b strings.Builder
	for _, tbl := range tables {
		var rs []map[string]any
		if err := s.DB().NewSelect().Table(tbl).Scan(ctx, &rs); err != nil {
			t.Fatalf("dump %s: %v", tbl, err)
		}
		for _, r := range rs {
			for k, v := range r {
				switch v := v.(type) {
				case []byte:
					fmt.Fprintf(&b, "%s.%s=%s hex:%x\n", tbl, k, v, v)
				default:
					fmt.Fprintf(&b, "%s.%s=%v\n", tbl, k, v)
				}
			}
		}
	}
	return b.String(), tables
}

// Rows returns the rows that q (with args) selects, a line each, its
// values separated by spaces as fmt.Sprint writes them: for tests that
// check a statement's rows are the same before and after what they do.
func Rows(t testing.TB, s *store.Store, q string, args ...any) string {
	t.Helper()
	rows, err := s.DB().QueryContext(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("rows of %s: %v", q, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatalf("rows of %s: %v", q, err)
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatalf("rows of %s: %v", q, err)
		}
		out = append(out, fmt.Sprint(vals...))
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("rows of %s: %v", q, err)
	}
	return strings.Join(out, "\n")
}
