package store_test

import (
	"context"
	"errors"
	"net/url"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestUnavailableIsTheDatabaseNotAnswering: store.ErrUnavailable (a 503
// with Retry-After for the handlers) says the database is down, restarting
// or out of connections, and nothing else: not a query's own error, not a
// statement that was slow, not a wrong database name. Each case is a real
// PostgreSQL answer.
func TestUnavailableIsTheDatabaseNotAnswering(t *testing.T) {
	if !slices.Contains(storetest.Dialects(t), store.PostgreSQL) {
		t.Skipf("set %s: the errors are PostgreSQL's", storetest.EnvDatabaseURL)
	}
	ctx := context.Background()
	base := os.Getenv(storetest.EnvDatabaseURL)
	withURL := func(f func(u *url.URL)) string {
		u, err := url.Parse(base)
		if err != nil {
			t.Fatal(err)
		}
		f(u)
		return u.String()
	}
	check := func(what string, err error, want bool) {
		t.Helper()
		if err == nil {
			t.Errorf("%s: no error", what)
			return
		}
		if got := store.Unavailable(err); got != want {
			t.Errorf("%s: Unavailable(%v) = %v, want %v", what, err, got, want)
		}
	}

	t.Run("a port nobody listens on", func(t *testing.T) {
		_, err := store.Open(ctx, withURL(func(u *url.URL) { u.Host = "127.0.0.1:31001" }), "")
		check("open", err, true)
	})
	t.Run("a database that does not exist", func(t *testing.T) {
		_, err := store.Open(ctx, withURL(func(u *url.URL) { u.Path = "/pgdown_no_such_database" }), "")
		check("open", err, false)
	})
	t.Run("stopped after the start", func(t *testing.T) {
		s, cut := storetest.OpenCuttable(t)
		if _, err := s.TeamBySlug(ctx, "payments"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("before: %v, want not found", err)
		}
		cut()
		_, err := s.TeamBySlug(ctx, "payments")
		check("a read", err, true)
		if !errors.Is(err, store.ErrUnavailable) {
			t.Errorf("a read: %v does not wrap store.ErrUnavailable", err)
		}
		err = s.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error { return nil })
		check("a transaction", err, true)
	})

	t.Run("cut while a statement runs", func(t *testing.T) {
		s, cut := storetest.OpenCuttable(t)
		time.AfterFunc(300*time.Millisecond, cut)
		err := s.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, "SELECT pg_sleep(2)")
			return err
		})
		check("a transaction", err, true)
	})

	s := storetest.Open(t, store.PostgreSQL)
	t.Run("a transaction past its context's deadline", func(t *testing.T) {
		dctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		err := s.RunInTx(dctx, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, "SELECT pg_sleep(2)")
			return err
		})
		check("deadline", err, false)
	})
	t.Run("terminated while a statement runs", func(t *testing.T) {
		conn, err := s.DB().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		var pid int
		if err := conn.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() {
			_, err := conn.ExecContext(ctx, "SELECT pg_sleep(30)")
			done <- err
		}()
		time.Sleep(200 * time.Millisecond)
		if _, err := s.DB().ExecContext(ctx, "SELECT pg_terminate_backend(?)", pid); err != nil {
			t.Fatal(err)
		}
		check("57P01", <-done, true)
	})
	t.Run("a unique violation", func(t *testing.T) {
		storetest.Team(t, s, "payments", "Payments")
		err := s.CreateTeam(ctx, s.DB(), &store.Team{Slug: "payments", Name: "Payments"})
		check("duplicate team", err, false)
	})
	t.Run("a syntax error", func(t *testing.T) {
		_, err := s.DB().ExecContext(ctx, "SELEC 1")
		check("syntax", err, false)
	})
	t.Run("a statement timeout", func(t *testing.T) {
		err := s.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			if _, err := tx.ExecContext(ctx, "SET LOCAL statement_timeout = '50ms'"); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, "SELECT pg_sleep(2)")
			return err
		})
		check("57014", err, false)
	})
	t.Run("a slow statement past its context's deadline", func(t *testing.T) {
		dctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		_, err := s.DB().ExecContext(dctx, "SELECT pg_sleep(2)")
		check("deadline", err, false)
	})
}

