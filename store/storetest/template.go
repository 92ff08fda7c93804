package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/migrations"
	"github.com/portico-dev/portico/store"
	"github.com/uptrace/bun"
)

// A fresh PostgreSQL store is a copy of a template database that the real
// migrations migrated once (CREATE DATABASE … TEMPLATE), not a schema that
// each test migrates: migrating took 1.5–3 s of the server's time per store
// on a loaded two-core machine (the DDL itself, not round trips), most of
// the PostgreSQL suites' time; a copy takes a tenth of that.
//
// The template is named after the test database and a digest of the
// migration files (see derivedName), so every test binary of one checkout
// shares it and a changed migration makes a new one; it is kept (one small
// database per set of migrations) for the next run. Where the role may not create databases the tests fall back to
// a schema of their own, migrated as before.

// adminOnce is one connection pool to the database named by
// PORTICO_TEST_DATABASE_URL per test binary, for creating and dropping
// schemas and databases.
var (
	adminOnce  sync.Once
	adminStore *store.Store
	adminErr   error

	templateOnce sync.Once
	templateName string
	templateErr  error
)

func admin(t testing.TB) *store.Store {
	t.Helper()
	adminOnce.Do(func() {
		// CREATE and DROP DATABASE take seconds on a loaded machine: a
		// read timeout (and so statement_timeout, see store.Open) of
		// minutes, not the store's 10 s.
		adminStore, adminErr = store.Open(context.Background(), withParam(os.Getenv(EnvDatabaseURL), "read_timeout", "5m"), "")
	})
	if adminErr != nil {
		t.Fatalf("open postgres: %v", adminErr)
	}
	return adminStore
}

// migrationsDigest names the migration files' contents.
func migrationsDigest() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.Files(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.Files(), path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %d\n", path, len(b))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:16], err
}

// template returns the name of the migrated template database, creating
// it when no test binary has yet. errNoCreateDB means the role may not
// create databases.
func template(t testing.TB) (string, error) {
	t.Helper()
	a := admin(t)
	templateOnce.Do(func() { templateName, templateErr = makeTemplate(a) })
	return templateName, templateErr
}

var errNoCreateDB = errors.New("the role may not create databases")

func makeTemplate(a *store.Store) (string, error) {
	ctx := context.Background()
	digest, err := migrationsDigest()
	if err != nil {
		return "", err
	}
	name := derivedName("tmpl_" + digest)
	var may bool
	if err := a.DB().QueryRowContext(ctx, "SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user").Scan(&may); err != nil {
		return "", err
	}
	if !may {
		return "", errNoCreateDB
	}
	// One test binary makes it; the others wait on the lock and find it.
	conn, err := a.DB().Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	h := fnv.New64a()
	h.Write([]byte("portico storetest template"))
	key := int64(h.Sum64())
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(?)", key); err != nil {
		return "", err
	}
	defer conn.ExecContext(ctx, "SELECT pg_advisory_unlock(?)", key) //nolint:errcheck // closing the session releases it too
	var exists bool
	if err := conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = ?)", name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	// Made under another name and renamed when whole: a binary killed
	// half-way leaves no half-migrated template behind that name.
	building := derivedName(fmt.Sprintf("tmpl_b%d", os.Getpid()))
	if _, err := conn.ExecContext(ctx, "DROP DATABASE IF EXISTS ? WITH (FORCE)", bun.Ident(building)); err != nil {
		return "", err // one a killed binary of the same pid left
	}
	if _, err := conn.ExecContext(ctx, "CREATE DATABASE ?", bun.Ident(building)); err != nil {
		return "", err
	}
	if err := migrateDatabase(ctx, databaseURL(os.Getenv(EnvDatabaseURL), building)); err != nil {
		conn.ExecContext(ctx, "DROP DATABASE IF EXISTS ? WITH (FORCE)", bun.Ident(building)) //nolint:errcheck // the error above says more
		return "", err
	}
	if _, err := conn.ExecContext(ctx, "ALTER DATABASE ? RENAME TO ?", bun.Ident(building), bun.Ident(name)); err != nil {
		return "", err
	}
	return name, nil
}

func migrateDatabase(ctx context.Context, dsn string) error {
	s, err := store.Open(ctx, dsn, "")
	if err != nil {
		return err
	}
	defer s.Close()
	_, err = s.Migrate(ctx)
	return err
}

// databaseURL is base with its database replaced by name (and the public
// schema, whatever search_path base names).
func databaseURL(base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	u.Path = "/" + name
	q := u.Query()
	q.Set("search_path", "public")
	u.RawQuery = q.Encode()
	return strings.Replace(u.String(), "postgresql://", "postgres://", 1)
}

// derivedName is the name of a database made for the tests: the name of
// the database PORTICO_TEST_DATABASE_URL names (its first 40 characters),
// "_" and suffix, so that whoever drops that database after a run can drop
// what the run made beside it (.ci/run does), a test binary killed before
// its clean-up included.
func derivedName(suffix string) string {
	base := "portico_test"
	if u, err := url.Parse(os.Getenv(EnvDatabaseURL)); err == nil && strings.Trim(u.Path, "/") != "" {
		base = strings.Trim(u.Path, "/")
	}
	if len(base) > 40 {
		base = base[:40] // what follows takes at most 22 of PostgreSQL's 63
	}
	return base + "_" + suffix
}

// migratedPostgreSQL returns the connection string of a new database
// copied from the migrated template, dropped when the test ends, and
// false when copies cannot be made here (see errNoCreateDB).
func migratedPostgreSQL(t testing.TB) (string, bool) {
	t.Helper()
	tmpl, err := template(t)
	if errors.Is(err, errNoCreateDB) {
		return "", false
	}
	if err != nil {
		t.Fatalf("the migrated template database: %v", err)
	}
	a := admin(t)
	name := derivedName(fmt.Sprintf("t%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e6, schemaSeq.Add(1)))
	ctx := context.Background()
	if _, err := a.DB().ExecContext(ctx, "CREATE DATABASE ? TEMPLATE ?", bun.Ident(name), bun.Ident(tmpl)); err != nil {
		t.Fatalf("copy the migrated template database: %v", err)
	}
	t.Cleanup(func() {
		// FORCE: a connection the test left open ends with it.
		if _, err := a.DB().ExecContext(context.Background(), "DROP DATABASE ? WITH (FORCE)", bun.Ident(name)); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	return databaseURL(os.Getenv(EnvDatabaseURL), name), true
}

func withParam(raw, key, value string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}
