package handlers_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/portico-dev/portico/auth"
	"github.com/portico-dev/portico/handlers"
	"github.com/portico-dev/portico/people"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestLoginBurst sends a burst of parallel wrong passwords, for a known and
// an unknown user, from one address and from many (through a trusted
// proxy), to a real server with the production argon2id parameters (64 MiB
// a hash). Limits are checked before any hashing and hashing runs a few at
// a time: the burst gets 429s, the heap stays far below what one hash per
// request would take (120 × 64 MiB), and the server keeps serving a
// logged-in user meanwhile.
func TestLoginBurst(t *testing.T) {
	if testing.Short() {
		t.Skip("the burst computes real argon2id hashes")
	}
	ctx := context.Background()
	s := storetest.New(t)
	p, err := policy.New(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	hasher := auth.NewHasher()
	limits := people.DefaultLoginLimits()
	limits.SlowStep, limits.SlowMax = 10*time.Millisecond, 50*time.Millisecond // the slow-down, shortened for the test
	ppl := people.New(s, p, people.Options{Hasher: hasher, LoginLimits: limits})
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	app := handlers.New(s, p, handlers.Options{Logger: quiet, Hasher: hasher, People: ppl, TrustedProxies: []string{"127.0.0.1"}}).App()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln) //nolint:errcheck // ends with Shutdown
	t.Cleanup(func() { _ = app.ShutdownWithTimeout(10 * time.Second) })
	base := "http://" + ln.Addr().String()
	for _, name := range []string{"alice", "bob"} {
		if _, err := ppl.Console("test").CreateUser(ctx, people.UserInput{Username: name}, testPassword); err != nil {
			t.Fatal(err)
		}
	}

	// Bob is logged in and keeps using the portal during the burst.
	bob := newClient(t, base)
	if res := bob.postForm("/login", url.Values{"username": {"bob"}, "password": {testPassword}}, ""); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("bob's login: %d", res.StatusCode)
	}
	attacker := newClient(t, base)
	attacker.csrfToken()

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()

	type attempt struct{ user, addr string }
	var attempts []attempt
	for i := range 40 {
		attempts = append(attempts,
			attempt{"alice", fmt.Sprintf("10.1.%d.%d", i/250, i%250+1)}, // many addresses, a known user
			attempt{"ghost", fmt.Sprintf("10.2.%d.%d", i/250, i%250+1)}, // many addresses, an unknown user
			attempt{[]string{"alice", "ghost"}[i%2], "10.3.0.1"},        // one address
		)
	}
	var mu sync.Mutex
	statuses := map[int]int{}
	busy, noRetryAfter := 0, 0
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, a := range attempts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			res := attacker.postForm("/login", url.Values{"username": {a.user}, "password": {"wrong password!"}}, a.addr)
			mu.Lock()
			defer mu.Unlock()
			statuses[res.StatusCode]++
			if res.StatusCode == http.StatusTooManyRequests {
				if res.Header.Get("Retry-After") == "" {
					noRetryAfter++
				}
				if strings.Contains(res.body, "busy") {
					busy++
				}
			}
		}()
	}
	close(start)
	burst := make(chan struct{})
	go func() { wg.Wait(); close(burst) }()

	// Meanwhile bob's pages and the health check answer.
	served := 0
	deadline := time.After(2 * time.Minute)
	for done := false; !done; {
		for _, path := range []string{"/profile", "/healthz"} {
			if res := bob.get(path); res.StatusCode == http.StatusOK {
				served++
			} else {
				t.Errorf("GET %s during the burst: %d", path, res.StatusCode)
			}
		}
		select {
		case <-burst:
			done = true
		case <-deadline:
			t.Fatal("the burst did not end within 2 minutes")
		default:
		}
	}
	close(stop)
	<-sampled

	grown := int64(peak.Load()) - int64(before.HeapInuse)
	t.Logf("burst of %d: statuses %v (%d of the 429s from the hashing queue), heap in use grew by at most %d MiB, %d requests served meanwhile",
		len(attempts), statuses, busy, grown>>20, served)
	if statuses[http.StatusTooManyRequests] == 0 {
		t.Error("no 429 in the burst")
	}
	if noRetryAfter > 0 {
		t.Errorf("%d 429s without Retry-After", noRetryAfter)
	}
	for code, n := range statuses {
		if code != http.StatusUnauthorized && code != http.StatusTooManyRequests {
			t.Errorf("%d answers with status %d, want only 401 and 429", n, code)
		}
	}
	// At most 5 failures of one account from one address are checked, and
	// 20 from one address: the single address got at most 20 answers
	// other than 429, and at least 20 429s.
	if statuses[http.StatusTooManyRequests] < len(attempts)/3-20 {
		t.Errorf("%d 429s, want at least %d from the single address alone", statuses[http.StatusTooManyRequests], len(attempts)/3-20)
	}
	// One hash holds 64 MiB; a few run at once. Generous: a tenth of one per request.
	if limit := int64(512 << 20); grown > limit {
		t.Errorf("the heap grew by %d MiB during the burst, want under %d MiB", grown>>20, limit>>20)
	}
	if served == 0 {
		t.Error("no other request was served during the burst")
	}
	// Bob's session is untouched and alice still logs in from her own address.
	alice := newClient(t, base)
	if res := alice.postForm("/login", url.Values{"username": {"alice"}, "password": {testPassword}}, "192.0.2.44"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("alice from her own address after the burst: %d, want 303 (the attacker is locked, not the account)", res.StatusCode)
	}
	var n store.LoginCounts
	if n, err = s.LoginFailures(ctx, "alice", "10.3.0.1", time.Now().Add(-time.Hour)); err != nil || n.Pair > 5 || n.Addr > 20 {
		t.Errorf("failures recorded from the single address: %+v (%v), want at most 5 for alice and 20 in all", n, err)
	}
}

// client is a cookie-keeping HTTP client of a running server.
type client struct {
	t    *testing.T
	base string
	http *http.Client
	mu   sync.Mutex
	csrf string
}

type response struct {
	*http.Response
	body string
}

func newClient(t *testing.T, base string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: base, http: &http.Client{
		Jar: jar, Timeout: 2 * time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

func (c *client) do(req *http.Request) response {
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Errorf("%s %s: %v", req.Method, req.URL.Path, err)
		return response{Response: &http.Response{StatusCode: 0, Header: http.Header{}}}
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{Response: res, body: string(b)}
}

func (c *client) get(path string) response {
	req, _ := http.NewRequest("GET", c.base+path, nil)
	return c.do(req)
}

// csrfToken returns the token the pages give this client, reading it from
// the page's meta tag once.
func (c *client) csrfToken() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.csrf == "" {
		res := c.get("/login")
		d, err := goquery.NewDocumentFromReader(strings.NewReader(res.body))
		if err != nil {
			c.t.Fatal(err)
		}
		c.csrf = d.Find(`meta[name="csrf-token"]`).AttrOr("content", "")
	}
	return c.csrf
}

// postForm posts a form with the client's CSRF token, as if from
// forwardedFor when it is not empty.
func (c *client) postForm(path string, form url.Values, forwardedFor string) response {
	form.Set("_csrf", c.csrfToken())
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.base)
	if forwardedFor != "" {
		req.Header.Set("X-Forwarded-For", forwardedFor)
	}
	res := c.do(req)
	if res.StatusCode == http.StatusSeeOther && path == "/login" {
		c.mu.Lock()
		c.csrf = "" // a new session has its own token
		c.mu.Unlock()
	}
	return res
}
