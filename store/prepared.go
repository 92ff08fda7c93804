package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

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
// On SQLite bun does not run the hooks of the DB for it (a statement is
// run by database/sql): queryHot runs those added with AddQueryHook
// itself, but not commitHook, which marks writes and transactions, so
// query must be a read, as every caller's is. The request's deadline
// still interrupts it (the driver takes ctx), and SQLite has no statement
// timeout to miss.
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
	ctx, event := s.hooks.before(ctx, s.db, query, args)
	rows, err := stmt.QueryContext(ctx, args...)
	s.hooks.after(ctx, event, err)
	return rows, err
}

// AddQueryHook adds a query hook to the store (tests that count or look
// at queries): it sees every query of the store's database, bun's and the
// reads the store runs through prepared statements on SQLite alike (see
// queryHot), which a hook added to DB() misses.
func (s *Store) AddQueryHook(h bun.QueryHook) { s.hooks.add(h) }

// queryHooks runs the hooks added with AddQueryHook: bun runs it, one
// hook of the store's DB, for its queries, and queryHot for its prepared
// reads.
type queryHooks struct {
	mu   sync.RWMutex
	list []bun.QueryHook
}

var _ bun.QueryHook = (*queryHooks)(nil)

func (h *queryHooks) add(hook bun.QueryHook) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.list = append(h.list, hook)
}

func (h *queryHooks) hooks() []bun.QueryHook {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.list
}

// BeforeQuery runs the hooks' BeforeQuery in the order they were added.
func (h *queryHooks) BeforeQuery(ctx context.Context, e *bun.QueryEvent) context.Context {
	for _, hook := range h.hooks() {
		ctx = hook.BeforeQuery(ctx, e)
	}
	return ctx
}

// AfterQuery runs the hooks' AfterQuery in the reverse order, as bun does.
func (h *queryHooks) AfterQuery(ctx context.Context, e *bun.QueryEvent) {
	hooks := h.hooks()
	for i := len(hooks) - 1; i >= 0; i-- {
		hooks[i].AfterQuery(ctx, e)
	}
}

// before starts the event of a query that db runs outside bun, query with
// args as bun would show it, and runs BeforeQuery; nil when there is no
// hook (most of the time: only tests add hooks).
func (h *queryHooks) before(ctx context.Context, db *bun.DB, query string, args []any) (context.Context, *bun.QueryEvent) {
	if len(h.hooks()) == 0 {
		return ctx, nil
	}
	e := &bun.QueryEvent{DB: db, Query: db.QueryGen().FormatQuery(query, args...), QueryTemplate: query, QueryArgs: args, StartTime: time.Now()}
	return h.BeforeQuery(ctx, e), e
}

// after ends the event that before started with the query's error.
func (h *queryHooks) after(ctx context.Context, e *bun.QueryEvent, err error) {
	if e == nil {
		return
	}
	e.Err = err
	h.AfterQuery(ctx, e)
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
