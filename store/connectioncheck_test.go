package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/portico-dev/portico/store/storetest"
)

// TestStatementCutByItsDeadlineFreesItsLocks: on PostgreSQL a transaction
// whose statement its context's deadline (a request's) cut releases the
// locks it held within about a second, and its backend ends. The driver
// sends no cancel request: it closes the connection, and the server, which
// did not look at the connection while the statement ran or waited on a
// lock, went on holding the transaction's row locks until the statement
// ended (statement_timeout, lock_timeout): every other request on the same
// row waited as long, and might time out in turn.
func TestStatementCutByItsDeadlineFreesItsLocks(t *testing.T) {
	ctx := context.Background()
	s, other := storetest.OpenPostgreSQLPair(t, "")
	for _, q := range []string{
		"CREATE TABLE cut_rows (id INT PRIMARY KEY, n INT NOT NULL)",
		"INSERT INTO cut_rows VALUES (1, 0), (2, 0), (3, 0)",
	} {
		if _, err := other.DB().ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// A takes row's lock in a transaction under a 500 ms deadline, then
	// runs stmt, which outlasts it, and is cut.
	for _, c := range []struct {
		name string
		row  int
		stmt string
	}{
		{"running", 1, "SELECT pg_sleep(5)"},
		// Row 3 is held by a third session until the subtest ends.
		{"waiting on a lock", 2, "UPDATE cut_rows SET n = n + 1 WHERE id = 3"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.name == "waiting on a lock" {
				held, err := other.DB().BeginTx(ctx, nil)
				if err != nil {
					t.Fatal(err)
				}
				defer held.Rollback()
				if _, err := held.ExecContext(ctx, "SELECT 1 FROM cut_rows WHERE id = 3 FOR UPDATE"); err != nil {
					t.Fatal(err)
				}
			}
			actx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
			defer cancel()
			deadline, _ := actx.Deadline()
			a, err := s.DB().BeginTx(actx, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer a.Rollback()
			var pid int
			if err := a.QueryRowContext(actx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
				t.Fatal(err)
			}
			if _, err := a.ExecContext(actx, "UPDATE cut_rows SET n = n + 1 WHERE id = ?", c.row); err != nil {
				t.Fatal(err)
			}
			if _, err := a.ExecContext(actx, c.stmt); err == nil {
				t.Fatalf("%s under a 500 ms deadline: no error", c.stmt)
			}

			// B, another request, locks the row: it waits until A's locks
			// are released, for at most 2.5 s past A's deadline.
			bctx, cancel := context.WithDeadline(ctx, deadline.Add(2500*time.Millisecond))
			defer cancel()
			b, err := s.DB().BeginTx(bctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer b.Rollback()
			var n int
			if err := b.QueryRowContext(bctx, "SELECT n FROM cut_rows WHERE id = ? FOR UPDATE", c.row).Scan(&n); err != nil {
				t.Fatalf("B locking row %d %v after A's deadline: %v; A's locks were still held", c.row, time.Since(deadline).Round(time.Millisecond), err)
			}
			if n != 0 {
				t.Errorf("row %d's n = %d after A was cut, want 0: A's update was committed", c.row, n)
			}
			t.Logf("B took row %d's lock %v after A's deadline", c.row, time.Since(deadline).Round(time.Millisecond))

			// A's backend is gone: it ended when it found its client gone.
			// (It releases its locks as it aborts, a moment before it exits.)
			var left int
			for end := time.Now().Add(time.Second); ; time.Sleep(50 * time.Millisecond) {
				if err := other.DB().QueryRowContext(ctx, "SELECT count(*) FROM pg_stat_activity WHERE pid = ?", pid).Scan(&left); err != nil {
					t.Fatal(err)
				}
				if left == 0 || time.Now().After(end) {
					break
				}
			}
			if left != 0 {
				var state, query string
				_ = other.DB().QueryRowContext(ctx, "SELECT state, query FROM pg_stat_activity WHERE pid = ?", pid).Scan(&state, &query)
				t.Errorf("A's backend %d is still in pg_stat_activity (%s: %s)", pid, state, query)
			}
		})
	}
}

// TestConnectionCheckInterval: the store's PostgreSQL sessions check their
// client every second while a statement runs, unless the database URL
// names client_connection_check_interval (0 turns the check off).
func TestConnectionCheckInterval(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct{ params, want string }{
		{"", "1s"},
		{"&client_connection_check_interval=0", "0"},
		{"&client_connection_check_interval=5000", "5s"},
	} {
		s, _ := storetest.OpenPostgreSQLPair(t, c.params)
		var got string
		if err := s.DB().QueryRowContext(ctx, "SHOW client_connection_check_interval").Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("URL parameters %q: client_connection_check_interval %s, want %s", c.params, got, c.want)
		}
	}
}
