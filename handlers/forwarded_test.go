package handlers_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/portico-dev/portico/auth"
	"github.com/portico-dev/portico/handlers"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store/storetest"
)

// TestForwardedForChain sends wrong passwords through a trusted proxy
// that appends the address it sees to the client's X-Forwarded-For, as
// nginx's $proxy_add_x_forwarded_for and cloud load balancers do. The
// client writes what it likes at the start of the header; only the entry
// the trusted proxy added names it, so every failure counts for that
// address and the login limits refuse it, whatever the client wrote.
func TestForwardedForChain(t *testing.T) {
	s := storetest.New(t)
	p, err := policy.New(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	// app.Test requests come from 0.0.0.0, the proxy; 10.0.0.2 is a
	// second trusted proxy in front of it.
	app := handlers.New(s, p, handlers.Options{Hasher: auth.NewTestHasher(), TrustedProxies: []string{"0.0.0.0", "10.0.0.0/8"},
		Logger: slog.New(slog.DiscardHandler)}).App()
	rows := []struct{ name, client, xff string }{
		{"one proxy", "203.0.113.7", "%s, 203.0.113.7"},
		{"two proxies", "203.0.113.8", "%s,203.0.113.8, 10.0.0.2"},
		{"two headers", "203.0.113.9", "%s\x00203.0.113.9"},
	}
	for _, tt := range rows {
		t.Run(tt.name, func(t *testing.T) {
			statuses := map[int]int{}
			for i := range 25 {
				get, err := app.Test(httptest.NewRequest("GET", "/login", nil), -1)
				if err != nil {
					t.Fatal(err)
				}
				d, err := goquery.NewDocumentFromReader(get.Body)
				get.Body.Close()
				if err != nil {
					t.Fatal(err)
				}
				req := newFormRequest("/login", url.Values{"_csrf": {d.Find(`meta[name="csrf-token"]`).AttrOr("content", "")},
					"username": {fmt.Sprintf("user%d", i)}, "password": {"wrong password!"}})
				for _, c := range get.Cookies() {
					req.AddCookie(c)
				}
				// A new made-up address at the start each time.
				for _, v := range strings.Split(fmt.Sprintf(tt.xff, fmt.Sprintf("198.51.100.%d", i+1)), "\x00") {
					req.Header.Add("X-Forwarded-For", v)
				}
				res, err := app.Test(req, -1)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				statuses[res.StatusCode]++
			}
			if statuses[http.StatusTooManyRequests] == 0 {
				t.Errorf("25 failures from %s behind the proxies, each under a new made-up first address: statuses %v, want 429 after the 20th", tt.client, statuses)
			}
			since := time.Now().Add(-time.Hour)
			if n, _ := s.LoginFailures(context.Background(), "user1", "198.51.100.2", since); n.Addr != 0 {
				t.Errorf("failures recorded for the made-up address 198.51.100.2 = %d, want 0", n.Addr)
			}
			if n, _ := s.LoginFailures(context.Background(), "user1", tt.client, since); n.Addr != 20 {
				t.Errorf("failures recorded for %s = %d, want 20 (the refused ones are not counted)", tt.client, n.Addr)
			}
		})
	}
}
