// Package node is the runtime of a portico-gateway node: it keeps the
// configuration pushed by the portal (verified, swapped in atomically,
// persisted as last-known-good), serves the data plane with it, and reports
// what it applied.
package node

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/valyala/fasthttp"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/ratelimit"
	"github.com/portico-dev/portico/reqid"
)

// Limiter decides whether a subscription may send one more request. The
// node's own buckets (ratelimit.Local) are the default; a limiter shared
// across nodes implements the same method.
type Limiter interface {
	Allow(ctx context.Context, key string, limit ratelimit.Limit, now time.Time) (ratelimit.Decision, error)
}

// Options configure a node. Zero values take the defaults.
type Options struct {
	// Portal is the portal's base URL, e.g. https://portal.example.com.
	Portal string
	// Token is the node's token, sent as a bearer token to the portal only.
	Token string
	// DataDir holds the last-known-good configuration.
	DataDir string
	// Logger receives the node's events; AccessLog one line per request
	// (none when nil).
	Logger    *slog.Logger
	AccessLog *AccessLog
	Limiter   Limiter
	Limits    gateway.Limits
	// Agent names the software to the portal.
	Agent string
	// ConnectTimeout and ResponseTimeout apply to routes that set none.
	ConnectTimeout  time.Duration
	ResponseTimeout time.Duration
	// MaxRequestBody and MaxResponseBody bound bodies (bytes).
	MaxRequestBody  int
	MaxResponseBody int
	// MaxConnections bounds the clients' connections served at once (default
	// 10,000); one more is answered 503 and closed. With the bodies' bounds
	// it bounds the data plane's memory.
	MaxConnections int
	// Wait is how long a sync request waits for a change.
	Wait time.Duration
	// Registry receives the node's metrics.
	Registry *prometheus.Registry
	// HTTPClient talks to the portal.
	HTTPClient *http.Client
	// UsageInterval is how often usage is spooled and sent (default 10 s);
	// UsageSpoolBytes bounds the spool on disk (default 64 MiB).
	UsageInterval   time.Duration
	UsageSpoolBytes int64
	// UpstreamDeny are the addresses the node never forwards to, whatever
	// a route's targets say (team maintainers set them): a target whose
	// host resolves only to these is answered 502 without a connection.
	// nil means DefaultUpstreamDeny (the link-local ranges of the clouds'
	// instance metadata); an empty list denies nothing. The node's own
	// admin listener is refused in any case.
	UpstreamDeny []netip.Prefix
	// AdminToken, when set, is required as Authorization: Bearer on the
	// admin address's /metrics; /healthz and /readyz stay open.
	AdminToken string
}

func (o *Options) defaults() {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Limiter == nil {
		o.Limiter = ratelimit.NewLocal()
	}
	if o.Limits.MaxBytes == 0 {
		o.Limits = gateway.DefaultLimits
	}
	if o.Agent == "" {
		o.Agent = "portico-gateway"
	}
	if o.ConnectTimeout == 0 {
		o.ConnectTimeout = 5 * time.Second
	}
	if o.ResponseTimeout == 0 {
		o.ResponseTimeout = 60 * time.Second
	}
	if o.MaxRequestBody == 0 {
		o.MaxRequestBody = 16 << 20
	}
	if o.MaxResponseBody == 0 {
		o.MaxResponseBody = 64 << 20
	}
	if o.MaxConnections == 0 {
		o.MaxConnections = 10000
	}
	if o.Wait == 0 {
		o.Wait = 25 * time.Second
	}
	if o.Registry == nil {
		o.Registry = prometheus.NewRegistry()
	}
	if o.UsageInterval <= 0 {
		o.UsageInterval = 10 * time.Second
	}
	if o.UsageSpoolBytes <= 0 {
		o.UsageSpoolBytes = 64 << 20
	}
	if o.UpstreamDeny == nil {
		o.UpstreamDeny = DefaultUpstreamDeny()
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: o.Wait + 60*time.Second}
	}
}

