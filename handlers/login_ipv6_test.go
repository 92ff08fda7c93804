package handlers_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"testing"

	"github.com/portico-dev/portico/handlers"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store/storetest"
)

// TestLoginLimitsHoldAcrossAnIPv6Network: an IPv6 client holds a whole
// /64 (any host or VPS gets one), so the login limits count the network,
// not the address: guesses at one account from a new address of the same
// /64 each time are refused after the per-account-and-address limit (5),
// as from one IPv4 address. Another /64 is not affected.
func TestLoginLimitsHoldAcrossAnIPv6Network(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) { testLoginLimitsHoldAcrossAnIPv6Network(t, newEnvOn(t, storetest.Open(t, d))) })
	}
}

func testLoginLimitsHoldAcrossAnIPv6Network(t *testing.T, e *env) {
	p, err := policy.New(context.Background(), e.store)
	if err != nil {
		t.Fatal(err)
	}
	// app.Test requests come from 0.0.0.0: a trusted proxy here.
	e.app = handlers.New(e.store, p, handlers.Options{Logger: slog.New(slog.NewTextHandler(e.logs, nil)), Hasher: e.hasher, TrustedProxies: []string{"0.0.0.0"}}).App()
	e.user("alice", policy.RoleMember, "", "")
	b := e.browser()
	attempt := func(from string) int {
		t.Helper()
		req := newFormRequest("/login", url.Values{"_csrf": {b.csrf()}, "username": {"alice"}, "password": {"wrong password!"}})
		req.Header.Set("X-Forwarded-For", from)
		res := b.do(req)
		res.Body.Close()
		return res.StatusCode
	}
	var statuses []int
	for i := 1; i <= 8; i++ {
		statuses = append(statuses, attempt(fmt.Sprintf("2001:db8:1:2::%x", i)))
	}
	want := []int{401, 401, 401, 401, 401, 429, 429, 429}
	if fmt.Sprint(statuses) != fmt.Sprint(want) {
		t.Errorf("wrong passwords from 8 addresses of one /64: %v, want %v", statuses, want)
	}
	if got := attempt("2001:db8:1:3::1"); got != http.StatusUnauthorized {
		t.Errorf("a wrong password from another /64: %d, want 401", got)
	}
	if got := attempt("203.0.113.9"); got != http.StatusUnauthorized {
		t.Errorf("a wrong password from an IPv4 address: %d, want 401", got)
	}
}
