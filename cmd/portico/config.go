package main

import (
	"flag"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/portico-dev/portico/cliconf"
	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/store"
)

// config is the configuration shared by every subcommand. Each setting has a
// flag and an environment variable of the same name; the flag wins.
type config struct {
	Addr    string
	DataDir string
	// DatabaseURL may hold the database's password: like the other
	// secrets, it is never printed (see registerSecrets).
	DatabaseURL string
	Log         cliconf.Log
	// MinSunsetDays is the minimum notice, in days, between deprecating a
	// version and its sunset.
	MinSunsetDays string
	// TrustedProxies is a comma-separated list of reverse proxy addresses.
	TrustedProxies string
	// MCPCallsPerMinute limits the MCP tool calls of each token.
	MCPCallsPerMinute string
	// SpecValidation is warn (validation problems are shown) or block
	// (they also block publication).
	SpecValidation string
	// Meilisearch selects Meilisearch instead of the embedded index when
	// MeilisearchURL is set (see search.go). The key is never logged.
	MeilisearchURL, MeilisearchKey, MeilisearchIndex string
	// SearchMeaning is on (the embedded index ranks by meaning too, see
	// search.Meaning) or off (by words alone).
	SearchMeaning string
	// Instance names this instance among those sharing the database, and
	// IndexMaxLag is how far its index may lag behind the index log before
	// it says so (see instance.go).
	Instance, IndexMaxLag string
	// PprofAddr, when set, is a loopback address where the server exposes
	// the Go profiler (see pprof.go).
	PprofAddr string
	// MetricsToken is the bearer token /metrics requires; empty turns it
	// off. Never logged.
	MetricsToken string
	// MaxConnections bounds the connections served at once.
	MaxConnections string
	// SessionLifetime is how long a login lasts however it is used, and
	// SessionIdleTimeout how long a session may stay unused (0: no limit).
	SessionLifetime, SessionIdleTimeout string
	// ShutdownDrain is how long serve keeps accepting and serving after
	// SIGTERM while /readyz answers 503 (see cmdServe).
	ShutdownDrain string
	// PublicGatewayURL is the address at which consumers reach the
	// gateway nodes, shown with each API's path; empty: the path alone.
	PublicGatewayURL string
	// TLS, when set, has serve answer HTTPS itself on --addr.
	TLS cliconf.TLS
	// fromEnv, set by check, names in a complaint about a setting the
	// environment variable its value came from (see cliconf.FromEnv).
	fromEnv func(error) error
}

