package handlers

import (
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
)

// parseProxies reads the trusted proxies (IPs or CIDR ranges; main has
// checked them) as prefixes. An entry that is neither is left out.
func parseProxies(list []string) []netip.Prefix {
	var out []netip.Prefix
	for _, p := range list {
		p = strings.TrimSpace(p)
		if pre, err := netip.ParsePrefix(p); err == nil {
			out = append(out, pre.Masked())
		} else if a, err := netip.ParseAddr(p); err == nil {
			a = a.Unmap()
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
		}
	}
	return out
}

// trustedAddr reports whether a is one of the trusted proxies.
func (h *Handler) trustedAddr(a netip.Addr) bool {
	for _, p := range h.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientIP is the address a request comes from, for the login limits, the
// sessions and the logs. From a peer that is not a trusted proxy it is the
// peer's address. Behind trusted proxies it is read from X-Forwarded-For
// from the right: each proxy appends the address it received the request
// from, so the last entry that is not a trusted proxy is the client, and
// the entries before it are whatever the client wrote (fiber's Ctx.IP
// takes the first entry: a made-up address for each attempt escaped the
// limits). When every entry is a trusted proxy, the first one is the client.
func (h *Handler) clientIP(c *fiber.Ctx) string {
	peer := c.Context().RemoteIP().String()
	if !c.IsProxyTrusted() || len(h.trusted) == 0 {
		return peer
	}
	var hops []string
	for k, v := range c.Request().Header.All() {
		if utils.EqualFoldBytes(k, []byte(fiber.HeaderXForwardedFor)) {
			hops = append(hops, strings.Split(string(v), ",")...)
		}
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseHop(hops[i])
		if !ok {
			break // not written by a proxy: the client is the last one read
		}
		client = a.String()
		if !h.trustedAddr(a) {
			break
		}
	}
	return client
}

// parseHop reads one entry of X-Forwarded-For: an address, with a port
// ("198.51.100.7:5000", "[2001:db8::1]:443") or without.
func parseHop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	a, err := netip.ParseAddr(s)
	if err != nil {
		ap, perr := netip.ParseAddrPort(s)
		if perr != nil {
			return netip.Addr{}, false
		}
		a = ap.Addr()
	}
	return a.Unmap(), a.IsValid() && a.Zone() == ""
}
