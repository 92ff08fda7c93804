package node

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// The admin address (all interfaces by default) closes a connection left
// idle after a request and one whose body never comes: it held both open
// for as long as the client liked (only the headers had a timeout).
func TestAdminClosesIdleAndStalledConnections(t *testing.T) {
	defer func(r, i time.Duration) { adminReadTimeout, adminIdleTimeout = r, i }(adminReadTimeout, adminIdleTimeout)
	adminReadTimeout, adminIdleTimeout = 300*time.Millisecond, 300*time.Millisecond
	n := New(Options{DataDir: t.TempDir()})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- n.ServeAdmin(ctx, ln) }()
	defer func() { cancel(); <-done }()

	closed := func(name, send string, readResponse bool) {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := io.WriteString(c, send); err != nil {
			t.Fatal(err)
		}
		r := bufio.NewReader(c)
		if readResponse {
			resp, err := http.ReadResponse(r, nil)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		if _, err := io.Copy(io.Discard, r); err != nil {
			t.Fatalf("%s: the connection is still open after 10 s: %v", name, err)
		}
	}
	closed("idle after a request", "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", true)
	closed("stalled body", "PUT /x HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nabc", false)
}
