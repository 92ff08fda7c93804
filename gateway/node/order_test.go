package node_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// The values of a header name a message repeats keep their order through
// the node, both ways (RFC 9110 5.3: a proxy must not change it; a
// WWW-Authenticate's challenges are in order of preference), whatever the
// node removes around them: fasthttp's Del moves the last header into the
// removed one's place.
func TestRepeatedHeadersKeepTheirOrder(t *testing.T) {
	up := startRecorder(t, func(w http.ResponseWriter) {
		// net/http writes the names sorted: A-Hop, which the upstream's
		// Connection names and the node removes, comes before the two
		// Links and the two challenges.
		w.Header().Set("Connection", "A-Hop")
		w.Header().Set("A-Hop", "1")
		w.Header()["Link"] = []string{"<a>; rel=a", "<b>; rel=b"}
		w.Header()["Www-Authenticate"] = []string{"Negotiate", "Basic realm=x"}
	})
	addr := serveLocal(t, up.URL)
	for _, req := range []string{
		"GET /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\nAccept: a\r\nX-Mid: 1\r\nAccept: b\r\nConnection: close\r\n\r\n",
		"GET /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nKeep-Alive: 5\r\nAccept: a\r\nAccept: b\r\nX-API-Key: ptk_k1_secret\r\nX-Forwarded-Host: x\r\nConnection: close\r\n\r\n",
	} {
		status, h := rawRequest(t, addr, req)
		if !strings.HasPrefix(status, "200") {
			t.Fatalf("status %s", status)
		}
		if got := up.got().header.Values("Accept"); !slices.Equal(got, []string{"a", "b"}) {
			t.Errorf("upstream got Accept %q, want [a b] in that order (request %q)", got, req)
		}
		if got := h.Values("Link"); !slices.Equal(got, []string{"<a>; rel=a", "<b>; rel=b"}) {
			t.Errorf("answer's Link %q, want a then b", got)
		}
		if got := h.Values("Www-Authenticate"); !slices.Equal(got, []string{"Negotiate", "Basic realm=x"}) {
			t.Errorf("answer's WWW-Authenticate %q, want Negotiate then Basic", got)
		}
	}
}
