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
// length, chunks with "Transfer-Encoding: chunked" (each chunk-size line,
// its data and CRLF, to the last chunk and its trailer section, read as a
// header block is); the next request starts after it. A blank line that is
// not CRLF CRLF (nor CRLF just after the request line, or as a whole
// trailer section, which fasthttp reads as an empty block) marks the
// connection, and its next read fails; the read that brought it returns
// only the bytes before its last byte. fasthttp takes such a block as
// ended when a CRLF CRLF is anywhere after it in what it has read (in the
// body, in a request behind it), where a peer that ends a block only at
// CRLF CRLF reads one request to there: fasthttp never sees the blank
// line, so it waits for more, and its next read fails. fasthttp reads
// again only when it has no complete request in hand, so a bare-LF request
// pipelined behind others and read with them is refused once they are
// answered. A request whose body the scan does not follow (several
// lengths, other transfer codings, a folded length or coding, chunking
// fasthttp refuses, a chunk-size line over maxChunkLine bytes or over
// maxScanChunked bytes of chunk data) or whose block is too long stops
// the scan until an answer is written (a write that is not "100
// Continue", which comes between a request's header block and its body):
// a bare-LF request pipelined behind it is not scanned, and fasthttp,
// which read it with that request, takes it as ended when a CRLF CRLF
// follows. So the scan stops only where fasthttp refuses the request and
// closes the connection, or where it could not read it whole either (a
// block over its buffer, a body over its limits); a field whose name
// only starts as a length's does ("Content-Lengths"), or a folded line
// continuing another field, says nothing of the framing and is passed
// over. The scan's work is constant per
// byte read, and less for body bytes, which it skips.
type bareLFListener struct{ net.Listener }

// maxHeaderScan is the most of a request scanned for the end of its header
// block: the server's read buffer, beyond which fasthttp refuses the
// headers as too large (431).
const maxHeaderScan = 16 << 10

// The bounds of the scan of a chunked body: the longest chunk-size line
// (size, extensions, CRLF) and the most chunk data it follows. A line may
// be as long as fasthttp reads one (16 KiB after the size's digits,
// maxChunkOverhead), and the chunks as many as it reads: a request the
// scan stops at is answered, and the bytes behind it that fasthttp read
// with it are not scanned. A body beyond these is not followed (the scan
// stops until the answer) rather than refused. maxChunkDigits is
// fasthttp's bound on a size's hex digits (on 64-bit platforms; on 32-bit
// ones fasthttp refuses sizes of more than 7, which the scan then follows
// to the refusal).
const (
	maxChunkLine   = maxChunkDigits + 16<<10 + 2
	maxScanChunked = 1 << 40
	maxChunkDigits = 15
)

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
		if at := c.scan.feed(p[:n]); at >= 0 {
			// fasthttp never sees the blank line: with a CRLF CRLF after
			// it in what it has read, it would take the block as ended
			// there. It gets the bytes before it (the requests before
			// this one, and this one's incomplete block); its next read
			// fails.
			if at == 0 {
				return 0, errBareLFBlock
			}
			return at, nil
		}
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
	// body's bytes still to come; in a chunk-size line the chunk's size,
	// then, in scanChunkData, its bytes still to come.
	framing framing
	length  int64
	// Of a chunked body: the bytes of chunk data followed, the current
	// chunk-size line's hex digits, and whether it has had whitespace
	// after them (ows) or a chunk extension (ext). trailer is set once the
	// last chunk is read: the lines followed are its trailer section.
	chunked int64
	digits  uint8
	ows     bool
	ext     bool
	trailer bool
	// head holds the first bytes of the current line when it may be a
	// Content-Length or Transfer-Encoding line (headLen > len(head) when
	// the line is longer; noHead when it cannot be one): its name and
	// colon, then its value without spaces and tabs, and without the
	// leading zeros of a number but its last (keep), as fasthttp reads a
	// length or coding of any length of whitespace and zeros. value says
	// that the colon is kept.
	head    [40]byte
	headLen uint8
	value   bool
	// framingLine says that the last header line (folded lines aside) was
	// a Content-Length or Transfer-Encoding line.
	framingLine bool
}

type scanState uint8

