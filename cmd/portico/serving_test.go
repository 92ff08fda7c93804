package main

import (
	"context"
	"testing"
	"time"
)

// serving is a `portico serve` a test runs in-process (runEnv), on a
// goroutine of its own, until it stops it or the test ends.
type serving struct {
	t *testing.T
	// addr is where it listens (e.ready's address).
	addr    string
	cancel  context.CancelFunc
	done    chan error
	stopped bool
	err     error
}

// startServing runs `portico serve args…` with e and waits until it
// listens: a serve that returns first, or does not listen within a
// minute, fails the test with its log (e.stderr). When the test ends a
// serve still running is stopped, and an error it returns fails the test.
func startServing(t *testing.T, e env, args ...string) *serving {
	t.Helper()
	ready := make(chan string, 1)
	e.ready = func(addr string) { ready <- addr }
	ctx, cancel := context.WithCancel(context.Background())
	s := &serving{t: t, cancel: cancel, done: make(chan error, 1)}
	go func() { s.done <- runEnv(ctx, append([]string{"serve"}, args...), e) }()
	t.Cleanup(func() {
		if err := s.stop(); err != nil {
			t.Errorf("serve returned %v", err)
		}
	})
	select {
	case s.addr = <-ready:
	case err := <-s.done:
		s.stopped, s.err = true, nil // reported here
		t.Fatalf("serve did not start: %v\n%s", err, e.stderr)
	case <-time.After(time.Minute):
		t.Fatalf("serve did not start within a minute:\n%s", e.stderr)
	}
	return s
}

// stop ends serve's context, as the first SIGTERM does, and returns what
// serve returned; later calls return nil.
func (s *serving) stop() error {
	s.t.Helper()
	if s.stopped {
		return nil
	}
	s.stopped = true
	s.cancel()
	select {
	case err := <-s.done:
		return err
	case <-time.After(30 * time.Second):
		s.t.Fatal("serve did not stop within 30 s of its context's end")
		return nil
	}
}
