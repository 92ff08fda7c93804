package store_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/portico-dev/portico/store"
)

// TestOpenOnAFullDiskSaysSo: SQLite answers a full disk at open with
// "disk I/O error (4874)" (its shared-memory file cannot grow), which
// does not tell an operator what to do. The error names the full file
// system.
func TestOpenOnAFullDiskSaysSo(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a small tmpfs needs root")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	ctx := context.Background()
	s, err := store.Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	f, err := os.Create(filepath.Join(dir, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	block := make([]byte, 4096)
	for {
		if _, err := f.Write(block); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			break
		}
	}
	f.Close()

	s, err = store.Open(ctx, "", dir)
	if err == nil {
		s.Close()
		t.Fatal("the database opened on a full disk")
	}
	if !strings.Contains(err.Error(), "no space left") || !strings.Contains(err.Error(), dir) {
		t.Errorf("the error does not say the disk is full: %v", err)
	}
}
