package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func TestRefusesNonLoopbackTargets(t *testing.T) {
	for _, target := range []string{"http://example.com", "http://10.0.0.1:8080", "http://0.0.0.0:8080"} {
		err := run([]string{"-url", target, "-token", "x"}, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), "only loopback") {
			t.Errorf("%s: got %v, want a loopback-only refusal", target, err)
		}
	}
}

func TestReportsPercentiles(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.URL.Path != "/api/v1/search" || r.Header.Get("Authorization") != "Bearer tok" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		w.Write([]byte(`{"hits":[],"total":0}`))
	}))
	defer srv.Close()
	var out bytes.Buffer
	if err := run([]string{"-url", srv.URL, "-token", "tok", "-n", "50", "-c", "2"}, &out); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 50 || !strings.Contains(out.String(), "requests 50 ok, 0 failed") || !strings.Contains(out.String(), "p95") {
		t.Errorf("got %d calls and output %q, want 50 ok requests with percentiles", calls.Load(), out.String())
	}
}
