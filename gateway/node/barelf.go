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
// A connection follows its requests: each one's bytes to the end of its
// header block, until its first blank line (empty lines before the
// request line, which RFC 9112 2.2 lets a server ignore, aside) or
// maxHeaderScan bytes, then its body as fasthttp frames it: none without
// Content-Length and Transfer-Encoding, Content-Length bytes with one
// length; the next request starts after it. A blank line that is not CRLF
// CRLF (nor CRLF just after the request line, which fasthttp reads as an
// empty block) marks the connection, and its next read fails. fasthttp
// reads again only when it has no complete request in hand, so a bare-LF
// request pipelined behind others and read with them is refused once
// they are answered. A request whose body's length the scan does not read
// (chunked, several lengths, folded lines) or whose block is too long
// stops the scan until an answer is written (a write that is not "100
// Continue", which comes between a request's header block and its body):
// a bare-LF request pipelined behind it is not scanned (fasthttp then
// waits as before).
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
	// The scan stopped at a request it could not follow to its end: once
	// an answer (or a part of one) is written, the next byte read starts
	// a request. Not after 100 Continue (it may follow a pipelined answer
	// in the same write): its request's body comes next.
	if c.scan.state == scanDone && !bytes.HasSuffix(p, responseContinue) {
		c.scan = lineScan{}
	}
	return c.Conn.Write(p)
}

// lineScan follows a connection's requests: each request's bytes to the
// end of its header block, then its body, when the block says how long it
// is, up to the next request.
type lineScan struct {
	state   scanState
	scanned int
	// lines is the number of line ends seen (the request line's is the
	// first); cr whether the last line end was CRLF.
	lines int
	cr    bool
	// framing is what the header lines read so far say of the body;
	// length its Content-Length (framingLength), then, in scanBody, the
	// body's bytes still to come.
	framing framing
	length  int64
	// head holds the first bytes of the current line when it may be a
	// Content-Length or Transfer-Encoding line (headLen > len(head) when
	// the line is longer; noHead when it cannot be one).
	head    [32]byte
	headLen uint8
}

type scanState uint8

const (
	scanStart   scanState = iota // before the request line (empty lines skipped)
	scanLine                     // within a line
	scanLineCR                   // within a line, after a CR
	scanLineEnd                  // just after a line end
	scanBlankCR                  // after a line end, then a CR
	scanBody                     // within a body of a known length
	scanDone                     // not followed until the next answer: too long, or a body of unknown length
	scanRefused                  // the block ended with a bare LF blank line
)

// framing is what a request's header lines say of its body.
type framing uint8

const (
	framingNone    framing = iota // no Content-Length, no Transfer-Encoding: no body (fasthttp reads none)
	framingLength                 // one Content-Length, read
	framingUnknown                // anything else: chunked, several lengths, a length the scan does not read, folded lines
)

// noHead is headLen for a line that is not kept.
const noHead = 255

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
			if s.headLen != noHead {
				s.keep(b[i : i+j])
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
		if s.state == scanBody {
			// Skip the body; the next request starts after it.
			k := min(s.length, int64(len(b)-i))
			if s.length -= k; s.length == 0 {
				*s = lineScan{}
			}
			i += int(k) - 1
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
				s.state, s.headLen = scanLine, noHead // the request line
			}
		case scanLine, scanLineCR:
			switch ch {
			case '\n':
				s.lineEnd(s.state == scanLineCR)
			case '\r':
				s.state = scanLineCR
				s.keep(b[i : i+1])
			default:
				s.state = scanLine
				s.keep(b[i : i+1])
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
				s.lineStart(ch)
			}
		case scanBlankCR:
			switch ch {
			case '\n':
				if !s.cr && s.lines != 1 {
					s.state = scanRefused
					return
				}
				// The block ended: the body, or the next request, follows.
				switch {
				case s.framing == framingUnknown:
					s.state = scanDone
					return
				case s.framing == framingLength && s.length > 0:
					s.state = scanBody
				default:
					*s = lineScan{}
				}
			case '\r':
				// A line starting with CR.
				s.state, s.framing, s.headLen = scanLineCR, framingUnknown, noHead
			default:
				s.state, s.framing, s.headLen = scanLine, framingUnknown, noHead
			}
		}
	}
}

// lineStart starts a header line with its first byte.
func (s *lineScan) lineStart(ch byte) {
	switch ch {
	case 'c', 'C', 't', 'T':
		s.head[0], s.headLen = ch, 1
	case ' ', '\t': // a folded line, which may continue a length
		s.framing, s.headLen = framingUnknown, noHead
	default:
		s.headLen = noHead
	}
}

// keep adds b to the current line's kept bytes.
func (s *lineScan) keep(b []byte) {
	if s.headLen == noHead || int(s.headLen) > len(s.head) {
		return
	}
	n := copy(s.head[s.headLen:], b)
	if n < len(b) {
		s.headLen = uint8(len(s.head)) + 1
		return
	}
	s.headLen += uint8(n)
}

func (s *lineScan) lineEnd(cr bool) {
	s.lines++
	s.cr = cr
	s.state = scanLineEnd
	if s.headLen != noHead && s.lines > 1 {
		s.header()
	}
}

// header reads the kept line ended as a Content-Length or
// Transfer-Encoding line, as fasthttp reads it (the digits of one length,
// spaces and tabs around them); the scan follows no other body.
func (s *lineScan) header() {
	n := int(s.headLen)
	if n > len(s.head) {
		n = len(s.head) + 1
	}
	line := s.head[:min(n, len(s.head))]
	if s.cr {
		line = bytes.TrimSuffix(line, []byte{'\r'})
	}
	switch {
	case hasPrefixFold(line, "transfer-encoding"):
		s.framing = framingUnknown
	case hasPrefixFold(line, "content-length"):
		v, ok := line[len("content-length"):], false
		if n <= len(s.head) && s.framing == framingNone && len(v) > 0 && v[0] == ':' {
			s.length, ok = parseLength(bytes.Trim(v[1:], " \t"))
		}
		if ok {
			s.framing = framingLength
		} else {
			s.framing = framingUnknown
		}
	}
}

// parseLength reads a Content-Length's digits (at most 18).
func parseLength(v []byte) (int64, bool) {
	if len(v) == 0 || len(v) > 18 {
		return 0, false
	}
	var n int64
	for _, d := range v {
		if d < '0' || d > '9' {
			return 0, false
		}
		n = n*10 + int64(d-'0')
	}
	return n, true
}

// hasPrefixFold reports whether b begins with the lowercase prefix, in any
// case.
func hasPrefixFold(b []byte, prefix string) bool {
	if len(b) < len(prefix) {
		return false
	}
	for i := range len(prefix) {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}
