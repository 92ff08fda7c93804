package handlers_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/portico-dev/portico/policy"
)

func TestAPITeamsAndMembers(t *testing.T) {
	e := newEnv(t)
	admin := e.user("admin", policy.RoleAdmin, "", "")
	alice := e.user("alice", policy.RoleMember, "", "")
	tok := e.token(admin)

	res, body := e.api("POST", "/api/v1/teams", tok, map[string]any{"slug": "payments", "name": "Payments"})
	if res.StatusCode != 201 || body["slug"] != "payments" {
		t.Fatalf("create team: %d %v", res.StatusCode, body)
	}
	res, body = e.api("POST", "/api/v1/teams", tok, map[string]any{"slug": "payments", "name": "Again"})
	if res.StatusCode != 422 || res.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("duplicate team: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if errs, _ := body["errors"].([]any); len(errs) != 1 || errs[0].(map[string]any)["field"] != "slug" {
		t.Errorf("duplicate team problem errors = %v, want one on slug", body["errors"])
	}

	res, body = e.api("PUT", "/api/v1/teams/payments/members/alice", tok, map[string]any{"role": "owner"})
	if res.StatusCode != 201 {
		t.Fatalf("set member: %d %v, want 201", res.StatusCode, body)
	}
	// Alice is now owner: her token may manage members, effective at the next request.
	aliceTok := e.token(alice)
	res, body = e.api("PUT", "/api/v1/teams/payments/members/admin", aliceTok, map[string]any{"role": "viewer"})
	if res.StatusCode != 201 {
		t.Fatalf("owner sets member: %d %v, want 201", res.StatusCode, body)
	}
	res, body = e.api("GET", "/api/v1/teams/payments", aliceTok, nil)
	members, _ := body["members"].([]any)
	if res.StatusCode != 200 || len(members) != 2 {
		t.Fatalf("get team: %d %v", res.StatusCode, body)
	}
	// The last owner cannot leave the team ownerless.
	res, body = e.api("DELETE", "/api/v1/teams/payments/members/alice", aliceTok, nil)
	if res.StatusCode != 409 {
		t.Errorf("remove last owner: %d %v, want 409", res.StatusCode, body)
	}
	res, _ = e.api("DELETE", "/api/v1/teams/payments/members/admin", aliceTok, nil)
	if res.StatusCode != 204 {
		t.Errorf("remove member: %d, want 204", res.StatusCode)
	}
	res, _ = e.api("DELETE", "/api/v1/teams/payments/members/admin", aliceTok, nil)
	if res.StatusCode != 404 {
		t.Errorf("remove non-member: %d, want 404", res.StatusCode)
	}
	// Demote alice (by the admin): she loses member management at once.
	res, _ = e.api("PUT", "/api/v1/teams/payments/members/alice", tok, map[string]any{"role": "owner"})
	if res.StatusCode != 200 {
		t.Fatal(res.StatusCode)
	}
	e.api("PUT", "/api/v1/teams/payments/members/admin", tok, map[string]any{"role": "owner"})
	res, _ = e.api("PUT", "/api/v1/teams/payments/members/alice", tok, map[string]any{"role": "viewer"})
	if res.StatusCode != 200 {
		t.Fatalf("demote alice: %d", res.StatusCode)
	}
	res, _ = e.api("PUT", "/api/v1/teams/payments/members/admin", aliceTok, map[string]any{"role": "viewer"})
	if res.StatusCode != 403 {
		t.Errorf("demoted owner still manages members: %d, want 403", res.StatusCode)
	}

	events, err := e.store.ListAudit(context.Background(), storeAuditAll())
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, ev := range events {
		actions = append(actions, ev.Action)
	}
	if !strings.Contains(strings.Join(actions, ","), "team.member.remove") || !strings.Contains(strings.Join(actions, ","), "team.create") {
		t.Errorf("audit actions = %v, want team.create and team.member.remove", actions)
	}
}

