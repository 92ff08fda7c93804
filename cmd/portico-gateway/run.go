package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/portico-dev/portico/cliconf"
	"github.com/portico-dev/portico/gateway/node"
	"github.com/portico-dev/portico/gateway/ratelimit"
	"github.com/portico-dev/portico/logbuf"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = ""

func buildVersion() string { return cliconf.Version(version) }

const usage = `Usage: portico-gateway --portal URL --token T [flags]
       portico-gateway version

Serves the APIs published in a Portico portal at /{api}/v{major}/…, with the
configuration the portal pushes to this node. Flags (or environment variables):
`

// shutdownGrace is how long requests in flight may take to finish after
// SIGTERM.
const shutdownGrace = 30 * time.Second

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return runNode(ctx, nil, args, getenv, stdout, stderr)
}

// runNode runs the node until ctx ends (the first SIGTERM or SIGINT), then
// drains for --shutdown-drain, or until again is closed (the second
// signal; nil: never), and stops.
func runNode(ctx context.Context, again <-chan struct{}, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "version" {
		fmt.Fprintln(stdout, "portico-gateway", buildVersion())
		return nil
	}
	var c config
	fs := flag.NewFlagSet("portico-gateway", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	c.register(fs, getenv)
	if err := cliconf.Parse(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		// Quoted without a URL's password (a Redis URL given without its flag).
		return fmt.Errorf("unexpected argument %q", cliconf.MaskURL(fs.Arg(0)))
	}
	fromEnv := func(err error) error { return cliconf.FromEnv(err, fs, getenv, c.envNames()) }
	if err := fromEnv(c.validate()); err != nil {
		return err
	}
	log := c.Log.Logger(stderr)
	// The certificate is read before anything starts: a pair that does
	// not load stops the node with the file at fault named.
	var cert *cliconf.Certificate
	if c.TLS.On() {
		var err error
		if cert, err = cliconf.LoadCertificate(c.TLS, log); err != nil {
			return fromEnv(err)
		}
	}
	// The data directory is this node's alone, for as long as it runs:
	// a second node started on it stops here, before it reads or writes
	// anything there.
	dataLock, err := node.LockDataDir(c.DataDir)
	if err != nil {
		return err
	}
	defer dataLock.Close()
	var access *node.AccessLog
	if c.AccessLog == "on" {
		lw := logbuf.New(stdout, time.Second)
		defer lw.Close()
		// One line per request whatever --log-level says: the level is for
		// the node's own events on standard error.
		access = node.NewAccessLog(lw, c.Log.Format == "json")
	}
	connect, response, _ := c.timeouts()
	usageEvery, _ := c.usageInterval()
	redisTimeout, _ := c.redisTimeout()
	conns, maxBody, _ := c.bounds()
	deny, _ := c.upstreamDeny()
	adminToken, _ := c.adminToken()
	reg := prometheus.NewRegistry()
	var limiter interface {
		node.Limiter
		Sweep(time.Time) int
	}
	if c.RedisURL == "" {
		limiter = ratelimit.NewLocal()
		log.Info("rate limits are per node; daily quotas count the other nodes from the portal's counts (no --redis-url)")
	} else {
		rl, err := ratelimit.NewRedis(ratelimit.RedisOptions{URL: c.RedisURL, Timeout: redisTimeout, Logger: log, Registerer: reg})
		if err != nil {
			return err
		}
		defer rl.Close()
		pctx, pcancel := context.WithTimeout(ctx, 2*time.Second)
		if err := rl.Ping(pctx); err != nil {
			log.Warn("Redis does not answer yet: limits are per node until it does", "redis", c.redisHost(), "err", err)
		} else {
			log.Info("rate limits and daily quotas are shared in Redis", "redis", c.redisHost())
		}
		pcancel()
		limiter = rl
	}
	n := node.New(node.Options{
		// The token as given may end with the newline of the file it was
		// read from (validate refuses only a blank one): sent with it, no
		// request would leave, or the portal would refuse it.
		Portal: c.Portal, Token: strings.TrimSpace(c.Token), DataDir: c.DataDir,
		Logger: log, AccessLog: access, Limiter: limiter,
		Agent:          "portico-gateway " + buildVersion(),
		ConnectTimeout: connect, ResponseTimeout: response,
		UsageInterval:  usageEvery,
		Registry:       reg,
		MaxConnections: conns, MaxRequestBody: maxBody,
		UpstreamDeny: deny, AdminToken: adminToken,
	})
	if err := n.LoadLastKnownGood(); err != nil {
		log.Error("last-known-good configuration not loaded: waiting for the portal", "err", err)
	}
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("listen on --addr: %w", err)
	}
	aln, err := net.Listen("tcp", c.AdminAddr)
	if err != nil {
		ln.Close()
		return fmt.Errorf("listen on --admin-addr: %w", err)
	}
	if cert != nil {
		// Only the data plane: the admin address (health, metrics) is
		// usually reached from inside, and stays plain. Without TLS the
		// listener is the bare one, the plain path unchanged.
		ln = cert.Listen(ln)
	}
	portal, _ := url.Parse(c.Portal)
	log.Info("portico-gateway started", "version", buildVersion(), "addr", ln.Addr().String(), "tls", cert != nil, "admin_addr", aln.Addr().String(),
		"portal", portal.Scheme+"://"+portal.Host, "data", c.DataDir, "ready", n.Ready(), "metrics_token", adminToken != "")

	// The servers and the workers (usage reports, the sync with the
	// portal) run until ctx ends: after the drain that the stop signal
	// begins, or at once on a failure.
	stopping := ctx
	ctx, cancel := context.WithCancel(context.WithoutCancel(stopping))
	defer cancel()
	var (
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	fail := func(what string, err error) {
		if err != nil && ctx.Err() == nil {
			errOnce.Do(func() { firstErr = fmt.Errorf("%s: %w", what, err) })
			cancel()
		}
	}
	// served is fail for a server: a deliberate stop whose grace ended
	// with connections still open cuts them (the process ends with them),
	// which is no failure (exit status 0, as `portico serve`), but is said.
	served := func(what string, err error) {
		if err != nil && ctx.Err() != nil && errors.Is(err, context.DeadlineExceeded) {
			log.Warn("shutdown grace ended: cutting the connections still open", "server", what)
		}
		fail(what, err)
	}
	wg.Add(5)
	go func() { defer wg.Done(); fail("usage", n.RunUsage(ctx)) }()
	go func() { defer wg.Done(); served("data plane", n.Serve(ctx, ln, shutdownGrace)) }()
	go func() { defer wg.Done(); served("admin", n.ServeAdmin(ctx, aln)) }()
	go func() { defer wg.Done(); fail("sync", n.RunSync(ctx)) }()
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Minute)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case now := <-t.C:
				limiter.Sweep(now)
			}
		}
	}()
	// firstErr is read only after wg.Wait: a worker may be setting it
	// until then.
	select {
	case <-stopping.Done():
		n.Drain()
		if drain, _ := cliconf.ShutdownDrain(c.ShutdownDrain); drain > 0 {
			cliconf.Drain(drain, again, ctx.Done(), "the node", log)
		}
		cancel()
		log.Info("shutting down: finishing requests in flight", "grace", shutdownGrace)
	case <-ctx.Done(): // a failure
	}
	wg.Wait()
	n.FlushUsage()
	if firstErr != nil {
		return firstErr
	}
	log.Info("stopped")
	return nil
}
