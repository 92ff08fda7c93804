package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/portico-dev/portico/store"
)

// TestUpstreamsAreGatewayTargets sends, as an API's upstream URLs in its
// catalog entry (the JSON API and the edit page), URLs that the gateway
// settings refuse as targets: each is refused the same way, on the field
// upstreams, with the gateway's reason; nothing is stored, and a password in
// one reaches neither the API nor the audit log. A URL the gateway takes is
// taken.
func TestUpstreamsAreGatewayTargets(t *testing.T) {
	e := newLCEnv(t)
	e.createAPI("pets", "public")
	bad := []struct{ name, url, reason string }{
		{"credentials", "https://svc:s3cret@orders.internal/v1", "without credentials"},
		{"query", "http://orders.internal/v1?token=abc", "without credentials, query or fragment"},
		{"fragment", "http://orders.internal/v1#top", "without credentials, query or fragment"},
		{"port", "http://orders.internal:99999/v1", "port must be 1 to 65535"},
		{"no host", "http:///v1", "without credentials, query or fragment"},
		// Addresses every node refuses by default (their --upstream-deny):
		// saved, the target would only ever answer 502 at the node.
		{"cloud metadata", "http://169.254.169.254/latest/meta-data", "--upstream-deny"},
		{"link-local", "https://169.254.10.20:8443/v1", "gateway nodes refuse to forward to by default"},
		{"link-local IPv6", "http://[fe80::1]:8080/v1", "--upstream-deny"},
		{"link-local IPv6 with a zone", "http://[fe80::1%25eth0]:8080/v1", "--upstream-deny"},
		{"AWS metadata IPv6", "http://[fd00:ec2::254]/latest", "--upstream-deny"},
		{"IPv4-mapped", "http://[::ffff:169.254.169.254]/", "--upstream-deny"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			// The gateway settings refuse it, naming the reason.
			gw := fieldMessage(t, e, "PUT", "/api/v1/apis/pets/gateway/1", map[string]any{"targets": []string{tt.url}}, "targets")
			if !strings.Contains(gw, tt.reason) {
				t.Fatalf("gateway target %q: message %q, want it to say %q", tt.url, gw, tt.reason)
			}
			// So does the catalog entry, through the JSON API ...
			got := fieldMessage(t, e, "PATCH", "/api/v1/apis/pets", map[string]any{"upstreams": []string{tt.url}}, "upstreams")
			if !strings.Contains(got, tt.reason) {
				t.Errorf("upstream %q through the JSON API: message %q, want it to say %q as the gateway settings do (%q)", tt.url, got, tt.reason, gw)
			}
			got = fieldMessage(t, e, "POST", "/api/v1/apis", map[string]any{"team": "payments", "slug": "orders", "name": "Orders", "upstreams": []string{tt.url}}, "upstreams")
			if !strings.Contains(got, tt.reason) {
				t.Errorf("upstream %q creating an API: message %q, want it to say %q", tt.url, got, tt.reason)
			}
			// ... and through the edit page.
			b := e.browser()
			b.login("maint")
			res := b.post("/apis/pets", url.Values{"name": {"API pets"}, "visibility": {"public"}, "upstreams": {tt.url}})
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("edit page with upstream %q: status %d, want 422", tt.url, res.StatusCode)
			}
			if msg := doc(t, res).Find(`[data-testid="error-upstreams"]`).Text(); !strings.Contains(msg, tt.reason) {
				t.Errorf("edit page with upstream %q: field message %q, want it to say %q", tt.url, msg, tt.reason)
			}
		})
	}
	a := e.call("GET", "/api/v1/apis/pets", "maint", nil, 200)
	if ups, _ := a["upstreams"].([]any); len(ups) != 0 {
		t.Errorf("upstreams stored: %v, want none", ups)
	}
	events, err := e.store.ListAudit(context.Background(), store.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range events {
		if strings.Contains(ev.Before+ev.After+ev.Reason, "s3cret") {
			t.Errorf("audit %s holds the upstream's password: %q → %q", ev.Action, ev.Before, ev.After)
		}
	}
	good := "http://orders.internal:8080/v1"
	a = e.call("PATCH", "/api/v1/apis/pets", "maint", map[string]any{"upstreams": []string{good}}, 200)
	if ups, _ := a["upstreams"].([]any); len(ups) != 1 || ups[0] != good {
		t.Errorf("upstreams %v, want [%s]", ups, good)
	}
	// Addresses next to the denied ranges, and host names (which the
	// nodes resolve and check themselves), are taken.
	for _, ok := range [][]string{{"http://169.253.255.255/v1"}, {"http://[fe00::1]:8080/v1"}, {"http://[fd00:ec2::253]/v1"},
		{"http://metadata.internal/v1"}, {"http://10.0.0.7:8080/v1"}} {
		a = e.call("PATCH", "/api/v1/apis/pets", "maint", map[string]any{"upstreams": ok}, 200)
		if ups, _ := a["upstreams"].([]any); len(ups) != 1 || ups[0] != ok[0] {
			t.Errorf("upstreams %v, want %v", ups, ok)
		}
	}
}

// fieldMessage makes a JSON API call as maint that must be refused with 422
// and returns the message of field.
func fieldMessage(t *testing.T, e *lcEnv, method, path string, body any, field string) string {
	t.Helper()
	res, out := e.api(method, path, e.tok["maint"], body)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("%s %s %v: status %d, want 422: %v", method, path, body, res.StatusCode, out)
	}
	errs, _ := out["errors"].([]any)
	for _, fe := range errs {
		if m := fe.(map[string]any); m["field"] == field {
			msg, _ := m["message"].(string)
			return msg
		}
	}
	t.Fatalf("%s %s: errors %v, want one on %s", method, path, out["errors"], field)
	return ""
}
