package node_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// hangBound is the deadline of the connections of these tests: it only
// stops a test that hangs. Below the node's read timeout (60 s), it also
// tells an answer sent at once from one sent when that timeout passes,
// without bounding how fast a loaded machine answers.
const hangBound = 30 * time.Second

// exchange sends req on a new connection and returns all the node wrote
// until it closed (req asks it to).
func exchange(t *testing.T, addr, req string) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, req)
	b, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("reading the answer: %v (read %q)", err, b)
	}
	return string(b)
}

// A chunked body's trailer fields are not merged into the header section
// (RFC 9110 6.5.1): the node forwards the body with its length and no
// trailer, so fields the client put there are dropped, as nginx drops
// them. Merged, they bypassed the checks made on the headers: a trailer
// "X_Portico_Team" reached the upstream, which a CGI-style upstream reads
// as the team the node sets.
func TestRequestTrailerIsNotForwarded(t *testing.T) {
	up, got := rawUpstream(t, answerOK)
	addr := serveLocal(t, up)
	// The second also sends X-Sig in its header section, which is kept.
	for _, announce := range []string{"", "Trailer: X-Sig, X_Portico_Team\r\nX-Sig: upfront\r\n"} {
		answer := exchange(t, addr, "POST /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\n"+announce+
			"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\nX-Sig: abc\r\nX_Portico_Team: forged\r\nX_API_Key: ptk_k3_secret\r\n\r\n")
		if !strings.HasPrefix(answer, "HTTP/1.1 200") {
			t.Fatalf("%q: answer %q", announce, answer)
		}
		s := <-got
		if strings.Contains(announce, "upfront") != strings.Contains(s, "\r\nX-Sig: upfront\r\n") {
			t.Errorf("%q: the upstream received %q, want the header section's X-Sig as sent", announce, s)
		}
		for _, field := range []string{"abc", "forged", "ptk_k3_secret", "trailer"} {
			if strings.Contains(strings.ToLower(s), field) {
				t.Errorf("%q: the upstream received the trailer's %s: %q", announce, field, s)
			}
		}
		if !strings.Contains(s, "\r\nX-Portico-Team: acme\r\n") || !strings.HasSuffix(s, "\r\n\r\nhello") {
			t.Errorf("%q: the upstream received %q", announce, s)
		}
	}
}

// An upstream's trailer fields are not merged into the answer's header
// section either: the node sends the answer with its length, without them.
func TestResponseTrailerIsNotMergedIntoTheHeaders(t *testing.T) {
	up, _ := rawUpstream(t, "HTTP/1.1 200 OK\r\nTrailer: X-Checksum\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-Checksum: abc\r\n\r\n")
	addr := serveLocal(t, up)
	answer := exchange(t, addr, "GET /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\nConnection: close\r\n\r\n")
	if !strings.HasPrefix(answer, "HTTP/1.1 200") || !strings.HasSuffix(answer, "\r\n\r\nok") {
		t.Fatalf("answer %q", answer)
	}
	if l := strings.ToLower(answer); strings.Contains(l, "x-checksum") || strings.Contains(l, "trailer") {
		t.Errorf("the upstream's trailer is in the answer's headers: %q", answer)
	}
}

