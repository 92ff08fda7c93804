package store

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"strings"
	"time"
)

// migrationLockWait bounds the wait for another process's migrations.
const migrationLockWait = 30 * time.Second

var errMigrationLockHeld = errors.New("another process has held the migration lock for over 30s: it is still migrating (the lock ends with the process that holds it)")

// lockMigrations takes the lock under which one process at a time
// migrates the database, waiting up to migrationLockWait for another
// process's migrations, and returns its release. The lock ends with the
// process that holds it, however that process ends: on PostgreSQL it is an
// advisory lock of a transaction held open meanwhile, on SQLite a lock of
// a file beside the database.
func (s *Store) lockMigrations(ctx context.Context) (func(), error) {
	if s.dialect == PostgreSQL {
		return s.lockMigrationsPostgres(ctx)
	}
	return s.lockMigrationsSQLite(ctx)
}

func (s *Store) lockMigrationsPostgres(ctx context.Context) (func(), error) {
	h := fnv.New64a()
	h.Write([]byte("portico migrations " + s.schema))
	key := int64(h.Sum64())
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("take the migration lock: %w", err)
	}
	err = retryLock(ctx, func() (bool, error) {
		var ok bool
		err := tx.QueryRowContext(ctx, "SELECT pg_try_advisory_xact_lock(?)", key).Scan(&ok)
		return ok, err
	})
	if err != nil {
		tx.Rollback() //nolint:errcheck // the lock was not taken
		return nil, err
	}
	return func() { tx.Rollback() }, nil //nolint:errcheck // a failed rollback ends the session, and the lock with it
}

func (s *Store) lockMigrationsSQLite(ctx context.Context) (func(), error) {
	path, _, _ := strings.Cut(s.sqlitePath, "?")
	if path == "" || strings.Contains(path, ":memory:") {
		return func() {}, nil // no other process can open it
	}
	f, err := os.OpenFile(path+"-migrations.lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("take the migration lock: %w", err)
	}
	if err := retryLock(ctx, func() (bool, error) { return tryLockFile(f) }); err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil // closing the file releases its lock
}

// retryLock calls try until it takes the lock, for up to migrationLockWait.
func retryLock(ctx context.Context, try func() (bool, error)) error {
	deadline := time.Now().Add(migrationLockWait)
	for {
		ok, err := try()
		if err != nil {
			return fmt.Errorf("take the migration lock: %w", err)
		}
		if ok {
			return nil
		}
		if time.Now().After(deadline) {
			return errMigrationLockHeld
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}
