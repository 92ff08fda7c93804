package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/portico-dev/portico/auth"
	"github.com/portico-dev/portico/handlers"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store/storetest"
)

// TestDrainTurnsReadyzAndClosesConnections: once Drain is called (serve
// does on SIGTERM), /readyz answers 503 "draining" while every request is
// still served, /healthz 200 among them, each answer closing its
// connection; before, neither.
func TestDrainTurnsReadyzAndClosesConnections(t *testing.T) {
	s := storetest.New(t)
	p, err := policy.New(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	h := handlers.New(s, p, handlers.Options{Hasher: auth.NewTestHasher()})
	app := h.App()
	get := func(path string) (*http.Response, map[string]any) {
		t.Helper()
		res, err := app.Test(httptest.NewRequest("GET", path, nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body map[string]any
		if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		return res, body
	}
	for _, path := range []string{"/readyz", "/healthz"} {
		if res, body := get(path); res.StatusCode != http.StatusOK || body["status"] != "ok" || res.Close {
			t.Errorf("GET %s before the drain: %d %v (closes: %v), want 200 ok keeping the connection", path, res.StatusCode, body, res.Close)
		}
	}
	h.Drain()
	res, body := get("/readyz")
	if res.StatusCode != http.StatusServiceUnavailable || body["status"] != "draining" || body["database"] != "ok" {
		t.Errorf("/readyz during the drain: %d %v, want 503 draining, the database ok", res.StatusCode, body)
	}
	if res, body := get("/healthz"); res.StatusCode != http.StatusOK || body["status"] != "ok" || !res.Close {
		t.Errorf("/healthz during the drain: %d %v (closes: %v), want 200 ok closing the connection", res.StatusCode, body, res.Close)
	}
}
