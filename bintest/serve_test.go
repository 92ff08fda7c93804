package bintest

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// TestMain lets this test binary be the process Serve runs: with
// BINTEST_FAKE_SERVE set it plays `portico serve` (see fakeServe).
func TestMain(m *testing.M) {
	if mode := os.Getenv("BINTEST_FAKE_SERVE"); mode != "" {
		fakeServe(mode)
		return
	}
	os.Exit(m.Run())
}

// fakeServe says and does what serve does that Serve relies on: "log in
// at" on standard output once it listens, its log on standard error, a
// /readyz that answers 503 before 200. In mode "exit" it fails before it
// listens; in mode "quit" it exits once it said where it listens.
func fakeServe(mode string) {
	fmt.Fprintln(os.Stderr, "level=INFO msg=starting")
	if mode == "exit" {
		fmt.Fprintln(os.Stderr, "level=ERROR msg=\"no database\"")
		os.Exit(3)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("Portico is running.")
	fmt.Printf("log in at http://%s/login\n", ln.Addr())
	if mode == "quit" {
		os.Exit(0)
	}
	var asked atomic.Int64
	http.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		if asked.Add(1) < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	})
	http.Serve(ln, nil) //nolint:errcheck // until killed
}

// fakeTB is a test for Serve to fail: Fatal ends the goroutine calling it
// (as testing's does), what it said is kept.
type fakeTB struct {
	testing.TB
	mu       sync.Mutex
	fatal    string
	cleanups []func()
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Fatal(args ...any) {
	f.mu.Lock()
	f.fatal = fmt.Sprint(args...)
	f.mu.Unlock()
	runtime.Goexit()
}
func (f *fakeTB) Fatalf(format string, args ...any) { f.Fatal(fmt.Sprintf(format, args...)) }
func (f *fakeTB) Cleanup(fn func()) {
	f.mu.Lock()
	f.cleanups = append(f.cleanups, fn)
	f.mu.Unlock()
}

// run calls fn with f as its test in a goroutine of its own, as testing
// does, then runs the cleanups; it returns what fn failed with ("" for
// nothing).
func (f *fakeTB) run(fn func(testing.TB)) string {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(f)
	}()
	<-done
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
	return f.fatal
}

func fakeCommand(mode string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "BINTEST_FAKE_SERVE="+mode)
	return cmd
}

// TestServe: Serve returns once the process says where it listens, with
// its URL and what it wrote; WaitReady waits for /readyz 200; Kill ends
// it; the test's end kills a process still running.
func TestServe(t *testing.T) {
	s := Serve(t, fakeCommand("serve"))
	if !strings.HasPrefix(s.URL, "http://127.0.0.1:") || strings.HasSuffix(s.URL, "/login") {
		t.Errorf("URL %q, want http://127.0.0.1:port", s.URL)
	}
	s.WaitReady(t)
	res, err := http.Get(s.URL + "/readyz")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("after WaitReady, /readyz: %v, %v", res, err)
	} else {
		res.Body.Close()
	}
	if got := s.Stdout.String(); !strings.Contains(got, "Portico is running.\n") {
		t.Errorf("Stdout %q, want the lines written", got)
	}
	if got := s.Log.String(); !strings.Contains(got, "msg=starting") {
		t.Errorf("Log %q, want what it wrote on standard error", got)
	}
	select {
	case <-s.Done():
		t.Fatal("Done closed while the process runs")
	default:
	}
	s.Kill()
	<-s.Done()
	if err := s.Err(); err == nil || !strings.Contains(err.Error(), "killed") {
		t.Errorf("Err after Kill: %v, want killed", err)
	}
	s.Kill() // once more: it has exited, nothing to do

	f := &fakeTB{TB: t}
	var left *Served
	if got := f.run(func(tb testing.TB) { left = Serve(tb, fakeCommand("serve")) }); got != "" {
		t.Fatalf("Serve failed: %s", got)
	}
	select {
	case <-left.Done():
	default:
		t.Error("the process still runs after its test ended")
	}
}

// TestServeFails: a process that exits before it listens, or before it is
// ready, fails the test with what it wrote.
func TestServeFails(t *testing.T) {
	f := &fakeTB{TB: t}
	got := f.run(func(tb testing.TB) { Serve(tb, fakeCommand("exit")) })
	if !strings.Contains(got, "stopped before it listened (exit status 3)") || !strings.Contains(got, "no database") {
		t.Errorf("Serve of a process that exits at once failed with %q, want its exit and log", got)
	}
	f = &fakeTB{TB: t}
	got = f.run(func(tb testing.TB) { Serve(tb, fakeCommand("quit")).WaitReady(tb) })
	if !strings.Contains(got, "stopped before it was ready") || !strings.Contains(got, "msg=starting") {
		t.Errorf("WaitReady of a process that exits failed with %q, want its log", got)
	}
}
