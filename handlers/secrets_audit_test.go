package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/secrettest"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestNoSecretAtRestInLogsOrErrors runs every flow of the portal that
// issues a secret (a user with a one-time password, a password reset, the
// first login's own password, sessions, CSRF tokens, personal access
// tokens, API keys issued, rotated and revoked, gateway node tokens, an
// MCP call) and the ways a secret is sent wrongly (a wrong password, a
// revoked token, a malformed Authorization header, a bad CSRF token, a key
// in the query string or the path), then looks for every secret, in every
// form, in every column of every table, the outbox payloads included, in
// the portal's log, and in every error answer.
func TestNoSecretAtRestInLogsOrErrors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newLCEnvOn(t, s)
		sec := secrettest.New(t)
		sec.Add("the test users' password", testPassword)
		for who, tok := range e.tok {
			sec.Add("personal access token of "+who, tok)
		}
		var errorAnswers []string
		keep := func(what string, res *http.Response) string {
			t.Helper()
			body := readAll(t, res)
			if res.StatusCode >= 400 {
				errorAnswers = append(errorAnswers, what+": "+body)
			}
			return body
		}

		// An answer that shows a secret once is kept by no cache, nor by
		// htmx's history cache (hx-history="false" anywhere in the page
		// keeps htmx from saving it), and sends no Referer beyond the
		// portal; its links are checked for secrets at the end.
		var shownLinks []string
		showOnce := func(what string, res *http.Response) *goquery.Document {
			t.Helper()
			if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("%s: Cache-Control %q, want no-store", what, cc)
			}
			if rp := res.Header.Get("Referrer-Policy"); rp != "same-origin" && rp != "no-referrer" {
				t.Errorf("%s: Referrer-Policy %q", what, rp)
			}
			d := doc(t, res)
			if d.Find(`[hx-history="false"]`).Length() == 0 {
				t.Errorf("%s: no hx-history=\"false\": htmx would keep the page, and the secret, in its history cache", what)
			}
			var links []string
			d.Find("[href],[src],[action],[formaction],[hx-get],[hx-post]").Each(func(_ int, el *goquery.Selection) {
				for _, a := range []string{"href", "src", "action", "formaction", "hx-get", "hx-post"} {
					if v, ok := el.Attr(a); ok {
						links = append(links, v)
					}
				}
			})
			shownLinks = append(shownLinks, what+": "+res.Request.URL.String()+" "+strings.Join(links, " "))
			return d
		}
		apiShown := func(what string, want int) func(*http.Response, map[string]any) map[string]any {
			return func(res *http.Response, out map[string]any) map[string]any {
				t.Helper()
				if res.StatusCode != want {
					t.Fatalf("%s: status %d, want %d: %v", what, res.StatusCode, want, out)
				}
				if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
					t.Errorf("%s: Cache-Control %q, want no-store", what, cc)
				}
				return out
			}
		}

		// Users: created with a one-time password (page and API), reset.
		admin := e.browser()
		admin.login("admin")
		d := showOnce("new user (page)", admin.post("/users", url.Values{"username": {"carol"}, "org_role": {"member"}}))
		carolOnce := strings.TrimSpace(d.Find(`[data-testid="one-time-password"]`).Text())
		sec.Add("carol's one-time password (page)", carolOnce)
		out := apiShown("new user (API)", 201)(e.api("POST", "/api/v1/users", e.tok["admin"], map[string]any{"username": "dave", "org_role": "member"}))
		sec.Add("dave's one-time password (API)", fmt.Sprint(out["password"]))
		out = apiShown("password reset (API)", 200)(e.api("POST", "/api/v1/users/dave/password-reset", e.tok["admin"], nil))
		daveOnce := fmt.Sprint(out["password"])
		sec.Add("dave's reset one-time password (API)", daveOnce)
		d = showOnce("password reset (page)", admin.post("/users/dave/password-reset", nil))
		daveOnce = strings.TrimSpace(d.Find(`[data-testid="one-time-password"]`).Text())
		sec.Add("dave's reset one-time password (page)", daveOnce)

		// First logins: a wrong password, then the one-time password, then
		// the user's own.
		carol := e.browser()
		wrong := "not-carols-password-9f3a1c"
		sec.Add("a wrong password", wrong)
		keep("wrong password", carol.post("/login", url.Values{"username": {"carol"}, "password": {wrong}}))
		keep("unknown user", carol.post("/login", url.Values{"username": {"nobody"}, "password": {wrong}}))
		res := carol.post("/login", url.Values{"username": {"carol"}, "password": {carolOnce}})
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("carol's first login: %d", res.StatusCode)
		}
		own := "carols own long passphrase 42"
		sec.Add("carol's chosen password", own)
		keep("short new password", carol.post("/profile/password", url.Values{"current": {carolOnce}, "new": {"short"}, "confirm": {"short"}}))
		mismatch := "a mismatched passphrase 17"
		sec.Add("a mismatched new password", mismatch)
		keep("mismatched password", carol.post("/profile/password", url.Values{"current": {carolOnce}, "new": {own}, "confirm": {mismatch}}))
		res = carol.post("/profile/password", url.Values{"current": {carolOnce}, "new": {own}, "confirm": {own}})
		if body := keep("choose password", res); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("carol chooses her password: %d %.300s", res.StatusCode, body)
		}
		keep("profile password, wrong current", carol.post("/profile/password", url.Values{"current": {wrong}, "new": {own + "!"}, "confirm": {own + "!"}}))

		// Personal access tokens from the profile page; one revoked, then
		// used, as is a malformed header.
		d = showOnce("new token (page)", carol.post("/profile/tokens", url.Values{"name": {"ci"}, "expires_days": {"30"}, "_form_id": {formIDOf(t, carol, "/profile", `form[data-testid="token-form"]`)}}))
		carolTok := strings.TrimSpace(d.Find(`[data-testid="new-token"] code`).Text())
		sec.Add("carol's token (page)", carolTok)
		d = showOnce("another token (page)", carol.post("/profile/tokens", url.Values{"name": {"old"}}))
		oldTok := strings.TrimSpace(d.Find(`[data-testid="new-token"] code`).Text())
		sec.Add("carol's revoked token (page)", oldTok)
		tokens, _ := e.store.UserTokens(context.Background(), mustUser(t, e.env, "carol").ID)
		for _, tk := range tokens {
			if strings.HasPrefix(oldTok, tk.Prefix) && tk.Name == "old" {
				res := carol.post("/profile/tokens/"+itoa(tk.ID)+"/revoke", nil)
				res.Body.Close()
			}
		}
		if res, _ := e.api("GET", "/api/v1/me", carolTok, nil); res.StatusCode != 200 {
			t.Fatalf("carol's token: %d", res.StatusCode)
		}
		for _, h := range []string{"Bearer " + oldTok, "Basic " + carolTok, carolTok, "Bearer " + carolTok + " extra", "Bearer " + carolTok[:len(carolTok)-1] + "x"} {
			req := httptest.NewRequest("GET", "/api/v1/me", nil)
			req.Header.Set("Authorization", h)
			res, err := e.app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			if res.StatusCode != http.StatusUnauthorized {
				t.Errorf("Authorization %.12q…: %d, want 401", h, res.StatusCode)
			}
			keep("Authorization "+h[:8], res)
		}

		// MCP with a token, and without a good one.
		for _, tok := range []string{carolTok, oldTok} {
			req := httptest.NewRequest("POST", "/mcp", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`))
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json, text/event-stream")
			res, err := e.app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			keep("mcp", res)
		}

		// API keys: issued, rotated and revoked, on the page and the API.
		subID := subscribedApp(e)
		outsider := e.browser()
		outsider.login("outsider")
		d = showOnce("new key (page)", outsider.post("/subscriptions/"+subID+"/keys", url.Values{"name": {"production"}, "_form_id": {formIDOf(t, outsider, "/apps/finder", `form[data-testid="key-form"]`)}}))
		pageKey := d.Find(`[data-testid="new-key"]`).AttrOr("value", "")
		sec.Add("key issued on the page", pageKey)
		kid := pageKey[len("ptk_"):][:16]
		d = showOnce("rotated key (page)", outsider.post("/keys/"+kid+"/rotate", url.Values{"grace": {"3600"}}))
		sec.Add("key rotated on the page", d.Find(`[data-testid="new-key"]`).AttrOr("value", ""))
		k := apiShown("new key (API)", 201)(e.api("POST", "/api/v1/subscriptions/"+subID+"/keys", e.tok["outsider"], map[string]any{"name": "api"}))
		sec.Add("key issued by the API", fmt.Sprint(k["key"]))
		r := apiShown("rotated key (API)", 201)(e.api("POST", "/api/v1/keys/"+fmt.Sprint(k["id"])+"/rotate", e.tok["outsider"], map[string]any{"grace_seconds": 0}))
		apiKey := fmt.Sprint(r["key"])
		sec.Add("key rotated by the API", apiKey)
		e.call("POST", "/api/v1/keys/"+fmt.Sprint(r["id"])+"/revoke", "outsider", nil, 200)
		// A key sent where it does not belong: the query string, the path
		// (the whole key for its id), the key form's fields.
		res, _ = e.api("GET", "/api/v1/me?api_key="+pageKey, e.tok["outsider"], nil)
		if res.StatusCode != 200 {
			t.Errorf("/api/v1/me?api_key=: %d", res.StatusCode)
		}
		for _, p := range []string{"/api/v1/keys/" + pageKey, "/api/v1/" + pageKey, "/keys/" + pageKey + "/revoke", "/api/v1/me/" + carolTok} {
			req := httptest.NewRequest("GET", p, nil)
			req.Header.Set("Authorization", "Bearer "+e.tok["outsider"])
			res, err := e.app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			keep("GET "+p[:12], res)
		}
		keep("key path typo (page)", outsider.get("/keys/"+pageKey))
		// (A key typed into the key form's name or expiry comes back in
		// that field, as every form shows the values sent: those fields
		// hold no secret, and the page is kept by no cache.)

		// Gateway nodes: registered on the page and the API, one revoked.
		d = showOnce("new node (page)", admin.post("/gateway/nodes", url.Values{"name": {"edge-page"}}))
		pageNode, _, _ := strings.Cut(strings.TrimPrefix(d.Find(`[data-testid="new-node-token"] code`).Text(), "PORTICO_GATEWAY_TOKEN="), " ")
		sec.Add("node token (page)", pageNode)
		n := apiShown("new node (API)", 201)(e.api("POST", "/api/v1/gateway/nodes", e.tok["admin"], map[string]any{"name": "edge-api"}))
		nodeTok := fmt.Sprint(n["token"])
		sec.Add("node token (API)", nodeTok)
		res, _ = e.api("POST", gateway.SyncPath, nodeTok, map[string]any{"type": "hello", "wait_ms": 10, "agent": "test"})
		if res.StatusCode != 200 {
			t.Errorf("node sync: %d", res.StatusCode)
		}
		e.call("DELETE", "/api/v1/gateway/nodes/edge-api", "admin", nil, 204)
		res, _ = e.api("POST", gateway.SyncPath, nodeTok, map[string]any{"type": "hello", "wait_ms": 10})
		if res.StatusCode != 401 {
			t.Errorf("revoked node's sync: %d", res.StatusCode)
		}

		// A bad CSRF token, and a planted one.
		req := newFormRequest("/profile/tokens", url.Values{"name": {"x"}, "_csrf": {carolTok}})
		res = carol.do(req)
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("bad CSRF: %d, want 403", res.StatusCode)
		}
		keep("bad CSRF", res)

		// The checks: the error answers (which carry the page's own CSRF
		// token, so are checked before it is added), the database, the log.
		if len(errorAnswers) < 10 {
			t.Fatalf("only %d error answers: the check is broken", len(errorAnswers))
		}
		for _, a := range errorAnswers {
			what, body, _ := strings.Cut(a, ": ")
			sec.None("the error answer to "+what, body)
		}
		// Sessions and CSRF cookies and tokens of every browser.
		for who, b := range map[string]*browser{"admin": admin, "carol": carol, "outsider": outsider} {
			for name, v := range b.cookies {
				if strings.Contains(name, "session") || strings.Contains(name, "csrf") {
					sec.Add(who+"'s cookie "+name, v)
				}
			}
			sec.Add(who+"'s CSRF token", b.csrf())
		}
		dump, tables := storetest.Dump(t, s)
		for _, want := range []string{"sessions", "api_tokens", "api_keys", "gateway_nodes", "outbox", "audit_events", "form_submissions"} {
			if !strings.Contains(dump, want+".") {
				t.Errorf("the dump has no row of %s (tables %v): the check is broken", want, tables)
			}
		}
		sec.None("the database", dump)
		logs := e.logs.String()
		if !strings.Contains(logs, "/api/v1/keys/") || !strings.Contains(logs, "status=401") {
			t.Fatalf("the log holds no request: the check is broken")
		}
		sec.None("the portal's log", logs)
		if len(shownLinks) != 7 {
			t.Errorf("%d pages showed a secret, want 7: the check is broken", len(shownLinks))
		}
		for _, l := range shownLinks {
			what, links, _ := strings.Cut(l, ": ")
			sec.None("the address and links of the page "+what, links)
		}
		if want := "path=/api/v1/keys/ptk_" + kid + "_" + gateway.Redacted + " "; !strings.Contains(logs, want) {
			t.Errorf("the log has no line with %q: a key in the path is not logged with its id", want)
		}
		if len(sec.Find(dump+pageKey)) != 1 {
			t.Fatal("find does not find a key: the check is broken")
		}
	})
}
