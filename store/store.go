// Package store is Portico's persistence layer: one concrete Store over a
// *bun.DB, on SQLite (the embedded default) or PostgreSQL.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"github.com/uptrace/bun/driver/pgdriver"
	"github.com/uptrace/bun/migrate"
	_ "modernc.org/sqlite" // pure-Go SQLite driver, registered as "sqlite"

	"github.com/portico-dev/portico/migrations"
)

// Dialect names the database engine behind a Store.
type Dialect string

// Supported dialects.
const (
	SQLite     Dialect = "sqlite"
	PostgreSQL Dialect = "postgres"
)

// Store gives access to Portico's data.
type Store struct {
	db      *bun.DB
	dialect Dialect
	now     func() time.Time
	// schema is the PostgreSQL schema the store works in (empty on SQLite).
	schema string
	// sqlitePath is the SQLite database file ("" on PostgreSQL).
	sqlitePath string
	// pgURL is the PostgreSQL database URL ("" on SQLite), for the
	// migrations' sessions (migrationDB).
	pgURL string
	// migrationHooks are query hooks of the migrations' database (tests).
	migrationHooks []bun.QueryHook
	wake           *wakeHub
	// auth caches sessions, tokens, memberships and the policy version
	// (authcache.go).
	auth *authCache
	// prepared holds the hot reads' statements on SQLite (prepared.go).
	prepared preparedStmts
	// hooks are the query hooks added with AddQueryHook (prepared.go).
	hooks *queryHooks
}

// fullDiskBytes is the free space below which a failed SQLite open is
// reported as a full disk.
const fullDiskBytes = 1 << 20

// Now is the time as the database keeps it: UTC, to the microsecond (a
// PostgreSQL timestamptz's precision, and that of the format bun writes
// SQLite times in). The store's clock, and the services' unless given
// another, so that the times an answer gives for what was just written
// (created_at, updated_at, decided_at …) are those that reading it back
// gives, not nanoseconds the database drops.
func Now() time.Time { return Stored(time.Now()) }

// Stored is t as the database keeps it: UTC, to the microsecond. A time
// taken from outside (a sunset sent with nanoseconds) goes through it where
// it comes in, so that the answer to the write gives the time a later read
// gives.
func Stored(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// Open connects to the database named by databaseURL. An empty URL selects
// SQLite in dataDir/portico.db; a postgres:// or postgresql:// URL selects
// PostgreSQL. Open does not migrate: call Migrate.
func Open(ctx context.Context, databaseURL, dataDir string) (*Store, error) {
	var (
		db         *bun.DB
		dialect    Dialect
		sqlitePath string
		pgURL      string
	)
	switch {
	case databaseURL == "" || strings.HasPrefix(databaseURL, "sqlite:") || strings.HasPrefix(databaseURL, "file:"):
		path, _ := SQLiteFile(databaseURL, dataDir)
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, fmt.Errorf("create database directory: %w", err)
		}
		sqlitePath = path
		sqldb, err := sql.Open("sqlite", sqliteDSN(path))
		if err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", path, err)
		}
		// WAL allows readers alongside one writer; writers wait on the busy timeout.
		sqldb.SetMaxOpenConns(8)
		// Keep them open: database/sql keeps two idle by default, so under
		// load the others were closed and reopened (pragmas and all) per query.
		sqldb.SetMaxIdleConns(8)
		db = bun.NewDB(sqldb, sqlitedialect.New(), bun.WithDiscardUnknownColumns())
		dialect = SQLite
	case strings.HasPrefix(databaseURL, "postgres://") || strings.HasPrefix(databaseURL, "postgresql://"):
		if _, err := url.Parse(databaseURL); err != nil {
			return nil, badURL(err)
		}
		connector, err := pgConnector(databaseURL, statementTimeout, probeAnswers)
		if err != nil {
			return nil, err
		}
		pgURL = databaseURL
		sqldb := sql.OpenDB(unavailableConnector{connector})
		sqldb.SetMaxOpenConns(20)
		sqldb.SetMaxIdleConns(20) // a new connection is a TCP and authentication round trip
		db = bun.NewDB(sqldb, pgdialect.New(), bun.WithDiscardUnknownColumns())
		dialect = PostgreSQL
	default:
		return nil, fmt.Errorf("unsupported database url %q: use postgres://… or leave it empty for SQLite", redactURL(databaseURL))
	}
	// Both databases discard a column the row's type does not know: during
	// a rolling upgrade a newer instance's migration adds columns while this
	// one still serves, and a read selecting a table's every column ("t.*")
	// must not fail on them.
	// Every query tells a request's context whether something committed
	// (MarkCommits).
	// Hooks added with AddQueryHook run for bun's queries through hooks,
	// for queryHot's prepared reads through queryHot.
	hooks := &queryHooks{}
	db = db.WithQueryHook(commitHook{}).WithQueryHook(hooks)
	s := &Store{db: db, dialect: dialect, now: Now, wake: newWakeHub(), auth: newAuthCache(), hooks: hooks}
	s.sqlitePath, s.pgURL = sqlitePath, pgURL
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	// The first connection's answer tells a server of another kind at
	// the URL's address (a web server, Redis) from PostgreSQL.
	probe := &answerProbe{}
	if err := db.PingContext(context.WithValue(pingCtx, answerProbeKey{}, probe)); err != nil {
		db.Close()
		if pgURL != "" {
			if u, perr := url.Parse(pgURL); perr == nil {
				if not := probe.notPostgreSQL(u.Host, err); not != nil {
					return nil, fmt.Errorf("connect to %s database: %w", dialect, not)
				}
				if probe.refusedTLS(err) {
					return nil, fmt.Errorf("connect to %s database: %w", dialect, &NoTLSError{Addr: u.Host, SSLMode: u.Query().Get("sslmode"), Err: err})
				}
			}
		}
		if sqlitePath != "" {
			// SQLite says "disk I/O error" when the disk is full at open.
			dir := filepath.Dir(sqlitePath)
			if free, ok := freeBytes(dir); ok && free < fullDiskBytes {
				return nil, fmt.Errorf("connect to %s database: %w: no space left on the file system of %s (%d bytes free): free some and start again", dialect, err, dir, free)
			}
		}
		return nil, fmt.Errorf("connect to %s database: %w", dialect, err)
	}
	if dialect == PostgreSQL {
		var num int
		var version string
		if err := db.NewRaw("SELECT current_schema(), current_setting('server_version_num')::int, current_setting('server_version')").
			Scan(pingCtx, &s.schema, &num, &version); err != nil {
			db.Close()
			return nil, fmt.Errorf("read the current schema: %w", err)
		}
		if err := checkServerVersion(num, version); err != nil {
			db.Close()
			return nil, err
		}
	}
	return s, nil
}

