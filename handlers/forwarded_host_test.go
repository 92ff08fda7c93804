package handlers_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/portico-dev/portico/auth"
	"github.com/portico-dev/portico/handlers"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store/storetest"
)

// TestForwardedHostIsBelievedOnlyFromTrustedProxies: the form's origin
// check compares the browser's Origin with the portal's host, which is
// X-Forwarded-Host only when a proxy of --trusted-proxies sent it. A client
// that writes X-Forwarded-Host itself, naming the site its Origin names,
// is refused; the same request through a trusted proxy is judged by its
// credentials (401 for a wrong password), as is one whose Origin is the
// Host.
func TestForwardedHostIsBelievedOnlyFromTrustedProxies(t *testing.T) {
	s := storetest.New(t)
	p, err := policy.New(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name          string
		proxies       []string
		origin, xfh   string
		refusedByHost bool
	}{
		{"no proxy trusted, forged forwarded host", nil, "http://other.example", "other.example", true},
		{"no proxy trusted, origin of the host", nil, "http://portal.example", "other.example", false},
		// app.Test requests come from 0.0.0.0.
		{"trusted proxy's forwarded host", []string{"0.0.0.0"}, "http://other.example", "other.example", false},
		{"trusted proxy, origin of another host", []string{"0.0.0.0"}, "http://portal.example", "other.example", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			app := handlers.New(s, p, handlers.Options{Hasher: auth.NewTestHasher(), TrustedProxies: tt.proxies, Logger: slog.New(slog.DiscardHandler)}).App()
			get := httptest.NewRequest("GET", "/login", nil)
			get.Host = "portal.example"
			res, err := app.Test(get, -1)
			if err != nil {
				t.Fatal(err)
			}
			d, err := goquery.NewDocumentFromReader(res.Body)
			res.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			req := newFormRequest("/login", url.Values{"_csrf": {d.Find(`meta[name="csrf-token"]`).AttrOr("content", "")},
				"username": {"nobody"}, "password": {"wrong password!"}})
			for _, c := range res.Cookies() {
				req.AddCookie(c)
			}
			req.Host = "portal.example"
			req.Header.Set("Origin", tt.origin)
			req.Header.Set("X-Forwarded-Host", tt.xfh)
			res, err = app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			body := readAll(t, res)
			want := http.StatusUnauthorized
			if tt.refusedByHost {
				want = http.StatusForbidden
			}
			if res.StatusCode != want {
				t.Errorf("status %d, want %d: %.300s", res.StatusCode, want, body)
			}
		})
	}
}
