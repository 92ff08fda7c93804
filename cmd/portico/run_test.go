package main

import (
	"context"
	"errors"
	"flag"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/auth"
	"github.com/portico-dev/portico/bintest"
	"github.com/portico-dev/portico/logtest"
	"github.com/portico-dev/portico/store"
)

// testEnv is the environment of a command run by a test: vars and stdin. The embedded index ranks by words alone
// unless vars turn PORTICO_SEARCH_MEANING on: ranking by meaning encodes what every API says, seconds for the
// demo's samples (a minute under the race detector), and the tests that are not about it need not pay for it
// (TestDemoThenReindex is).
func testEnv(vars map[string]string, stdin string) (env, *logtest.Buffer, *logtest.Buffer) {
	out, errOut := &logtest.Buffer{}, &logtest.Buffer{}
	return env{
		getenv: func(k string) string {
			if v, ok := vars[k]; ok || k != "PORTICO_SEARCH_MEANING" {
				return v
			}
			return "off"
		},
		stdin:  strings.NewReader(stdin),
		stdout: out,
		stderr: errOut,
		hasher: auth.NewTestHasher(),
	}, out, errOut
}

func TestBadConfiguration(t *testing.T) {
	tests := []struct {
		args []string
		vars map[string]string
		want string
	}{
		{[]string{"--log-level", "loud"}, nil, "invalid --log-level"},
		{[]string{"--addr", "8080"}, nil, "invalid --addr"},
		{nil, map[string]string{"PORTICO_DATABASE_URL": "mysql://x"}, "invalid PORTICO_DATABASE_URL: use postgres://"},
		{[]string{"--log-format", "xml"}, nil, "invalid --log-format"},
		{[]string{"--trusted-proxies", "10.0.0.0/8,proxy.local"}, nil, "invalid --trusted-proxies"},
		{[]string{"--min-sunset-days", "-3"}, nil, "invalid --min-sunset-days"},
		{nil, map[string]string{"PORTICO_MCP_CALLS_PER_MINUTE": "lots"}, `invalid PORTICO_MCP_CALLS_PER_MINUTE "lots"`},
		{[]string{"--max-connections", "0"}, nil, "invalid --max-connections"},
		{nil, map[string]string{"PORTICO_MAX_CONNECTIONS": "many"}, `invalid PORTICO_MAX_CONNECTIONS "many"`},
		{[]string{"--shutdown-drain", "-1s"}, nil, "invalid --shutdown-drain"},
		{nil, map[string]string{"PORTICO_SHUTDOWN_DRAIN": "10"}, `invalid PORTICO_SHUTDOWN_DRAIN "10"`},
		{[]string{"--shutdown-drain", "6m"}, nil, "invalid --shutdown-drain"},
		{[]string{"--session-lifetime", "30m"}, nil, "invalid --session-lifetime"},
		{nil, map[string]string{"PORTICO_SESSION_LIFETIME": "14d"}, `invalid PORTICO_SESSION_LIFETIME "14d"`},
		{[]string{"--session-idle-timeout", "1m"}, nil, "invalid --session-idle-timeout"},
		{nil, map[string]string{"PORTICO_SESSION_IDLE_TIMEOUT": "721h"}, `invalid PORTICO_SESSION_IDLE_TIMEOUT "721h"`},
		{[]string{"--pprof-addr", "0.0.0.0:6060"}, nil, "invalid --pprof-addr"},
		{nil, map[string]string{"PORTICO_PPROF_ADDR": "10.1.2.3:6060"}, `invalid PORTICO_PPROF_ADDR "10.1.2.3:6060"`},
		{[]string{"--public-gateway-url", "api.example.com"}, nil, `invalid --public-gateway-url "api.example.com": it must start with https://`},
		{[]string{"migrate"}, map[string]string{"PORTICO_PUBLIC_GATEWAY_URL": "https://api.example.com/?env=prod"}, `invalid PORTICO_PUBLIC_GATEWAY_URL "https://api.example.com/?env=prod": it must not have a query`},
		{[]string{"migrate", "--public-gateway-url", "https://api.example.com/#x"}, nil, "invalid --public-gateway-url"},
		{[]string{"frobnicate"}, nil, "unknown command"},
		{[]string{"user", "create", "--username", "x"}, nil, "--password-stdin"},
		// A SQLite URL without a file is a database SQLite throws away:
		// the command would succeed and keep nothing.
		{[]string{"migrate", "--database-url", "sqlite:"}, nil, "invalid --database-url"},
		{[]string{"migrate"}, map[string]string{"PORTICO_DATABASE_URL": "file:"}, "invalid PORTICO_DATABASE_URL: sqlite:PATH"},
		{[]string{"migrate", "--database-url", "sqlite::memory:"}, nil, "invalid --database-url"},
		// A port out of range: serve found it out only when it listened.
		{[]string{"--addr", ":99999"}, nil, "invalid --addr"},
		{[]string{"migrate"}, map[string]string{"PORTICO_ADDR": "127.0.0.1:-1"}, `invalid PORTICO_ADDR "127.0.0.1:-1"`},
		{[]string{"--pprof-addr", "127.0.0.1:65536"}, nil, "invalid --pprof-addr"},
		// A bad value from the environment is reported under the
		// variable, not under a flag nobody gave; the flag wins and is
		// named when given.
		{[]string{"migrate"}, map[string]string{"PORTICO_LOG_LEVEL": "bad"}, `invalid PORTICO_LOG_LEVEL "bad": use debug`},
		{[]string{"migrate", "--log-level", "loud"}, map[string]string{"PORTICO_LOG_LEVEL": "bad"}, `invalid --log-level "loud"`},
		{[]string{"migrate"}, map[string]string{"PORTICO_LOG_FORMAT": "xml"}, `invalid PORTICO_LOG_FORMAT "xml"`},
		{[]string{"migrate"}, map[string]string{"PORTICO_METRICS_TOKEN": "short"}, "invalid PORTICO_METRICS_TOKEN: use at least 16"},
		{[]string{"migrate"}, map[string]string{"PORTICO_DATA_DIR": " "}, "invalid PORTICO_DATA_DIR: the data directory"},
		{[]string{"migrate"}, map[string]string{"PORTICO_TLS_CERT": "cert.pem"}, "PORTICO_TLS_CERT is set without --tls-key"},
		{[]string{"import", "--as", "a", "--team", "t", "x.yaml"}, map[string]string{"PORTICO_LOG_LEVEL": "bad"}, `invalid PORTICO_LOG_LEVEL "bad"`},
		// A PostgreSQL URL that does not parse is named as it was given,
		// as any other bad value (it said "invalid database url"), and
		// refused before anything is opened; never quoted (a password).
		{[]string{"migrate"}, map[string]string{"PORTICO_DATABASE_URL": "postgres://portico:50%off@db/portico"}, "invalid PORTICO_DATABASE_URL: an invalid percent-escape"},
		{[]string{"migrate", "--database-url", "postgres://portico:pa#ss@db/portico"}, nil, "invalid --database-url: use postgres://user:password@host"},
		{[]string{"migrate"}, map[string]string{"PORTICO_DATABASE_URL": "postgres://portico:pw@127.0.0.1:1/db?sslmode=verify_full"}, "invalid PORTICO_DATABASE_URL: pgdriver: sslmode 'verify_full' is not supported"},
	}
	for _, tt := range tests {
		e, _, _ := testEnv(tt.vars, "")
		err := runEnv(context.Background(), tt.args, e)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("run %v %v: error %v, want one containing %q", tt.args, tt.vars, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("run %v: error spans several lines: %q", tt.args, err)
		}
	}
}

