// Package logbuf buffers log output so that a log line costs no system call
// of its own: records are collected in memory and written in batches (when
// 64 KiB are waiting, and every flush interval), and what is buffered is
// written when the writer is closed. slog writes one whole record per
// Write, so records are never split or interleaved.
package logbuf

import (
	"io"
	"sync"
	"time"
)

// Size is how many bytes are buffered before a write.
const Size = 64 << 10

// Writer is a buffered, periodically flushed io.Writer, safe for
// concurrent use.
type Writer struct {
	mu     sync.Mutex
	w      io.Writer
	buf    []byte
	closed bool
	done   chan struct{}
	wg     sync.WaitGroup
}

// New returns a Writer over w that flushes every flushEvery.
func New(w io.Writer, flushEvery time.Duration) *Writer {
	lw := &Writer{w: w, buf: make([]byte, 0, Size), done: make(chan struct{})}
	lw.wg.Add(1)
	go func() {
		defer lw.wg.Done()
		t := time.NewTicker(flushEvery)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				lw.Flush()
			case <-lw.done:
				return
			}
		}
	}()
	return lw
}

// Write buffers p, or writes it at once when it is larger than the buffer
// or the writer is closed (so a line logged after Close is not lost).
func (lw *Writer) Write(p []byte) (int, error) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	if lw.closed || len(p) > Size {
		lw.flushLocked()
		return lw.w.Write(p)
	}
	if len(lw.buf)+len(p) > Size {
		lw.flushLocked()
	}
	lw.buf = append(lw.buf, p...)
	return len(p), nil
}

// Flush writes what is buffered.
func (lw *Writer) Flush() {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	lw.flushLocked()
}

func (lw *Writer) flushLocked() {
	if len(lw.buf) > 0 {
		lw.w.Write(lw.buf) //nolint:errcheck // nowhere to report a failed log write
		lw.buf = lw.buf[:0]
	}
}

// Close stops the periodic flushes and writes what is buffered; later
// writes go straight through. It is safe to call more than once.
func (lw *Writer) Close() {
	lw.mu.Lock()
	if lw.closed {
		lw.mu.Unlock()
		return
	}
	lw.closed = true
	lw.mu.Unlock()
	close(lw.done)
	lw.wg.Wait()
	lw.Flush()
}