// A request without Content-Type reaches the upstream without one: the
// node adds no "application/octet-stream" (fasthttp's client default),
// which changes what an upstream that sniffs or picks a parser by type
// reads (RFC 9110 8.3: a recipient may then assume or sniff the type).
// nginx adds none either. A client's type is forwarded as it is.
func TestNoContentTypeIsAdded(t *testing.T) {
	up, got := rawUpstream(t, answerOK)
	addr := serveLocal(t, up)
	for _, tt := range []struct{ head, want string }{
		{"POST /ledger/v1/x HTTP/1.1\r\nContent-Length: 2\r\n", ""},
		{"PUT /ledger/v1/x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n", ""},
		{"POST /ledger/v1/x HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n", "application/json"},
	} {
		body := "{}"
		if strings.Contains(tt.head, "chunked") {
			body = "2\r\n{}\r\n0\r\n\r\n"
		}
		answer := exchange(t, addr, tt.head+"Host: gw\r\nX-API-Key: ptk_k1_secret\r\nConnection: close\r\n\r\n"+body)
		if !strings.HasPrefix(answer, "HTTP/1.1 200") {
			t.Fatalf("%q: answer %q", tt.head, answer)
		}
		s := <-got
		ct := ""
		for line := range strings.SplitSeq(s, "\r\n") {
			if k, v, ok := strings.Cut(line, ": "); ok && strings.EqualFold(k, "Content-Type") {
				ct = v
			}
		}
		if ct != tt.want || !strings.HasSuffix(s, "\r\n\r\n{}") {
			t.Errorf("%q: the upstream received Content-Type %q, want %q: %q", tt.head, ct, tt.want, s)
		}
	}
}

// Upgrades (WebSocket) are not proxied: the node forwards a request
// without its Upgrade and Connection headers, so an upstream that switches
// protocols all the same answers what the client did not ask the node
// for. The node answers 502, not a "101 Switching Protocols" it cannot
// carry out, which the client would take for a tunnel that never opens.
func TestUpstreamSwitchingProtocolsIs502(t *testing.T) {
	up, _ := rawUpstream(t, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n\x81\x02hi")
	addr := serveLocal(t, up)
	for range 2 {
		answer := exchange(t, addr, "GET /ledger/v1/ws HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\nUpgrade: websocket\r\nConnection: Upgrade, close\r\n"+
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
		if !strings.HasPrefix(answer, "HTTP/1.1 502") || !strings.Contains(answer, "application/problem+json") || !strings.Contains(answer, "not proxied") {
			t.Errorf("answer to a request the upstream switched protocols for: %q, want a 502 problem saying upgrades are not proxied", answer)
		}
	}
}

// Server-sent events reach the client as the upstream sends them: the
// answer to a request that accepts text/event-stream is not buffered to
// its end (nginx passes them on too, with X-Accel-Buffering: no). The
// upstream sends its first event, then waits until the client has read it.
func TestEventStreamIsNotBuffered(t *testing.T) {
	read := make(chan struct{})
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/endless" {
			w.Header().Set("Content-Type", "text/event-stream")
			io.WriteString(w, "data: first\n\n")
			w.(http.Flusher).Flush()
			<-r.Context().Done()
			return
		}
		if r.URL.Path != "/events" {
			io.WriteString(w, "ok")
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: first\n\n")
		w.(http.Flusher).Flush()
		select {
		case <-read:
		case <-r.Context().Done():
			return
		}
		io.WriteString(w, "data: second\n\n")
	}))
	t.Cleanup(up.Close)
	t.Cleanup(func() { close(read) })
	addr := serveLocal(t, up.URL)

	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// A node that buffered the stream would answer only once it ends,
	// which it does after the client has read its first event: never.
	c.SetDeadline(time.Now().Add(hangBound))
	io.WriteString(c, "GET /ledger/v1/events HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\nAccept: text/event-stream\r\n\r\n")
	br := bufio.NewReader(c)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("no answer while the upstream holds its stream open: %v", err)
	}
	body := bufio.NewReader(res.Body)
	line, err := body.ReadString('\n')
	if err != nil || line != "data: first\n" {
		t.Fatalf("first event: %q, %v; want it before the stream ends", line, err)
	}
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/event-stream" || res.Header.Get("X-Request-Id") == "" {
		t.Errorf("answer %d, headers %v", res.StatusCode, res.Header)
	}
	read <- struct{}{}
	rest, err := io.ReadAll(body)
	if err != nil || string(rest) != "\ndata: second\n\n" {
		t.Errorf("rest of the stream: %q, %v", rest, err)
	}
	// The connection serves the next request.
	io.WriteString(c, "GET /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\n\r\n")
	if res, err := http.ReadResponse(br, nil); err != nil || res.StatusCode != 200 {
		t.Errorf("next request on the connection: %v, %v", res, err)
	}

	// Nor is an HTTP/1.0 client sent a chunked answer: it gets the events
	// at the end, with their length.
	c10, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c10.Close()
	c10.SetDeadline(time.Now().Add(hangBound))
	io.WriteString(c10, "GET /ledger/v1/events HTTP/1.0\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\nAccept: text/event-stream\r\n\r\n")
	go func() { time.Sleep(100 * time.Millisecond); read <- struct{}{} }()
	if raw, err := io.ReadAll(c10); err != nil || strings.Contains(strings.ToLower(string(raw)), "transfer-encoding") ||
		!strings.Contains(string(raw), "\r\nContent-Length: 27\r\n") || !strings.HasSuffix(string(raw), "\r\n\r\ndata: first\n\ndata: second\n\n") {
		t.Errorf("answer to an HTTP/1.0 client: %q, %v; want the events with their length", raw, err)
	}

	// A stream is bounded by the route's response timeout (2 s here): cut
	// there, without its last chunk, so the client sees it incomplete (an
	// unexpected EOF, where the client's own deadline would say so).
	c2, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	c2.SetDeadline(time.Now().Add(hangBound))
	io.WriteString(c2, "GET /ledger/v1/endless HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\nAccept: text/event-stream\r\n\r\n")
	res, err = http.ReadResponse(bufio.NewReader(c2), nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	got, err := io.ReadAll(res.Body)
	if string(got) != "data: first\n\n" || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("a stream past the response timeout: %q, %v after %v; want the first event, then an unexpected EOF", got, err, time.Since(start).Round(time.Millisecond))
	}
}

