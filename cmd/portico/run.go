package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime/debug"
	"strings"
	"time"

	"github.com/portico-dev/portico/agent"
	"github.com/portico-dev/portico/auth"
	"github.com/portico-dev/portico/catalog"
	"github.com/portico-dev/portico/cliconf"
	"github.com/portico-dev/portico/cluster"
	"github.com/portico-dev/portico/handlers"
	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/logbuf"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/remind"
	"github.com/portico-dev/portico/search"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/subscriptions"
	usagesvc "github.com/portico-dev/portico/usage"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = ""

func buildVersion() string { return cliconf.Version(version) }

const usage = `Usage: portico [command] [flags]

Commands:
  serve                 run the portal (the default)
  migrate               apply database migrations and exit
  user create           create a user: --username NAME --password-stdin [--admin | --role ROLE]
                          [--display-name NAME] [--email ADDRESS]
  user reset-password   print a new one-time password for a user (shown once, valid 7 days): --username NAME
  token create          print a new personal access token: --username NAME [--name NAME] [--expires-days N]
  team create           create a team: --slug SLUG --name NAME [--description TEXT]
  team member           give a user a role in a team: --team SLUG --username NAME --role ROLE [--reviewer=true|false]
  gateway-node create   register a gateway node: --name NAME; prints its token (shown once) on standard output
  import                create or update draft versions from OpenAPI files, acting for --as USER:
                          --team T [--api SLUG] [--version X] [--name NAME] [--submit|--publish] --as USER FILE
                          --team T --dir DIR [--submit|--publish] --as USER   (every *.yaml, *.yml, *.json)
                        --publish skips review and is for org admins only (recorded as an import)
  api transfer          move an API to another team, acting for --as USER: --api SLUG --team SLUG --as USER
  app delete            remove an app, cancelling its subscriptions and revoking their keys at once,
                          acting for --as USER: --app SLUG --as USER
  reindex               rebuild the search index from the database
  backup                copy the SQLite database, while the server runs: --to FILE [--force]
                          (the search index is rebuilt from it; on PostgreSQL use pg_dump)
  restore               put a backup in place of the SQLite database, the portal stopped: --from FILE
                          (checked first; the previous database is kept; on PostgreSQL use pg_restore)
  demo                  fill an empty portal with demo teams, users, APIs and subscriptions:
                          [--samples DIR] [--synthetic N] [--subscriptions N]
  version               print the version
  help                  print this text (also -h, --help); COMMAND -h prints the flags of one command

Every command takes the same configuration flags (or environment variables):
`

// env bundles what a command reads and writes, so tests can run commands in-process.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// hasher is the password hasher; nil means the production one.
	hasher *auth.Hasher
	// ready, when set, receives the listening address once the server accepts connections.
	ready func(addr string)
	// logFlushEvery is how long the server's log lines may wait in its
	// buffer; zero means logFlushEvery.
	logFlushEvery time.Duration
	// again is closed by a second stop signal (the first ends the
	// context): serve skips the rest of its drain. Nil: never.
	again <-chan struct{}
}

// runEnv executes the command in args.
func runEnv(ctx context.Context, args []string, e env) error {
	err := dispatch(ctx, args, e)
	if errors.Is(err, flag.ErrHelp) {
		return nil // "portico COMMAND -h": the flag package printed the command's flags
	}
	return err
}

// commands lists every command, as the usage text names them.
var commands = []string{"serve", "migrate", "user create", "user reset-password", "token create", "team create", "team member", "gateway-node create", "import", "api transfer", "app delete", "reindex", "backup", "restore", "demo", "version", "help"}

