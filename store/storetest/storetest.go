// Package storetest gives tests a Store migrated by the real migrations, on
// SQLite always and on PostgreSQL when PORTICO_TEST_DATABASE_URL is set.
package storetest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portico-dev/portico/store"
)

// EnvDatabaseURL names the variable holding the PostgreSQL URL for tests.
const EnvDatabaseURL = "PORTICO_TEST_DATABASE_URL"

var schemaSeq atomic.Int64

// Dialects lists the dialects tests run on in this environment. When CI is
// set, PostgreSQL is required: a CI run without it fails instead of silently
// testing less.
func Dialects(t testing.TB) []store.Dialect {
	t.Helper()
	ds := []store.Dialect{store.SQLite}
	if os.Getenv(EnvDatabaseURL) != "" {
		ds = append(ds, store.PostgreSQL)
	} else if os.Getenv("CI") != "" {
		t.Fatalf("CI is set but %s is not: the PostgreSQL suite must run in CI", EnvDatabaseURL)
	}
	return ds
}

// PostgreSQLURL returns the URL of the test PostgreSQL server, for a test
// of PostgreSQL alone. Without it the test is skipped, and fails in CI
// (see Dialects).
func PostgreSQLURL(t testing.TB) string {
	t.Helper()
	if !slices.Contains(Dialects(t), store.PostgreSQL) {
		t.Skipf("set %s: the test is of PostgreSQL", EnvDatabaseURL)
	}
	return os.Getenv(EnvDatabaseURL)
}

// Each runs fn once per dialect, as subtests named after the dialect, each
// with a fresh migrated store.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, d := range Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			fn(t, Open(t, d))
		})
	}
}

// New returns a fresh migrated SQLite store in a temporary directory.
func New(t testing.TB) *store.Store {
	t.Helper()
	return Open(t, store.SQLite)
}

// Open returns a fresh migrated store of dialect d. On PostgreSQL each store
// gets its own schema in the database named by PORTICO_TEST_DATABASE_URL,
// dropped when the test ends.
func Open(t testing.TB, d store.Dialect) *store.Store {
	t.Helper()
	dsn, dataDir, migrated := newMigratedDatabase(t, d)
	return openMigrated(t, dsn, dataDir, migrated)
}

// OpenTwo returns two stores on one fresh migrated database, as two portal
// instances sharing a PostgreSQL database see it (on SQLite: as a server and
// a command run on its data directory).
func OpenTwo(t testing.TB, d store.Dialect) (*store.Store, *store.Store) {
	t.Helper()
	dsn, dataDir, migrated := newMigratedDatabase(t, d)
	return openMigrated(t, dsn, dataDir, migrated), openMigrated(t, dsn, dataDir, true)
}

// Unmigrated returns the connection string and data directory of a new,
// empty database of dialect d, for tests of migration itself: open it with
// store.Open, as a starting portal does.
func Unmigrated(t testing.TB, d store.Dialect) (dsn, dataDir string) {
	t.Helper()
	return newDatabase(t, d)
}

// OpenPostgreSQLPair opens two stores on one new, migrated PostgreSQL
// database: other, which migrated it, for what a test holds or reads
// aside, and s, the store under test, its URL with params (session or
// driver parameters such as "&read_timeout=2s") appended. Without
// PostgreSQL the test is skipped (and fails in CI, see Dialects).
func OpenPostgreSQLPair(t testing.TB, params string) (s, other *store.Store) {
	t.Helper()
	if !slices.Contains(Dialects(t), store.PostgreSQL) {
		t.Skipf("set %s: the test is of PostgreSQL", EnvDatabaseURL)
	}
	dsn, dataDir, migrated := newMigratedDatabase(t, store.PostgreSQL)
	other = openMigrated(t, dsn, dataDir, migrated)
	ctx := context.Background()
	s, err := store.Open(ctx, dsn+params, dataDir)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, other
}

// newDatabase returns the connection string and data directory of a new
// database of dialect d: a schema of its own on PostgreSQL, dropped when
// the test ends.
func newDatabase(t testing.TB, d store.Dialect) (dsn, dataDir string) {
	t.Helper()
	ctx := context.Background()
	switch d {
	case store.SQLite:
		dataDir = t.TempDir()
	case store.PostgreSQL:
		base := os.Getenv(EnvDatabaseURL)
		if base == "" {
			t.Fatalf("%s is not set", EnvDatabaseURL)
		}
		schema := fmt.Sprintf("t_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, schemaSeq.Add(1))
		admin := admin(t)
		if _, err := admin.DB().ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
			t.Fatalf("create schema: %v", err)
		}
		t.Cleanup(func() {
			if _, err := admin.DB().ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
				t.Errorf("drop schema %s: %v", schema, err)
			}
		})
		dsn = withSearchPath(t, base, schema)
	default:
		t.Fatalf("unknown dialect %q", d)
	}
	return dsn, dataDir
}

// newMigratedDatabase is newDatabase, except that on PostgreSQL the
// database is, where the role may create databases, a copy of a migrated
// template (see template.go): migrated is then true.
func newMigratedDatabase(t testing.TB, d store.Dialect) (dsn, dataDir string, migrated bool) {
	t.Helper()
	if d == store.PostgreSQL {
		if dsn, ok := migratedPostgreSQL(t); ok {
			return dsn, "", true
		}
	}
	dsn, dataDir = newDatabase(t, d)
	return dsn, dataDir, false
}

// openMigrated opens a store on dsn, migrating it unless migrated.
func openMigrated(t testing.TB, dsn, dataDir string, migrated bool) *store.Store {
	t.Helper()
	if !migrated {
		return open(t, dsn, dataDir)
	}
	s, err := store.Open(context.Background(), dsn, dataDir)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func open(t testing.TB, dsn, dataDir string) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, dsn, dataDir)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return s
}

func withSearchPath(t testing.TB, raw, schema string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("parse %s: %v", EnvDatabaseURL, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return strings.Replace(u.String(), "postgresql://", "postgres://", 1)
}

// Team creates a team.
func Team(t testing.TB, s *store.Store, slug, name string) *store.Team {
	t.Helper()
	tm := &store.Team{Slug: slug, Name: name}
	if err := s.CreateTeam(context.Background(), s.DB(), tm); err != nil {
		t.Fatal(err)
	}
	return tm
}

// User creates a user with orgRole and, when team is not nil, makes them a
// member of it with teamRole.
func User(t testing.TB, s *store.Store, name, orgRole string, team *store.Team, teamRole string) *store.User {
	t.Helper()
	ctx := context.Background()
	u := &store.User{Username: name, OrgRole: orgRole}
	if err := s.CreateUser(ctx, s.DB(), u); err != nil {
		t.Fatal(err)
	}
	if team != nil {
		if _, err := s.SetTeamMember(ctx, s.DB(), team.ID, u.ID, teamRole); err != nil {
			t.Fatal(err)
		}
	}
	return u
}
