package handlers_test

import (
	"net"
	"strings"
	"testing"
	"time"
)

// A client that resets its connection half-way through its request is not a
// server error: the portal must not log it at ERROR, where operators alert.
func TestClientResetMidRequestIsNotAServerError(t *testing.T) {
	e := newEnv(t)
	conn := e.dial(10 * time.Second)
	if _, err := conn.Write([]byte("GET /catalog HTTP/1.1\r\nHost: portal.test\r\nX-Half: ")); err != nil {
		t.Fatal(err)
	}
	if err := conn.(*net.TCPConn).SetLinger(0); err != nil {
		t.Fatal(err)
	}
	_ = conn.Close() // linger 0: a reset, not a close

	deadline := time.Now().Add(10 * time.Second)
	for {
		logs := e.logs.String()
		if strings.Contains(logs, "level=ERROR") {
			t.Fatalf("a client's reset was logged as a server error:\n%s", logs)
		}
		if strings.Contains(logs, "connection failed before its request was read") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("nothing logged of the reset connection in 10 s:\n%s", logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
