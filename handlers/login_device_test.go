package handlers_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/portico-dev/portico/handlers"
	"github.com/portico-dev/portico/people"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store/storetest"
)

// floodSlowDown is how long a slowed-down login waits in these tests
// where a wait is sat out.
const floodSlowDown = 5 * time.Second

// floodHold is how long a slowed-down login waits where the attacker's
// attempts hold their places in the queue while every check of a test is
// made: far longer than a loaded machine takes for the checks. Those
// tests then end the waits (newHoldingFloodEnv) rather than sit them out.
// It is below the requests' own deadline (handlers.DefaultRequestTimeout).
const floodHold = 25 * time.Second

// newFloodEnv is a portal behind a trusted proxy (app.Test requests come
// from 0.0.0.0; X-Forwarded-For names the client) whose slow-down waits
// floodSlowDown with at most 4 attempts waiting, as many as perAccount
// at one account (0: the default).
func newFloodEnv(t *testing.T, e *env, perAccount int) *env {
	t.Helper()
	return floodEnv(t, e, perAccount, floodSlowDown, handlers.Options{})
}

// newHoldingFloodEnv is newFloodEnv whose slow-down waits floodHold, and
// endWaits, which ends the waits of the requests then waiting (they
// answer as a login whose client went away) and gives their places back.
func newHoldingFloodEnv(t *testing.T, e *env, perAccount int) (_ *env, endWaits func()) {
	t.Helper()
	ended, end := context.WithCancel(context.Background())
	t.Cleanup(end)
	var o handlers.Options
	handlers.SetHandlerContext(&o, func(ctx context.Context) context.Context {
		ctx, cancel := context.WithCancel(ctx)
		context.AfterFunc(ended, cancel)
		return ctx
	})
	return floodEnv(t, e, perAccount, floodHold, o), end
}

func floodEnv(t *testing.T, e *env, perAccount int, slowDown time.Duration, o handlers.Options) *env {
	t.Helper()
	p, err := policy.New(context.Background(), e.store)
	if err != nil {
		t.Fatal(err)
	}
	limits := people.DefaultLoginLimits()
	limits.SlowStep, limits.SlowMax, limits.MaxSlowed = slowDown, slowDown, 4
	if perAccount > 0 {
		limits.MaxSlowedPerAccount = perAccount
	}
	o.Logger, o.Hasher = slog.New(slog.NewTextHandler(e.logs, nil)), e.hasher
	o.People, o.TrustedProxies = people.New(e.store, p, people.Options{Hasher: e.hasher, LoginLimits: limits}), []string{"0.0.0.0"}
	e.app = handlers.New(e.store, p, o).App()
	return e
}

// loginFrom posts a login form from the browser b, as the client from.
func (b *browser) loginFrom(from, username, password string) *http.Response {
	b.e.t.Helper()
	req := newFormRequest("/login", url.Values{"_csrf": {b.csrf()}, "username": {username}, "password": {password}})
	req.Header.Set("X-Forwarded-For", from)
	res := b.do(req)
	res.Body.Close()
	return res
}

// guesses sends wrong passwords for username, n at once, each from its own
// address of 198.18.net.0/24, and returns the channel of their statuses.
func (e *env) guesses(username string, n, net int) <-chan int {
	e.t.Helper()
	b := e.browser()
	token := b.csrf()
	var reqs []*http.Request
	for i := range n {
		req := newFormRequest("/login", url.Values{"_csrf": {token}, "username": {username}, "password": {"wrong password!"}})
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.18.%d.%d", net, i+1))
		for k, v := range b.cookies {
			req.AddCookie(&http.Cookie{Name: k, Value: v})
		}
		reqs = append(reqs, req)
	}
	statuses := make(chan int, n)
	for _, req := range reqs {
		go func() {
			res, err := e.app.Test(req, -1)
			if err != nil {
				statuses <- 0
				return
			}
			res.Body.Close()
			statuses <- res.StatusCode
		}()
	}
	return statuses
}

// slowAccount makes 10 failures of username from 2 addresses of
// 198.18.net.0/24, one at a time: the next check of its password waits.
func (e *env) slowAccount(username string, net int) {
	e.t.Helper()
	b := e.browser()
	for i := range 10 {
		if res := b.loginFrom(fmt.Sprintf("198.18.%d.%d", net, 200+i/5), username, "wrong password!"); res.StatusCode != http.StatusUnauthorized {
			e.t.Fatalf("failure %d of %s: status %d, want 401", i+1, username, res.StatusCode)
		}
	}
}

