package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestRestorePostgreSQLWithPgDump backs a portal on PostgreSQL up and
// restores it with the README's pg_dump and pg_restore commands, in a
// database of its own: portico backup refuses and names pg_dump, the
// restored portal rebuilds its embedded index (the restored index log
// having grown past the index's position meanwhile), and the API created
// after the backup is not found.
func TestRestorePostgreSQLWithPgDump(t *testing.T) {
	base := os.Getenv(storetest.EnvDatabaseURL)
	if base == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but %s is not", storetest.EnvDatabaseURL)
		}
		t.Skipf("set %s to restore a PostgreSQL portal", storetest.EnvDatabaseURL)
	}
	pgDump, err := exec.LookPath("pg_dump")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but pg_dump is not installed (PostgreSQL's client tools): %v", err)
		}
		t.Skip("pg_dump is not installed (PostgreSQL's client tools)")
	}
	pgRestore, err := exec.LookPath("pg_restore")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but pg_restore is not installed (PostgreSQL's client tools): %v", err)
		}
		t.Skip("pg_restore is not installed (PostgreSQL's client tools)")
	}
	ctx := context.Background()
	// CREATE and DROP DATABASE copy or remove a whole directory and wait for
	// a checkpoint: on a machine busy with other work they outlast the
	// driver's 10 s read timeout, so the admin connection waits longer.
	adminURL, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := adminURL.Query()
	q.Set("read_timeout", "120s")
	adminURL.RawQuery = q.Encode()
	admin, err := store.Open(ctx, adminURL.String(), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	name := fmt.Sprintf("portico_restore_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9)
	if _, err := admin.DB().ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// A drop may outlast the driver's read timeout on a busy machine:
		// it goes on in the server, and IF EXISTS makes a retry harmless.
		var err error
		for range 3 {
			if _, err = admin.DB().ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err == nil {
				return
			}
		}
		t.Errorf("drop database %s: %v", name, err)
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	dbURL := u.String()

	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	vars := map[string]string{"PORTICO_DATA_DIR": data, "PORTICO_DATABASE_URL": dbURL}
	run := func(args ...string) error {
		e, out, _ := testEnv(vars, "")
		err := runEnv(ctx, args, e)
		if err != nil {
			return fmt.Errorf("%v: %w\n%s", args, err, out.String())
		}
		return nil
	}
	samples := demoSampleDir(t)
	if err := run("demo", "--samples", samples, "--synthetic", "2"); err != nil {
		t.Fatal(err)
	}
	serveUntilIndexedOn(t, data, dbURL)

	err = run("backup", "--to", filepath.Join(dir, "backup.db"))
	if err == nil || !strings.Contains(err.Error(), "pg_dump --format=custom") {
		t.Errorf("portico backup on PostgreSQL: %v, want a refusal naming pg_dump", err)
	}
	dump := filepath.Join(dir, "portico.dump")
	if out, err := exec.Command(pgDump, "--format=custom", "--file="+dump, dbURL).CombinedOutput(); err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, out)
	}
	want := databaseSlugsOn(t, data, dbURL)

	if err := run("import", "--team", "payments", "--api", "after-backup", "--name", "After the backup", "--publish", "--as", "admin",
		filepath.Join(samples, "xkcd.com__xkcd__1.0.0.yaml")); err != nil {
		t.Fatal(err)
	}
	serveUntilIndexedOn(t, data, dbURL)
	if got := indexedSlugs(t, data); !slices.Contains(got, "after-backup") {
		t.Fatalf("before the restore the index holds %v, want after-backup among them", got)
	}

	// The portal stopped, the README's restore.
	if out, err := exec.Command(pgRestore, "--clean", "--if-exists", "--no-owner", "--dbname="+dbURL, dump).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, out)
	}
	if got := databaseSlugsOn(t, data, dbURL); !slices.Equal(got, want) {
		t.Fatalf("the restored database holds %v, want the backup's %v", got, want)
	}
	// Changes of the restored portal (another instance's) grow its index
	// log past the index's position before this instance starts.
	s, err := store.Open(ctx, dbURL, data)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := s.APIIDs(ctx, 0, 1)
	if err != nil || len(ids) != 1 {
		t.Fatalf("api ids %v %v", ids, err)
	}
	for range 20 {
		if _, err := s.AppendIndexLog(ctx, ids[0]); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	logs := serveUntilIndexedOn(t, data, dbURL)
	if !strings.Contains(logs, "rebuilding it") {
		t.Errorf("the start does not say it rebuilds the index:\n%s", logs)
	}
	if got := indexedSlugs(t, data); !slices.Equal(got, want) {
		t.Errorf("after the start on the restored database: indexed %v, want %v", got, want)
	}
}
