package node_test

import (
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// Request smuggling: what the node forwards is one request framed by its
// own Content-Length, whatever framing the client wrote. A request with
// both Transfer-Encoding: chunked and Content-Length is read by its chunks
// (RFC 9112, 6.3) and its connection closed after the answer, so bytes
// the client put after it are never served as a request of their own;
// ambiguous framings (two lengths, an unknown or a second coding) are
// refused with 400 and reach no upstream.
func TestAmbiguousFramingIsNeverForwarded(t *testing.T) {
	up, got := rawUpstream(t, answerOK)
	addr := serveLocal(t, up)
	const head = "POST /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\n"
	const chunked = "5\r\nhello\r\n0\r\n\r\n"
	for _, framing := range []string{
		"Transfer-Encoding: xchunked\r\nContent-Length: 5\r\n",
		"Transfer-Encoding: chunked, identity\r\nContent-Length: 5\r\n",
		"Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n",
		"Content-Length: 5\r\nContent-Length: 6\r\n",
	} {
		status, _ := rawRequest(t, addr, head+framing+"Connection: close\r\n\r\n"+chunked)
		if !strings.HasPrefix(status, "400") {
			t.Errorf("%q: status %s, want 400", framing, status)
		}
		select {
		case s := <-got:
			t.Errorf("%q reached the upstream: %q", framing, s)
		default:
		}
	}

	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprint(c, head+"Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"+chunked+
		"GET /ledger/v1/smuggled HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\n\r\n")
	answers, _ := io.ReadAll(c) // until the node closes
	if n := strings.Count(string(answers), "HTTP/1.1 "); n != 1 || !strings.Contains(string(answers), "Connection: close") {
		t.Errorf("answers to a chunked request with a length and a request after it: %q, want one that closes", answers)
	}
	s := <-got
	if !strings.HasPrefix(s, "POST /x HTTP/1.1\r\n") || !strings.Contains(s, "\r\nContent-Length: 5\r\n") || !strings.HasSuffix(s, "\r\n\r\nhello") ||
		strings.Contains(strings.ToLower(s), "transfer-encoding") {
		t.Errorf("upstream received %q, want the POST with its 5 bytes and their length only", s)
	}
	select {
	case s := <-got:
		t.Errorf("the request after it reached the upstream: %q", s)
	case <-time.After(200 * time.Millisecond):
	}
}

// A request whose Transfer-Encoding is not chunked (RFC 9112 6.3: the
// length of its body cannot be determined) is refused with 400 and its
// connection closed. fasthttp drops "Transfer-Encoding: identity" and
// read such a request without a Content-Length as one without a body, so
// the bytes after its header block were served as a request of their own,
// which a proxy in front reading the body until the connection closes
// (as "identity" once meant) had sent as this request's body.
func TestTransferEncodingOtherThanChunkedIsRefused(t *testing.T) {
	up, got := rawUpstream(t, answerOK)
	addr := serveLocal(t, up)
	const head = "POST /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\n"
	for _, framing := range []string{
		"Transfer-Encoding: identity\r\n",
		"transfer-encoding: IDENTITY\r\n",
		"Transfer-Encoding: identity\r\nContent-Length: 5\r\n",
	} {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(5 * time.Second))
		fmt.Fprint(c, head+framing+"\r\nhelloGET /ledger/v1/smuggled HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\n\r\n")
		answers, _ := io.ReadAll(c) // until the node closes
		c.Close()
		if !strings.HasPrefix(string(answers), "HTTP/1.1 400 ") || strings.Count(string(answers), "HTTP/1.1 ") != 1 || !strings.Contains(string(answers), "Connection: close") {
			t.Errorf("%q: answers %q, want one 400 that closes", framing, answers)
		}
	drain:
		for {
			select {
			case s := <-got:
				t.Errorf("%q: the upstream received %q", framing, s)
			case <-time.After(100 * time.Millisecond):
				break drain
			}
		}
	}
}
