package main

import (
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// A request the node cannot read never puts its key in the logs: fasthttp's
// own logger wrote such a request's raw header block ("contents: …", its
// X-API-Key or Authorization among them) on standard error.
func TestMalformedRequestsLogNoKey(t *testing.T) {
	p := startProc(t, "http://127.0.0.1:1", "tok", t.TempDir())
	var keys []string
	for i, bad := range []string{
		"Content-Length: abc\r\n",
		"Transfer-Encoding: gzip\r\n",
		"X-A: a\x01b\r\n",
		"Content-Length: 1\r\nContent-Length: 2\r\n",
	} {
		for _, header := range []string{"X-API-Key: ", "Authorization: Bearer "} {
			key := "ptk_malformed_" + string(rune('a'+i)) + "_" + strings.TrimSuffix(strings.Fields(header)[0], ":")
			keys = append(keys, key)
			c, err := net.Dial("tcp", p.addr)
			if err != nil {
				t.Fatal(err)
			}
			c.SetDeadline(time.Now().Add(5 * time.Second))
			io.WriteString(c, "GET /ledger/v1/x HTTP/1.1\r\nHost: gw\r\n"+header+key+"\r\n"+bad+"\r\n")
			io.ReadAll(c)
			c.Close()
		}
	}
	// A key that is itself malformed: fasthttp's error quotes the value.
	keys = append(keys, "ptk_malformed_value")
	if c, err := net.Dial("tcp", p.addr); err == nil {
		c.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c, "GET /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_malformed_value\x01\r\n\r\n")
		io.ReadAll(c)
		c.Close()
	}
	time.Sleep(1500 * time.Millisecond) // the access log is written at least every second
	out := p.out.String()
	for _, key := range keys {
		if strings.Contains(out, key) {
			t.Errorf("the node's output holds the key %s:\n%s", key, out)
			break
		}
	}
}