// MinPostgreSQL is the oldest PostgreSQL the migrations run on, as
// server_version_num: 13 brought pg_current_xact_id and pg_current_snapshot,
// which number the quota counts' writes.
const MinPostgreSQL = 130000

// checkServerVersion refuses a PostgreSQL older than MinPostgreSQL (num is
// its server_version_num, version its server_version), before a migration
// fails on a function it lacks.
func checkServerVersion(num int, version string) error {
	if num >= MinPostgreSQL {
		return nil
	}
	return fmt.Errorf("PostgreSQL %d or later is needed, and this server is PostgreSQL %q: upgrade it, or use another server", MinPostgreSQL/10000, version)
}

// SQLiteFile returns the SQLite database file that Open opens for
// databaseURL and dataDir; ok is false when the URL names PostgreSQL.
func SQLiteFile(databaseURL, dataDir string) (path string, ok bool) {
	if databaseURL == "" {
		return filepath.Join(dataDir, "portico.db"), true
	}
	if !strings.HasPrefix(databaseURL, "sqlite:") && !strings.HasPrefix(databaseURL, "file:") {
		return "", false
	}
	path = strings.TrimPrefix(strings.TrimPrefix(databaseURL, "sqlite:"), "file:")
	return strings.TrimPrefix(path, "//"), true
}

func sqliteDSN(path string) string {
	v := url.Values{}
	v.Add("_pragma", "journal_mode(WAL)")
	v.Add("_pragma", "busy_timeout(10000)")
	v.Add("_pragma", "foreign_keys(1)")
	v.Add("_pragma", "synchronous(NORMAL)")
	v.Set("_txlock", "immediate")
	v.Set("_time_format", "sqlite")
	return "file:" + path + "?" + v.Encode()
}

// CheckURL says why a PostgreSQL database URL cannot be used, as Open
// would, without connecting: one that does not parse, or holds options
// the driver refuses. The message starts "invalid database url: " and
// never quotes the password. Other URLs are not checked (nil).
func CheckURL(databaseURL string) error {
	if !strings.HasPrefix(databaseURL, "postgres://") && !strings.HasPrefix(databaseURL, "postgresql://") {
		return nil
	}
	if _, err := url.Parse(databaseURL); err != nil {
		return badURL(err)
	}
	_, err := pgConnector(databaseURL, statementTimeout)
	return err
}

