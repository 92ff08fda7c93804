package bintest

import (
	"os"
	"os/exec"
	"strings"
	"testing"
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
