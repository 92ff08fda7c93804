package handlers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/portico-dev/portico/handlers"
	"github.com/portico-dev/portico/policy"
)

// subjects of the permission matrix: who is asking.
var subjects = []string{"anonymous", "member", "viewer", "developer", "maintainer", "owner", "outsider", "approver", "admin"}

// access lists the subjects a route allows.
type access map[string]bool

func only(who ...string) access {
	a := access{}
	for _, w := range who {
		a[w] = true
	}
	return a
}

var (
	everyone      = only(subjects...)
	loggedIn      = only(subjects[1:]...)
	teamManagers  = only("owner", "admin")
	orgAdmins     = only("admin")
	allLoggedInOK = loggedIn
	nobody        = access{}
)

// nodeRoutes are the routes gateway nodes call with their own tokens: a
// user's credentials never open them, so every subject gets 401 (not 403).
var nodeRoutes = map[string]bool{"/api/v1/gateway/sync": true, "/api/v1/gateway/usage": true}

// matrixRow says who may call a route. Path is a concrete URL of the route.
type matrixRow struct {
	method, route, path string
	allow               access
	body                any // JSON body for API routes
}

// The permission matrix: every route of the route table × every subject.
// The team under test is "payments"; "outsider" owns another team.
var matrix = []matrixRow{
	{"GET", "/healthz", "/healthz", everyone, nil},
	{"GET", "/readyz", "/readyz", everyone, nil},
	{"GET", "/metrics", "/metrics", everyone, nil}, // with the metrics token, whoever the session
	{"GET", "/login", "/login", everyone, nil},
	{"POST", "/login", "/login", everyone, nil},
	{"POST", "/logout", "/logout", loggedIn, nil},

	{"GET", "/", "/", loggedIn, nil},
	{"GET", "/profile", "/profile", loggedIn, nil},
	{"POST", "/profile", "/profile", loggedIn, nil},
	{"POST", "/profile/password", "/profile/password", loggedIn, nil},
	{"POST", "/profile/sessions/end-others", "/profile/sessions/end-others", loggedIn, nil},
	{"GET", "/password", "/password", loggedIn, nil},
	{"POST", "/profile/tokens", "/profile/tokens", loggedIn, nil},
	{"POST", "/profile/tokens/:id/revoke", "/profile/tokens/999/revoke", loggedIn, nil},

	{"GET", "/users", "/users", orgAdmins, nil},
	{"GET", "/users/new", "/users/new", orgAdmins, nil},
	{"POST", "/users", "/users", orgAdmins, nil},
	{"GET", "/users/:username/edit", "/users/member/edit", orgAdmins, nil},
	{"POST", "/users/:username", "/users/member", orgAdmins, nil},
	{"POST", "/users/:username/password-reset", "/users/ghost/password-reset", orgAdmins, nil},

	{"GET", "/teams", "/teams", allLoggedInOK, nil},
	{"GET", "/teams/new", "/teams/new", orgAdmins, nil},
	{"POST", "/teams", "/teams", orgAdmins, nil},
	{"GET", "/teams/:team", "/teams/payments", loggedIn, nil},
	{"POST", "/teams/:team", "/teams/payments", teamManagers, nil},            // no name: 422, nothing changes
	{"POST", "/teams/:team/delete", "/teams/payments/delete", orgAdmins, nil}, // it owns APIs: refused, nothing removed
	{"POST", "/teams/:team/members", "/teams/payments/members", teamManagers, nil},
	{"POST", "/teams/:team/members/:username", "/teams/payments/members/ghost", teamManagers, nil},
	{"POST", "/teams/:team/members/:username/remove", "/teams/payments/members/ghost/remove", teamManagers, nil},
	{"POST", "/teams/:team/members/:username/reviewer", "/teams/payments/members/ghost/reviewer", teamManagers, nil},

	{"GET", "/api/v1/openapi.json", "/api/v1/openapi.json", everyone, nil},
	{"GET", "/api/v1/me", "/api/v1/me", loggedIn, nil},
	{"POST", "/api/v1/users", "/api/v1/users", orgAdmins, map[string]any{}},
	{"GET", "/api/v1/users/:username", "/api/v1/users/admin", orgAdmins, nil},
	{"PATCH", "/api/v1/users/:username", "/api/v1/users/ghost", orgAdmins, map[string]any{}},
	{"POST", "/api/v1/users/:username/password-reset", "/api/v1/users/ghost/password-reset", orgAdmins, nil},
	{"POST", "/api/v1/teams", "/api/v1/teams", orgAdmins, map[string]any{}},
	{"GET", "/api/v1/teams/:team", "/api/v1/teams/payments", loggedIn, nil},
	{"PATCH", "/api/v1/teams/:team", "/api/v1/teams/payments", teamManagers, map[string]any{"name": ""}}, // refused: 422, nothing changes
	{"DELETE", "/api/v1/teams/:team", "/api/v1/teams/payments", orgAdmins, nil},                          // it owns APIs: 409, nothing removed
	{"PUT", "/api/v1/teams/:team/members/:username", "/api/v1/teams/payments/members/ghost", teamManagers, map[string]any{"role": "nonsense"}},
	{"DELETE", "/api/v1/teams/:team/members/:username", "/api/v1/teams/payments/members/ghost", teamManagers, nil},

	// Gateway: nodes are the org admins'; the settings of an API's major
	// versions its maintainers' (bodies and forms are refused after the
	// permission check, so no row changes anything).
	{"GET", "/gateway", "/gateway", orgAdmins, nil},
	{"POST", "/gateway/nodes", "/gateway/nodes", orgAdmins, nil},
	{"POST", "/gateway/nodes/:name/revoke", "/gateway/nodes/ghost/revoke", orgAdmins, nil},
	{"GET", "/api/v1/gateway/nodes", "/api/v1/gateway/nodes", orgAdmins, nil},
	{"POST", "/api/v1/gateway/nodes", "/api/v1/gateway/nodes", orgAdmins, map[string]any{"name": "Bad Name!"}},
	{"GET", "/api/v1/gateway/nodes/:name", "/api/v1/gateway/nodes/ghost", orgAdmins, nil},
	{"DELETE", "/api/v1/gateway/nodes/:name", "/api/v1/gateway/nodes/ghost", orgAdmins, nil},
	{"GET", "/apis/:api/gateway", "/apis/payments-web/gateway", only("maintainer", "owner", "admin"), nil},
	{"POST", "/apis/:api/gateway/:major", "/apis/payments-web/gateway/1", only("maintainer", "owner", "admin"), nil},
	{"POST", "/apis/:api/gateway/:major/rollback", "/apis/payments-web/gateway/1/rollback", only("maintainer", "owner", "admin"), nil},
	{"GET", "/api/v1/apis/:api/gateway", "/api/v1/apis/payments-api/gateway", only("maintainer", "owner", "admin"), nil},
	{"PUT", "/api/v1/apis/:api/gateway/:major", "/api/v1/apis/payments-api/gateway/1", only("maintainer", "owner", "admin"), map[string]any{"targets": []string{"ftp://nope"}}},
	{"POST", "/api/v1/apis/:api/gateway/:major/rollback", "/api/v1/apis/payments-api/gateway/1/rollback", only("maintainer", "owner", "admin"), map[string]any{"deployment": 999999}},
	// The sync route is for gateway nodes, never for users: every user's
	// token (and no token) is refused 401 (see nodeRoutes).
	{"POST", "/api/v1/gateway/sync", "/api/v1/gateway/sync", nobody, map[string]any{"type": "hello"}},
	{"POST", "/api/v1/gateway/usage", "/api/v1/gateway/usage", nobody, map[string]any{"id": "b1", "points": []any{}}},

	// Catalog and search (the matrix env has no index: allowed subjects get 503, never 401/403).
	{"GET", "/catalog", "/catalog", loggedIn, nil},
	{"GET", "/catalog/facets/:facet", "/catalog/facets/tag", loggedIn, nil},
	{"GET", "/api/v1/search", "/api/v1/search", loggedIn, nil},

	// MCP: every token holder reaches the transport (which answers this
	// bare request 400, GET and DELETE 405); each tool applies visibility
	// itself (agent tests).
	{"POST", "/mcp", "/mcp", loggedIn, map[string]any{"jsonrpc": "2.0", "id": 1, "method": "ping"}},
	{"GET", "/mcp", "/mcp", loggedIn, nil},
	{"DELETE", "/mcp", "/mcp", loggedIn, nil},

	// Lifecycle JSON API, on the fixtures of lifecycleMatrixFixtures: the
	// public API "payments-api" with 1.0.0 published and 0.1.0 a draft whose
	// request ({lc-review}) was withdrawn. Bodies are refused after the
	// permission check (422 or 409), so no row changes the fixtures.
	{"POST", "/api/v1/apis", "/api/v1/apis", only("maintainer", "owner", "admin"), map[string]any{"team": "payments"}},
	{"GET", "/api/v1/apis/:api", "/api/v1/apis/payments-api", loggedIn, nil},
	{"PATCH", "/api/v1/apis/:api", "/api/v1/apis/payments-api", only("maintainer", "owner", "admin"), map[string]any{"lock_version": 0}},
	{"POST", "/api/v1/apis/:api/transfer", "/api/v1/apis/payments-api/transfer", teamManagers, map[string]any{"team": "payments"}}, // its own team: 422, nothing moves
	{"GET", "/api/v1/apis/:api/versions", "/api/v1/apis/payments-api/versions", loggedIn, nil},
	{"POST", "/api/v1/apis/:api/versions", "/api/v1/apis/payments-api/versions", only("developer", "maintainer", "owner", "admin"), map[string]any{}},
	{"GET", "/api/v1/apis/:api/versions/:version", "/api/v1/apis/payments-api/versions/1.0.0", loggedIn, nil},
	{"PUT", "/api/v1/apis/:api/versions/:version", "/api/v1/apis/payments-api/versions/1.0.0", only("developer", "maintainer", "owner", "admin"), map[string]any{}},
	{"POST", "/api/v1/apis/:api/versions/:version/submit", "/api/v1/apis/payments-api/versions/1.0.0/submit", only("developer", "maintainer", "owner", "admin"), nil},
	{"POST", "/api/v1/apis/:api/versions/:version/deprecate", "/api/v1/apis/payments-api/versions/1.0.0/deprecate", only("maintainer", "owner", "admin"), map[string]any{}},
	{"POST", "/api/v1/apis/:api/versions/:version/undeprecate", "/api/v1/apis/payments-api/versions/1.0.0/undeprecate", only("maintainer", "owner", "admin"), nil},
	{"POST", "/api/v1/apis/:api/versions/:version/retire", "/api/v1/apis/payments-api/versions/0.1.0/retire", only("maintainer", "owner", "admin"), nil},
	{"GET", "/api/v1/reviews", "/api/v1/reviews", loggedIn, nil},
	{"GET", "/api/v1/reviews/:id", "/api/v1/reviews/{lc-review}", only("viewer", "developer", "maintainer", "owner", "approver", "admin"), nil},
	{"POST", "/api/v1/reviews/:id/approve", "/api/v1/reviews/{lc-review}/approve", only("approver", "admin"), nil},
	{"POST", "/api/v1/reviews/:id/reject", "/api/v1/reviews/{lc-review}/reject", only("approver", "admin"), map[string]any{}},
	{"POST", "/api/v1/reviews/:id/withdraw", "/api/v1/reviews/{lc-review}/withdraw", only("developer", "maintainer", "owner", "admin"), nil},
	{"POST", "/api/v1/reviews/:id/findings/:key/accept", "/api/v1/reviews/{lc-review}/findings/0123456789abcdef/accept", only("approver", "admin"), map[string]any{}},
	{"GET", "/api/v1/rules", "/api/v1/rules", loggedIn, nil},
	{"GET", "/api/v1/search/synonyms", "/api/v1/search/synonyms", loggedIn, nil},
	{"PUT", "/api/v1/search/synonyms", "/api/v1/search/synonyms", orgAdmins, map[string]any{}}, // no list: 422 after the check
	{"PUT", "/api/v1/rules/:id", "/api/v1/rules/info-description", orgAdmins, map[string]any{}},
	{"GET", "/api/v1/audit", "/api/v1/audit", orgAdmins, nil},

	// Lifecycle pages, on the fixtures of pagesMatrixFixtures: the public
	// API "payments-web" with 1.0.0 published and 1.1.0 a draft whose request
	// ({page-review}) was withdrawn. Empty forms are refused after the
	// permission check (422, or 303 back with a flash), so no row changes the fixtures.
	{"GET", "/teams/:team/apis/new", "/teams/payments/apis/new", only("maintainer", "owner", "admin"), nil},
	{"POST", "/teams/:team/apis", "/teams/payments/apis", only("maintainer", "owner", "admin"), nil},
	{"GET", "/apis/:api", "/apis/payments-web", loggedIn, nil},
	{"GET", "/apis/:api/edit", "/apis/payments-web/edit", only("maintainer", "owner", "admin"), nil},
	{"POST", "/apis/:api", "/apis/payments-web", only("maintainer", "owner", "admin"), nil},
	{"POST", "/apis/:api/transfer", "/apis/payments-web/transfer", teamManagers, nil}, // no team: 422, nothing moves
	{"GET", "/apis/:api/versions/new", "/apis/payments-web/versions/new", only("developer", "maintainer", "owner", "admin"), nil},
	{"POST", "/apis/:api/versions", "/apis/payments-web/versions", only("developer", "maintainer", "owner", "admin"), nil},
	{"GET", "/apis/:api/versions/:version", "/apis/payments-web/versions/1.0.0", loggedIn, nil},
	{"GET", "/apis/:api/versions/:version/edit", "/apis/payments-web/versions/1.1.0/edit", only("developer", "maintainer", "owner", "admin"), nil},
	{"POST", "/apis/:api/versions/:version/spec", "/apis/payments-web/versions/1.1.0/spec", only("developer", "maintainer", "owner", "admin"), nil},
	{"GET", "/apis/:api/versions/:version/openapi", "/apis/payments-web/versions/1.0.0/openapi", loggedIn, nil},
	{"GET", "/apis/:api/versions/:version/openapi.json", "/apis/payments-web/versions/1.0.0/openapi.json", loggedIn, nil},
	{"GET", "/apis/:api/versions/:version/reference", "/apis/payments-web/versions/1.0.0/reference", loggedIn, nil},
	{"POST", "/apis/:api/versions/:version/submit", "/apis/payments-web/versions/1.0.0/submit", only("developer", "maintainer", "owner", "admin"), nil},
	{"POST", "/apis/:api/versions/:version/deprecate", "/apis/payments-web/versions/1.0.0/deprecate", only("maintainer", "owner", "admin"), nil},
	{"POST", "/apis/:api/versions/:version/undeprecate", "/apis/payments-web/versions/1.0.0/undeprecate", only("maintainer", "owner", "admin"), nil},
	{"POST", "/apis/:api/versions/:version/retire", "/apis/payments-web/versions/1.0.0/retire", only("maintainer", "owner", "admin"), nil},
	{"GET", "/reviews", "/reviews", loggedIn, nil},
	{"GET", "/reviews/:id", "/reviews/{page-review}", only("viewer", "developer", "maintainer", "owner", "approver", "admin"), nil},
	{"POST", "/reviews/:id/approve", "/reviews/{page-review}/approve", only("approver", "admin"), nil},
	{"POST", "/reviews/:id/reject", "/reviews/{page-review}/reject", only("approver", "admin"), nil},
	{"POST", "/reviews/:id/withdraw", "/reviews/{page-review}/withdraw", only("developer", "maintainer", "owner", "admin"), nil},
	{"POST", "/reviews/:id/findings/:key/accept", "/reviews/{page-review}/findings/0123456789abcdef/accept", only("approver", "admin"), nil},
	{"GET", "/rules", "/rules", loggedIn, nil},
	{"GET", "/search/synonyms", "/search/synonyms", loggedIn, nil},
	{"POST", "/search/synonyms", "/search/synonyms", orgAdmins, nil}, // no list: 422 after the check
	{"POST", "/rules", "/rules", orgAdmins, nil},
	{"GET", "/notifications", "/notifications", loggedIn, nil},
	{"POST", "/notifications/read", "/notifications/read", loggedIn, nil},
	{"GET", "/audit", "/audit", orgAdmins, nil},
}

