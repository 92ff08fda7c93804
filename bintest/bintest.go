// Package bintest builds the programs that tests run as processes (signals
// reach a process, not a function) once for a whole `go test ./...`: the
// portal is run by the tests of cmd/portico and of cmd/portico-gateway,
// two test binaries, and each built and linked it (an 85 MB program,
// seconds of CPU) into a temporary directory of its own.
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
package bintest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sync"
	"testing"
)

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
	dir := filepath.Join(os.TempDir(), "portico-test-bin-"+hex.EncodeToString(sum[:8]))
	if err := os.MkdirAll(dir, 0o700); err != nil {
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
