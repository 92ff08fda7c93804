package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/portico-dev/portico/policy"
)

// TestCatalogCacheKeepsVisibilityAndFollowsChanges checks the catalog
// through the search results the index caches: each search is first run by
// someone who may see the team-only API, then by someone who may not, who
// must not get it; a user who joins or leaves the team sees the catalog
// change at once; and an edit, a deprecation and a retirement show on the
// next view of a page viewed just before.
func TestCatalogCacheKeepsVisibilityAndFollowsChanges(t *testing.T) {
	e, tokens := leakFixture(t)
	insider, outsider, admin := e.browser(), e.browser(), e.browser()
	insider.login("insider")
	outsider.login("outsider")
	admin.login("boss")
	call := func(method, path, token string, body any, want int) {
		t.Helper()
		if res, out := e.api(method, path, token, body); res.StatusCode != want {
			t.Fatalf("%s %s: status %d, want %d: %v", method, path, res.StatusCode, want, out)
		}
	}
	page := func(b *browser, path string) string {
		t.Helper()
		res := b.get(path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: status %d", path, res.StatusCode)
		}
		return readAll(t, res)
	}
	paths := []string{"/catalog", "/catalog?q=ledger", "/catalog?q=quantum", "/catalog?tag=ledger", "/catalog?sort=name",
		"/catalog?q=ledger&sort=updated", "/catalog/facets/tag", "/catalog/facets/team"}
	secret := func(html string) bool {
		return strings.Contains(html, "Quantum") || strings.Contains(html, "vault") || strings.Contains(html, "secret-tag")
	}
	for round := 0; round < 2; round++ {
		for _, path := range paths {
			if html := page(insider, path); !secret(html) && path != "/catalog/facets/team" {
				t.Fatalf("GET %s as a member of the API's team: no trace of the team-only API", path)
			}
			if html := page(outsider, path); secret(html) {
				t.Fatalf("GET %s as an outsider after the team's member (round %d): the team-only API leaked", path, round)
			}
			status, body := e.searchJSON(tokens["outsider"], nil)
			if status != 200 {
				t.Fatalf("search API: status %d", status)
			}
			for _, s := range hitSlugs(body) {
				if s == "quantum-ledger" {
					t.Fatalf("search API as an outsider: the team-only API leaked")
				}
			}
		}
	}

	// The outsider joins the team: the same searches find the API; and
	// leaves it: they do not any more.
	call("PUT", "/api/v1/teams/vault/members/outsider", tokens["admin"], map[string]any{"role": policy.RoleViewer}, 201)
	if html := page(outsider, "/catalog?q=quantum"); !strings.Contains(html, "Quantum Ledger") {
		t.Fatalf("after joining the team: the catalog does not show its team-only API")
	}
	call("DELETE", "/api/v1/teams/vault/members/outsider", tokens["admin"], nil, 204)
	for _, path := range paths {
		if html := page(outsider, path); secret(html) {
			t.Fatalf("GET %s after leaving the team: the team-only API is still shown", path)
		}
	}

	// An edit, a deprecation and a retirement of a public API, each seen on
	// the next view of pages viewed just before.
	before := page(outsider, "/catalog")
	if !strings.Contains(before, "Public Ledger") {
		t.Fatalf("the catalog lacks the public API")
	}
	page(outsider, "/catalog?q=ledger")
	call("PATCH", "/api/v1/apis/ledger", tokens["admin"], map[string]any{"name": "General Ledger"}, 200)
	e.drain()
	for _, path := range []string{"/catalog", "/catalog?q=ledger"} {
		if html := page(outsider, path); !strings.Contains(html, "General Ledger") || strings.Contains(html, "Public Ledger") {
			t.Fatalf("GET %s after the rename: the old name is still shown", path)
		}
	}
	call("POST", "/api/v1/apis/ledger/versions/1.0.0/deprecate", tokens["admin"], map[string]any{"sunset": lcSunset(60)}, 200)
	e.drain()
	if html := page(outsider, "/catalog?q=ledger"); !strings.Contains(html, "badge-deprecated") {
		t.Fatalf("after the deprecation: the catalog does not say the API is deprecated")
	}
	call("POST", "/api/v1/apis/ledger/versions/1.0.0/retire", tokens["admin"], nil, 200)
	e.drain()
	for _, path := range []string{"/catalog", "/catalog?q=ledger"} {
		if html := page(outsider, path); strings.Contains(html, "General Ledger") {
			t.Fatalf("GET %s after the retirement: the retired API is still listed", path)
		}
	}
	if html := page(admin, "/catalog?state=retired"); !strings.Contains(html, "General Ledger") {
		t.Fatalf("the retired filter does not show the retired API")
	}
}
