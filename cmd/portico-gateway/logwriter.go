package main

import (
	"io"
	"sync"
	"time"
)

// lineWriter buffers whole log records and writes them in batches (when 64
// KiB are waiting, and every flushEvery), so an access log line costs no
// system call of its own. slog writes one record per Write, so records are
// never split.
type lineWriter struct {
	mu   sync.Mutex
	w    io.Writer
	buf  []byte
	done chan struct{}
	wg   sync.WaitGroup
}

const lineWriterSize = 64 << 10

func newLineWriter(w io.Writer, flushEvery time.Duration) *lineWriter {
	lw := &lineWriter{w: w, buf: make([]byte, 0, lineWriterSize), done: make(chan struct{})}
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

func (lw *lineWriter) Write(p []byte) (int, error) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	if len(lw.buf)+len(p) > lineWriterSize {
		lw.flushLocked()
	}
	if len(p) > lineWriterSize {
		return lw.w.Write(p)
	}
	lw.buf = append(lw.buf, p...)
	return len(p), nil
}

// Flush writes what is buffered.
func (lw *lineWriter) Flush() {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	lw.flushLocked()
}

func (lw *lineWriter) flushLocked() {
	if len(lw.buf) > 0 {
		lw.w.Write(lw.buf)
		lw.buf = lw.buf[:0]
	}
}

// Close stops the flusher and writes what is buffered.
func (lw *lineWriter) Close() {
	close(lw.done)
	lw.wg.Wait()
	lw.Flush()
}