func TestAPIUsers(t *testing.T) {
	e := newEnv(t)
	admin := e.user("admin", policy.RoleAdmin, "", "")
	tok := e.token(admin)

	res, body := e.api("POST", "/api/v1/users", tok, map[string]any{"username": "Bob", "email": "bob@example.com", "org_role": "approver"})
	if res.StatusCode != 201 || body["username"] != "bob" || body["org_role"] != "approver" {
		t.Fatalf("create user: %d %v", res.StatusCode, body)
	}
	if pw, _ := body["password"].(string); len(pw) < 10 {
		t.Errorf("one-time password %q too short", pw)
	}
	tests := []struct {
		name   string
		body   any
		status int
		field  string
	}{
		{"bad username", map[string]any{"username": "no spaces"}, 422, "username"},
		{"bad role", map[string]any{"username": "carol", "org_role": "king"}, 422, "org_role"},
		{"bad email", map[string]any{"username": "carol", "email": "nope"}, 422, "email"},
		{"unknown field", map[string]any{"username": "carol", "admin": true}, 400, ""},
		{"taken", map[string]any{"username": "bob"}, 422, "username"},
	}
	for _, tt := range tests {
		res, body := e.api("POST", "/api/v1/users", tok, tt.body)
		if res.StatusCode != tt.status {
			t.Errorf("%s: status %d, want %d (%v)", tt.name, res.StatusCode, tt.status, body)
			continue
		}
		if body["status"] != float64(tt.status) || body["title"] == "" {
			t.Errorf("%s: problem document %v", tt.name, body)
		}
		if tt.field != "" {
			errs, _ := body["errors"].([]any)
			if len(errs) == 0 || errs[0].(map[string]any)["field"] != tt.field {
				t.Errorf("%s: errors %v, want field %s", tt.name, errs, tt.field)
			}
		}
	}

	res, body = e.api("PATCH", "/api/v1/users/bob", tok, map[string]any{"disabled": true})
	if res.StatusCode != 200 || body["disabled"] != true || body["org_role"] != "approver" {
		t.Fatalf("disable bob: %d %v", res.StatusCode, body)
	}
	res, _ = e.api("PATCH", "/api/v1/users/admin", tok, map[string]any{"org_role": "member"})
	if res.StatusCode != 422 {
		t.Errorf("admin demoting themselves: %d, want 422", res.StatusCode)
	}
	res, _ = e.api("PATCH", "/api/v1/users/ghost", tok, map[string]any{"disabled": true})
	if res.StatusCode != 404 {
		t.Errorf("patch unknown user: %d, want 404", res.StatusCode)
	}

	res, body = e.api("GET", "/api/v1/me", tok, nil)
	if res.StatusCode != 200 || body["username"] != "admin" {
		t.Errorf("me: %d %v", res.StatusCode, body)
	}
	// The scheme's name is matched in any case (RFC 9110, 11.1).
	for _, good := range []string{"bearer " + tok, "BEARER  " + tok} {
		req := httptest.NewRequest("GET", "/api/v1/me", nil)
		req.Header.Set("Authorization", good)
		res, err := e.app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Errorf("Authorization %q…: %d, want 200", good[:8], res.StatusCode)
		}
	}
	for _, bad := range []string{"Bearer nope", "Basic abc", "Bearer pat_" + strings.Repeat("x", 43)} {
		req := httptest.NewRequest("GET", "/api/v1/me", nil)
		req.Header.Set("Authorization", bad)
		res, err := e.app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 401 || !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("Authorization %q: %d %q, want 401 with WWW-Authenticate", bad, res.StatusCode, res.Header.Get("WWW-Authenticate"))
		}
	}
}

// TestAPIDescriptionCoversRoutes checks that /api/v1/openapi.json is a valid
// OpenAPI document describing every /api/v1 route of the route table.
func TestAPIDescriptionCoversRoutes(t *testing.T) {
	e := newEnv(t)
	res, err := e.app.Test(httptest.NewRequest("GET", "/api/v1/openapi.json", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		t.Fatalf("parse openapi.json: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.json is invalid: %v", err)
	}
	var missing []string
	for _, r := range routesOf(t, e) {
		if !strings.HasPrefix(r[1], "/api/v1/") {
			continue
		}
		path := openAPIPath(r[1])
		item := doc.Paths.Find(path)
		if item == nil || item.GetOperation(r[0]) == nil {
			missing = append(missing, r[0]+" "+path)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("routes missing from openapi.json: %v", missing)
	}
	var asJSON map[string]any
	if err := json.Unmarshal(raw, &asJSON); err != nil {
		t.Fatal(err)
	}
}

// openAPIPath turns /teams/:team into /teams/{team}.
func openAPIPath(route string) string {
	parts := strings.Split(route, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") {
			parts[i] = "{" + p[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

// The router matches paths without regard to case and ignores a trailing
// slash, so every error of a request it routes to the JSON API or the MCP
// endpoint is a problem document, however the path was written.
func TestAPIErrorsAreProblemsHoweverThePathIsWritten(t *testing.T) {
	e := newEnv(t)
	tok := e.token(e.user("admin", policy.RoleAdmin, "", ""))
	for _, tt := range []struct {
		method, path, token string
		want                int
	}{
		{"GET", "/API/v1/me", "", 401},
		{"GET", "/Api/V1/me/", "", 401},
		{"GET", "/API/v1/teams/nobody", tok, 404},
		{"GET", "/api/v1/teams/nobody/", tok, 404},
		{"POST", "/MCP", "", 401},
		{"POST", "/mcp/", "", 401},
	} {
		res, _ := e.api(tt.method, tt.path, tt.token, nil)
		if res.StatusCode != tt.want || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s %s: %d %q, want %d application/problem+json", tt.method, tt.path, res.StatusCode, res.Header.Get("Content-Type"), tt.want)
		}
	}
}