// Node is one gateway node.
type Node struct {
	opts    Options
	cfg     atomic.Pointer[config]
	metrics *metrics
	reqIDs  *reqid.Source
	// usage counts the requests of known keys for the usage reports.
	usage        *usageRecorder
	usageMetrics *usageMetrics
	usageSpool   atomic.Pointer[spool]
	usageSpoolMu sync.Mutex // one writer of the spool at a time
	// quota splits the portal's quota counts into this node's and the
	// others' (quotas.go), or gives them to a limiter that counts across
	// nodes itself as a floor; nil when the limiter takes no counts.
	quota  *quotaShare
	sharer quotaSharer

	// applyMu serialises applies; persistErr is the last failure to write the
	// last-known-good configuration (reported to the portal), under applyMu,
	// as is lkg.
	applyMu    sync.Mutex
	persistErr error
	lkg        lkg
	upstreams  map[string]*upstream
	// draining is set by Drain: the node is stopping (admin.go).
	draining atomic.Bool
	// adminAddr is the admin listener's address once ServeAdmin runs: no
	// upstream connection may reach it.
	adminAddr atomic.Pointer[netip.AddrPort]
	// reportSession and reportSeq number the sync requests (see
	// gateway.ReportHeader): a session drawn at New, a count in it.
	reportSession string
	reportSeq     atomic.Uint64
}

// New returns a node with no configuration; Start loads the last-known-good.
func New(opts Options) *Node {
	opts.defaults()
	n := &Node{opts: opts, upstreams: map[string]*upstream{}, lkg: lkg{dir: opts.DataDir}}
	n.metrics = newMetrics(opts.Registry, n)
	n.usage = newUsageRecorder()
	n.usageMetrics = newUsageMetrics(opts.Registry)
	if l, ok := opts.Limiter.(quotaSharer); ok {
		n.quota, n.sharer = newQuotaShare(), l
	} else if l, ok := opts.Limiter.(quotaFloorer); ok {
		n.quota = newQuotaShare()
		n.quota.floor = l
	}
	n.reqIDs = reqid.New()
	var session [8]byte
	rand.Read(session[:]) // never fails (crypto/rand panics instead)
	n.reportSession = hex.EncodeToString(session[:])
	return n
}

// Current returns the configuration being served, or nil before the first.
func (n *Node) Current() *gateway.State {
	if c := n.cfg.Load(); c != nil {
		return c.state
	}
	return nil
}

// Ready reports whether the node serves a configuration.
func (n *Node) Ready() bool { return n.cfg.Load() != nil }

// LoadLastKnownGood installs the configuration saved in the data directory
// (the snapshot and the journal of deltas after it), so the node serves at
// once, also while the portal is down. A missing file is not an error; a
// corrupt snapshot is reported and left for the portal to replace.
func (n *Node) LoadLastKnownGood() error {
	n.applyMu.Lock()
	defer n.applyMu.Unlock()
	removed, err := n.lkg.removeLeftovers()
	if len(removed) > 0 {
		n.opts.Logger.Warn("removed the temporary files of a last-known-good write cut short (the node stopped while it wrote)", "data", n.opts.DataDir, "files", removed)
	}
	if err != nil {
		// Not fatal: they take room, nothing reads them.
		n.opts.Logger.Warn("temporary files of a last-known-good write cut short not removed", "data", n.opts.DataDir, "err", err)
	}
	st, skipped, cutErr, err := n.lkg.load(n.opts.Limits)
	if errors.Is(err, errNoLKG) {
		n.opts.Logger.Info("no last-known-good configuration yet: waiting for the portal", "data", n.opts.DataDir)
		return nil
	}
	if err != nil {
		return fmt.Errorf("last-known-good: %w", err)
	}
	if skipped > 0 {
		n.opts.Logger.Warn("last-known-good journal: lines that do not follow were dropped (a write cut short by a crash, before its ack)", "dropped", skipped)
	}
	if cutErr != nil {
		n.opts.Logger.Warn("last-known-good journal not cut (served all the same; the next configuration applied writes the whole snapshot)", "err", cutErr)
	}
	n.swap(st)
	r, p, k := st.Counts()
	n.opts.Logger.Info("serving the last-known-good configuration", "version", st.Version(), "hash", st.Hash(), "routes", r, "plans", p, "keys", k,
		"journal", len(n.lkg.records))
	return nil
}