// badURL says why a database URL cannot be parsed without quoting it: the
// url package's error holds the whole URL, password included, and an
// invalid escape is most often a percent sign in the password.
func badURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var esc url.EscapeError
	if errors.As(err, &esc) {
		return errors.New("invalid database url: an invalid percent-escape; percent-encode the reserved characters (% @ : / ? #) of the user name and password")
	}
	// The parser quotes what it could not take, and that may be the
	// password: one holding a "#", "/" or "?" ends the host part there,
	// and "user:passw" is then refused as `invalid port ":passw"`.
	if strings.ContainsAny(err.Error(), "\"'`") {
		return errors.New("invalid database url: use postgres://user:password@host:5432/db and percent-encode the reserved characters (% @ : / ? #) of the user name and password")
	}
	return fmt.Errorf("invalid database url: %w", err)
}

// pgConnector returns the driver's connector for a parsed PostgreSQL URL.
// The driver panics on options it cannot use (an unknown sslmode, a
// duration that is not one, a root certificate it cannot read): that is
// an error of the configuration, returned in one line, without the
// password should the driver's message quote it.
//
// The driver's messages quote the URL or an option's value (decoded), so
// the URL is replaced by its redacted form, and the password only where it
// stands whole, as a value typed where the password was meant: taking out
// every occurrence of a short password ("e") garbled every word holding it.
//
// Sessions use the time zone UTC (see utcSessions) unless the URL names
// one (timezone=…), and a lock_timeout below the read timeout (see
// lockTimeout); opts come after.
func pgConnector(databaseURL string, opts ...pgdriver.Option) (c *pgdriver.Connector, err error) {
	defer func() {
		if p := recover(); p != nil {
			msg := strings.ReplaceAll(fmt.Sprint(p), databaseURL, redactURL(databaseURL))
			if u, perr := url.Parse(databaseURL); perr == nil {
				if pw, ok := u.User.Password(); ok && pw != "" {
					msg = replaceWhole(msg, pw, "xxxxx")
				}
			}
			c, err = nil, fmt.Errorf("invalid database url: %s", strings.Join(strings.Fields(msg), " "))
		}
	}()
	return pgdriver.NewConnector(append([]pgdriver.Option{pgdriver.WithDSN(databaseURL), utcSessions, lockTimeout, pgdriver.WithResetSessionFunc(dropClosed), recordDials}, opts...)...), nil
}

// dropClosed is called before a pooled connection is used again: one whose
// backend PostgreSQL ended meanwhile (pg_terminate_backend, a restart or
// failover, a proxy's idle timeout) is dropped and the query takes another
// or a new one. Without it, the driver sent the query on the dead
// connection and returned the server's FATAL "terminating connection due
// to administrator command": after each such event, every idle connection
// of every instance failed one request (a 500) before the pool noticed.
func dropClosed(_ context.Context, cn *pgdriver.Conn) error {
	if connClosedByServer(cn.Conn()) {
		return errConnClosed
	}
	return nil
}

// utcSessions sets the session parameter TimeZone to UTC unless the URL's
// parameters (which the driver SETs on each connection) name a time zone.
// PostgreSQL gives timestamptz values in the session's time zone, the
// server's or database's default: with America/New_York, a sunset stored
// as 2027-02-04T00:00Z came back as 2027-02-03T19:00-05:00, and JSON
// answers and dates shown without .UTC() carried that offset and day,
// where SQLite gives UTC.
func utcSessions(conf *pgdriver.Config) {
	for k := range conf.ConnParams {
		if strings.EqualFold(k, "timezone") {
			return
		}
	}
	params := make(map[string]any, len(conf.ConnParams)+1)
	for k, v := range conf.ConnParams {
		params[k] = v
	}
	params["timezone"] = "UTC"
	conf.ConnParams = params
}

// replaceWhole replaces the occurrences of old in s that are not part of a
// longer word: neither the byte before nor the one after is a letter or a
// digit.
func replaceWhole(s, old, repl string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, old)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := i + len(old)
		if (i == 0 || !isWordByte(s[i-1])) && (end == len(s) || !isWordByte(s[end])) {
			b.WriteString(s[:i])
			b.WriteString(repl)
			s = s[end:]
			continue
		}
		// Not whole here: keep the first byte and look again after it,
		// for an occurrence that overlaps this one.
		b.WriteString(s[:i+1])
		s = s[i+1:]
	}
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// redactURL hides a password in a database URL before it is shown.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable url)"
	}
	return u.Redacted()
}

