package node

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

// The scan refuses exactly the header blocks fasthttp refuses for their
// line ends once it has read all there is (at EOF; on a connection it
// waits instead): every mix of CRLF and bare LF ending the request line,
// up to two header lines and the blank line, fed whole and byte by byte,
// with empty lines before the request line.
func TestLineScanRefusesWhatFasthttpRefuses(t *testing.T) {
	blocks := headerBlocks()
	refusedCount := 0
	for _, block := range blocks {
		for _, lead := range []string{"", "\r\n"} {
			req := lead + block
			var r fasthttp.Request
			fasthttpRefuses := r.Read(bufio.NewReader(strings.NewReader(req))) != nil
			var whole, bytewise lineScan
			whole.feed([]byte(req))
			for i := range len(req) {
				bytewise.feed([]byte{req[i]})
			}
			if refused := whole.state == scanRefused; refused != fasthttpRefuses || bytewise.state != whole.state {
				t.Errorf("%q: the scan refuses it: %v (byte by byte: %v), fasthttp: %v", req, refused, bytewise.state == scanRefused, fasthttpRefuses)
			}
			if whole.state == scanRefused {
				refusedCount++
			}
		}
	}
	if refusedCount == 0 || refusedCount == 2*len(blocks) {
		t.Fatalf("%d of %d blocks refused: the table checks nothing", refusedCount, 2*len(blocks))
	}
	t.Logf("%d blocks, %d refused", 2*len(blocks), refusedCount)
}

// headerBlocks is every mix of CRLF and bare LF ending the request line, up
// to two header lines and the blank line.
func headerBlocks() []string {
	ends := []string{"\r\n", "\n"}
	var blocks []string
	var build func(prefix string, lines int)
	build = func(prefix string, lines int) {
		for _, end := range ends {
			blocks = append(blocks, prefix+end) // the blank line
		}
		if lines == 2 {
			return
		}
		for _, end := range ends {
			build(prefix+"X-"+strings.Repeat("a", lines+1)+": 1"+end, lines+1)
		}
	}
	for _, end := range ends {
		build("GET / HTTP/1.1"+end+"Host: gw"+end, 0)
		build("GET / HTTP/1.0"+end, 0)
	}
	return blocks
}

