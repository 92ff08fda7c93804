package main

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway/gatewaytest"
)

// get fetches url on a new connection: the answer with its body read, or an
// error.
func get(url, key string) (*http.Response, string, error) {
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if key != "" {
		req.Header.Set("X-API-Key", key)
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, string(b), err
}

// status is get's status, 0 on an error.
func status(url string) int {
	resp, _, err := get(url, "")
	if err != nil {
		return 0
	}
	return resp.StatusCode
}

// refused says whether a new connection to addr is refused.
func refused(addr string) bool {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return errors.Is(err, syscall.ECONNREFUSED)
	}
	conn.Close()
	return false
}

// waitExit waits for the node to exit, and wants status 0.
func waitExit(t *testing.T, p *proc, limit time.Duration) {
	t.Helper()
	select {
	case err := <-p.exited:
		p.exited <- err
		if err != nil {
			t.Errorf("exit after SIGTERM: %v, want status 0\n%s", err, p.out)
		}
	case <-time.After(limit):
		t.Fatalf("the node did not stop within %s of SIGTERM:\n%s", limit, p.out)
	}
}

// TestDrainBeforeStopping: with --shutdown-drain, SIGTERM turns the admin
// /readyz to 503 at once (/healthz stays 200) while the data plane keeps
// accepting and serving, each answer closing its connection; after the
// drain it refuses new connections and still finishes a request in flight,
// then exits 0, having logged the drain's start and end.
func TestDrainBeforeStopping(t *testing.T) {
	const drain = time.Second
	arrived, release := make(chan struct{}, 1), make(chan struct{})
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/slow") {
			arrived <- struct{}{}
			<-release
		}
		io.WriteString(w, "ok")
	}))
	t.Cleanup(upstream.Close)
	t.Cleanup(func() {
		select {
		case <-release:
		default:
			close(release)
		}
	})
	portal := newTestPortal(t, testState(t, upstream.URL))
	n := startProc(t, portal.url(), "tok-a", t.TempDir(), "--shutdown-drain", drain.String())
	if !gatewaytest.Eventually(10*time.Second, func() bool { return status("http://"+n.admin+"/readyz") == http.StatusOK }) {
		t.Fatalf("/readyz never answered 200:\n%s", n.out)
	}
	// A request in flight: its upstream answers once released, after the drain.
	type answer struct {
		resp *http.Response
		body string
		err  error
	}
	inFlight := make(chan answer, 1)
	go func() {
		resp, body, err := get("http://"+n.addr+"/ledger/v1/slow", "ptk_ka_secret")
		inFlight <- answer{resp, body, err}
	}()
	select {
	case <-arrived:
	case <-time.After(10 * time.Second):
		t.Fatalf("the slow request did not reach the upstream:\n%s", n.out)
	}
	signaled := time.Now()
	if err := n.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if !gatewaytest.Eventually(5*time.Second, func() bool { return status("http://"+n.admin+"/readyz") == http.StatusServiceUnavailable }) {
		t.Fatalf("/readyz did not turn 503 after SIGTERM:\n%s", n.out)
	}
	if resp, body, err := get("http://"+n.admin+"/readyz", ""); err != nil || resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "draining") {
		t.Errorf("/readyz during the drain: %v %v %q, want 503 saying draining", resp, err, body)
	}
	if got := status("http://" + n.admin + "/healthz"); got != http.StatusOK {
		t.Errorf("/healthz during the drain: %d, want 200", got)
	}
	resp, body, err := get("http://"+n.addr+"/ledger/v1/x", "ptk_ka_secret")
	if err != nil {
		t.Fatalf("a request during the drain: %v (%s after SIGTERM)\n%s", err, time.Since(signaled), n.out)
	}
	if resp.StatusCode != http.StatusOK || body != "ok" {
		t.Errorf("a request during the drain: %d %q, want 200 ok", resp.StatusCode, body)
	}
	if !resp.Close {
		t.Errorf("a request during the drain: the answer keeps its connection, want Connection: close")
	}
	if !gatewaytest.Eventually(10*time.Second, func() bool { return refused(n.addr) }) {
		t.Fatalf("new connections still accepted 10 s after the drain:\n%s", n.out)
	}
	if took := time.Since(signaled); took < drain {
		t.Errorf("new connections refused %s after SIGTERM, before the drain of %s ended", took, drain)
	}
	close(release)
	select {
	case a := <-inFlight:
		if a.err != nil || a.resp.StatusCode != http.StatusOK || a.body != "ok" {
			t.Errorf("the request in flight during the stop: %v %q, want 200 ok\n%s", a.err, a.body, n.out)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("the request in flight got no answer:\n%s", n.out)
	}
	waitExit(t, n, shutdownGrace+10*time.Second)
	for _, want := range []string{"drain began", "drain ended"} {
		if c := strings.Count(n.out.String(), want); c != 1 {
			t.Errorf("the log says %q %d times, want once:\n%s", want, c, n.out)
		}
	}
}

// TestSecondSignalSkipsDrain: a second SIGTERM during a long drain ends it
// at once, and the node stops as after the drain.
func TestSecondSignalSkipsDrain(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	t.Cleanup(upstream.Close)
	portal := newTestPortal(t, testState(t, upstream.URL))
	n := startProc(t, portal.url(), "tok-a", t.TempDir(), "--shutdown-drain", "5m")
	if !gatewaytest.Eventually(10*time.Second, func() bool { return status("http://"+n.admin+"/readyz") == http.StatusOK }) {
		t.Fatalf("/readyz never answered 200:\n%s", n.out)
	}
	if err := n.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if !gatewaytest.Eventually(5*time.Second, func() bool { return status("http://"+n.admin+"/readyz") == http.StatusServiceUnavailable }) {
		t.Fatalf("/readyz did not turn 503 after SIGTERM:\n%s", n.out)
	}
	if err := n.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitExit(t, n, 15*time.Second)
	if !strings.Contains(n.out.String(), "drain ended: a second signal skipped the rest") {
		t.Errorf("the log does not say the second signal skipped the drain:\n%s", n.out)
	}
}
