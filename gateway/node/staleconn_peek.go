//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package node

import (
	"net"
	"syscall"
)

// peeker checks a connection, idle between requests, without blocking nor
// taking anything: it is stale when its peer has closed or reset it or has
// sent bytes no request asked for. Made once per connection, so that a
// check allocates nothing.
type peeker struct {
	rc    syscall.RawConn
	fn    func(fd uintptr) bool
	stale bool
	b     [1]byte
}

func newPeeker(c net.Conn) *peeker {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	p := &peeker{rc: rc}
	p.fn = func(fd uintptr) bool {
		_, _, err := syscall.Recvfrom(int(fd), p.b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		// EAGAIN: nothing to read, the connection is open and quiet.
		// Otherwise an error (a reset), the end of the stream (0 bytes
		// and no error) or bytes.
		p.stale = !(err == syscall.EAGAIN || err == syscall.EWOULDBLOCK || err == syscall.EINTR)
		return true
	}
	return p
}

// closed reports whether the connection is stale.
func (p *peeker) closed() bool {
	if p == nil {
		return false
	}
	p.stale = false
	if err := p.rc.Read(p.fn); err != nil {
		return true
	}
	return p.stale
}
