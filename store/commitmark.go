package store

import (
	"context"
	"sync"

	"github.com/uptrace/bun"
)

// A request may commit a transaction (or a write of its own) and then fail
// in a later step: a read for the page it answers with cut by its deadline,
// a lock it waits on too long. Its answer must not say that nothing was
// written. MarkCommits gives a context a mark that the store sets when a
// transaction or a write outside one commits under that context (or one
// derived from it); Committed reads it.

type commitMarkKey struct{}

// commitMark is the mark MarkCommits puts in a context. open counts the
// transactions begun under the context and not yet ended: a write inside
// one commits only with its COMMIT.
type commitMark struct {
	mu        sync.Mutex
	open      int
	committed bool
}

// MarkCommits returns ctx with a mark that Committed reads: whether a
// transaction, or a write outside one, committed under it since.
func MarkCommits(ctx context.Context) context.Context {
	return context.WithValue(ctx, commitMarkKey{}, &commitMark{})
}

// Committed reports whether a transaction, or a write outside one, was
// committed under ctx since MarkCommits marked it (false when it was not
// marked).
func Committed(ctx context.Context) bool {
	m, ok := ctx.Value(commitMarkKey{}).(*commitMark)
	if !ok {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.committed
}

// commitHook sets the mark of a query's context (MarkCommits): every query
// of the store's database goes through it, RunInTx's BEGIN and COMMIT
// (bun's transactions, Once's included) and the writes run outside a
// transaction, which commit when they answer (SQLite's autocommit,
// PostgreSQL's ownTx).
type commitHook struct{}

var _ bun.QueryHook = commitHook{}

func (commitHook) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }

func (commitHook) AfterQuery(ctx context.Context, e *bun.QueryEvent) {
	m, ok := ctx.Value(commitMarkKey{}).(*commitMark)
	if !ok {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	switch e.Query {
	case "BEGIN":
		if e.Err == nil {
			m.open++
		}
	case "COMMIT":
		m.open = max(m.open-1, 0)
		if e.Err == nil {
			m.committed = true
		}
	case "ROLLBACK":
		m.open = max(m.open-1, 0)
	default:
		if e.Err == nil && m.open == 0 && isWrite(e.Query) {
			m.committed = true
		}
	}
}
