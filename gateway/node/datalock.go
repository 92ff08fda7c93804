package node

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// lockFile is the file in the data directory that the running node holds
// locked (flock, exclusive), with its pid in it.
const lockFile = "portico-gateway.lock"

// DataDirInUseError says another process holds the data directory.
type DataDirInUseError struct {
	Dir string
	// PID is the holder's process id, 0 when unknown.
	PID int
}

func (e *DataDirInUseError) Error() string {
	holder := "another process"
	if e.PID > 0 {
		holder = "pid " + strconv.Itoa(e.PID)
	}
	return fmt.Sprintf("data directory %q is in use by another portico-gateway (%s): each node needs its own --data", e.Dir, holder)
}

// DataDirLock is a node's hold on its data directory; Close releases it.
type DataDirLock struct{ f *os.File }

// LockDataDir takes the data directory dir for this process (creating it
// when missing), so that no second node writes its last-known-good files
// and usage spool beside this one's: two nodes on one directory would
// append to one journal and replace each other's snapshot. The lock is the
// system's (flock on dir's lock file): it goes with the process, however it
// ends, so a node killed leaves nothing to clean. A directory held by
// another process is refused with a *DataDirInUseError, which names the
// directory and the holder's pid.
func LockDataDir(dir string) (*DataDirLock, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory %q: %w", dir, err)
	}
	path := filepath.Join(dir, lockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("data directory %q: lock file: %w", dir, err)
	}
	ok, err := tryLock(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("data directory %q: lock: %w", dir, err)
	}
	if !ok {
		// The holder writes its pid once it has the lock: read it, within
		// bounds (a pid is short).
		inUse := &DataDirInUseError{Dir: dir}
		b := make([]byte, 32)
		n, _ := f.ReadAt(b, 0)
		f.Close()
		if pid, err := strconv.Atoi(strings.TrimSpace(string(b[:n]))); err == nil && pid > 0 {
			inUse.PID = pid
		}
		return nil, inUse
	}
	if err = f.Truncate(0); err == nil {
		_, err = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("data directory %q: lock file: %w", dir, err)
	}
	return &DataDirLock{f: f}, nil
}

// Close releases the data directory. The lock file stays (removing it
// would let a node waiting on the old file and one creating a new file
// both think they hold the directory).
func (l *DataDirLock) Close() error { return l.f.Close() }
