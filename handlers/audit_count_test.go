package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestAuditPageCountsAheadOnly: the audit page counts the events at most
// 10,000 past its page, so that a page of a long log does not count the
// whole log (a year's log: 300,000 events counted on every view). Past that
// it says "more than", and its last page link is 200 pages on; a page
// nearer the end counts exactly and names the real last page.
func TestAuditPageCountsAheadOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newLCEnvOn(t, s)
		fill := `INSERT INTO audit_events (created_at, actor, action, object_type, object_id)
			SELECT CURRENT_TIMESTAMP, 'system', 'test.fill', 'test', 'event-' || g FROM `
		if s.Dialect() == store.PostgreSQL {
			fill += "generate_series(1, 10500) AS g"
		} else {
			fill = "WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < 10500) " + fill + "s"
		}
		if _, err := s.DB().ExecContext(context.Background(), fill); err != nil {
			t.Fatal(err)
		}
		b := e.browser()
		b.login("admin")
		for _, c := range []struct{ path, total, of string }{
			{"/audit?action=test.fill", "More than 10000 events, newest first", "of 200+"},
			{"/audit?action=test.fill&page=2", "More than 10050 events, newest first", "of 201+"},
			{"/audit?action=test.fill&page=100", "10500 events, newest first", "of 210"},
		} {
			res := b.get(c.path)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %d", c.path, res.StatusCode)
			}
			d := doc(t, res)
			if got := strings.TrimSpace(d.Find(`[data-testid="audit-total"]`).Text()); got != c.total {
				t.Errorf("GET %s: total %q, want %q", c.path, got, c.total)
			}
			if got := strings.Join(strings.Fields(d.Find(`[data-testid="page-jump"] span`).Text()), " "); got != c.of {
				t.Errorf("GET %s: page jump %q, want %q", c.path, got, c.of)
			}
		}
	})
}
