package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// BenchmarkAuditAtScale reads the audit page of a year's log (300,000
// events, one actor in a thousand other than the rest, five teams) as the
// page does: its 50 newest events and their count, whole or only 10,000
// ahead; and filtered by a rare actor, without and with
// audit_events_actor_idx (dropped for the first, created again for the
// second). bench/audit.sh prints the ratios.
func BenchmarkAuditAtScale(b *testing.B) {
	ctx := context.Background()
	for _, d := range storetest.Dialects(b) {
		s := storetest.Open(b, d)
		// In statements of 30,000 events, each well within the
		// connection's read timeout on a busy machine.
		for from := 1; from <= 300000; from += 30000 {
			fill := `INSERT INTO audit_events (created_at, actor, action, object_type, object_id, team_id)
				SELECT CURRENT_TIMESTAMP, CASE WHEN g % 1000 = 0 THEN 'rita' ELSE 'admin' END,
				'version.import', 'version', 'api-' || (g % 2000) || '@1.0.' || g, 1 + g % 5 FROM `
			if d == store.PostgreSQL {
				fill += fmt.Sprintf("generate_series(%d, %d) AS g", from, from+29999)
			} else {
				fill = fmt.Sprintf("WITH RECURSIVE s(g) AS (SELECT %d UNION ALL SELECT g + 1 FROM s WHERE g < %d) ", from, from+29999) + fill + "s"
			}
			if _, err := s.DB().ExecContext(ctx, fill); err != nil {
				b.Fatal(err)
			}
		}
		vacuum := "ANALYZE"
		if d == store.PostgreSQL {
			vacuum = "VACUUM ANALYZE audit_events"
		}
		if _, err := s.DB().ExecContext(ctx, vacuum); err != nil {
			b.Fatal(err)
		}
		page := func(b *testing.B, f store.AuditFilter, count func() (int, error)) {
			for b.Loop() {
				if _, err := count(); err != nil {
					b.Fatal(err)
				}
				if _, err := s.ListAudit(ctx, f); err != nil {
					b.Fatal(err)
				}
			}
		}
		all := store.AuditFilter{Limit: 50}
		b.Run(string(d)+"/page/count-whole", func(b *testing.B) {
			page(b, all, func() (int, error) { return s.CountAudit(ctx, all) })
		})
		b.Run(string(d)+"/page/count-ahead", func(b *testing.B) {
			page(b, all, func() (int, error) { return s.CountAuditUpTo(ctx, all, 10001) })
		})
		rare := store.AuditFilter{Actor: "rita", Limit: 50}
		b.Run(string(d)+"/actor/no-index", func(b *testing.B) {
			if _, err := s.DB().ExecContext(ctx, "DROP INDEX audit_events_actor_idx"); err != nil {
				b.Fatal(err)
			}
			page(b, rare, func() (int, error) { return s.CountAuditUpTo(ctx, rare, 10001) })
			if _, err := s.DB().ExecContext(ctx, "CREATE INDEX audit_events_actor_idx ON audit_events (actor, id)"); err != nil {
				b.Fatal(err)
			}
			if _, err := s.DB().ExecContext(ctx, "ANALYZE"); err != nil {
				b.Fatal(err)
			}
		})
		b.Run(string(d)+"/actor/index", func(b *testing.B) {
			page(b, rare, func() (int, error) { return s.CountAuditUpTo(ctx, rare, 10001) })
		})
	}
}
