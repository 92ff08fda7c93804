package cliconf

import (
	"bytes"
	"errors"
	"flag"
	"strings"
	"testing"
)

func TestRegisterTakesDefaultsFromTheEnvironmentAndTheFlagWins(t *testing.T) {
	env := map[string]string{"X_ADDR": ":9000", "X_TOKEN": "hunter2-from-env"}
	tests := []struct {
		args                 []string
		wantAddr, wantFormat string
		wantToken            string
	}{
		{nil, ":9000", "text", "hunter2-from-env"},
		{[]string{"--addr", ":7000", "--log-format", "json", "--token", "t2"}, ":7000", "json", "t2"},
	}
	for _, tt := range tests {
		var addr, token string
		var log Log
		fs := flag.NewFlagSet("x", flag.ContinueOnError)
		var usage bytes.Buffer
		fs.SetOutput(&usage)
		Register(fs, func(k string) string { return env[k] }, []Setting{
			{Flag: "addr", Env: "X_ADDR", Default: ":8080", Usage: "address", Dst: &addr},
			{Flag: "log-format", Env: "X_LOG_FORMAT", Default: "text", Usage: "log format", Dst: &log.Format},
		})
		token = env["X_TOKEN"]
		SecretVar(fs, &token, "token", "token (env X_TOKEN)")
		if err := fs.Parse(tt.args); err != nil {
			t.Fatal(err)
		}
		if addr != tt.wantAddr || log.Format != tt.wantFormat || token != tt.wantToken {
			t.Errorf("%v: got addr %q, format %q, token %q; want %q, %q, %q", tt.args, addr, log.Format, token, tt.wantAddr, tt.wantFormat, tt.wantToken)
		}
		fs.PrintDefaults()
		if got := usage.String(); !strings.Contains(got, "address (env X_ADDR)") || !strings.Contains(got, `(default ":9000")`) || strings.Contains(got, "hunter2") {
			t.Errorf("usage text:\n%s\nwant the env variable named, its value as default, and the secret absent", got)
		}
	}
}

// TestRegisterMasksAPasswordInADefault: a URL setting from the environment
// may carry a password; the usage text shows the URL with the password
// masked, and the setting keeps it whole.
func TestRegisterMasksAPasswordInADefault(t *testing.T) {
	env := map[string]string{"X_URL": "http://search:hunter2-in-url@meili.internal:7700"}
	var u string
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	var usage bytes.Buffer
	fs.SetOutput(&usage)
	Register(fs, func(k string) string { return env[k] }, []Setting{{Flag: "url", Env: "X_URL", Usage: "search URL", Dst: &u}})
	if err := fs.Parse([]string{"--no-such-flag"}); err == nil {
		t.Fatal("a mistyped flag was accepted")
	}
	if got := usage.String(); strings.Contains(got, "hunter2") || !strings.Contains(got, "meili.internal:7700") {
		t.Errorf("usage text:\n%s\nwant the URL without its password", got)
	}
	if u != env["X_URL"] {
		t.Errorf("setting = %q, want the environment's URL whole", u)
	}
}

func TestLog(t *testing.T) {
	tests := []struct {
		log     Log
		wantErr string
	}{
		{Log{"info", "text"}, ""},
		{Log{"debug", "json"}, ""},
		{Log{"loud", "text"}, `invalid --log-level "loud"`},
		{Log{"info", "xml"}, `invalid --log-format "xml"`},
	}
	for _, tt := range tests {
		err := tt.log.Validate()
		if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("%+v: got %v, want %q", tt.log, err, tt.wantErr)
		}
	}
	var out bytes.Buffer
	l := Log{"warn", "json"}.Logger(&out)
	l.Info("dropped")
	l.Warn("kept")
	if got := out.String(); strings.Contains(got, "dropped") || !strings.HasPrefix(got, `{"time":`) || !strings.Contains(got, `"msg":"kept"`) {
		t.Errorf("got %q, want only the warning, as JSON", got)
	}
	out.Reset()
	Log{"debug", "text"}.Logger(&out).Debug("seen")
	if got := out.String(); !strings.Contains(got, "level=DEBUG msg=seen") {
		t.Errorf("got %q, want a text debug line", got)
	}
}