// forTokens reports whether a path is called with a bearer token (the JSON
// API and the MCP endpoint) rather than from a browser.
func forTokens(path string) bool { return strings.HasPrefix(path, "/api/") || path == "/mcp" }

func TestPermissionMatrixCoversEveryRoute(t *testing.T) {
	e := newEnv(t)
	p, err := policy.New(context.Background(), e.store)
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]bool{}
	for _, r := range allMatrix() {
		rows[r.method+" "+r.route] = true
	}
	for _, r := range handlers.New(e.store, p, handlers.Options{}).Routes() {
		if !rows[r.Method+" "+r.Path] {
			t.Errorf("route %s %s has no row in the permission matrix", r.Method, r.Path)
		}
		delete(rows, r.Method+" "+r.Path)
	}
	for k := range rows {
		t.Errorf("matrix row %s matches no route", k)
	}
}

func TestPermissionMatrix(t *testing.T) {
	e := newEnv(t)
	e.team("payments")
	e.user("member", policy.RoleMember, "", "")
	e.user("viewer", policy.RoleMember, "payments", policy.RoleViewer)
	e.user("developer", policy.RoleMember, "payments", policy.RoleDeveloper)
	e.user("maintainer", policy.RoleMember, "payments", policy.RoleMaintainer)
	e.user("owner", policy.RoleMember, "payments", policy.RoleOwner)
	e.user("outsider", policy.RoleMember, "search", policy.RoleOwner)
	e.user("approver", policy.RoleApprover, "", "")
	e.user("admin", policy.RoleAdmin, "", "")

	browsers := map[string]*browser{}
	tokens := map[string]string{}
	for _, s := range subjects {
		b := e.browser()
		if s != "anonymous" {
			b.login(s)
			u, err := e.store.UserByUsername(context.Background(), s)
			if err != nil {
				t.Fatal(err)
			}
			tokens[s] = e.token(u)
		}
		browsers[s] = b
	}

	// Lifecycle JSON API fixtures.
	lcReview := lifecycleMatrixFixtures(t, e, tokens)
	// Lifecycle pages fixtures.
	pageReview := pagesMatrixFixtures(t, e)
	// Subscriptions fixtures: {sub}, {key}.
	subsIDs := subscriptionsMatrixFixtures(t, e, tokens)

	for _, row := range allMatrix() {
		for _, s := range subjects {
			t.Run(row.method+" "+row.path+" as "+s, func(t *testing.T) {
				var status int
				var location string
				if forTokens(row.path) {
					path := strings.ReplaceAll(row.path, "{lc-review}", lcReview)
					for k, v := range subsIDs {
						path = strings.ReplaceAll(path, k, v)
					}
					res, _ := e.api(row.method, path, tokens[s], row.body)
					status = res.StatusCode
				} else {
					b := browsers[s]
					path := strings.ReplaceAll(row.path, "{page-review}", pageReview)
					for k, v := range subsIDs {
						path = strings.ReplaceAll(path, k, v)
					}
					var res *http.Response
					if row.route == "/metrics" {
						// Not a role's permission: the metrics token's (TestMetricsNeedTheToken).
						req := httptest.NewRequest("GET", path, nil)
						req.Header.Set("Authorization", "Bearer "+testMetricsToken)
						res = b.do(req)
					} else if row.method == "GET" {
						res = b.get(path)
					} else if row.route == "/logout" || row.route == "/login" {
						// Use a throw-away browser so the shared session survives.
						nb := e.browser()
						if s != "anonymous" {
							nb.login(s)
						}
						res = nb.post(row.path, nil)
					} else {
						res = b.post(path, url.Values{})
					}
					res.Body.Close()
					status = res.StatusCode
					location = res.Header.Get("Location")
				}
				allowed := row.allow[s]
				switch {
				case nodeRoutes[row.route]:
					if status != 401 {
						t.Errorf("status %d, want 401: users' tokens never open a node route", status)
					}
				case allowed && (status == 401 || status == 403 || strings.HasPrefix(location, "/login?")):
					t.Errorf("status %d (location %q), want access", status, location)
				case !allowed && s == "anonymous" && forTokens(row.path) && status != 401:
					t.Errorf("status %d, want 401", status)
				case !allowed && s == "anonymous" && !forTokens(row.path) && (status != 303 || !strings.HasPrefix(location, "/login")):
					t.Errorf("status %d location %q, want 303 to /login", status, location)
				case !allowed && s != "anonymous" && hiddenFrom(row)[s] && status != 404:
					t.Errorf("status %d, want 404 (what the subject may not see does not exist for them)", status)
				case !allowed && s != "anonymous" && !hiddenFrom(row)[s] && status != 403:
					t.Errorf("status %d, want 403", status)
				}
			})
		}
	}
}

func TestUnknownTeamIs404(t *testing.T) {
	e := newEnv(t)
	e.user("admin", policy.RoleAdmin, "", "")
	b := e.browser()
	b.login("admin")
	res := b.get("/teams/nope")
	res.Body.Close()
	if res.StatusCode != 404 {
		t.Errorf("GET /teams/nope: status %d, want 404", res.StatusCode)
	}
	res = b.do(httptest.NewRequest("GET", "/no/such/page", nil))
	res.Body.Close()
	if res.StatusCode != 404 {
		t.Errorf("GET /no/such/page: status %d, want 404", res.StatusCode)
	}
}
