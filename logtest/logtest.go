// Package logtest collects log output written from several goroutines (a
// server's slog handler, a child process's standard output and error) so
// that a test, or a benchmark tool, can read it while it is written.
package logtest

import (
	"bytes"
	"sync"
)

// Buffer is an in-memory log, safe for concurrent use.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (l *Buffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns what was written so far.
func (l *Buffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
