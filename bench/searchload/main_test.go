package main

import (
	"bytes"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
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

func TestSendsTheQueriesOfTheFileToBothPortals(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]map[string]int{} // portal → query → count
	portal := func(name string) *httptest.Server {
		return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			if seen[name] == nil {
				seen[name] = map[string]int{}
			}
			seen[name][r.URL.Query().Get("q")]++
			mu.Unlock()
			w.Write([]byte(`{"hits":[],"total":0}`))
		}))
	}
	a, b := portal("a"), portal("b")
	defer a.Close()
	defer b.Close()
	file := filepath.Join(t.TempDir(), "queries")
	if err := os.WriteFile(file, []byte("send sms\n\ntrack a parcel shipment\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run([]string{"-url", a.URL, "-compare", b.URL, "-token", "tok", "-queries", file, "-n", "40", "-c", "2"}, &out); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"send sms": 20, "track a parcel shipment": 20}
	for _, name := range []string{"a", "b"} {
		if !maps.Equal(seen[name], want) {
			t.Errorf("portal %s: got queries %v, want %v", name, seen[name], want)
		}
	}
	if !strings.Contains(out.String(), "2 distinct queries") || !strings.Contains(out.String(), "ratio -url/-compare  p50 ") {
		t.Errorf("output %q: want the number of queries and the ratios", out.String())
	}
}

func TestRefusesNonLoopbackComparison(t *testing.T) {
	err := run([]string{"-url", "http://127.0.0.1:1", "-compare", "http://192.0.2.1:8080", "-token", "x"}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "only loopback") {
		t.Errorf("got %v, want a loopback-only refusal", err)
	}
}

func TestReadQueriesBoundsLines(t *testing.T) {
	if _, err := readQueries(strings.NewReader(strings.Repeat("a", maxQueryBytes+10))); err == nil {
		t.Errorf("a line of %d bytes: got no error, want one", maxQueryBytes+10)
	}
	if _, err := readQueries(strings.NewReader("\n\n")); err == nil {
		t.Errorf("no queries: got no error, want one")
	}
}
