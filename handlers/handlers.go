// Package handlers is Portico's HTTP layer: one route table, handlers as
// methods on one struct, templ pages for browsers and a JSON API under /api/v1.
package handlers

import (
	"context"
	"log/slog"
	"net/netip"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/portico-dev/portico/agent"
	"github.com/portico-dev/portico/auth"
	"github.com/portico-dev/portico/catalog"
	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/control"
	"github.com/portico-dev/portico/gateway/push"
	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/markdown"
	"github.com/portico-dev/portico/people"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/reqid"
	"github.com/portico-dev/portico/search"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/subscriptions"
	"github.com/portico-dev/portico/usage"
)

// Options configures the HTTP layer.
type Options struct {
	Logger  *slog.Logger
	Hasher  *auth.Hasher
	Version string
	// SessionTTL is how long a login lasts however it is used. Zero means
	// DefaultSessionTTL.
	SessionTTL time.Duration
	// SessionIdleTimeout ends a session unused for longer (see
	// store.SessionUser for the minute it may lag). Zero means
	// DefaultSessionIdleTimeout; negative means none.
	SessionIdleTimeout time.Duration
	// Now returns the current time; nil means store.Now (the time to the
	// microsecond, as the database keeps it).
	Now func() time.Time
	// Lifecycle applies the API lifecycle; nil builds one with a 30-day
	// minimum sunset notice.
	Lifecycle *lifecycle.Service
	// People applies the rules about users and teams; nil builds one with
	// Hasher.
	People *people.Service
	// TrustedProxies lists the addresses (IPs or CIDR ranges) of reverse
	// proxies whose X-Forwarded-For and X-Forwarded-Proto headers are
	// believed: the client address (login limits, logs) and whether the
	// request came over TLS (Secure cookies). Nobody else's are.
	TrustedProxies []string
	// Search is the catalog's search index; nil makes the catalog answer 503.
	Search search.Index
	// Agent answers the MCP endpoint; nil builds one over the same store,
	// lifecycle and index with the default rate limits.
	Agent *agent.Server
	// Subscriptions applies the rules of plans, apps, subscriptions and
	// keys; nil builds one over the same store, policy and lifecycle.
	Subscriptions *subscriptions.Service
	// Instance names this instance among those sharing the database, and
	// Index reports how far its search index follows the index log: /readyz
	// and /metrics show both. Empty and nil leave them out.
	Instance string
	Index    IndexFeed
	// MetricsToken guards /metrics: only "Authorization: Bearer
	// <MetricsToken>" gets the metrics. Empty turns /metrics off (404).
	MetricsToken string
	// CSRFKey is the key of the CSRF tokens (LoadCSRFKey); nil loads it from
	// the database at the first request that needs it.
	CSRFKey []byte
	// Gateway is the control plane of the gateway nodes; nil builds one
	// over the store whose hub is not run (main runs its own).
	Gateway *GatewayParts
	// MaxConnections bounds the connections served at once; one more is
	// answered 503. Zero means DefaultMaxConnections.
	MaxConnections int
	// PublicGatewayURL is the gateway nodes' public base URL, as
	// gateway.ParsePublicURL returns it: pages and the JSON API show
	// consumers the URL at which they call an API version. Empty: the path
	// alone.
	PublicGatewayURL string
	// RequestTimeout bounds a request, its waits on the database included
	// (see DefaultRequestTimeout, the default when zero).
	RequestTimeout time.Duration
	// handlerContext, set only by the package's tests (export_test.go),
	// wraps the context each route's handler runs under, after markCommits:
	// a test ends a request's deadline at the query it chooses (before or
	// after the handler's first commit) through it. Nil in the portal.
	handlerContext func(context.Context) context.Context
}

// DefaultMaxConnections is the connections served at once by default: with
// FormBodyLimit read at most from a client without credentials, their
// bodies take at most 2.5 GiB.
const DefaultMaxConnections = 10000

// GatewayParts are the portal's side of the gateway nodes: the service
// (nodes, settings), the configuration source, the push hub serving the
// nodes' long-polls (with the daily quota counts of the usage reports), and
// the node authenticator and status recorder.
type GatewayParts struct {
	Service *control.Service
	Source  *control.Source
	Hub     *push.Hub
	Nodes   *control.Nodes
}

