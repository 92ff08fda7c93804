package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

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