// Forwarded (RFC 7239) gets the node's element, as X-Forwarded-For gets
// its hop: the client's elements, then the client as the node saw it.
// Left as the client sent it, an upstream reading Forwarded (Spring's
// ForwardedHeaderFilter prefers it to X-Forwarded-*) took the client's
// forged "for" and "proto" for the node's.
func TestForwardedGetsTheNodesElement(t *testing.T) {
	up := startRecorder(t, nil)
	addr := serveLocal(t, up.URL)
	for _, tt := range []struct{ sent, want string }{
		{"", `for=127.0.0.1;host="gw:8080";proto=http`},
		{"Forwarded: for=198.51.100.7;proto=https\r\n", `for=198.51.100.7;proto=https, for=127.0.0.1;host="gw:8080";proto=http`},
		{"Forwarded: for=198.51.100.7\r\nForwarded: for=203.0.113.9;host=evil\r\n", `for=198.51.100.7, for=203.0.113.9;host=evil, for=127.0.0.1;host="gw:8080";proto=http`},
	} {
		answer := exchange(t, addr, "GET /ledger/v1/x HTTP/1.1\r\nHost: gw:8080\r\nX-API-Key: ptk_k1_secret\r\n"+tt.sent+"Connection: close\r\n\r\n")
		if !strings.HasPrefix(answer, "HTTP/1.1 200") {
			t.Fatalf("%q: answer %q", tt.sent, answer)
		}
		if got := up.got().header.Values("Forwarded"); len(got) != 1 || got[0] != tt.want {
			t.Errorf("%q: upstream Forwarded %q, want only %q", tt.sent, got, tt.want)
		}
	}
}

