package handlers_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/auth"
	"github.com/portico-dev/portico/handlers"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store/storetest"
)

func TestLoginLogout(t *testing.T) {
	e := newEnv(t)
	e.user("alice", policy.RoleMember, "", "")
	b := e.browser()

	res := b.get("/")
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
		t.Fatalf("GET / logged out: %d %q, want 303 to /login", res.StatusCode, res.Header.Get("Location"))
	}

	d := doc(t, b.get("/login"))
	if d.Find(`form[data-testid="login-form"] input[name="_csrf"]`).Length() != 1 {
		t.Fatal("login form has no CSRF field")
	}

	res = b.post("/login", url.Values{"username": {"alice"}, "password": {testPassword}, "next": {"/profile"}})
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/profile" {
		t.Fatalf("login: %d %q, want 303 to /profile", res.StatusCode, res.Header.Get("Location"))
	}
	sessionID := b.cookies["portico_session"]
	if sessionID == "" {
		t.Fatal("no session cookie after login")
	}

	d = doc(t, b.get("/"))
	if got := d.Find(`[data-testid="profile-link"]`).Text(); !strings.Contains(got, "alice") {
		t.Errorf("dashboard profile link = %q, want alice", got)
	}

	res = b.post("/logout", nil)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: status %d, want 303", res.StatusCode)
	}
	// The old session id is dead even if a client replays it.
	replay := e.browser()
	replay.cookies["portico_session"] = sessionID
	res = replay.get("/")
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("replayed session after logout: status %d, want 303 to login", res.StatusCode)
	}
}

func TestLoginRejectsOpenRedirect(t *testing.T) {
	e := newEnv(t)
	e.user("alice", policy.RoleMember, "", "")
	for _, next := range []string{"//evil.example", "https://evil.example/", "/\\evil.example", "/\t/evil.example", "/%09/evil.example", "/%2f/evil.example", "javascript:alert(1)"} {
		b := e.browser()
		res := b.post("/login", url.Values{"username": {"alice"}, "password": {testPassword}, "next": {next}})
		res.Body.Close()
		if got := res.Header.Get("Location"); got != "/" {
			t.Errorf("next=%q: redirected to %q, want /", next, got)
		}
	}
}

// TestLoginAfterAnExpiredSessionReturnsToTheForm: a form sent after the
// session expired leads to the login page, and the login back to the page
// the form was on (its Referer on this host), not to the address the form
// posted to, which only takes POST (the GET after login answered 404). A
// Referer of another host is not followed; a GET keeps its own address.
func TestLoginAfterAnExpiredSessionReturnsToTheForm(t *testing.T) {
	e := newEnv(t)
	e.user("alice", policy.RoleMember, "", "")
	b := e.browser()
	b.login("alice")
	b.get("/profile").Body.Close()
	// The session cookie expires in the browser (its Expires is the session's end).
	delete(b.cookies, "portico_session")

	send := func(referer string) string {
		form := url.Values{"name": {"ci"}, "_csrf": {b.csrf()}}
		req := httptest.NewRequest("POST", "/profile/tokens", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if referer != "" {
			req.Header.Set("Referer", referer)
		}
		res := b.do(req)
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("form with an expired session (Referer %q): status %d, want 303 to the login page", referer, res.StatusCode)
		}
		return res.Header.Get("Location")
	}
	for _, tt := range []struct{ referer, want string }{
		{"http://example.com/profile", "/login?next=%2Fprofile"},
		{"http://example.com/profile?tab=tokens", "/login?next=%2Fprofile%3Ftab%3Dtokens"},
		{"https://evil.example/profile", "/login"},
		{"", "/login"},
	} {
		if got := send(tt.referer); got != tt.want {
			t.Errorf("form with an expired session, Referer %q: redirected to %q, want %q", tt.referer, got, tt.want)
		}
	}
	res := b.get("/profile?tab=tokens")
	res.Body.Close()
	if got, want := res.Header.Get("Location"), "/login?next=%2Fprofile%3Ftab%3Dtokens"; got != want {
		t.Errorf("GET with an expired session: redirected to %q, want %q", got, want)
	}

	// The login page's form carries next; the login leads to a page.
	loc, err := url.Parse(send("http://example.com/profile"))
	if err != nil {
		t.Fatal(err)
	}
	next := loc.Query().Get("next")
	res = b.post("/login", url.Values{"username": {"alice"}, "password": {testPassword}, "next": {next}})
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != next {
		t.Fatalf("login: %d %q, want 303 to %q", res.StatusCode, res.Header.Get("Location"), next)
	}
	res = b.get(next)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("GET %s after the login: status %d, want 200", next, res.StatusCode)
	}
}