// TestLoginFloodSparesTheOwnersBrowser: an attacker with many addresses
// guesses alice's password (5 guesses per address, the limit) until her
// logins are slowed down, then keeps the slow-down's queue full. Alice's
// own browser, which signed in before and holds a device cookie, signs in
// at once; a browser with bob's device cookie, or a forged one, is
// refused as every other browser is; guesses with a stolen device cookie
// stop being exempt after 5 failures. Her password change from her
// browser is not held up either.
func TestLoginFloodSparesTheOwnersBrowser(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			testLoginFloodSparesTheOwnersBrowser(t, newEnvOn(t, storetest.Open(t, d)))
		})
	}
}

func testLoginFloodSparesTheOwnersBrowser(t *testing.T, e *env) {
	e, endWaits := newHoldingFloodEnv(t, e, 4)
	aliceUser := e.user("alice", policy.RoleMember, "", "")
	bobUser := e.user("bob", policy.RoleMember, "", "")
	alice := e.browser()
	if res := alice.loginFrom("203.0.113.10", "alice", testPassword); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("alice's first login: status %d, want 303", res.StatusCode)
	}
	stolen := alice.cookies["portico_device"] // copied from her browser: it rotates at her next login
	bob := e.browser()
	if res := bob.loginFrom("203.0.113.20", "bob", testPassword); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("bob's login: status %d, want 303", res.StatusCode)
	}

	e.slowAccount("alice", 1)
	start := time.Now()
	flood := e.guesses("alice", 12, 2)
	for i := range 8 { // 4 wait in the queue (alice may take all of it here); the other 8 are refused at once
		if got := <-flood; got != http.StatusTooManyRequests {
			t.Fatalf("flood answer %d: status %d, want 429 (the queue is full)", i+1, got)
		}
	}

	// Alice's browser: exempt, at once.
	t0 := time.Now()
	res := alice.loginFrom("203.0.113.10", "alice", testPassword)
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("alice's browser during the flood: status %d, want 303", res.StatusCode)
	}
	if took := time.Since(t0); took > floodHold/2 {
		t.Errorf("alice's browser during the flood waited %v", took)
	}
	if alice.cookies["portico_device"] == "" || alice.cookies["portico_device"] == stolen {
		t.Errorf("the device cookie did not rotate at the login: %q", alice.cookies["portico_device"])
	}

	// Not exempt: a new browser, bob's device cookie, forged ones.
	try := func(what, cookie string) {
		t.Helper()
		b := e.browser()
		if cookie != "" {
			b.cookies["portico_device"] = cookie
		}
		if res := b.loginFrom("203.0.113.30", "alice", testPassword); res.StatusCode != http.StatusTooManyRequests {
			t.Errorf("%s during the flood: status %d, want 429", what, res.StatusCode)
		}
	}
	try("a browser without a device cookie", "")
	bobs := bob.cookies["portico_device"]
	try("bob's device cookie", bobs)
	payload, mac, _ := strings.Cut(bobs, ".")
	raw, _ := base64.RawURLEncoding.DecodeString(payload)
	renamed := base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(raw),
		fmt.Sprintf("\x00%d\x00", bobUser.ID), fmt.Sprintf("\x00%d\x00", aliceUser.ID), 1)))
	if renamed == payload {
		t.Fatalf("bob's device cookie does not name his id %d: %q", bobUser.ID, raw)
	}
	try("bob's device cookie with alice's id", renamed+"."+mac)
	try("a device cookie without a signature", renamed)
	try("a made-up device cookie", base64.RawURLEncoding.EncodeToString([]byte("alice\x00AAAAAAAAAAAAAAAAAAAAAA\x004102444800"))+".AAAA")
	// A cookie of the first format (the account's name, under the
	// label "portico device"), rightly signed: ignored.
	key, err := handlers.LoadCSRFKey(context.Background(), e.store)
	if err != nil {
		t.Fatal(err)
	}
	first := base64.RawURLEncoding.EncodeToString([]byte("alice\x00AAAAAAAAAAAAAAAAAAAAAA\x004102444800"))
	m := hmac.New(sha256.New, key)
	m.Write([]byte("portico device\x00" + first))
	try("a device cookie of the first format", first+"."+base64.RawURLEncoding.EncodeToString(m.Sum(nil)))

	// The stolen cookie: 5 guesses, then treated as any browser.
	thief := e.browser()
	thief.cookies["portico_device"] = stolen
	for i := range 5 {
		if res := thief.loginFrom(fmt.Sprintf("198.18.3.%d", i+1), "alice", "wrong password!"); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("guess %d with the stolen device cookie: status %d, want 401", i+1, res.StatusCode)
		}
	}
	if res := thief.loginFrom("198.18.3.9", "alice", testPassword); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the stolen device cookie after 5 wrong guesses: status %d, want 429", res.StatusCode)
	}
	// Alice's browser holds the cookie of her last login: still exempt.
	if res := alice.loginFrom("203.0.113.10", "alice", testPassword); res.StatusCode != http.StatusSeeOther {
		t.Errorf("alice's browser after the thief's guesses: status %d, want 303", res.StatusCode)
	}
	// Her password change checks the current password under the same limits.
	if res := alice.post("/profile/password", url.Values{"current": {testPassword}, "new": {"a new passphrase"}, "confirm": {"a new passphrase"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("alice's password change during the flood: status %d, want 303", res.StatusCode)
	}
	if took := time.Since(start); took >= floodHold {
		t.Fatalf("the checks took %v, longer than the flood holds the queue: the test proves nothing", took)
	}
	endWaits()
	for range 4 {
		<-flood
	}
}

// TestLoginFloodLeavesRoomForOtherAccounts: a flood of guesses at alice
// takes at most its share of the slow-down's queue (2 of 4 places here),
// so bob, whose logins are slowed down too, still gets a place: he waits
// and signs in, instead of being answered 429 "busy".
func TestLoginFloodLeavesRoomForOtherAccounts(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			testLoginFloodLeavesRoomForOtherAccounts(t, newFloodEnv(t, newEnvOn(t, storetest.Open(t, d)), 2))
		})
	}
}

