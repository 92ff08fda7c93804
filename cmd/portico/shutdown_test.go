package main

import (
	"bufio"
	"errors"
	"net"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeStopsCleanlyWithAConnectionLeft: SIGTERM to `portico serve`
// while a client is still in the middle of a request. After the grace the
// server cuts the connection, says so in its log, and exits 0: a
// deliberate stop is not a failure (portico-gateway exits 0 alike).
func TestServeStopsCleanlyWithAConnectionLeft(t *testing.T) {
	p := startServed(t)
	cmd, done, logs, addr := p.cmd, p.done, p.logs, p.addr
	// A request whose body never ends: the connection stays busy. (One
	// whose header never ends is no request in flight: fasthttp closes a
	// connection still reading its first header at shutdown.) The request
	// asks for "100 Continue", which the server sends once it has read the
	// header: only then is the request in flight, however slow the machine.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("POST /login HTTP/1.1\r\nHost: portico\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(60 * time.Second)) //nolint:errcheck // a failed read below says it
	status, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil || !strings.HasPrefix(status, "HTTP/1.1 100 ") {
		t.Fatalf("after the request's header: %q, %v; want 100 Continue", status, err)
	}
	if _, err := conn.Write([]byte("username=")); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err = <-done:
	case <-time.After(40 * time.Second):
		t.Fatalf("serve did not stop on SIGTERM:\n%s", logs.String())
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		t.Errorf("exit status after SIGTERM with a connection left: got %d, want 0\n%s", ee.ExitCode(), logs.String())
	} else if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "cutting the connections still open") {
		t.Errorf("the log does not say the remaining connections were cut:\n%s", logs.String())
	}
}
