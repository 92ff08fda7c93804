package node

import (
	"errors"
	"net"
	"time"

	"github.com/valyala/fasthttp"
)

// errStaleConn is an upstream connection found closed (or sending what no
// request asked for) before a request was written on it: nothing reached
// the upstream, so the request may go on another connection, whatever its
// method.
var errStaleConn = errors.New("the upstream closed the idle connection")

// staleCheckConn is an upstream connection that, before it writes a request
// after it has read an answer, checks without blocking that the upstream has
// not closed it meanwhile. An upstream closes keep-alive connections it has
// not used for a while (Node.js and uvicorn after 5 s, gunicorn after 2 s),
// sooner than the node forgets them (60 s): fasthttp has no reader watching
// its idle connections, so without the check a request would be written on
// the closed connection, read back as "closed before the first response
// byte" and answered 502 (fasthttp sends again only GET, HEAD and PUT).
//
// Under TLS it sits below the TLS connection, which then fails the write:
// the upstream's close_notify counts as what no request asked for (a TLS
// 1.3 server's session tickets arrive before the first answer, so they are
// read with it).
//
// The check is a system call, so it is made only on a connection that sat
// idle for staleCheckAfter or longer since its last read: an upstream's
// idle timeout is seconds, while under load the node reuses its
// connections within a millisecond or two, where the check would cost a
// system call a request for nothing.
type staleCheckConn struct {
	net.Conn
	peek   *peeker
	read   bool      // a Read since the last Write
	readAt time.Time // when the last Read returned
}

// staleCheckAfter is how long a connection sits idle before its next
// request checks it.
const staleCheckAfter = 10 * time.Millisecond

func newStaleCheckConn(c net.Conn) *staleCheckConn {
	return &staleCheckConn{Conn: c, peek: newPeeker(c)}
}

func (c *staleCheckConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.read, c.readAt = true, time.Now()
	return n, err
}

func (c *staleCheckConn) Write(p []byte) (int, error) {
	if c.read {
		c.read = false
		if time.Since(c.readAt) >= staleCheckAfter && c.peek.closed() {
			return 0, errStaleConn
		}
	}
	return c.Conn.Write(p)
}

// retryUpstream is the HostClients' RetryIfErr: a request found a stale
// connection before anything was written is sent on another, whatever its
// method; otherwise fasthttp's default (GET, HEAD, PUT and QUERY, within
// DefaultMaxIdemponentCallAttempts calls).
func retryUpstream(req *fasthttp.Request, attempts int, err error) (resetTimeout, retry bool) {
	if errors.Is(err, errStaleConn) {
		return false, true
	}
	if errors.Is(err, errUpstreamDenied) {
		return false, false // denied again on every attempt
	}
	h := &req.Header
	return false, attempts < fasthttp.DefaultMaxIdemponentCallAttempts && (h.IsGet() || h.IsHead() || h.IsPut() || h.IsQuery())
}

// maxUpstreamAttempts bounds the calls of one request on one target: stale
// connections, each closed as it is found, and fasthttp's own retries.
const maxUpstreamAttempts = 64