// An HTTP/1.0 client's request goes upstream as HTTP/1.1 on a kept-alive
// connection, and every answer carries the node's version, HTTP/1.1
// (RFC 9110 6.2: an intermediary sends its own version), as nginx with
// proxy_http_version 1.1 does. The client is answered as HTTP/1.0 reads
// it: with the body's length, never chunked, and its connection closed
// unless it asked to keep it. Before, the upstream got "HTTP/1.0" and no
// Connection header, so it closed its connection after each such request,
// and an upstream's "HTTP/1.0" status line reached the client.
func TestHTTP10ClientIsForwardedAsHTTP11(t *testing.T) {
	const chunkedOK = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"
	for _, tt := range []struct{ name, answer string }{
		{"chunked answer", chunkedOK},
		{"HTTP/1.0 answer", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			up, got := rawUpstream(t, tt.answer)
			addr := serveLocal(t, up)
			checkAnswer := func(what, answer, connection string) {
				t.Helper()
				l := strings.ToLower(answer)
				if !strings.HasPrefix(answer, "HTTP/1.1 200 OK\r\n") || !strings.Contains(answer, "\r\nContent-Length: 2\r\n") ||
					strings.Contains(l, "transfer-encoding") || !strings.Contains(l, "\r\nconnection: "+connection+"\r\n") || !strings.HasSuffix(answer, "\r\n\r\nok") {
					t.Errorf("%s: answer %q, want HTTP/1.1 200 with Content-Length: 2, Connection: %s and the body", what, answer, connection)
				}
			}
			checkUpstream := func(what string) {
				t.Helper()
				s := <-got
				if !strings.HasPrefix(s, "GET /x HTTP/1.1\r\n") || strings.Contains(strings.ToLower(s), "\r\nconnection:") {
					t.Errorf("%s: the upstream received %q, want an HTTP/1.1 request without Connection", what, s)
				}
			}

			// Without keep-alive: one answer, then the node closes.
			checkAnswer("HTTP/1.0", exchange(t, addr, "GET /ledger/v1/x HTTP/1.0\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\n\r\n"), "close")
			checkUpstream("HTTP/1.0")

			// With keep-alive: the connection serves a second request.
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(5 * time.Second))
			br := bufio.NewReader(c)
			for i := range 2 {
				io.WriteString(c, "GET /ledger/v1/x HTTP/1.0\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\nConnection: keep-alive\r\n\r\n")
				var answer strings.Builder
				for {
					line, err := br.ReadString('\n')
					answer.WriteString(line)
					if err != nil || line == "\r\n" {
						break
					}
				}
				body := make([]byte, 2)
				if _, err := io.ReadFull(br, body); err != nil {
					t.Fatalf("keep-alive request %d: answer %q, then %v", i, answer.String(), err)
				}
				checkAnswer(fmt.Sprintf("HTTP/1.0 keep-alive request %d", i), answer.String()+string(body), "keep-alive")
				checkUpstream(fmt.Sprintf("HTTP/1.0 keep-alive request %d", i))
			}

			// An HTTP/1.1 client gets the node's version too.
			if answer := exchange(t, addr, "GET /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\nConnection: close\r\n\r\n"); !strings.HasPrefix(answer, "HTTP/1.1 200 OK\r\n") {
				t.Errorf("HTTP/1.1: answer %q, want HTTP/1.1 200", answer)
			}
			checkUpstream("HTTP/1.1")
		})
	}
}

