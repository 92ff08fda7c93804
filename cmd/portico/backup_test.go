package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portico-dev/portico/store"
)

// serveInBackground runs serve on data until the test ends.
func serveInBackground(t *testing.T, data string) {
	t.Helper()
	e, _, _ := testEnv(map[string]string{"PORTICO_DATA_DIR": data, "PORTICO_ADDR": "127.0.0.1:0"}, "")
	startServing(t, e)
}

// backupCounts opens a backup as SQLite does, checks it and returns its
// number of teams and of "team.create" audit records.
func backupCounts(t *testing.T, path string) (teams, created int) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var check, mode string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Errorf("%s: integrity_check %q %v, want ok", path, check, err)
	}
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "delete" {
		t.Errorf("%s: journal mode %q %v, want delete (one self-contained file)", path, mode, err)
	}
	if err := db.QueryRow("SELECT COUNT(*) FROM teams").Scan(&teams); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow("SELECT COUNT(*) FROM audit_events WHERE action = 'team.create'").Scan(&created); err != nil {
		t.Fatal(err)
	}
	return teams, created
}

// TestBackupWhileTheServerWrites backs up the database of a running server
// while teams are created without pause: every copy passes integrity_check,
// holds each team with its audit record (one commit's state, never half a
// transaction), has at least the teams made before it began, and opens as a
// portal's database.
func TestBackupWhileTheServerWrites(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	e, _, _ := testEnv(map[string]string{"PORTICO_DATA_DIR": data}, "")
	if err := runEnv(context.Background(), []string{"migrate"}, e); err != nil {
		t.Fatal(err)
	}
	serveInBackground(t, data)

	var made atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			e, out, _ := testEnv(map[string]string{"PORTICO_DATA_DIR": data}, "")
			if err := runEnv(context.Background(), []string{"team", "create", "--slug", fmt.Sprintf("team-%d", i), "--name", "Team"}, e); err != nil {
				t.Errorf("team create: %v %s", err, out.String())
				return
			}
			made.Add(1)
		}
	}()
	for made.Load() < 3 {
		time.Sleep(10 * time.Millisecond)
	}
	var last int
	for i := range 3 {
		before := int(made.Load())
		to := filepath.Join(dir, fmt.Sprintf("backup-%d.db", i))
		e, out, _ := testEnv(map[string]string{"PORTICO_DATA_DIR": data}, "")
		if err := runEnv(context.Background(), []string{"backup", "--to", to}, e); err != nil {
			t.Fatalf("backup %d: %v", i, err)
		}
		if !strings.Contains(out.String(), "integrity ok") {
			t.Errorf("backup %d says %q", i, out.String())
		}
		teams, created := backupCounts(t, to)
		if teams != created || teams < before || teams < last {
			t.Errorf("backup %d: %d teams, %d team.create records; %d made before it, %d in the previous backup", i, teams, created, before, last)
		}
		last = teams
		if fi, err := os.Stat(to); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("backup %d: %v %v, want a file readable by its owner only", i, fi.Mode(), err)
		}
	}
	close(stop)
	wg.Wait()
	if last == 0 || int(made.Load()) <= 3 {
		t.Fatalf("%d teams made, %d in the last backup: the backups ran beside no writes", made.Load(), last)
	}
	// Nothing is left beside the backups: no temporary directory, no -wal.
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, en := range entries {
		if en.Name() != "data" && !strings.HasPrefix(en.Name(), "backup-") || strings.HasSuffix(en.Name(), "-wal") || strings.HasSuffix(en.Name(), "-shm") {
			t.Errorf("left beside the backups: %s", en.Name())
		}
	}
	// A backup is a portal's database: it opens, and is up to date.
	restored := filepath.Join(dir, "restored")
	if err := os.MkdirAll(restored, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(dir, "backup-2.db"), filepath.Join(restored, "portico.db")); err != nil {
		t.Fatal(err)
	}
	e, out, _ := testEnv(map[string]string{"PORTICO_DATA_DIR": restored}, "")
	if err := runEnv(context.Background(), []string{"migrate"}, e); err != nil || !strings.Contains(out.String(), "up to date") {
		t.Errorf("migrate on the restored backup: %v %q, want up to date", err, out.String())
	}
	s, err := store.Open(context.Background(), "", restored)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, err := s.ListTeams(context.Background()); err != nil || len(got) != last {
		t.Errorf("the restored portal has %d teams (%v), want %d", len(got), err, last)
	}
}

func TestBackupRefusals(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	e, _, _ := testEnv(map[string]string{"PORTICO_DATA_DIR": data}, "")
	if err := runEnv(context.Background(), []string{"migrate"}, e); err != nil {
		t.Fatal(err)
	}
	existing := filepath.Join(dir, "existing.db")
	if err := os.WriteFile(existing, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		vars map[string]string
		want string
	}{
		{[]string{"backup"}, nil, "backup needs --to FILE"},
		{[]string{"backup", "--to", existing}, nil, "exists: choose another file, or add --force"},
		{[]string{"backup", "--to", filepath.Join(data, "portico.db"), "--force"}, nil, "is the database itself"},
		{[]string{"backup", "--to", filepath.Join(dir, "x.db")}, map[string]string{"PORTICO_DATA_DIR": filepath.Join(dir, "none")}, "there is no database to back up at " + filepath.Join(dir, "none", "portico.db")},
		{[]string{"backup", "--to", filepath.Join(dir, "x.db")}, map[string]string{"PORTICO_DATABASE_URL": "postgres://portico:secret@db:5432/portico"},
			`back it up with pg_dump --format=custom --file=portico.dump "$PORTICO_DATABASE_URL"`},
	}
	for _, tt := range tests {
		vars := map[string]string{"PORTICO_DATA_DIR": data}
		for k, v := range tt.vars {
			vars[k] = v
		}
		e, _, _ := testEnv(vars, "")
		err := runEnv(context.Background(), tt.args, e)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v %v: %v, want an error containing %q", tt.args, tt.vars, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("%v: the error shows the database password: %v", tt.args, err)
		}
	}
	if b, err := os.ReadFile(existing); err != nil || string(b) != "keep me" {
		t.Errorf("the existing file after a refusal: %q %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.db")); !os.IsNotExist(err) {
		t.Errorf("a refused backup wrote x.db: %v", err)
	}

	// --force replaces the file, with the database.
	e, _, _ = testEnv(map[string]string{"PORTICO_DATA_DIR": data}, "")
	if err := runEnv(context.Background(), []string{"backup", "--to", existing, "--force"}, e); err != nil {
		t.Fatal(err)
	}
	if teams, _ := backupCounts(t, existing); teams != 0 {
		t.Errorf("the forced backup has %d teams, want 0", teams)
	}
}
