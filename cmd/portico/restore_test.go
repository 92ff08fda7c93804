package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/auth"
	"github.com/portico-dev/portico/handlers"
	"github.com/portico-dev/portico/store"
)

// restoreFixture is a portal backed up, then changed: an API created after
// the backup is in its index. It returns the data directory (stopped) and
// the backup.
func restoreFixture(t *testing.T) (data, backup string) {
	t.Helper()
	dir := t.TempDir()
	data = filepath.Join(dir, "data")
	samples := demoSampleDir(t)
	e, out, _ := testEnv(map[string]string{"PORTICO_DATA_DIR": data}, "")
	if err := runEnv(context.Background(), []string{"demo", "--samples", samples, "--synthetic", "3"}, e); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	serveUntilIndexed(t, data)
	backup = filepath.Join(dir, "backup.db")
	e, _, _ = testEnv(map[string]string{"PORTICO_DATA_DIR": data}, "")
	if err := runEnv(context.Background(), []string{"backup", "--to", backup}, e); err != nil {
		t.Fatal(err)
	}
	e, out, _ = testEnv(map[string]string{"PORTICO_DATA_DIR": data}, "")
	spec := filepath.Join(samples, "xkcd.com__xkcd__1.0.0.yaml")
	if err := runEnv(context.Background(), []string{"import", "--team", "payments", "--api", "after-backup", "--name", "After the backup", "--publish", "--as", "admin", spec}, e); err != nil {
		t.Fatalf("import: %v\n%s", err, out.String())
	}
	serveUntilIndexed(t, data)
	if got := indexedSlugs(t, data); !slices.Contains(got, "after-backup") {
		t.Fatalf("before the restore the index holds %v, want after-backup among them", got)
	}
	return data, backup
}

