package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

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

	s, _ := storetest.OpenPostgreSQLPair(t, "&statement_timeout=200")
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

// TestWriteCutByItsDeadlineIsNotApplied: on PostgreSQL a write outside a
// transaction that its context's deadline (a request's) cut while it
// waited on a lock is not applied once the lock is released. The driver
// sends no cancel request: it closes the connection, and the server, which
// does not look at it while the statement waits, went on and committed the
// write behind the caller's error. An UPDATE (Exec) and an INSERT …
// RETURNING (a query whose rows are read) are both checked, and the same
// writes then succeed.
func TestWriteCutByItsDeadlineIsNotApplied(t *testing.T) {
	ctx := context.Background()
	s, other := storetest.OpenPostgreSQLPair(t, "")
	team := storetest.Team(t, other, "payments", "Payments")

	// The row is held by another transaction.
	tx := holdTeam(t, other, team.ID)
	// A team of the same slug is being inserted by it: an insert of that
	// slug waits on it.
	if err := other.CreateTeam(ctx, tx, &store.Team{Slug: "billing", Name: "Billing"}); err != nil {
		t.Fatal(err)
	}

	dctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	_, uerr := s.DB().NewUpdate().Table("teams").Set("description = 'cut'").Where("id = ?", team.ID).Exec(dctx)
	dctx2, cancel2 := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel2()
	ierr := s.CreateTeam(dctx2, s.DB(), &store.Team{Slug: "billing", Name: "Billing (cut)"})
	t.Logf("update: %v; insert: %v", uerr, ierr)
	if uerr == nil || ierr == nil {
		t.Fatalf("writes past their deadline succeeded: update %v, insert %v", uerr, ierr)
	}

	// Released without the other transaction's insert: the cut insert
	// would now go through, and the cut update too.
	releaseTeam(t, tx, other, team.ID)
	var n int
	if err := other.DB().NewRaw("SELECT count(*) FROM teams WHERE slug = 'billing'").Scan(ctx, &n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("the insert cut by its deadline was applied once the slug was released: %d teams billing", n)
	}

	dctx3, cancel3 := context.WithTimeout(ctx, 5*time.Second)
	defer cancel3()
	if _, err := s.DB().NewUpdate().Table("teams").Set("description = 'again'").Where("id = ?", team.ID).Exec(dctx3); err != nil {
		t.Errorf("the update sent again: %v", err)
	}
	again := &store.Team{Slug: "billing", Name: "Billing"}
	if err := s.CreateTeam(dctx3, s.DB(), again); err != nil || again.ID == 0 {
		t.Errorf("the insert sent again: %v (id %d)", err, again.ID)
	}
	// A write's own error under a deadline: its transaction is rolled
	// back and the connection serves the next statement.
	s.DB().SetMaxOpenConns(1)
	if err := s.CreateTeam(dctx3, s.DB(), &store.Team{Slug: "billing", Name: "Billing"}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("a duplicate insert under a deadline: %v, want store.ErrConflict", err)
	}
	if _, err := s.TeamBySlug(dctx3, "billing"); err != nil {
		t.Errorf("a read after the duplicate insert, on the same connection: %v", err)
	}
}

// TestWriteReturningKeepsItsColumnNames: a write given a transaction of its
// own (a deadline, no transaction) is read whole before its commit, and the
// driver's row description goes back to the driver's pool when it is; the
// column names the rows give must not be the driver's, which the next
// query's description overwrites (a data race, and rows scanned into the
// wrong fields: bun scans by column name).
func TestWriteReturningKeepsItsColumnNames(t *testing.T) {
	ctx := context.Background()
	s, _ := storetest.OpenPostgreSQLPair(t, "")
	if _, err := s.DB().ExecContext(ctx, "CREATE TABLE returning_names (id bigserial PRIMARY KEY, v text)"); err != nil {
		t.Fatal(err)
	}
	dctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	rows, err := s.DB().QueryContext(dctx, "INSERT INTO returning_names (v) VALUES ('a') RETURNING id AS inserted_id, v AS inserted_v")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for range 20 {
		other, err := s.DB().QueryContext(ctx, "SELECT 1 AS other_a, 2 AS other_b")
		if err != nil {
			t.Fatal(err)
		}
		for other.Next() {
		}
		other.Close()
	}
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"inserted_id", "inserted_v"}; !slices.Equal(cols, want) {
		t.Errorf("the write's rows have columns %q after other queries, want %q", cols, want)
	}
}

