package handlers_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/auth"
	"github.com/portico-dev/portico/continuetest"
	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/handlers"
	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/logtest"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store/storetest"
)

// largeBodyFixture is a portal with the published API pets, a registered
// node (its token returned) and a browser logged in as dev.
func largeBodyFixture(t *testing.T) (*lcEnv, string, *browser) {
	e := newLCEnv(t)
	e.createAPI("pets", "public")
	e.version("pets", "1.0.0", lifecycle.Published)
	node := e.call("POST", "/api/v1/gateway/nodes", "admin", map[string]any{"name": "node-a"}, 201)
	b := e.browser()
	b.login("dev")
	return e, node["token"].(string), b
}

// TestLargeBodyNeedsCredentials announces bodies over the forms' 256 KiB
// limit and sends none of them: the server answers from the request's
// headers alone, without waiting for a body it would have to hold. A route
// that takes a large body (a description, a node's usage batch) reads it
// only from a client with the route's credentials; any other route refuses
// it at once, whoever sends it.
func TestLargeBodyNeedsCredentials(t *testing.T) {
	e, node, b := largeBodyFixture(t)
	session := b.cookieHeader()
	rows := []struct {
		name, method, path, headers string
		length                      int
		want                        int
		says                        string
	}{
		{"spec upload without a token", "POST", "/api/v1/apis/pets/versions", "", 10 << 20, 401, "valid token"},
		{"spec upload with an unknown token", "POST", "/api/v1/apis/pets/versions", "Authorization: Bearer ptp_" + strings.Repeat("a", 43) + "\r\n", 10 << 20, 401, "valid token"},
		{"usage batch with a user's token", "POST", gateway.UsagePath, "Authorization: Bearer " + e.tok["dev"] + "\r\n", 4 << 20, 401, "node token"},
		{"spec upload page without a session", "POST", "/apis/pets/versions", "", 10 << 20, 303, ""},
		{"form route with a session", "POST", "/teams/payments/apis", session, handlers.FormBodyLimit + 1, 413, "256 KiB"},
		{"JSON route with a token", "POST", "/api/v1/apis", "Authorization: Bearer " + e.tok["dev"] + "\r\n", handlers.FormBodyLimit + 1, 413, "256 KiB"},
		// fiber trims trailing slashes only: this path is no upload route.
		{"spec upload's path after two slashes, with a token", "POST", "///api/v1/apis/pets/versions", "Authorization: Bearer " + e.tok["dev"] + "\r\n", handlers.FormBodyLimit + 1, 413, "256 KiB"},
		{"spec upload with a token, over its limit", "POST", "/api/v1/apis/pets/versions", "Authorization: Bearer " + e.tok["dev"] + "\r\n", handlers.SpecBodyLimit + 1, 413, "10 MiB"},
		{"usage batch with a node token, over its limit", "POST", gateway.UsagePath, "Authorization: Bearer " + node + "\r\n", handlers.UsageBodyLimit + 1, 413, "8 MiB"},
	}
	for _, tt := range rows {
		t.Run(tt.name, func(t *testing.T) {
			conn := e.dial(5 * time.Second) // far less than the server's 30 s wait for a body
			fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: portico\r\nContent-Type: application/json\r\n%sContent-Length: %d\r\n\r\n", tt.method, tt.path, tt.headers, tt.length)
			res, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatalf("no answer before the body: %v", err)
			}
			body := readAll(t, res)
			if res.StatusCode != tt.want || !strings.Contains(body, tt.says) {
				t.Errorf("status %d, want %d saying %q: %.300s", res.StatusCode, tt.want, tt.says, body)
			}
			if res.Header.Get("X-Frame-Options") != "DENY" {
				t.Errorf("the answer lacks the security headers: %v", res.Header)
			}
		})
	}
}