// A block pipelined behind complete requests, read with them, is refused
// as it would be alone: the scan follows each request to its end (its
// header block and the body of its Content-Length), whole and byte by
// byte. Requests before it (no body, an empty body, a body with blank
// lines of bare LFs, header lines the scan reads for the body's length,
// chunked bodies with extensions and trailer sections) are not refused
// themselves. Behind a request whose body the scan does not follow
// (several lengths, other codings, chunking fasthttp refuses), it stops
// until the answer.
func TestLineScanFollowsPipelinedRequests(t *testing.T) {
	before := []string{
		"GET /a HTTP/1.1\r\nHost: gw\r\n\r\n",
		"\r\nGET /a HTTP/1.1\r\nHost: gw\r\nConnection: keep-alive\r\nContent-Type: text/plain\r\nTE: trailers\r\n\r\n",
		"POST /b HTTP/1.1\r\nHost: gw\r\ncontent-length:0\r\n\r\n",
		"POST /b HTTP/1.1\r\nHost: gw\r\nContent-Length: 13 \r\n\r\nab\n\ncd\n\r\nef\n\n",
		"PUT /c HTTP/1.1\r\nCONTENT-LENGTH:\t4\nHost: gw\r\n\r\n\n\n\n\n",
		"GET /d HTTP/1.0\r\n\r\n",
		"POST /e HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab\n\nc\r\n2\r\n\n\n\r\n0\r\n\r\n",
		"POST /e HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
		"PUT /e HTTP/1.1\r\ntransfer-encoding:\tCHUNKED \nHost: gw\r\n\r\nA;x=y; z\r\n\n\n\n\n\n\n\n\n\n\n\r\n1 \t\r\n\n\r\n00;q\r\nX-Sum: 1\r\nX-T: a\r\n\r\n",
		"GET /e HTTP/1.1\r\nTransfer-Encoding: chunked\r\nHost: gw\r\n\r\nD\r\n\r\n\r\n\r\n\r\n\r\n\r\n\n\r\n0\r\nTransfer-Encodings: x\r\nContent-Lengths: 1\r\n\r\n",
		// Fields named as a length or coding only start, folded lines
		// continuing other fields, a chunk extension of 2 KiB: fasthttp
		// reads them, and what it read behind them.
		"GET /f HTTP/1.1\r\nHost: gw\r\nContent-Lengthy: 7\r\nTRANSFER-ENCODINGS: gzip\r\ncontent-length-x:1\r\n\r\n",
		"GET /f HTTP/1.1\r\nHost: gw\r\nX-Note: a\r\n b\r\n\tc\r\nX-Other: d\r\n\r\n",
		"POST /f HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n2;x=" + strings.Repeat("a", 2<<10) + "\r\nab\r\n0\r\n\r\n",
		// Lengths and codings written long, which fasthttp reads: much
		// whitespace, many leading zeros; a name with a space after a
		// length's ("Content-Length x"), which it takes as a name.
		"POST /g HTTP/1.1\r\nHost: gw\r\nContent-Length:" + strings.Repeat(" ", 40) + "2" + strings.Repeat("\t", 40) + "\r\n\r\nab",
		"POST /g HTTP/1.1\r\nHost: gw\r\nContent-Length: " + strings.Repeat("0", 40) + "2\r\n\r\nab",
		"POST /g HTTP/1.1\r\nHost: gw\r\nContent-Length: 0" + strings.Repeat(" ", 40) + "\r\n\r\n",
		"POST /g HTTP/1.1\r\nHost: gw\r\nContent-Length: 000\r\n\r\n",
		"POST /g HTTP/1.1\r\nHost: gw\r\nContent-Length: " + strings.Repeat("0", 20) + "3\r\n\r\nabc",
		"POST /g HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding:" + strings.Repeat(" ", 40) + "chunked" + strings.Repeat(" ", 40) + "\r\n\r\n2\r\nab\r\n0\r\n\r\n",
		"GET /g HTTP/1.1\r\nHost: gw\r\nContent-Length x: 7\r\n\r\n",
	}
	refusedCount := 0
	for _, block := range headerBlocks() {
		var r fasthttp.Request
		fasthttpRefuses := r.Read(bufio.NewReader(strings.NewReader(block))) != nil
		for i := range before {
			for _, prefix := range []string{before[i], before[i] + before[(i+1)%len(before)]} {
				stream := prefix + block
				if ends := fasthttpReads([]byte(before[i])); len(ends) != 1 || ends[0] != len(before[i]) {
					t.Fatalf("%q: fasthttp reads it to %v, want one request", before[i], ends)
				}
				var first, whole, bytewise lineScan
				first.feed([]byte(prefix))
				whole.feed([]byte(stream))
				for j := range len(stream) {
					bytewise.feed([]byte{stream[j]})
				}
				if first.state == scanRefused || first.state == scanDone {
					t.Fatalf("%q: the scan stops at %v (refused %v), want it at the next request", prefix, first.state, first.state == scanRefused)
				}
				if refused := whole.state == scanRefused; refused != fasthttpRefuses || bytewise.state != whole.state {
					t.Errorf("%q then %q: the scan refuses it: %v (byte by byte: %v), fasthttp: %v", prefix, block, refused, bytewise.state == scanRefused, fasthttpRefuses)
				}
				if whole.state == scanRefused {
					refusedCount++
				}
			}
		}
	}
	if refusedCount == 0 {
		t.Fatal("no pipelined block refused: the table checks nothing")
	}
	const te = "POST /e HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n"
	for _, prefix := range []string{
		"POST /e HTTP/1.1\r\nHost: gw\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",
		"POST /e HTTP/1.1\r\nHost: gw\r\nContent-Length: x\r\n\r\n",
		"POST /e HTTP/1.1\r\nHost: gw\r\nContent-Length: 1\r\n 2\r\n\r\n",
		"POST /e HTTP/1.1\r\nHost: gw\r\nContent-Length: 1" + strings.Repeat("0", 18) + "\r\n\r\n",
		"POST /e HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
		"POST /e HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n",
		"POST /e HTTP/1.1\r\nHost: gw\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
		"POST /e HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
		"POST /e HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n x\r\n\r\n",
		// Chunking fasthttp refuses (ErrBrokenChunk: 400, and the
		// connection closed): no digits, too many, a bare LF ending a
		// chunk-size line or a chunk, a byte after the size that is not
		// whitespace or ';', ';' after whitespace, data longer than its
		// size, a folded trailer line.
		te + "\r\n",
		te + "x\r\n",
		te + strings.Repeat("0", 16) + "1\r\n",
		te + "1\n",
		te + "1;a\n",
		te + "1\r\nx\n",
		te + "1\r\nxy\r\n",
		te + "1x\r\n",
		te + "1 ;a\r\n",
		te + "1\r\r\n",
		te + "0\r\nX-A: 1\r\n 2\r\n\r\n",
		// Beyond the scan's bounds: a chunk-size line longer than
		// fasthttp reads, too much data.
		te + "1;" + strings.Repeat("e", maxChunkLine) + "\r\n",
		te + "10000000001\r\n",
	} {
		var s lineScan
		s.feed([]byte(prefix + "1\r\n\n\n"))
		if s.state != scanDone {
			t.Errorf("%.200q: the scan is at %v after it, want it stopped until the answer", prefix, s.state)
		}
	}
	t.Logf("%d pipelined blocks refused", refusedCount)
}