func TestSplitAddr(t *testing.T) {
	for addr, want := range map[string]string{":8080": "", "127.0.0.1:0": "127.0.0.1", "[::1]:65535": "::1", "localhost:6060": "localhost"} {
		if host, err := SplitAddr(addr); err != nil || host != want {
			t.Errorf("SplitAddr(%q) = %q, %v; want %q", addr, host, err, want)
		}
	}
	for _, addr := range []string{"8080", ":99999", ":65536", "127.0.0.1:-1", ":+80", ":http", "127.0.0.1:", ":99999999999999999999"} {
		if _, err := SplitAddr(addr); err == nil {
			t.Errorf("SplitAddr(%q) accepted it", addr)
		}
	}
}

func TestMaskURL(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u:pw@db:5432/x":         "postgres://u:xxxxx@db:5432/x",
		"postgres://u:p@ss@db/x":            "postgres://u:xxxxx@db/x",
		"postgres://u:pw#frag@db:5432/x":    "postgres://xxxxx@db:5432/x",
		"postgres://u:pw/x@db:5432/x":       "postgres://xxxxx@db:5432/x",
		"postgres://u@db:5432/x":            "postgres://u@db:5432/x",
		"postgres://me@corp:1234#5678@db/x": "postgres://xxxxx@db/x",
		"http://127.0.0.1:7700":             "http://127.0.0.1:7700",
		"extra":                             "extra",
		"mailto:someone@example.com":        "mailto:someone@example.com",
		"file.yaml":                         "file.yaml",
	} {
		if got := MaskURL(in); got != want {
			t.Errorf("MaskURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestFromEnv: a complaint about a setting names the environment variable
// its value came from, and the flag when the flag was given (it wins) or
// the variable was empty (the default applied).
func TestFromEnv(t *testing.T) {
	settings := func(level, addr *string) []Setting {
		return []Setting{
			{Flag: "log-level", Env: "X_LOG_LEVEL", Default: "info", Dst: level},
			{Flag: "addr", Env: "X_ADDR", Default: ":8080", Dst: addr},
		}
	}
	tests := []struct {
		args []string
		env  map[string]string
		err  string
		want string
	}{
		{nil, map[string]string{"X_LOG_LEVEL": "bad"}, `invalid --log-level "bad": use info`, `invalid X_LOG_LEVEL "bad": use info`},
		{[]string{"--log-level", "loud"}, map[string]string{"X_LOG_LEVEL": "bad"}, `invalid --log-level "loud"`, `invalid --log-level "loud"`},
		{[]string{"--addr", ":1"}, map[string]string{"X_LOG_LEVEL": "bad"}, `invalid --log-level "bad"`, `invalid X_LOG_LEVEL "bad"`},
		{nil, map[string]string{"X_LOG_LEVEL": ""}, `invalid --log-level "": use info`, `invalid --log-level "": use info`},
		{nil, map[string]string{"X_ADDR": "x"}, `--addr is set without --log-level`, `X_ADDR is set without --log-level`},
		{nil, map[string]string{"X_ADDR": "x"}, `invalid --log-level: x`, `invalid --log-level: x`},
		{nil, map[string]string{"X_ADDR": "x"}, `invalid --other "x"`, `invalid --other "x"`},
		{nil, map[string]string{"X_ADDR": "x"}, `no flag here`, `no flag here`},
	}
	for _, tt := range tests {
		var level, addr string
		fs := flag.NewFlagSet("x", flag.ContinueOnError)
		getenv := func(k string) string { return tt.env[k] }
		Register(fs, getenv, settings(&level, &addr))
		if err := fs.Parse(tt.args); err != nil {
			t.Fatal(err)
		}
		cause := errors.New(tt.err)
		err := FromEnv(cause, fs, getenv, EnvNames(settings(&level, &addr)))
		if err == nil || err.Error() != tt.want || !errors.Is(err, cause) {
			t.Errorf("%v %v: %q gave %v, want %q wrapping it", tt.args, tt.env, tt.err, err, tt.want)
		}
	}
	if err := FromEnv(nil, flag.NewFlagSet("x", flag.ContinueOnError), func(string) string { return "v" }, nil); err != nil {
		t.Errorf("no error gave %v", err)
	}
}

// TestVersion: the version a build sets wins; a test binary, built from no module version, is "dev".
func TestVersion(t *testing.T) {
	if got := Version("1.2.3"); got != "1.2.3" {
		t.Errorf("Version(1.2.3) = %q, want the version set", got)
	}
	if got := Version(""); got != "dev" {
		t.Errorf(`Version("") = %q, want dev`, got)
	}
}
