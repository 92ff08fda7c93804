package store

import (
	"context"
	"fmt"
)

// pruneBatch is how many rows a housekeeping delete removes per statement.
const pruneBatch = 1000

// deleteBatched deletes the rows of table that where (with args) selects,
// at most batch (pruneBatch when 0) per statement, until a statement
// deletes fewer, and returns how many it deleted. Each statement is its own
// transaction, so a first run over a large backlog neither holds SQLite's
// write lock nor builds one huge PostgreSQL transaction. key lists the
// columns that identify a row (a primary or unique key), compared as a row
// value, which both databases support. table, key and where are constants
// of the caller, never input.
func (s *Store) deleteBatched(ctx context.Context, batch int, table, key, where string, args ...any) (int64, error) {
	if batch <= 0 {
		batch = pruneBatch
	}
	q := fmt.Sprintf("DELETE FROM %s WHERE (%s) IN (SELECT %s FROM %s WHERE %s LIMIT %d)", table, key, key, table, where, batch)
	var total int64
	for {
		res, err := s.db.NewRaw(q, args...).Exec(ctx)
		if err != nil {
			return total, translate(err)
		}
		n, _ := res.RowsAffected()
		total += n
		if n < int64(batch) || ctx.Err() != nil {
			return total, ctx.Err()
		}
	}
}