// BenchmarkBareLFConn is what the listener's connection adds to a request
// read in one piece and answered: a wrk-like GET of 140 bytes.
func BenchmarkBareLFConn(b *testing.B) {
	req := []byte("GET /ledger/v1/accounts HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nX-API-Key: ptk_k1_0123456789abcdef0123456789abcdef\r\nUser-Agent: wrk\r\n\r\n")
	answer := []byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
	c := &bareLFConn{Conn: &loopConn{req: req}}
	buf := make([]byte, 4096)
	b.SetBytes(int64(len(req)))
	for b.Loop() {
		if n, err := c.Read(buf); err != nil || n != len(req) {
			b.Fatal(n, err)
		}
		c.Write(answer)
	}
}

// appendChunks appends body to b chunked: in chunks of random sizes, with
// or without extensions or whitespace after their sizes, the last chunk
// followed by a trailer section of random fields.
func appendChunks(rng *rand.Rand, b, body []byte) []byte {
	size := func(n int) {
		b = fmt.Appendf(b, []string{"%x", "%X", "%03x"}[rng.IntN(3)], n)
		switch rng.IntN(4) {
		case 0:
			b = append(b, ";ext="[:1+rng.IntN(5)]...)
			b = append(b, strings.Repeat("; \tq", rng.IntN(3))...)
		case 1:
			b = append(b, " \t"[:1+rng.IntN(2)]...)
		}
		b = append(b, "\r\n"...)
	}
	for len(body) > 0 {
		n := min(len(body), 1+rng.IntN(80))
		size(n)
		b = append(b, body[:n]...)
		b = append(b, "\r\n"...)
		body = body[n:]
	}
	size(0)
	for range rng.IntN(3) {
		b = append(b, []string{"X-Sum", "Trailer-X", "Content-MD5", "T"}[rng.IntN(4)]...)
		b = append(b, ": "...)
		b = append(b, strings.Repeat("v", rng.IntN(20))...)
		b = append(b, "\r\n"...)
	}
	return append(b, "\r\n"...)
}

