package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestVersionMetaReadsSkipTheSpecs: on SQLite, reading versions without
// their descriptions is answered from an index, never from the rows, whose
// descriptions sit before the other columns (SQLite would walk megabytes of
// overflow pages to reach them).
func TestVersionMetaReadsSkipTheSpecs(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	for _, tc := range []struct{ name, where string }{
		{"an API's versions", "v.api_id = 1"},
		{"the versions of several APIs", "v.api_id IN (1, 2, 3)"},
	} {
		q := s.DB().NewSelect().Model((*store.APIVersion)(nil)).ExcludeColumn("spec_raw", "spec_json").Where(tc.where).
			OrderExpr("v.major DESC, v.minor DESC, v.patch DESC").String()
		rows, err := s.DB().QueryContext(ctx, "EXPLAIN QUERY PLAN "+q)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		if got := strings.Join(plan, "; "); !strings.Contains(got, "COVERING INDEX api_versions_meta") {
			t.Errorf("%s: plan %q, want a covering index of the version's columns", tc.name, got)
		}
	}
}