func dispatch(ctx context.Context, args []string, e env) error {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		printUsage(e.stdout)
		return nil
	}
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
		if isGroup(cmd) {
			// "user -h" asks for the group's commands, as "COMMAND -h"
			// does for one command; "user" alone names none of them.
			if len(args) == 0 || strings.HasPrefix(args[0], "-") {
				if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
					printGroupUsage(e.stdout, cmd)
					return nil
				}
				printGroupUsage(e.stderr, cmd)
				return fmt.Errorf("%s needs a command: portico %s COMMAND [flags]", cmd, cmd)
			}
			cmd, args = cmd+" "+args[0], args[1:]
		}
	}
	switch cmd {
	case "serve":
		return cmdServe(ctx, args, e)
	case "migrate":
		return cmdMigrate(ctx, args, e)
	case "user create":
		return cmdUserCreate(ctx, args, e)
	case "user reset-password":
		return cmdUserResetPassword(ctx, args, e)
	case "token create":
		return cmdTokenCreate(ctx, args, e)
	case "team create":
		return cmdTeamCreate(ctx, args, e)
	case "team member":
		return cmdTeamMember(ctx, args, e)
	case "gateway-node create":
		return cmdGatewayNodeCreate(ctx, args, e)
	case "import":
		return cmdImport(ctx, args, e)
	case "api transfer":
		return cmdAPITransfer(ctx, args, e)
	case "app delete":
		return cmdAppDelete(ctx, args, e)
	case "reindex":
		return cmdReindex(ctx, args, e)
	case "backup":
		return cmdBackup(ctx, args, e)
	case "restore":
		return cmdRestore(ctx, args, e)
	case "demo":
		return cmdDemo(ctx, args, e)
	case "version":
		fmt.Fprintln(e.stdout, "portico", buildVersion())
		return nil
	case "help", "-h", "--help":
		printUsage(e.stdout)
		return nil
	}
	return fmt.Errorf("unknown command %q (run `portico help` for the commands)", cmd)
}

// isGroup says whether name is the first word of commands of two words
// ("user create").
func isGroup(name string) bool {
	for _, c := range commands {
		if strings.HasPrefix(c, name+" ") {
			return true
		}
	}
	return false
}

// printGroupUsage prints the lines of the usage text about a group's
// commands.
func printGroupUsage(w io.Writer, group string) {
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: portico %s COMMAND [flags]\n\nCommands:\n", group)
	in := false
	for _, line := range strings.Split(usage, "\n") {
		switch {
		case strings.HasPrefix(line, "  "+group+" "):
			in = true
		case !strings.HasPrefix(line, "    "):
			// Continuation lines are indented further than commands.
			in = false
		}
		if in {
			b.WriteString(line + "\n")
		}
	}
	fmt.Fprintf(&b, "\nportico %s COMMAND -h prints the flags of one command; portico help prints every command and the configuration flags.\n", group)
	fmt.Fprint(w, b.String())
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, usage)
	var c config
	fs := flag.NewFlagSet("portico", flag.ContinueOnError)
	c.register(fs, func(string) string { return "" })
	fs.SetOutput(w)
	fs.PrintDefaults()
}

// parse reads the shared configuration and the command's own flags.
func parse(name string, args []string, e env, extra func(fs *flag.FlagSet)) (*config, error) {
	var c config
	fs := flag.NewFlagSet("portico "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	c.register(fs, e.getenv)
	if extra != nil {
		extra(fs)
	}
	if err := cliconf.Parse(fs, args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		// Quoted without a URL's password: a database URL given without
		// its flag is the likely stray argument.
		return nil, fmt.Errorf("unexpected argument %q for %s", cliconf.MaskURL(fs.Arg(0)), name)
	}
	if err := c.check(fs, e.getenv); err != nil {
		return nil, err
	}
	return &c, nil
}

// openStore opens and migrates the database for command (as the usage
// names it).
func openStore(ctx context.Context, c *config, command string) (*store.Store, error) {
	s, err := openDatabase(ctx, c)
	if err != nil {
		return nil, err
	}
	if _, err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, refusedAsNewer(err, command)
	}
	return s, nil
}

// openDatabase opens the database c names. A --database-url naming a
// server of another kind (a web server, Redis) is refused under the
// setting's name, as it was given.
func openDatabase(ctx context.Context, c *config) (*store.Store, error) {
	s, err := store.Open(ctx, c.DatabaseURL, c.DataDir)
	var not *store.NotPostgreSQLError
	if errors.As(err, &not) {
		return nil, c.named(fmt.Errorf("--database-url: %w: give the address of the PostgreSQL server, postgres://USER:PASSWORD@HOST:PORT/DATABASE (see README, \"Configuration\")", not))
	}
	return s, err
}

