package main

import (
	"errors"
	"flag"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/redis/rueidis"

	"github.com/portico-dev/portico/cliconf"
)

// config is the node's configuration. Each setting has a flag and an
// environment variable PORTICO_GATEWAY_…; the flag wins.
type config struct {
	Portal, Token, Addr, AdminAddr, DataDir string
	AccessLog                               string
	Log                                     cliconf.Log
	ConnectTimeout, ResponseTimeout         string
	UsageInterval                           string
	MaxConnections, MaxBody                 string
	// UpstreamDeny lists the addresses never forwarded to (see upstreamDeny).
	UpstreamDeny string
	// ShutdownDrain is how long the node keeps accepting and serving
	// after SIGTERM while /readyz answers 503 (see run).
	ShutdownDrain string
	// RedisURL may hold a password: like the token, it is never printed.
	RedisURL string
	// AdminToken, when set, guards /metrics (see adminToken); never printed.
	AdminToken string
	// TLS, when set, has the data plane serve HTTPS itself (see run).
	TLS cliconf.TLS
	// RedisTimeout bounds one call to Redis (see redisTimeout).
	RedisTimeout string
}

func (c *config) settings() []cliconf.Setting {
	return []cliconf.Setting{
		{Flag: "portal", Env: "PORTICO_GATEWAY_PORTAL", Default: "", Usage: "the portal's URL, e.g. https://portal.example.com (required)", Dst: &c.Portal},
		{Flag: "addr", Env: "PORTICO_GATEWAY_ADDR", Default: ":8081", Usage: "address the data plane listens on", Dst: &c.Addr},
		{Flag: "admin-addr", Env: "PORTICO_GATEWAY_ADMIN_ADDR", Default: ":9091", Usage: "address of /healthz, /readyz and /metrics (plain HTTP, whatever --tls-cert says)", Dst: &c.AdminAddr},
		{Flag: "tls-cert", Env: "PORTICO_GATEWAY_TLS_CERT", Default: "", Usage: "PEM file of the certificate (then its intermediates) the data plane serves HTTPS with, with --tls-key; read again within seconds when it changes; empty: plain HTTP", Dst: &c.TLS.Cert},
		{Flag: "tls-key", Env: "PORTICO_GATEWAY_TLS_KEY", Default: "", Usage: "PEM file of the private key of --tls-cert", Dst: &c.TLS.Key},
		{Flag: "data", Env: "PORTICO_GATEWAY_DATA_DIR", Default: "./gateway-data", Usage: "data directory (the last-known-good configuration)", Dst: &c.DataDir},
		{Flag: "log-level", Env: "PORTICO_GATEWAY_LOG_LEVEL", Default: "info", Usage: "log level: debug, info, warn or error", Dst: &c.Log.Level},
		{Flag: "log-format", Env: "PORTICO_GATEWAY_LOG_FORMAT", Default: "text", Usage: "log format: text or json", Dst: &c.Log.Format},
		{Flag: "access-log", Env: "PORTICO_GATEWAY_ACCESS_LOG", Default: "on", Usage: "one line per request on standard output: on or off", Dst: &c.AccessLog},
		{Flag: "connect-timeout", Env: "PORTICO_GATEWAY_CONNECT_TIMEOUT", Default: "5s", Usage: "upstream connect timeout for routes that set none", Dst: &c.ConnectTimeout},
		{Flag: "response-timeout", Env: "PORTICO_GATEWAY_RESPONSE_TIMEOUT", Default: "60s", Usage: "upstream response timeout for routes that set none", Dst: &c.ResponseTimeout},
		{Flag: "max-connections", Env: "PORTICO_GATEWAY_MAX_CONNECTIONS", Default: "10000", Usage: "clients' connections served at once; one more is answered 503", Dst: &c.MaxConnections},
		{Flag: "max-body", Env: "PORTICO_GATEWAY_MAX_BODY", Default: "16MiB", Usage: "largest request body forwarded (KiB or MiB), larger ones are answered 413", Dst: &c.MaxBody},
		{Flag: "shutdown-drain", Env: "PORTICO_GATEWAY_SHUTDOWN_DRAIN", Default: "0s", Usage: "after SIGTERM, how long the node keeps accepting and serving while /readyz answers 503, so that load balancers take it out first (0s to 5m; a second signal skips it); then it stops accepting and lets requests in flight finish for up to 30s", Dst: &c.ShutdownDrain},
		{Flag: "upstream-deny", Env: "PORTICO_GATEWAY_UPSTREAM_DENY", Default: defaultUpstreamDeny, Usage: "comma-separated IPs or CIDR ranges the node never forwards to, whatever a route's targets say (team maintainers set them); none: no range. The node's admin address is refused in any case", Dst: &c.UpstreamDeny},
		{Flag: "redis-timeout", Env: "PORTICO_GATEWAY_REDIS_TIMEOUT", Default: "250ms", Usage: "with --redis-url, how long one call to Redis may take, connecting included, before the node decides the request on its own limits (10ms to 10s)", Dst: &c.RedisTimeout},
		{Flag: "usage-interval", Env: "PORTICO_GATEWAY_USAGE_INTERVAL", Default: "10s", Usage: "how often the usage counted is written to the spool and sent to the portal", Dst: &c.UsageInterval},
	}
}

