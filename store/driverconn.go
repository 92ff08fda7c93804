package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/uptrace/bun/driver/pgdriver"
)

// pgConn is a connection of the store's PostgreSQL pools (unavailableConnector).
// Every query goes through it, whatever way the code took there: the
// store's methods, store.DB() and bun's queries on it, RunInTx, raw SQL,
// the background workers and the CLI. So this is where two things are
// done that no caller may miss:
//
//   - the driver's errors that say the database is down, a connection was
//     lost while a statement ran, or the server gave a statement up (lock
//     or statement timeout) are wrapped in ErrUnavailable or ErrBusy
//     (driverErr), the sentinels the handlers answer 503 for. Before, only
//     the store's methods that called translate did it: a statement run
//     through DB() (or a method that returned the driver's error as it
//     came) cut by a lost connection was a 500;
//
//   - a write run outside a transaction under a context with a deadline
//     (a request's) is run in a transaction of its own (ownTx), committed
//     only once its statement has answered. The driver sends PostgreSQL no
//     cancel request when the context ends: it closes the connection, and
//     the server, which did not look at the connection while a statement
//     ran or waited on a lock, went on and committed the write behind the
//     request's 503. In a transaction, the server finds the connection
//     gone before a COMMIT comes, and rolls the write back. (The sessions'
//     client_connection_check_interval, checkClientConnection, makes the
//     server look once a second while a statement runs, but a statement
//     that ends between two looks is still committed without it, and a
//     server before PostgreSQL 14 has no such check.)
type pgConn struct {
	cn *pgdriver.Conn
	// inTx is set while a transaction begun through BeginTx is open: its
	// statements are the transaction's, never given one of their own.
	inTx bool
}

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
	return pgStmt{st: st, c: c, query: query}, nil
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
	c.inTx = true
	return pgTx{c: c, tx: tx}, nil
}

func (c *pgConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return c.exec(ctx, query, func() (driver.Result, error) { return c.cn.ExecContext(ctx, query, args) })
}

func (c *pgConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return c.query(ctx, query, func() (driver.Rows, error) { return c.cn.QueryContext(ctx, query, args) })
}

// exec runs fn, which executes query on c under ctx: in a transaction of
// its own when it needs one (needsOwnTx).
func (c *pgConn) exec(ctx context.Context, query string, fn func() (driver.Result, error)) (driver.Result, error) {
	if !c.needsOwnTx(ctx, query) {
		res, err := fn()
		return res, driverErr(err)
	}
	var res driver.Result
	err := c.ownTx(ctx, func() (err error) {
		res, err = fn()
		return err
	})
	return res, err
}

// query runs fn, which runs query on c under ctx and returns its rows: in a
// transaction of its own when it needs one (needsOwnTx).
func (c *pgConn) query(ctx context.Context, query string, fn func() (driver.Rows, error)) (driver.Rows, error) {
	if !c.needsOwnTx(ctx, query) {
		rows, err := fn()
		if err != nil {
			return nil, driverErr(err)
		}
		return pgRows{rows}, nil
	}
	// A write's rows (RETURNING) are read whole before the commit: rows
	// read after it could not roll it back.
	var rows *readRows
	err := c.ownTx(ctx, func() error {
		r, err := fn()
		if err != nil {
			return err
		}
		rows, err = readAll(r)
		return err
	})
	if err != nil {
		return nil, err
	}
	return rows, nil
}

func (c *pgConn) Ping(ctx context.Context) error { return driverErr(c.cn.Ping(ctx)) }

func (c *pgConn) IsValid() bool { return c.cn.IsValid() }

func (c *pgConn) ResetSession(ctx context.Context) error { return c.cn.ResetSession(ctx) }

// needsOwnTx reports whether query, run on c now, is a write outside a
// transaction under a context that may end while it runs (one with a
// deadline: a request's). Without a deadline the driver waits for the
// answer (up to its read timeout, above statement_timeout), and the answer
// says what was done.
func (c *pgConn) needsOwnTx(ctx context.Context, query string) bool {
	if c.inTx {
		return false
	}
	if _, ok := ctx.Deadline(); !ok {
		return false
	}
	return isWrite(query)
}