// TestLargeBodyWithCredentials sends bodies over 256 KiB to the routes that
// take them, with their credentials, through paths written as fiber routes
// them too (another case, a trailing slash): each is read and judged by its
// route (422, the body being no description nor batch), not refused.
func TestLargeBodyWithCredentials(t *testing.T) {
	e, node, b := largeBodyFixture(t)
	csrf := b.csrf()
	b.tcp = true
	big := strings.Repeat("x", 1<<20)
	rows := []struct {
		name, path, token, contentType, body string
		page                                 bool
	}{
		{"JSON API", "/api/v1/apis/pets/versions", e.tok["dev"], "application/json", `{"version":"3.0.0","spec":"` + big + `"}`, false},
		{"JSON API, path in capitals with a trailing slash", "/API/V1/apis/pets/versions/", e.tok["dev"], "application/json", `{"version":"3.0.0","spec":"` + big + `"}`, false},
		{"node's usage batch", gateway.UsagePath, node, "application/json", big, false},
		{"page", "/apis/pets/versions", "", "application/x-www-form-urlencoded", url.Values{"_csrf": {csrf}, "version": {"3.0.0"}, "spec": {big}}.Encode(), true},
	}
	for _, tt := range rows {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", tt.path, bytes.NewReader([]byte(tt.body)))
			req.Header.Set("Content-Type", tt.contentType)
			var res *http.Response
			if tt.page {
				res = b.do(req)
			} else {
				req.Header.Set("Authorization", "Bearer "+tt.token)
				res = e.overTCP(req)
			}
			body := readAll(t, res)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("status %d, want 422 from the route: %.300s", res.StatusCode, body)
			}
		})
	}
}

// TestMaxConnections: with MaxConnections 1, a second connection, while the
// first is open, is answered 503 and closed.
func TestMaxConnections(t *testing.T) {
	s := storetest.New(t)
	p, err := policy.New(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, store: s, hasher: auth.NewTestHasher(), logs: &logtest.Buffer{}}
	e.app = handlers.New(s, p, handlers.Options{Hasher: e.hasher, MaxConnections: 1, Logger: slog.New(slog.NewTextHandler(e.logs, nil))}).App()
	first := e.dial(5 * time.Second)
	fmt.Fprint(first, "GET /healthz HTTP/1.1\r\nHost: portico\r\n\r\n")
	firstReader := bufio.NewReader(first)
	res, err := http.ReadResponse(firstReader, nil)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("first connection: %v %v", res, err)
	}
	readAll(t, res)
	second := e.dial(5 * time.Second)
	fmt.Fprint(second, "GET /healthz HTTP/1.1\r\nHost: portico\r\n\r\n")
	if res, err := http.ReadResponse(bufio.NewReader(second), nil); err != nil || res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("second connection while the first is open: %v %v, want 503", res, err)
	}
	// The first, still open, is served.
	fmt.Fprint(first, "GET /healthz HTTP/1.1\r\nHost: portico\r\n\r\n")
	if res, err := http.ReadResponse(firstReader, nil); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("first connection again: %v %v", res, err)
	}
}

// TestLargeBodyAfterContinue: curl sends "Expect: 100-continue" before a
// body over 1 MiB. With a valid token the server says continue and reads
// the body for its route; without one it answers 401 instead of reading.
func TestLargeBodyAfterContinue(t *testing.T) {
	e, _, _ := largeBodyFixture(t)
	body := `{"version":"3.0.0","spec":"` + strings.Repeat("x", 2<<20) + `"}`
	for _, tt := range []struct {
		name, auth string
		continues  bool
		want       int
	}{
		{"with a token", "Authorization: Bearer " + e.tok["dev"] + "\r\n", true, 422},
		{"without", "", false, 401},
	} {
		t.Run(tt.name, func(t *testing.T) {
			conn := e.dial(10 * time.Second)
			head := fmt.Sprintf("POST /api/v1/apis/pets/versions HTTP/1.1\r\nHost: portico\r\nContent-Type: application/json\r\n%sExpect: 100-continue\r\nContent-Length: %d\r\n\r\n", tt.auth, len(body))
			continued, res := continuetest.Send(t, conn, head, body)
			if continued != tt.continues {
				t.Fatalf("100 Continue first: %v, want %v (final answer %d)", continued, tt.continues, res.StatusCode)
			}
			if got := readAll(t, res); res.StatusCode != tt.want {
				t.Errorf("status %d, want %d: %.300s", res.StatusCode, tt.want, got)
			}
		})
	}
}