// A header block ended by a blank line of bare LFs ("\n\n", "\n\r\n") is
// refused with 400 at once and its connection closed. fasthttp reads such
// a block only once a CRLF CRLF arrives after it, so the node answered
// only when its 60 s read timeout passed. A header line ended by a bare
// LF inside a block ended by CRLF CRLF is read, and bodies holding bare
// LFs, sent in pieces, are read as they are (after 100 Continue too).
func TestBareLFHeaderBlockIsRefusedAtOnce(t *testing.T) {
	up, got := rawUpstream(t, answerOK)
	addr := serveLocal(t, up)
	refused := func(what string, c net.Conn, start time.Time) {
		t.Helper()
		answer, err := io.ReadAll(c) // until the node closes (or hangBound, before its read timeout)
		if !strings.HasPrefix(string(answer), "HTTP/1.1 400 ") || !strings.Contains(string(answer), "\r\nConnection: close\r\n") ||
			!strings.Contains(string(answer), "CRLF") {
			t.Errorf("%s: answer %q, %v after %v, want a 400 saying why, that closes, at once", what, answer, err, time.Since(start).Round(time.Millisecond))
		}
		select {
		case s := <-got:
			t.Errorf("%s: the upstream received %q", what, s)
		default:
		}
	}
	dial := func() net.Conn {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		c.SetDeadline(time.Now().Add(hangBound))
		return c
	}
	for _, req := range []string{
		"GET /ledger/v1/x HTTP/1.1\nHost: gw\nX-API-Key: ptk_k1_secret\n\n",
		"GET /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\n\n",
		"GET /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\n\r\n",
		"GET /ledger/v1/x HTTP/1.0\n\n",
		"POST /ledger/v1/x HTTP/1.1\nHost: gw\nX-API-Key: ptk_k1_secret\nContent-Length: 5\n\nhello",
	} {
		c := dial()
		start := time.Now()
		io.WriteString(c, req) // and the connection kept open
		refused(fmt.Sprintf("%q", req), c, start)
	}
	// Sent byte by byte, and as the second request of a connection.
	c := dial()
	start := time.Now()
	for _, b := range []byte("GET /ledger/v1/x HTTP/1.1\nHost: gw\nX-API-Key: ptk_k1_secret\n\n") {
		c.Write([]byte{b})
		time.Sleep(time.Millisecond)
	}
	refused("byte by byte", c, start)
	c = dial()
	br := bufio.NewReader(c)
	io.WriteString(c, "GET /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\n\r\n")
	if res, err := http.ReadResponse(br, nil); err != nil || res.StatusCode != 200 {
		t.Fatalf("first request: %v, %v", res, err)
	} else {
		io.Copy(io.Discard, res.Body)
		<-got
	}
	start = time.Now()
	io.WriteString(c, "GET /ledger/v1/x HTTP/1.1\nHost: gw\nX-API-Key: ptk_k1_secret\n\n")
	if answer, err := io.ReadAll(br); !strings.HasPrefix(string(answer), "HTTP/1.1 400 ") {
		t.Errorf("second request: answer %q, %v after %v, want 400 at once", answer, err, time.Since(start).Round(time.Millisecond))
	}

	// What is read as before: a bare LF ending a line of a block ended by
	// CRLF CRLF, and bodies with blank lines of bare LFs, sent in pieces
	// the node reads apart, on one kept-alive connection.
	c = dial()
	br = bufio.NewReader(c)
	for i, parts := range [][]string{
		{"GET /ledger/v1/x HTTP/1.1\r\nHost: gw\nX-API-Key: ptk_k1_secret\r\n\r\n"},
		{"POST /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\nContent-Length: 13\r\n\r\nab\n\n", "cd\n\r\nef\n\n"},
		{"POST /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\nExpect: 100-continue\r\nContent-Length: 13\r\n\r\n", "ab\n\n", "cd\n\r\nef\n\n"},
	} {
		for j, p := range parts {
			io.WriteString(c, p)
			if j == 0 && strings.Contains(p, "100-continue") {
				if line, err := br.ReadString('\n'); err != nil || line != "HTTP/1.1 100 Continue\r\n" {
					t.Fatalf("request %d: %q, %v; want 100 Continue", i, line, err)
				}
				br.ReadString('\n')
			}
			time.Sleep(50 * time.Millisecond)
		}
		res, err := http.ReadResponse(br, nil)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("request %d: %v, %v; want 200", i, res, err)
		}
		io.Copy(io.Discard, res.Body)
		if s := <-got; i > 0 && !strings.HasSuffix(s, "\r\n\r\nab\n\ncd\n\r\nef\n\n") {
			t.Errorf("request %d: the upstream received %q, want the body as sent", i, s)
		}
	}
}

