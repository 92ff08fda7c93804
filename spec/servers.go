package spec

import (
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// MaxServerOrigins bounds the origins ServerOrigins returns (they go into
// a Content-Security-Policy header).
const MaxServerOrigins = 10

// ServerTarget is one server a description declares, as a browser would
// reach it.
type ServerTarget struct {
	// URL is the server URL as declared.
	URL string
	// Origin is scheme://host[:port] after the variables took their
	// defaults; empty when the URL is not an absolute http(s) URL.
	Origin string
}

// hostPattern accepts DNS names, IPv4 and bracketed IPv6 addresses, with an
// optional port: nothing that could break out of a CSP source expression.
var hostPattern = regexp.MustCompile(`^([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$`)

// ServerTargets lists the servers the description declares, at the top,
// on paths and on operations, each once, in order of first appearance.
// Only the first MaxServerOrigins distinct origins are given; servers of
// further origins are listed without one.
func (d *Document) ServerTargets() []ServerTarget {
	if d.Spec == nil {
		return nil
	}
	var out []ServerTarget
	seenURL := map[string]bool{}
	origins := map[string]bool{}
	add := func(servers openapi3.Servers) {
		for _, s := range servers {
			if s == nil || seenURL[s.URL] {
				continue
			}
			origin := serverOrigin(s)
			if origin != "" && !origins[origin] {
				if len(origins) == MaxServerOrigins {
					origin = "" // one too many: listed, not reachable
				} else {
					origins[origin] = true
				}
			}
			seenURL[s.URL] = true
			out = append(out, ServerTarget{URL: s.URL, Origin: origin})
		}
	}
	add(d.Spec.Servers)
	if d.Spec.Paths != nil {
		paths := d.Spec.Paths.Map()
		keys := make([]string, 0, len(paths))
		for k := range paths {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			item := paths[k]
			if item == nil {
				continue
			}
			add(item.Servers)
			for _, m := range methodOrder() {
				if op := item.GetOperation(m); op != nil && op.Servers != nil {
					add(*op.Servers)
				}
			}
		}
	}
	return out
}

// maxServerURL is the longest server URL, its variables replaced, whose
// origin is found; a longer one has none.
const maxServerURL = 8 << 10

// serverOrigin is the origin of an absolute http(s) server URL, its
// variables replaced by their defaults, or "".
func serverOrigin(s *openapi3.Server) string {
	raw, ok := expandServerURL(s)
	if !ok || strings.ContainsAny(raw, "{} \t\r\n;,'\"") {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.User != nil || !hostPattern.MatchString(u.Host) {
		return ""
	}
	return strings.ToLower(u.Scheme + "://" + u.Host)
}

// expandServerURL replaces each variable of the server's URL by its
// default, in one pass (a default is not expanded again), and reports
// false when the result would be longer than maxServerURL: a URL that uses
// a long variable thousands of times expands to megabytes.
func expandServerURL(s *openapi3.Server) (string, bool) {
	rest := s.URL
	if len(s.Variables) == 0 || !strings.Contains(rest, "{") {
		return rest, len(rest) <= maxServerURL
	}
	var b strings.Builder
	for {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			b.WriteString(rest)
			break
		}
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			b.WriteString(rest)
			break
		}
		end += open
		b.WriteString(rest[:open])
		if v := s.Variables[rest[open+1:end]]; v != nil {
			b.WriteString(v.Default)
		} else {
			b.WriteString(rest[open : end+1])
		}
		rest = rest[end+1:]
		if b.Len() > maxServerURL {
			return "", false
		}
	}
	return b.String(), b.Len() <= maxServerURL
}
