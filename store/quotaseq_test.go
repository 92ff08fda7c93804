package store_test

import (
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// quotaSubs lists the subscriptions of rows, sorted, with their counts.
func quotaSubs(rows []store.QuotaCount) map[int64]int64 {
	out := map[int64]int64{}
	for _, r := range rows {
		out[r.SubscriptionID] = r.Accepted
	}
	return out
}

// changesHold fails unless got holds every count of want (with its value)
// and, on SQLite (one writer at a time, nothing else running), nothing
// more. On PostgreSQL a read may return more: the counts written by
// transactions running at the last read, anywhere on the server (other
// tests' too).
func changesHold(t *testing.T, s *store.Store, what string, got []store.QuotaCount, want map[int64]int64) {
	t.Helper()
	g := quotaSubs(got)
	for sub, n := range want {
		if g[sub] != n {
			t.Errorf("%s: changes %v, want them to hold %d=%d", what, g, sub, n)
		}
	}
	if s.Dialect() == store.SQLite && len(g) != len(want) {
		t.Errorf("%s: changes %v, want only %v", what, g, want)
	}
}

// TestQuotaDayChanges: a read from the mark of the last one returns the
// counts written since (new and raised), not the others; the writes of an
// instance of the previous version (its own statement, which knows no
// seq) are numbered too; counts of another day are not in the day's
// changes.
func TestQuotaDayChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		const day = 20_000
		add := func(counts ...store.QuotaCount) {
			t.Helper()
			if _, err := s.AddQuotaCounts(ctx, s.DB(), counts); err != nil {
				t.Fatal(err)
			}
		}
		var first []store.QuotaCount
		for sub := int64(1); sub <= 50; sub++ {
			first = append(first, store.QuotaCount{Day: day, SubscriptionID: sub, Accepted: sub})
		}
		add(first...)
		rows, mark, err := s.QuotaDayMarked(ctx, day)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 50 {
			t.Fatalf("whole read: %d counts, want 50", len(rows))
		}

		// Two raised, one new, one of the next day.
		add(store.QuotaCount{Day: day, SubscriptionID: 7, Accepted: 3}, store.QuotaCount{Day: day, SubscriptionID: 30, Accepted: 1},
			store.QuotaCount{Day: day, SubscriptionID: 99, Accepted: 4}, store.QuotaCount{Day: day + 1, SubscriptionID: 8, Accepted: 1})
		rows, mark, err = s.QuotaDayChanges(ctx, day, mark)
		if err != nil {
			t.Fatal(err)
		}
		changesHold(t, s, "after two raised and one new", rows, map[int64]int64{7: 10, 30: 31, 99: 4})

		// The previous version's statement, as an instance not yet
		// upgraded writes it.
		if _, err := s.DB().ExecContext(ctx, "INSERT INTO usage_quota_days (day, subscription_id, accepted) VALUES (?, ?, ?), (?, ?, ?)"+
			" ON CONFLICT (day, subscription_id) DO UPDATE SET accepted = usage_quota_days.accepted + excluded.accepted"+
			" RETURNING day, subscription_id, accepted", day, 12, 5, day, 100, 2); err != nil {
			t.Fatal(err)
		}
		rows, mark, err = s.QuotaDayChanges(ctx, day, mark)
		if err != nil {
			t.Fatal(err)
		}
		changesHold(t, s, "after the previous version's writes", rows, map[int64]int64{12: 17, 100: 2})

		// Nothing written: nothing new (on SQLite, nothing at all).
		rows, _, err = s.QuotaDayChanges(ctx, day, mark)
		if err != nil {
			t.Fatal(err)
		}
		changesHold(t, s, "after no write", rows, map[int64]int64{})

		// The changes applied to the whole read make the whole counts.
		whole, _, err := s.QuotaDayMarked(ctx, day)
		if err != nil {
			t.Fatal(err)
		}
		if got := quotaSubs(whole); len(got) != 52 || got[7] != 10 || got[12] != 17 || got[100] != 2 || got[50] != 50 {
			t.Errorf("whole counts after the changes: %v", got)
		}
	})
}

// TestQuotaDayChangesCommittedOutOfOrder (PostgreSQL): a transaction that
// wrote a count before another but commits after it, and after a read saw
// the other's, is in the next read's changes. A sequence's numbers (taken
// in write order, committed in another) would lose it for the day.
func TestQuotaDayChangesCommittedOutOfOrder(t *testing.T) {
	s, _ := storetest.OpenPostgreSQLPair(t, "")
	ctx := context.Background()
	const day = 20_000
	if _, err := s.AddQuotaCounts(ctx, s.DB(), []store.QuotaCount{{Day: day, SubscriptionID: 1, Accepted: 1}}); err != nil {
		t.Fatal(err)
	}
	_, mark, err := s.QuotaDayMarked(ctx, day)
	if err != nil {
		t.Fatal(err)
	}
	slow, err := s.DB().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Rollback()
	if _, err := s.AddQuotaCounts(ctx, slow, []store.QuotaCount{{Day: day, SubscriptionID: 2, Accepted: 5}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddQuotaCounts(ctx, s.DB(), []store.QuotaCount{{Day: day, SubscriptionID: 3, Accepted: 7}}); err != nil {
		t.Fatal(err)
	}
	rows, mark, err := s.QuotaDayChanges(ctx, day, mark)
	if err != nil {
		t.Fatal(err)
	}
	if got := quotaSubs(rows); got[3] != 7 || got[2] != 0 {
		t.Fatalf("changes with the slow transaction running: %v, want 3=7 and not 2", got)
	}
	if err := slow.Commit(); err != nil {
		t.Fatal(err)
	}
	rows, _, err = s.QuotaDayChanges(ctx, day, mark)
	if err != nil {
		t.Fatal(err)
	}
	if got := quotaSubs(rows); got[2] != 5 {
		t.Errorf("changes after the slow transaction committed: %v (subscriptions %v), want 2=5", got, slices.Sorted(maps.Keys(got)))
	}
}