// A bare-LF header block pipelined behind other requests, in the same
// write, is refused with 400 at once too, after the answers to the
// requests before it (one without a body, one whose body of Content-Length
// bytes holds blank lines of bare LFs). It waited the 60 s read timeout:
// the requests before it were answered only then, the listener having
// followed only the first request's header bytes. Requests pipelined the
// same way with CRLF CRLF blocks are all served.
func TestPipelinedBareLFHeaderBlockIsRefusedAtOnce(t *testing.T) {
	up, got := rawUpstream(t, answerOK)
	addr := serveLocal(t, up)
	const (
		get  = "GET /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\n\r\n"
		post = "POST /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\nContent-Length: 13\r\n\r\nab\n\ncd\n\r\nef\n\n"
		last = "GET /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\nConnection: close\r\n\r\n"
		bare = "GET /ledger/v1/x HTTP/1.1\nHost: gw\nX-API-Key: ptk_k1_secret\n\n"
		// chunked's body is "ab\n\ncd\n\r\nef\n\n" (13 bytes) in 3 chunks.
		chunked        = "POST /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab\n\nc\r\n6\r\nd\n\r\nef\r\n2\r\n\n\n\r\n0\r\n\r\n"
		chunkedTrailer = "PUT /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\ntransfer-encoding:\tChunked \r\n\r\n000D;a=b; c\r\nab\n\ncd\n\r\nef\n\n\r\n0 \r\nX-Sum: 1\r\nX-Other: 2\r\n\r\n"
	)
	pipeline := func(what, reqs string, want []int) {
		t.Helper()
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(hangBound))
		start := time.Now()
		io.WriteString(c, reqs) // and the connection kept open
		statuses, err := readAnswers(c)
		if fmt.Sprint(statuses) != fmt.Sprint(want) {
			t.Errorf("%s: answers %v, then %v after %v, want %v at once", what, statuses, err, time.Since(start).Round(time.Millisecond), want)
		}
		for _, status := range want {
			if status != 200 {
				continue
			}
			select { // what each request served forwarded
			case <-got:
			case <-time.After(hangBound):
				t.Errorf("%s: a request answered 200 did not reach the upstream", what)
			}
		}
	}
	pipeline("behind a request without a body", get+bare, []int{200, 400})
	pipeline("behind a request with a body", post+bare, []int{200, 400})
	pipeline("behind both", get+post+get+bare, []int{200, 200, 200, 400})
	pipeline("behind an empty line and a body of 0 bytes", "\r\n"+strings.Replace(post, "13\r\n\r\nab\n\ncd\n\r\nef\n\n", "0\r\n\r\n", 1)+bare, []int{200, 400})
	pipeline("CRLF CRLF blocks only", get+post+post+last, []int{200, 200, 200, 200})
	// Behind chunked bodies (blank lines of bare LFs in their data, chunk
	// extensions, a trailer), in the same write: these waited the 60 s read
	// timeout, the listener having stopped at the first chunked request.
	pipeline("behind a chunked body", chunked+bare, []int{200, 400})
	pipeline("behind a chunked body with extensions and a trailer", chunkedTrailer+bare, []int{200, 400})
	pipeline("behind chunked bodies and others", get+chunked+post+chunkedTrailer+bare, []int{200, 200, 200, 200, 400})
	pipeline("chunked bodies, CRLF CRLF blocks only", chunked+chunkedTrailer+get+chunked+last, []int{200, 200, 200, 200, 200})
	// A trailer section ended by a blank line of bare LFs is refused at
	// once as a header block is.
	pipeline("a chunked body whose trailer ends with bare LFs", strings.Replace(chunkedTrailer, "X-Other: 2\r\n\r\n", "X-Other: 2\n\n", 1), []int{400})
	// Malformed chunking is refused as before: 400 at once, the requests
	// before it served.
	pipeline("a malformed chunk behind a chunked body", chunked+strings.Replace(chunked, "5\r\nab\n\nc\r\n", "5\r\nab\n\ncX\r\n", 1)+bare, []int{200, 400})
	select {
	case s := <-got:
		t.Errorf("the upstream received more than the requests served: %q", s)
	default:
	}
}

