package gateway

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strings"
)

// DefaultUpstreamDeny returns the addresses a node forwards to only when
// told to (the node's --upstream-deny, node.Options.UpstreamDeny nil): the
// link-local ranges, where clouds serve their instance metadata and
// credentials (169.254.169.254, and fd00:ec2::254 on AWS over IPv6).
func DefaultUpstreamDeny() []netip.Prefix {
	return []netip.Prefix{
		netip.MustParsePrefix("169.254.0.0/16"),
		netip.MustParsePrefix("fe80::/10"),
		netip.MustParsePrefix("fd00:ec2::254/128"),
	}
}

// ErrTargetDenied marks a target that ParseNewTarget refuses because every
// node, as it starts by default, refuses to forward to it.
var ErrTargetDenied = errors.New("an address gateway nodes refuse to forward to by default")

// ParseNewTarget is ParseTarget for a target being saved in the portal (an
// API major version's gateway settings, an API's upstream URLs): it also
// refuses a target whose host is an IP address in DefaultUpstreamDeny, with
// an error that wraps ErrTargetDenied and names the node's flag. Such a
// target is answered 502 by every node that keeps its default deny list,
// and the portal cannot know of a node that does not, so it says so when
// the target is typed rather than let the API fail at the node. A host
// name is not resolved here (the node resolves it and checks its
// addresses at each connection). Targets already saved, and the snapshot
// the nodes check (Route.Validate), still go by ParseTarget alone: a node
// run with another --upstream-deny keeps serving them.
func ParseNewTarget(s string) (*url.URL, error) {
	u, err := ParseTarget(s)
	if err != nil {
		return nil, err
	}
	a, err := netip.ParseAddr(u.Hostname())
	if err != nil {
		return u, nil // a host name
	}
	a = a.WithZone("").Unmap()
	for _, p := range DefaultUpstreamDeny() {
		if p.Contains(a) {
			what := "a link-local address"
			if p.Bits() == p.Addr().BitLen() {
				what = "the cloud's instance metadata address"
			}
			return nil, fmt.Errorf("%s is %s (%s), %w (their --upstream-deny %s): requests would fail with 502",
				a, what, p, ErrTargetDenied, denyList())
		}
	}
	return u, nil
}

func denyList() string {
	var s []string
	for _, p := range DefaultUpstreamDeny() {
		s = append(s, p.String())
	}
	return strings.Join(s, ",")
}
