package bintest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBuildOnceForEveryPackage: a second build of the same sources, as
// another package's test binary makes, finds the program in place and
// leaves it (the same file: not linked again and renamed over it), and
// the program runs.
func TestBuildOnceForEveryPackage(t *testing.T) {
	const pkg = "github.com/portico-dev/portico/cmd/portico"
	first := Build(t, pkg)
	before, err := os.Stat(first)
	if err != nil {
		t.Fatal(err)
	}
	// What the test binary of another package does: its own build.
	again, err := buildShared(pkg)
	if err != nil {
		t.Fatal(err)
	}
	after, err := os.Stat(again)
	if err != nil {
		t.Fatal(err)
	}
	// (go build touches a program it leaves: its time changes, not its
	// file.)
	if again != first || !os.SameFile(before, after) {
		t.Errorf("the second build gave %s, another file, want %s left in place", again, first)
	}
	out, err := exec.Command(first, "version").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "portico ") {
		t.Errorf("%s version: %q, %v", first, out, err)
	}
}

// TestStaleDirectoriesAreRemoved: a build removes the directories of
// programs of other checkouts that no one used for staleAfter, and leaves
// those used since, those a test process holds (its .inuse) and those in
// which a program is being built (its .lock).
func TestStaleDirectoriesAreRemoved(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	old := time.Now().Add(-staleAfter - time.Hour)
	dir := func(name string, mtime time.Time) string {
		d := filepath.Join(tmp, name)
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "portico"), []byte("a program"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(d, mtime, mtime); err != nil {
			t.Fatal(err)
		}
		return d
	}
	stale := dir("portico-test-bin-0000000000000001", old)
	recent := dir("portico-test-bin-0000000000000002", time.Now().Add(-staleAfter+time.Hour))
	used := dir("portico-test-bin-0000000000000003", old)
	building := dir("portico-test-bin-0000000000000004", old)
	other := dir("other-program", old)
	// This checkout's own directory, last used long ago.
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(root))
	own := dir("portico-test-bin-"+hex.EncodeToString(sum[:8]), old)
	// Another test process: it holds used as in use, and builds in building.
	f, err := lockShared(filepath.Join(used, ".inuse"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	unlock, err := lock(filepath.Join(building, ".lock"))
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	for _, d := range []string{used, building} {
		if err := os.Chtimes(d, old, old); err != nil {
			t.Fatal(err)
		}
	}

	bin, err := buildShared("github.com/portico-dev/portico/bintest/testdata/tiny")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("%s, unused for longer than %s, is still there (%v)", stale, staleAfter, err)
	}
	for _, d := range []string{recent, used, building, other} {
		if _, err := os.Stat(filepath.Join(d, "portico")); err != nil {
			t.Errorf("%s was removed: %v", d, err)
		}
	}
	if err := exec.Command(bin).Run(); err != nil {
		t.Errorf("%s: %v", bin, err)
	}
	// Its own directory is touched: used now.
	if filepath.Dir(bin) != own {
		t.Errorf("built into %s, want %s", bin, own)
	}
	info, err := os.Stat(own)
	if err != nil {
		t.Fatal(err)
	}
	if !info.ModTime().After(old.Add(time.Hour)) {
		t.Errorf("%s, used now, still has its old time %s", own, info.ModTime())
	}
	entries, _ := os.ReadDir(tmp)
	if len(entries) != 5 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("left in TMPDIR: %v, want the 4 kept and its own", names)
	}
}
