package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/bintest"
	"github.com/portico-dev/portico/gateway/gatewaytest"
)

// TestSettingsPageChangesTheNodesUpstream: a team maintainer changes a
// major's upstream target on its Gateway settings page (the form, logged
// in, with its CSRF token), and a running node routes the next requests
// to the new upstream, pushed (see pushed); a rollback through the JSON
// API routes them back. The handlers' tests check the page says "saved";
// this checks that what it saved is what the node serves.
func TestSettingsPageChangesTheNodesUpstream(t *testing.T) {
	upstream := func(name string) *httptest.Server {
		s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, name+" "+r.URL.Path)
		}))
		t.Cleanup(s.Close)
		return s
	}
	old, moved := upstream("old"), upstream("new")

	p := startRealPortal(t)
	nodeToken := strings.TrimSpace(p.portico("gateway-node", "create", "--name", "node-a"))
	subs := p.call("GET", "/api/v1/subscriptions?role=consumer&state=active", "emma", nil, 200)["subscriptions"].([]any)
	if len(subs) == 0 {
		t.Fatal("the demo has no active subscription of commerce")
	}
	sub := subs[0].(map[string]any)
	api, major := sub["api"].(string), int(sub["major"].(float64))
	first := p.call("PUT", fmt.Sprintf("/api/v1/apis/%s/gateway/%d", api, major), "ada", map[string]any{"targets": []string{old.URL + "/base"}}, 201)
	// The demo plan allows 60 requests a minute: waiting for a change
	// sends more.
	p.call("PATCH", fmt.Sprintf("/api/v1/apis/%s/plans/%v", api, sub["plan"]), "ada", map[string]any{"rate_per_minute": 60000, "burst": 1000}, 200)
	key := p.call("POST", fmt.Sprintf("/api/v1/subscriptions/%v/keys", sub["id"]), "emma", map[string]any{"name": "settings test"}, 201)["key"].(string)
	n := startProc(t, p.url, nodeToken, t.TempDir())
	path := fmt.Sprintf("/%s/v%d/lookup", api, major)
	answers := func(want string, limit time.Duration) {
		t.Helper()
		var body string
		if !gatewaytest.Eventually(limit, func() bool {
			var code int
			code, body = n.get(t, path, key)
			return code == 200 && body == want
		}) {
			t.Fatalf("the node answers %s with %q, want %q:\n%s", path, body, want, n.out)
		}
	}
	answers("old /base/lookup", started)

	// ada (a maintainer of the API's team) logs in and saves new targets
	// on the settings page.
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	csrf := func(path string) string { return bintest.PageCSRF(t, client, p.url+path) }
	res, err := client.PostForm(p.url+"/login", url.Values{"_csrf": {csrf("/login")}, "username": {"ada"}, "password": {p.demoPwd}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login as ada: %d", res.StatusCode)
	}
	settings := "/apis/" + api + "/gateway"
	res, err = client.PostForm(fmt.Sprintf("%s%s/%d", p.url, settings, major), url.Values{"_csrf": {csrf(settings)}, "targets": {moved.URL + "/v2"}, "note": {"moved"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != settings {
		t.Fatalf("saving the settings: %d to %q, want 303 to %s", res.StatusCode, res.Header.Get("Location"), settings)
	}
	start := time.Now()
	answers("new /v2/lookup", pushed+2*time.Second)
	t.Logf("the new upstream reached the node in %s", time.Since(start))

	// Rolled back through the JSON API to the first deployment: the old
	// upstream again.
	p.call("POST", fmt.Sprintf("/api/v1/apis/%s/gateway/%d/rollback", api, major), "ada", map[string]any{"deployment": first["id"]}, 201)
	answers("old /base/lookup", pushed+2*time.Second)
}
