package usage_test

import (
	"context"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestCompactionLosesNoConcurrentIngest: a node's late batch adds to a
// minute older than the compaction's cut while the compaction runs (on
// PostgreSQL, where they do not wait for each other as on SQLite's one
// writer). The minute's requests, those before and those the batch adds,
// all end up in the hour that the minute becomes.
func TestCompactionLosesNoConcurrentIngest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if s.Dialect() != store.PostgreSQL {
			t.Skip("SQLite writes one transaction at a time")
		}
		f := newFixture(t, s)
		ctx := context.Background()
		m := f.now.Add(-72 * time.Hour).Truncate(time.Minute)
		hour := m.Unix() / 3600 * 3600
		ingest(t, f, "node-a", "1", point(f.sub, f.kid, m, 10, 0, 0, time.Millisecond))

		// Hold the batch's transaction after it added to the minute's row
		// (it waits for the hour's row, locked here) while the compaction
		// starts.
		hold, err := s.DB().BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := hold.ExecContext(ctx, "SELECT t FROM usage_hourly WHERE step = 3600 AND t = ? AND subscription_id = ? FOR UPDATE", hour, f.sub.ID); err != nil {
			t.Fatal(err)
		}
		ingested := make(chan error, 1)
		go func() {
			_, err := f.svc.Ingest(ctx, "node-b", batchOf("1", point(f.sub, f.kid, m, 5, 0, 0, time.Millisecond)))
			ingested <- err
		}()
		time.Sleep(500 * time.Millisecond)
		compacted := make(chan error, 1)
		go func() {
			_, _, _, err := f.svc.Compact(ctx)
			compacted <- err
		}()
		time.Sleep(500 * time.Millisecond)
		if err := hold.Rollback(); err != nil {
			t.Fatal(err)
		}
		if err := <-ingested; err != nil {
			t.Fatal(err)
		}
		if err := <-compacted; err != nil {
			t.Fatal(err)
		}
		for _, table := range []string{"usage_rollups", "usage_hourly"} {
			var got int64
			if err := s.DB().NewRaw("SELECT COALESCE(SUM(s2xx), 0) FROM "+table+" WHERE subscription_id = ?", f.sub.ID).Scan(ctx, &got); err != nil {
				t.Fatal(err)
			}
			if got != 15 {
				t.Errorf("%s counts %d requests, want 15", table, got)
			}
		}
	})
}

func batchOf(id string, pts ...gateway.UsagePoint) *gateway.UsageBatch {
	return &gateway.UsageBatch{ID: id, Points: pts}
}