// TestLockTimeoutIsBelowTheReadTimeout: PostgreSQL sessions get a
// lock_timeout of three quarters of the driver's read timeout, so that the
// server ends a lock wait (55P03, store.ErrBusy) before the driver gives
// up on the connection; a lock_timeout in the URL is kept.
func TestLockTimeoutIsBelowTheReadTimeout(t *testing.T) {
	if !slices.Contains(storetest.Dialects(t), store.PostgreSQL) {
		t.Skipf("set %s: lock_timeout is PostgreSQL's", storetest.EnvDatabaseURL)
	}
	ctx := context.Background()
	dsn, _ := storetest.Unmigrated(t, store.PostgreSQL)
	for _, c := range []struct{ params, want string }{
		{"", "7500ms"},
		{"&read_timeout=2s", "1500ms"},
		{"&lock_timeout=3s", "3s"},
	} {
		s, err := store.Open(ctx, dsn+c.params, "")
		if err != nil {
			t.Fatal(err)
		}
		var got string
		err = s.DB().QueryRowContext(ctx, "SHOW lock_timeout").Scan(&got)
		s.Close()
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("%q: lock_timeout %s, want %s", c.params, got, c.want)
		}
	}
}

// TestStatementTimeoutIsBelowTheReadTimeout: PostgreSQL sessions get a
// statement_timeout of nine tenths of the driver's read timeout, above
// lock_timeout and below the read timeout, so that the server cancels a
// slow statement (57014, store.ErrBusy) before the driver gives up on the
// connection; one in the URL is kept. The migrations' sessions have none
// and no read timeout: a statement longer than both runs to its end there.
func TestStatementTimeoutIsBelowTheReadTimeout(t *testing.T) {
	if !slices.Contains(storetest.Dialects(t), store.PostgreSQL) {
		t.Skipf("set %s: statement_timeout is PostgreSQL's", storetest.EnvDatabaseURL)
	}
	ctx := context.Background()
	dsn, _ := storetest.Unmigrated(t, store.PostgreSQL)
	for _, c := range []struct{ params, want string }{
		{"", "9s"},
		{"&read_timeout=2s", "1800ms"},
		{"&statement_timeout=30s", "30s"},
	} {
		s, err := store.Open(ctx, dsn+c.params, "")
		if err != nil {
			t.Fatal(err)
		}
		var got string
		err = s.DB().QueryRowContext(ctx, "SHOW statement_timeout").Scan(&got)
		s.Close()
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("%q: statement_timeout %s, want %s", c.params, got, c.want)
		}
	}

	// The server cancels the statement at 1.8 s, and the driver reads
	// that (57014) before its read timeout: past it, the driver would
	// give up with a timeout of its own, not 57014, whatever the time a
	// loaded machine took to read the answer.
	s, err := store.Open(ctx, dsn+"&read_timeout=2s", "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	start := time.Now()
	_, err = s.DB().ExecContext(ctx, "SELECT pg_sleep(2.5)")
	t.Logf("a statement of 2.5 s with a read timeout of 2 s: %v after %s", err, time.Since(start).Round(time.Millisecond))
	if !store.Busy(err) || !store.StatementCancelled(err) {
		t.Errorf("a statement of 2.5 s with a read timeout of 2 s: %v, want 57014 (store.Busy) before the read timeout", err)
	}
	var one int
	if err := s.DB().QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		t.Errorf("the next statement: %v", err)
	}

	mdb, done, err := store.MigrationDB(s)
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	var got string
	if err := mdb.QueryRowContext(ctx, "SHOW statement_timeout").Scan(&got); err != nil || got != "0" {
		t.Errorf("migrations' statement_timeout %q (%v), want 0", got, err)
	}
	if err := mdb.QueryRowContext(ctx, "SHOW lock_timeout").Scan(&got); err != nil || got != "1500ms" {
		t.Errorf("migrations' lock_timeout %q (%v), want 1500ms, as the portal's", got, err)
	}
	if _, err := mdb.ExecContext(ctx, "SELECT pg_sleep(2.5)"); err != nil {
		t.Errorf("a migration's statement of 2.5 s with a read timeout of 2 s: %v", err)
	}
}
