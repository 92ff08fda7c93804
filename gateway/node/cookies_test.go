package node_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestCookiesPassThrough pins what README says of cookies: a node passes
// an upstream's Set-Cookie to the client unchanged (its Path included) and
// forwards the client's Cookie header to whichever API the request is for,
// so a cookie set without a Path by one API reaches the others served on
// the same host.
func TestCookiesPassThrough(t *testing.T) {
	up := startRecorder(t, func(w http.ResponseWriter) {
		w.Header().Add("Set-Cookie", "session=abc")
		w.Header().Add("Set-Cookie", "scoped=1; Path=/ledger/v1/")
	})
	addr := serveLocal(t, up.URL)
	status, h := rawRequest(t, addr, "GET /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\nConnection: close\r\n\r\n")
	if !strings.HasPrefix(status, "200") {
		t.Fatalf("ledger: status %s", status)
	}
	if got := strings.Join(h.Values("Set-Cookie"), " | "); got != "session=abc | scoped=1; Path=/ledger/v1/" {
		t.Errorf("ledger's answer: got Set-Cookie %q, want both of the upstream's, unchanged", got)
	}
	status, _ = rawRequest(t, addr, "GET /maps/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k3_secret\r\nCookie: session=abc\r\nConnection: close\r\n\r\n")
	if !strings.HasPrefix(status, "200") {
		t.Fatalf("maps: status %s", status)
	}
	if got := up.got().header.Get("Cookie"); got != "session=abc" {
		t.Errorf("maps's upstream got Cookie %q, want the client's session=abc", got)
	}
}
