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

// A method an address is not served with answers 405 with the address's
// methods in Allow (RFC 9110, 15.5.6), a problem document on the JSON API;
// an address nothing serves stays 404.
func TestMethodNotAllowedNamesTheMethods(t *testing.T) {
	e := newEnv(t)
	tok := e.token(e.user("admin", policy.RoleAdmin, "", ""))
	for _, tt := range []struct {
		method, path string
		want         int
		allow        string
	}{
		{"POST", "/api/v1/me", 405, "GET, HEAD"},
		{"DELETE", "/api/v1/apis/pets", 405, "GET, HEAD, PATCH"},
		{"PUT", "/API/v1/Teams/payments/", 405, "DELETE, GET, HEAD, PATCH"},
		{"GET", "/api/v1/teams/payments/members/alice", 405, "DELETE, PUT"},
		{"GET", "/api/v1/nothing", 404, ""},
		{"GET", "/api/v1/teams/payments/extra", 404, ""},
	} {
		res, body := e.api(tt.method, tt.path, tok, nil)
		if res.StatusCode != tt.want || res.Header.Get("Allow") != tt.allow {
			t.Errorf("%s %s: %d Allow %q, want %d Allow %q", tt.method, tt.path, res.StatusCode, res.Header.Get("Allow"), tt.want, tt.allow)
		}
		if res.Header.Get("Content-Type") != "application/problem+json" || body["status"] != float64(tt.want) {
			t.Errorf("%s %s: %s %v, want a problem document", tt.method, tt.path, res.Header.Get("Content-Type"), body)
		}
	}
	// A page answers 405 too, with the error page.
	res, err := e.app.Test(httptest.NewRequest("DELETE", "/login", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 405 || res.Header.Get("Allow") != "GET, HEAD, POST" {
		t.Errorf("DELETE /login: %d Allow %q, want 405 Allow \"GET, HEAD, POST\"", res.StatusCode, res.Header.Get("Allow"))
	}
}