// NewGatewayParts builds the gateway control plane over s with policy p.
func NewGatewayParts(s *store.Store, p *policy.Enforcer, log *slog.Logger) *GatewayParts {
	src := control.NewSource(s, log)
	nodes := control.NewNodes(s, log)
	hub := push.NewHub(src, push.Options{Recorder: nodes, Logger: log, Quotas: usage.NewQuotaCounts(s, nil)})
	return &GatewayParts{Service: control.New(s, p, src, hub, control.Options{}), Source: src, Hub: hub, Nodes: nodes}
}

// IndexFeed reports how far the search index follows the index log;
// *catalog.Feed implements it.
type IndexFeed interface {
	Status() catalog.FeedStatus
}

// Handler holds what every handler needs.
type Handler struct {
	store   *store.Store
	ids     *reqid.Source // request ids
	policy  *policy.Enforcer
	hasher  *auth.Hasher
	log     *slog.Logger
	version string
	ttl     time.Duration
	// idle is the session idle timeout; zero means none.
	idle    time.Duration
	now     func() time.Time
	metrics *metrics
	life    *lifecycle.Service
	people  *people.Service
	subs    *subscriptions.Service
	usage   *usage.Service
	proxies []string
	search  search.Index
	trusted []netip.Prefix // proxies, parsed (clientIP)
	agent   *agent.Server
	name    string
	feed    IndexFeed
	csrf    csrfKeys

	metricsToken string
	gw           *control.Service
	gwNodes      *control.Nodes
	gwSync       fiber.Handler

	// gatewayURL is Options.PublicGatewayURL (callURL).
	gatewayURL string

	docs *docsCache // rendered documentation of versions (docs.go)
	// descriptions keeps the HTML of the API descriptions shown on API
	// pages, by their text (an edit is a new text).
	descriptions *markdown.Cache
	// fragments keeps the catalog's rendered results (catalogFragment).
	fragments *fragmentCache
	// large lists the routes whose bodies may exceed FormBodyLimit
	// (bodylimit.go), and maxConns bounds the connections served at once.
	large    []largeBody
	maxConns int
	// requestTimeout bounds a request (requestDeadline).
	requestTimeout time.Duration
	// handlerContext is Options.handlerContext.
	handlerContext func(context.Context) context.Context
	// draining is set by Drain: the instance is stopping (ops.go).
	draining atomic.Bool
}

// callURL is where consumers call major of api through the gateway nodes,
// {PublicGatewayURL}/{api}/v{major}/, or "" when the portal is not told
// the nodes' public address or served says the gateway has no route for
// it (no upstream targets in force: the URL would answer 404). apiID is
// api's id.
func (h *Handler) callURL(served control.Served, apiID int64, api string, major int) string {
	if h.gatewayURL == "" || !served.Serves(apiID, major) {
		return ""
	}
	return gateway.CallURL(h.gatewayURL, api, major)
}

// versionCalls is what the pages and JSON of an API's versions, and of
// subscriptions, show about calling them through the gateway nodes: which
// majors are served (callURL) and how many nodes serve each one's current
// settings (control.Service.Calls).
type versionCalls struct {
	control.Calls
}

// readVersionCalls reads versionCalls for the APIs apiIDs: three queries
// whatever their number, none without the nodes' public address (no URL
// is given) or without an API.
func (h *Handler) readVersionCalls(ctx context.Context, apiIDs ...int64) (versionCalls, error) {
	if h.gatewayURL == "" || len(apiIDs) == 0 {
		return versionCalls{}, nil
	}
	calls, err := h.gw.Calls(ctx, apiIDs)
	if err != nil {
		return versionCalls{}, err
	}
	return versionCalls{calls}, nil
}

// reach is how many gateway nodes serve the current settings of major of
// the API apiID, when calls give its URL (url not empty).
func (vc versionCalls) reach(url string, apiID int64, major int) *control.Reach {
	if url == "" {
		return nil
	}
	return vc.Reach(apiID, major)
}

// DefaultSessionTTL is how long a login lasts by default, and
// DefaultSessionIdleTimeout how long a session may stay unused: a working
// day with its breaks, while a browser left logged in overnight (a shared
// or stolen computer, a copied cookie) is logged out by the next morning.
const (
	DefaultSessionTTL         = 14 * 24 * time.Hour
	DefaultSessionIdleTimeout = 12 * time.Hour
)

