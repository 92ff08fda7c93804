// Package cliconf holds what the configurations of the portico and
// portico-gateway commands have in common: string flags whose defaults come
// from environment variables (the flag wins), flags whose values are never
// printed, the log level and format, and how a server learns it is to stop
// (StopSignals, ShutdownDrain).
package cliconf

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Setting is a string flag whose default an environment variable replaces.
type Setting struct {
	Flag, Env, Default, Usage string
	Dst                       *string
}

// Register adds settings to fs. A setting's default is its environment
// variable when that is set and not empty; its usage text names the variable.
// A default that is a URL with a password (a Meilisearch URL may carry one)
// is shown with the password masked: -h and a mistyped flag print the
// defaults, and the environment's value must not leak through them.
func Register(fs *flag.FlagSet, getenv func(string) string, settings []Setting) {
	for _, s := range settings {
		def := s.Default
		if v := getenv(s.Env); v != "" {
			def = v
		}
		fs.StringVar(s.Dst, s.Flag, def, fmt.Sprintf("%s (env %s)", s.Usage, s.Env))
		if m := MaskURL(def); m != def {
			fs.Lookup(s.Flag).DefValue = m
		}
	}
}

// EnvNames maps the flag names of settings to their environment variables,
// for FromEnv.
func EnvNames(settings []Setting) map[string]string {
	m := make(map[string]string, len(settings))
	for _, s := range settings {
		m[s.Flag] = s.Env
	}
	return m
}

// FromEnv returns err, a complaint about a setting that names it first by
// its flag ("invalid --log-level …", "--tls-cert is set without …"), with
// the flag replaced by the environment variable the value came from when
// it came from there: the variable is set and not empty (settings and
// secrets take it then) and the flag is not on the command line of fs,
// which is parsed. PORTICO_LOG_LEVEL=bad gives "invalid PORTICO_LOG_LEVEL
// "bad": …", not a flag nobody typed. env maps flag names to their
// variables; another flag, or one given, leaves err as it is.
func FromEnv(err error, fs *flag.FlagSet, getenv func(string) string, env map[string]string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	i := strings.Index(msg, "--")
	if i < 0 {
		return err
	}
	n := i + 2
	for n < len(msg) && (msg[n] == '-' || msg[n] >= 'a' && msg[n] <= 'z' || msg[n] >= '0' && msg[n] <= '9') {
		n++
	}
	name := msg[i+2 : n]
	v, ok := env[name]
	if !ok || getenv(v) == "" {
		return err
	}
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	if given {
		return err
	}
	return &envError{msg: msg[:i] + v + msg[n:], err: err}
}

// envError is an error of FromEnv: its message, and the error it rewrote
// for errors.Is and errors.As.
type envError struct {
	msg string
	err error
}

func (e *envError) Error() string { return e.msg }
func (e *envError) Unwrap() error { return e.err }

// MaskURL returns s, to be shown, with the password of a URL in it masked
// (as url.URL.Redacted does: user:xxxxx@host). A URL the parser refuses, or
// reads with an "@" outside its user part, may still hold a password (an
// unencoded "#", "/" or "?" in it ends the host part there): everything
// between "://" and the last "@" is masked then. Anything else is s.
func MaskURL(s string) string {
	i := strings.Index(s, "://")
	j := strings.LastIndex(s, "@")
	u, err := url.Parse(s)
	if err == nil && u.User != nil && !atAfterHost(s, i, j) {
		return u.Redacted()
	}
	if i >= 0 && j > i {
		return s[:i+3] + "xxxxx" + s[j:]
	}
	return s
}

// atAfterHost reports whether the last "@" of s, at j, is past the end of
// the user and host part that starts after "://" at i: the parser read the
// user part as ending at an earlier "@" ("u@corp:1234#5678@db", a password
// 1234#5678 whose "#" ended the host part), and the password it found, if
// any, is not the whole of it.
func atAfterHost(s string, i, j int) bool {
	if i < 0 {
		return false
	}
	start := i + 3
	end := strings.IndexAny(s[start:], "/?#")
	return end >= 0 && j > start+end
}