// fasthttpReads reads stream as fasthttp's server reads a connection's
// requests (header block, then the body it frames) and returns where each
// request it reads ends, up to the first it refuses or that is incomplete,
// or that it reads only for bytes after it: fasthttp takes a header block
// (or trailer section) ended by a blank line of bare LFs when a CRLF CRLF
// is further on in what it has read, in the body or in a request after it
// (on a connection, that depends on how the bytes arrive; the scan
// refuses such a block, and the node's connection hides its blank line
// from fasthttp).
func fasthttpReads(stream []byte) []int {
	read := func(b []byte) (int, bool) {
		rd := bytes.NewReader(b)
		br := bufio.NewReaderSize(rd, 16<<10)
		var r fasthttp.Request
		if r.Header.Read(br) != nil {
			return 0, false
		}
		head := len(b) - rd.Len() - br.Buffered()
		var alone fasthttp.RequestHeader
		if alone.Read(bufio.NewReader(bytes.NewReader(b[:head]))) != nil {
			return 0, false
		}
		if r.ContinueReadBody(br, len(b), false) != nil { // bounded: no body is longer than the stream
			return 0, false
		}
		return len(b) - rd.Len() - br.Buffered(), true
	}
	var ends []int
	for at := 0; at < len(stream); {
		n, ok := read(stream[at:])
		if !ok {
			break
		}
		if m, ok := read(stream[at : at+n]); !ok || m != n {
			break
		}
		at += n
		ends = append(ends, at)
	}
	return ends
}

// loopConn reads req at each read and discards what is written.
type loopConn struct {
	net.Conn
	req []byte
}

func (c *loopConn) Read(p []byte) (int, error)  { return copy(p, c.req), nil }
func (c *loopConn) Write(p []byte) (int, error) { return len(p), nil }

// Pipelines of requests as fasthttp writes them (CRLF framing; bodies of
// random bytes, blank lines of bare LFs among them, with Content-Length or
// chunked, in chunks of random sizes, with extensions and trailer fields;
// header lines the scan keeps), read in pieces of random sizes, are never
// refused and leave the scan at the start of the next request, where
// fasthttp reads them to; a bare-LF block after them is refused.
func TestLineScanFollowsRandomPipelines(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 2000 {
		var stream []byte
		for range 1 + rng.IntN(4) {
			var r fasthttp.Request
			r.Header.SetMethod([]string{"GET", "POST", "PUT", "HEAD"}[rng.IntN(4)])
			r.SetRequestURI("/a/" + strings.Repeat("b", rng.IntN(40)))
			r.Header.SetHost("gw")
			for range rng.IntN(4) {
				r.Header.Add([]string{"Content-Type", "Cookie", "TE", "X-Trace", "Connection"}[rng.IntN(5)], strings.Repeat("c", rng.IntN(60)))
			}
			body := make([]byte, rng.IntN(300))
			for i := range body {
				body[i] = "\r\nab"[rng.IntN(4)]
			}
			switch rng.IntN(3) {
			case 0:
				r.SetBody(body)
			case 1:
				r.Header.SetContentLength(-1) // Transfer-Encoding: chunked
				stream = append(stream, r.Header.Header()...)
				stream = appendChunks(rng, stream, body)
				continue
			}
			var b strings.Builder
			w := bufio.NewWriter(&b)
			if err := r.Write(w); err != nil {
				t.Fatal(err)
			}
			w.Flush()
			stream = append(stream, b.String()...)
		}
		if ends := fasthttpReads(stream); len(ends) == 0 || ends[len(ends)-1] != len(stream) {
			t.Fatalf("round %d: fasthttp reads %q to %v, not to its end", round, stream, ends)
		}
		var s lineScan
		for rest := stream; len(rest) > 0; {
			n := min(len(rest), 1+rng.IntN(64))
			s.feed(rest[:n])
			rest = rest[n:]
		}
		if s.state != scanStart || s.scanned != 0 {
			t.Fatalf("round %d: after %q the scan is at %v (%d bytes scanned), want the start of the next request", round, stream, s.state, s.scanned)
		}
		s.feed([]byte("GET / HTTP/1.1\nHost: gw\n\n"))
		if s.state != scanRefused {
			t.Fatalf("round %d: a bare-LF block after %q is not refused (%v)", round, stream, s.state)
		}
	}
}

