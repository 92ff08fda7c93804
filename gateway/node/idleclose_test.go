package node_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// An upstream closes keep-alive connections it has not used for a while
// (Node.js and uvicorn after 5 s, gunicorn after 2 s), sooner than the node
// forgets them. A request of any method sent after such a pause must reach
// the upstream, not fail with 502 on the connection the upstream closed.
func TestRequestAfterUpstreamClosedIdleConnection(t *testing.T) {
	up := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok"))
	}))
	up.Config.IdleTimeout = 100 * time.Millisecond
	up.Start()
	t.Cleanup(up.Close)
	addr := serveLocal(t, up.URL)
	for _, method := range []string{"GET", "POST", "PATCH", "DELETE"} {
		// A first request opens a connection that the node keeps.
		if status, _ := rawRequest(t, addr, "GET /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\nConnection: close\r\n\r\n"); !strings.HasPrefix(status, "200") {
			t.Fatalf("first request: status %s", status)
		}
		time.Sleep(300 * time.Millisecond) // the upstream closes it
		status, _ := rawRequest(t, addr, method+" /ledger/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: ptk_k1_secret\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi")
		if !strings.HasPrefix(status, "200") {
			t.Errorf("%s after the upstream closed its idle connection: status %s, want 200", method, status)
		}
	}
}
