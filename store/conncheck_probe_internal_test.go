//go:build unix

package store

import (
	"crypto/tls"
	"net"
	"testing"
	"time"
)

// TestClosedConnectionSeenUnderTheProbe: Open's first connection stays in
// the pool wrapped by the probe (probedConn), and over TLS by the TLS
// connection too; a server's close of it is seen through both wrappers,
// as for any other connection (dropClosed), not taken for a live one.
func TestClosedConnectionSeenUnderTheProbe(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			accepted <- c
		}
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	wrapped := tls.Client(&probedConn{Conn: c, p: &answerProbe{}}, &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // never handshakes
	if connClosedByServer(wrapped) {
		t.Fatal("an open connection is taken for closed")
	}
	(<-accepted).Close()
	closed := false
	for deadline := time.Now().Add(10 * time.Second); !closed && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		closed = connClosedByServer(wrapped)
	}
	if !closed {
		t.Error("the server's close is not seen through the TLS connection and the probe")
	}
}
