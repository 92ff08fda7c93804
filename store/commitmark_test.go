package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestCommittedMarksCommitsOnly: the mark MarkCommits puts in a request's
// context is set by a transaction that commits and by a write outside one
// (which commits when it answers), never by a read, a transaction rolled
// back, or a write inside a transaction not yet committed.
func TestCommittedMarksCommitsOnly(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			s := storetest.Open(t, d)
			base, cancel := context.WithTimeout(context.Background(), time.Minute) // a request's: with a deadline
			defer cancel()
			if _, err := s.DB().ExecContext(base, "CREATE TABLE commit_mark_t (n INTEGER)"); err != nil {
				t.Fatal(err)
			}
			insert := func(ctx context.Context, db bun.IDB) error {
				_, err := db.NewRaw("INSERT INTO commit_mark_t (n) VALUES (1)").Exec(ctx)
				return err
			}

			ctx := store.MarkCommits(base)
			var n int
			if err := s.DB().NewRaw("SELECT COUNT(*) FROM commit_mark_t").Scan(ctx, &n); err != nil {
				t.Fatal(err)
			}
			if store.Committed(ctx) {
				t.Error("a read marked the context committed")
			}
			undo := errors.New("undo")
			err := s.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
				if err := insert(ctx, tx); err != nil {
					return err
				}
				if store.Committed(ctx) {
					t.Error("a write inside a transaction not yet committed marked the context committed")
				}
				return undo
			})
			if !errors.Is(err, undo) {
				t.Fatalf("RunInTx: %v", err)
			}
			if store.Committed(ctx) {
				t.Error("a transaction rolled back marked the context committed")
			}
			if err := s.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error { return insert(ctx, tx) }); err != nil {
				t.Fatal(err)
			}
			if !store.Committed(ctx) {
				t.Error("a committed transaction did not mark the context")
			}

			ctx = store.MarkCommits(base)
			if err := insert(ctx, s.DB()); err != nil {
				t.Fatal(err)
			}
			if !store.Committed(ctx) {
				t.Error("a write outside a transaction did not mark the context")
			}
			if store.Committed(base) {
				t.Error("a context without the mark reads committed")
			}
		})
	}
}

// TestCommittedMarksPreparedWrites: the writes the store runs through
// database/sql's prepared statements, which bun's query hooks do not see
// (AddUsage's rows on SQLite), mark the request's context as any other
// write outside a transaction does; inside one, only its COMMIT marks it.
func TestCommittedMarksPreparedWrites(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			s := storetest.Open(t, d)
			base, cancel := context.WithTimeout(context.Background(), time.Minute) // a request's: with a deadline
			defer cancel()
			rows := []store.UsageRow{
				{Step: 1, T: 60, SubscriptionID: 1, Kid: "k1", APIID: 1, Major: 1, ProviderTeamID: 1, ConsumerTeamID: 2, S2xx: 3},
				{Step: 1, T: 120, SubscriptionID: 1, Kid: "k1", APIID: 1, Major: 1, ProviderTeamID: 1, ConsumerTeamID: 2, S2xx: 4},
			}
			ctx := store.MarkCommits(base)
			if err := s.AddUsage(ctx, s.DB(), rows); err != nil {
				t.Fatal(err)
			}
			if !store.Committed(ctx) {
				t.Error("usage rows written outside a transaction did not mark the context committed")
			}

			ctx = store.MarkCommits(base)
			err := s.DB().RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
				if err := s.AddUsage(ctx, tx, rows); err != nil {
					return err
				}
				if store.Committed(ctx) {
					t.Error("usage rows written in a transaction not yet committed marked the context committed")
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !store.Committed(ctx) {
				t.Error("the transaction's commit did not mark the context committed")
			}
		})
	}
}