func (c *config) settings() []cliconf.Setting {
	return []cliconf.Setting{
		{Flag: "addr", Env: "PORTICO_ADDR", Default: ":8080", Usage: "address to listen on", Dst: &c.Addr},
		{Flag: "tls-cert", Env: "PORTICO_TLS_CERT", Default: "", Usage: "PEM file of the certificate (then its intermediates) serve answers HTTPS with on --addr, with --tls-key; read again within seconds when it changes; empty: plain HTTP", Dst: &c.TLS.Cert},
		{Flag: "tls-key", Env: "PORTICO_TLS_KEY", Default: "", Usage: "PEM file of the private key of --tls-cert", Dst: &c.TLS.Key},
		{Flag: "data", Env: "PORTICO_DATA_DIR", Default: "./data", Usage: "data directory (SQLite database, search index)", Dst: &c.DataDir},
		{Flag: "log-level", Env: "PORTICO_LOG_LEVEL", Default: "info", Usage: "log level: debug, info, warn or error", Dst: &c.Log.Level},
		{Flag: "log-format", Env: "PORTICO_LOG_FORMAT", Default: "text", Usage: "log format: text or json", Dst: &c.Log.Format},
		{Flag: "min-sunset-days", Env: "PORTICO_MIN_SUNSET_DAYS", Default: "30", Usage: "minimum notice in days between deprecating a version and its sunset", Dst: &c.MinSunsetDays},
		{Flag: "spec-validation", Env: "PORTICO_SPEC_VALIDATION", Default: "warn", Usage: "warn: validation and lint errors of a description are shown to its authors and reviewers; block: they also block its publication", Dst: &c.SpecValidation},
		{Flag: "trusted-proxies", Env: "PORTICO_TRUSTED_PROXIES", Default: "", Usage: "comma-separated IPs or CIDR ranges of reverse proxies whose X-Forwarded-For/-Proto headers are believed", Dst: &c.TrustedProxies},
		{Flag: "max-connections", Env: "PORTICO_MAX_CONNECTIONS", Default: "10000", Usage: "connections served at once; one more is answered 503 and closed", Dst: &c.MaxConnections},
		{Flag: "session-lifetime", Env: "PORTICO_SESSION_LIFETIME", Default: "336h", Usage: "how long a login lasts however it is used (1h to 2160h, i.e. 90 days); applies to logins after a change", Dst: &c.SessionLifetime},
		{Flag: "session-idle-timeout", Env: "PORTICO_SESSION_IDLE_TIMEOUT", Default: "12h", Usage: "a session unused for longer ends, and its next page asks to log in again (5m to 720h, or 0 for no limit)", Dst: &c.SessionIdleTimeout},
		{Flag: "shutdown-drain", Env: "PORTICO_SHUTDOWN_DRAIN", Default: "0s", Usage: "after SIGTERM, how long serve keeps accepting and serving while /readyz answers 503, so that load balancers take it out first (0s to 5m; a second signal skips it); then it stops accepting and lets requests in flight finish for up to 10s", Dst: &c.ShutdownDrain},
		{Flag: "mcp-calls-per-minute", Env: "PORTICO_MCP_CALLS_PER_MINUTE", Default: "120", Usage: "MCP tool calls and resource reads allowed per token and minute (a quarter of them at once)", Dst: &c.MCPCallsPerMinute},
		{Flag: "meilisearch-url", Env: "PORTICO_MEILISEARCH_URL", Default: "", Usage: "Meilisearch URL, e.g. http://127.0.0.1:7700; empty for the embedded index in the data directory", Dst: &c.MeilisearchURL},
		{Flag: "search-meaning", Env: "PORTICO_SEARCH_MEANING", Default: "on", Usage: "on: the embedded index ranks by meaning too, with a sentence encoder (vectors kept in search.vectors in the data directory); off: by words alone. Meilisearch ranks by words alone", Dst: &c.SearchMeaning},
		{Flag: "meilisearch-index", Env: "PORTICO_MEILISEARCH_INDEX", Default: "portico-apis", Usage: "Meilisearch index name", Dst: &c.MeilisearchIndex},
		{Flag: "instance", Env: "PORTICO_INSTANCE", Default: "", Usage: "name of this instance among those sharing the database, shown in logs and /readyz; empty for host:port", Dst: &c.Instance},
		{Flag: "index-max-lag", Env: "PORTICO_INDEX_MAX_LAG", Default: "30s", Usage: "how far the search index may lag behind the database before /readyz and the log say so", Dst: &c.IndexMaxLag},
		{Flag: "public-gateway-url", Env: "PORTICO_PUBLIC_GATEWAY_URL", Default: "", Usage: "the gateway nodes' public base URL, e.g. https://api.example.com: pages and the JSON API show consumers where to call an API, <url>/{api}/v{major}/; empty: the path alone", Dst: &c.PublicGatewayURL},
		{Flag: "pprof-addr", Env: "PORTICO_PPROF_ADDR", Default: "", Usage: "loopback address (e.g. 127.0.0.1:6060) where serve exposes the Go profiler under /debug/pprof/; empty: off", Dst: &c.PprofAddr},
	}
}

// register adds the shared flags to fs, with defaults taken from the environment.
func (c *config) register(fs *flag.FlagSet, getenv func(string) string) {
	cliconf.Register(fs, getenv, c.settings())
	c.registerSecrets(fs, getenv)
}