// Dialect reports which database engine the store runs on.
func (s *Store) Dialect() Dialect { return s.dialect }

// DB returns the underlying bun database, for code that composes queries
// inside a transaction. A query hook goes on the store (AddQueryHook), not
// on it: bun does not run its hooks for the reads that the store runs
// through prepared statements.
func (s *Store) DB() *bun.DB { return s.db }

// Close closes the database.
func (s *Store) Close() error {
	s.prepared.close()
	return s.db.Close()
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// RunInTx runs fn in a transaction, committing when it returns nil. What
// the transaction asked to do after its commit (wake-ups, see Wake) runs
// once it has committed. Under Once, fn runs in a savepoint of Once's
// transaction instead (once.go), and what it asked to do after its commit
// waits for that transaction's.
func (s *Store) RunInTx(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) error) error {
	if o, ok := ctx.Value(onceTxKey{}).(*onceTx); ok {
		return o.runInTx(ctx, s, fn)
	}
	hooks := &txHooks{}
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		hooks.tx = tx
		return fn(context.WithValue(ctx, txHooksKey{}, hooks), tx)
	})
	if err != nil {
		return translate(err)
	}
	for _, f := range hooks.fns {
		f()
	}
	return nil
}

// Migrate applies pending migrations under the migration lock and returns
// the names of the migrations it applied.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	ms, err := migrations.New()
	if err != nil {
		return nil, err
	}
	data := migrations.SQLite()
	if s.dialect == PostgreSQL {
		data = migrations.PostgreSQL()
	}
	mdb, done, err := s.migrationDB()
	if err != nil {
		return nil, err
	}
	defer done()
	m := migrate.NewMigrator(mdb, ms, migrate.WithTemplateData(data), migrate.WithMarkAppliedOnSuccess(true))
	// The lock is the database's (PostgreSQL) or the file system's
	// (SQLite), not bun's lock table: a row in that table outlives a
	// process killed while it migrates, and every later start would wait
	// on it in vain.
	unlock, err := s.lockMigrations(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := initWithRetry(ctx, m); err != nil {
		return nil, fmt.Errorf("init migrations: %w", err)
	}
	all, err := m.MigrationsWithStatus(ctx)
	if err != nil {
		return nil, fmt.Errorf("apply migrations: %w", err)
	}
	// A database a newer Portico migrated is refused: this binary does not
	// know what its migrations changed (see README, "Upgrading").
	if sorted := ms.Sorted(); len(sorted) > 0 {
		var last sql.NullString
		if err := mdb.NewRaw("SELECT MAX(name) FROM bun_migrations").Scan(ctx, &last); err != nil {
			return nil, fmt.Errorf("read the last migration: %w", translate(err))
		}
		if binary := sorted[len(sorted)-1].Name; last.Valid && last.String > binary {
			return nil, &NewerDatabaseError{Database: last.String, Binary: binary}
		}
	}
	group := all.LastGroupID() + 1
	var names []string
	for _, mg := range all.Unapplied() {
		// A signal stops the migrations between two of them, never
		// between a migration's commit and its record: applied but not
		// recorded, it would be applied again by every later start, which
		// would fail on the tables it created.
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("apply migrations: %w", err)
		}
		whole := context.WithoutCancel(ctx)
		mg.GroupID = group
		if mg.Up != nil {
			if err := mg.Up(whole, m, &mg); err != nil {
				return nil, fmt.Errorf("apply migrations: %s: up: %w", mg.Name, err)
			}
		}
		if err := m.MarkApplied(whole, &mg); err != nil {
			return nil, fmt.Errorf("apply migrations: record %s: %w", mg.Name, err)
		}
		names = append(names, mg.Name+"_"+mg.Comment)
	}
	// What SQL cannot compute for the rows a migration found.
	if _, err := s.RefreshTeamNameKeys(context.WithoutCancel(ctx)); err != nil {
		return names, err
	}
	if _, err := s.RefreshSortKeys(context.WithoutCancel(ctx)); err != nil {
		return names, err
	}
	return names, nil
}

