package main

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/portico-dev/portico/bintest"
	"github.com/portico-dev/portico/logtest"
)

// porticoBinary is this command built for the tests that run it as a
// process (signals reach a process, not a function), once for every
// package's tests (see bintest).
func porticoBinary(t *testing.T) string {
	t.Helper()
	return bintest.Build(t, "github.com/portico-dev/portico/cmd/portico")
}

// served is a `portico serve` process on SQLite, ready (/readyz 200).
type served struct {
	cmd  *exec.Cmd
	addr string
	logs *logtest.Buffer
	done chan error
}

func startServed(t *testing.T, args ...string) *served {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command(porticoBinary(t), append([]string{"serve", "--data", filepath.Join(dir, "data"), "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), "PORTICO_SEARCH_MEANING=off", "PORTICO_DATABASE_URL=", "PORTICO_SHUTDOWN_DRAIN=")
	s := bintest.Serve(t, cmd)
	s.WaitReady(t)
	p := &served{cmd: cmd, addr: strings.TrimPrefix(s.URL, "http://"), logs: s.Log, done: make(chan error, 1)}
	go func() { p.done <- s.Err() }()
	return p
}

// get fetches path on a new connection: its status and body, or an error.
func (p *served) get(path string) (*http.Response, string, error) {
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Get("http://" + p.addr + path)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, string(b), err
}

// status is get's status, 0 on an error.
func (p *served) status(path string) int {
	resp, _, err := p.get(path)
	if err != nil {
		return 0
	}
	return resp.StatusCode
}

func (p *served) until(limit time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}

// refused says whether a new connection is refused.
func (p *served) refused() bool {
	conn, err := net.DialTimeout("tcp", p.addr, time.Second)
	if err != nil {
		return errors.Is(err, syscall.ECONNREFUSED)
	}
	conn.Close()
	return false
}

// wait waits for the process to exit, and wants status 0.
func (p *served) wait(t *testing.T, limit time.Duration) {
	t.Helper()
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v, want status 0\n%s", err, p.logs)
		}
	case <-time.After(limit):
		t.Fatalf("serve did not stop within %s of SIGTERM:\n%s", limit, p.logs)
	}
}

// TestServeDrainsBeforeStopping: with --shutdown-drain, SIGTERM turns
// /readyz to 503 at once while the portal keeps accepting and serving
// (liveness and pages 200, each answer closing its connection); after the
// drain it refuses new connections and still finishes a request in flight,
// then exits 0, having logged the drain's start and end.
func TestServeDrainsBeforeStopping(t *testing.T) {
	const drain = time.Second
	p := startServed(t, "--shutdown-drain", drain.String())
	// A request in flight: its header is not finished before the drain ends.
	conn, err := net.Dial("tcp", p.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("GET /healthz HTTP/1.1\r\nHost: portico\r\n")); err != nil {
		t.Fatal(err)
	}
	signaled := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if !p.until(5*time.Second, func() bool { return p.status("/readyz") == http.StatusServiceUnavailable }) {
		t.Fatalf("/readyz did not turn 503 after SIGTERM:\n%s", p.logs)
	}
	resp, body, err := p.get("/readyz")
	if err != nil || resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, `"status":"draining"`) {
		t.Errorf("/readyz during the drain: %v %v %s, want 503 with status draining", resp, err, body)
	}
	for _, path := range []string{"/healthz", "/login"} {
		resp, body, err := p.get(path)
		if err != nil {
			t.Fatalf("GET %s during the drain: %v (%s after SIGTERM)\n%s", path, err, time.Since(signaled), p.logs)
		}
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s during the drain: %d, want 200\n%s", path, resp.StatusCode, body)
		}
		if !resp.Close {
			t.Errorf("GET %s during the drain: the answer keeps its connection, want Connection: close", path)
		}
	}
	if !p.until(10*time.Second, p.refused) {
		t.Fatalf("new connections still accepted 10 s after the drain:\n%s", p.logs)
	}
	if took := time.Since(signaled); took < drain {
		t.Errorf("new connections refused %s after SIGTERM, before the drain of %s ended", took, drain)
	}
	// The request in flight is finished and answered.
	if _, err := conn.Write([]byte("\r\n")); err != nil {
		t.Fatalf("finishing the request in flight: %v\n%s", err, p.logs)
	}
	conn.SetReadDeadline(time.Now().Add(5 * time.Second)) //nolint:errcheck // a test connection
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "HTTP/1.1 200") {
		t.Errorf("the request in flight during the stop got %q, %v; want 200\n%s", line, err, p.logs)
	}
	p.wait(t, 15*time.Second)
	for _, want := range []string{"drain began", "drain ended"} {
		if n := strings.Count(p.logs.String(), want); n != 1 {
			t.Errorf("the log says %q %d times, want once:\n%s", want, n, p.logs)
		}
	}
}

// TestServeSecondSignalSkipsDrain: a second SIGTERM during a long drain
// ends it at once, and the portal stops as after the drain.
func TestServeSecondSignalSkipsDrain(t *testing.T) {
	p := startServed(t, "--shutdown-drain", "5m")
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if !p.until(5*time.Second, func() bool { return p.status("/readyz") == http.StatusServiceUnavailable }) {
		t.Fatalf("/readyz did not turn 503 after SIGTERM:\n%s", p.logs)
	}
	if got := p.status("/healthz"); got != http.StatusOK {
		t.Errorf("/healthz during the drain: %d, want 200", got)
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	p.wait(t, 15*time.Second)
	if !strings.Contains(p.logs.String(), "drain ended: a second signal skipped the rest") {
		t.Errorf("the log does not say the second signal skipped the drain:\n%s", p.logs)
	}
}
