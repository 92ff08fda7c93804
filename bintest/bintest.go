// Package bintest builds the programs that tests run as processes (signals
// reach a process, not a function) once for a whole `go test ./...`: the
// portal is run by the tests of cmd/portico and of cmd/portico-gateway,
// two test binaries, and each built and linked it (an 85 MB program,
// seconds of CPU) into a temporary directory of its own. Serve runs the
// portal's `portico serve` as a process for the tests of both.
//
// A program is built into a directory of the system's temporary directory
// that belongs to the module's checkout (keyed by a digest of its path, so
// that two worktrees never share one), under a file lock, with go build -o.
// go itself decides whether to link again: the program there carries the
// build ID of what it was built from (every source file, embedded file,
// dependency and flag), and go build leaves a program whose build ID is
// that of the sources as they are now; otherwise it links a new one and
// renames it into place, so that a process still running the previous one
// runs on undisturbed. The programs stay there for the next run.
//
// Every checkout (each clone, each worktree) has a directory of its own,
// ~130 MB, so they are cleaned up: a test process that builds holds a
// shared lock of its directory's .inuse file until it exits and touches
// the directory, and it removes every other portico-test-bin-* directory
// unused (untouched) for staleAfter that no process holds, neither its
// .inuse (a test process using it) nor its .lock (a build in it).
package bintest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// staleAfter is how long a directory of programs may stay unused before
// another checkout's tests remove it: the next run in its checkout links
// its programs again, seconds of CPU.
const staleAfter = 24 * time.Hour

// dirPrefix begins the name of every checkout's directory of programs.
const dirPrefix = "portico-test-bin-"

// builds holds, per package path, the build of this process.
var builds sync.Map

type build struct {
	once sync.Once
	path string
	err  error
}

// Build returns the path of the program of main package pkg (an import
// path of this module), built as the package doc says; a failed build
// fails the test.
func Build(t testing.TB, pkg string) string {
	t.Helper()
	v, _ := builds.LoadOrStore(pkg, &build{})
	b := v.(*build)
	b.once.Do(func() { b.path, b.err = buildShared(pkg) })
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}

func buildShared(pkg string) (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(root))
	dir, err := useDir(os.TempDir(), dirPrefix+hex.EncodeToString(sum[:8]), time.Now())
	if err != nil {
		return "", err
	}
	unlock, err := lock(filepath.Join(dir, ".lock"))
	if err != nil {
		return "", fmt.Errorf("lock %s: %w", dir, err)
	}
	defer unlock()
	bin := filepath.Join(dir, path.Base(pkg))
	cmd := exec.Command(goTool(), "build", "-o", bin, pkg)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
	}
	return bin, nil
}

// inUse holds, per directory, its .inuse file, open and locked (shared)
// until the process exits.
var inUse sync.Map

// useDir returns the directory name in tmp, made if missing, that this
// process holds as in use (a shared lock of its .inuse file, until it
// exits), touched at now; then it removes the other directories of
// programs in tmp that were not used since staleAfter before now (see
// removeStale).
func useDir(tmp, name string, now time.Time) (string, error) {
	dir := filepath.Join(tmp, name)
	if _, ok := inUse.Load(dir); !ok {
		f, err := holdDir(dir)
		if err != nil {
			return "", err
		}
		if _, loaded := inUse.LoadOrStore(dir, f); loaded {
			f.Close()
		}
	}
	if err := os.Chtimes(dir, now, now); err != nil {
		return "", err
	}
	removeStale(tmp, name, now.Add(-staleAfter))
	return dir, nil
}

// holdDir makes dir if missing and takes a shared lock of its .inuse
// file. Another process may have been removing dir meanwhile: it renames
// dir away under an exclusive lock of that file before it removes it, so
// when the lock taken is not of the file now at dir/.inuse, holdDir
// starts again, up to maxHoldAttempts times (a removal takes one: more is
// something else removing it again and again). A .inuse that cannot be
// looked at, for another reason than being gone, is an error.
func holdDir(dir string) (*os.File, error) { return hold(dir, os.Stat) }

// maxHoldAttempts bounds holdDir's attempts.
const maxHoldAttempts = 10

// hold is holdDir, with stat to look at dir/.inuse after locking it.
func hold(dir string, stat func(string) (fs.FileInfo, error)) (*os.File, error) {
	inuse := filepath.Join(dir, ".inuse")
	for range maxHoldAttempts {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
		f, err := lockShared(inuse)
		if errors.Is(err, fs.ErrNotExist) {
			continue // dir was renamed away between the two
		}
		if err != nil {
			return nil, fmt.Errorf("lock %s: %w", dir, err)
		}
		held, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, err
		}
		now, err := stat(inuse)
		if err == nil && os.SameFile(held, now) {
			return f, nil
		}
		f.Close()
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("hold %s: %w", dir, err)
		}
	}
	return nil, fmt.Errorf("hold %s: removed again and again by another process (%d attempts): %w", dir, maxHoldAttempts, fs.ErrNotExist)
}

// removeStale removes the directories of programs in tmp, but keep, whose
// time is before cutoff and that no process holds: neither its .inuse
// (held by every test process that uses it) nor its .lock (held while a
// program is built in it) is locked. Each is renamed away under both
// locks first, so that a process about to use it finds it gone (see
// holdDir), and then removed. What fails is left for a later run.
func removeStale(tmp, keep string, cutoff time.Time) {
	entries, err := os.ReadDir(tmp)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, dirPrefix) || name == keep || !e.IsDir() {
			continue
		}
		dir := filepath.Join(tmp, name)
		if info, err := e.Info(); err != nil || !info.ModTime().Before(cutoff) {
			continue
		}
		unuse, ok, err := tryLock(filepath.Join(dir, ".inuse"))
		if err != nil || !ok {
			continue
		}
		unbuild, ok, err := tryLock(filepath.Join(dir, ".lock"))
		if err != nil || !ok {
			unuse()
			continue
		}
		gone := dir + ".removing-" + strconv.Itoa(os.Getpid())
		err = os.Rename(dir, gone)
		unbuild()
		unuse()
		if err == nil {
			os.RemoveAll(gone) //nolint:errcheck // what is left goes in a later run
		}
	}
}

// moduleRoot is the directory of the go.mod above the working directory
// (a test runs in its package's directory).
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

// goTool is the go command: the one on PATH, else GOROOT's.
func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(os.Getenv("GOROOT"), "bin", "go")
}