func testLoginFloodLeavesRoomForOtherAccounts(t *testing.T, e *env) {
	e.user("alice", policy.RoleMember, "", "")
	e.user("bob", policy.RoleMember, "", "")
	e.slowAccount("alice", 1)
	e.slowAccount("bob", 4)
	flood := e.guesses("alice", 8, 2)
	for i := range 4 { // at least 4 of the 8 are refused at once, whatever the share
		if got := <-flood; got != http.StatusTooManyRequests {
			t.Fatalf("flood answer %d: status %d, want 429", i+1, got)
		}
	}
	start := time.Now()
	if res := e.browser().loginFrom("203.0.113.20", "bob", testPassword); res.StatusCode != http.StatusSeeOther {
		t.Errorf("bob's login during the flood at alice: status %d, want 303 after the slow-down", res.StatusCode)
	} else if took := time.Since(start); took < floodSlowDown/2 {
		t.Errorf("bob's login took %v: it was not slowed down", took)
	}
	for range 4 {
		<-flood
	}
}

// TestDeviceCookieAttributes: the device cookie is HttpOnly, SameSite
// Strict and good for a year; over TLS (a trusted proxy that says https)
// it is Secure and named __Host-portico_device, and a login carrying it
// under that name is recognised as from a known browser.
func TestDeviceCookieAttributes(t *testing.T) {
	e := newFloodEnv(t, newEnv(t), 0)
	e.user("alice", policy.RoleMember, "", "")
	// login signs alice in, over TLS or not, with the cookies given, and
	// returns the device cookie it set.
	login := func(tls bool, cookies ...*http.Cookie) *http.Cookie {
		t.Helper()
		get := httptest.NewRequest("GET", "/login", nil)
		if tls {
			get.Header.Set("X-Forwarded-Proto", "https")
		}
		res, err := e.app.Test(get, -1)
		if err != nil {
			t.Fatal(err)
		}
		d, err := goquery.NewDocumentFromReader(res.Body)
		res.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		req := newFormRequest("/login", url.Values{"_csrf": {d.Find(`meta[name="csrf-token"]`).AttrOr("content", "")},
			"username": {"alice"}, "password": {testPassword}})
		for _, c := range append(res.Cookies(), cookies...) {
			req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		}
		if tls {
			req.Header.Set("X-Forwarded-Proto", "https")
		}
		if res, err = e.app.Test(req, -1); err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("login (TLS %v): status %d, want 303", tls, res.StatusCode)
		}
		for _, c := range res.Cookies() {
			if strings.HasSuffix(c.Name, "portico_device") {
				return c
			}
		}
		t.Fatalf("login (TLS %v): no device cookie", tls)
		return nil
	}
	plain := login(false)
	if plain.Name != "portico_device" || !plain.HttpOnly || plain.SameSite != http.SameSiteStrictMode || plain.Secure || plain.Path != "/" {
		t.Errorf("device cookie %s HttpOnly=%v SameSite=%v Secure=%v Path=%q, want portico_device, HttpOnly, Strict, not Secure without TLS, /",
			plain.Name, plain.HttpOnly, plain.SameSite, plain.Secure, plain.Path)
	}
	if left := time.Until(plain.Expires); left < 364*24*time.Hour || left > 366*24*time.Hour {
		t.Errorf("device cookie expires in %v, want a year", left)
	}
	if strings.Contains(e.logs.String(), "device_cookie=true") {
		t.Fatal("a first login logged as from a known browser")
	}
	secure := login(true)
	if secure.Name != "__Host-portico_device" || !secure.Secure || !secure.HttpOnly || secure.SameSite != http.SameSiteStrictMode {
		t.Errorf("device cookie over TLS %s Secure=%v HttpOnly=%v SameSite=%v, want __Host-portico_device, Secure, HttpOnly, Strict",
			secure.Name, secure.Secure, secure.HttpOnly, secure.SameSite)
	}
	login(true, secure)
	if !strings.Contains(e.logs.String(), "device_cookie=true") {
		t.Errorf("a login over TLS with the __Host- device cookie was not recognised; logs:\n%s", e.logs.String())
	}
}

