package node

import (
	"bufio"
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
// lines of bare LFs, header lines the scan reads for the body's length)
// are not refused themselves. Behind a request whose body's length the
// scan does not know (chunked), it stops until the answer.
func TestLineScanFollowsPipelinedRequests(t *testing.T) {
	before := []string{
		"GET /a HTTP/1.1\r\nHost: gw\r\n\r\n",
		"\r\nGET /a HTTP/1.1\r\nHost: gw\r\nConnection: keep-alive\r\nContent-Type: text/plain\r\nTE: trailers\r\n\r\n",
		"POST /b HTTP/1.1\r\nHost: gw\r\ncontent-length:0\r\n\r\n",
		"POST /b HTTP/1.1\r\nHost: gw\r\nContent-Length: 13 \r\n\r\nab\n\ncd\n\r\nef\n\n",
		"PUT /c HTTP/1.1\r\nCONTENT-LENGTH:\t4\nHost: gw\r\n\r\n\n\n\n\n",
		"GET /d HTTP/1.0\r\n\r\n",
	}
	refusedCount := 0
	for _, block := range headerBlocks() {
		var r fasthttp.Request
		fasthttpRefuses := r.Read(bufio.NewReader(strings.NewReader(block))) != nil
		for i := range before {
			for _, prefix := range []string{before[i], before[i] + before[(i+1)%len(before)]} {
				stream := prefix + block
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
	for _, prefix := range []string{
		"POST /e HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n",
		"POST /e HTTP/1.1\r\nHost: gw\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",
		"POST /e HTTP/1.1\r\nHost: gw\r\nContent-Length: x\r\n\r\n",
		"POST /e HTTP/1.1\r\nHost: gw\r\nContent-Length: 1\r\n 2\r\n\r\n",
		"POST /e HTTP/1.1\r\nHost: gw\r\nContent-Length: " + strings.Repeat("0", 40) + "1\r\n\r\n",
	} {
		var s lineScan
		s.feed([]byte(prefix + "1\r\n\n\n"))
		if s.state != scanDone {
			t.Errorf("%q: the scan is at %v after it, want it stopped until the answer", prefix, s.state)
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

// loopConn reads req at each read and discards what is written.
type loopConn struct {
	net.Conn
	req []byte
}

func (c *loopConn) Read(p []byte) (int, error)  { return copy(p, c.req), nil }
func (c *loopConn) Write(p []byte) (int, error) { return len(p), nil }

// Pipelines of requests as fasthttp writes them (CRLF framing; bodies of
// random bytes, blank lines of bare LFs among them, with Content-Length;
// header lines the scan keeps), read in pieces of random sizes, are never
// refused and leave the scan at the start of the next request; a bare-LF
// block after them is refused.
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
			if rng.IntN(2) == 0 {
				body := make([]byte, rng.IntN(300))
				for i := range body {
					body[i] = "\r\nab"[rng.IntN(4)]
				}
				r.SetBody(body)
			}
			var b strings.Builder
			w := bufio.NewWriter(&b)
			if err := r.Write(w); err != nil {
				t.Fatal(err)
			}
			w.Flush()
			stream = append(stream, b.String()...)
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
