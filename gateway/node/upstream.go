package node

import (
	"errors"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/portico-dev/portico/gateway"
)

// config is what the data plane reads for one request: the state and, per
// route, what was prepared from it. It never changes once published.
type config struct {
	state  *gateway.State
	routes map[string]*route
}

// route is a gateway.Route prepared for serving.
type route struct {
	r  *gateway.Route
	up *upstream // nil for retired routes
	// https and basePath are the targets' shared scheme and path.
	https    bool
	basePath string
	// prefixLen is the length of "/{api}/v{major}".
	prefixLen int
	// Precomputed response headers and bodies.
	deprecation, sunset, link string
	gone                      []byte
	// cors is the route's CORS, nil without.
	cors *cors
	// m are the route's metrics.
	m *routeMetrics
}

// upstream balances one route's targets. Routes with the same targets and
// timeouts share it, and with it their connection pools.
type upstream struct {
	lb              *fasthttp.LBClient
	responseTimeout time.Duration
}

// target is one upstream host: a fasthttp HostClient that sets the Host
// header to its own host.
type target struct {
	hc   *fasthttp.HostClient
	host string
}

func (t *target) DoDeadline(req *fasthttp.Request, resp *fasthttp.Response, deadline time.Time) error {
	req.URI().SetHost(t.host)
	return t.hc.DoDeadline(req, resp, deadline)
}

func (t *target) PendingRequests() int { return t.hc.PendingRequests() }

// healthy is the passive health check: a connection failure, a timeout or a
// 502/503/504 makes the LBClient skip the target for a while (3 s per
// failure, fasthttp's penalty).
func healthy(_ *fasthttp.Request, resp *fasthttp.Response, err error) bool {
	if err != nil {
		return false
	}
	switch resp.StatusCode() {
	case fasthttp.StatusBadGateway, fasthttp.StatusServiceUnavailable, fasthttp.StatusGatewayTimeout:
		return false
	}
	return true
}

// build prepares st for serving, keeping the upstreams (and their open
// connections) of routes whose targets and timeouts did not change, and
// deletes the metrics of the routes st no longer has.
// applyMu is held.
func (n *Node) build(st *gateway.State) *config {
	old := n.cfg.Load()
	if old != nil && st.SameRoutes(old.state) {
		// A delta of keys or plans only: the routes as prepared serve.
		return &config{state: st, routes: old.routes}
	}
	c := &config{state: st, routes: make(map[string]*route)}
	ups := make(map[string]*upstream, len(n.upstreams))
	for r := range st.Routes() {
		id := r.ID()
		if old != nil {
			if prev, ok := old.routes[id]; ok && prev.r == r {
				// The same entry: nothing about the route changed.
				c.routes[id] = prev
				if prev.up != nil {
					ups[n.signature(r)] = prev.up
				}
				continue
			}
		}
		rt := n.prepare(r)
		n.metrics.retired(rt.m, r.State == gateway.StateRetired)
		if r.State != gateway.StateRetired {
			sig := n.signature(r)
			up := ups[sig]
			if up == nil {
				up = n.upstreams[sig]
			}
			if up == nil {
				up = n.newUpstream(r)
			}
			ups[sig] = up
			rt.up = up
		}
		c.routes[id] = rt
	}
	n.upstreams = ups
	if old != nil {
		// The series of the routes that left the configuration.
		for id := range old.routes {
			if _, ok := c.routes[id]; !ok {
				n.metrics.drop(id)
			}
		}
	}
	return c
}

func (n *Node) timeouts(r *gateway.Route) (connect, response time.Duration) {
	connect, response = n.opts.ConnectTimeout, n.opts.ResponseTimeout
	if r.ConnectTimeoutMS > 0 {
		connect = time.Duration(r.ConnectTimeoutMS) * time.Millisecond
	}
	if r.ResponseTimeoutMS > 0 {
		response = time.Duration(r.ResponseTimeoutMS) * time.Millisecond
	}
	return connect, response
}

func (n *Node) signature(r *gateway.Route) string {
	c, resp := n.timeouts(r)
	return strings.Join(r.Targets, " ") + " " + c.String() + " " + resp.String()
}

