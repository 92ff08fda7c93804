//go:build unix

package search

import (
	"errors"
	"os"
	"syscall"
	"time"
)

// lockFile takes an exclusive lock of f, waiting for another process that holds it (a running server): one process
// at a time appends to a vectors file. The lock goes with f's close. A wait above zero bounds how long the lock is
// waited for (ErrLocked after it); zero waits as long as it takes.
func lockFile(f *os.File, wait time.Duration) error {
	if wait <= 0 {
		return syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
	}
	deadline := time.Now().Add(wait)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			return err
		}
		if !time.Now().Before(deadline) {
			return ErrLocked
		}
		time.Sleep(min(lockRetry, time.Until(deadline)))
	}
}
