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
)

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
	{"GET", "/metrics", "/metrics", everyone, nil},
	{"GET", "/login", "/login", everyone, nil},
	{"POST", "/login", "/login", everyone, nil},
	{"POST", "/logout", "/logout", loggedIn, nil},

	{"GET", "/", "/", loggedIn, nil},
	{"GET", "/profile", "/profile", loggedIn, nil},
	{"POST", "/profile", "/profile", loggedIn, nil},
	{"POST", "/profile/password", "/profile/password", loggedIn, nil},
	{"POST", "/profile/tokens", "/profile/tokens", loggedIn, nil},
	{"POST", "/profile/tokens/:id/revoke", "/profile/tokens/999/revoke", loggedIn, nil},

	{"GET", "/users", "/users", orgAdmins, nil},
	{"GET", "/users/new", "/users/new", orgAdmins, nil},
	{"POST", "/users", "/users", orgAdmins, nil},
	{"GET", "/users/:username/edit", "/users/member/edit", orgAdmins, nil},
	{"POST", "/users/:username", "/users/member", orgAdmins, nil},

	{"GET", "/teams", "/teams", allLoggedInOK, nil},
	{"GET", "/teams/new", "/teams/new", orgAdmins, nil},
	{"POST", "/teams", "/teams", orgAdmins, nil},
	{"GET", "/teams/:team", "/teams/payments", loggedIn, nil},
	{"POST", "/teams/:team/members", "/teams/payments/members", teamManagers, nil},
	{"POST", "/teams/:team/members/:username", "/teams/payments/members/ghost", teamManagers, nil},
	{"POST", "/teams/:team/members/:username/remove", "/teams/payments/members/ghost/remove", teamManagers, nil},

	{"GET", "/api/v1/openapi.json", "/api/v1/openapi.json", everyone, nil},
	{"GET", "/api/v1/me", "/api/v1/me", loggedIn, nil},
	{"POST", "/api/v1/users", "/api/v1/users", orgAdmins, map[string]any{}},
	{"PATCH", "/api/v1/users/:username", "/api/v1/users/ghost", orgAdmins, map[string]any{}},
	{"POST", "/api/v1/teams", "/api/v1/teams", orgAdmins, map[string]any{}},
	{"GET", "/api/v1/teams/:team", "/api/v1/teams/payments", loggedIn, nil},
	{"PUT", "/api/v1/teams/:team/members/:username", "/api/v1/teams/payments/members/ghost", teamManagers, map[string]any{"role": "nonsense"}},
	{"DELETE", "/api/v1/teams/:team/members/:username", "/api/v1/teams/payments/members/ghost", teamManagers, nil},
}

func TestPermissionMatrixCoversEveryRoute(t *testing.T) {
	e := newEnv(t)
	p, err := policy.New(context.Background(), e.store)
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]bool{}
	for _, r := range matrix {
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

	for _, row := range matrix {
		for _, s := range subjects {
			t.Run(row.method+" "+row.path+" as "+s, func(t *testing.T) {
				var status int
				var location string
				if strings.HasPrefix(row.path, "/api/") {
					res, _ := e.api(row.method, row.path, tokens[s], row.body)
					status = res.StatusCode
				} else {
					b := browsers[s]
					var res *http.Response
					if row.method == "GET" {
						res = b.get(row.path)
					} else if row.route == "/logout" || row.route == "/login" {
						// Use a throw-away browser so the shared session survives.
						nb := e.browser()
						if s != "anonymous" {
							nb.login(s)
						}
						res = nb.post(row.path, nil)
					} else {
						res = b.post(row.path, url.Values{})
					}
					res.Body.Close()
					status = res.StatusCode
					location = res.Header.Get("Location")
				}
				allowed := row.allow[s]
				switch {
				case allowed && (status == 401 || status == 403 || strings.HasPrefix(location, "/login?")):
					t.Errorf("status %d (location %q), want access", status, location)
				case !allowed && s == "anonymous" && strings.HasPrefix(row.path, "/api/") && status != 401:
					t.Errorf("status %d, want 401", status)
				case !allowed && s == "anonymous" && !strings.HasPrefix(row.path, "/api/") && (status != 303 || !strings.HasPrefix(location, "/login")):
					t.Errorf("status %d location %q, want 303 to /login", status, location)
				case !allowed && s != "anonymous" && status != 403:
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