// Install verifies nothing more (st is already a verified state), swaps it in
// for new requests (requests in flight finish with the configuration they
// started with) and then saves it as last-known-good. A failure to save is
// returned but the new configuration stays in service: it is what the portal
// wants, and the next apply tries to save again.
func (n *Node) Install(st *gateway.State) error { return n.install(st, nil) }

// install is Install of st, which d made of the state being served (nil:
// a full state). When the data directory holds the state d applies to, d is
// appended to the journal instead of writing the whole snapshot.
func (n *Node) install(st *gateway.State, d *gateway.Delta) error {
	n.applyMu.Lock()
	defer n.applyMu.Unlock()
	n.swap(st)
	start := time.Now()
	var err error
	if d != nil && n.lkg.disk == (gateway.Head{Version: d.BaseVersion, Hash: d.BaseHash}) {
		err = n.lkg.appendDelta(d, st)
	} else {
		err = n.lkg.saveFull(st)
	}
	n.persistErr = err
	if err != nil {
		n.opts.Logger.Error("last-known-good not written", "version", st.Version(), "err", err)
		return fmt.Errorf("last-known-good not written: %w", err)
	}
	if n.lkg.needsCompaction() {
		n.lkg.compacting = true
		go n.compact(st, n.lkg.generation)
	}
	n.opts.Logger.Debug("last-known-good written", "version", st.Version(), "delta", d != nil, "duration", time.Since(start))
	return nil
}

// swap builds the runtime configuration for st and publishes it; applyMu held.
func (n *Node) swap(st *gateway.State) {
	c := n.build(st)
	n.cfg.Store(c)
	n.metrics.applied(st)
}

// persistError is the last failure to write the last-known-good file.
func (n *Node) persistError() error {
	n.applyMu.Lock()
	defer n.applyMu.Unlock()
	return n.persistErr
}

// Serve runs the data plane on ln until ctx ends, then stops accepting,
// lets requests in flight finish (within grace) and returns.
func (n *Node) Serve(ctx context.Context, ln net.Listener, grace time.Duration) error {
	srv := n.server()
	return serveUntil(ctx, grace, ln, func() error { return srv.Serve(bareLFListener{ln}) }, srv.ShutdownWithContext)
}

// The admin server's bounds on a request's reading (headers and body) and
// on a connection's idle time between requests (variables for the tests).
var adminReadTimeout, adminIdleTimeout = 10 * time.Second, 90 * time.Second

// ServeAdmin runs /healthz, /readyz and /metrics on ln until ctx ends.
func (n *Node) ServeAdmin(ctx context.Context, ln net.Listener) error {
	if a, ok := ln.Addr().(*net.TCPAddr); ok {
		ap := a.AddrPort()
		n.adminAddr.Store(&ap)
	}
	srv := &http.Server{Handler: n.AdminHandler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: adminReadTimeout,
		WriteTimeout: 60 * time.Second, IdleTimeout: adminIdleTimeout, MaxHeaderBytes: 16 << 10}
	return serveUntil(ctx, 5*time.Second, ln, func() error { return srv.Serve(ln) }, srv.Shutdown)
}

