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

func TestAdminManagesUsersAndTeams(t *testing.T) {
	e := newEnv(t)
	e.user("admin", policy.RoleAdmin, "", "")
	b := e.browser()
	b.login("admin")
	if doc(t, b.get("/")).Find(`[data-testid="empty"] a[href="/teams/new"]`).Length() != 1 {
		t.Error("an admin in no team is not offered to create one on the dashboard")
	}

	// Invalid user form: re-rendered with the values and the field errors.
	res := b.post("/users", url.Values{"username": {"x y"}, "email": {"not-an-email"}, "org_role": {"member"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid user: status %d, want 422", res.StatusCode)
	}
	d := doc(t, res)
	if d.Find(`[data-testid="error-username"]`).Length() != 1 || d.Find(`[data-testid="error-email"]`).Length() != 1 {
		t.Error("the form does not show the username and email errors")
	}
	if got := d.Find(`input[name="email"]`).AttrOr("value", ""); got != "not-an-email" {
		t.Errorf("email field = %q, want the submitted value", got)
	}

	d = doc(t, b.post("/users", url.Values{"username": {"dana"}, "display_name": {"Dana <b>Scully</b>"}, "org_role": {"member"}}))
	if d.Find(`[data-testid="one-time-password"]`).Text() == "" {
		t.Fatal("no one-time password after creating a user")
	}
	d = doc(t, b.get("/users"))
	if n := d.Find(`[data-testid="user-row"]`).Length(); n != 2 {
		t.Errorf("users listed = %d, want 2", n)
	}
	html, _ := d.Html()
	if strings.Contains(html, "<b>Scully</b>") {
		t.Error("the display name is not escaped")
	}

	// Teams.
	res = b.post("/teams", url.Values{"slug": {"-bad-"}, "name": {""}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid team: status %d", res.StatusCode)
	}
	res.Body.Close()
	res = b.post("/teams", url.Values{"slug": {"payments"}, "name": {"Payments"}, "description": {"Money in, money out."}})
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/teams/payments" {
		t.Fatalf("create team: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	d = doc(t, b.get("/teams/payments"))
	if got := d.Find(`[data-testid="flash"]`).Text(); !strings.Contains(got, "Payments created") {
		t.Errorf("flash = %q, want the creation message", got)
	}
	if d.Find(`[data-testid="add-member-form"]`).Length() != 1 {
		t.Error("the admin sees no add-member form")
	}
	// The flash is shown once.
	if doc(t, b.get("/teams/payments")).Find(`[data-testid="flash"]`).Length() != 0 {
		t.Error("the flash message shows twice")
	}

	res = b.post("/teams/payments/members", url.Values{"username": {"nobody"}, "role": {"owner"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("add unknown user: status %d, want 422", res.StatusCode)
	}
	if doc(t, res).Find(`[data-testid="error-username"]`).Length() != 1 {
		t.Error("no error for the unknown user")
	}
	res = b.post("/teams/payments/members", url.Values{"username": {"dana"}, "role": {"owner"}})
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add member: status %d", res.StatusCode)
	}

	// Dana, now owner, manages members from her own session.
	db := e.browser()
	u, _ := e.store.UserByUsername(context.Background(), "dana")
	hash, _ := e.hasher.Hash(context.Background(), testPassword)
	if err := e.store.SetPassword(context.Background(), e.store.DB(), u.ID, u.PasswordHash, hash); err != nil {
		t.Fatal(err)
	}
	db.login("dana")
	d = doc(t, db.get("/"))
	if d.Find(`[data-testid="team-card"]`).Length() != 1 {
		t.Error("Dana's dashboard does not list her team")
	}
	d = doc(t, db.get("/teams/payments"))
	if d.Find(`[data-testid="remove-member"]`).Length() != 1 {
		t.Error("the owner sees no remove button")
	}
	res = db.post("/teams/payments/members/dana/remove", nil)
	res.Body.Close()
	d = doc(t, db.get("/teams/payments"))
	if !strings.Contains(d.Find(`[data-testid="flash"]`).Text(), "at least one owner") {
		t.Errorf("removing the last owner: flash %q, want a refusal", d.Find(`[data-testid="flash"]`).Text())
	}
}

func TestMemberSeesNoAdminControls(t *testing.T) {
	e := newEnv(t)
	e.user("viewer", policy.RoleMember, "payments", policy.RoleViewer)
	b := e.browser()
	b.login("viewer")
	d := doc(t, b.get("/teams/payments"))
	if d.Find(`[data-testid="add-member-form"]`).Length() != 0 || d.Find(`[data-testid="remove-member"]`).Length() != 0 {
		t.Error("a viewer sees member management controls")
	}
	if doc(t, b.get("/teams")).Find(`[data-testid="new-team"]`).Length() != 0 {
		t.Error("a member sees the new-team button")
	}
	if doc(t, b.get("/")).Find(`a[href="/users"]`).Length() != 0 {
		t.Error("a member sees the users navigation")
	}
}

func TestProfileTokensAndPassword(t *testing.T) {
	e := newEnv(t)
	e.user("alice", policy.RoleMember, "", "")
	b := e.browser()
	b.login("alice")
	other := e.browser()
	other.login("alice")

	res := b.post("/profile/tokens", url.Values{"name": {""}, "expires_days": {"0"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid token form: %d", res.StatusCode)
	}
	d := doc(t, res)
	if d.Find(`[data-testid="error-name"]`).Length() != 1 || d.Find(`[data-testid="error-expires_days"]`).Length() != 1 {
		t.Error("token form errors not shown")
	}
	d = doc(t, b.post("/profile/tokens", url.Values{"name": {"ci"}, "expires_days": {"30"}}))
	tok := strings.TrimSpace(d.Find(`[data-testid="new-token"] code`).Text())
	if res, _ := e.api("GET", "/api/v1/me", tok, nil); res.StatusCode != 200 {
		t.Fatalf("new token: %d", res.StatusCode)
	}
	// The token is shown once: the profile page no longer contains it.
	html, _ := doc(t, b.get("/profile")).Html()
	if strings.Contains(html, tok) {
		t.Error("the token is shown again")
	}
	tokens, _ := e.store.UserTokens(context.Background(), mustUser(t, e, "alice").ID)
	res = b.post("/profile/tokens/"+itoa(tokens[0].ID)+"/revoke", nil)
	res.Body.Close()
	if res, _ := e.api("GET", "/api/v1/me", tok, nil); res.StatusCode != 401 {
		t.Errorf("revoked token: %d, want 401", res.StatusCode)
	}

	res = b.post("/profile/password", url.Values{"current": {"wrong"}, "new": {"short"}, "confirm": {"short"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad password change: %d", res.StatusCode)
	}
	d = doc(t, res)
	if d.Find(`[data-testid="error-current"]`).Length() != 1 || d.Find(`[data-testid="error-new"]`).Length() != 1 {
		t.Error("password form errors not shown")
	}
	d = doc(t, b.post("/profile/tokens", url.Values{"name": {"laptop"}}))
	live := strings.TrimSpace(d.Find(`[data-testid="new-token"] code`).Text())
	if hint := d.Find(`[data-testid="password-form"]`).Text(); !strings.Contains(hint, "revokes all your personal access tokens") {
		t.Errorf("the password form does not say that a change revokes the tokens: %q", hint)
	}
	res = b.post("/profile/password", url.Values{"current": {testPassword}, "new": {"a much better passphrase"}, "confirm": {"a much better passphrase"}})
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("password change: %d", res.StatusCode)
	}
	if res, _ := e.api("GET", "/api/v1/me", live, nil); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("a personal access token after a password change: %d, want 401 (revoked)", res.StatusCode)
	}
	if res := other.get("/profile"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the other session survived a password change: %d", res.StatusCode)
	}
	if res := b.get("/profile"); res.StatusCode != http.StatusOK {
		t.Errorf("the current session ended with the password change: %d", res.StatusCode)
	}
}

func TestOperationalEndpoints(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	// In order: /metrics shows the requests served before it.
	for _, tt := range []struct{ path, want string }{
		{"/healthz", `"ok"`},
		{"/readyz", `"database":"ok"`},
		{"/metrics", "portico_http_requests_total"},
	} {
		path, want := tt.path, tt.want
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Authorization", "Bearer "+testMetricsToken)
		res := b.do(req)
		body := readAll(t, res)
		if res.StatusCode != 200 || !strings.Contains(body, want) {
			t.Errorf("GET %s: %d %q, want 200 containing %s", path, res.StatusCode, body[:min(len(body), 200)], want)
		}
	}
	res := b.get("/static/css/app.css")
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("GET /static/css/app.css: %d", res.StatusCode)
	}
}

func TestResponsesAreCompressed(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/static/vendor/scalar/standalone.js", "/static/css/app.css", "/login"} {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		res, err := e.app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("GET %s: %d, Content-Encoding %q; want 200 gzip", path, res.StatusCode, res.Header.Get("Content-Encoding"))
		}
	}
}

// TestOrgControlsFollowThePolicy: the org-wide links and counters show
// exactly for those whom the policy lets through their pages.
func TestOrgControlsFollowThePolicy(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		orgRole          string
		users, audit     bool // navigation links
		stats, createCTA bool // dashboard counters, "New team" for someone in no team
	}{
		{policy.RoleAdmin, true, true, true, true},
		{policy.RoleApprover, false, false, false, false},
		{policy.RoleMember, false, false, false, false},
	} {
		e.user(tc.orgRole+"-user", tc.orgRole, "", "")
		b := e.browser()
		b.login(tc.orgRole + "-user")
		d := doc(t, b.get("/"))
		for _, c := range []struct {
			what, sel string
			want      bool
		}{
			{"Users link", `nav a[href="/users"]`, tc.users},
			{"Audit link", `nav a[href="/audit"]`, tc.audit},
			{"user count", `[data-testid="stat-users"]`, tc.stats},
			{"New team offer", `main a[href="/teams/new"]`, tc.createCTA},
		} {
			if got := d.Find(c.sel).Length() > 0; got != c.want {
				t.Errorf("%s: %s shown = %v, want %v", tc.orgRole, c.what, got, c.want)
			}
		}
		for path, want := range map[string]bool{"/users": tc.users, "/audit": tc.audit} {
			res := b.get(path)
			res.Body.Close()
			if got := res.StatusCode == http.StatusOK; got != want {
				t.Errorf("%s: GET %s status %d, link shown %v", tc.orgRole, path, res.StatusCode, want)
			}
		}
	}
}

// TestMetricsNeedTheToken checks that /metrics is not public: only the
// metrics token gets it, and a portal without one does not serve it.
func TestMetricsNeedTheToken(t *testing.T) {
	e := newEnv(t)
	e.user("admin", policy.RoleAdmin, "", "")
	b := e.browser()
	b.login("admin") // not even an org admin's session
	for _, auth := range []string{"", "Bearer wrong-token-wrong-token", "Bearer " + testMetricsToken + "x", testMetricsToken} {
		req := httptest.NewRequest("GET", "/metrics", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		res := b.do(req)
		body := readAll(t, res)
		if res.StatusCode != http.StatusUnauthorized || strings.Contains(body, "portico_http") {
			t.Errorf("/metrics with Authorization %q: %d, want 401 without metrics", auth, res.StatusCode)
		}
	}
	p, err := policy.New(context.Background(), e.store)
	if err != nil {
		t.Fatal(err)
	}
	off := handlers.New(e.store, p, handlers.Options{Hasher: e.hasher}).App()
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+testMetricsToken)
	res, err := off.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("/metrics without a configured token: %d, want 404", res.StatusCode)
	}
}
