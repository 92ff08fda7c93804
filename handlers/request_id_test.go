package handlers_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/portico-dev/portico/lifecycle"
)

// Every answer carries an X-Request-Id, taken from the request when it
// holds a sane one (a proxy's) and made otherwise; the request's log line
// and, for a server error, the error's log line and the message the user
// reads name it, so that an operator finds the log lines of a user's error.
func TestRequestIDTiesAnAnswerToItsLogLines(t *testing.T) {
	e := newLCEnv(t)
	e.createAPI("pets", "public")
	e.version("pets", "1.0.0", lifecycle.Published)

	res, _ := e.api("GET", "/api/v1/apis/pets", e.tok["dev"], nil)
	made := res.Header.Get("X-Request-Id")
	if made == "" {
		t.Fatal("no X-Request-Id on an answer")
	}
	if !strings.Contains(e.logs.String(), "request_id="+made) {
		t.Errorf("the request's log line does not name its id %q", made)
	}

	for _, tc := range []struct{ sent, want string }{
		{"lb-7f3a.42:1", "lb-7f3a.42:1"}, // a proxy's id is kept
		{"bad id\twith tab", ""},         // not a sane id: one is made
		{strings.Repeat("a", 129), ""},   // too long: one is made
	} {
		req := httptest.NewRequest("GET", "/healthz", nil)
		req.Header.Set("X-Request-Id", tc.sent)
		res, err := e.app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		got := res.Header.Get("X-Request-Id")
		if tc.want != "" && got != tc.want || tc.want == "" && (got == "" || got == tc.sent) {
			t.Errorf("sent %.40q: answered id %q, want %q (or a new one when empty)", tc.sent, got, tc.want)
		}
	}

	// A server error: the log line of the error and the problem's detail
	// name the request's id.
	if _, err := e.store.DB().ExecContext(context.Background(), "ALTER TABLE rule_settings RENAME TO rule_settings_gone"); err != nil {
		t.Fatal(err)
	}
	res, out := e.api("GET", "/api/v1/apis/pets/versions/1.0.0", e.tok["dev"], nil)
	id := res.Header.Get("X-Request-Id")
	if res.StatusCode != 500 || id == "" {
		t.Fatalf("status %d, id %q: want a 500 with an id", res.StatusCode, id)
	}
	if detail := fmt.Sprint(out["detail"]); !strings.Contains(detail, id) {
		t.Errorf("the 500's detail %q does not name the request id %q", detail, id)
	}
	for _, line := range strings.Split(e.logs.String(), "\n") {
		if strings.Contains(line, "request failed") && !strings.Contains(line, "request_id="+id) {
			t.Errorf("the error's log line does not name the request id %q: %s", id, line)
		}
	}
}
