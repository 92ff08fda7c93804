package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/portico-dev/portico/bintest"
	"github.com/portico-dev/portico/logtest"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestSeveralInstances runs three real `portico serve` processes, built from
// this repository, on one PostgreSQL database, each with its own data
// directory (its own embedded search index): changes made through one are
// read through the others (search, pages, the JSON API, notifications), a
// new instance builds its index and follows, one instance is killed with
// SIGKILL while it holds an outbox lease and is restarted, and the sunset
// schedulers of all three race for the same due version. It logs the
// figures the README quotes: how long a change takes to be searchable on
// every instance, and how long a dead instance's lease takes to be taken
// over. PORTICO_INSTANCES_ROUNDS sets the number of changes timed (5).
func TestSeveralInstances(t *testing.T) {
	base := os.Getenv(storetest.EnvDatabaseURL)
	if base == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but %s is not: the multi-instance test must run in CI", storetest.EnvDatabaseURL)
		}
		t.Skipf("set %s to run several instances on PostgreSQL", storetest.EnvDatabaseURL)
	}
	rounds := 5
	if v := os.Getenv("PORTICO_INSTANCES_ROUNDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			t.Fatalf("PORTICO_INSTANCES_ROUNDS=%q: want a number from 1 to 1000", v)
		}
		rounds = n
	}
	ctx := context.Background()
	c := newFleet(t, base)

	// Users and tokens, with the real commands.
	c.command("", "migrate")
	c.command("a long enough password\n", "user", "create", "--username", "ada", "--password-stdin", "--admin")
	c.command("a long enough password\n", "user", "create", "--username", "dev", "--password-stdin")
	c.command("a long enough password\n", "user", "create", "--username", "rita", "--password-stdin")
	ada := strings.TrimSpace(c.command("", "token", "create", "--username", "ada"))
	dev := strings.TrimSpace(c.command("", "token", "create", "--username", "dev"))
	rita := strings.TrimSpace(c.command("", "token", "create", "--username", "rita"))

	a := c.start("a", "")
	b := c.start("b", "")

	// Set-up through a, the review through b.
	a.api(ada, "POST", "/api/v1/teams", `{"slug":"payments","name":"Payments"}`, http.StatusCreated)
	a.api(ada, "PUT", "/api/v1/teams/payments/members/dev", `{"role":"maintainer"}`, http.StatusCreated)
	a.api(ada, "PATCH", "/api/v1/users/rita", `{"org_role":"approver"}`, http.StatusOK)
	a.api(dev, "POST", "/api/v1/apis", `{"team":"payments","slug":"sms","name":"SMS","summary":"Text messages.","visibility":"public"}`, http.StatusCreated)
	specJSON, _ := json.Marshal(map[string]string{"version": "1.0.0", "spec": multiSpec})
	a.api(dev, "POST", "/api/v1/apis/sms/versions", string(specJSON), http.StatusCreated)
	review := a.api(dev, "POST", "/api/v1/apis/sms/versions/1.0.0/submit", `{"note":"first"}`, http.StatusCreated)
	b.api(rita, "POST", fmt.Sprintf("/api/v1/reviews/%v/approve", review["id"]), `{"comment":"ok"}`, http.StatusOK)
	approved := time.Now()
	for _, in := range []*instance{a, b} {
		in.waitSearch(ada, "sendFax", "sms")
		t.Logf("published through b: searchable on %s after %v", in.name, time.Since(approved).Round(time.Millisecond))
	}

	// A new instance builds its index from the database, then follows.
	started := time.Now()
	cc := c.start("c", "")
	t.Logf("new instance c ready (index built) %v after its start", time.Since(started).Round(time.Millisecond))
	cc.waitSearch(ada, "sendFax", "sms")
	instances := []*instance{a, b, cc}

	// Pages and the API, with a session made on a, read on every instance.
	browser := c.login(a, "dev")
	for _, in := range instances {
		d := browser.page(in, "/catalog?q=fax")
		if got := d.Find(`[data-testid="hit"]`).Map(func(_ int, s *goquery.Selection) string { return s.AttrOr("data-slug", "") }); !slices.Equal(got, []string{"sms"}) {
			t.Errorf("catalog page of %s finds %v, want [sms]", in.name, got)
		}
		notes := browser.page(in, "/notifications").Find(`[data-testid="notification"]`)
		if notes.Length() != 1 || !strings.Contains(notes.Text(), "rita approved SMS 1.0.0") {
			t.Errorf("notifications page of %s: %d notifications %q, want the one approval", in.name, notes.Length(), notes.Text())
		}
		if got := in.api(ada, "GET", "/api/v1/apis/sms", "", http.StatusOK); got["state"] != "published" {
			t.Errorf("API of %s says sms is %v, want published", in.name, got["state"])
		}
	}

	// Changes through one instance, searched through every one: the lag.
	lags := map[string][]time.Duration{}
	for i := range rounds {
		word := fmt.Sprintf("zebra%dx%d", i, time.Now().UnixNano()%1e6)
		via := instances[i%len(instances)]
		via.api(dev, "PATCH", "/api/v1/apis/sms", fmt.Sprintf(`{"summary":"Text messages, %s."}`, word), http.StatusOK)
		changed := time.Now()
		var wg sync.WaitGroup
		var mu sync.Mutex
		errs := make([]error, len(instances))
		for j, in := range instances {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[j] = in.searchFinds(ada, word, "sms", "")
				mu.Lock()
				lags[in.name] = append(lags[in.name], time.Since(changed))
				mu.Unlock()
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, in := range instances {
		t.Logf("change to searchable on %s over %d changes: %s", in.name, rounds, summarize(lags[in.name]))
	}

	// b dies with SIGKILL holding the lease of a message it claimed.
	s, err := store.Open(ctx, c.dbURL, "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// The message is written as b's claim leaves it (the running instances
	// would deliver a message enqueued the usual way within milliseconds).
	runB := c.runOf(s, "b")
	if _, err := s.DB().ExecContext(ctx, `INSERT INTO outbox (topic, payload, created_at, available_at, attempts, leased_by)
		VALUES ('search.index', '{"api_id":1}', now(), now() + interval '1 minute', 1, ?)`, runB); err != nil {
		t.Fatal(err)
	}
	b.kill()
	killed := time.Now()
	for {
		st, err := s.OutboxStats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st["search.index"] == 0 {
			break
		}
		if time.Since(killed) > 45*time.Second {
			t.Fatalf("the message b leased was not delivered 45s after b was killed: %v", st)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("outbox lease of the killed instance b taken over and delivered %v after SIGKILL (heartbeat 1s, dead after 5s; the lease itself lasts 1m)",
		time.Since(killed).Round(time.Millisecond))

	// While b is down, a change through a, approved through c.
	a.api(dev, "POST", "/api/v1/apis", `{"team":"payments","slug":"ledger","name":"Ledger","visibility":"public"}`, http.StatusCreated)
	specJSON, _ = json.Marshal(map[string]string{"version": "1.0.0", "spec": strings.ReplaceAll(multiSpec, "sendFax", "postLedgerEntry")})
	a.api(dev, "POST", "/api/v1/apis/ledger/versions", string(specJSON), http.StatusCreated)
	review = a.api(dev, "POST", "/api/v1/apis/ledger/versions/1.0.0/submit", "", http.StatusCreated)
	cc.api(rita, "POST", fmt.Sprintf("/api/v1/reviews/%v/approve", review["id"]), "", http.StatusOK)
	a.waitSearch(ada, "postLedgerEntry", "ledger")
	cc.waitSearch(ada, "postLedgerEntry", "ledger")

	// b restarts on its data directory and catches up from its position.
	restarted := time.Now()
	b = c.start("b", b.data)
	b.waitSearch(ada, "postLedgerEntry", "ledger")
	t.Logf("restarted instance b searchable with what it missed %v after its start", time.Since(restarted).Round(time.Millisecond))
	instances = []*instance{a, b, cc}

	// Every instance's scheduler races for the same due version: all stop,
	// the sunset passes, all start at once.
	sunset := time.Now().Add(3 * time.Second).Truncate(time.Second).Add(time.Second).UTC()
	a.api(dev, "POST", "/api/v1/apis/sms/versions/1.0.0/deprecate", fmt.Sprintf(`{"sunset":%q}`, sunset.Format(time.RFC3339)), http.StatusOK)
	for _, in := range instances {
		in.stop()
	}
	if list, _, err := s.Instances(ctx); err != nil || len(list) != 0 {
		t.Errorf("instances registered after all stopped: %+v, %v; want none (they leave)", list, err)
	}
	time.Sleep(time.Until(sunset) + 500*time.Millisecond)
	for i, in := range instances {
		instances[i] = c.launch(in.name, in.data)
	}
	for _, in := range instances {
		in.waitReady()
	}
	retired := false
	for deadline := time.Now().Add(30 * time.Second); !retired && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		v := instances[0].api(ada, "GET", "/api/v1/apis/sms/versions/1.0.0", "", http.StatusOK)
		retired = v["state"] == "retired"
	}
	if !retired {
		t.Fatal("sms 1.0.0 was not retired at its sunset")
	}
	events, _ := instances[2].api(ada, "GET", "/api/v1/audit?action=version.retire", "", http.StatusOK)["events"].([]any)
	if len(events) != 1 || events[0].(map[string]any)["actor"] != "system" {
		t.Errorf("retire events %v, want one by the system", events)
	}
	for _, in := range instances {
		in.waitSearchState(ada, "sendFax", "sms", "retired")
		rz := in.readyz()
		index, _ := rz["index"].(map[string]any)
		if rz["instance"] != in.name || rz["status"] != "ok" || index["state"] != "following" || index["position"] != index["head"] {
			t.Errorf("/readyz of %s: %v, want ok, following at the head, named %s", in.name, rz, in.name)
		}
		// Log lines reach stderr in batches, at most logFlushEvery after
		// they are written: a just-restarted instance may not have
		// flushed its first batch yet.
		named := `"instance":"` + in.name + `"`
		for deadline := time.Now().Add(5 * time.Second); !strings.Contains(in.logs.String(), named) && time.Now().Before(deadline); {
			time.Sleep(20 * time.Millisecond)
		}
		if !strings.Contains(in.logs.String(), named) {
			t.Errorf("the logs of %s do not name it", in.name)
		}
	}
}

// multiSpec is the description of the APIs the test publishes.
const multiSpec = `openapi: 3.0.3
info: {title: SMS, version: 1.0.0}
paths:
  /fax:
    post:
      operationId: sendFax
      summary: Send a fax
      responses: {"200": {description: ok}}
`

func summarize(ds []time.Duration) string {
	if len(ds) == 0 {
		return "no samples"
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	r := func(d time.Duration) string { return d.Round(time.Millisecond).String() }
	return fmt.Sprintf("median %s, p90 %s, max %s", r(s[len(s)/2]), r(s[(len(s)*9)/10]), r(s[len(s)-1]))
}

// fleet is a database schema, the portico binary, and the instances
// started on them.
type fleet struct {
	t     *testing.T
	bin   string
	dbURL string
	dir   string
	mu    sync.Mutex
	procs []*instance
}

func newFleet(t *testing.T, base string) *fleet {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	// The binary the other process tests use: building it again took
	// most of this test's minute on a loaded machine.
	c := &fleet{t: t, dir: dir, bin: porticoBinary(t)}
	admin, err := store.Open(ctx, base, "")
	if err != nil {
		t.Fatal(err)
	}
	schema := fmt.Sprintf("multi_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9)
	if _, err := admin.DB().ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.mu.Lock()
		procs := c.procs
		c.mu.Unlock()
		for _, p := range procs {
			p.kill()
			if t.Failed() {
				t.Logf("logs of %s:\n%s", p.name, tail(p.logs.String(), 40))
			}
		}
		admin.DB().ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE") //nolint:errcheck // best effort
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	c.dbURL = strings.Replace(u.String(), "postgresql://", "postgres://", 1)
	return c
}

func tail(s string, lines int) string {
	l := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(l[max(len(l)-lines, 0):], "\n")
}

func (c *fleet) env() []string {
	return append(os.Environ(), "PORTICO_DATABASE_URL="+c.dbURL, "PORTICO_MIN_SUNSET_DAYS=0", "PORTICO_LOG_FORMAT=json")
}

// command runs a portico command to its end and returns its output.
func (c *fleet) command(stdin string, args ...string) string {
	c.t.Helper()
	cmd := exec.Command(c.bin, append(args, "--data", filepath.Join(c.dir, "cli"))...)
	cmd.Env = c.env()
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		c.t.Fatalf("portico %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String()
}

// instance is one running `portico serve`.
type instance struct {
	t    *testing.T
	name string
	data string
	url  string
	cmd  *exec.Cmd
	logs *logtest.Buffer
	done <-chan struct{}
	srv  *bintest.Served
}

// start runs an instance on data (a new directory when empty) and waits
// until /readyz says it is ready.
func (c *fleet) start(name, data string) *instance {
	c.t.Helper()
	in := c.launch(name, data)
	in.waitReady()
	return in
}

// launch runs an instance on data (a new directory when empty) and waits
// until it listens.
func (c *fleet) launch(name, data string) *instance {
	c.t.Helper()
	if data == "" {
		data = filepath.Join(c.dir, name)
	}
	cmd := exec.Command(c.bin, "serve", "--instance", name, "--data", data, "--addr", "127.0.0.1:0")
	cmd.Env = c.env()
	srv := bintest.Serve(c.t, cmd)
	in := &instance{t: c.t, name: name, data: data, url: srv.URL, cmd: cmd, logs: srv.Log, done: srv.Done(), srv: srv}
	c.mu.Lock()
	c.procs = append(c.procs, in)
	c.mu.Unlock()
	return in
}

// waitReady waits until /readyz says the instance is ready.
func (in *instance) waitReady() {
	in.t.Helper()
	in.srv.WaitReady(in.t)
}

// kill ends the instance with SIGKILL, as a crash would.
func (in *instance) kill() { in.srv.Kill() }

// stop ends the instance with SIGTERM and waits for it to leave.
func (in *instance) stop() {
	in.t.Helper()
	if err := in.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		in.t.Fatal(err)
	}
	select {
	case <-in.done:
	case <-time.After(30 * time.Second):
		in.t.Fatalf("instance %s did not stop on SIGTERM", in.name)
	}
}

// runOf returns the run id under which the instance name is registered.
func (c *fleet) runOf(s *store.Store, name string) string {
	c.t.Helper()
	list, _, err := s.Instances(context.Background())
	if err != nil {
		c.t.Fatal(err)
	}
	for _, i := range list {
		if i.Name == name {
			return i.RunID
		}
	}
	c.t.Fatalf("instance %s is not registered: %+v", name, list)
	return ""
}

// api calls the JSON API with a token and checks the status.
func (in *instance) api(token, method, path, body string, want int) map[string]any {
	in.t.Helper()
	var out map[string]any
	raw := in.call(token, method, path, body, want)
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			in.t.Fatalf("%s %s on %s: %v in %s", method, path, in.name, err, raw)
		}
	}
	return out
}

func (in *instance) call(token, method, path, body string, want int) []byte {
	in.t.Helper()
	req, err := http.NewRequest(method, in.url+path, strings.NewReader(body))
	if err != nil {
		in.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		in.t.Fatalf("%s %s on %s: %v", method, path, in.name, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		in.t.Fatalf("%s %s on %s: %d %s, want %d", method, path, in.name, res.StatusCode, raw, want)
	}
	return raw
}

func (in *instance) readyz() map[string]any {
	in.t.Helper()
	res, err := http.Get(in.url + "/readyz")
	if err != nil {
		in.t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		in.t.Fatal(err)
	}
	return out
}

// waitSearch waits until the instance's search finds exactly the API slug
// for text.
func (in *instance) waitSearch(token, text, slug string) {
	in.t.Helper()
	if err := in.searchFinds(token, text, slug, ""); err != nil {
		in.t.Fatal(err)
	}
}

func (in *instance) waitSearchState(token, text, slug, state string) {
	in.t.Helper()
	if err := in.searchFinds(token, text, slug, state); err != nil {
		in.t.Fatal(err)
	}
}

// searchFinds polls the search API until it finds exactly slug (in state,
// when given) for text, for at most 30 seconds. It may run on any goroutine.
func (in *instance) searchFinds(token, text, slug, state string) error {
	q := url.Values{"q": {text}}
	if state != "" {
		q.Set("state", state)
	}
	deadline := time.Now().Add(30 * time.Second)
	var last string
	for time.Now().Before(deadline) {
		req, err := http.NewRequest("GET", in.url+"/api/v1/search?"+q.Encode(), nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return fmt.Errorf("search on %s: %w", in.name, err)
		}
		var body struct {
			Hits []struct{ API, State string } `json:"hits"`
		}
		raw, _ := io.ReadAll(res.Body)
		res.Body.Close()
		last = string(raw)
		if err := json.Unmarshal(raw, &body); err != nil {
			return fmt.Errorf("search on %s: %v in %s", in.name, err, raw)
		}
		if len(body.Hits) == 1 && body.Hits[0].API == slug && (state == "" || body.Hits[0].State == state) {
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("search for %q on %s: %s 30s later, want %s %s", text, in.name, last, slug, state)
}

// browser is a user's cookie jar: sessions are in the database, so one
// session works on every instance.
type browser struct {
	t      *testing.T
	client *http.Client
}

func (c *fleet) login(in *instance, username string) *browser {
	c.t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &browser{t: c.t, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	d := b.page(in, "/login")
	csrf, ok := d.Find(`input[name="_csrf"]`).Attr("value")
	if !ok {
		c.t.Fatal("the login form has no CSRF field")
	}
	res, err := b.client.PostForm(in.url+"/login", url.Values{"_csrf": {csrf}, "username": {username}, "password": {"a long enough password"}})
	if err != nil {
		c.t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("login as %s on %s: %d", username, in.name, res.StatusCode)
	}
	return b
}

func (b *browser) page(in *instance, path string) *goquery.Document {
	b.t.Helper()
	res, err := b.client.Get(in.url + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b.t.Fatalf("GET %s on %s: %d", path, in.name, res.StatusCode)
	}
	d, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return d
}