// refusedAsNewer adds to a refusal of a database a newer Portico migrated
// (store.NewerDatabaseError) what command would have done with it; any
// other error is returned as it is.
func refusedAsNewer(err error, command string) error {
	var newer *store.NewerDatabaseError
	if !errors.As(err, &newer) {
		return err
	}
	var would string
	switch command {
	case "serve":
		would = "would serve a schema it does not know"
	case "migrate":
		would = "cannot take the database back: migrations only go forward (see README, \"Upgrading\")"
	case "reindex":
		would = "would index a schema it does not know"
	default:
		would = "would write to a schema it does not know"
	}
	return fmt.Errorf("%w; portico %s %s", err, command, would)
}

func (e env) passwordHasher() *auth.Hasher {
	if e.hasher != nil {
		return e.hasher
	}
	return auth.NewHasher()
}

func cmdMigrate(ctx context.Context, args []string, e env) error {
	c, err := parse("migrate", args, e, nil)
	if err != nil {
		return err
	}
	s, err := openDatabase(ctx, c)
	if err != nil {
		return err
	}
	defer s.Close()
	applied, err := s.Migrate(ctx)
	if err != nil {
		return refusedAsNewer(err, "migrate")
	}
	if len(applied) == 0 {
		fmt.Fprintln(e.stdout, "database is up to date")
		return nil
	}
	for _, name := range applied {
		fmt.Fprintln(e.stdout, "applied", name)
	}
	return nil
}

// logFlushEvery is how long a log line may wait in the buffer.
const logFlushEvery = 200 * time.Millisecond

// serveMemoryLimit is the soft memory limit of the server unless GOMEMLIMIT
// sets another.
const serveMemoryLimit = 384 << 20

