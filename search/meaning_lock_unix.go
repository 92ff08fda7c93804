//go:build unix

package search

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive lock of f, waiting for another process that holds it (a running server): one process
// at a time appends to a vectors file. The lock goes with f's close.
func lockFile(f *os.File) error { return syscall.Flock(int(f.Fd()), syscall.LOCK_EX) }
