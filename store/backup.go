package store

import (
	"context"
	"errors"
	"fmt"
)

// ErrBackupUnsupported is returned by BackupInto on PostgreSQL: its own
// tools (pg_dump) make a consistent copy of a running database.
var ErrBackupUnsupported = errors.New("the store backs up SQLite only: on PostgreSQL, use pg_dump")

// BackupInto writes a copy of the SQLite database into path, a file that
// must not exist yet, with VACUUM INTO: one read transaction, so the copy is
// the database as one commit left it, while the server goes on reading and
// writing (WAL mode: writers do not wait for it). The copy is compacted
// and holds no WAL; it is not synced to disk (the caller does it).
func (s *Store) BackupInto(ctx context.Context, path string) error {
	if s.dialect != SQLite {
		return ErrBackupUnsupported
	}
	if _, err := s.db.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return fmt.Errorf("copy the database into %s: %w", path, translate(err))
	}
	return nil
}
