package handlers_test

import (
	"bufio"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/portico-dev/portico/lifecycle"
)

// wantSecurityHeaders fails the test unless h carries the headers every
// answer of the portal must: no sniffing of a type (a description served
// as YAML is never read as HTML), no framing (clickjacking), no address of
// the portal's pages sent to other sites, and the policy.
func wantSecurityHeaders(t *testing.T, what string, h http.Header) {
	t.Helper()
	for name, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "DENY",
		"Referrer-Policy":        "same-origin",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("%s: %s is %q, want %q", what, name, got, want)
		}
	}
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("%s: Content-Security-Policy %q", what, csp)
	}
}

// TestEveryKindOfAnswerCarriesTheSecurityHeaders asks the real router for
// each kind of answer: pages, the error page, static files, downloads,
// problem documents of the JSON API and MCP, the operational endpoints,
// and the answers the server gives before routing (a body refused for its
// size or its encoding, a request it cannot read).
func TestEveryKindOfAnswerCarriesTheSecurityHeaders(t *testing.T) {
	e := newLCEnv(t)
	e.createAPI("pets", "public")
	e.version("pets", "1.0.0", lifecycle.Published)
	b := e.browser()
	b.login("dev")
	for _, tt := range []struct {
		what, path string
		want       int
	}{
		{"page", "/", 200},
		{"API page", "/apis/pets", 200},
		{"error page", "/no/such/page", 404},
		{"static file", "/static/css/app.css", 200},
		{"missing static file", "/static/nope.js", 404},
		{"description download", "/apis/pets/versions/1.0.0/openapi", 200},
		{"normalised description", "/apis/pets/versions/1.0.0/openapi.json", 200},
		{"health", "/healthz", 200},
		{"metrics without token", "/metrics", 401},
	} {
		res := b.get(tt.path)
		readAll(t, res)
		if res.StatusCode != tt.want {
			t.Errorf("%s %s: status %d, want %d", tt.what, tt.path, res.StatusCode, tt.want)
		}
		wantSecurityHeaders(t, tt.what, res.Header)
	}
	if cd := b.get("/apis/pets/versions/1.0.0/openapi").Header.Get("Content-Disposition"); cd != `attachment; filename="pets-1.0.0.yaml"` {
		t.Errorf("download's Content-Disposition %q", cd)
	}
	for _, tt := range []struct{ what, method, path, token string }{
		{"problem without a token", "GET", "/api/v1/apis", ""},
		{"problem for a missing API", "GET", "/api/v1/apis/nope", e.tok["dev"]},
		{"API answer", "GET", "/api/v1/apis/pets", e.tok["dev"]},
		{"MCP without a token", "POST", "/mcp", ""},
	} {
		req := httptest.NewRequest(tt.method, tt.path, strings.NewReader("{}"))
		req.Header.Set("Content-Type", "application/json")
		if tt.token != "" {
			req.Header.Set("Authorization", "Bearer "+tt.token)
		}
		res := e.overTCP(req)
		readAll(t, res)
		wantSecurityHeaders(t, tt.what, res.Header)
	}
	for _, tt := range []struct{ what, raw string }{
		{"compressed body", "POST /api/v1/apis HTTP/1.1\r\nHost: portico\r\nAuthorization: Bearer " + e.tok["dev"] + "\r\nContent-Encoding: gzip\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"},
		{"body over the limit", "POST /login HTTP/1.1\r\nHost: portico\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 99999999\r\n\r\n"},
		{"headers over the limit", "GET / HTTP/1.1\r\nHost: portico\r\nX-Big: " + strings.Repeat("a", 8<<10) + "\r\n\r\n"},
		{"unreadable request", "GET / HTTP/1.1\r\nHost: portico\r\nContent-Length: x\r\n\r\n"},
	} {
		conn := e.dial(5e9)
		fmt.Fprint(conn, tt.raw)
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Errorf("%s: %v", tt.what, err)
			continue
		}
		body := readAll(t, res)
		if res.StatusCode < 400 {
			t.Errorf("%s: status %d", tt.what, res.StatusCode)
		}
		wantSecurityHeaders(t, fmt.Sprintf("%s (%d %.80q)", tt.what, res.StatusCode, body), res.Header)
	}
}