// A header block ended by a blank line of bare LFs is refused also when a
// CRLF CRLF comes after it in the same read: in the request's body, in a
// request pipelined behind it, or with requests before it. fasthttp reads
// such a block as ended at its bare-LF blank line once a CRLF CRLF is
// anywhere in what it has read, so the node forwarded the request (and
// the bytes after it as a second request), where a peer in front of it
// that ends a block only at CRLF CRLF reads one request: the two frame
// the stream differently (RFC 9112 2.2, 11.2). The node refuses it as it
// does when the bytes arrive apart: 400, the connection closed, nothing
// forwarded, the requests before it served.
func TestBareLFBlockIsRefusedWithALaterCRLFCRLF(t *testing.T) {
	up, got := rawUpstream(t, answerOK)
	addr := serveLocal(t, up)
	const (
		get  = "GET /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\n\r\n"
		next = "GET /ledger/v1/smuggled HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\n\r\n"
	)
	for _, c := range []struct {
		what, reqs string
		want       []int
	}{
		{"a request behind it", "GET /ledger/v1/x HTTP/1.1\nHost: gw\nX-API-Key: ptk_k1_secret\n\n" + next, []int{400}},
		{"\\n\\r\\n, a request behind it", "GET /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\n\r\n" + next, []int{400}},
		{"\\r\\n\\n, a request behind it", "GET /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\n\n" + next, []int{400}},
		{"CRLF CRLF in its body", "POST /ledger/v1/x HTTP/1.1\nHost: gw\nX-API-Key: ptk_k1_secret\nContent-Length: 8\n\nab\r\n\r\ncd", []int{400}},
		{"after empty lines, a request behind it", "\r\n\r\nGET /ledger/v1/x HTTP/1.1\nHost: gw\nX-API-Key: ptk_k1_secret\n\n" + next, []int{400}},
		{"behind a request, a request behind it", get + "GET /ledger/v1/x HTTP/1.1\nHost: gw\nX-API-Key: ptk_k1_secret\n\n" + next, []int{200, 400}},
		{"a trailer section ended by bare LFs, a request behind it", "POST /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\nX-Sum: 1\n\n" + next, []int{400}},
	} {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		conn.SetDeadline(time.Now().Add(5 * time.Second))
		start := time.Now()
		io.WriteString(conn, c.reqs) // in one write, and the connection kept open
		statuses, _ := readAnswers(conn)
		conn.Close()
		if fmt.Sprint(statuses) != fmt.Sprint(c.want) || time.Since(start) > 2*time.Second {
			t.Errorf("%s: answers %v after %v, want %v at once", c.what, statuses, time.Since(start).Round(time.Millisecond), c.want)
		}
		for _, status := range c.want {
			if status == 200 {
				<-got
			}
		}
		for len(got) > 0 {
			t.Errorf("%s: the upstream received %q", c.what, <-got)
		}
	}
}

