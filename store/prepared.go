package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"github.com/uptrace/bun"
)

// preparedStmts keeps the SQLite statements of the hottest reads (those
// of every page's navigation and of /profile) prepared: database/sql
// prepares a *sql.Stmt once per connection and reuses it, and the driver
// resets the SQLite statement after each use instead of parsing and
// planning the SQL again (about 14 % of /profile's CPU before). SQLite
// re-prepares a statement by itself when the schema changes.
type preparedStmts struct {
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

// queryHot runs query, written with ? placeholders, with args: on SQLite
// through a statement prepared once, on PostgreSQL through bun (which
// writes the arguments into the query).
//
// On SQLite bun's query hooks do not see it. The store's one hook
// (commitHook) marks writes and transactions, so query must be a read, as
// every caller's is; the request's deadline still interrupts it (the
// driver takes ctx), and SQLite has no statement timeout to miss. A test
// that counts queries through a hook sees these reads on PostgreSQL only.
func (s *Store) queryHot(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s.dialect != SQLite {
		return s.db.QueryContext(ctx, query, args...)
	}
	stmt, err := s.prepared.get(ctx, s.db.DB, query)
	if err != nil {
		return nil, err
	}
	if stmt == nil {
		return s.db.QueryContext(ctx, query, args...)
	}
	return stmt.QueryContext(ctx, args...)
}

// maxPreparedStmts bounds the statements kept prepared. Callers pass SQL
// whose text depends only on its shape, so a few dozen are kept; a query
// beyond the bound runs unprepared rather than growing the set.
const maxPreparedStmts = 64

// countRows runs a SELECT count(*) query through queryHot.
func (s *Store) countRows(ctx context.Context, query string, args ...any) (int, error) {
	rows, err := s.queryHot(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	if rows.Next() {
		if err := rows.Scan(&n); err != nil {
			return 0, err
		}
	}
	return n, rows.Err()
}

// get returns query's kept statement, preparing it the first time; nil
// (and no error) when maxPreparedStmts are kept already.
func (p *preparedStmts) get(ctx context.Context, db *sql.DB, query string) (*sql.Stmt, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if st, ok := p.stmts[query]; ok {
		return st, nil
	}
	if len(p.stmts) >= maxPreparedStmts {
		return nil, nil
	}
	st, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	if p.stmts == nil {
		p.stmts = make(map[string]*sql.Stmt)
	}
	p.stmts[query] = st
	return st, nil
}

func (p *preparedStmts) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, st := range p.stmts {
		st.Close()
	}
	p.stmts = nil
}

// scanHot runs the bun query q, whose arguments are written as
// bun.Safe("?") placeholders and given in args, through queryHot (a
// statement prepared once per connection on SQLite), and scans its rows
// into dest, a pointer to a slice of models, as q.Scan would (joined
// relations included). The SQL of q depends only on its shape, never on
// the argument values, so the prepared statements stay few.
func (s *Store) scanHot(ctx context.Context, q *bun.SelectQuery, dest any, args ...any) error {
	rows, err := s.queryHot(ctx, q.String(), args...)
	if err != nil {
		return err
	}
	return s.db.ScanRows(ctx, rows, dest)
}

// ph is a placeholder for scanHot's queries: "?" written as is into the
// SQL, its value given to scanHot.
var ph = bun.Safe("?")