// ownTx runs fn, a write's statement, in a transaction of its own: begun
// under ctx, committed (or rolled back on fn's error) whatever ctx says
// since, so that the answer is the commit's. When fn was cut (ctx's
// deadline, a lost connection), the driver has closed the connection and
// no COMMIT is sent: PostgreSQL rolls the transaction back when it finds
// the connection gone: within a second (checkClientConnection), or on a
// server without the check when the statement ends.
func (c *pgConn) ownTx(ctx context.Context, fn func() error) error {
	if _, err := c.cn.ExecContext(ctx, "BEGIN", nil); err != nil {
		return driverErr(err)
	}
	whole := context.WithoutCancel(ctx)
	if err := fn(); err != nil {
		if c.cn.IsValid() {
			if _, rerr := c.cn.ExecContext(whole, "ROLLBACK", nil); rerr != nil {
				_ = c.cn.Close() // never handed out again in a transaction
			}
		}
		return driverErr(err)
	}
	if _, err := c.cn.ExecContext(whole, "COMMIT", nil); err != nil {
		return driverErr(err)
	}
	return nil
}

// isWrite reports whether query writes rows: INSERT, UPDATE, DELETE, MERGE,
// TRUNCATE, or a WITH query holding one of them. Other statements are not
// given a transaction (some cannot run in one: VACUUM, CREATE INDEX
// CONCURRENTLY). It reads the query as PostgreSQL's lexer would, as far as
// it needs: comments before the statement (bun writes a query's Comment,
// and bun.WithComment's, as "/* … */ " before it) and anywhere in it are
// skipped, as are string literals, quoted identifiers and dollar-quoted
// strings; in a WITH query a data-modifying statement is the keyword right
// after a parenthesis (a CTE's body, "AS (UPDATE …") or after the last
// CTE's closing one (the main statement), so a locking clause (FOR UPDATE)
// or a word in a string is not taken for one. A read taken for a write
// would be given a transaction and its rows read whole before they are
// handed out; a write missed would be committed behind its caller's error.
func isWrite(query string) bool {
	lx := sqlLexer{s: query}
	first := lx.next()
	switch {
	case first.word("INSERT"), first.word("UPDATE"), first.word("DELETE"), first.word("MERGE"), first.word("TRUNCATE"):
		return true
	case !first.word("WITH"):
		return false
	}
	prev := first
	for {
		tok := lx.next()
		if tok.text == "" {
			return false
		}
		if prev.text == "(" || prev.text == ")" {
			if tok.word("INSERT") || tok.word("UPDATE") || tok.word("DELETE") || tok.word("MERGE") {
				return true
			}
		}
		prev = tok
	}
}

// sqlLexer splits SQL into tokens for isWrite: words (keywords and
// unquoted identifiers), parentheses, and single other characters; string
// literals, quoted identifiers and dollar-quoted strings are one token
// each; whitespace and comments separate tokens. An opening "(" outside
// the statement (as in "(SELECT …)") is a token like any other.
type sqlLexer struct {
	s string
	i int
}

type sqlToken struct{ text string }

// word reports whether the token is the keyword kw (in any case).
func (t sqlToken) word(kw string) bool { return strings.EqualFold(t.text, kw) }

// next returns the next token; its text is empty at the end of the query
// (or of what can be read: an unterminated comment or string).
func (lx *sqlLexer) next() sqlToken {
	s := lx.s
	for lx.i < len(s) {
		c := s[lx.i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			lx.i++
		case strings.HasPrefix(s[lx.i:], "--"):
			end := strings.IndexAny(s[lx.i:], "\r\n")
			if end < 0 {
				lx.i = len(s)
				return sqlToken{}
			}
			lx.i += end
		case strings.HasPrefix(s[lx.i:], "/*"):
			// PostgreSQL's block comments nest.
			depth := 0
			for lx.i < len(s) {
				switch {
				case strings.HasPrefix(s[lx.i:], "/*"):
					depth++
					lx.i += 2
				case strings.HasPrefix(s[lx.i:], "*/"):
					depth--
					lx.i += 2
				default:
					lx.i++
				}
				if depth == 0 {
					break
				}
			}
			if depth > 0 {
				return sqlToken{}
			}
		case sqlWordStart(c):
			start := lx.i
			for lx.i < len(s) && (sqlWordStart(s[lx.i]) || s[lx.i] == '$' || s[lx.i] >= '0' && s[lx.i] <= '9') {
				lx.i++
			}
			word := s[start:lx.i]
			if lx.i < len(s) && s[lx.i] == '\'' && strings.EqualFold(word, "E") {
				// An escape string: a backslash escapes the next byte.
				return lx.quoted('\'', true, start)
			}
			return sqlToken{word}
		case c == '\'' || c == '"':
			return lx.quoted(c, false, lx.i)
		case c == '$':
			if tag, ok := dollarTag(s[lx.i:]); ok {
				start := lx.i
				end := strings.Index(s[lx.i+len(tag):], tag)
				if end < 0 {
					lx.i = len(s)
					return sqlToken{}
				}
				lx.i += 2*len(tag) + end
				return sqlToken{s[start:lx.i]}
			}
			lx.i++
			return sqlToken{"$"}
		default:
			lx.i++
			return sqlToken{s[lx.i-1 : lx.i]}
		}
	}
	return sqlToken{}
}

