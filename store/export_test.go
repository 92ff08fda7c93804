package store

import (
	"time"

	"github.com/uptrace/bun"
)

// SkewProcessClock sets s's process clock off by skew, as the clock of a
// portal instance on another host may be.
func SkewProcessClock(s *Store, skew time.Duration) {
	s.now = func() time.Time { return Now().Add(skew) }
}

// MigrationDB is the database s's migrations run on, and how to close it.
func MigrationDB(s *Store) (*bun.DB, func(), error) { return s.migrationDB() }

// AddMigrationQueryHook adds h to the database s's migrations run on.
func AddMigrationQueryHook(s *Store, h bun.QueryHook) { s.migrationHooks = append(s.migrationHooks, h) }
