package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestAdminTokenGuardsMetrics: with PORTICO_GATEWAY_ADMIN_TOKEN set, the
// admin address answers /metrics only to Authorization: Bearer with that
// token (as a Prometheus scrape config sends it), while /healthz and
// /readyz stay open to probes; the token is never logged.
func TestAdminTokenGuardsMetrics(t *testing.T) {
	const token = "adm-7f3c9a51e2b84d06a1c5"
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	defer upstream.Close()
	portal := newTestPortal(t, testState(t, upstream.URL))
	t.Setenv("PORTICO_GATEWAY_ADMIN_TOKEN", token)
	n := startProc(t, portal.url(), "tok-a", t.TempDir())

	get := func(path, auth string) (int, string, http.Header) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, "http://"+n.admin+path, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Header
	}
	for _, auth := range []string{"", "Bearer wrong-token-of-some-length", "Bearer " + token + "x", "Bearer " + token[:len(token)-1], "Basic " + token, token} {
		code, body, h := get("/metrics", auth)
		if code != http.StatusUnauthorized || strings.Contains(body, "portico_gateway_") {
			t.Errorf("/metrics with Authorization %q: %d, want 401 without metrics:\n%.200s", auth, code, body)
		}
		if !strings.HasPrefix(h.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("/metrics with Authorization %q: WWW-Authenticate %q, want a Bearer challenge", auth, h.Get("WWW-Authenticate"))
		}
	}
	if code, body, _ := get("/metrics", "Bearer "+token); code != http.StatusOK || !strings.Contains(body, "portico_gateway_") {
		t.Errorf("/metrics with the token: %d, want 200 with the metrics:\n%.200s", code, body)
	}
	if code, _, _ := get("/healthz", ""); code != http.StatusOK {
		t.Errorf("/healthz without a token: %d, want 200", code)
	}
	if code, _, _ := get("/readyz", ""); code != http.StatusOK && code != http.StatusServiceUnavailable {
		t.Errorf("/readyz without a token: %d, want 200 or 503 (its own answer, not 401)", code)
	}
	n.kill()
	if strings.Contains(n.out.String(), token) {
		t.Errorf("the admin token was logged:\n%s", n.out)
	}
	if !strings.Contains(n.out.String(), `"metrics_token":true`) {
		t.Errorf("the start line does not say /metrics needs a token:\n%s", n.out)
	}
}
