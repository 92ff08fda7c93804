package handlers_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/portico-dev/portico/policy"
)

// A JSON body is one value and nothing after it but white space: a body
// with more (a stray bracket, a second object) is refused 400 and nothing
// is created.
func TestJSONBodyIsOneValue(t *testing.T) {
	e := newEnv(t)
	tok := e.token(e.user("admin", policy.RoleAdmin, "", ""))
	for _, tt := range []struct {
		body string
		want int
	}{
		{`{"slug":"t1","name":"T1"}]`, 400},
		{`{"slug":"t2","name":"T2"}}`, 400},
		{`{"slug":"t3","name":"T3"} {"slug":"t4"}`, 400},
		{`{"slug":"t5","name":"T5"} x`, 400},
		{"{\"slug\":\"t6\",\"name\":\"T6\"}\n\t ", 201},
	} {
		req := httptest.NewRequest("POST", "/api/v1/teams", strings.NewReader(tt.body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		res, err := e.app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != tt.want {
			t.Errorf("body %q: status %d, want %d", tt.body, res.StatusCode, tt.want)
		}
	}
	for _, slug := range []string{"t1", "t2", "t3", "t4", "t5"} {
		if _, err := e.store.TeamBySlug(context.Background(), slug); err == nil {
			t.Errorf("team %s was created from a refused body", slug)
		}
	}
}
