package handlers_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestAuditPageCountsAheadOnly: the audit page counts at most 10,000
// events, so that a page of a long log does not count the whole log (a
// year's log: 300,000 events counted on every view): past that it says
// "more than", on every page, the first as one deep in the log; a filter
// matching fewer counts them exactly.
func TestAuditPageCountsAheadOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newLCEnvOn(t, s)
		fill := `INSERT INTO audit_events (created_at, actor, action, object_type, object_id)
			SELECT CURRENT_TIMESTAMP, 'system', CASE WHEN g % 100 = 0 THEN 'test.rare' ELSE 'test.fill' END, 'test', 'event-' || g FROM `
		if s.Dialect() == store.PostgreSQL {
			fill += "generate_series(1, 10500) AS g"
		} else {
			fill = "WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < 10500) " + fill + "s"
		}
		if _, err := s.DB().ExecContext(context.Background(), fill); err != nil {
			t.Fatal(err)
		}
		deep, err := s.AuditIDAt(context.Background(), store.AuditFilter{Action: "test.fill"}, 10000)
		if err != nil || deep == 0 {
			t.Fatalf("id at 10000: %d, %v", deep, err)
		}
		b := e.browser()
		b.login("admin")
		for _, c := range []struct{ path, total string }{
			{"/audit?action=test.fill", "More than 10000 events, newest first"},
			{"/audit?action=test.fill&before=" + strconv.FormatInt(deep, 10), "More than 10000 events, newest first"},
			{"/audit?action=test.rare", "105 events, newest first"},
		} {
			res := b.get(c.path)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %d", c.path, res.StatusCode)
			}
			d := doc(t, res)
			if got := strings.TrimSpace(d.Find(`[data-testid="audit-total"]`).Text()); got != c.total {
				t.Errorf("GET %s: total %q, want %q", c.path, got, c.total)
			}
		}
	})
}