// descriptionCacheBytes bounds the API descriptions' HTML kept in memory.
const descriptionCacheBytes = 8 << 20

// New returns a Handler.
func New(s *store.Store, p *policy.Enforcer, opts Options) *Handler {
	h := &Handler{
		store:   s,
		ids:     reqid.New(),
		policy:  p,
		hasher:  opts.Hasher,
		log:     opts.Logger,
		version: opts.Version,
		ttl:     opts.SessionTTL,
		now:     opts.Now,
	}
	if h.hasher == nil {
		h.hasher = auth.NewHasher()
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.ttl == 0 {
		h.ttl = DefaultSessionTTL
	}
	switch h.idle = opts.SessionIdleTimeout; {
	case h.idle == 0:
		h.idle = DefaultSessionIdleTimeout
	case h.idle < 0:
		h.idle = 0
	}
	if h.now == nil {
		h.now = store.Now
	}
	h.name, h.feed = opts.Instance, opts.Index
	h.csrf.key = opts.CSRFKey
	h.metricsToken = opts.MetricsToken
	h.gatewayURL = opts.PublicGatewayURL
	h.maxConns = opts.MaxConnections
	if h.maxConns <= 0 {
		h.maxConns = DefaultMaxConnections
	}
	h.requestTimeout = opts.RequestTimeout
	h.handlerContext = opts.handlerContext
	if h.requestTimeout <= 0 {
		h.requestTimeout = DefaultRequestTimeout
	}
	h.docs = newDocsCache(docsCacheBytes)
	h.descriptions = markdown.NewCache(descriptionCacheBytes)
	h.fragments = newFragmentCache(fragmentCacheBytes)
	h.life = opts.Lifecycle
	h.proxies = opts.TrustedProxies
	h.trusted = parseProxies(opts.TrustedProxies)
	h.search = opts.Search
	if h.life == nil {
		h.life = lifecycle.New(s, p, lifecycle.Options{MinSunsetNotice: 30 * 24 * time.Hour, Now: h.now})
	}
	h.subs = opts.Subscriptions
	if h.subs == nil {
		h.subs = subscriptions.New(s, p, h.life, subscriptions.Options{Now: h.now})
	}
	h.usage = usage.New(s, p, usage.Options{Now: h.now, APIs: h.life})
	h.people = opts.People
	if h.people == nil {
		h.people = people.New(s, p, people.Options{Hasher: h.hasher, Now: h.now})
	}
	gw := opts.Gateway
	if gw == nil {
		gw = NewGatewayParts(s, p, h.log)
	}
	h.gw, h.gwNodes, h.gwSync = gw.Service, gw.Nodes, gatewaySyncHandler(gw)
	h.agent = opts.Agent
	if h.agent == nil {
		h.agent = agent.New(agent.Options{Store: s, Lifecycle: h.life, Search: h.search, Subscriptions: h.subs, Logger: h.log, Version: h.version,
			PublicGatewayURL: h.gatewayURL, Gateway: h.gw})
	}
	h.metrics = newMetrics(h.feed, h.docs)
	h.metrics.registry.MustRegister(&dbCollector{store: s, gw: gw.Service, src: gw.Source, log: h.log},
		// This instance's connection pool: go_sql_* with db_name="portico".
		collectors.NewDBStatsCollector(s.DB().DB, "portico"))
	return h
}

// App builds the fiber application with every route of the route table.
func (h *Handler) App() *fiber.App {
	app := fiber.New(fiber.Config{
		ErrorHandler: h.handleError,
		// A body is read up to FormBodyLimit, or its route's larger limit
		// for a request with its credentials (bodyAllowance).
		BodyLimit:             FormBodyLimit,
		Concurrency:           h.maxConns,
		ReadTimeout:           serverReadTimeout,
		WriteTimeout:          serverWriteTimeout,
		IdleTimeout:           serverIdleTimeout,
		DisableStartupMessage: true,
		AppName:               "portico",
		// Forwarded headers count only from the configured proxies.
		EnableTrustedProxyCheck: true,
		TrustedProxies:          h.proxies,
		ProxyHeader:             fiber.HeaderXForwardedFor,
		EnableIPValidation:      true,
	})
	// Compression: pages of large specs are hundreds of kilobytes of HTML,
	// and the API reference renderer is a 4 MB script.
	app.Use(h.recoverPanic, h.logRequests, h.securityHeaders, h.closeWhileDraining, compress.New(compress.Config{Level: compress.LevelBestSpeed}))
	mountStatic(app)
	routes := h.Routes()
	h.large = largeBodies(routes)
	app.Server().HeaderReceived = h.bodyAllowance
	app.Server().ExpectHandler = h.expectContinue(app)
	for _, r := range routes {
		deadline := withDeadline(h.requestDeadline(r))
		handlers := []fiber.Handler{h.limitBody(r), deadline, h.authenticate(r), h.authorize(r), h.markCommits, r.Handle}
		if r.CSRF() {
			handlers = []fiber.Handler{h.limitBody(r), deadline, h.authenticate(r), h.checkCSRF, h.authorize(r), h.markCommits, r.Handle}
		}
		app.Add(r.Method, r.Path, handlers...)
		h.metrics.declare(r.Method, r.Path)
		if r.Method == fiber.MethodGet {
			// HEAD is GET without the body (RFC 9110, 9.3.2), through the
			// same authentication and authorization.
			app.Add(fiber.MethodHead, r.Path, handlers...)
			h.metrics.declare(fiber.MethodHead, r.Path)
		}
	}
	// A request no route serves: the 404 page with the user's navigation,
	// read from the session as a public page reads it, or 405 when the
	// address is served with other methods.
	app.Use(withDeadline(h.requestTimeout), h.authenticate(Route{Method: fiber.MethodGet, Path: "/*", Perm: public()}), notServed(routes))
	return app
}

// notServed answers a request no route serves: 405 with the methods of the
// address in Allow when the route table serves it with others (RFC 9110,
// 15.5.6), else 404.
func notServed(routes []Route) fiber.Handler {
	return func(c *fiber.Ctx) error {
		allow := allowedMethods(routes, c.Path())
		if len(allow) == 0 {
			return errNotFound
		}
		c.Set(fiber.HeaderAllow, strings.Join(allow, ", "))
		return clientError(fiber.StatusMethodNotAllowed, "This address does not answer "+c.Method()+"; it answers "+strings.Join(allow, ", ")+".")
	}
}

type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// declare exports the latency series of a route at zero before its first
// request: rate() and increase() count a request only from a series'
// second sample, so a series born with its first request would hide the
// first request of every route after each restart. The requests' counter
// by status is not declared (a route's statuses are not known ahead):
// its series start at a status's first request.
func (m *metrics) declare(method, route string) {
	m.duration.WithLabelValues(method, route)
}

func newMetrics(feed IndexFeed, docs *docsCache) *metrics {
	reg := prometheus.NewRegistry()
	m := &metrics{
		registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portico_http_requests_total",
			Help: "HTTP requests by method, route and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "portico_http_request_duration_seconds",
			Help:    "HTTP request latency by method and route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"method", "route"}),
	}
	reg.MustRegister(m.requests, m.duration, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "portico_docs_cache_hits_total", Help: "Views of a version's documentation served from the cache of rendered docs."},
			func() float64 { return float64(docs.hits.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "portico_docs_cache_misses_total", Help: "Versions' documentation read, parsed and rendered because the cache did not hold it."},
			func() float64 { return float64(docs.misses.Load()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "portico_docs_cache_bytes", Help: "Rendered documentation held by the cache (estimated bytes)."},
			func() float64 { _, n := docs.size(); return float64(n) }),
	)
	if feed != nil {
		reg.MustRegister(
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "portico_index_log_position", Help: "Last index log entry this instance's search index applied."},
				func() float64 { return float64(feed.Status().Position) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "portico_index_log_head", Help: "Newest index log entry when this instance last looked."},
				func() float64 { return float64(feed.Status().Head) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "portico_index_lag_seconds", Help: "How long ago the oldest index log entry this instance's search index has not applied was written."},
				func() float64 { return feed.Status().Lag.Seconds() }),
		)
	}
	return m
}
