//go:build unix

package store

import (
	"database/sql/driver"
	"errors"
	"net"
	"syscall"
)

// connClosedByServer reports whether the server has closed an idle
// connection, or sent it something unasked (PostgreSQL's FATAL "terminating
// connection" before it closes): a look at the socket without blocking and
// without taking anything from it. A connection waiting in the pool has no
// query in flight, so any byte waiting on it means it cannot be used.
func connClosedByServer(c net.Conn) bool {
	// TLS, and Open's first connection (probedConn), wrap the socket:
	// look at the socket under them.
	for {
		w, ok := c.(interface{ NetConn() net.Conn })
		if !ok {
			break
		}
		c = w.NetConn()
	}
	sc, ok := c.(syscall.Conn)
	if !ok {
		return false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return true
	}
	closed := false
	var buf [1]byte
	err = rc.Read(func(fd uintptr) bool {
		_, _, rerr := syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		switch {
		case rerr == nil: // n > 0: a message unasked; n == 0: the server closed it
			closed = true
		case errors.Is(rerr, syscall.EAGAIN), errors.Is(rerr, syscall.EWOULDBLOCK), errors.Is(rerr, syscall.EINTR):
		default:
			closed = true
		}
		return true // done: never wait for the socket to become readable
	})
	return closed || err != nil
}

// errConnClosed makes database/sql drop the connection and take another.
var errConnClosed = driver.ErrBadConn
