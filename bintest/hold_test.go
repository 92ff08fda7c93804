package bintest

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestHoldDirEnds: holdDir starts again while another process removes the
// directory under it, but not forever: a .inuse that cannot be looked at
// (an I/O error, a permission) is an error at once, and a directory that
// is gone every time is one after a few attempts.
func TestHoldDirEnds(t *testing.T) {
	for _, tc := range []struct {
		name  string
		err   error
		want  string
		calls int64 // at most
	}{
		{"unreadable", syscall.EIO, "input/output error", 1},
		{"always gone", fs.ErrNotExist, "removed", maxHoldAttempts},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int64
			stat := func(string) (fs.FileInfo, error) {
				calls.Add(1)
				return nil, tc.err
			}
			done := make(chan error, 1)
			go func() {
				f, err := hold(filepath.Join(t.TempDir(), "portico-test-bin-x"), stat)
				if f != nil {
					f.Close()
				}
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("holdDir: %v, want an error saying %q", err, tc.want)
				}
				if !errors.Is(err, tc.err) {
					t.Errorf("holdDir: %v, want it to wrap %v", err, tc.err)
				}
				if calls.Load() > tc.calls {
					t.Errorf("looked at .inuse %d times, want at most %d", calls.Load(), tc.calls)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("holdDir still retrying after 5 s (%d looks at .inuse)", calls.Load())
			}
		})
	}
}
