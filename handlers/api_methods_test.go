package handlers_test

import (
	"io"
	"net/http/httptest"
	"testing"

	"github.com/portico-dev/portico/policy"
)

// HEAD is answered wherever GET is, with GET's status and headers and no
// body, and is authorized as GET is.
func TestHeadAnswersAsGet(t *testing.T) {
	e := newEnv(t)
	tok := e.token(e.user("admin", policy.RoleAdmin, "", ""))
	for _, tt := range []struct {
		path, token string
		want        int
		contentType string
	}{
		{"/api/v1/me", tok, 200, "application/json"},
		{"/api/v1/openapi.json", "", 200, "application/json; charset=utf-8"},
		{"/api/v1/me", "", 401, "application/problem+json"},
		{"/api/v1/teams/nobody", tok, 404, "application/problem+json"},
		{"/healthz", "", 200, ""},
	} {
		req := httptest.NewRequest("HEAD", tt.path, nil)
		if tt.token != "" {
			req.Header.Set("Authorization", "Bearer "+tt.token)
		}
		res, err := e.app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tt.want || len(body) != 0 {
			t.Errorf("HEAD %s: %d with %d bytes, want %d without a body", tt.path, res.StatusCode, len(body), tt.want)
		}
		if tt.contentType != "" && res.Header.Get("Content-Type") != tt.contentType {
			t.Errorf("HEAD %s: Content-Type %q, want %q", tt.path, res.Header.Get("Content-Type"), tt.contentType)
		}
	}
}
