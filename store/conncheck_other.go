//go:build !unix

package store

import (
	"database/sql/driver"
	"net"
)

// connClosedByServer cannot look at a socket without blocking on this
// system: a connection the server closed fails its next query.
func connClosedByServer(net.Conn) bool { return false }

var errConnClosed = driver.ErrBadConn