func TestWrongPassword(t *testing.T) {
	e := newEnv(t)
	e.user("alice", policy.RoleMember, "", "")
	tests := []struct{ username, password string }{
		{"alice", "wrong password!"},
		{"nobody", testPassword},
		{"alice", ""},
	}
	for _, tt := range tests {
		b := e.browser()
		res := b.post("/login", url.Values{"username": {tt.username}, "password": {tt.password}})
		if res.StatusCode == http.StatusSeeOther {
			t.Errorf("login %s/%q succeeded", tt.username, tt.password)
		}
		d := doc(t, res)
		if d.Find(`[data-testid="form-error"]`).Length() != 1 {
			t.Errorf("login %s/%q: no form error shown", tt.username, tt.password)
		}
		if d.Find(`input[name="password"]`).AttrOr("value", "") != "" {
			t.Error("the password is echoed back into the form")
		}
		if b.cookies["portico_session"] != "" {
			t.Error("a session cookie was set after a failed login")
		}
	}
}

func TestLoginRateLimit(t *testing.T) {
	e := newEnv(t)
	e.user("alice", policy.RoleMember, "", "")
	b := e.browser()
	for range 5 {
		res := b.post("/login", url.Values{"username": {"alice"}, "password": {"wrong password!"}})
		res.Body.Close()
	}
	res := b.post("/login", url.Values{"username": {"alice"}, "password": {testPassword}})
	res.Body.Close()
	if res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("login after 5 failures: status %d, want 429", res.StatusCode)
	}
	if res.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
}

func TestCSRFRejection(t *testing.T) {
	e := newEnv(t)
	e.user("admin", policy.RoleAdmin, "", "")
	b := e.browser()
	b.login("admin")

	for _, token := range []string{"", "forged-token-forged-token-forged-token-xx"} {
		res := b.post("/teams", url.Values{"_csrf": {token}, "slug": {"evil"}, "name": {"Evil"}})
		res.Body.Close()
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("POST with CSRF %q: status %d, want 403", token, res.StatusCode)
		}
	}
	if _, err := e.store.TeamBySlug(context.Background(), "evil"); err == nil {
		t.Fatal("a team was created without a valid CSRF token")
	}
	// Login itself is protected too (login CSRF).
	res := e.browser().post("/login", url.Values{"_csrf": {"x"}, "username": {"admin"}, "password": {testPassword}})
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("login with a forged CSRF token: status %d, want 403", res.StatusCode)
	}
	// The header is accepted like the field (htmx sends it).
	req := newFormRequest("/teams", url.Values{"slug": {"good"}, "name": {"Good"}})
	req.Header.Set("X-CSRF-Token", b.csrf())
	res = b.do(req)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("POST with CSRF header: status %d, want 303", res.StatusCode)
	}
}

func TestSessionSurvivesRestart(t *testing.T) {
	e := newEnv(t)
	e.user("alice", policy.RoleMember, "", "")
	b := e.browser()
	b.login("alice")
	e.app = e.build() // a new process over the same database
	res := b.get("/profile")
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /profile after restart: status %d, want 200", res.StatusCode)
	}
}

func TestSessionIDRotatesAtLogin(t *testing.T) {
	e := newEnv(t)
	e.user("alice", policy.RoleMember, "", "")
	b := e.browser()
	b.login("alice")
	first := b.cookies["portico_session"]
	b.login("alice")
	if b.cookies["portico_session"] == first {
		t.Error("the session id did not change at the second login")
	}
	stale := e.browser()
	stale.cookies["portico_session"] = first
	res := stale.get("/")
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("the session replaced at login still works: status %d", res.StatusCode)
	}
}