// FuzzLineScan checks the scan against fasthttp's own reading of the same
// bytes (serverReads: as the node's server reads a request, header block
// then body), request by request: where the scan sees a request end,
// fasthttp reads that request to the same byte, or refuses it (answers 400
// and closes the connection; bytes that only may complete it do not
// count); where the scan refuses a blank line, fasthttp does not read the
// request up to it; where it stops until the answer, fasthttp (or the
// node, for a Transfer-Encoding other than chunked) refuses the request;
// and where the stream ends within a request for the scan, fasthttp reads
// no request there either. The scan reaches the same state fed whole and
// in two pieces, naming the same byte as the end of a blank line it
// refuses (the bytes before it, which the connection hands to fasthttp,
// not refused).
func FuzzLineScan(f *testing.F) {
	const te = "POST /e HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n"
	for _, s := range []string{
		"GET /a HTTP/1.1\r\nHost: gw\r\n\r\nGET / HTTP/1.1\nHost: gw\n\n",
		"POST /b HTTP/1.1\r\nHost: gw\r\nContent-Length: 13 \r\n\r\nab\n\ncd\n\r\nef\n\nGET / HTTP/1.1\r\n\r\n",
		te + "5\r\nab\n\nc\r\n2\r\n\n\n\r\n0\r\n\r\nGET / HTTP/1.1\nHost: gw\n\n",
		te + "0000D;a=b; c\r\nab\n\ncd\n\r\nef\n\n\r\n0 \t\r\nX-Sum: 1\r\nX-T: a\r\n\r\n" + te + "0\r\n\r\n",
		te + "1\r\nx\r\n0\r\nX: 1\n\r\n\r\n",
		te + "1\r\nx\r\n0\r\n\n" + te + "0\r\n\r\n",
		te + "1 ;a\r\nx\r\n0\r\n\r\n",
		te + "1\r\nxy\r\n0\r\n\r\n",
		"PUT /c HTTP/1.1\r\ntransfer-encoding:\tCHUNKED \nHost: gw\r\n\r\n1\r\n\n\r\n0\r\n\r\n",
		"PUT /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n1\r\n\n\r\n0\r\n\r\n",
		"PUT /c HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n\n\r\n0\r\n\r\n",
		"POST /e HTTP/1.1\r\nHost: gw\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n\n\n\n\r\n0\r\n\r\n",
	} {
		f.Add([]byte(s), uint16(len(s)/2))
	}
	f.Fuzz(func(t *testing.T, stream []byte, cut uint16) {
		if len(stream) > 64<<10 {
			return
		}
		checkAgainstFasthttp(t, stream)
		var whole, pieces lineScan
		ref := whole.feed(stream)
		c := int(cut) % (len(stream) + 1)
		first, second := pieces.feed(stream[:c]), pieces.feed(stream[c:])
		if whole != pieces {
			t.Fatalf("%q: the scan is at %v fed whole, at %v fed in two at %d", stream, whole.state, pieces.state, c)
		}
		// The refused blank line ends at the byte feed names: the bytes
		// before it, which the connection hands on, are not refused.
		if (ref >= 0) != (whole.state == scanRefused) {
			t.Fatalf("%q: feed returns %d, the scan is at %v", stream, ref, whole.state)
		}
		if ref >= 0 {
			if c > ref && first != ref || c <= ref && (first != -1 || second != ref-c) {
				t.Fatalf("%q: refused at %d fed whole, at %d and %d fed in two at %d", stream, ref, first, second, c)
			}
			var before lineScan
			if before.feed(stream[:ref]); before.state == scanRefused || before.feed(stream[ref:ref+1]) != 0 {
				t.Fatalf("%q: refused at %d fed whole, not so fed up to it and then its byte", stream, ref)
			}
		}
	})
}

