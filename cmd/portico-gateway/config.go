package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/redis/rueidis"
)

// config is the node's configuration. Each setting has a flag and an
// environment variable PORTICO_GATEWAY_…; the flag wins.
type config struct {
	Portal, Token, Addr, AdminAddr, DataDir string
	LogLevel, LogFormat, AccessLog          string
	ConnectTimeout, ResponseTimeout         string
	UsageInterval                           string
	// RedisURL may hold a password: like the token, it is never printed.
	RedisURL string
}

type setting struct {
	flag, env, def, usage string
	dst                   *string
}

func (c *config) settings() []setting {
	return []setting{
		{"portal", "PORTICO_GATEWAY_PORTAL", "", "the portal's URL, e.g. https://portal.example.com (required)", &c.Portal},
		{"addr", "PORTICO_GATEWAY_ADDR", ":8081", "address the data plane listens on", &c.Addr},
		{"admin-addr", "PORTICO_GATEWAY_ADMIN_ADDR", ":9091", "address of /healthz, /readyz and /metrics", &c.AdminAddr},
		{"data", "PORTICO_GATEWAY_DATA_DIR", "./gateway-data", "data directory (the last-known-good configuration)", &c.DataDir},
		{"log-level", "PORTICO_GATEWAY_LOG_LEVEL", "info", "log level: debug, info, warn or error", &c.LogLevel},
		{"log-format", "PORTICO_GATEWAY_LOG_FORMAT", "text", "log format: text or json", &c.LogFormat},
		{"access-log", "PORTICO_GATEWAY_ACCESS_LOG", "on", "one line per request on standard output: on or off", &c.AccessLog},
		{"connect-timeout", "PORTICO_GATEWAY_CONNECT_TIMEOUT", "5s", "upstream connect timeout for routes that set none", &c.ConnectTimeout},
		{"response-timeout", "PORTICO_GATEWAY_RESPONSE_TIMEOUT", "60s", "upstream response timeout for routes that set none", &c.ResponseTimeout},
		{"usage-interval", "PORTICO_GATEWAY_USAGE_INTERVAL", "10s", "how often the usage counted is written to the spool and sent to the portal", &c.UsageInterval},
	}
}

// secretFlag is a string flag whose value is never printed (not even as the
// default in the usage text, which could otherwise show it from the environment).
type secretFlag struct{ p *string }

func (f secretFlag) String() string { return "" }

func (f secretFlag) Set(v string) error {
	*f.p = v
	return nil
}

// register adds the flags to fs, with defaults taken from the environment.
func (c *config) register(fs *flag.FlagSet, getenv func(string) string) {
	for _, s := range c.settings() {
		def := s.def
		if v := getenv(s.env); v != "" {
			def = v
		}
		fs.StringVar(s.dst, s.flag, def, fmt.Sprintf("%s (env %s)", s.usage, s.env))
	}
	c.Token = getenv("PORTICO_GATEWAY_TOKEN")
	c.RedisURL = getenv("PORTICO_GATEWAY_REDIS_URL")
	fs.Var(secretFlag{&c.RedisURL}, "redis-url", "Redis shared by the nodes for cluster-wide rate limits and daily quotas, e.g. redis://:password@redis:6379/0 (env PORTICO_GATEWAY_REDIS_URL); empty: each node limits on its own")
	fs.Var(secretFlag{&c.Token}, "token", "the node's token from the portal (env PORTICO_GATEWAY_TOKEN, preferred: a flag shows in the process list); never logged")
}

// validate checks the configuration and says what is wrong in one line.
func (c *config) validate() error {
	u, err := url.Parse(c.Portal)
	switch {
	case c.Portal == "":
		return errors.New("--portal is required: the portal's URL, e.g. https://portal.example.com")
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "":
		return errors.New("invalid --portal: use http(s)://host[:port][/path]")
	case u.User != nil:
		return errors.New("invalid --portal: put no credentials in the URL; the node authenticates with --token")
	case strings.TrimSpace(c.Token) == "":
		return errors.New("--token is required (or PORTICO_GATEWAY_TOKEN): the node's token, shown once when an admin registers the node")
	}
	for _, a := range []struct{ name, v string }{{"--addr", c.Addr}, {"--admin-addr", c.AdminAddr}} {
		if _, _, err := net.SplitHostPort(a.v); err != nil {
			return fmt.Errorf("invalid %s %q: use host:port or :port", a.name, a.v)
		}
	}
	if strings.TrimSpace(c.DataDir) == "" {
		return errors.New("invalid --data: the data directory must not be empty")
	}
	if c.RedisURL != "" {
		if _, err := rueidis.ParseURL(c.RedisURL); err != nil {
			return errors.New("invalid --redis-url: use redis://[user:password@]host:port[/db] or rediss://…")
		}
	}
	if _, err := c.level(); err != nil {
		return err
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("invalid --log-format %q: use text or json", c.LogFormat)
	}
	if c.AccessLog != "on" && c.AccessLog != "off" {
		return fmt.Errorf("invalid --access-log %q: use on or off", c.AccessLog)
	}
	if _, _, err := c.timeouts(); err != nil {
		return err
	}
	if _, err := c.usageInterval(); err != nil {
		return err
	}
	return nil
}

// usageInterval is how often usage is spooled and sent: 1 s to 5 min.
func (c *config) usageInterval() (time.Duration, error) {
	d, err := time.ParseDuration(c.UsageInterval)
	if err != nil || d < time.Second || d > 5*time.Minute {
		return 0, fmt.Errorf("invalid --usage-interval %q: use a duration from 1s to 5m, such as 10s", c.UsageInterval)
	}
	return d, nil
}

func (c *config) timeouts() (connect, response time.Duration, err error) {
	connect, err = time.ParseDuration(c.ConnectTimeout)
	if err != nil || connect <= 0 || connect > 10*time.Minute {
		return 0, 0, fmt.Errorf("invalid --connect-timeout %q: use a duration such as 5s, at most 10m", c.ConnectTimeout)
	}
	response, err = time.ParseDuration(c.ResponseTimeout)
	if err != nil || response <= 0 || response > 10*time.Minute {
		return 0, 0, fmt.Errorf("invalid --response-timeout %q: use a duration such as 60s, at most 10m", c.ResponseTimeout)
	}
	return connect, response, nil
}

func (c *config) level() (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return 0, fmt.Errorf("invalid --log-level %q: use debug, info, warn or error", c.LogLevel)
	}
	return l, nil
}

func (c *config) logger(w io.Writer) *slog.Logger {
	l, _ := c.level()
	opts := &slog.HandlerOptions{Level: l}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// redisHost is the Redis address for logs, without credentials.
func (c *config) redisHost() string {
	opt, err := rueidis.ParseURL(c.RedisURL)
	if err != nil || len(opt.InitAddress) == 0 {
		return ""
	}
	return opt.InitAddress[0]
}
