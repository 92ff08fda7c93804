package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"

	"github.com/uptrace/bun/driver/pgdriver"
)

// pgConn is a connection of the store's PostgreSQL pools (unavailableConnector).
// Every query goes through it, whatever way the code took there: the
// store's methods, store.DB() and bun's queries on it, RunInTx, raw SQL,
// the background workers and the CLI. So this is where the driver's errors
// that say the database is down, a connection was lost while a statement
// ran, or the server gave a statement up (lock or statement timeout) are
// wrapped in ErrUnavailable or ErrBusy (driverErr), the sentinels the
// handlers answer 503 for, and no caller can miss it. Before, only the
// store's methods that called translate did it: a statement run through
// DB() cut by a lost connection, or past statement_timeout, came out as
// the driver's EOF or 57014, a 500 for a handler that did not look for it
// and an unnamed failure for a worker.
type pgConn struct{ cn *pgdriver.Conn }

var (
	_ driver.Conn               = (*pgConn)(nil)
	_ driver.ConnPrepareContext = (*pgConn)(nil)
	_ driver.ConnBeginTx        = (*pgConn)(nil)
	_ driver.ExecerContext      = (*pgConn)(nil)
	_ driver.QueryerContext     = (*pgConn)(nil)
	_ driver.Pinger             = (*pgConn)(nil)
	_ driver.Validator          = (*pgConn)(nil)
	_ driver.SessionResetter    = (*pgConn)(nil)
)

// driverErr wraps an error of the driver in ErrBusy or ErrUnavailable when
// it says so (see translate, which does the same and more for the store's
// methods), and returns any other unchanged: database/sql and bun compare
// some by identity (driver.ErrSkip, io.EOF at the end of rows, which
// pgRows never passes here), and a query's own error (a constraint, a
// syntax error) stays the driver's. driver.ErrBadConn, wrapped, is still
// one for database/sql (errors.Is), which takes another connection.
func driverErr(err error) error {
	switch {
	case err == nil, err == driver.ErrSkip, err == driver.ErrRemoveArgument:
		return err
	case errors.Is(err, ErrUnavailable), errors.Is(err, ErrBusy):
		return err
	case Busy(err):
		return fmt.Errorf("%w: %w", ErrBusy, err)
	case connectionLost(err):
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	var pgErr pgdriver.Error
	if errors.As(err, &pgErr) && unavailableCode(pgErr.Field('C')) {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return err
}

func (c *pgConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

func (c *pgConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	st, err := c.cn.PrepareContext(ctx, query)
	if err != nil {
		return nil, driverErr(err)
	}
	return pgStmt{st}, nil
}

func (c *pgConn) Close() error { return c.cn.Close() }

func (c *pgConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *pgConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	tx, err := c.cn.BeginTx(ctx, opts)
	if err != nil {
		return nil, driverErr(err)
	}
	return pgTx{tx}, nil
}

func (c *pgConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	res, err := c.cn.ExecContext(ctx, query, args)
	return res, driverErr(err)
}

func (c *pgConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	rows, err := c.cn.QueryContext(ctx, query, args)
	if err != nil {
		return nil, driverErr(err)
	}
	return pgRows{rows}, nil
}

func (c *pgConn) Ping(ctx context.Context) error { return driverErr(c.cn.Ping(ctx)) }

func (c *pgConn) IsValid() bool { return c.cn.IsValid() }

func (c *pgConn) ResetSession(ctx context.Context) error { return c.cn.ResetSession(ctx) }

// pgTx is a transaction begun through pgConn.BeginTx.
type pgTx struct{ tx driver.Tx }

func (t pgTx) Commit() error   { return driverErr(t.tx.Commit()) }
func (t pgTx) Rollback() error { return driverErr(t.tx.Rollback()) }

// pgStmt is a prepared statement of a pgConn: its errors go through
// driverErr. (The store prepares none on PostgreSQL; bun writes the
// arguments into the query.)
type pgStmt struct{ st driver.Stmt }

var (
	_ driver.StmtExecContext  = pgStmt{}
	_ driver.StmtQueryContext = pgStmt{}
)

func (s pgStmt) Close() error  { return driverErr(s.st.Close()) }
func (s pgStmt) NumInput() int { return s.st.NumInput() }

func (s pgStmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.ExecContext(context.Background(), named(args))
}

func (s pgStmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.QueryContext(context.Background(), named(args))
}

// named is args as database/sql passes them to the Context methods.
func named(args []driver.Value) []driver.NamedValue {
	out := make([]driver.NamedValue, len(args))
	for i, v := range args {
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return out
}

func (s pgStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	res, err := s.st.(driver.StmtExecContext).ExecContext(ctx, args)
	return res, driverErr(err)
}

func (s pgStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	rows, err := s.st.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		return nil, driverErr(err)
	}
	return pgRows{rows}, nil
}

// pgRows are a query's rows as the driver reads them: an error of reading
// them (the connection lost half-way) goes through driverErr; their end
// (io.EOF) stays io.EOF, which database/sql compares by identity.
type pgRows struct{ driver.Rows }

func (r pgRows) Next(dest []driver.Value) error {
	err := r.Rows.Next(dest)
	if err == io.EOF {
		return err
	}
	return driverErr(err)
}

func (r pgRows) Close() error { return driverErr(r.Rows.Close()) }
