//go:build !unix

package store

import "os"

// tryLockFile does nothing where flock(2) is missing: SQLite is for one
// process, and its own write lock orders each migration's transaction.
func tryLockFile(*os.File) (bool, error) { return true, nil }
