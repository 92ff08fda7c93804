package bintest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestPageCSRF(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/login":
			io.WriteString(w, `<html><head><meta name="csrf-token" content="tok-1"></head><body></body></html>`)
		case "/gone":
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `<html><head><meta name="csrf-token" content="tok-2"></head></html>`)
		default:
			io.WriteString(w, `<html><body>no token</body></html>`)
		}
	}))
	defer srv.Close()
	if got := PageCSRF(t, srv.Client(), srv.URL+"/login"); got != "tok-1" {
		t.Errorf("PageCSRF = %q, want tok-1", got)
	}
	for _, path := range []string{"/plain", "/gone"} {
		f := &fakeTB{TB: t}
		if got := f.run(func(tb testing.TB) { PageCSRF(tb, srv.Client(), srv.URL+path) }); !strings.Contains(got, "no CSRF token") {
			t.Errorf("PageCSRF of %s failed with %q, want no CSRF token", path, got)
		}
	}
}
