package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestPruneOutboxInBatches: a backlog of delivered messages larger than a
// batch is deleted in full, batch after batch, while the messages not
// delivered yet and the young delivered ones stay.
func TestPruneOutboxInBatches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		old := time.Now().UTC().Add(-30 * 24 * time.Hour)
		young := time.Now().UTC().Add(-time.Hour)
		var msgs []store.OutboxMessage
		for i := range 25 {
			msgs = append(msgs, store.OutboxMessage{Topic: "old", Payload: "{}", CreatedAt: old, AvailableAt: old, DoneAt: &old})
			if i%5 == 0 {
				msgs = append(msgs, store.OutboxMessage{Topic: "pending", Payload: "{}", CreatedAt: old, AvailableAt: old})
				msgs = append(msgs, store.OutboxMessage{Topic: "young", Payload: "{}", CreatedAt: young, AvailableAt: young, DoneAt: &young})
			}
		}
		if _, err := s.DB().NewInsert().Model(&msgs).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		n, err := s.PruneOutbox(ctx, 24*time.Hour, 4)
		if err != nil || n != 25 {
			t.Errorf("prune: %d, %v; want 25", n, err)
		}
		var left []struct {
			Topic string `bun:"topic"`
			N     int    `bun:"n"`
		}
		if err := s.DB().NewSelect().Model((*store.OutboxMessage)(nil)).ColumnExpr("topic, COUNT(*) AS n").Group("topic").Order("topic").Scan(ctx, &left); err != nil {
			t.Fatal(err)
		}
		if len(left) != 2 || left[0].Topic != "pending" || left[0].N != 5 || left[1].Topic != "young" || left[1].N != 5 {
			t.Errorf("left %+v, want 5 pending and 5 young", left)
		}
		if n, err := s.PruneOutbox(ctx, 24*time.Hour, 4); err != nil || n != 0 {
			t.Errorf("prune again: %d, %v; want 0", n, err)
		}
	})
}
