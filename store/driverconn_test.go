package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// openPG opens a second store on a fresh migrated PostgreSQL database
// whose URL has extra appended (session parameters), and the store that
// migrated it.
func openPG(t *testing.T, extra string) (s, other *store.Store) {
	t.Helper()
	if !slices.Contains(storetest.Dialects(t), store.PostgreSQL) {
		t.Skipf("set %s: the errors are PostgreSQL's", storetest.EnvDatabaseURL)
	}
	ctx := context.Background()
	dsn, _ := storetest.Unmigrated(t, store.PostgreSQL)
	other, err := store.Open(ctx, dsn, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	if _, err := other.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	s, err = store.Open(ctx, dsn+extra, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, other
}

// TestEveryQueryTranslatesTheDatabaseErrors: a statement cut by a lost
// connection (ErrUnavailable) or cancelled by statement_timeout (ErrBusy)
// is told so whatever way it took to the database: the store's DB() and
// bun's queries on it, raw SQL, rows read half-way. Before, only the
// store's methods that called translate did; the driver's error came out
// as it was, and the handlers answered 500.
func TestEveryQueryTranslatesTheDatabaseErrors(t *testing.T) {
	ctx := context.Background()
	if !slices.Contains(storetest.Dialects(t), store.PostgreSQL) {
		t.Skipf("set %s: the errors are PostgreSQL's", storetest.EnvDatabaseURL)
	}
	cutWhile := func(t *testing.T, run func(s *store.Store) error) {
		t.Helper()
		s, cut := storetest.OpenCuttable(t)
		time.AfterFunc(300*time.Millisecond, cut)
		err := run(s)
		if !errors.Is(err, store.ErrUnavailable) {
			t.Errorf("cut while it ran: %v, want an error wrapping store.ErrUnavailable", err)
		}
	}
	t.Run("DB().ExecContext cut", func(t *testing.T) {
		cutWhile(t, func(s *store.Store) error {
			_, err := s.DB().ExecContext(ctx, "SELECT pg_sleep(3)")
			return err
		})
	})
	t.Run("DB().NewRaw cut", func(t *testing.T) {
		cutWhile(t, func(s *store.Store) error {
			var n int
			return s.DB().NewRaw("SELECT 1 FROM pg_sleep(3)").Scan(ctx, &n)
		})
	})
	t.Run("rows cut half-way", func(t *testing.T) {
		cutWhile(t, func(s *store.Store) error {
			rows, err := s.DB().QueryContext(ctx, "SELECT i, pg_sleep(CASE WHEN i = 2 THEN 3 ELSE 0 END) FROM generate_series(1, 3) i")
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
			}
			return rows.Err()
		})
	})
	t.Run("DB().NewUpdate under a deadline cut", func(t *testing.T) {
		cutWhile(t, func(s *store.Store) error {
			storetest.Team(t, s, "payments", "Payments")
			dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			_, err := s.DB().NewUpdate().Table("teams").Set("name = name").Where("pg_sleep(3) IS NOT NULL").Exec(dctx)
			return err
		})
	})

	s, _ := openPG(t, "&statement_timeout=200")
	busy := func(t *testing.T, err error) {
		t.Helper()
		if !errors.Is(err, store.ErrBusy) {
			t.Errorf("past statement_timeout: %v, want an error wrapping store.ErrBusy", err)
		}
	}
	t.Run("DB().ExecContext past statement_timeout", func(t *testing.T) {
		_, err := s.DB().ExecContext(ctx, "SELECT pg_sleep(1)")
		busy(t, err)
	})
	t.Run("DB().NewRaw past statement_timeout", func(t *testing.T) {
		var n int
		busy(t, s.DB().NewRaw("SELECT 1 FROM pg_sleep(1)").Scan(ctx, &n))
	})
	t.Run("a write under a deadline past statement_timeout", func(t *testing.T) {
		storetest.Team(t, s, "payments", "Payments")
		dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		_, err := s.DB().NewUpdate().Table("teams").Set("name = name").Where("pg_sleep(1) IS NOT NULL").Exec(dctx)
		busy(t, err)
	})
	t.Run("a query's own error stays the driver's", func(t *testing.T) {
		_, err := s.DB().ExecContext(ctx, "SELEC 1")
		if err == nil || errors.Is(err, store.ErrBusy) || errors.Is(err, store.ErrUnavailable) {
			t.Errorf("syntax error: %v, want neither busy nor unavailable", err)
		}
	})
}
