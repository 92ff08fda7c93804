package gateway_test

import (
	"testing"
	"unsafe"

	"github.com/portico-dev/portico/gateway"
)

// TestParseReportKeepsNoHeaderMemory: the portal's adaptor hands header
// values over as strings sharing the server's buffer, which the next
// request overwrites; a Report kept by the hub must not change with it
// (it did: a restarted node's new session then read as the old one's
// seq, and its reports were taken for older ones).
func TestParseReportKeepsNoHeaderMemory(t *testing.T) {
	buf := []byte("0123456789abcdef-7")
	r, err := gateway.ParseReport(unsafe.String(&buf[0], len(buf)))
	if err != nil {
		t.Fatal(err)
	}
	copy(buf, "fedcba9876543210-9")
	if r.Session != "0123456789abcdef" || r.Seq != 7 {
		t.Errorf("report %+v after its header's buffer was reused, want 0123456789abcdef-7", r)
	}
}
