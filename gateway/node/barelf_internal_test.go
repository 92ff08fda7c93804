package node

import (
	"bufio"
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