// envNames maps the flags of the settings and secrets to their environment
// variables (see cliconf.FromEnv).
func (c *config) envNames() map[string]string {
	m := cliconf.EnvNames(c.settings())
	m["database-url"] = "PORTICO_DATABASE_URL"
	m["meilisearch-key"] = "PORTICO_MEILISEARCH_KEY"
	m["metrics-token"] = "PORTICO_METRICS_TOKEN"
	return m
}

// check validates the configuration parsed by fs, saying what is wrong
// under the environment variable a bad value came from, if it did; later
// complaints about a setting (a certificate that does not load) go
// through c.named to say the same.
func (c *config) check(fs *flag.FlagSet, getenv func(string) string) error {
	names := c.envNames()
	c.fromEnv = func(err error) error { return cliconf.FromEnv(err, fs, getenv, names) }
	return c.named(c.validate())
}

// named is err naming the environment variable of the setting it is about
// when the value came from there (see check).
func (c *config) named(err error) error {
	if c.fromEnv == nil {
		return err
	}
	return c.fromEnv(err)
}

// validate checks the configuration and says what is wrong in one line.
func (c *config) validate() error {
	if err := c.Log.Validate(); err != nil {
		return err
	}
	if _, err := cliconf.SplitAddr(c.Addr); err != nil {
		return fmt.Errorf("invalid --addr %q: use host:port or :port, the port a number from 0 to 65535, e.g. :8080", c.Addr)
	}
	if err := c.TLS.Validate(); err != nil {
		return err
	}
	if _, err := c.minSunsetNotice(); err != nil {
		return err
	}
	if c.SearchMeaning != "on" && c.SearchMeaning != "off" {
		return fmt.Errorf("invalid --search-meaning %q: use on or off", c.SearchMeaning)
	}
	if c.SpecValidation != "warn" && c.SpecValidation != "block" {
		return fmt.Errorf("invalid --spec-validation %q: use warn or block", c.SpecValidation)
	}
	if _, err := c.trustedProxies(); err != nil {
		return err
	}
	if _, err := c.mcpCallsPerMinute(); err != nil {
		return err
	}
	if _, err := c.maxConnections(); err != nil {
		return err
	}
	if _, err := cliconf.ShutdownDrain(c.ShutdownDrain); err != nil {
		return err
	}
	if _, _, err := c.sessionTimes(); err != nil {
		return err
	}
	if err := c.validateSearch(); err != nil {
		return err
	}
	if err := c.validateInstance(); err != nil {
		return err
	}
	if err := c.validatePprof(); err != nil {
		return err
	}
	if _, err := c.publicGatewayURL(); err != nil {
		return err
	}
	if t := c.MetricsToken; t != "" && (len(t) < 16 || strings.TrimSpace(t) != t) {
		return fmt.Errorf("invalid --metrics-token: use at least 16 characters without surrounding spaces (e.g. openssl rand -hex 32), or leave it empty to turn /metrics off")
	}
	if strings.TrimSpace(c.DataDir) == "" {
		return fmt.Errorf("invalid --data: the data directory must not be empty")
	}
	if u := c.DatabaseURL; u != "" && !strings.HasPrefix(u, "postgres://") && !strings.HasPrefix(u, "postgresql://") && !strings.HasPrefix(u, "sqlite:") && !strings.HasPrefix(u, "file:") {
		return fmt.Errorf("invalid --database-url: use postgres://user@host:5432/db, or leave it empty for SQLite in the data directory")
	}
	if err := store.CheckURL(c.DatabaseURL); err != nil {
		// Named as the other settings are, so that the message says
		// which one (a flag, or the variable it came from).
		return fmt.Errorf("invalid --database-url: %s", strings.TrimPrefix(err.Error(), "invalid database url: "))
	}
	return validateSQLitePath(c.DatabaseURL)
}

