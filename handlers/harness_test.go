package handlers_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/auth"
	"github.com/portico-dev/portico/handlers"
	"github.com/portico-dev/portico/logtest"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// env is a portal wired like production over a fresh database.
type env struct {
	t      testing.TB
	store  *store.Store
	app    *fiber.App
	hasher *auth.Hasher
	logs   *logtest.Buffer
	// addr is where app listens on a real connection, once overTCP started it.
	addr string
	// options, when set, changes the handlers' options before build.
	options func(*handlers.Options)
}

const testPassword = "correct horse battery staple"

// testMetricsToken is the token /metrics requires in the test portals.
const testMetricsToken = "metrics-token-for-tests"

func newEnv(t testing.TB) *env {
	t.Helper()
	return newEnvOn(t, storetest.New(t))
}

func newEnvOn(t testing.TB, s *store.Store) *env {
	t.Helper()
	logs := &logtest.Buffer{}
	e := &env{t: t, store: s, hasher: auth.NewTestHasher(), logs: logs}
	e.app = e.build()
	return e
}

// build wires a new app over the same store, as a restart would.
func (e *env) build() *fiber.App {
	e.t.Helper()
	p, err := policy.New(context.Background(), e.store)
	if err != nil {
		e.t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	opts := handlers.Options{Logger: logger, Hasher: e.hasher, MetricsToken: testMetricsToken}
	if e.options != nil {
		e.options(&opts)
	}
	return handlers.New(e.store, p, opts).App()
}

// user creates a user with an org role and, when team is not empty, a role in that team.
func (e *env) user(username, orgRole, teamSlug, teamRole string) *store.User {
	e.t.Helper()
	ctx := context.Background()
	hash, err := e.hasher.Hash(context.Background(), testPassword)
	if err != nil {
		e.t.Fatal(err)
	}
	u := &store.User{Username: username, OrgRole: orgRole, PasswordHash: hash}
	if err := e.store.CreateUser(ctx, e.store.DB(), u); err != nil {
		e.t.Fatal(err)
	}
	if teamSlug != "" {
		t := e.team(teamSlug)
		if _, err := e.store.SetTeamMember(ctx, e.store.DB(), t.ID, u.ID, teamRole); err != nil {
			e.t.Fatal(err)
		}
	}
	return u
}

// team returns the team with slug, creating it when needed.
func (e *env) team(slug string) *store.Team {
	e.t.Helper()
	ctx := context.Background()
	t, err := e.store.TeamBySlug(ctx, slug)
	if err == nil {
		return t
	}
	t = &store.Team{Slug: slug, Name: strings.ToUpper(slug[:1]) + slug[1:]}
	if err := e.store.CreateTeam(ctx, e.store.DB(), t); err != nil {
		e.t.Fatal(err)
	}
	return t
}

// token issues a personal access token for a user.
func (e *env) token(u *store.User) string {
	e.t.Helper()
	tok, display := auth.NewPersonalToken()
	if err := e.store.CreateToken(context.Background(), e.store.DB(), &store.APIToken{UserID: u.ID, Name: "test", Prefix: display, TokenHash: auth.HashToken(tok)}); err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// browser is a cookie-keeping client of the app.
type browser struct {
	e       *env
	cookies map[string]string
	// token is the CSRF token of the last page, for the cookies in tokenFor.
	token, tokenFor string
	// tcp sends the requests over a real connection (env.overTCP).
	tcp bool
}

func (e *env) browser() *browser { return &browser{e: e, cookies: map[string]string{}} }

// overTCP sends req to the app over a real connection, writing its body
// while the answer may already be coming, as a client does. The server's
// own refusals (a body it does not read) need it: app.Test reports them as
// errors instead of answers.
func (e *env) overTCP(req *http.Request) *http.Response {
	e.t.Helper()
	conn := e.dial(30 * time.Second)
	go func() { _ = req.Write(conn) }() // the server may close before the body is written
	res, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	return res
}

// dial opens a connection to the app listening on 127.0.0.1, closed at the
// end of the test, with a deadline of timeout.
func (e *env) dial(timeout time.Duration) net.Conn {
	e.t.Helper()
	if e.addr == "" {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			e.t.Fatal(err)
		}
		go func() { _ = e.app.Listener(ln) }()
		e.t.Cleanup(func() { _ = e.app.Shutdown() })
		e.addr = ln.Addr().String()
	}
	conn, err := net.Dial("tcp", e.addr)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { _ = conn.Close() })
	_ = conn.SetDeadline(time.Now().Add(timeout))
	return conn
}

