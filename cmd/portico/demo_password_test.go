package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

// fullAfter is standard output that runs out of space at the first write
// holding mark: that write and every later one fail.
type fullAfter struct {
	mark string
	out  bytes.Buffer
	full bool
}

func (w *fullAfter) Write(b []byte) (int, error) {
	if w.full || bytes.Contains(b, []byte(w.mark)) {
		w.full = true
		return 0, errors.New("no space left on device")
	}
	return w.out.Write(b)
}

// TestDemoPasswordFailsWhenNotWritten: the demo users' shared password is
// shown once; when it cannot be written demo fails, saying that nobody has
// it and what to do, instead of exiting 0 with users nobody can log in as.
func TestDemoPasswordFailsWhenNotWritten(t *testing.T) {
	samples := demoSampleDir(t)
	e, _, _ := testEnv(map[string]string{"PORTICO_DATA_DIR": t.TempDir()}, "")
	out := &fullAfter{mark: "share one password"}
	e.stdout = out
	err := runEnv(context.Background(), []string{"demo", "--samples", samples}, e)
	if err == nil || !strings.Contains(err.Error(), "no space left on device") || !strings.Contains(err.Error(), "nobody has it") ||
		!strings.Contains(err.Error(), "new --data directory") || !strings.Contains(err.Error(), "user create --username NAME --password-stdin --admin") {
		t.Errorf("demo with standard output failing at the password: error %v, want the failure, that nobody has the password, what to do, and how to make an org admin\n%s", err, out.out.String())
	}
}