// validateSQLitePath refuses a sqlite:PATH (or file:PATH) database URL that
// names no file: an empty path or :memory: is a database SQLite throws away
// (one per connection, gone at exit), so a command would succeed and keep
// nothing; options after a "?" would be glued to the store's own.
func validateSQLitePath(u string) error {
	path, ok := strings.CutPrefix(u, "sqlite:")
	if !ok {
		if path, ok = strings.CutPrefix(u, "file:"); !ok {
			return nil
		}
	}
	path = strings.TrimPrefix(path, "//")
	if strings.TrimSpace(path) == "" || path == ":memory:" || strings.ContainsAny(path, "?#") {
		return fmt.Errorf("invalid --database-url: sqlite:PATH needs the database file's path, without options (e.g. sqlite:/var/lib/portico/portico.db), or leave it empty for SQLite in the data directory")
	}
	return nil
}

func (c *config) minSunsetNotice() (time.Duration, error) {
	days, err := strconv.Atoi(c.MinSunsetDays)
	if err != nil || days < 0 || days > 3650 {
		return 0, fmt.Errorf("invalid --min-sunset-days %q: use a whole number of days from 0 to 3650", c.MinSunsetDays)
	}
	return time.Duration(days) * 24 * time.Hour, nil
}

// sessionTimes parses --session-lifetime (1h to 90 days) and
// --session-idle-timeout (5m to 30 days, or 0: none, returned as a
// negative duration as handlers.Options wants it).
func (c *config) sessionTimes() (lifetime, idle time.Duration, err error) {
	lifetime, err = time.ParseDuration(strings.TrimSpace(c.SessionLifetime))
	if err != nil || lifetime < time.Hour || lifetime > 90*24*time.Hour {
		return 0, 0, fmt.Errorf("invalid --session-lifetime %q: use a duration from 1h to 2160h (90 days), such as 336h for 14 days", c.SessionLifetime)
	}
	v := strings.TrimSpace(c.SessionIdleTimeout)
	if v == "0" {
		return lifetime, -1, nil
	}
	idle, err = time.ParseDuration(v)
	switch {
	case err == nil && idle == 0:
		return lifetime, -1, nil
	case err != nil || idle < 5*time.Minute || idle > 30*24*time.Hour:
		return 0, 0, fmt.Errorf("invalid --session-idle-timeout %q: use a duration from 5m to 720h (30 days), such as 12h, or 0 for no limit", c.SessionIdleTimeout)
	}
	return lifetime, idle, nil
}

// maxConnections is --max-connections: 1 to 1,000,000.
func (c *config) maxConnections() (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(c.MaxConnections))
	if err != nil || n < 1 || n > 1_000_000 {
		return 0, fmt.Errorf("invalid --max-connections %q: use a number from 1 to 1000000", c.MaxConnections)
	}
	return n, nil
}

func (c *config) mcpCallsPerMinute() (int, error) {
	n, err := strconv.Atoi(c.MCPCallsPerMinute)
	if err != nil || n < 1 || n > 100000 {
		return 0, fmt.Errorf("invalid --mcp-calls-per-minute %q: use a whole number from 1 to 100000", c.MCPCallsPerMinute)
	}
	return n, nil
}

// publicGatewayURL is --public-gateway-url as pages show it (see
// gateway.ParsePublicURL), or "" when it is not set.
func (c *config) publicGatewayURL() (string, error) {
	if c.PublicGatewayURL == "" {
		return "", nil
	}
	u, err := gateway.ParsePublicURL(c.PublicGatewayURL)
	if err != nil {
		return "", fmt.Errorf("invalid --public-gateway-url %q: %v; use the gateway nodes' public base URL, such as https://api.example.com, or leave it empty", cliconf.MaskURL(c.PublicGatewayURL), err)
	}
	return u, nil
}

// trustedProxies parses --trusted-proxies.
func (c *config) trustedProxies() ([]string, error) {
	var out []string
	for _, p := range strings.Split(c.TrustedProxies, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				return nil, fmt.Errorf("invalid --trusted-proxies entry %q: use IP addresses or CIDR ranges such as 10.0.0.0/8, separated by commas", p)
			}
		}
		out = append(out, p)
	}
	return out, nil
}
