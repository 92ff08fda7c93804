package node

import (
	"context"
	"errors"
	"net"
	"net/netip"

	"github.com/portico-dev/portico/gateway"
)

// errUpstreamDenied is the error of a connection to an upstream at an
// address the node does not forward to.
var errUpstreamDenied = errors.New("the upstream's address is one this node does not forward to")

// DefaultUpstreamDeny returns the addresses a node forwards to only when
// told to (Options.UpstreamDeny nil): gateway.DefaultUpstreamDeny, the
// link-local ranges, where clouds serve their instance metadata and
// credentials (169.254.169.254, and fd00:ec2::254 on AWS over IPv6). The
// portal refuses to save targets at these addresses
// (gateway.ParseNewTarget).
func DefaultUpstreamDeny() []netip.Prefix {
	return gateway.DefaultUpstreamDeny()
}

// denyResolver resolves upstream host names (and IP literals, which the
// dialer resolves too) without the addresses in deny: a target whose every
// address is denied fails with errUpstreamDenied before any connection.
// The dialer connects only to the addresses it returns, so a name that
// resolves to a denied address later (DNS rebinding) is refused as well.
type denyResolver struct {
	deny []netip.Prefix
}

func (r denyResolver) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	addrs, err := net.DefaultResolver.LookupIPAddr(ctx, host)
	if err != nil || len(r.deny) == 0 {
		return addrs, err
	}
	kept := addrs[:0]
	for _, a := range addrs {
		if !r.denied(a.IP) {
			kept = append(kept, a)
		}
	}
	if len(kept) == 0 {
		return nil, errUpstreamDenied
	}
	return kept, nil
}

func (r denyResolver) denied(ip net.IP) bool {
	a, ok := netip.AddrFromSlice(ip)
	if !ok {
		return true
	}
	a = a.Unmap()
	for _, p := range r.deny {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// isOwnAdmin reports whether a connection from local to remote reaches the
// node's admin listener at admin: its address, or any of this host's
// addresses when it listens on all of them (a connection to one of the
// host's own addresses leaves from that same address, or is loopback).
func isOwnAdmin(admin, local, remote netip.AddrPort) bool {
	if !admin.IsValid() || remote.Port() != admin.Port() {
		return false
	}
	r := remote.Addr().Unmap()
	if a := admin.Addr().Unmap(); !a.IsUnspecified() {
		return r == a
	}
	return r.IsLoopback() || r.IsUnspecified() || r == local.Addr().Unmap()
}

// checkUpstreamConn closes c and answers errUpstreamDenied when c reaches
// the node's own admin listener.
func (n *Node) checkUpstreamConn(c net.Conn) error {
	admin := n.adminAddr.Load()
	if admin == nil {
		return nil
	}
	local, lok := c.LocalAddr().(*net.TCPAddr)
	remote, rok := c.RemoteAddr().(*net.TCPAddr)
	if lok && rok && isOwnAdmin(*admin, local.AddrPort(), remote.AddrPort()) {
		c.Close()
		return errUpstreamDenied
	}
	return nil
}