func TestSessionCookieAttributes(t *testing.T) {
	e := newEnv(t)
	e.user("alice", policy.RoleMember, "", "")
	b := e.browser()
	res := b.post("/login", url.Values{"username": {"alice"}, "password": {testPassword}})
	res.Body.Close()
	var found bool
	for _, c := range res.Cookies() {
		if c.Name != "portico_session" {
			continue
		}
		found = true
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
			t.Errorf("session cookie HttpOnly=%v SameSite=%v, want HttpOnly and Lax", c.HttpOnly, c.SameSite)
		}
	}
	if !found {
		t.Fatal("no session cookie")
	}
}

func TestDisabledUserLosesAccess(t *testing.T) {
	e := newEnv(t)
	e.user("admin", policy.RoleAdmin, "", "")
	bob := e.user("bob", policy.RoleMember, "", "")
	tok := e.token(bob)
	bb := e.browser()
	bb.login("bob")

	ab := e.browser()
	ab.login("admin")
	res := ab.post("/users/bob", url.Values{"org_role": {"member"}, "disabled": {"true"}})
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable bob: status %d", res.StatusCode)
	}
	res = bb.get("/")
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("disabled user's session: status %d, want 303 to login", res.StatusCode)
	}
	if res, _ := e.api("GET", "/api/v1/me", tok, nil); res.StatusCode != 401 {
		t.Errorf("disabled user's token: status %d, want 401", res.StatusCode)
	}
}

// TestNoSecretsInPlainText checks that passwords, session ids and tokens are
// neither stored nor logged as they are.
func TestNoSecretsInPlainText(t *testing.T) {
	e := newEnv(t)
	e.user("admin", policy.RoleAdmin, "", "")
	b := e.browser()
	b.login("admin")

	// A token created through the UI, and a user created with a one-time password.
	d := doc(t, b.post("/profile/tokens", url.Values{"name": {"ci"}}))
	token := strings.TrimSpace(d.Find(`[data-testid="new-token"] code`).Text())
	if !strings.HasPrefix(token, "pat_") {
		t.Fatalf("new token = %q, want pat_…", token)
	}
	d = doc(t, b.post("/users", url.Values{"username": {"carol"}, "org_role": {"member"}}))
	oneTime := strings.TrimSpace(d.Find(`[data-testid="one-time-password"]`).Text())
	if len(oneTime) < 10 {
		t.Fatalf("one-time password = %q", oneTime)
	}
	// Use the token and the password so they pass through the logs.
	if res, _ := e.api("GET", "/api/v1/me", token, nil); res.StatusCode != 200 {
		t.Fatalf("token does not work: %d", res.StatusCode)
	}
	cb := e.browser()
	res := cb.post("/login?password="+url.QueryEscape(oneTime), url.Values{"username": {"carol"}, "password": {oneTime}})
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("one-time password does not work: %d", res.StatusCode)
	}
	session := cb.cookies["portico_session"]

	secrets := map[string]string{"password": testPassword, "one-time password": oneTime, "token": token, "session id": session}
	dump := dumpDatabase(t, e)
	logs := e.logs.String()
	for name, s := range secrets {
		if strings.Contains(dump, s) {
			t.Errorf("the database stores the %s in plain text", name)
		}
		if strings.Contains(logs, s) {
			t.Errorf("the log contains the %s", name)
		}
	}
}

// dumpDatabase returns every text value of every table.
func dumpDatabase(t *testing.T, e *env) string {
	t.Helper()
	ctx := context.Background()
	var sb strings.Builder
	for _, table := range []string{"users", "sessions", "api_tokens", "audit_events", "login_failures", "outbox", "teams", "team_members"} {
		rows, err := e.store.DB().QueryContext(ctx, "SELECT * FROM "+table)
		if err != nil {
			t.Fatalf("dump %s: %v", table, err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]sql.NullString, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatalf("scan %s: %v", table, err)
			}
			for _, v := range vals {
				sb.WriteString(v.String)
				sb.WriteByte('\n')
			}
		}
		rows.Close()
	}
	return sb.String()
}

