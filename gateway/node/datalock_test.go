package node_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/portico-dev/portico/gateway/node"
)

// TestDataDirLockIsExclusive: a data directory is held by one LockDataDir
// at a time (the lock is per open file, so this holds within one process
// too); the refusal names the holder's pid, and Close frees it.
func TestDataDirLockIsExclusive(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	first, err := node.LockDataDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = node.LockDataDir(dir)
	var inUse *node.DataDirInUseError
	if !errors.As(err, &inUse) || inUse.Dir != dir || inUse.PID != os.Getpid() {
		t.Fatalf("second lock of %s: %v, want it refused naming pid %d", dir, err, os.Getpid())
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	second, err := node.LockDataDir(dir)
	if err != nil {
		t.Fatalf("lock after the first was released: %v", err)
	}
	second.Close()
}