// TestHelp: every way of asking for help prints every command and succeeds.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"-help"}} {
		e, out, _ := testEnv(nil, "")
		if err := runEnv(context.Background(), args, e); err != nil {
			t.Errorf("%v: %v, want success", args, err)
		}
		for _, cmd := range commands {
			if !strings.Contains(out.String(), "\n  "+cmd+" ") {
				t.Errorf("%v does not list the command %q:\n%s", args, cmd, out.String())
			}
		}
		if !strings.Contains(out.String(), "-data") {
			t.Errorf("%v does not list the configuration flags", args)
		}
	}
	// A command's own help succeeds too.
	e, _, errOut := testEnv(nil, "")
	if err := runEnv(context.Background(), []string{"demo", "-h"}, e); err != nil {
		t.Errorf("demo -h: %v, want success", err)
	}
	if !strings.Contains(errOut.String(), "-synthetic") {
		t.Errorf("demo -h does not print its flags:\n%s", errOut.String())
	}
	// Every command the dispatcher knows is listed (an unknown one is refused),
	// and the usage text names each flag of its own.
	e, out, _ := testEnv(nil, "")
	if err := runEnv(context.Background(), []string{"help"}, e); err != nil {
		t.Fatal(err)
	}
	shared := listedFlags(out.String())
	for _, cmd := range commands {
		if cmd == "serve" || cmd == "help" || cmd == "version" {
			continue
		}
		e, _, errOut := testEnv(map[string]string{"PORTICO_DATA_DIR": t.TempDir()}, "")
		err := runEnv(context.Background(), append(strings.Fields(cmd), "-h"), e)
		if err != nil {
			t.Errorf("%s -h: %v", cmd, err)
		}
		for name := range listedFlags(errOut.String()) {
			if !shared[name] && !strings.Contains(out.String(), "--"+name) {
				t.Errorf("the usage text does not name --%s of %s", name, cmd)
			}
		}
	}
}

