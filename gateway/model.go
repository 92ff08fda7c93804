// Package gateway is the configuration that the portal pushes to its gateway
// nodes: the snapshot model (routes, plans, key hashes), its canonical
// encoding and hash, deltas between versions, strict decoding, and the
// messages of the sync protocol. The portal compiles and serves it; the node
// (package gateway/node) verifies and applies it. Both sides use this package,
// so they agree on every byte that is hashed.
package gateway

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Schema is the version of the snapshot format and of its hash (see State).
// A node reads this one and schema 1, the earlier whole-document hash, and
// rejects any other; a portal writes this one.
const Schema = 2

// Route states.
const (
	StatePublished  = "published"
	StateDeprecated = "deprecated"
	StateRetired    = "retired"
)

// Key states.
const (
	KeyActive  = "active"
	KeyRevoked = "revoked"
)

// Route is one API major version served at /{api}/v{major}/.
type Route struct {
	API   string `json:"api"`
	Major int    `json:"major"`
	// Targets are the upstream base URLs (replicas of one service: they share
	// scheme and path and differ in host). The request's rest of path is
	// appended to the path.
	Targets []string `json:"targets"`
	// ConnectTimeoutMS and ResponseTimeoutMS bound a connection attempt and
	// the wait for the whole upstream response; 0 means the node's default.
	ConnectTimeoutMS  int    `json:"connect_timeout_ms,omitempty"`
	ResponseTimeoutMS int    `json:"response_timeout_ms,omitempty"`
	State             string `json:"state"`
	// DeprecatedAt, Sunset and RetiredAt are whole seconds in UTC (zero
	// when unset). Sunset is the planned end that a deprecated route's
	// Sunset header announces; RetiredAt is when a retired route was
	// retired, which its 410 states (it may be before the planned sunset).
	DeprecatedAt time.Time `json:"deprecated_at,omitzero"`
	Sunset       time.Time `json:"sunset,omitzero"`
	RetiredAt    time.Time `json:"retired_at,omitzero"`
	// Successor is the version that replaces this one (e.g. 2.0.0), and
	// SuccessorMajor its major, used for the successor-version link.
	Successor      string `json:"successor,omitempty"`
	SuccessorMajor int    `json:"successor_major,omitempty"`
	// CORSOrigins are the browser origins allowed to call the route
	// (cross-origin requests, CORS): origins as ParseOrigin returns them,
	// or "*" alone for any. Empty (omitted on the wire, so that a node
	// that does not know the field reads a route without it) is no CORS.
	CORSOrigins []string `json:"cors_origins,omitempty"`
}

// ID is the route's identity in snapshots and deltas: "{api}/v{major}",
// which is also the first two segments of the paths it serves.
func (r Route) ID() string { return RouteID(r.API, r.Major) }

// RouteID builds the identity of the route of api at major.
func RouteID(api string, major int) string { return api + "/v" + strconv.Itoa(major) }

// maxPublicURL bounds the public address of the gateway nodes.
const maxPublicURL = 2000