func (n *Node) prepare(r *gateway.Route) *route {
	rt := &route{r: r, prefixLen: 1 + len(r.ID()), m: n.metrics.forRoute(r.ID()), cors: newCORS(r)}
	if u, err := gateway.ParseTarget(r.Targets[0]); err == nil {
		rt.https = u.Scheme == "https"
		rt.basePath = strings.TrimSuffix(u.EscapedPath(), "/")
	}
	if r.Successor != "" && r.SuccessorMajor > r.Major {
		rt.link = `</` + gateway.RouteID(r.API, r.SuccessorMajor) + `/>; rel="successor-version"`
	}
	if r.State == gateway.StateDeprecated {
		rt.deprecation = "@" + strconv.FormatInt(r.DeprecatedAt.Unix(), 10)
		if !r.Sunset.IsZero() {
			rt.sunset = r.Sunset.UTC().Format(http1Date)
		}
	}
	if r.State == gateway.StateRetired {
		// Since when: the retirement's time, never the planned sunset (a
		// version retired early was retired before it). A portal from
		// before retired_at sends none, and the detail names no date.
		detail := r.API + " v" + strconv.Itoa(r.Major) + " is retired"
		if !r.RetiredAt.IsZero() {
			detail += " since " + r.RetiredAt.UTC().Format("2006-01-02")
		}
		ext := map[string]string{}
		if r.Successor != "" {
			detail += "; use version " + r.Successor
			ext["successor"] = r.Successor
			if r.SuccessorMajor > r.Major {
				ext["successor_link"] = "/" + gateway.RouteID(r.API, r.SuccessorMajor) + "/"
			}
		}
		rt.gone = problemBody(fasthttp.StatusGone, detail, ext)
	}
	return rt
}

// http1Date is the HTTP date format (RFC 9110 IMF-fixdate).
const http1Date = "Mon, 02 Jan 2006 15:04:05 GMT"

func (n *Node) newUpstream(r *gateway.Route) *upstream {
	connect, response := n.timeouts(r)
	lb := &fasthttp.LBClient{HealthCheck: healthy, Timeout: response}
	for _, t := range r.Targets {
		u, err := url.Parse(t)
		if err != nil {
			continue // validated already
		}
		addr := u.Host
		if u.Port() == "" {
			if u.Scheme == "https" {
				addr = net.JoinHostPort(u.Hostname(), "443")
			} else {
				addr = net.JoinHostPort(u.Hostname(), "80")
			}
		}
		dialer := &fasthttp.TCPDialer{Concurrency: 0, DNSCacheDuration: time.Minute, Resolver: denyResolver{deny: n.opts.UpstreamDeny}}
		hc := &fasthttp.HostClient{
			Addr:  addr,
			IsTLS: u.Scheme == "https",
			Dial: func(addr string) (net.Conn, error) {
				c, err := dialer.DialTimeout(addr, connect)
				if err != nil {
					return nil, err
				}
				if err := n.checkUpstreamConn(c); err != nil {
					return nil, err
				}
				return newStaleCheckConn(c), nil
			},
			RetryIfErr:                retryUpstream,
			MaxIdemponentCallAttempts: maxUpstreamAttempts,
			MaxConns:                  4096,
			MaxIdleConnDuration:       60 * time.Second,
			ReadTimeout:               response,
			WriteTimeout:              response,
			MaxResponseBodySize:       n.opts.MaxResponseBody,
			NoDefaultUserAgentHeader:  true,
			DisablePathNormalizing:    true,
			ReadBufferSize:            16 << 10,
		}
		lb.Clients = append(lb.Clients, &target{hc: hc, host: u.Host})
	}
	return &upstream{lb: lb, responseTimeout: response}
}

// isConnectError reports whether err happened before the request reached the
// upstream, so it is safe to send it to another target.
func isConnectError(err error) bool {
	if errors.Is(err, errUpstreamDenied) || errors.Is(err, fasthttp.ErrDialTimeout) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, fasthttp.ErrNoFreeConns) {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// isTimeout reports whether err is a timeout (504) rather than a failure (502).
func isTimeout(err error) bool {
	if errors.Is(err, fasthttp.ErrTimeout) || errors.Is(err, fasthttp.ErrDialTimeout) || errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
