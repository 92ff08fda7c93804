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
// ahead; page 3,000 by OFFSET (the numbered pages) and from its cursor
// (before=); and filtered by a rare actor, without and with
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
		list := func(f store.AuditFilter) func() error {
			return func() error { _, err := s.ListAudit(ctx, f); return err }
		}
		pageBy := func(b *testing.B, read func() error, count func() (int, error)) {
			for b.Loop() {
				if _, err := count(); err != nil {
					b.Fatal(err)
				}
				if err := read(); err != nil {
					b.Fatal(err)
				}
			}
		}
		page := func(b *testing.B, f store.AuditFilter, count func() (int, error)) { pageBy(b, list(f), count) }
		all := store.AuditFilter{Limit: 50}
		b.Run(string(d)+"/page/count-whole", func(b *testing.B) {
			page(b, all, func() (int, error) { return s.CountAudit(ctx, all) })
		})
		b.Run(string(d)+"/page/count-ahead", func(b *testing.B) {
			page(b, all, func() (int, error) { return s.CountAuditUpTo(ctx, all, 10001) })
		})
		// Page 3,000 (events 149,951 to 150,000): as the numbered pages
		// read it, skipping the newer events with OFFSET and counting
		// 10,000 past the page, and as the page reads it now, from the
		// id of the event before it (before=) and counting 10,000.
		const skip = 2999 * 50
		deepAt, err := s.AuditIDAt(ctx, all, skip-1)
		if err != nil || deepAt == 0 {
			b.Fatalf("id at %d: %d, %v", skip-1, deepAt, err)
		}
		b.Run(string(d)+"/deep/offset", func(b *testing.B) {
			pageBy(b, func() error {
				var events []store.AuditEvent
				return s.DB().NewSelect().Model(&events).Order("id DESC").Offset(skip).Limit(50).Scan(ctx)
			}, func() (int, error) { return s.CountAuditUpTo(ctx, all, skip+10001) })
		})
		b.Run(string(d)+"/deep/cursor", func(b *testing.B) {
			deep := all
			deep.Before = deepAt
			page(b, deep, func() (int, error) { return s.CountAuditUpTo(ctx, all, 10001) })
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