// ParsePublicURL checks s, the address at which clients reach the gateway
// nodes (https://api.example.com, or one with a path a proxy strips), and
// returns it as it is to be shown, without a trailing slash: an absolute
// http or https URL with a host, without user information, query or
// fragment. The error says what is wrong, for a complaint naming the
// setting.
func ParsePublicURL(s string) (string, error) {
	if s == "" {
		return "", fmt.Errorf("it is empty")
	}
	if len(s) > maxPublicURL {
		return "", fmt.Errorf("it is longer than %d characters", maxPublicURL)
	}
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			// A no-break space pasted from a document is one too.
			return "", fmt.Errorf("it contains spaces")
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return "", fmt.Errorf("it contains an invisible character (U+%04X)", r)
		}
	}
	// The URL is shown in a curl command to copy, between single quotes.
	if i := strings.IndexAny(s, "'\"`\\$<>{}|^"); i >= 0 {
		return "", fmt.Errorf("it contains %q", s[i:i+1])
	}
	u, err := parseHTTPURL(s)
	if err != nil {
		return "", err
	}
	switch {
	case u.RawQuery != "" || u.ForceQuery:
		return "", fmt.Errorf("it must not have a query (?…)")
	case u.Fragment != "" || strings.Contains(s, "#"):
		return "", fmt.Errorf("it must not have a fragment (#…)")
	}
	if h := u.Hostname(); net.ParseIP(h) == nil && numericTLD(h) {
		return "", fmt.Errorf("its host %q is not an IP address (four numbers from 0 to 255, such as 10.0.0.5) and no host name ends in a number", h)
	}
	if !validHostName(u.Hostname()) {
		return "", fmt.Errorf("its host name %q is not one: letters, digits, hyphens and dots (an international name in its xn-- form), or an IP address", u.Hostname())
	}
	if _, err := urlPort(u); err != nil {
		return "", err
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// parseHTTPURL parses s as ParsePublicURL and ParseOrigin take it first: an
// absolute http or https URL with a host and without user information. The
// error says what is wrong, as theirs do.
func parseHTTPURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("it is not a URL")
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("it must start with https:// or http://")
	case u.Opaque != "" || u.Host == "" || u.Hostname() == "":
		return nil, fmt.Errorf("it names no host")
	case u.User != nil:
		return nil, fmt.Errorf("it must not carry a user name or password")
	}
	return u, nil
}

// urlPort returns the port u names, 0 for none, or an error saying why it
// is no port (empty, or not a number from 1 to 65535).
func urlPort(u *url.URL) (int, error) {
	if strings.HasSuffix(u.Host, ":") {
		return 0, fmt.Errorf("its port is empty: remove the colon or give a number from 1 to 65535")
	}
	p := u.Port()
	if p == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(p)
	if err != nil || n < 1 || n > 65535 {
		return 0, fmt.Errorf("its port %q is not a number from 1 to 65535", p)
	}
	return n, nil
}

// numericTLD reports whether the last label of h is a number (all digits,
// or 0x and hex digits): no host name ends so, and clients read such a
// name as an IPv4 address in one of its old forms (1.2.3 is 1.2.0.3,
// 0x7f000001 is 127.0.0.1), or refuse it.
func numericTLD(h string) bool {
	h = strings.TrimSuffix(h, ".")
	last := h[strings.LastIndexByte(h, '.')+1:]
	if last == "" {
		return false
	}
	digits := "0123456789"
	if len(last) >= 2 && last[0] == '0' && last[1]|0x20 == 'x' {
		// A number in hex (the URL standard's IPv4 number: 0x7f000001
		// is 127.0.0.1, "0x" alone is 0).
		last, digits = last[2:], "0123456789abcdefABCDEF"
	}
	for i := 0; i < len(last); i++ {
		if strings.IndexByte(digits, last[i]) < 0 {
			return false
		}
	}
	return true
}

