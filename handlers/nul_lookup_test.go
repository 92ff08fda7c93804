package handlers_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestNULInLookupsIsNoServerError: a NUL byte is refused where text is
// stored (TestControlCharactersRefused); where a value from the address, the
// query string or a sign-in form is only looked up, it must find nothing
// (404, a form message, a 4xx) on both databases, never a server error. bun
// refuses to write a NUL into a query since v1.3.0, and PostgreSQL refuses
// it in text. (This portal has no search: its search pages answer 503,
// which TestNULInSearch covers.)
func TestNULInLookupsIsNoServerError(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newLCEnvOn(t, s)
		param := regexp.MustCompile(`:[a-z_]+`)
		const nul = "a%00b"
		anon := e.browser()
		res := anon.post("/login", url.Values{"username": {"ad\x00min"}, "password": {"wrong password"}})
		if res.StatusCode == 500 {
			t.Errorf("POST /login with a NUL in the username: status %d", res.StatusCode)
		}
		b := e.browser()
		b.login("admin")
		for _, r := range routesOf(t, e.env) {
			if r[0] != "GET" || r[1] == "/logout" {
				continue
			}
			path := param.ReplaceAllString(r[1], nul)
			query := "?q=" + nul + "&team=" + nul + "&tag=" + nul + "&state=" + nul + "&actor=" + nul + "&api=" + nul + "&action=" + nul + "&page=" + nul
			for _, target := range []string{path, path + query} {
				if strings.HasPrefix(r[1], "/api/") {
					res, out := e.api("GET", target, e.tok["admin"], nil)
					if res.StatusCode == 500 {
						t.Errorf("GET %s as admin: status %d: %v", target, res.StatusCode, out)
					}
					continue
				}
				res := b.get(target)
				res.Body.Close()
				if res.StatusCode == 500 {
					t.Errorf("GET %s as admin in a browser: status %d", target, res.StatusCode)
				}
			}
		}
		if t.Failed() {
			for _, line := range strings.Split(e.logs.String(), "\n") {
				if strings.Contains(line, "request failed") {
					t.Log(line)
				}
			}
		}
	})
}

// TestNULInSearch: a NUL in the catalog's query and filters finds nothing; it
// is no server error.
func TestNULInSearch(t *testing.T) {
	e := newEnvWithSearch(t)
	e.user("admin", policy.RoleAdmin, "", "")
	b := e.browser()
	b.login("admin")
	const nul = "a%00b"
	for _, target := range []string{"/catalog?q=" + nul, "/catalog?q=x&team=" + nul + "&tag=" + nul + "&lifecycle=" + nul, "/catalog/facets/tag?q=" + nul, "/catalog/facets/" + nul} {
		res := b.get(target)
		res.Body.Close()
		if res.StatusCode >= 500 {
			t.Errorf("GET %s: status %d", target, res.StatusCode)
		}
	}
	tok := e.token(mustUser(t, e.env, "admin"))
	for _, target := range []string{"/api/v1/search?q=" + nul, "/api/v1/search?q=x&team=" + nul + "&tag=" + nul} {
		if res, out := e.api("GET", target, tok, nil); res.StatusCode >= 500 {
			t.Errorf("GET %s: status %d: %v", target, res.StatusCode, out)
		}
	}
}