// TestDeviceCookieIsTheAccountsNotTheNames: a device cookie belongs to
// the account that signed in, not to its user name, and to the password
// it signed in with. alice's browser keeps its cookie after her account
// is deleted and a new account takes the name alice: the new alice's
// logins from it are judged as from any browser (refused here, as her
// address has had 5 failures at the account). A copy of a cookie taken
// before a password change is no longer exempt after it, while the
// browser that changed the password gets a new cookie and stays exempt.
func TestDeviceCookieIsTheAccountsNotTheNames(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			testDeviceCookieIsTheAccountsNotTheNames(t, newFloodEnv(t, newEnvOn(t, storetest.Open(t, d)), 0))
		})
	}
}

func testDeviceCookieIsTheAccountsNotTheNames(t *testing.T, e *env) {
	ctx := context.Background()
	// failures makes 5 failures of username from addr: the next attempt
	// from addr is refused unless its device cookie exempts it.
	failures := func(username, addr string) {
		t.Helper()
		b := e.browser()
		for i := range 5 {
			if res := b.loginFrom(addr, username, "wrong password!"); res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("failure %d of %s from %s: status %d, want 401", i+1, username, addr, res.StatusCode)
			}
		}
	}

	old := e.user("alice", policy.RoleMember, "", "")
	browser := e.browser()
	if res := browser.loginFrom("203.0.113.10", "alice", testPassword); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the first alice's login: status %d, want 303", res.StatusCode)
	}
	if browser.cookies["portico_device"] == "" {
		t.Fatal("no device cookie after the login")
	}
	// The account is deleted; a new one is given the name.
	db := e.store.DB()
	if _, err := db.NewDelete().TableExpr("sessions").Where("user_id = ?", old.ID).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := db.NewDelete().TableExpr("users").Where("id = ?", old.ID).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	e.user("alice", policy.RoleMember, "", "")
	failures("alice", "203.0.113.10")
	kept := e.browser() // the browser, its session gone with the account
	kept.cookies["portico_device"] = browser.cookies["portico_device"]
	if res := kept.loginFrom("203.0.113.10", "alice", testPassword); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the deleted alice's device cookie at the new alice's account: status %d, want 429 (no exemption)", res.StatusCode)
	}

	// A password change: the copy taken before it stops being exempt.
	fresh := e.browser()
	if res := fresh.loginFrom("203.0.113.20", "alice", testPassword); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the new alice's login: status %d, want 303", res.StatusCode)
	}
	copied := fresh.cookies["portico_device"]
	if res := fresh.post("/profile/password", url.Values{"current": {testPassword}, "new": {"a new passphrase"}, "confirm": {"a new passphrase"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the password change: status %d, want 303", res.StatusCode)
	}
	if fresh.cookies["portico_device"] == copied {
		t.Error("the device cookie was not replaced at the password change")
	}
	failures("alice", "203.0.113.20")
	thief := e.browser()
	thief.cookies["portico_device"] = copied
	if res := thief.loginFrom("203.0.113.20", "alice", "a new passphrase"); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("a device cookie from before the password change: status %d, want 429 (no exemption)", res.StatusCode)
	}
	if res := fresh.loginFrom("203.0.113.20", "alice", "a new passphrase"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the browser that changed the password: status %d, want 303 (exempt)", res.StatusCode)
	}
}