// migrationDB returns the database the migrations run on. On PostgreSQL
// it is a pool of its own whose sessions have no statement_timeout and no
// read timeout (lock_timeout stays, see lockTimeout): a migration's DDL or
// backfill on a large table may take minutes, and cut by either it would
// stop the start-up half-way. A migration runs once, at start-up, under
// the migration lock; a stop signal ends the run between two of them. On
// SQLite it is the store's own (SQLite has no statement timeout).
// done closes it when it is not the store's.
func (s *Store) migrationDB() (db *bun.DB, done func(), err error) {
	if s.dialect != PostgreSQL {
		db = s.db
		for _, h := range s.migrationHooks {
			db = db.WithQueryHook(h)
		}
		return db, func() {}, nil
	}
	connector, err := pgConnector(s.pgURL, pgdriver.WithReadTimeout(0), withoutStatementTimeout)
	if err != nil {
		return nil, nil, err
	}
	sqldb := sql.OpenDB(unavailableConnector{connector})
	sqldb.SetMaxOpenConns(2)
	db = bun.NewDB(sqldb, pgdialect.New(), bun.WithDiscardUnknownColumns())
	for _, h := range s.migrationHooks {
		db = db.WithQueryHook(h)
	}
	return db, func() { sqldb.Close() }, nil
}

// withoutStatementTimeout sets statement_timeout to 0 (none), whatever
// the URL says: the migrations' sessions (migrationDB).
func withoutStatementTimeout(conf *pgdriver.Config) {
	params := make(map[string]any, len(conf.ConnParams)+1)
	for k, v := range conf.ConnParams {
		if !strings.EqualFold(k, "statement_timeout") {
			params[k] = v
		}
	}
	params["statement_timeout"] = "0"
	conf.ConnParams = params
}

// initWithRetry creates bun's migration tables. Under the migration lock
// processes of this version do not race for them, but an older version's,
// which took bun's lock table after creating them, may. PostgreSQL's CREATE TABLE IF NOT EXISTS is not safe
// against itself: of several instances starting at once on an empty database,
// all but one fail with a unique violation on the catalog (23505), "relation
// already exists" (42P07) or, for the table's row type, "type already exists"
// (42710). The table then exists, so trying again succeeds.
func initWithRetry(ctx context.Context, m *migrate.Migrator) error {
	for attempt := 1; ; attempt++ {
		err := m.Init(ctx)
		var pgErr pgdriver.Error
		if err == nil || attempt == 5 || !errors.As(err, &pgErr) {
			return err
		}
		if code := pgErr.Field('C'); code != "23505" && code != "42P07" && code != "42710" {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt) * 50 * time.Millisecond):
		}
	}
}

// Sentinel errors returned by the store, the same for every dialect.
var (
	// ErrNotFound means the requested row does not exist, or that a row
	// a write refers to (a foreign key: the team of a member, an API or
	// an app) was removed meanwhile.
	ErrNotFound = errors.New("not found")
	// ErrConflict means a unique constraint or an optimistic lock refused the write.
	ErrConflict = errors.New("conflict")
)

// translate maps driver errors of either dialect to the store's sentinels.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrConflict) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	if errors.Is(err, ErrUnavailable) || errors.Is(err, ErrBusy) {
		return err
	}
	if Busy(err) {
		return fmt.Errorf("%w: %w", ErrBusy, err)
	}
	if connectionLost(err) {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	var pgErr pgdriver.Error
	if errors.As(err, &pgErr) {
		switch code := pgErr.Field('C'); {
		case code == "23505": // unique_violation
			return fmt.Errorf("%w: %w", ErrConflict, err)
		case code == "23503": // foreign_key_violation
			return fmt.Errorf("%w: %w", ErrNotFound, err)
		case unavailableCode(code):
			return fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
		return err
	}
	if isSQLiteUnique(err) {
		return fmt.Errorf("%w: %w", ErrConflict, err)
	}
	if isSQLiteForeignKey(err) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return err
}

// scanAndCount scans q's page and then counts every row q matches (limit
// and offset aside). bun's ScanAndCount runs both at once on the same query,
// which races on the query's relation joins (seen by the race detector).
func scanAndCount(ctx context.Context, q *bun.SelectQuery) (int, error) {
	if err := q.Scan(ctx); err != nil {
		return 0, err
	}
	n, err := q.Count(ctx)
	return int(n), err
}

// NewerDatabaseError is Migrate's refusal of a database migrated by a newer
// Portico: its last migration is later than any this binary holds. Its
// message says what to run instead; the command refused adds what it
// would have done.
type NewerDatabaseError struct {
	// Database is the last migration recorded in the database, Binary the
	// newest this binary holds.
	Database, Binary string
}

func (e *NewerDatabaseError) Error() string {
	return fmt.Sprintf("the database was migrated by a newer Portico (its last migration is %s, this binary knows up to %s): "+
		"run that version of portico or a later one", e.Database, e.Binary)
}