// cutWriteIsNotApplied runs write under a 500 ms deadline while another
// transaction holds the team's row, releases the row, and fails the test
// if the write, which the deadline cut, was applied then: it sets the
// team's description to "cut".
func cutWriteIsNotApplied(t *testing.T, s, other *store.Store, write func(ctx context.Context, teamID int64) error) {
	t.Helper()
	ctx := context.Background()
	team := storetest.Team(t, other, "payments", "Payments")
	tx := holdTeam(t, other, team.ID)
	defer tx.Rollback()
	dctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	if err := write(dctx, team.ID); err == nil {
		t.Fatal("the write past its deadline succeeded")
	}
	releaseTeam(t, tx, other, team.ID)
}

// holdTeam begins a transaction of other that holds the team's row (an
// update of it), for writes of the row to wait on.
func holdTeam(t *testing.T, other *store.Store, teamID int64) bun.Tx {
	t.Helper()
	ctx := context.Background()
	tx, err := other.DB().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, "UPDATE teams SET description = description WHERE id = ?", teamID); err != nil {
		_ = tx.Rollback()
		t.Fatal(err)
	}
	return tx
}

// releaseTeam rolls back tx (holdTeam), waits for what the server would
// still apply of a write cut while it waited on the row, and fails the
// test if that set the team's description to "cut".
func releaseTeam(t *testing.T, tx bun.Tx, other *store.Store, teamID int64) {
	t.Helper()
	ctx := context.Background()
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(700 * time.Millisecond)
	var desc string
	if err := other.DB().NewRaw("SELECT description FROM teams WHERE id = ?", teamID).Scan(ctx, &desc); err != nil {
		t.Fatal(err)
	}
	if desc == "cut" {
		t.Errorf("the write cut by its deadline was applied once the row was released")
	}
}

// TestWriteAfterACommentCutByItsDeadlineIsNotApplied: a write is given its
// own transaction however its SQL begins: bun writes a query's comment
// (Comment, bun.WithComment) before the statement, and raw SQL may begin
// with one; a WITH query may put its data-modifying statement on a line
// of its own.
func TestWriteAfterACommentCutByItsDeadlineIsNotApplied(t *testing.T) {
	for name, write := range map[string]func(s *store.Store) func(context.Context, int64) error{
		"bun.WithComment": func(s *store.Store) func(context.Context, int64) error {
			return func(ctx context.Context, id int64) error {
				_, err := s.DB().NewUpdate().Table("teams").Set("description = 'cut'").Where("id = ?", id).
					Exec(bun.WithComment(ctx, "mark the team"))
				return err
			}
		},
		"a line comment": func(s *store.Store) func(context.Context, int64) error {
			return func(ctx context.Context, id int64) error {
				_, err := s.DB().ExecContext(ctx, "-- mark the team\nUPDATE teams SET description = 'cut' WHERE id = ?", id)
				return err
			}
		},
		"WITH, UPDATE on its own line": func(s *store.Store) func(context.Context, int64) error {
			return func(ctx context.Context, id int64) error {
				_, err := s.DB().ExecContext(ctx, "WITH x AS (\nUPDATE\nteams SET description = 'cut' WHERE id = ? RETURNING id) SELECT count(*) FROM x", id)
				return err
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			s, other := storetest.OpenPostgreSQLPair(t, "")
			cutWriteIsNotApplied(t, s, other, write(s))
		})
	}
}

// TestPreparedWriteCutByItsDeadlineIsNotApplied: a write run through a
// prepared statement (DB().PrepareContext) outside a transaction is given
// a transaction of its own under a deadline like any other: cut, it is
// not applied later; and the statement serves again after.
func TestPreparedWriteCutByItsDeadlineIsNotApplied(t *testing.T) {
	ctx := context.Background()
	s, other := storetest.OpenPostgreSQLPair(t, "")
	stmt, err := s.DB().PrepareContext(ctx, "UPDATE teams SET description = $1 WHERE id = $2")
	if err != nil {
		t.Fatal(err)
	}
	defer stmt.Close()
	var teamID int64
	cutWriteIsNotApplied(t, s, other, func(ctx context.Context, id int64) error {
		teamID = id
		_, err := stmt.ExecContext(ctx, "cut", id)
		return err
	})
	dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	res, err := stmt.ExecContext(dctx, "again", teamID)
	if err != nil {
		t.Fatalf("the prepared write sent again: %v", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Errorf("the prepared write sent again changed %d rows, want 1", n)
	}
	var desc string
	if err := s.DB().NewRaw("SELECT description FROM teams WHERE id = ?", teamID).Scan(dctx, &desc); err != nil {
		t.Fatal(err)
	}
	if desc != "again" {
		t.Errorf("after the prepared write sent again the description is %q, want %q", desc, "again")
	}
}
