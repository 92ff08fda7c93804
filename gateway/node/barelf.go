package node

import (
	"bytes"
	"crypto/tls"
	"errors"
	"net"
)

// errBareLFBlock is the read error of a connection whose request's header
// block ends with a blank line of bare LFs.
var errBareLFBlock = errors.New("the request's header section ends with a blank line of bare LFs, not CRLF CRLF")

// bareLFListener's connections refuse at once a request whose header block
// ends with a blank line that is not CRLF CRLF ("\n\n", "\n\r\n", "\r\n\n").
// fasthttp accepts bare LFs ending the lines of a block, but reads the
// block as complete only once a CRLF CRLF is in what it has read (a peer
// that knows only that terminator would frame the stream otherwise), so
// it waits for more bytes and answers 400 only when its read timeout
// (60 s) passes. nginx accepts bare LFs (RFC 9112 2.2 allows a recipient
// to); the node keeps fasthttp's refusal, but at once: its connection
// fails the read fasthttp makes to wait for more, and fasthttp answers
// the read error with 400 (ErrorHandler) and closes the connection.
//
// A connection follows the bytes of the request being read up to the end
// of its header block, not its body: a request starts on a connection's
// first byte and after each answer the server writes (a write that is not
// "100 Continue", which comes between a request's header block and its
// body). Until its first blank line (empty lines before the request line,
// which RFC 9112 2.2 lets a server ignore, aside) or maxHeaderScan bytes,
// a request's bytes are scanned; a blank line that is not CRLF CRLF (nor
// CRLF just after the request line, which fasthttp reads as an empty
// block) marks the connection, and its next read fails. fasthttp reads
// again only when it has no complete request in hand. A request
// pipelined behind another and read with it starts before the answer to
// the other: its block is not scanned (fasthttp then waits as before).
type bareLFListener struct{ net.Listener }

// maxHeaderScan is the most of a request scanned for the end of its header
// block: the server's read buffer, beyond which fasthttp refuses the
// headers as too large (431).
const maxHeaderScan = 16 << 10

func (l bareLFListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	bc := &bareLFConn{Conn: c}
	if tc, ok := c.(tlsServerConn); ok {
		// fasthttp reads a connection with these methods as TLS (the
		// handshake, ctx.IsTLS).
		return &bareLFTLSConn{bc, tc}, nil
	}
	return bc, nil
}

// tlsServerConn is what fasthttp looks for in a TLS connection.
type tlsServerConn interface {
	Handshake() error
	ConnectionState() tls.ConnectionState
}

type bareLFTLSConn struct {
	*bareLFConn
	tls tlsServerConn
}

func (c *bareLFTLSConn) Handshake() error                     { return c.tls.Handshake() }
func (c *bareLFTLSConn) ConnectionState() tls.ConnectionState { return c.tls.ConnectionState() }

// bareLFConn is a connection of bareLFListener. Its reads and writes are
// the serving goroutine's.
type bareLFConn struct {
	net.Conn
	scan lineScan
}

func (c *bareLFConn) Read(p []byte) (int, error) {
	if c.scan.state == scanRefused {
		return 0, errBareLFBlock
	}
	n, err := c.Conn.Read(p)
	if n > 0 && c.scan.state != scanDone {
		c.scan.feed(p[:n])
	}
	return n, err
}

var responseContinue = []byte("HTTP/1.1 100 Continue\r\n\r\n")

func (c *bareLFConn) Write(p []byte) (int, error) {
	// An answer (or a part of one) was written: the next byte read starts
	// a request. Not after 100 Continue (it may follow a pipelined
	// answer in the same write): its request's body comes next.
	if !bytes.HasSuffix(p, responseContinue) {
		c.scan = lineScan{}
	}
	return c.Conn.Write(p)
}

// lineScan follows a request's bytes to the first blank line.
type lineScan struct {
	state   scanState
	scanned int
	// lines is the number of line ends seen (the request line's is the
	// first); cr whether the last line end was CRLF.
	lines int
	cr    bool
}

type scanState uint8

const (
	scanStart   scanState = iota // before the request line (empty lines skipped)
	scanLine                     // within a line
	scanLineCR                   // within a line, after a CR
	scanLineEnd                  // just after a line end
	scanBlankCR                  // after a line end, then a CR
	scanDone                     // the block ended with CRLF CRLF, or too long to matter
	scanRefused                  // the block ended with a bare LF blank line
)

func (s *lineScan) feed(b []byte) {
	for i := 0; i < len(b); i++ {
		if s.state == scanLine {
			// Within a line: jump to its end (most of a block's bytes).
			j := bytes.IndexByte(b[i:], '\n')
			if j < 0 {
				j = len(b) - i
			}
			if s.scanned += j; s.scanned > maxHeaderScan {
				s.state = scanDone
				return
			}
			if i += j; i == len(b) {
				if b[i-1] == '\r' {
					s.state = scanLineCR
				}
				return
			}
			if s.scanned++; s.scanned > maxHeaderScan {
				s.state = scanDone
				return
			}
			s.lineEnd(j > 0 && b[i-1] == '\r')
			continue
		}
		ch := b[i]
		if s.scanned++; s.scanned > maxHeaderScan {
			s.state = scanDone
			return
		}
		switch s.state {
		case scanStart:
			if ch != '\r' && ch != '\n' {
				s.state = scanLine
			}
		case scanLine, scanLineCR:
			switch ch {
			case '\n':
				s.lineEnd(s.state == scanLineCR)
			case '\r':
				s.state = scanLineCR
			default:
				s.state = scanLine
			}
		case scanLineEnd:
			switch ch {
			case '\n':
				s.state = scanRefused
				return
			case '\r':
				s.state = scanBlankCR
			default:
				s.state = scanLine
			}
		case scanBlankCR:
			switch ch {
			case '\n':
				if s.cr || s.lines == 1 {
					s.state = scanDone
				} else {
					s.state = scanRefused
				}
				return
			case '\r':
				s.state = scanLineCR
			default:
				s.state = scanLine
			}
		}
	}
}

func (s *lineScan) lineEnd(cr bool) {
	s.lines++
	s.cr = cr
	s.state = scanLineEnd
}