// validHostName reports whether h is an IP address or a host name: dot
// separated labels of 1 to 63 letters, digits, hyphens (not first nor
// last) and underscores (a Compose service's name), in ASCII.
func validHostName(h string) bool {
	if net.ParseIP(h) != nil {
		return true
	}
	if h == "" || len(h) > 253 {
		return false
	}
	for label := range strings.SplitSeq(strings.TrimSuffix(h, "."), ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// CallURL is where a client calls major of api through the gateway nodes
// reached at base (as ParsePublicURL returns it): {base}/{api}/v{major}/,
// the operation's path to follow.
func CallURL(base, api string, major int) string {
	return base + "/" + RouteID(api, major) + "/"
}

// Plan is a subscription plan's limits.
type Plan struct {
	ID string `json:"id"`
	// RatePerMinute is the sustained request rate per subscription; 0 means
	// no rate limit. Burst is how many requests may come at once (0: the
	// rate per minute).
	RatePerMinute int `json:"rate_per_minute"`
	Burst         int `json:"burst,omitempty"`
	// DailyQuota is how many requests a subscription may make per UTC day
	// (0: no quota). Nodes enforce it: together through Redis when they
	// share one, else each node on its own.
	DailyQuota int `json:"daily_quota,omitempty"`
}

// Key is an API key as the gateway knows it: its SHA-256, never the key.
type Key struct {
	// ID is the key's public identifier (safe to log).
	ID string `json:"id"`
	// Hash is the lowercase hex SHA-256 of the whole key as presented.
	Hash         string `json:"hash"`
	Subscription string `json:"subscription"`
	Team         string `json:"team"`
	App          string `json:"app"`
	API          string `json:"api"`
	Major        int    `json:"major"`
	Plan         string `json:"plan"`
	// ExpiresAt and GraceEndsAt (a rotated key's end) are whole seconds in
	// UTC, zero when unset. The key is refused from the earlier of them on.
	ExpiresAt   time.Time `json:"expires_at,omitzero"`
	GraceEndsAt time.Time `json:"grace_ends_at,omitzero"`
	State       string    `json:"state"`
}

// Until is when the key stops being accepted (zero: never).
func (k Key) Until() time.Time {
	switch {
	case k.ExpiresAt.IsZero():
		return k.GraceEndsAt
	case k.GraceEndsAt.IsZero() || k.ExpiresAt.Before(k.GraceEndsAt):
		return k.ExpiresAt
	}
	return k.GraceEndsAt
}

// MaxMajor is the largest major version a route, a key or a subscription
// may have: eight digits, so that calendar versions such as 20210109
// (YYYYMMDD) are served as they are numbered.
const MaxMajor = 99_999_999

// Bounds on what a snapshot may hold; values beyond them are refused.
const (
	maxIDLen       = 128
	maxSlugLen     = 64
	maxURLLen      = 2048
	maxTargets     = 32
	maxTimeoutMS   = 10 * 60 * 1000
	maxRate        = 100_000_000
	maxVersionText = 64
	// MaxCORSOrigins bounds a route's allowed origins.
	MaxCORSOrigins = 32
)

// AnyOrigin allows every origin, as a route's only CORS origin.
const AnyOrigin = "*"

// maxOrigin bounds an origin's length.
const maxOrigin = 300

// ParseOrigin checks s, a browser origin to allow (https://app.example.com,
// http://localhost:3000), and returns it as a browser sends it in its
// Origin header: scheme and host in lowercase, without the scheme's
// default port and without a trailing slash. A path, query, fragment or
// user information is refused: an origin is scheme, host and port only.
// The error says what is wrong, for a complaint naming the origin.
func ParseOrigin(s string) (string, error) {
	if s == "" {
		return "", fmt.Errorf("it is empty")
	}
	if len(s) > maxOrigin {
		return "", fmt.Errorf("it is longer than %d characters", maxOrigin)
	}
	for _, r := range s {
		if r <= ' ' || r >= 0x7f {
			return "", fmt.Errorf("it contains a space or a character beyond ASCII (an international host name goes in its xn-- form)")
		}
	}
	u, err := parseHTTPURL(s)
	if err != nil {
		return "", err
	}
	switch {
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(s, "#"):
		return "", fmt.Errorf("it must not have a query or fragment: an origin is scheme://host[:port]")
	case u.Path != "" && u.Path != "/":
		return "", fmt.Errorf("it must not have a path: an origin is scheme://host[:port]")
	}
	host := strings.ToLower(u.Hostname())
	ip, ipErr := netip.ParseAddr(host)
	switch {
	case ipErr == nil && ip.Zone() == "":
		host = browserIP(ip)
	case numericTLD(host):
		return "", fmt.Errorf("its host %q is not an IP address (four numbers from 0 to 255) and no host name ends in a number", u.Hostname())
	case !validHostName(host) || strings.HasSuffix(host, "."):
		return "", fmt.Errorf("its host name %q is not one: letters, digits, hyphens and dots, or an IP address", u.Hostname())
	}
	n, err := urlPort(u)
	if err != nil {
		return "", err
	}
	port := ""
	if n != 0 && !(u.Scheme == "http" && n == 80 || u.Scheme == "https" && n == 443) {
		port = strconv.Itoa(n)
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	return u.Scheme + "://" + host, nil
}

// browserIP writes ip as a browser writes the host of a URL (WHATWG URL,
// host serializer): an IPv6 address in its shortest form (the first longest
// run of two or more zero pieces as ::) and in hexadecimal pieces only, an
// IPv4-mapped one included (::ffff:1.2.3.4 is ::ffff:102:304).
func browserIP(ip netip.Addr) string {
	if !ip.Is4In6() {
		return ip.String() // RFC 5952, the same form for the others
	}
	b := ip.As16()
	return fmt.Sprintf("::ffff:%x:%x", uint16(b[12])<<8|uint16(b[13]), uint16(b[14])<<8|uint16(b[15]))
}

// ValidSlug reports whether s is an API slug: lowercase letters, digits and
// inner hyphens, at most 64 characters (the portal's rule).
func ValidSlug(s string) bool {
	if len(s) == 0 || len(s) > maxSlugLen || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// validID accepts printable ASCII identifiers without spaces or slashes.
func validID(s string) bool {
	if len(s) == 0 || len(s) > maxIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || c == '/' || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

func validHexHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// canonicalTime reports whether t is zero or a whole second in UTC.
func canonicalTime(t time.Time) bool {
	return t.IsZero() || (t.Location() == time.UTC && t.Nanosecond() == 0 && t.Year() >= 1970 && t.Year() < 10000)
}

// Validate checks a route on its own.
func (r Route) Validate() error {
	id := r.ID()
	if !ValidSlug(r.API) {
		return fmt.Errorf("route %.80q: api must be a slug (lowercase letters, digits, hyphens, at most %d characters)", id, maxSlugLen)
	}
	if r.Major < 0 || r.Major > MaxMajor {
		return fmt.Errorf("route %q: major must be 0 to %d", id, MaxMajor)
	}
	if len(r.Targets) == 0 || len(r.Targets) > maxTargets {
		return fmt.Errorf("route %q: 1 to %d targets are needed", id, maxTargets)
	}
	var scheme, path string
	seen := make(map[string]bool, len(r.Targets))
	for i, t := range r.Targets {
		u, err := ParseTarget(t)
		if err != nil {
			return fmt.Errorf("route %q: target %d: %w", id, i+1, err)
		}
		if seen[u.Host] {
			return fmt.Errorf("route %q: target %d repeats host %q", id, i+1, u.Host)
		}
		seen[u.Host] = true
		if i == 0 {
			scheme, path = u.Scheme, u.Path
		} else if u.Scheme != scheme || u.Path != path {
			return fmt.Errorf("route %q: targets must share scheme and path (replicas of one service)", id)
		}
	}
	if r.ConnectTimeoutMS < 0 || r.ConnectTimeoutMS > maxTimeoutMS || r.ResponseTimeoutMS < 0 || r.ResponseTimeoutMS > maxTimeoutMS {
		return fmt.Errorf("route %q: timeouts must be 0 to %d ms", id, maxTimeoutMS)
	}
	switch r.State {
	case StatePublished, StateDeprecated, StateRetired:
	default:
		return fmt.Errorf("route %q: state %.40q is not published, deprecated or retired", id, r.State)
	}
	if !canonicalTime(r.DeprecatedAt) || !canonicalTime(r.Sunset) || !canonicalTime(r.RetiredAt) {
		return fmt.Errorf("route %q: times must be whole seconds in UTC", id)
	}
	if r.State == StateDeprecated && r.DeprecatedAt.IsZero() {
		return fmt.Errorf("route %q: a deprecated route needs deprecated_at (the Deprecation header's date)", id)
	}
	if len(r.Successor) > maxVersionText || strings.ContainsFunc(r.Successor, func(c rune) bool { return c <= ' ' || c >= 0x7f || c == '"' || c == '\\' }) {
		return fmt.Errorf("route %q: successor must be a version such as 2.0.0", id)
	}
	if r.SuccessorMajor < 0 || r.SuccessorMajor > MaxMajor || (r.SuccessorMajor != 0 && r.Successor == "") {
		return fmt.Errorf("route %q: successor_major needs a successor and must be 0 to %d", id, MaxMajor)
	}
	if len(r.CORSOrigins) > MaxCORSOrigins {
		return fmt.Errorf("route %q: cors_origins holds more than %d origins", id, MaxCORSOrigins)
	}
	for i, o := range r.CORSOrigins {
		if o == AnyOrigin {
			if len(r.CORSOrigins) > 1 {
				return fmt.Errorf("route %q: cors_origins holds %q beside other origins", id, AnyOrigin)
			}
			continue
		}
		if n, err := ParseOrigin(o); err != nil || n != o {
			return fmt.Errorf("route %q: cors origin %d is not an origin as a browser sends it (scheme://host[:port], lowercase, no default port)", id, i+1)
		}
		if slices.Contains(r.CORSOrigins[:i], o) {
			return fmt.Errorf("route %q: cors origin %d repeats an origin", id, i+1)
		}
	}
	return nil
}

// ParseTarget parses an upstream target URL: http or https, a host, an
// optional path; no credentials, query or fragment.
func ParseTarget(s string) (*url.URL, error) {
	if len(s) > maxURLLen {
		return nil, fmt.Errorf("longer than %d characters", maxURLLen)
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("not a URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("scheme must be http or https")
	}
	if u.Host == "" || u.Hostname() == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" || u.ForceQuery {
		return nil, fmt.Errorf("must be scheme://host[:port][/path] without credentials, query or fragment")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("port must be 1 to 65535")
		}
	}
	return u, nil
}

// Validate checks a plan on its own.
func (p Plan) Validate() error {
	if !validID(p.ID) {
		return fmt.Errorf("plan id must be 1 to %d printable characters without spaces, quotes or slashes", maxIDLen)
	}
	if p.RatePerMinute < 0 || p.RatePerMinute > maxRate || p.Burst < 0 || p.Burst > maxRate || p.DailyQuota < 0 {
		return fmt.Errorf("plan %q: rate, burst and quota must be 0 to %d", p.ID, maxRate)
	}
	return nil
}

// Validate checks a key on its own. Messages name the key id, never the hash.
func (k Key) Validate() error {
	if !validID(k.ID) {
		return fmt.Errorf("key id must be 1 to %d printable characters without spaces, quotes or slashes", maxIDLen)
	}
	if !validHexHash(k.Hash) {
		return fmt.Errorf("key %q: hash must be 64 lowercase hex digits (SHA-256)", k.ID)
	}
	if !validID(k.Subscription) || !validID(k.Team) || !validID(k.App) || !validID(k.Plan) {
		return fmt.Errorf("key %q: subscription, team, app and plan must be 1 to %d printable characters", k.ID, maxIDLen)
	}
	if !ValidSlug(k.API) || k.Major < 0 || k.Major > MaxMajor {
		return fmt.Errorf("key %q: api must be a slug and major 0 to %d", k.ID, MaxMajor)
	}
	if !canonicalTime(k.ExpiresAt) || !canonicalTime(k.GraceEndsAt) {
		return fmt.Errorf("key %q: times must be whole seconds in UTC", k.ID)
	}
	if k.State != KeyActive && k.State != KeyRevoked {
		return fmt.Errorf("key %q: state must be active or revoked", k.ID)
	}
	return nil
}

// HashKey returns the hex SHA-256 of an API key as the snapshot carries it.
func HashKey(key string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:])
}