// TestChunkedBodyOverItsLimit streams a chunked body past the limit: the
// server stops reading it and answers 413, a problem document naming the
// limits (the request itself is forgotten by then).
func TestChunkedBodyOverItsLimit(t *testing.T) {
	e, _, _ := largeBodyFixture(t)
	for _, tt := range []struct{ name, path, auth string }{
		{"JSON route with a token", "/api/v1/apis", "Authorization: Bearer " + e.tok["dev"] + "\r\n"},
		{"spec upload without a token", "/api/v1/apis/pets/versions", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			conn := e.dial(5 * time.Second)
			body := strings.Repeat("x", 1<<20)
			go fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: portico\r\nContent-Type: application/json\r\n%sTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n0\r\n\r\n", tt.path, tt.auth, len(body), body)
			res, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatal(err)
			}
			got := readAll(t, res)
			if res.StatusCode != http.StatusRequestEntityTooLarge || res.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(got, "256 KiB") {
				t.Errorf("status %d (%s), want 413 and a problem naming the limits: %.300s", res.StatusCode, res.Header.Get("Content-Type"), got)
			}
		})
	}
}

// TestLargeBodyCredentialsLookedUpOnce counts the queries for a large
// body's credentials (unknown user tokens and node tokens are read from the
// database each time): one decides how much of the body the server reads,
// whether the client sends it at once or waits for 100 Continue, and a
// refusal needs no other; a body that is read is authenticated once more
// by its route, as every request. (Before, a client waiting for 100
// Continue had its credentials looked up three times, and a refused one
// twice.)
func TestLargeBodyCredentialsLookedUpOnce(t *testing.T) {
	e, node, _ := largeBodyFixture(t)
	log := &queryLog{}
	e.store.AddQueryHook(log)
	unknown := auth.TokenPrefix + strings.Repeat("b", 43)
	batch := strings.Repeat("x", 1<<20)
	rows := []struct {
		name, head, token, body string
		expect                  bool
		want, lookups           int
	}{
		{"unknown token, body announced", "POST /api/v1/apis/pets/versions HTTP/1.1\r\n", unknown, "", false, 401, 1},
		{"unknown token, waiting for 100 Continue", "POST /api/v1/apis/pets/versions HTTP/1.1\r\n", unknown, batch, true, 401, 1},
		// fasthttp waits for no 100 Continue in HTTP/1.0: the body's
		// allowance is decided before it, and none is sent here.
		{"unknown token, Expect in HTTP/1.0", "POST /api/v1/apis/pets/versions HTTP/1.0\r\nExpect: 100-continue\r\n", unknown, "", false, 401, 1},
		{"node token, body sent", "POST " + gateway.UsagePath + " HTTP/1.1\r\n", node, batch, false, 422, 2},
		{"node token, waiting for 100 Continue", "POST " + gateway.UsagePath + " HTTP/1.1\r\n", node, batch, true, 422, 2},
	}
	for _, tt := range rows {
		t.Run(tt.name, func(t *testing.T) {
			conn := e.dial(5 * time.Second) // far less than the server's 30 s wait for a body
			head := tt.head + "Host: portico\r\nContent-Type: application/json\r\nAuthorization: Bearer " + tt.token + "\r\n"
			log.record(true)
			var res *http.Response
			var got string
			if tt.expect {
				var continued bool
				continued, res = continuetest.Send(t, conn, fmt.Sprintf("%sExpect: 100-continue\r\nContent-Length: %d\r\n\r\n", head, len(tt.body)), tt.body)
				if want := tt.want == 422; continued != want {
					t.Fatalf("100 Continue first: %v, want %v (final answer %d)", continued, want, res.StatusCode)
				}
				got = readAll(t, res)
			} else {
				length := len(tt.body)
				if tt.body == "" {
					length = 10 << 20 // announced, not sent
				}
				go fmt.Fprintf(conn, "%sContent-Length: %d\r\n\r\n%s", head, length, tt.body)
				var err error
				if res, err = http.ReadResponse(bufio.NewReader(conn), nil); err != nil {
					t.Fatalf("no answer: %v", err)
				}
				got = readAll(t, res)
			}
			lookups := 0
			for _, q := range log.record(false) {
				if strings.Contains(q, auth.HashToken(tt.token)) {
					lookups++
				}
			}
			if res.StatusCode != tt.want || lookups != tt.lookups {
				t.Errorf("status %d, credentials looked up %d times; want %d, %d times: %.200s", res.StatusCode, lookups, tt.want, tt.lookups, got)
			}
		})
	}
}
