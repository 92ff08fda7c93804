// Package continuetest sends a request that waits on "Expect: 100-continue" before its body, as curl does for a
// body over 1 MiB, for the tests of the two servers that answer it: the portal and the gateway node.
package continuetest

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"testing"
)

// Send writes head to conn (the request line and headers, with "Expect: 100-continue" and the body's
// Content-Length, ending with the blank line) and reads the first answer; when it is 100 Continue, it writes body
// and reads the final answer. It reports whether the server said continue, and the final answer, whose body the
// caller reads.
func Send(t testing.TB, conn net.Conn, head, body string) (continued bool, res *http.Response) {
	t.Helper()
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatalf("write the request's head: %v", err)
	}
	r := bufio.NewReader(conn)
	res, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatalf("read the first answer: %v", err)
	}
	if res.StatusCode != http.StatusContinue {
		return false, res
	}
	if _, err := io.WriteString(conn, body); err != nil {
		t.Fatalf("write the body after 100 Continue: %v", err)
	}
	if res, err = http.ReadResponse(r, nil); err != nil {
		t.Fatalf("read the answer after the body: %v", err)
	}
	return true, res
}