// listedFlags are the flags a flag set's PrintDefaults lists in text.
func listedFlags(text string) map[string]bool {
	names := map[string]bool{}
	for _, line := range strings.Split(text, "\n") {
		if rest, ok := strings.CutPrefix(line, "  -"); ok {
			names[strings.Fields(rest)[0]] = true
		}
	}
	return names
}

func TestVersion(t *testing.T) {
	e, out, _ := testEnv(nil, "")
	if err := runEnv(context.Background(), []string{"version"}, e); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "portico ") {
		t.Errorf("version printed %q", out.String())
	}
}

// TestServeFirstStart runs the real serve command: it creates the data
// directory and the first admin, prints how to log in, and that login works.
func TestServeFirstStart(t *testing.T) {
	dir := t.TempDir() + "/data"
	vars := map[string]string{"PORTICO_DATA_DIR": dir, "PORTICO_ADDR": "127.0.0.1:0"}
	e, out, logs := testEnv(vars, "")
	srv := startServing(t, e)
	addr := srv.addr
	if _, err := os.Stat(dir + "/portico.db"); err != nil {
		t.Errorf("no database in the data directory: %v", err)
	}
	m := regexp.MustCompile(`user name: admin\s+password:\s+(\S+)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("first start did not print the admin login:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "log in at http://") {
		t.Errorf("serve did not print where to log in:\n%s", out.String())
	}
	password := m[1]

	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	base := "http://" + addr
	csrf := bintest.PageCSRF(t, client, base+"/login")
	res, err := client.PostForm(base+"/login", url.Values{"_csrf": {csrf}, "username": {"admin"}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("login with the printed password: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if strings.Contains(logs.String(), password) {
		t.Error("the admin password was logged")
	}
	// The first page is "choose your password", as the start message says.
	res, err = client.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/password" {
		t.Errorf("first page after the first login: %d %q, want 303 to /password", res.StatusCode, res.Header.Get("Location"))
	}
	if !strings.Contains(out.String(), "choose your own") {
		t.Errorf("the start message does not say the admin chooses a password at the first login:\n%s", out.String())
	}

	// The commands work beside the running server, on the same data directory.
	eu, _, _ := testEnv(vars, "another long password\n")
	if err := runEnv(context.Background(), []string{"user", "create", "--username", "ops", "--password-stdin"}, eu); err != nil {
		t.Fatalf("user create beside the server: %v", err)
	}
	et, tokOut, _ := testEnv(vars, "")
	if err := runEnv(context.Background(), []string{"token", "create", "--username", "ops"}, et); err != nil {
		t.Fatalf("token create beside the server: %v", err)
	}
	req, _ := http.NewRequest("GET", base+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(tokOut.String()))
	res, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("the running server refused the token made by the command: %d", res.StatusCode)
	}

	if err := srv.stop(); err != nil {
		t.Fatalf("serve returned %v", err)
	}

	// A second start does not create or print another admin.
	e2, out2, _ := testEnv(vars, "")
	if err := startServing(t, e2).stop(); err != nil {
		t.Fatalf("second serve returned %v", err)
	}
	if strings.Contains(out2.String(), "password:") {
		t.Errorf("the second start printed a password:\n%s", out2.String())
	}
}

// TestSQLiteDatabaseURL: a sqlite:PATH database URL keeps what one command
// writes for the next.
func TestSQLiteDatabaseURL(t *testing.T) {
	vars := map[string]string{"PORTICO_DATA_DIR": t.TempDir(), "PORTICO_DATABASE_URL": "sqlite:" + t.TempDir() + "/elsewhere.db"}
	e, _, _ := testEnv(vars, "a long enough password\n")
	if err := runEnv(context.Background(), []string{"user", "create", "--username", "ops", "--password-stdin"}, e); err != nil {
		t.Fatal(err)
	}
	e, out, _ := testEnv(vars, "")
	if err := runEnv(context.Background(), []string{"token", "create", "--username", "ops"}, e); err != nil {
		t.Fatalf("token create for the user created before: %v", err)
	}
	if auth.CheckTokenFormat(strings.TrimSpace(out.String())) != nil {
		t.Errorf("token create printed %q", out.String())
	}
}

func TestUserAndTokenCommands(t *testing.T) {
	vars := map[string]string{"PORTICO_DATA_DIR": t.TempDir()}
	e, out, _ := testEnv(vars, "a long enough password\n")
	if err := runEnv(context.Background(), []string{"migrate"}, e); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "applied") {
		t.Errorf("migrate printed %q", out.String())
	}
	if err := runEnv(context.Background(), []string{"user", "create", "--username", "ops", "--password-stdin", "--admin"}, e); err != nil {
		t.Fatal(err)
	}
	e, _, _ = testEnv(vars, "a long enough password\n")
	err := runEnv(context.Background(), []string{"user", "create", "--username", "ops", "--password-stdin"}, e)
	if err == nil || !strings.Contains(err.Error(), "--username: This username is taken.") {
		t.Errorf("duplicate user: %v", err)
	}
	e, _, _ = testEnv(vars, "short\n")
	err = runEnv(context.Background(), []string{"user", "create", "--username", "weak", "--password-stdin"}, e)
	if err == nil || !strings.Contains(err.Error(), "at least") {
		t.Errorf("weak password: %v", err)
	}
	e, out, _ = testEnv(vars, "")
	if err := runEnv(context.Background(), []string{"token", "create", "--username", "ops"}, e); err != nil {
		t.Fatal(err)
	}
	tok := strings.TrimSpace(out.String())
	if auth.CheckTokenFormat(tok) != nil {
		t.Errorf("token create printed %q", tok)
	}
	e, _, _ = testEnv(vars, "")
	if err := runEnv(context.Background(), []string{"token", "create", "--username", "ghost"}, e); err == nil {
		t.Error("token for an unknown user succeeded")
	}
}

func TestTeamCommands(t *testing.T) {
	vars := map[string]string{"PORTICO_DATA_DIR": t.TempDir()}
	run := func(stdin string, args ...string) (string, error) {
		e, out, _ := testEnv(vars, stdin)
		err := runEnv(context.Background(), args, e)
		return out.String(), err
	}
	steps := []struct {
		stdin   string
		args    []string
		out     string // printed on success
		refusal string // part of the error, when refused
	}{
		{"a long enough password\n", []string{"user", "create", "--username", "Alice", "--password-stdin", "--role", "approver", "--display-name", "Alice A.", "--email", "alice@example.com"}, "created user alice (org role approver)", ""},
		{"a long enough password\n", []string{"user", "create", "--username", "bob", "--password-stdin", "--admin", "--role", "member"}, "", "choose --admin or --role member, not both"},
		{"", []string{"team", "create", "--slug", "payments", "--name", "Payments", "--description", "Money in, money out"}, "created team payments (Payments)", ""},
		{"", []string{"team", "member", "--team", "payments", "--username", "alice", "--role", "owner", "--reviewer"}, "alice is owner of payments and a reviewer\n", ""},
		// Whether the member reviews is said, changed or not.
		{"", []string{"team", "member", "--team", "payments", "--username", "alice", "--role", "owner", "--reviewer=false"}, "alice is owner of payments, not a reviewer\n", ""},
		{"", []string{"team", "member", "--team", "payments", "--username", "alice", "--role", "owner"}, "alice is owner of payments, not a reviewer\n", ""},
		{"", []string{"team", "member", "--team", "payments", "--username", "Alice", "--role", "owner", "--reviewer=true"}, "alice is owner of payments and a reviewer\n", ""},
		{"", []string{"team", "member", "--team", "payments", "--username", "alice", "--role", "owner"}, "alice is owner of payments and a reviewer\n", ""},
		{"", []string{"team", "member", "--team", "payments", "--username", "alice", "--role", "viewer"}, "", "A team needs at least one owner"},
		{"", []string{"team", "member", "--team", "nope", "--username", "alice", "--role", "viewer"}, "", `there is no team "nope" (--team)`},
		{"", []string{"team", "member", "--username", "alice", "--role", "viewer"}, "", "team member needs --team SLUG"},
		{"", []string{"token", "create", "--username", "alice", "--expires-days", "0"}, "", "--expires-days: Enter a number of days from 1 to 3650"},
		{"", []string{"token", "create", "--username", "ghost"}, "", "--username: There is no user \u2068\"ghost\"\u2069."},
	}
	for _, st := range steps {
		out, err := run(st.stdin, st.args...)
		switch {
		case st.refusal == "" && err != nil:
			t.Errorf("%v: %v", st.args, err)
		case st.refusal == "" && !strings.Contains(out, st.out):
			t.Errorf("%v printed %q, want %q", st.args, out, st.out)
		case st.refusal != "" && (err == nil || !strings.Contains(err.Error(), st.refusal)):
			t.Errorf("%v: error %v, want one containing %q", st.args, err, st.refusal)
		}
	}
	c := &config{}
	c.register(flag.NewFlagSet("test", flag.ContinueOnError), func(k string) string { return vars[k] })
	s, err := openStore(context.Background(), c, "migrate")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	team, err := s.TeamBySlug(context.Background(), "payments")
	if err != nil {
		t.Fatal(err)
	}
	members, err := s.TeamMembers(context.Background(), team.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(members) != 1 || members[0].User.Username != "alice" || members[0].Role != "owner" || !members[0].Reviewer || members[0].User.Email != "alice@example.com" {
		t.Errorf("payments members = %+v, want alice, owner and reviewer", members)
	}
	events, err := s.ListAudit(context.Background(), store.AuditFilter{Actor: "cli", Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, ev := range events {
		actions = append(actions, ev.Action)
	}
	// Made a reviewer, then not, then again; set as member once.
	if want := "team.member.reviewer,team.member.reviewer,team.member.reviewer,team.member.set,team.create,user.create"; strings.Join(actions, ",") != want {
		t.Errorf("audit by cli = %v, want %s", actions, want)
	}
}

// TestDatabaseURLNeverPrinted: the database URL holds the database's
// password; neither a command's flags (-h) nor the usage text show it,
// even when it comes from the environment, as the other secrets are kept;
// nor does the refusal of a mistyped flag.
func TestDatabaseURLNeverPrinted(t *testing.T) {
	const password = "s3cret-Pa55word"
	dbURL := "postgres://portico:" + password + "@127.0.0.1:1/portico"
	e, out, errOut := testEnv(map[string]string{"PORTICO_DATABASE_URL": dbURL, "PORTICO_DATA_DIR": t.TempDir()}, "")
	if err := runEnv(context.Background(), []string{"serve", "--bogus"}, e); err == nil || strings.Contains(out.String()+errOut.String()+err.Error(), password) {
		t.Errorf("serve --bogus: %v, printed %q; want a refusal without the database password", err, out.String()+errOut.String())
	}
	for _, args := range [][]string{{"migrate", "-h"}, {"serve", "-h"}, {"token", "create", "-h"}, {"--help"}} {
		e, out, errOut := testEnv(map[string]string{"PORTICO_DATABASE_URL": dbURL, "PORTICO_DATA_DIR": t.TempDir()}, "")
		err := runEnv(context.Background(), args, e)
		printed := out.String() + errOut.String()
		if err != nil {
			printed += err.Error()
		}
		if strings.Contains(printed, password) {
			t.Errorf("%v: got the database password in the output:\n%s", args, printed)
		}
		if !strings.Contains(printed, "-database-url") {
			t.Errorf("%v: got no --database-url among the flags, want it listed:\n%s", args, printed)
		}
	}
}

// endless is standard input that never ends a line: it counts what was read,
// and fails past max so that a test stops instead of filling the memory.
type endless struct{ read, max int }

func (r *endless) Read(p []byte) (int, error) {
	if r.read >= r.max {
		return 0, errors.New("read past the limit")
	}
	n := min(len(p), r.max-r.read)
	for i := range p[:n] {
		p[i] = 'a'
	}
	r.read += n
	return n, nil
}

// TestUserCreateReadsABoundedPassword: user create reads the password's
// line no further than a password may be long, and refuses a longer one
// with the service's rule, whatever standard input holds.
func TestUserCreateReadsABoundedPassword(t *testing.T) {
	e, _, _ := testEnv(map[string]string{"PORTICO_DATA_DIR": t.TempDir()}, "")
	in := &endless{max: 8 << 20}
	e.stdin = in
	err := runEnv(context.Background(), []string{"user", "create", "--username", "ops", "--password-stdin"}, e)
	if err == nil || !strings.Contains(err.Error(), "the password on standard input: ") || !strings.Contains(err.Error(), "at most 1024") {
		t.Errorf("a password without end: error %v, want the password refused as too long", err)
	}
	if in.read > 64<<10 {
		t.Errorf("read %d bytes of standard input, want at most the longest password's line", in.read)
	}
}

// failingWriter is standard output on a full disk or a closed file.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

// TestSecretShownOnceFailsWhenNotWritten: token create and gateway-node
// create show their secret once, on standard output; when it cannot be
// written the command fails (a script must not go on without it) and says
// what to do with what it created.
func TestSecretShownOnceFailsWhenNotWritten(t *testing.T) {
	vars := map[string]string{"PORTICO_DATA_DIR": t.TempDir()}
	e, _, _ := testEnv(vars, "a long enough password\n")
	if err := runEnv(context.Background(), []string{"user", "create", "--username", "ops", "--password-stdin"}, e); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"token", "create", "--username", "ops", "--name", "ci"},
		{"gateway-node", "create", "--name", "edge-1"},
	} {
		e, _, _ := testEnv(vars, "")
		e.stdout = failingWriter{}
		err := runEnv(context.Background(), args, e)
		if err == nil || !strings.Contains(err.Error(), "no space left on device") || !strings.Contains(err.Error(), "revoke") {
			t.Errorf("%v with standard output failing: error %v, want the failure and what to revoke", args, err)
		}
	}
}

// TestFirstAdminPasswordFailsWhenNotWritten: serve and demo on a fresh
// portal create the first org admin and show its one-time password once, on
// standard output; when it cannot be written the command fails and says how
// to make another admin, instead of going on with an admin nobody can use.
func TestFirstAdminPasswordFailsWhenNotWritten(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--addr", "127.0.0.1:0"},
		{"demo", "--samples", demoSampleDir(t)},
	} {
		e, _, _ := testEnv(map[string]string{"PORTICO_DATA_DIR": t.TempDir()}, "")
		e.stdout = failingWriter{}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		e.ready = func(string) {
			t.Errorf("%v with standard output failing: the server started", args)
			cancel()
		}
		err := runEnv(ctx, args, e)
		cancel()
		if err == nil || !strings.Contains(err.Error(), "no space left on device") || !strings.Contains(err.Error(), "user create --username NAME --password-stdin --admin") {
			t.Errorf("%v with standard output failing: error %v, want the failure and how to make another admin", args, err)
		}
	}
}

// TestServeRefusesABadPortBeforeAnything: an --addr whose port is out of
// range is refused before serve touches the data directory (it used to
// migrate, create and print the first admin, and only then fail to listen).
func TestServeRefusesABadPortBeforeAnything(t *testing.T) {
	data := t.TempDir()
	e, out, _ := testEnv(map[string]string{"PORTICO_DATA_DIR": data}, "")
	err := runEnv(context.Background(), []string{"serve", "--addr", "127.0.0.1:99999"}, e)
	if err == nil || !strings.Contains(err.Error(), "invalid --addr") {
		t.Errorf("serve --addr 127.0.0.1:99999: error %v, want invalid --addr", err)
	}
	if entries, _ := os.ReadDir(data); len(entries) != 0 || out.String() != "" {
		t.Errorf("serve with a bad port wrote %d entries in the data directory and printed %q, want nothing", len(entries), out.String())
	}
}

// TestGroupHelp: "COMMAND -h" works for the commands in groups too: the
// group's commands are printed and the help succeeds; a group without a
// command is refused with the same list.
func TestGroupHelp(t *testing.T) {
	for group, cmds := range map[string][]string{"user": {"user create"}, "token": {"token create"}, "team": {"team create", "team member"}, "gateway-node": {"gateway-node create"}} {
		for _, h := range []string{"-h", "--help", "-help"} {
			e, out, _ := testEnv(nil, "")
			if err := runEnv(context.Background(), []string{group, h}, e); err != nil {
				t.Errorf("%s %s: %v, want success", group, h, err)
			}
			for _, cmd := range cmds {
				if !strings.Contains(out.String(), "\n  "+cmd+" ") {
					t.Errorf("%s %s does not list %q:\n%s", group, h, cmd, out.String())
				}
			}
			if strings.Contains(out.String(), "  serve ") {
				t.Errorf("%s %s lists the other commands too:\n%s", group, h, out.String())
			}
		}
		e, _, errOut := testEnv(nil, "")
		err := runEnv(context.Background(), []string{group}, e)
		if err == nil || !strings.Contains(err.Error(), group+" needs a command") || !strings.Contains(errOut.String(), "\n  "+cmds[0]+" ") {
			t.Errorf("%s alone: %v, printed %q; want a refusal listing its commands", group, err, errOut.String())
		}
	}
}

// TestStrayURLArgumentIsMasked: a database URL given without its flag is
// refused as an unexpected argument, and the refusal does not show its
// password (it goes to terminals and logs).
func TestStrayURLArgumentIsMasked(t *testing.T) {
	for _, arg := range []string{
		"postgres://portico:pw-s3cret@db.internal:5432/portico",
		"postgres://portico:pw-s3cret#x@db.internal:5432/portico", // refused by the URL parser
		"postgres://portico:pw-s3cret/x@db.internal:5432/portico", // parsed as host "portico", port "pw-s3cret"
	} {
		e, _, _ := testEnv(map[string]string{"PORTICO_DATA_DIR": t.TempDir()}, "")
		err := runEnv(context.Background(), []string{"migrate", arg}, e)
		if err == nil || !strings.Contains(err.Error(), "unexpected argument") || strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "db.internal") {
			t.Errorf("migrate %s: error %v, want an unexpected argument naming the host without the password", arg, err)
		}
	}
}

// TestFirstStartOnABusyPortShowsNoPassword: a first start that fails (its
// address taken, the commonest failure of a first try) creates no admin
// and prints no one-time password, which the operator would take for
// noise before the error: the start that works prints it.
func TestFirstStartOnABusyPortShowsNoPassword(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	data := filepath.Join(t.TempDir(), "data")
	e, out, _ := testEnv(map[string]string{"PORTICO_DATA_DIR": data, "PORTICO_ADDR": busy.Addr().String()}, "")
	err = runEnv(context.Background(), []string{"serve"}, e)
	if err == nil || !strings.Contains(err.Error(), "listen on") {
		t.Fatalf("serve on a busy address: %v, want it refused", err)
	}
	if strings.Contains(out.String(), "password") {
		t.Errorf("the failed first start printed a one-time password:\n%s", out)
	}
	// The profiling address is opened before the admin is made too.
	e, out, _ = testEnv(map[string]string{"PORTICO_DATA_DIR": data, "PORTICO_ADDR": "127.0.0.1:0", "PORTICO_PPROF_ADDR": busy.Addr().String()}, "")
	if err := runEnv(context.Background(), []string{"serve"}, e); err == nil {
		t.Fatal("serve with a busy --pprof-addr: no error, want it refused")
	}
	if strings.Contains(out.String(), "password") {
		t.Errorf("the first start refused for its --pprof-addr printed a one-time password:\n%s", out)
	}

	e, out, _ = testEnv(map[string]string{"PORTICO_DATA_DIR": data, "PORTICO_ADDR": "127.0.0.1:0"}, "")
	if err := startServing(t, e).stop(); err != nil {
		t.Errorf("serve: %v", err)
	}
	if !strings.Contains(out.String(), "First start: an org admin was created.") {
		t.Errorf("the first start that works does not print the admin's one-time password:\n%s", out)
	}
}