const (
	scanStart       scanState = iota // before the request line (empty lines skipped)
	scanLine                         // within a line
	scanLineCR                       // within a line, after a CR
	scanLineEnd                      // just after a line end
	scanBlankCR                      // after a line end, then a CR
	scanBody                         // within a body of a known length
	scanChunkSize                    // within a chunk-size line, its hex digits
	scanChunkExt                     // within a chunk-size line, after the digits: whitespace, extensions
	scanChunkLF                      // after the CR ending a chunk-size line
	scanChunkData                    // within a chunk's data
	scanChunkCR                      // after a chunk's data, before its CR
	scanChunkDataLF                  // after a chunk's data and CR, before its LF
	scanDone                         // not followed until the next answer: too long, or a body the scan does not follow
	scanRefused                      // the block ended with a bare LF blank line
)

// framing is what a request's header lines say of its body.
type framing uint8

const (
	framingNone    framing = iota // no Content-Length, no Transfer-Encoding: no body (fasthttp reads none)
	framingLength                 // one Content-Length, read
	framingChunked                // one Transfer-Encoding, "chunked", and no Content-Length
	framingUnknown                // anything else: several lengths, a length the scan does not read, other codings, folded lines
)

// noHead is headLen for a line that is not kept.
const noHead = 255

// feed follows the requests by b, the next bytes read. It returns the index
// in b of the byte ending a blank line it refuses (the state is then
// scanRefused), or -1.
func (s *lineScan) feed(b []byte) int {
	if s.state == scanDone || s.state == scanRefused {
		return -1 // until the answer, or for good
	}
	for i := 0; i < len(b); i++ {
		if s.state == scanLine {
			// Within a line: jump to its end (most of a block's bytes).
			j := bytes.IndexByte(b[i:], '\n')
			if j < 0 {
				j = len(b) - i
			}
			if s.scanned += j; s.scanned > maxHeaderScan {
				s.state = scanDone
				return -1
			}
			if s.headLen != noHead {
				s.keep(b[i : i+j])
			}
			if i += j; i == len(b) {
				if b[i-1] == '\r' {
					s.state = scanLineCR
				}
				return -1
			}
			if s.scanned++; s.scanned > maxHeaderScan {
				s.state = scanDone
				return -1
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
		if s.state == scanChunkData {
			// Skip the chunk's data; its CRLF follows.
			k := min(s.length, int64(len(b)-i))
			if s.length -= k; s.length == 0 {
				s.state = scanChunkCR
			}
			i += int(k) - 1
			continue
		}
		ch := b[i]
		if s.state >= scanChunkSize && s.state <= scanChunkDataLF {
			if s.chunk(ch); s.state == scanDone {
				return -1
			}
			continue
		}
		if s.scanned++; s.scanned > maxHeaderScan {
			s.state = scanDone
			return -1
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
				return i
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
					return i
				}
				// The block ended: the body, or the next request, follows
				// (after a trailer section, the next request).
				switch {
				case s.framing == framingUnknown:
					s.state = scanDone
					return -1
				case s.framing == framingLength && s.length > 0 && !s.trailer:
					s.state = scanBody
				case s.framing == framingChunked && !s.trailer:
					s.state, s.scanned, s.length = scanChunkSize, 0, 0
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
	return -1
}

// lineStart starts a header line with its first byte.
func (s *lineScan) lineStart(ch byte) {
	switch ch {
	case ' ', '\t':
		// A folded line: fasthttp joins it to the field before, which
		// says nothing of the framing unless it is a length or a coding
		// (or there is none: the request line). fasthttp refuses one in a
		// trailer section.
		if s.framingLine || s.lines == 1 || s.trailer {
			s.framing = framingUnknown
		}
		s.headLen = noHead
		return
	}
	s.framingLine = false
	switch ch {
	case 'c', 'C', 't', 'T':
		if s.trailer { // a trailer's fields say nothing of the framing
			s.headLen = noHead
			return
		}
		s.head[0], s.headLen, s.value = ch, 1, false
	default:
		s.headLen = noHead
	}
}

// keep adds b to the current line's kept bytes: after the colon, neither
// spaces and tabs nor a number's leading zeros (the value's bytes but
// these decide as fasthttp does: a length or coding with inner ones is
// refused by it, and closes the connection, whatever the scan reads).
func (s *lineScan) keep(b []byte) {
	if s.headLen == noHead || int(s.headLen) > len(s.head) {
		return
	}
	for _, c := range b {
		if s.value {
			if c == ' ' || c == '\t' {
				continue
			}
			if '0' <= c && c <= '9' && s.head[s.headLen-1] == '0' && s.head[s.headLen-2] == ':' {
				s.head[s.headLen-1] = c // "007" is read as "7"
				continue
			}
		} else if c == ':' {
			s.value = true
		}
		if int(s.headLen) == len(s.head) {
			s.headLen++
			return
		}
		s.head[s.headLen] = c
		s.headLen++
	}
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
	for _, name := range [...]string{"transfer-encoding", "content-length"} {
		if hasPrefixFold(line, name) && len(line) > len(name) && line[len(name)] != ':' {
			// A field whose name only starts so ("Content-Lengths",
			// "Content-Length x", which fasthttp takes as a name), or
			// with whitespace before its colon (fasthttp refuses it).
			return
		}
	}
	switch {
	case hasPrefixFold(line, "transfer-encoding"):
		s.framingLine = true
		v := line[len("transfer-encoding"):]
		if n <= len(s.head) && s.framing == framingNone && len(v) > 0 && v[0] == ':' && equalFold(bytes.Trim(v[1:], " \t"), "chunked") {
			s.framing = framingChunked
		} else {
			s.framing = framingUnknown
		}
	case hasPrefixFold(line, "content-length"):
		s.framingLine = true
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

// chunk follows a chunked body by one of its bytes (but a chunk's data),
// as fasthttp reads it (parseChunkSize, readBodyChunked): a chunk-size
// line of 1 to maxChunkDigits hex digits, then either CRLF, or spaces and
// tabs, or (without spaces before it) ';' and any bytes but CR and LF,
// then CRLF; then the chunk's data and CRLF; after a last chunk (size 0),
// its trailer section. What fasthttp refuses, or what is beyond the
// scan's bounds, stops the scan.
func (s *lineScan) chunk(ch byte) {
	switch s.state {
	case scanChunkData:
		// feed skips a chunk's data: not reached.
	case scanChunkSize, scanChunkExt:
		if s.scanned++; s.scanned > maxChunkLine {
			s.state = scanDone
			return
		}
		if s.state == scanChunkSize {
			if d, ok := hexDigit(ch); ok {
				if s.digits++; s.digits > maxChunkDigits {
					s.state = scanDone
					return
				}
				s.length = s.length<<4 | int64(d)
				return
			}
			if s.digits == 0 {
				s.state = scanDone
				return
			}
			s.state = scanChunkExt
		}
		switch {
		case ch == '\r':
			s.state = scanChunkLF
		case ch == '\n':
			s.state = scanDone
		case s.ext:
		case ch == ' ' || ch == '\t':
			s.ows = true
		case ch == ';' && !s.ows:
			s.ext = true
		default:
			s.state = scanDone
		}
	case scanChunkLF:
		if ch != '\n' {
			s.state = scanDone
			return
		}
		s.digits, s.ows, s.ext = 0, false, false
		if s.length == 0 {
			// The last chunk: its trailer section follows, read as a
			// header block after its first line (CRLF alone ends it).
			s.state, s.trailer, s.lines, s.cr, s.scanned, s.framing = scanLineEnd, true, 1, true, 0, framingNone
			return
		}
		if s.length > maxScanChunked-s.chunked {
			s.state = scanDone
			return
		}
		s.chunked += s.length
		s.state = scanChunkData
	case scanChunkCR:
		if ch != '\r' {
			s.state = scanDone
			return
		}
		s.state = scanChunkDataLF
	case scanChunkDataLF:
		if ch != '\n' {
			s.state = scanDone
			return
		}
		s.state, s.scanned, s.length = scanChunkSize, 0, 0
	}
}

// hexDigit is the value of the hex digit ch.
func hexDigit(ch byte) (byte, bool) {
	switch {
	case '0' <= ch && ch <= '9':
		return ch - '0', true
	case 'a' <= ch && ch <= 'f':
		return ch - 'a' + 10, true
	case 'A' <= ch && ch <= 'F':
		return ch - 'A' + 10, true
	}
	return 0, false
}

// equalFold reports whether b is the lowercase s, in any case.
func equalFold(b []byte, s string) bool { return len(b) == len(s) && hasPrefixFold(b, s) }

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