func cmdServe(ctx context.Context, args []string, e env) error {
	c, err := parse("serve", args, e, nil)
	if err != nil {
		return err
	}
	// Request logs are buffered and written in batches, at most
	// logFlushEvery after they happen; everything buffered is written when
	// the server stops (this runs last).
	flushEvery := logFlushEvery
	if e.logFlushEvery > 0 {
		flushEvery = e.logFlushEvery
	}
	logOut := logbuf.New(e.stderr, flushEvery)
	defer logOut.Close()
	log := c.Log.Logger(logOut)
	// The certificate is read before anything starts: a pair that does
	// not load stops serve with the file at fault named.
	var cert *cliconf.Certificate
	if c.TLS.On() {
		if cert, err = cliconf.LoadCertificate(c.TLS, log); err != nil {
			return c.named(err)
		}
	}
	if e.getenv("GOMEMLIMIT") == "" {
		// A soft limit: the garbage collector works harder as the heap
		// nears it, so that bursts of large parses stay well under 512 MB.
		debug.SetMemoryLimit(serveMemoryLimit)
	}
	s, err := openStore(ctx, c, "serve")
	if err != nil {
		return err
	}
	defer s.Close()
	hasher := e.passwordHasher()
	enforcer, life, err := newLifecycle(ctx, s, c)
	if err != nil {
		return err
	}
	ppl := newPeople(s, enforcer, hasher)
	csrfKey, err := handlers.LoadCSRFKey(ctx, s)
	if err != nil {
		return err
	}
	idx, err := openSearch(c, func(what string) { log.Warn("search index repaired", "what", what) }, log)
	if errors.Is(err, search.ErrLocked) {
		// Another serve (or a command) has this data directory: most
		// often a second instance started with a copy of the first's
		// --data.
		return fmt.Errorf("the data directory %s is in use by another portico process (its search index %s is locked): each instance needs a data directory of its own (--data); if that process is stopping, start again once it has exited", c.DataDir, c.searchDir())
	}
	if err != nil {
		return err
	}
	defer idx.Close()

	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", c.Addr, err)
	}
	if cert != nil {
		ln = cert.Listen(ln)
	}
	defer ln.Close()
	// Join the instances sharing the database: from here every log line
	// says which instance wrote it.
	name := c.instanceName(ln.Addr())
	log = log.With("instance", name)
	member, err := cluster.Join(ctx, s, store.Instance{Name: name, Addr: ln.Addr().String(), Version: buildVersion(), Search: c.searchBackend()}, cluster.Options{Logger: log})
	if err != nil {
		return err
	}
	defer member.Leave(ctx) //nolint:errcheck // best effort: a run that is gone is found dead within seconds anyway
	maxLag, _ := c.indexMaxLag()
	feed := catalog.NewFeed(s, idx, catalog.FeedOptions{Shared: c.sharedFeedName(), Owner: member.RunID(), Logger: log, MaxLag: maxLag})
	log.Info("search", "backend", c.searchBackend())

	proxies, _ := c.trustedProxies()
	calls, _ := c.mcpCallsPerMinute()
	conns, _ := c.maxConnections()
	lifetime, idle, _ := c.sessionTimes() // validated
	gwURL, _ := c.publicGatewayURL()
	subs := subscriptions.New(s, enforcer, life, subscriptions.Options{})
	gw := handlers.NewGatewayParts(s, enforcer, log)
	mcpServer := agent.New(agent.Options{Store: s, Lifecycle: life, Search: idx, Subscriptions: subs, Logger: log, Version: buildVersion(), CallsPerMinute: calls,
		PublicGatewayURL: gwURL, Gateway: gw.Service})
	h := handlers.New(s, enforcer, handlers.Options{Logger: log, Hasher: hasher, Version: buildVersion(), Lifecycle: life, People: ppl, Search: idx, TrustedProxies: proxies, Agent: mcpServer,
		Subscriptions: subs, Instance: name, Index: feed, CSRFKey: csrfKey, MetricsToken: c.MetricsToken, Gateway: gw,
		MaxConnections: conns, SessionTTL: lifetime, SessionIdleTimeout: idle, PublicGatewayURL: gwURL})
	app := h.App()

	// The workers (outbox, schedulers, search, the gateway nodes' hub) and
	// the server run until work ends: after the drain that SIGTERM (ctx)
	// begins, or on a failure.
	work, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	if c.PprofAddr != "" {
		if err := servePprof(work, c.PprofAddr, log); err != nil {
			return err
		}
	}

	// The first admin is made once the start can no longer fail for its
	// configuration (the search index, the addresses, the instance's name):
	// a first start refused for one of them printed the one-time password
	// above its error, and the start that worked printed none.
	if err := firstStart(ctx, ppl, e.stdout); err != nil {
		return err
	}
	url := loginURL(ln.Addr(), cert != nil)
	fmt.Fprintf(e.stdout, "Portico %s is running on %s database: log in at %s\n", buildVersion(), s.Dialect(), url)
	log.Info("listening", "addr", ln.Addr().String(), "tls", cert != nil, "database", string(s.Dialect()), "data", c.DataDir, "run", member.RunID())
	if e.ready != nil {
		e.ready(ln.Addr().String())
	}

	errc := make(chan error, 2)
	go s.ListenWakeUps(work, log)
	go func() {
		if err := member.Run(work, func() int64 { return feed.Status().Position }); err != nil {
			errc <- err
		}
	}()
	go housekeeping(work, s, log)
	go retireAtSunset(work, life, log)
	go remindBeforeEnds(work, remind.New(s, log), log)
	go refreshTeamNameKeys(work, s, log)
	go applySynonyms(work, life.NewSynonymsApplier(idx), log)
	// Usage rollups: minutes to hours after 48 h, hours to days after 30
	// days, deleted after 400 days; concurrent instances wait for each other.
	go usagesvc.New(s, enforcer, usagesvc.Options{}).Run(work, 10*time.Minute, log.Error)
	startSearch(work, s, feed, gw.Source, member.RunID(), log)
	startGateway(work, s, gw, log)
	go func() { errc <- app.Listener(ln) }()
	fail := func(err error) error {
		stopWork()
		app.ShutdownWithTimeout(shutdownGrace) //nolint:errcheck // stopping on the error returned
		return err
	}
	select {
	case err := <-errc:
		return fail(err)
	case <-ctx.Done():
	}
	drain, _ := cliconf.ShutdownDrain(c.ShutdownDrain)
	h.Drain()
	if drain > 0 {
		if err, failed := cliconf.Drain(drain, e.again, errc, "the server", log); failed {
			return fail(err)
		}
	}
	stopWork()
	log.Info("shutting down")
	return stopServing(app.ShutdownWithTimeout, shutdownGrace, log)
}