// TestTrustedProxies checks that forwarded headers count only from the
// configured proxies: the client address for login limits, and TLS for the
// Secure cookie flag.
func TestTrustedProxies(t *testing.T) {
	s := storetest.New(t)
	p, err := policy.New(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	hasher := auth.NewTestHasher()
	// login fails a login through app and reports whether the CSRF cookie it got was Secure.
	login := func(app *fiber.App, forwardedFor string) (secure bool) {
		t.Helper()
		get := httptest.NewRequest("GET", "/login", nil)
		get.Header.Set("X-Forwarded-Proto", "https")
		res, err := app.Test(get, -1)
		if err != nil {
			t.Fatal(err)
		}
		d, err := goquery.NewDocumentFromReader(res.Body)
		res.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		token := d.Find(`meta[name="csrf-token"]`).AttrOr("content", "")
		var cookie *http.Cookie
		for _, c := range res.Cookies() {
			if strings.HasSuffix(c.Name, "portico_csrf") {
				cookie, secure = c, c.Secure
			}
		}
		if cookie == nil {
			t.Fatal("no CSRF cookie")
		}
		if secure != (cookie.Name == "__Host-portico_csrf") {
			t.Errorf("CSRF cookie %s with Secure=%v: want the __Host- prefix exactly over TLS", cookie.Name, secure)
		}
		req := newFormRequest("/login", url.Values{"_csrf": {token}, "username": {"nobody"}, "password": {"wrong password!"}})
		req.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
		req.Header.Set("X-Forwarded-For", forwardedFor)
		req.Header.Set("X-Forwarded-Proto", "https")
		res, err = app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("wrong password through %s: %d, want 401", forwardedFor, res.StatusCode)
		}
		return secure
	}
	// app.Test requests come from 0.0.0.0.
	behindProxy := handlers.New(s, p, handlers.Options{Hasher: hasher, TrustedProxies: []string{"0.0.0.0"}}).App()
	direct := handlers.New(s, p, handlers.Options{Hasher: hasher}).App()

	if !login(behindProxy, "203.0.113.7") {
		t.Error("behind a trusted proxy that says https, the CSRF cookie is not Secure")
	}
	if login(direct, "198.51.100.9") {
		t.Error("an untrusted X-Forwarded-Proto made the CSRF cookie Secure")
	}
	ctx := context.Background()
	since := time.Now().Add(-time.Hour)
	if n, _ := s.LoginFailures(ctx, "nobody", "203.0.113.7", since); n.Addr != 1 {
		t.Errorf("failures of the forwarded client = %d, want 1 (X-Forwarded-For from a trusted proxy)", n.Addr)
	}
	if n, _ := s.LoginFailures(ctx, "nobody", "198.51.100.9", since); n.Addr != 0 {
		t.Errorf("failures under a spoofed X-Forwarded-For = %d, want 0 (the header is not trusted)", n.Addr)
	}
	if n, _ := s.LoginFailures(ctx, "nobody", "0.0.0.0", since); n.Addr != 1 {
		t.Errorf("failures of the direct peer = %d, want 1", n.Addr)
	}
}

