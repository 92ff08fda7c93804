package node_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/continuetest"
)

// A body over 64 KiB is read only from a request the node will forward:
// the others announce one and send none, and are answered from their
// headers at once with the refusal they would get with any body (before,
// the node waited to read up to 16 MiB of each).
func TestLargeBodyIsReadOnlyForAValidKey(t *testing.T) {
	addr := serveLocal(t, startBodyCounter(t).URL)
	rows := []struct {
		name, target, headers string
		length                int
		want                  string
	}{
		{"no key", "/ledger/v1/x", "", 10 << 20, "401"},
		{"unknown key", "/ledger/v1/x", "X-API-Key: ptk_nobody\r\n", 10 << 20, "401"},
		{"expired key", "/ledger/v1/x", "X-API-Key: ptk_k4_secret\r\n", 10 << 20, "401"},
		{"key of another API", "/ledger/v1/x", "X-API-Key: ptk_k3_secret\r\n", 10 << 20, "403"},
		{"key of another major", "/ledger/v2/x", "Authorization: Bearer ptk_k1_secret\r\n", 10 << 20, "403"},
		{"unknown route", "/nothing/v1/x", "X-API-Key: ptk_k1_secret\r\n", 10 << 20, "404"},
		{"valid key, over --max-body", "/ledger/v1/x", "X-API-Key: ptk_k1_secret\r\n", 16<<20 + 1, "413"},
	}
	for _, tt := range rows {
		t.Run(tt.name, func(t *testing.T) {
			status, h := rawRequest(t, addr, fmt.Sprintf("POST %s HTTP/1.1\r\nHost: gw\r\n%sContent-Length: %d\r\n\r\n", tt.target, tt.headers, tt.length))
			if !strings.HasPrefix(status, tt.want) || h.Get("Content-Type") != "application/problem+json" || h.Get("X-Request-Id") == "" {
				t.Errorf("status %q, want %s with a problem and a request id: %v", status, tt.want, h)
			}
		})
	}
	// A valid key's body over 64 KiB, announced or chunked, is forwarded
	// whole.
	body := strings.Repeat("x", 1<<20)
	chunked := fmt.Sprintf("%x\r\n%s\r\n0\r\n\r\n", len(body), body)
	for _, framing := range []string{fmt.Sprintf("Content-Length: %d", len(body)), "Transfer-Encoding: chunked"} {
		sent := body
		if strings.HasPrefix(framing, "Transfer") {
			sent = chunked
		}
		// (A path after two slashes is the same route: the node serves
		// the path fasthttp normalises.)
		for _, target := range []string{"/ledger/v1/x", "//ledger/v1/x"} {
			status, h := sendBody(t, addr, "POST "+target+" HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\n"+framing+"\r\nConnection: close\r\n\r\n", sent)
			if !strings.HasPrefix(status, "200") || h.Get("X-Body-Bytes") != fmt.Sprint(len(body)) {
				t.Errorf("a valid key's 1 MiB body to %s, %s: status %q, the upstream got %s bytes; want 200 and all of it", target, framing, status, h.Get("X-Body-Bytes"))
			}
		}
	}
	// Without a valid key, a chunked body stops being read at 64 KiB (the
	// request is then forgotten, so the answer says both limits).
	if status, h := sendBody(t, addr, "POST /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n", chunked); !strings.HasPrefix(status, "413") || h.Get("Content-Type") != "application/problem+json" {
		t.Errorf("a chunked 1 MiB body without a key: status %q, want 413 with a problem", status)
	}
}

// startBodyCounter is an upstream that reads the request's body and says
// how many bytes it got (X-Body-Bytes), and whether it was asked to expect
// (X-Expect).
func startBodyCounter(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		w.Header().Set("X-Body-Bytes", fmt.Sprint(n))
		w.Header().Set("X-Expect", r.Header.Get("Expect"))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// sendBody sends head, then body while the answer may already be coming
// (the node may refuse and close before the body is all sent), and
// returns the answer's status line and headers.
func sendBody(t *testing.T, addr, head, body string) (status string, header http.Header) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	go func() { io.WriteString(c, head+body) }()
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	return res.Status, res.Header
}

// curl sends "Expect: 100-continue" before a body over 1 MiB: the node says
// continue to a request it will forward, and answers any other at once.
func TestLargeBodyAfterContinue(t *testing.T) {
	addr := serveLocal(t, startBodyCounter(t).URL)
	body := strings.Repeat("x", 2<<20)
	for _, tt := range []struct {
		name, key string
		continues bool
		want      int
	}{
		{"valid key", "ptk_k1_secret", true, 200},
		{"unknown key", "ptk_nobody", false, 401},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(5 * time.Second))
			head := fmt.Sprintf("POST /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: %s\r\nExpect: 100-continue\r\nContent-Length: %d\r\n\r\n", tt.key, len(body))
			continued, res := continuetest.Send(t, c, head, body)
			if continued != tt.continues {
				t.Fatalf("100 Continue first: %v, want %v (final answer %d)", continued, tt.continues, res.StatusCode)
			}
			io.Copy(io.Discard, res.Body)
			if res.StatusCode != tt.want {
				t.Errorf("status %d, want %d", res.StatusCode, tt.want)
			}
			if tt.continues && (res.Header.Get("X-Body-Bytes") != fmt.Sprint(len(body)) || res.Header.Get("X-Expect") != "") {
				t.Errorf("the upstream got %s bytes and Expect %q; want the whole body, without the expectation the node answered",
					res.Header.Get("X-Body-Bytes"), res.Header.Get("X-Expect"))
			}
		})
	}
}
