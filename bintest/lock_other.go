//go:build !unix

package bintest

import "os"

// lock takes no lock where flock is missing: two test binaries building at
// once both link, and the last rename wins, with the same program.
func lock(string) (unlock func(), err error) { return func() {}, nil }

// lockShared only opens the file where flock is missing.
func lockShared(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
}

// tryLock never succeeds where flock is missing: without a lock no one can
// tell whether another process uses a directory, so none is removed.
func tryLock(string) (unlock func(), ok bool, err error) { return nil, false, nil }