// TestCSRFBoundToSession checks that a CSRF token is good only with the
// session it was made for: a cookie and field pair planted from another
// session, or made up as a double submit, is refused; and that a request
// from another site or origin is refused whatever its token.
func TestCSRFBoundToSession(t *testing.T) {
	e := newEnv(t)
	e.user("admin", policy.RoleAdmin, "", "")
	e.user("mallory", policy.RoleMember, "", "")
	victim := e.browser()
	victim.login("admin")
	attacker := e.browser()
	attacker.login("mallory")
	visitor := e.browser()
	visitorToken := visitor.csrf()

	create := func(b *browser, slug, token string, headers map[string]string, cookies map[string]string) int {
		t.Helper()
		req := newFormRequest("/teams", url.Values{"_csrf": {token}, "slug": {slug}, "name": {"Team " + slug}})
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		for k, v := range cookies {
			req.AddCookie(&http.Cookie{Name: k, Value: v})
		}
		res := b.do(req)
		res.Body.Close()
		return res.StatusCode
	}
	for _, tc := range []struct {
		name    string
		token   string
		cookies map[string]string
	}{
		{"another session's token", attacker.csrf(), nil},
		{"a visitor's token with its planted cookie", visitorToken, map[string]string{"portico_csrf": visitor.cookies["portico_csrf"]}},
		{"a made-up double submit", strings.Repeat("A", 43), map[string]string{"portico_csrf": strings.Repeat("A", 43)}},
	} {
		if got := create(victim, "planted", tc.token, nil, tc.cookies); got != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", tc.name, got)
		}
	}
	if _, err := e.store.TeamBySlug(context.Background(), "planted"); err == nil {
		t.Fatal("a team was created with another session's token")
	}

	own := victim.csrf()
	if own == visitorToken || own == attacker.csrf() || len(own) < 43 {
		t.Fatalf("tokens are not per session or too short: %q", own)
	}
	for _, h := range []map[string]string{
		{"Origin": "https://evil.example"},
		{"Origin": "http://portal.example.evil.example"},
		{"Origin": "null"},
		{"Sec-Fetch-Site": "cross-site"},
		{"Sec-Fetch-Site": "same-site"}, // a sibling subdomain
	} {
		if got := create(victim, "crosssite", own, h, nil); got != http.StatusForbidden {
			t.Errorf("%v with a valid token: status %d, want 403", h, got)
		}
	}
	// app.Test requests are for example.com.
	if got := create(victim, "sameorigin", own, map[string]string{"Origin": "http://example.com", "Sec-Fetch-Site": "same-origin"}, nil); got != http.StatusSeeOther {
		t.Errorf("a same-origin request with its token: status %d, want 303", got)
	}
	// The token of a session dies with it.
	victim.post("/logout", nil).Body.Close()
	victim.login("admin")
	if got := create(victim, "stale", own, nil, nil); got != http.StatusForbidden {
		t.Errorf("the previous session's token: status %d, want 403", got)
	}
}

// TestNotFoundPageNamesTheUser: an address no route serves answers the
// 404 page with the logged-in user's navigation, as every other page does
// (it offered "Log in" to a user who was logged in); so does the 405 page
// of an address served with other methods only.
func TestNotFoundPageNamesTheUser(t *testing.T) {
	e := newEnv(t)
	e.user("alice", policy.RoleMember, "", "")
	b := e.browser()
	b.login("alice")
	for path, want := range map[string]int{"/no/such/page": http.StatusNotFound, "/subscriptions/1/approve": http.StatusMethodNotAllowed} {
		res := b.get(path)
		if res.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, res.StatusCode, want)
		}
		d := doc(t, res)
		if got := d.Find(`[data-testid="profile-link"]`).Text(); !strings.Contains(got, "alice") {
			t.Errorf("GET %s: the 404 page does not name alice (profile link %q)", path, got)
		}
	}
}

// A browser whose User-Agent is long and not ASCII still logs in, and the
// session keeps whole characters of it.
func TestLoginWithALongNonASCIIUserAgent(t *testing.T) {
	e := newEnv(t)
	e.user("alice", policy.RoleMember, "", "")
	b := e.browser()
	form := url.Values{"username": {"alice"}, "password": {testPassword}, "_csrf": {b.csrf()}}
	req := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", strings.Repeat("é", 200))
	res := b.do(req)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: status %d, want 303", res.StatusCode)
	}
	sess, _, err := e.store.SessionUser(context.Background(), auth.HashToken(b.cookies["portico_session"]), 0)
	if err != nil {
		t.Fatal(err)
	}
	if !utf8.ValidString(sess.UserAgent) || len(sess.UserAgent) > 255 {
		t.Errorf("stored user agent %q (%d bytes): want valid UTF-8 of at most 255 bytes", sess.UserAgent, len(sess.UserAgent))
	}
}