// serveUntil runs serve until ctx ends, then shutdown within grace. It
// closes ln too: fasthttp's server knows its listener only once its Serve
// runs, so a shutdown that came first closed nothing and Serve accepted on
// ln for ever; a closed listener ends it (fasthttp's Serve then returns
// nil, net/http's ErrServerClosed).
func serveUntil(ctx context.Context, grace time.Duration, ln net.Listener, serve func() error, shutdown func(context.Context) error) error {
	errc := make(chan error, 1)
	go func() { errc <- serve() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := shutdown(sctx)
	ln.Close() //nolint:errcheck // closed already when serve had begun
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) && !errors.Is(serr, net.ErrClosed) {
		return serr
	}
	return err
}

// server is the data plane's HTTP server.
func (n *Node) server() *fasthttp.Server {
	return &fasthttp.Server{
		Handler:                       n.handle,
		Name:                          "",
		NoDefaultServerHeader:         true,
		NoDefaultContentType:          true,
		DisableHeaderNamesNormalizing: false,
		ReadBufferSize:                16 << 10,
		MaxRequestBodySize:            n.preBodyLimit(),
		HeaderReceived:                n.bodyAllowance,
		ExpectHandler:                 n.expectContinue,
		Concurrency:                   n.opts.MaxConnections,
		ReadTimeout:                   60 * time.Second,
		WriteTimeout:                  n.opts.ResponseTimeout + 60*time.Second,
		IdleTimeout:                   90 * time.Second,
		DisablePreParseMultipartForm:  true,
		CloseOnShutdown:               true,
		// fasthttp's own messages quote the request they could not read
		// (its header block, a key among them): never written as they are.
		SecureErrorLogMessage: true,
		Logger:                serverLogger{n.opts.Logger},
		ErrorHandler: func(ctx *fasthttp.RequestCtx, err error) {
			if errors.Is(err, fasthttp.ErrBodyTooLarge) && ctx.Request.Header.ContentLength() > 0 {
				n.refuseUnread(ctx)
				return
			}
			if errors.Is(err, fasthttp.ErrBodyTooLarge) {
				// A chunked body read past its limit: fasthttp has reset
				// the request, whose route and key are no longer known.
				reqID := n.reqIDs.Next()
				ctx.Response.Header.Set(headerRequestID, reqID)
				writeProblem(ctx, fasthttp.StatusRequestEntityTooLarge, fmt.Sprintf("the request body is larger than the node reads: %d bytes with a valid key for the route, %d without", n.opts.MaxRequestBody, n.preBodyLimit()), reqID, nil)
				return
			}
			status, detail := fasthttp.StatusBadRequest, "the request could not be read"
			if smallBuffer := (*fasthttp.ErrSmallBuffer)(nil); errors.As(err, &smallBuffer) || errors.Is(err, fasthttp.ErrSmallReadBuffer) {
				// ErrSmallBuffer, which the server returns, does not unwrap
				// to ErrSmallReadBuffer.
				status, detail = fasthttp.StatusRequestHeaderFieldsTooLarge, "the request headers are larger than 16 KiB"
			} else if errors.Is(err, errBareLFBlock) {
				detail = "the request's header section must end with CRLF CRLF, not with a blank line of bare LFs (RFC 9112 2.2)"
			}
			reqID := n.reqIDs.Next()
			ctx.Response.Header.Set(headerRequestID, reqID)
			writeProblem(ctx, status, detail, reqID, nil)
		},
	}
}

// serverLogger receives the data-plane server's own messages. A connection
// that ended on an error is noted at debug level without the error, whose
// text may quote the request (a malformed X-API-Key's value, or the whole
// header block); the server's other messages (too many connections, accept
// errors) say nothing of a request and are logged as warnings.
type serverLogger struct{ l *slog.Logger }

func (s serverLogger) Printf(format string, args ...any) {
	if strings.HasPrefix(format, "error when serving connection") {
		s.l.Debug("a data-plane connection ended on a request that could not be read (details withheld: they may quote the request)")
		return
	}
	s.l.Warn("data-plane server", "detail", fmt.Sprintf(format, args...))
}