// register adds the flags to fs, with defaults taken from the environment.
func (c *config) register(fs *flag.FlagSet, getenv func(string) string) {
	cliconf.Register(fs, getenv, c.settings())
	c.Token = getenv("PORTICO_GATEWAY_TOKEN")
	c.RedisURL = getenv("PORTICO_GATEWAY_REDIS_URL")
	c.AdminToken = getenv("PORTICO_GATEWAY_ADMIN_TOKEN")
	cliconf.SecretVar(fs, &c.AdminToken, "admin-token", "when set, /metrics on --admin-addr answers only requests with Authorization: Bearer and this token (env PORTICO_GATEWAY_ADMIN_TOKEN, preferred); 16 to 256 characters, no spaces; /healthz and /readyz stay open; never logged")
	cliconf.SecretVar(fs, &c.RedisURL, "redis-url", "Redis shared by the nodes for cluster-wide rate limits and daily quotas, e.g. redis://:password@redis:6379/0 (env PORTICO_GATEWAY_REDIS_URL); empty: each node limits on its own")
	cliconf.SecretVar(fs, &c.Token, "token", "the node's token from the portal (env PORTICO_GATEWAY_TOKEN, preferred: a flag shows in the process list); never logged")
}

// envNames maps the flags of the settings and of --redis-url to their
// environment variables (see cliconf.FromEnv). --token is not among them:
// its complaint names its variable already.
func (c *config) envNames() map[string]string {
	m := cliconf.EnvNames(c.settings())
	m["redis-url"] = "PORTICO_GATEWAY_REDIS_URL"
	m["admin-token"] = "PORTICO_GATEWAY_ADMIN_TOKEN"
	return m
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
		if _, err := cliconf.SplitAddr(a.v); err != nil {
			return fmt.Errorf("invalid %s %q: use host:port or :port, the port a number from 0 to 65535", a.name, a.v)
		}
	}
	if strings.TrimSpace(c.DataDir) == "" {
		return errors.New("invalid --data: the data directory must not be empty")
	}
	if err := c.TLS.Validate(); err != nil {
		return err
	}
	if c.RedisURL != "" {
		if _, err := rueidis.ParseURL(c.RedisURL); err != nil {
			return errors.New("invalid --redis-url: use redis://[user:password@]host:port[/db] or rediss://…")
		}
	}
	if _, err := c.adminToken(); err != nil {
		return err
	}
	if err := c.Log.Validate(); err != nil {
		return err
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
	if _, err := c.redisTimeout(); err != nil {
		return err
	}
	if _, err := cliconf.ShutdownDrain(c.ShutdownDrain); err != nil {
		return err
	}
	if _, _, err := c.bounds(); err != nil {
		return err
	}
	if _, err := c.upstreamDeny(); err != nil {
		return err
	}
	return nil
}

