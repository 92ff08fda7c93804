package main

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestStopCutsConnectionsAndSaysSo: SIGTERM while a client is still in the
// middle of a request. After the grace the node cuts the connection, says
// so in its log, and exits 0 (as `portico serve` does): a deliberate stop
// is not a failure, and what it cut is not silent either.
func TestStopCutsConnectionsAndSaysSo(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	t.Cleanup(upstream.Close)
	portal := newTestPortal(t, testState(t, upstream.URL))
	n := startProc(t, portal.url(), "tok-a", t.TempDir())
	conn, err := net.Dial("tcp", n.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A request whose body never ends: the connection stays busy. (One
	// whose header never ends is no request in flight: fasthttp closes a
	// connection still reading its first header at shutdown.)
	if _, err := conn.Write([]byte("POST /ledger/v1/x HTTP/1.1\r\nHost: node\r\nContent-Length: 100\r\n\r\npartial")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if err := n.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-n.exited:
		n.exited <- err
		if err != nil {
			t.Errorf("exit after SIGTERM with a connection left: %v, want status 0\n%s", err, n.out)
		}
	case <-time.After(shutdownGrace + 15*time.Second):
		t.Fatalf("no exit within the grace of SIGTERM:\n%s", n.out)
	}
	if !strings.Contains(n.out.String(), "cutting the connections still open") {
		t.Errorf("the log does not say the remaining connections were cut:\n%s", n.out)
	}
}