// shutdownGrace is how long requests in flight may take to finish after
// SIGTERM.
const shutdownGrace = 10 * time.Second

// stopServing stops the server on a deliberate stop (SIGTERM) with
// shutdown (the app's ShutdownWithTimeout): it lets requests in flight
// finish for up to grace, then cuts the connections still open (the
// process ends with them) and says so. Either way the stop went as asked,
// so only a failure to stop is an error: the exit status is 0, as
// portico-gateway's.
func stopServing(shutdown func(time.Duration) error, grace time.Duration, log *slog.Logger) error {
	err := shutdown(grace)
	if errors.Is(err, context.DeadlineExceeded) {
		log.Warn("shutdown grace ended: cutting the connections still open", "grace", grace)
		return nil
	}
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// startGateway serves the gateway nodes: this instance's copy of the
// configuration follows the database's head (woken by any instance's
// change), the hub wakes the nodes' held requests when it moves, and a
// compile is requested once at start (the first version of a new portal,
// or whatever changed while no instance ran).
func startGateway(ctx context.Context, s *store.Store, gw *handlers.GatewayParts, log *slog.Logger) {
	if _, err := gw.Source.Sync(ctx); err != nil && !errors.Is(err, store.ErrNotFound) {
		log.Warn("gateway configuration not read at start", "err", err)
	}
	if err := gw.Source.RequestCompile(ctx); err != nil {
		log.Warn("gateway compile not requested at start", "err", err)
	}
	wake, _ := s.WakeUps(store.WakeGateway)
	go gw.Source.Follow(ctx, gw.Hub, wake)
	go gw.Hub.Run(ctx, time.Second)
}

func loginURL(addr net.Addr, tls bool) string {
	host, port, _ := net.SplitHostPort(addr.String())
	return hostLoginURL(host, port, tls)
}

// hostLoginURL is the login page of a portal listening on host and port,
// over TLS or not; a listener on every address is reached as localhost.
func hostLoginURL(host, port string, tls bool) string {
	if host == "" || host == "::" || host == "0.0.0.0" {
		host = "localhost"
	}
	scheme := "http://"
	if tls {
		scheme = "https://"
	}
	return scheme + net.JoinHostPort(host, port) + "/login"
}

// newLifecycle builds the permission enforcer and the lifecycle service that
// every command changing APIs uses, with the configured sunset notice.
func newLifecycle(ctx context.Context, s *store.Store, c *config) (*policy.Enforcer, *lifecycle.Service, error) {
	enforcer, err := policy.New(ctx, s)
	if err != nil {
		return nil, nil, err
	}
	notice, err := c.minSunsetNotice()
	if err != nil {
		return nil, nil, err
	}
	return enforcer, lifecycle.New(s, enforcer, lifecycle.Options{MinSunsetNotice: notice, SpecValidation: c.SpecValidation}), nil
}

// Housekeeping keeps the index log for a week (an index further behind is
// rebuilt), forgets instances not seen for a day and the used one-time
// form ids after a day (a form sent again later creates again), and keeps
// delivered outbox messages for a week (to look at what was delivered;
// nothing reads them). The store deletes each backlog 1,000 rows a
// statement.
const (
	indexLogKept      = 7 * 24 * time.Hour
	deadInstancesKept = 24 * time.Hour
	formIDsKept       = 24 * time.Hour
	deliveredKept     = 7 * 24 * time.Hour
)

// housekeeping removes expired sessions, old login failures, old index log
// entries, long-dead instances, old used form ids and old delivered outbox
// messages every hour. Every instance runs it; each step is a delete that
// any of them may do. The audit log is never pruned.
func housekeeping(ctx context.Context, s *store.Store, log interface{ Error(string, ...any) }) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if _, err := s.DeleteExpired(ctx, time.Now().Add(-24*time.Hour)); err != nil && ctx.Err() == nil {
			log.Error("housekeeping", "err", err)
		}
		if _, err := s.PruneIndexLog(ctx, indexLogKept); err != nil && ctx.Err() == nil {
			log.Error("housekeeping", "err", err)
		}
		if _, err := s.DeleteInstancesNotSeenSince(ctx, deadInstancesKept); err != nil && ctx.Err() == nil {
			log.Error("housekeeping", "err", err)
		}
		if _, err := s.PruneFormSubmissions(ctx, formIDsKept); err != nil && ctx.Err() == nil {
			log.Error("housekeeping", "err", err)
		}
		if _, err := s.PruneOutbox(ctx, deliveredKept, 0); err != nil && ctx.Err() == nil {
			log.Error("housekeeping", "err", err)
		}
		// A day's margin for an instance whose clock runs behind.
		if _, err := s.PruneReminders(ctx, time.Now().Add(-24*time.Hour)); err != nil && ctx.Err() == nil {
			log.Error("housekeeping", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// refreshTeamNameKeys computes again, every store.TeamNameKeysInterval, the
// lookalike keys of the teams an older instance created or renamed during a
// rolling upgrade (store.RefreshTeamNameKeys), so that their lookalike
// labels come right without waiting for the next start, and the sort keys
// of the teams, APIs, plans and apps it created or renamed
// (store.RefreshSortKeys), so that they take their place in lists. Every
// instance runs it; two runs at once set the same keys.
func refreshTeamNameKeys(ctx context.Context, s *store.Store, log *slog.Logger) {
	t := time.NewTicker(store.TeamNameKeysInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if n, err := s.RefreshTeamNameKeys(ctx); err != nil && ctx.Err() == nil {
			log.Error("refresh team name keys", "err", err)
		} else if n > 0 {
			log.Info("refreshed team name keys", "count", n)
		}
		if n, err := s.RefreshSortKeys(ctx); err != nil && ctx.Err() == nil {
			log.Error("refresh sort keys", "err", err)
		} else if n > 0 {
			log.Info("refreshed sort keys", "count", n)
		}
	}
}

// synonymsInterval is how often an instance checks the org's search synonyms: an admin's change applies on every
// instance within it.
const synonymsInterval = 3 * time.Second

// applySynonyms applies the org's search synonyms to the instance's index at once, then whenever they change.
func applySynonyms(ctx context.Context, a *lifecycle.SynonymsApplier, log *slog.Logger) {
	t := time.NewTicker(synonymsInterval)
	defer t.Stop()
	for {
		if changed, err := a.Apply(ctx); err != nil && ctx.Err() == nil {
			log.Error("apply search synonyms", "err", err)
		} else if changed {
			log.Info("search synonyms applied")
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// remindBeforeEnds sends the reminders due (a sunset, a key's expiry, a
// rotated key's grace end near), every minute. Every instance runs it: a
// reminder is recorded in the transaction of its notifications under a
// unique key, so one instance sends it, once (see package remind). Like
// the sunset, due is judged by the database's clock.
func remindBeforeEnds(ctx context.Context, r *remind.Service, log *slog.Logger) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		n, err := r.Due(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			// Each reminder that failed is logged already, with its
			// ids; the others were sent (see remind.Service.At).
			log.Error("send reminders", "sent", n, "failed", remind.Failures(err), "err", err)
		case n > 0:
			log.Info("sent reminders", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// retireAtSunset retires deprecated versions whose sunset has passed, every
// minute. Every instance runs it: a retirement is a transition under
// optimistic lock, so when several instances find the same version due, one
// retires it (with its audit record, outbox messages and notices, in its
// transaction) and the others' updates find it changed and skip it. Whether
// a sunset has passed is judged by the database's clock (see
// lifecycle.Service.RetireDue), not the instance's.
func retireAtSunset(ctx context.Context, life *lifecycle.Service, log *slog.Logger) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		n, err := life.RetireDue(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("retire at sunset", "retired", n, "err", err)
		case n > 0:
			log.Info("retired versions at their sunset", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