// adminToken is --admin-token without the spaces around it (the newline
// of the file it was read from): empty, or 16 to 256 printable ASCII
// characters without spaces, as an Authorization header carries them.
// The value is never quoted in the error.
func (c *config) adminToken() (string, error) {
	v := strings.TrimSpace(c.AdminToken)
	if v == "" {
		return "", nil
	}
	ok := len(v) >= 16 && len(v) <= 256
	for i := 0; ok && i < len(v); i++ {
		ok = v[i] > ' ' && v[i] < 0x7f
	}
	if !ok {
		return "", errors.New("invalid --admin-token: use 16 to 256 printable ASCII characters without spaces (e.g. openssl rand -hex 32)")
	}
	return v, nil
}

// defaultUpstreamDeny is node.DefaultUpstreamDeny as text: the link-local
// ranges, where clouds serve instance metadata and credentials.
const defaultUpstreamDeny = "169.254.0.0/16,fe80::/10,fd00:ec2::254/128"

// upstreamDeny parses --upstream-deny: IPs or CIDR ranges separated by
// commas, or "none" for an empty list (never nil, which the node reads as
// its default).
func (c *config) upstreamDeny() ([]netip.Prefix, error) {
	v := strings.TrimSpace(c.UpstreamDeny)
	deny := []netip.Prefix{}
	if v == "none" {
		return deny, nil
	}
	for _, f := range strings.Split(v, ",") {
		f = strings.TrimSpace(f)
		p, err := netip.ParsePrefix(f)
		if err != nil {
			a, aerr := netip.ParseAddr(f)
			if aerr != nil || a.Zone() != "" {
				return nil, fmt.Errorf("invalid --upstream-deny %q: use IPs or CIDR ranges separated by commas, such as %s, or none", f, defaultUpstreamDeny)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		deny = append(deny, p.Masked())
	}
	return deny, nil
}

// bounds are the data plane's connection and request body limits: 1 to
// 1,000,000 connections, a body of 1 KiB to 1 GiB.
func (c *config) bounds() (conns, body int, err error) {
	conns, err = strconv.Atoi(strings.TrimSpace(c.MaxConnections))
	if err != nil || conns < 1 || conns > 1_000_000 {
		return 0, 0, fmt.Errorf("invalid --max-connections %q: use a number from 1 to 1000000", c.MaxConnections)
	}
	v := strings.TrimSpace(c.MaxBody)
	unit := 0
	switch {
	case strings.HasSuffix(v, "MiB"):
		unit, v = 1<<20, strings.TrimSuffix(v, "MiB")
	case strings.HasSuffix(v, "KiB"):
		unit, v = 1<<10, strings.TrimSuffix(v, "KiB")
	}
	n, err := strconv.Atoi(v)
	// n is compared with the bound in units: n×unit would overflow for
	// n past 2^43 MiB, and wrap to a size within the bound.
	if unit == 0 || err != nil || n < 1 || n > (1<<30)/unit {
		return 0, 0, fmt.Errorf("invalid --max-body %q: use a size from 1KiB to 1024MiB, such as 16MiB", c.MaxBody)
	}
	return conns, n * unit, nil
}

// usageInterval is how often usage is spooled and sent: 1 s to 5 min.
func (c *config) usageInterval() (time.Duration, error) {
	d, err := time.ParseDuration(c.UsageInterval)
	if err != nil || d < time.Second || d > 5*time.Minute {
		return 0, fmt.Errorf("invalid --usage-interval %q: use a duration from 1s to 5m, such as 10s", c.UsageInterval)
	}
	return d, nil
}

// redisTimeout bounds one call to Redis: 10 ms to 10 s.
func (c *config) redisTimeout() (time.Duration, error) {
	d, err := time.ParseDuration(c.RedisTimeout)
	if err != nil || d < 10*time.Millisecond || d > 10*time.Second {
		return 0, fmt.Errorf("invalid --redis-timeout %q: use a duration from 10ms to 10s, such as 250ms", c.RedisTimeout)
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

// redisHost is the Redis address for logs, without credentials.
func (c *config) redisHost() string {
	opt, err := rueidis.ParseURL(c.RedisURL)
	if err != nil || len(opt.InitAddress) == 0 {
		return ""
	}
	return opt.InitAddress[0]
}
