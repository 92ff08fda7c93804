package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"
)

// TestPruneIndexLogLetsAppendsThrough: a first prune over a large backlog
// (2,500 entries older than the age kept) deletes a batch at a time, each
// batch its own statement, and an append (a catalog change) made between
// two batches goes through at once, on both databases. It used to delete
// every entry in one transaction holding the index log's lock, which every
// append waits for: the append below waited for the whole prune (here until
// its 10 s deadline, the prune being stopped by it).
func TestPruneIndexLogLetsAppendsThrough(t *testing.T) {
	ctx := context.Background()
	for _, s := range planStores(t) {
		name := string(s.dialect)
		fill := withSeries(s.dialect, 2500, `INSERT INTO index_log (api_id, created_at) SELECT g, ? FROM `)
		if _, err := s.db.NewRaw(fill, time.Now().Add(-48*time.Hour).UTC()).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		var oldHead int64
		if err := s.db.NewRaw("SELECT MAX(id) FROM index_log").Scan(ctx, &oldHead); err != nil {
			t.Fatal(err)
		}

		// After the prune's first delete statement, append as a catalog
		// change would, with a deadline: it must not wait for the prune.
		h := &appendAfterDelete{s: s}
		s.AddQueryHook(h)
		n, err := s.PruneIndexLog(ctx, 24*time.Hour)
		h.off = true
		if err != nil {
			t.Fatalf("%s: prune: %v", name, err)
		}
		if h.deletes < 2 {
			t.Errorf("%s: the prune deleted in %d statement(s), want one batch at a time", name, h.deletes)
		}
		if h.err != nil {
			t.Errorf("%s: append during the prune: %v (it waited for the prune)", name, h.err)
			continue
		}
		if h.appended <= oldHead {
			t.Fatalf("%s: append during the prune got id %d, want above the old head %d", name, h.appended, oldHead)
		}
		// Every old entry but the head of the time is gone, the head and
		// the entry appended meanwhile are kept, and pruned_through
		// covers exactly what was deleted.
		if n != 2499 {
			t.Errorf("%s: pruned %d entries, want 2499", name, n)
		}
		var ids []int64
		if err := s.db.NewSelect().Model((*IndexLogEntry)(nil)).Column("id").Order("id").Scan(ctx, &ids); err != nil {
			t.Fatal(err)
		}
		if len(ids) != 2 || ids[0] != oldHead || ids[1] != h.appended {
			t.Errorf("%s: log holds %v, want [%d %d] (the old head and the new entry)", name, ids, oldHead, h.appended)
		}
		head, err := s.IndexLogHeadFrom(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		if head.Head != h.appended || head.PrunedThrough != oldHead-1 {
			t.Errorf("%s: head %d, pruned through %d; want %d and %d", name, head.Head, head.PrunedThrough, h.appended, oldHead-1)
		}
	}
}

// appendAfterDelete appends to the index log once, after the first
// statement that deletes from it.
type appendAfterDelete struct {
	s        *Store
	off      bool
	deletes  int
	appended int64
	err      error
}

func (h *appendAfterDelete) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	return ctx
}

func (h *appendAfterDelete) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	q := strings.ToLower(e.Query)
	if h.off || !strings.HasPrefix(q, "delete from") || !strings.Contains(q, "index_log") {
		return
	}
	h.deletes++
	if h.deletes != 1 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	h.appended, h.err = h.s.AppendIndexLog(ctx, 1)
}