// restore puts backup in place of data's database, as the README says:
// the old database's WAL files removed, the file copied.
func restore(t *testing.T, data, backup string) {
	t.Helper()
	for _, name := range []string{"portico.db-wal", "portico.db-shm"} {
		if err := os.Remove(filepath.Join(data, name)); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "portico.db"), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestRestoreRebuildsAnIndexAheadOfTheDatabase starts a portal on a
// database restored from a backup older than its search index: the index
// is rebuilt, and the API created after the backup is not found.
func TestRestoreRebuildsAnIndexAheadOfTheDatabase(t *testing.T) {
	data, backup := restoreFixture(t)
	restore(t, data, backup)
	want := databaseSlugs(t, data)
	if slices.Contains(want, "after-backup") {
		t.Fatalf("the restored database holds after-backup")
	}
	logs := serveUntilIndexed(t, data)
	if !strings.Contains(logs, "rebuilding it") {
		t.Errorf("the start does not say it rebuilds the index:\n%s", logs)
	}
	if got := indexedSlugs(t, data); !slices.Equal(got, want) {
		t.Errorf("after the start on the restored database: indexed %v, want %v", got, want)
	}
}

// TestRestoreRebuildsAnIndexOfAnotherLog starts a portal on a restored
// database whose index log has grown, since the restore, past the index's
// position (changes of the restored portal: other instances', or outbox
// messages pending in the backup, appended at start): the position is no
// longer ahead of the log, but the entries up to it are not those the index
// applied. The index is rebuilt all the same.
func TestRestoreRebuildsAnIndexOfAnotherLog(t *testing.T) {
	data, backup := restoreFixture(t)
	restore(t, data, backup)
	want := databaseSlugs(t, data)
	ctx := context.Background()
	s, err := store.Open(ctx, "", data)
	if err != nil {
		t.Fatal(err)
	}
	head, err := s.IndexLogHeadFrom(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := s.APIIDs(ctx, 0, 1)
	if err != nil || len(ids) != 1 {
		t.Fatalf("api ids %v %v", ids, err)
	}
	// The index applied a few entries after the backup's head: the
	// restored portal appends more than that.
	for range 20 {
		if _, err := s.AppendIndexLog(ctx, ids[0]); err != nil {
			t.Fatal(err)
		}
	}
	grown, err := s.IndexLogHeadFrom(ctx, 0)
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("index log head: %d in the backup, %d after the restored portal's changes", head.Head, grown.Head)
	logs := serveUntilIndexed(t, data)
	if !strings.Contains(logs, "rebuilding it") {
		t.Errorf("the start does not say it rebuilds the index:\n%s", logs)
	}
	if got := indexedSlugs(t, data); !slices.Equal(got, want) {
		t.Errorf("after the start on the restored database: indexed %v, want %v", got, want)
	}
}

// TestRestoreDeliversTheBackupsOutboxOnce backs up a portal whose outbox
// holds undelivered messages (an import made while no server ran): the
// original portal delivers them after the backup; the portal restored from
// it delivers them again, once, as its database never saw them delivered:
// the imported API is found, each message adds one index log entry, and
// none stays pending (duplicates of one API's are delivered once, as
// always).
func TestRestoreDeliversTheBackupsOutboxOnce(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	samples := demoSampleDir(t)
	e, out, _ := testEnv(map[string]string{"PORTICO_DATA_DIR": data}, "")
	if err := runEnv(context.Background(), []string{"demo", "--samples", samples, "--synthetic", "2"}, e); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	serveUntilIndexed(t, data)
	e, out, _ = testEnv(map[string]string{"PORTICO_DATA_DIR": data}, "")
	spec := filepath.Join(samples, "xkcd.com__xkcd__1.0.0.yaml")
	if err := runEnv(context.Background(), []string{"import", "--team", "payments", "--api", "pending", "--name", "Pending", "--publish", "--as", "admin", spec}, e); err != nil {
		t.Fatalf("import: %v\n%s", err, out.String())
	}
	backup := filepath.Join(dir, "backup.db")
	e, _, _ = testEnv(map[string]string{"PORTICO_DATA_DIR": data}, "")
	if err := runEnv(context.Background(), []string{"backup", "--to", backup}, e); err != nil {
		t.Fatal(err)
	}
	// The outbox delivers the duplicates of a batch once: one entry per API.
	pending := countRows(t, data, "SELECT COUNT(DISTINCT payload) FROM outbox WHERE done_at IS NULL AND topic = 'search.index'")
	if pending == 0 {
		t.Fatal("the import left no search.index message pending")
	}
	serveUntilIndexed(t, data) // the original portal delivers them

	restore(t, data, backup)
	entriesBefore := countRows(t, data, "SELECT COUNT(*) FROM index_log")
	serveUntilIndexed(t, data)
	if got := indexedSlugs(t, data); !slices.Contains(got, "pending") {
		t.Errorf("after the restore the index holds %v, want pending among them", got)
	}
	if n := countRows(t, data, "SELECT COUNT(*) FROM outbox WHERE done_at IS NULL"); n != 0 {
		t.Errorf("%d outbox messages still pending after the restored portal ran", n)
	}
	if n := countRows(t, data, "SELECT COUNT(*) FROM index_log") - entriesBefore; n != pending {
		t.Errorf("the restored portal appended %d index log entries, want one per API of the pending messages (%d)", n, pending)
	}
	// A second start delivers nothing again.
	entries := countRows(t, data, "SELECT COUNT(*) FROM index_log")
	serveUntilIndexed(t, data)
	if n := countRows(t, data, "SELECT COUNT(*) FROM index_log"); n != entries {
		t.Errorf("a second start appended %d index log entries, want none", n-entries)
	}
}

// countRows runs a COUNT query on data's database.
func countRows(t *testing.T, data, query string) int {
	t.Helper()
	s, err := store.Open(context.Background(), "", data)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var n int
	if err := s.DB().NewRaw(query).Scan(context.Background(), &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestRestoreKeepsWhatTheBackupHolds: after a restore, the sessions and
// personal access tokens of the backup work, those made after it do not,
// and the CSRF key (kept in the database) is the same, so that the forms
// of the backup's sessions stay good.
func TestRestoreKeepsWhatTheBackupHolds(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	run := func(stdin string, args ...string) string {
		t.Helper()
		e, out, _ := testEnv(map[string]string{"PORTICO_DATA_DIR": data}, stdin)
		if err := runEnv(ctx, args, e); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		return strings.TrimSpace(out.String())
	}
	// session makes a session of ada in data's database and returns the CSRF key.
	session := func(idHash string) []byte {
		t.Helper()
		s, err := store.Open(ctx, "", data)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		u, err := s.UserByUsername(ctx, "ada")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.CreateSession(ctx, &store.Session{IDHash: idHash, UserID: u.ID, ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		key, err := handlers.LoadCSRFKey(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		return key
	}
	run("", "migrate")
	run("a long enough password\n", "user", "create", "--username", "ada", "--password-stdin", "--admin")
	kept := run("", "token", "create", "--username", "ada", "--name", "kept")
	key := session("session-in-the-backup")
	backup := filepath.Join(dir, "backup.db")
	run("", "backup", "--to", backup)
	lost := run("", "token", "create", "--username", "ada", "--name", "lost")
	session("session-after-the-backup")

	restore(t, data, backup)
	s, err := store.Open(ctx, "", data)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, _, err := s.TokenUser(ctx, auth.HashToken(kept)); err != nil {
		t.Errorf("the token of the backup: %v, want it to work", err)
	}
	if _, _, err := s.TokenUser(ctx, auth.HashToken(lost)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the token made after the backup: %v, want not found", err)
	}
	if _, u, err := s.SessionUser(ctx, "session-in-the-backup", time.Hour); err != nil || u.Username != "ada" {
		t.Errorf("the session of the backup: %v, want ada's", err)
	}
	if _, _, err := s.SessionUser(ctx, "session-after-the-backup", time.Hour); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the session made after the backup: %v, want not found", err)
	}
	if got, err := handlers.LoadCSRFKey(ctx, s); err != nil || !bytes.Equal(got, key) {
		t.Errorf("the CSRF key after the restore differs (%v): the forms of the backup's sessions would be refused", err)
	}
}
