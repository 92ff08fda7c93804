// Command hertzspike is a measured spike, not a gateway: the node's hot path
// (route by /{api}/v{major}, key looked up by SHA-256 in a gateway.State, the
// plan's rate limit, the key stripped, hop-by-hop headers removed, consumer,
// request id and forwarding headers set, the path rewritten, forwarded to the
// upstream over kept-alive connections, RateLimit-* and X-Request-Id on the
// answer) served by CloudWeGo Hertz on its netpoll transport (an epoll event
// loop with its own buffers), its client calling the upstream. It has no
// timeouts beyond Hertz's, no metrics, no usage counting and no access log,
// and one route and one key (those of bench/gatewaybench, which starts it
// with -hertz). It is a module of its own so that Hertz stays out of
// Portico's go.mod.
package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/cloudwego/hertz/pkg/app"
	"github.com/cloudwego/hertz/pkg/app/client"
	"github.com/cloudwego/hertz/pkg/app/server"
	"github.com/cloudwego/hertz/pkg/common/hlog"
	"github.com/cloudwego/hertz/pkg/protocol/consts"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/ratelimit"
)

var hopByHop = []string{"Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer", "Upgrade"}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	upstream := flag.String("upstream", "", "upstream host:port (required)")
	basePath := flag.String("base", "/v1", "the upstream's path for the route")
	route := flag.String("route", "bench/v1", "the one route: {api}/v{major}")
	key := flag.String("key", "ptk_bench_0123456789abcdef0123456789abcdef", "the one valid API key")
	flag.Parse()
	if *upstream == "" {
		fmt.Fprintln(os.Stderr, "hertzspike: -upstream is required")
		os.Exit(2)
	}
	if err := run(*addr, *upstream, *basePath, *route, *key); err != nil {
		fmt.Fprintln(os.Stderr, "hertzspike:", err)
		os.Exit(1)
	}
}

func run(addr, upstream, basePath, route, key string) error {
	st, err := gateway.NewState(1,
		[]gateway.Route{{API: "bench", Major: 1, Targets: []string{"http://" + upstream + basePath}, State: gateway.StatePublished}},
		[]gateway.Plan{{ID: "bench", RatePerMinute: 100_000_000, Burst: 10_000_000}},
		[]gateway.Key{{ID: "kbench", Hash: gateway.HashKey(key), Subscription: "sub-bench", Team: "bench", App: "wrk", API: "bench", Major: 1, Plan: "bench", State: gateway.KeyActive}})
	if err != nil {
		return err
	}
	cli, err := client.NewClient(client.WithDialTimeout(3*time.Second), client.WithMaxConnsPerHost(4096), client.WithKeepAlive(true),
		client.WithDisableHeaderNamesNormalizing(false))
	if err != nil {
		return err
	}
	var prefix [6]byte
	rand.Read(prefix[:])
	p := &proxy{state: st, limiter: ratelimit.NewLocal(), route: route, basePath: basePath, upstream: upstream,
		idPrefix: hex.EncodeToString(prefix[:]) + "-", cli: cli}
	hlog.SetLevel(hlog.LevelError)
	h := server.New(server.WithHostPorts(addr), server.WithDisablePrintRoute(true), server.WithIdleTimeout(90*time.Second),
		server.WithExitWaitTime(time.Second))
	h.NoRoute(p.handle)
	fmt.Println("hertzspike listening on", addr)
	h.Spin() // until SIGINT or SIGTERM, then a graceful stop
	return nil
}

type proxy struct {
	state                     *gateway.State
	limiter                   *ratelimit.Local
	route, basePath, upstream string
	idPrefix                  string
	ids                       atomic.Uint64
	cli                       *client.Client
}

func (p *proxy) problem(c *app.RequestContext, status int, detail string) {
	c.Response.Header.SetContentType("application/problem+json")
	c.SetStatusCode(status)
	c.SetBodyString(`{"status":` + strconv.Itoa(status) + `,"detail":` + strconv.Quote(detail) + `}`)
}

func (p *proxy) handle(ctx context.Context, c *app.RequestContext) {
	h := &c.Request.Header
	var reqID string
	if id := h.Peek("X-Request-Id"); len(id) > 0 && len(id) <= 128 {
		reqID = string(id)
	} else {
		reqID = p.idPrefix + strconv.FormatUint(p.ids.Add(1), 36)
	}
	c.Response.Header.Set("X-Request-Id", reqID)
	path := c.URI().Path()
	prefixLen := 1 + len(p.route)
	if len(path) < prefixLen || string(path[1:prefixLen]) != p.route || (len(path) > prefixLen && path[prefixLen] != '/') {
		p.problem(c, consts.StatusNotFound, "no API version is served at this path")
		return
	}
	key := h.Peek("X-API-Key")
	if len(key) == 0 {
		p.problem(c, consts.StatusUnauthorized, "an API key is required")
		return
	}
	now := time.Now()
	k, ok := p.state.KeyByHash(sha256.Sum256(key))
	if !ok || k.State != gateway.KeyActive {
		p.problem(c, consts.StatusUnauthorized, "the API key is not valid")
		return
	}
	if k.API != "bench" || k.Major != 1 {
		p.problem(c, consts.StatusForbidden, "the API key does not subscribe to this API version")
		return
	}
	plan, _ := p.state.Plan(k.Plan)
	d, _ := p.limiter.Allow(ctx, k.Subscription, ratelimit.Limit{PerMinute: plan.RatePerMinute, Burst: plan.Burst}, now)
	if !d.Allowed {
		p.problem(c, consts.StatusTooManyRequests, "rate limited")
		return
	}

	h.Del("X-API-Key")
	for _, name := range hopByHop {
		h.Del(name)
	}
	h.Set("X-Portico-Team", k.Team)
	h.Set("X-Portico-App", k.App)
	h.Set("X-Portico-Subscription", k.Subscription)
	h.Set("X-Request-Id", reqID)
	h.Set("X-Forwarded-For", c.ClientIP())
	h.Set("X-Forwarded-Proto", "http")
	h.Set("X-Forwarded-Host", string(h.Host()))
	rest := path[prefixLen:]
	up := make([]byte, 0, 8+len(p.upstream)+len(p.basePath)+len(rest)+1)
	up = append(up, "http://"...)
	up = append(up, p.upstream...)
	up = append(up, p.basePath...)
	if len(rest) == 0 {
		up = append(up, '/')
	}
	up = append(up, rest...)
	if q := c.URI().QueryString(); len(q) > 0 {
		up = append(up, '?')
		up = append(up, q...)
	}
	c.Request.SetRequestURI(string(up))
	h.SetHostBytes([]byte(p.upstream))
	if err := p.cli.Do(ctx, &c.Request, &c.Response); err != nil {
		c.Response.Reset()
		c.Response.Header.Set("X-Request-Id", reqID)
		p.problem(c, consts.StatusBadGateway, "the upstream could not be reached")
		return
	}
	rh := &c.Response.Header
	for _, name := range hopByHop {
		rh.Del(name)
	}
	rh.Set("X-Request-Id", reqID)
	rh.Set("RateLimit-Limit", strconv.Itoa(d.Limit))
	rh.Set("RateLimit-Remaining", strconv.Itoa(d.Remaining))
	rh.Set("RateLimit-Reset", strconv.Itoa(int(d.Reset/time.Second)))
}
