package logbuf

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

type countingWriter struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writes++
	return c.b.Write(p)
}

func (c *countingWriter) state() (string, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.b.String(), c.writes
}

func TestWriterBatchesAndLosesNothing(t *testing.T) {
	var out countingWriter
	w := New(&out, time.Hour)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 1000 {
				w.Write([]byte(strings.Repeat(string(rune('a'+g)), 10+i%50) + "\n"))
			}
		}()
	}
	wg.Wait()
	w.Close()
	got, writes := out.state()
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if len(lines) != 8000 {
		t.Fatalf("got %d lines, want 8000", len(lines))
	}
	for _, l := range lines {
		if strings.Trim(l, l[:1]) != "" {
			t.Fatalf("a line was split or interleaved: %q", l)
		}
	}
	if writes > len(got)/Size+2 {
		t.Errorf("%d writes for %d bytes: not batched", writes, len(got))
	}
	// After Close, lines go straight through.
	w.Write([]byte("late\n"))
	if got, _ := out.state(); !strings.HasSuffix(got, "late\n") {
		t.Error("a line written after Close was lost")
	}
	w.Close()
}

func TestWriterFlushesPeriodically(t *testing.T) {
	var out countingWriter
	w := New(&out, 10*time.Millisecond)
	defer w.Close()
	w.Write([]byte("one\n"))
	deadline := time.Now().Add(10 * time.Second)
	for {
		if got, _ := out.state(); got == "one\n" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the buffered line was not flushed")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

type sliceWriter struct{ writes [][]byte }

func (s *sliceWriter) Write(p []byte) (int, error) {
	s.writes = append(s.writes, append([]byte(nil), p...))
	return len(p), nil
}

func TestWriterWritesWholeRecords(t *testing.T) {
	var w sliceWriter
	lw := New(&w, time.Hour)
	line := strings.Repeat("x", 999) + "\n"
	for range 100 {
		lw.Write([]byte(line))
	}
	lw.Close()
	total := 0
	for _, b := range w.writes {
		if len(b)%1000 != 0 {
			t.Fatalf("a write of %d bytes splits a record", len(b))
		}
		total += len(b)
	}
	if total != 100_000 || len(w.writes) > 3 {
		t.Fatalf("%d bytes in %d writes, want 100000 in at most 3", total, len(w.writes))
	}
}