// SecretVar adds a string flag stored in p whose value is never printed, not
// even as the default in the usage text (which could otherwise show it from
// the environment). p keeps its value unless the flag is given.
func SecretVar(fs *flag.FlagSet, p *string, name, usage string) {
	fs.Var(secret{p}, name, usage)
}

type secret struct{ p *string }

func (f secret) String() string { return "" }

func (f secret) Set(v string) error {
	*f.p = v
	return nil
}

// Log is the --log-level and --log-format settings.
type Log struct {
	Level, Format string
}

// Validate says in one line what is wrong with the settings.
func (l Log) Validate() error {
	if _, err := l.level(); err != nil {
		return err
	}
	if l.Format != "text" && l.Format != "json" {
		return fmt.Errorf("invalid --log-format %q: use text or json", l.Format)
	}
	return nil
}

func (l Log) level() (slog.Level, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(l.Level)); err != nil {
		return 0, fmt.Errorf("invalid --log-level %q: use debug, info, warn or error", l.Level)
	}
	return lv, nil
}

// Logger returns a logger writing to w at the level and in the format set;
// call it after Validate.
func (l Log) Logger(w io.Writer) *slog.Logger {
	lv, _ := l.level()
	opts := &slog.HandlerOptions{Level: lv}
	if l.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// SplitAddr splits a listening address, host:port or :port, whose port is
// a number from 0 to 65535 (0: any free port). net.SplitHostPort takes any
// port, and a listener refused one out of range only when it started,
// after the command had done its work.
func SplitAddr(addr string) (host string, err error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", err
	}
	if n, err := strconv.Atoi(port); err != nil || n > 65535 || strings.TrimLeft(port, "0123456789") != "" {
		return "", fmt.Errorf("port %q is not a number from 0 to 65535", port)
	}
	return host, nil
}

// maxShutdownDrain bounds --shutdown-drain.
const maxShutdownDrain = 5 * time.Minute

// ShutdownDrain parses the --shutdown-drain setting of portico serve and
// portico-gateway: how long, after SIGTERM, the server keeps accepting and
// serving while /readyz answers 503, from 0s (none) to 5m.
func ShutdownDrain(v string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil || d < 0 || d > maxShutdownDrain {
		return 0, fmt.Errorf("invalid --shutdown-drain %q: use a duration from 0s to 5m, such as 10s", v)
	}
	return d, nil
}

// StopSignals is how a server learns it is to stop: ctx ends at the first
// SIGTERM or SIGINT (the server drains, then stops), and again is closed at
// the second (the operator will not wait for the drain). Signals after that
// are ignored until release, which restores their default behaviour.
func StopSignals() (ctx context.Context, again <-chan struct{}, release func()) {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	ctx, cancel := context.WithCancel(context.Background())
	second, done := make(chan struct{}), make(chan struct{})
	go func() {
		select {
		case <-sigs:
			cancel()
		case <-done:
			return
		}
		select {
		case <-sigs:
			close(second)
		case <-done:
		}
	}()
	var once sync.Once
	return ctx, second, func() {
		once.Do(func() {
			signal.Stop(sigs)
			close(done)
			cancel()
		})
	}
}

// Drain is the drain after the first stop signal: /readyz already answers
// 503 and the server keeps accepting and serving, for d, or until a second
// signal (again) or a failure ends it early. A failure is a value received
// from failed, returned with true; what names the server in the log ("the
// server", "the node"). Its start and end are logged.
func Drain[T any](d time.Duration, again <-chan struct{}, failed <-chan T, what string, log *slog.Logger) (failure T, ok bool) {
	start := time.Now()
	log.Info("drain began: /readyz answers 503 while requests are still served", "drain", d)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		log.Info("drain ended", "drained", time.Since(start).Round(time.Millisecond))
	case <-again:
		log.Info("drain ended: a second signal skipped the rest", "drained", time.Since(start).Round(time.Millisecond))
	case failure = <-failed:
		log.Info("drain ended: "+what+" failed", "drained", time.Since(start).Round(time.Millisecond))
		return failure, true
	}
	return failure, false
}

// Version is the version a binary reports: set, the one its build set (-ldflags "-X main.version=…"), else its
// module's version when it was built from one (go install …@v1.2.3), else "dev".
func Version(set string) string {
	if set != "" {
		return set
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}