// checkAgainstFasthttp follows stream with the scan byte by byte and
// checks each request the scan delimits against fasthttp's reading of the
// same bytes (see FuzzLineScan).
func checkAgainstFasthttp(t *testing.T, stream []byte) {
	t.Helper()
	var s lineScan
	start := 0 // where the current request starts
	for i := range stream {
		ref := s.feed(stream[i : i+1])
		switch {
		case ref == 0:
			// A blank line refused: fasthttp does not read the request
			// up to it (it waits, and at the end of its bytes refuses).
			if n, err := serverReads(stream[start : i+1]); err == nil {
				t.Fatalf("%q: the scan refuses the blank line ending at %d of the request at %d, which fasthttp reads to %d", stream, i, start, start+n)
			}
			return
		case s.state == scanDone:
			// Stopped until the answer: fasthttp refuses the request (and
			// the connection closes), whatever follows; it may need a
			// byte more to see it (a chunk's data longer than its size),
			// so the stream is also read with endings that would complete
			// the request, none of which it may read.
			for _, more := range []string{"", "\r\n", "\n", "\r\n\r\n", "\r\n0\r\n\r\n", "0\r\n\r\n"} {
				if n, err := serverReads(append(stream[start:len(stream):len(stream)], more...)); err == nil {
					t.Fatalf("%q: the scan stops at %d in the request at %d, which fasthttp reads (to %d with %q after the stream), not refuses", stream, i, start, start+n, more)
				}
			}
			return
		case s == (lineScan{}):
			// The request ends here for the scan.
			end := i + 1
			n, err := serverReads(stream[start:])
			switch {
			case err == nil && start+n != end:
				t.Fatalf("%q: the request at %d ends at %d for the scan, at %d for fasthttp", stream, start, end, start+n)
			case err == nil:
				if m, err := serverReads(stream[start:end]); err != nil || m != n {
					t.Fatalf("%q: fasthttp reads the request at %d to %d only with the bytes after it (alone: %d, %v)", stream, start, end, m, err)
				}
			case incomplete(err):
				t.Fatalf("%q: the request at %d ends at %d for the scan, fasthttp waits for more (%v)", stream, start, end, err)
			default:
				return // refused by fasthttp: the connection closes
			}
			start = end
		}
	}
	// The stream ends within a request for the scan (or between two):
	// fasthttp reads none there either.
	if n, err := serverReads(stream[start:]); err == nil {
		t.Fatalf("%q: fasthttp reads a request at %d to %d, where the scan is at %v at the end", stream, start, start+n, s.state)
	}
}

// serverReads reads b as the node's server reads a request (its header
// block in a 16 KiB buffer, then the body the block frames: fasthttp's
// Request.Read, with the body read after "Expect: 100-continue" too, as
// the node continues such a request) and returns where the request ends.
// A request with a Transfer-Encoding other than chunked, which the node
// refuses and closes the connection of, is an error.
func serverReads(b []byte) (int, error) {
	rd := bytes.NewReader(b)
	br := bufio.NewReaderSize(rd, 16<<10)
	var r fasthttp.Request
	if err := r.Header.Read(br); err != nil {
		return 0, err
	}
	if r.Header.ContentLength() != -1 && hasTransferEncoding(r.Header.RawHeaders()) {
		return 0, errors.New("the node refuses a Transfer-Encoding other than chunked")
	}
	if err := r.ContinueReadBody(br, 1<<20, false); err != nil {
		return 0, err
	}
	return len(b) - rd.Len() - br.Buffered(), nil
}

// incomplete reports whether fasthttp's err says that it read all there
// was before the request's end: on a connection it would wait for more.
func incomplete(err error) bool {
	var nothing fasthttp.ErrNothingRead
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || err.Error() == io.ErrUnexpectedEOF.Error() || errors.As(err, &nothing)
}
