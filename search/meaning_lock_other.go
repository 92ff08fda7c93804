//go:build !unix

package search

import (
	"os"
	"time"
)

// lockFile does nothing where flock(2) is missing: the search index's own lock keeps a second process out.
func lockFile(*os.File, time.Duration) error { return nil }
