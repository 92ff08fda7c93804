package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/bintest"
	"github.com/portico-dev/portico/people"
)

// portal is a running server and a browser logged in as its first admin.
type portal struct {
	t       *testing.T
	vars    map[string]string
	base    string
	browser *http.Client
	csrf    string
	token   string
}

// startPortal runs `portico serve` on a new data directory, logs in as the
// admin it creates and makes the admin a token with `portico token create`.
func startPortal(t *testing.T) *portal {
	t.Helper()
	vars := map[string]string{"PORTICO_DATA_DIR": t.TempDir(), "PORTICO_ADDR": "127.0.0.1:0"}
	e, out, _ := testEnv(vars, "")
	p := &portal{t: t, vars: vars, base: "http://" + startServing(t, e).addr}
	m := regexp.MustCompile(`password:\s+(\S+)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no admin password printed:\n%s", out.String())
	}
	jar, _ := cookiejar.New(nil)
	p.browser = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	p.csrf = bintest.PageCSRF(t, p.browser, p.base+"/login")
	res, err := p.browser.PostForm(p.base+"/login", url.Values{"_csrf": {p.csrf}, "username": {"admin"}, "password": {m[1]}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: status %d", res.StatusCode)
	}
	p.csrf = bintest.PageCSRF(t, p.browser, p.base+"/password") // the session's own token
	// The first admin chooses a password of their own before using any page.
	const chosen = "the admin's own password"
	res, err = p.browser.PostForm(p.base+"/profile/password", url.Values{"_csrf": {p.csrf}, "current": {m[1]}, "new": {chosen}, "confirm": {chosen}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("choose the admin's password: status %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	// A password change starts a new session, with a new token.
	p.csrf = bintest.PageCSRF(t, p.browser, p.base+"/")
	tokOut, err := p.cli("", "token", "create", "--username", "admin")
	if err != nil {
		t.Fatal(err)
	}
	p.token = strings.TrimSpace(tokOut)
	return p
}

// cli runs a command on the portal's data directory, beside the server.
func (p *portal) cli(stdin string, args ...string) (string, error) {
	e, out, _ := testEnv(p.vars, stdin)
	err := runEnv(context.Background(), args, e)
	return out.String(), err
}

// form posts a form as the logged-in admin and returns the field errors
// the page shows, by field.
func (p *portal) form(path string, form url.Values) (int, map[string]string) {
	p.t.Helper()
	form.Set("_csrf", p.csrf)
	res, err := p.browser.PostForm(p.base+path, form)
	if err != nil {
		p.t.Fatal(err)
	}
	defer res.Body.Close()
	d, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		p.t.Fatal(err)
	}
	fields := map[string]string{}
	d.Find(`[data-testid^="error-"]`).Each(func(_ int, s *goquery.Selection) {
		// The page shows each run the service marked (store.Isolate) in
		// a <bdi>: put the marks back, to compare with the CLI's text.
		s.Find("bdi").Each(func(_ int, b *goquery.Selection) { b.SetText("\u2068" + b.Text() + "\u2069") })
		fields[strings.TrimPrefix(s.AttrOr("data-testid", ""), "error-")] = strings.TrimSpace(s.Text())
	})
	return res.StatusCode, fields
}

// api calls the JSON API with the admin's token and returns the field
// errors of the problem document, by field.
func (p *portal) api(method, path string, body any) (int, map[string]string) {
	p.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, p.base+path, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+p.token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer res.Body.Close()
	var problem struct {
		Errors []struct{ Field, Message string }
	}
	_ = json.NewDecoder(res.Body).Decode(&problem)
	fields := map[string]string{}
	for _, f := range problem.Errors {
		fields[f.Field] = f.Message
	}
	return res.StatusCode, fields
}

// TestSameRefusalEverywhere drives the same invalid user names, team slugs
// and roles through the pages, the JSON API and the CLI of one running
// portal, and expects the same refusal from each: the same fields with the
// same messages, and nothing written.
func TestSameRefusalEverywhere(t *testing.T) {
	p := startPortal(t)
	const password = "a long enough password\n"
	if _, err := p.cli("", "team", "create", "--slug", "payments", "--name", "Payments"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.cli(password, "user", "create", "--username", "alice", "--password-stdin"); err != nil {
		t.Fatal(err)
	}

	type user struct{ username, role, email string }
	type team struct{ slug, name string }
	type member struct{ username, role string }
	long := strings.Repeat("a", 65)
	tests := []struct {
		name   string
		user   *user
		team   *team
		member *member
		want   []string // the fields refused
	}{
		{name: "username with a space and a bang", user: &user{"Bad Name!", "member", ""}, want: []string{"username"}},
		{name: "one-letter username", user: &user{"x", "member", ""}, want: []string{"username"}},
		{name: "username starting with a dash", user: &user{"-dash", "member", ""}, want: []string{"username"}},
		{name: "65-letter username", user: &user{long, "member", ""}, want: []string{"username"}},
		{name: "username taken", user: &user{"Admin", "member", ""}, want: []string{"username"}},
		{name: "unknown org role", user: &user{"carol", "king", ""}, want: []string{"org_role"}},
		{name: "bad email", user: &user{"carol", "member", "carol@"}, want: []string{"email"}},
		{name: "bad username and org role", user: &user{"No Way", "root", ""}, want: []string{"org_role", "username"}},
		{name: "slug with a space", team: &team{"Bad Slug", "Bad"}, want: []string{"slug"}},
		{name: "slug starting with a dash", team: &team{"-x", "X"}, want: []string{"slug"}},
		{name: "slug ending with a dash", team: &team{"x-", "X"}, want: []string{"slug"}},
		{name: "65-letter slug", team: &team{long, "Long"}, want: []string{"slug"}},
		{name: "slug with a star", team: &team{"*", "Everyone"}, want: []string{"slug"}},
		{name: "slug taken", team: &team{"Payments", "Payments again"}, want: []string{"slug"}},
		{name: "team without a name", team: &team{"unnamed", ""}, want: []string{"name"}},
		{name: "team name over its limit", team: &team{"named", strings.Repeat("é", people.MaxTeamName+1)}, want: []string{"name"}},
		{name: "email over its limit", user: &user{"carol", "member", strings.Repeat("a", people.MaxEmail) + "@example.com"}, want: []string{"email"}},
		{name: "unknown team role", member: &member{"alice", "king"}, want: []string{"role"}},
		{name: "org role as team role", member: &member{"alice", "admin"}, want: []string{"role"}},
		{name: "unknown user", member: &member{"ghost", "viewer"}, want: []string{"username"}},
		{name: "unknown user and role", member: &member{"ghost", "king"}, want: []string{"role", "username"}},
	}
	auditBefore := p.auditCount()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var pageStatus, apiStatus int
			var page, api map[string]string
			var cliErr error
			switch {
			case tt.user != nil:
				u := tt.user
				pageStatus, page = p.form("/users", url.Values{"username": {u.username}, "org_role": {u.role}, "email": {u.email}})
				apiStatus, api = p.api("POST", "/api/v1/users", map[string]any{"username": u.username, "org_role": u.role, "email": u.email})
				_, cliErr = p.cli(password, "user", "create", "--username", u.username, "--role", u.role, "--email", u.email, "--password-stdin")
			case tt.team != nil:
				tm := tt.team
				pageStatus, page = p.form("/teams", url.Values{"slug": {tm.slug}, "name": {tm.name}})
				apiStatus, api = p.api("POST", "/api/v1/teams", map[string]any{"slug": tm.slug, "name": tm.name})
				_, cliErr = p.cli("", "team", "create", "--slug", tm.slug, "--name", tm.name)
			case tt.member != nil:
				m := tt.member
				pageStatus, page = p.form("/teams/payments/members", url.Values{"username": {m.username}, "role": {m.role}})
				apiStatus, api = p.api("PUT", "/api/v1/teams/payments/members/"+url.PathEscape(m.username), map[string]any{"role": m.role})
				_, cliErr = p.cli("", "team", "member", "--team", "payments", "--username", m.username, "--role", m.role)
			}
			var ie *apperr.InputError
			if !errors.As(cliErr, &ie) {
				t.Fatalf("CLI: error %v, want an input error", cliErr)
			}
			if pageStatus != http.StatusUnprocessableEntity || apiStatus != http.StatusUnprocessableEntity {
				t.Errorf("page status %d, API status %d, want 422 from both", pageStatus, apiStatus)
			}
			if got := slices.Sorted(maps.Keys(ie.Fields)); !slices.Equal(got, tt.want) {
				t.Errorf("CLI refused %v (%v), want %v", got, ie.Fields, tt.want)
			}
			if !maps.Equal(page, ie.Fields) {
				t.Errorf("page refusal %v, CLI refusal %v", page, ie.Fields)
			}
			if !maps.Equal(api, ie.Fields) {
				t.Errorf("API refusal %v, CLI refusal %v", api, ie.Fields)
			}
			for _, f := range tt.want {
				flag := "--" + strings.ReplaceAll(f, "_", "-")
				if f == "org_role" {
					flag = "--role"
				}
				if !strings.Contains(cliErr.Error(), flag+": "+ie.Fields[f]) {
					t.Errorf("CLI error %q does not name %s with its message", cliErr, flag)
				}
			}
		})
	}
	if after := p.auditCount(); after != auditBefore {
		t.Errorf("refused inputs wrote %d audit events", after-auditBefore)
	}
}

// auditCount returns the number of audit events, through the JSON API.
func (p *portal) auditCount() int {
	p.t.Helper()
	req, _ := http.NewRequest("GET", p.base+"/api/v1/audit?limit=500", nil)
	req.Header.Set("Authorization", "Bearer "+p.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct{ Events []json.RawMessage }
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		p.t.Fatal(err)
	}
	return len(body.Events)
}
