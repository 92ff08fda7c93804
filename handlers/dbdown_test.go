package handlers_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// dbDownMessage is what a user reads when the database does not answer.
const dbDownMessage = "The database is unavailable"

// checkDBDown checks an answer given while the database was unavailable:
// 503 with a Retry-After of whole seconds and the message saying so.
func checkDBDown(t *testing.T, what string, res *http.Response, body string) {
	t.Helper()
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("%s: status %d, want 503; body %.300q", what, res.StatusCode, body)
	}
	if n, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || n < 1 {
		t.Errorf("%s: Retry-After %q, want whole seconds", what, res.Header.Get("Retry-After"))
	}
	if !strings.Contains(body, dbDownMessage) {
		t.Errorf("%s: body does not say %q: %.300q", what, dbDownMessage, body)
	}
}

// TestDatabaseDownAnswers503: with PostgreSQL stopped (connections refused,
// open ones reset), pages and the JSON API answer 503 with Retry-After and
// say the database is unavailable (a problem document for the API, the
// error page for HTML), not the 500 of a fault of the portal's; and the
// portal answers as usual once the database is back.
func TestDatabaseDownAnswers503(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		if d != store.PostgreSQL {
			continue // SQLite is a file: there is no server to be down
		}
		t.Run(string(d), func(t *testing.T) {
			s, cut := storetest.OpenCuttable(t)
			e := newEnvOn(t, s)
			alice := e.user("alice", policy.RoleAdmin, "payments", policy.RoleOwner)
			tok := e.token(alice)
			br := e.browser()
			br.login("alice")
			if res, _ := e.api("GET", "/api/v1/teams/payments", tok, nil); res.StatusCode != http.StatusOK {
				t.Fatalf("before the outage: GET /api/v1/teams/payments: %d", res.StatusCode)
			}
			if res := br.get("/reviews"); res.StatusCode != http.StatusOK {
				t.Fatalf("before the outage: GET /reviews: %d", res.StatusCode)
			}

			cut()
			res, body := e.api("GET", "/api/v1/teams/payments", tok, nil)
			detail, _ := body["detail"].(string)
			checkDBDown(t, "GET /api/v1/teams/payments", res, detail)
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
				t.Errorf("API: Content-Type %q, want application/problem+json", ct)
			}
			for _, path := range []string{"/reviews", "/profile", "/teams/payments"} {
				res := br.get(path)
				checkDBDown(t, "GET "+path, res, readAll(t, res))
			}
			if res := br.get("/readyz"); res.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("GET /readyz: %d, want 503", res.StatusCode)
			}
			if strings.Contains(e.logs.String(), "panic") {
				t.Errorf("a panic was logged:\n%s", e.logs.String())
			}
		})
	}
}