// An HTTP/1.0 request may come without Host: the node then names no host
// to the upstream (no X-Forwarded-Host, no host= in its Forwarded element)
// rather than an empty one.
func TestHTTP10RequestWithoutHostNamesNoHost(t *testing.T) {
	up, got := rawUpstream(t, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
	addr := serveLocal(t, up)
	if answer := exchange(t, addr, "GET /ledger/v1/x HTTP/1.0\r\nX-API-Key: ptk_k1_secret\r\n\r\n"); !strings.HasPrefix(answer, "HTTP/1.1 200 OK\r\n") {
		t.Fatalf("answer %q, want 200", answer)
	}
	s := strings.ToLower(<-got)
	if strings.Contains(s, "\r\nx-forwarded-host:") || strings.Contains(s, "host=") || !strings.Contains(s, "\r\nforwarded: for=127.0.0.1;proto=http\r\n") {
		t.Errorf("the upstream received %q, want no X-Forwarded-Host and Forwarded: for=127.0.0.1;proto=http", s)
	}
}

// A bare-LF block with a CRLF CRLF after it is refused also behind a
// request fasthttp reads and answers but the listener's scan did not
// follow to its end: one with a header whose name only starts as
// Content-Length or Transfer-Encoding's does, a folded line, a chunk
// extension over 1 KiB (fasthttp reads 16 KiB), more than 65,536 chunks.
// The scan stopped there until the answer, but fasthttp had read the
// requests behind in the same read: it took the bare-LF block as ended
// and forwarded the request behind it as a second one, as when nothing
// was scanned.
func TestBareLFBlockBehindAnUnusualRequestIsRefused(t *testing.T) {
	up, got := rawUpstream(t, answerOK)
	addr := serveLocal(t, up)
	const (
		bare = "GET /ledger/v1/x HTTP/1.1\nHost: gw\nX-API-Key: ptk_k1_secret\n\n"
		next = "GET /ledger/v1/smuggled HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\n\r\n"
		head = "GET /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\n"
		post = "POST /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\nTransfer-Encoding: chunked\r\n\r\n"
	)
	for _, c := range []struct{ what, first string }{
		{"a Content-Lengthy header", head + "Content-Lengthy: 7\r\n\r\n"},
		{"a Transfer-Encodings header", head + "Transfer-Encodings: gzip\r\n\r\n"},
		{"a folded line", head + "X-Note: a\r\n b\r\n\r\n"},
		{"a chunk extension of 2 KiB", post + "2;x=" + strings.Repeat("a", 2<<10) + "\r\nab\r\n0\r\n\r\n"},
		{"70,000 chunks", post + strings.Repeat("1\r\na\r\n", 70000) + "0\r\n\r\n"},
		// Lengths and codings that fasthttp reads, written long.
		{"a Content-Length after 40 spaces", head + "Content-Length:" + strings.Repeat(" ", 40) + "2\r\n\r\nab"},
		{"a Content-Length before 40 tabs", head + "Content-Length: 2" + strings.Repeat("\t", 40) + "\r\n\r\nab"},
		{"a Content-Length of 30 digits", head + "Content-Length: " + strings.Repeat("0", 29) + "2\r\n\r\nab"},
		{"a Transfer-Encoding after 40 spaces", "POST /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\nTransfer-Encoding:" + strings.Repeat(" ", 40) + "chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n"},
		// A name with a space that fasthttp takes (the node refuses it,
		// and closes the connection).
		{"a field named Content-Length and more", head + "Content-Length x: 7\r\n\r\n"},
	} {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		conn.SetDeadline(time.Now().Add(hangBound))
		io.WriteString(conn, c.first+bare+next) // in one write, and the connection kept open
		statuses, _ := readAnswers(conn)
		conn.Close()
		want := "[200 400]"
		if strings.Contains(c.first, "Content-Length x") {
			want = "[400]"
		}
		if fmt.Sprint(statuses) != want {
			t.Errorf("behind %s: answers %v, want %s", c.what, statuses, want)
		}
		for _, st := range statuses {
			if st != 200 {
				continue
			}
			if s := <-got; strings.Contains(s, "/smuggled") {
				t.Errorf("behind %s: the upstream received %q", c.what, s)
			}
		}
	}
}

// readAnswers reads the answers on a connection until one closes it or
// reading fails (its error returned), and returns their statuses.
func readAnswers(conn io.Reader) ([]int, error) {
	br := bufio.NewReader(conn)
	var statuses []int
	for {
		res, err := http.ReadResponse(br, nil)
		if err != nil {
			return statuses, err
		}
		io.Copy(io.Discard, res.Body)
		statuses = append(statuses, res.StatusCode)
		if res.Close {
			return statuses, nil
		}
	}
}
