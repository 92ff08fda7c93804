package store_test

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// refusingRelay returns the address of a relay to the PostgreSQL server at
// target that, once *refuse is set, answers a connection's startup as a
// server with too many clients does (FATAL 53300) but, unlike PostgreSQL,
// keeps its end open, and sends on closed whether the client closed the
// connection within a generous deadline.
func refusingRelay(t *testing.T, target string, refuse *atomic.Bool, closed chan<- bool) string {
	t.Helper()
	return serveTCP(t, func(c net.Conn) {
		if refuse.Load() {
			head := make([]byte, 4)
			if _, err := io.ReadFull(c, head); err != nil {
				return
			}
			if _, err := io.CopyN(io.Discard, c, int64(binary.BigEndian.Uint32(head))-4); err != nil {
				return
			}
			fields := "SFATAL\x00VFATAL\x00C53300\x00Msorry, too many clients already\x00\x00"
			msg := binary.BigEndian.AppendUint32([]byte("E"), uint32(4+len(fields)))
			if _, err := c.Write(append(msg, fields...)); err != nil {
				return
			}
			_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
			_, err := c.Read(make([]byte, 1))
			closed <- errors.Is(err, io.EOF)
			return
		}
		up, err := net.Dial("tcp", target)
		if err != nil {
			return
		}
		defer up.Close()
		go func() {
			_, _ = io.Copy(up, c)
			up.Close()
		}()
		_, _ = io.Copy(c, up)
	})
}

// TestFailedConnectStartIsClosed: the driver (uptrace pgdriver) returns
// the error of a connection whose start failed after the dial (the
// server's refusal, a TLS request refused, a failed handshake) without
// closing the socket it dialed: every such attempt of the pool (a server
// at max_connections, restarting, a changed password) left a socket open
// until the garbage collector found it. The store closes it.
func TestFailedConnectStartIsClosed(t *testing.T) {
	base := storetest.PostgreSQLURL(t)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	var refuse atomic.Bool
	closed := make(chan bool, 16)
	u.Host = refusingRelay(t, u.Host, &refuse, closed)
	q := u.Query()
	q.Set("sslmode", "disable")
	u.RawQuery = q.Encode()
	ctx := context.Background()
	s, err := store.Open(ctx, u.String(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Hold the pool's one connection, so that the next statement dials.
	held, err := s.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	refuse.Store(true)
	if _, err := s.DB().ExecContext(ctx, "SELECT 1"); err == nil {
		t.Fatal("a statement on a refused connection succeeded")
	} else {
		t.Logf("refused: %v", err)
	}
	if ok := <-closed; !ok {
		t.Error("the connection whose start the server refused was not closed by the client")
	}
}