func (b *browser) do(req *http.Request) *http.Response {
	b.e.t.Helper()
	for k, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	var res *http.Response
	if b.tcp {
		res = b.e.overTCP(req)
	} else {
		var err error
		if res, err = b.e.app.Test(req, -1); err != nil {
			b.e.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
		}
	}
	for _, c := range res.Cookies() {
		// This client keys cookies by name alone; a browser keys them by
		// name and path, so one set or cleared on another path than "/"
		// would live beside the first (old flash messages came back so).
		if c.Path != "/" {
			b.e.t.Errorf("%s %s: cookie %s has path %q, want \"/\"", req.Method, req.URL.Path, c.Name, c.Path)
		}
		if c.MaxAge < 0 || c.Value == "" {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c.Value
		}
	}
	// Keep the CSRF token the page carries, as a browser's forms do.
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		res.Body = io.NopCloser(bytes.NewReader(body))
		if d, err := goquery.NewDocumentFromReader(bytes.NewReader(body)); err == nil {
			if tok, ok := d.Find(`meta[name="csrf-token"]`).Attr("content"); ok && tok != "" {
				b.token, b.tokenFor = tok, b.cookieKey()
			}
		}
	}
	return res
}

// cookieKey identifies the cookies a CSRF token depends on.
func (b *browser) cookieKey() string {
	return b.cookies["portico_session"] + "|" + b.cookies["portico_csrf"]
}

func (b *browser) get(path string) *http.Response {
	b.e.t.Helper()
	return b.do(httptest.NewRequest("GET", path, nil))
}

// post submits a form with the browser's CSRF token.
func (b *browser) post(path string, form url.Values) *http.Response {
	b.e.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["_csrf"]; !ok {
		form.Set("_csrf", b.csrf())
	}
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// csrf returns the browser's CSRF token: the last page's, or a fresh page's
// when the session changed since.
// cookieHeader is the browser's cookies as a request header line.
func (b *browser) cookieHeader() string {
	var parts []string
	for k, v := range b.cookies {
		parts = append(parts, k+"="+v)
	}
	return "Cookie: " + strings.Join(parts, "; ") + "\r\n"
}

func (b *browser) csrf() string {
	if b.token != "" && b.tokenFor == b.cookieKey() {
		return b.token
	}
	path := "/login"
	if b.cookies["portico_session"] != "" {
		path = "/rules" // a page every user may open, with no side effect
	}
	b.get(path).Body.Close()
	return b.token
}

func (b *browser) login(username string) {
	b.e.t.Helper()
	res := b.post("/login", url.Values{"username": {username}, "password": {testPassword}})
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		b.e.t.Fatalf("login %s: status %d, want 303", username, res.StatusCode)
	}
}

// api calls the JSON API with a bearer token.
func (e *env) api(method, path, token string, body any) (*http.Response, map[string]any) {
	e.t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			e.t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req := httptest.NewRequest(method, path, r)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := e.app.Test(req, -1)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out map[string]any
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &out)
	}
	return res, out
}

func doc(t *testing.T, res *http.Response) *goquery.Document {
	t.Helper()
	defer res.Body.Close()
	d, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func newFormRequest(path string, form url.Values) *http.Request {
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

func storeAuditAll() store.AuditFilter { return store.AuditFilter{Limit: 500} }

// routesOf lists the method and path of every route in the route table.
func routesOf(t *testing.T, e *env) [][2]string {
	t.Helper()
	p, err := policy.New(context.Background(), e.store)
	if err != nil {
		t.Fatal(err)
	}
	var out [][2]string
	for _, r := range handlers.New(e.store, p, handlers.Options{}).Routes() {
		out = append(out, [2]string{r.Method, r.Path})
	}
	return out
}

func mustUser(t *testing.T, e *env, username string) *store.User {
	t.Helper()
	u, err := e.store.UserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func readAll(t *testing.T, res *http.Response) string {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