// quoted reads a string literal or quoted identifier whose opening quote q
// is at lx.i (its token starting at start): a doubled quote stands for
// one, and in an escape string a backslash escapes the next byte.
func (lx *sqlLexer) quoted(q byte, backslash bool, start int) sqlToken {
	s := lx.s
	for lx.i++; lx.i < len(s); lx.i++ {
		switch {
		case backslash && s[lx.i] == '\\':
			lx.i++
		case s[lx.i] == q:
			if lx.i+1 < len(s) && s[lx.i+1] == q {
				lx.i++
				continue
			}
			lx.i++
			return sqlToken{s[start:lx.i]}
		}
	}
	return sqlToken{}
}

// sqlWordStart reports whether c may begin a word: a letter, '_', or a byte
// of a multi-byte UTF-8 character.
func sqlWordStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}

// dollarTag returns the tag ("$$", "$name$") that opens a dollar-quoted
// string at the start of s; a '$' followed by digits is a parameter.
func dollarTag(s string) (string, bool) {
	for j := 1; j < len(s); j++ {
		switch c := s[j]; {
		case c == '$':
			return s[:j+1], true
		case sqlWordStart(c), j > 1 && c >= '0' && c <= '9':
		default:
			return "", false
		}
	}
	return "", false
}

// pgTx is a transaction begun through pgConn.BeginTx.
type pgTx struct {
	c  *pgConn
	tx driver.Tx
}

func (t pgTx) Commit() error {
	t.c.inTx = false
	return driverErr(t.tx.Commit())
}

func (t pgTx) Rollback() error {
	t.c.inTx = false
	return driverErr(t.tx.Rollback())
}

// pgStmt is a prepared statement of a pgConn, query: its errors go
// through driverErr, and a write run outside a transaction under a
// deadline is given a transaction of its own, as pgConn's Exec and Query
// do. (The store prepares none on PostgreSQL, bun writes the arguments
// into the query; code given DB() may.)
type pgStmt struct {
	st    driver.Stmt
	c     *pgConn
	query string
}

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
	return s.c.exec(ctx, s.query, func() (driver.Result, error) {
		return s.st.(driver.StmtExecContext).ExecContext(ctx, args)
	})
}

func (s pgStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	return s.c.query(ctx, s.query, func() (driver.Rows, error) {
		return s.st.(driver.StmtQueryContext).QueryContext(ctx, args)
	})
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

// readRows are a write's rows read whole (pgConn.QueryContext).
type readRows struct {
	cols []string
	rows [][]driver.Value
}

// readAll reads r whole and closes it. The values are copied: the driver
// may hand out bytes of its read buffer. So are the column names: pgdriver
// gives the names of a row description that goes back to its pool when r
// is closed, and the next query's description overwrites them.
func readAll(r driver.Rows) (*readRows, error) {
	out := &readRows{cols: slices.Clone(r.Columns())}
	for i, c := range out.cols {
		out.cols[i] = strings.Clone(c)
	}
	for {
		dest := make([]driver.Value, len(out.cols))
		err := r.Next(dest)
		if err == io.EOF {
			break
		}
		if err != nil {
			_ = r.Close()
			return nil, err
		}
		for i, v := range dest {
			if b, ok := v.([]byte); ok {
				dest[i] = append([]byte(nil), b...)
			}
		}
		out.rows = append(out.rows, dest)
	}
	return out, r.Close()
}

func (r *readRows) Columns() []string { return r.cols }
func (r *readRows) Close() error      { r.rows = nil; return nil }

func (r *readRows) Next(dest []driver.Value) error {
	if len(r.rows) == 0 {
		return io.EOF
	}
	copy(dest, r.rows[0])
	r.rows = r.rows[1:]
	return nil
}
