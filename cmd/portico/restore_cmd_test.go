package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/migrations"
	"github.com/portico-dev/portico/store"
)

// runRestore runs portico restore --from backup on data.
func runRestore(t *testing.T, data, backup string, vars map[string]string) (string, error) {
	t.Helper()
	all := map[string]string{"PORTICO_DATA_DIR": data}
	for k, v := range vars {
		all[k] = v
	}
	e, out, _ := testEnv(all, "")
	err := runEnv(context.Background(), []string{"restore", "--from", backup}, e)
	return out.String(), err
}

// dataEntries lists the names in data, but the search index's own files.
func dataEntries(t *testing.T, data string) []string {
	t.Helper()
	entries, err := os.ReadDir(data)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, en := range entries {
		if en.Name() != "search.bleve" && en.Name() != "search.vectors" {
			names = append(names, en.Name())
		}
	}
	return names
}

// fileSum is the SHA-256 of path's contents.
func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// TestRestoreCommand restores a backup with portico restore over a
// database that a crash left with a -wal holding its last commit: the
// previous database, that commit included, is kept beside it as one file;
// the restored database is the backup's, unharmed by the old -wal; and the
// next start rebuilds the search index, which no longer finds the API
// created after the backup.
func TestRestoreCommand(t *testing.T) {
	ctx := context.Background()
	data, backup := restoreFixture(t)
	backupSum := fileSum(t, backup)
	want := databaseSlugs(t, data)
	if !slices.Contains(want, "after-backup") {
		t.Fatalf("the live database lacks after-backup: %v", want)
	}

	// A crash: a commit only in the -wal, and the -wal and -shm left.
	live := filepath.Join(data, "portico.db")
	db, err := sql.Open("sqlite", "file:"+live+"?_pragma=journal_mode(WAL)&_pragma=wal_autocheckpoint(0)")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.Exec("INSERT INTO teams (slug, name, description, created_at, updated_at) VALUES ('only-in-the-wal', 'WAL', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"); err != nil {
		t.Fatal(err)
	}
	saved := map[string][]byte{}
	for _, ext := range []string{"-wal", "-shm"} {
		b, err := os.ReadFile(live + ext)
		if err != nil || len(b) == 0 {
			t.Fatalf("no %s beside the live database: %v", ext, err)
		}
		saved[ext] = b
	}
	db.Close() // checkpoints and removes them: put them back, as a crash leaves them
	for ext, b := range saved {
		if err := os.WriteFile(live+ext, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}

	out, err := runRestore(t, data, backup, nil)
	if err != nil {
		t.Fatalf("restore: %v", err)
	}
	t.Logf("restore said:\n%s", out)
	for _, w := range []string{"restored " + backup + " into " + live + " (integrity ok, last migration ", "the previous database is kept as " + live + ".before-restore-", "the next start rebuilds the search index"} {
		if !strings.Contains(out, w) {
			t.Errorf("restore's output lacks %q", w)
		}
	}
	if fileSum(t, backup) != backupSum {
		t.Error("restore changed the backup file")
	}
	var kept string
	for _, name := range dataEntries(t, data) {
		switch {
		case strings.HasPrefix(name, "portico.db.before-restore-"):
			kept = filepath.Join(data, name)
		case name == "portico.db", name == "portico.db-migrations.lock", name == "search.bleve.rebuilding":
		default:
			t.Errorf("left in the data directory after the restore: %s", name)
		}
	}
	if kept == "" {
		t.Fatal("the previous database was not kept")
	}
	// The kept database is whole: its last commit, which was in the -wal,
	// included, and no -wal of its own needed.
	if got := databaseSlugsOn(t, "", "sqlite:"+kept); !slices.Equal(got, want) {
		t.Errorf("the kept database holds %v, want %v", got, want)
	}
	if n := countTeam(t, kept, "only-in-the-wal"); n != 1 {
		t.Errorf("the kept database has %d teams only-in-the-wal, want the -wal's commit (1)", n)
	}
	if teams, _ := backupCounts(t, live); teams == 0 {
		t.Error("the restored database has no teams")
	}
	if n := countTeam(t, live, "only-in-the-wal"); n != 0 {
		t.Errorf("the restored database has the old -wal's team (%d): the -wal was applied to it", n)
	}

	logs := serveUntilIndexed(t, data)
	if !strings.Contains(logs, "marked for a rebuild") || !strings.Contains(logs, "database restored from "+backup) {
		t.Errorf("the start does not say it rebuilds the index for the restore:\n%s", logs)
	}
	restored := databaseSlugs(t, data)
	if slices.Contains(restored, "after-backup") {
		t.Errorf("the restored database holds after-backup: %v", restored)
	}
	if got := indexedSlugs(t, data); !slices.Equal(got, restored) {
		t.Errorf("after the start on the restored database: indexed %v, want %v", got, restored)
	}
	if _, err := os.Stat(filepath.Join(data, "search.bleve.rebuilding")); !os.IsNotExist(err) {
		t.Errorf("the rebuild marker after the rebuild: %v, want it gone", err)
	}
	s, err := store.Open(ctx, "", data)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var check string
	if err := s.DB().NewRaw("PRAGMA integrity_check").Scan(ctx, &check); err != nil || check != "ok" {
		t.Errorf("the restored database after a start: integrity_check %q %v", check, err)
	}
}

// countTeam counts the teams of slug in the SQLite database at path.
func countTeam(t *testing.T, path, slug string) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM teams WHERE slug = ?", slug).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// backupOf makes a data directory with one team and returns it with its
// backup.
func backupOf(t *testing.T) (data, backup string) {
	t.Helper()
	dir := t.TempDir()
	data = filepath.Join(dir, "data")
	for _, args := range [][]string{{"migrate"}, {"team", "create", "--slug", "in-the-backup", "--name", "Kept"}, {"backup", "--to", filepath.Join(dir, "backup.db")}, {"team", "create", "--slug", "after-the-backup", "--name", "Later"}} {
		e, out, _ := testEnv(map[string]string{"PORTICO_DATA_DIR": data}, "")
		if err := runEnv(context.Background(), args, e); err != nil {
			t.Fatalf("%v: %v %s", args, err, out.String())
		}
	}
	return data, filepath.Join(dir, "backup.db")
}

// TestRestoreRefusals: what portico restore refuses, changing nothing: no
// file written in the data directory, the live database's bytes the same.
func TestRestoreRefusals(t *testing.T) {
	data, backup := backupOf(t)
	dir := filepath.Dir(data)
	latest, err := migrations.Latest()
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	// newer: a backup of a Portico that knows one more migration.
	newer := write("newer.db", good)
	db, err := sql.Open("sqlite", "file:"+newer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("INSERT INTO bun_migrations (name, group_id, migrated_at) VALUES ('99991231235959', 999, CURRENT_TIMESTAMP)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	// damaged: the backup with pages past the first overwritten.
	broken := append([]byte(nil), good...)
	for i := 4096 * 2; i < len(broken) && i < 4096*12; i++ {
		broken[i] = byte(i * 7)
	}
	damaged := write("damaged.db", broken)
	notADatabase := write("notes.txt", []byte(strings.Repeat("not a database\n", 400)))
	foreign := filepath.Join(dir, "foreign.db")
	db, err = sql.Open("sqlite", "file:"+foreign)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE things (x)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	inUse := write("in-use.db", good)
	write("in-use.db-wal", []byte("frames"))

	tests := []struct {
		name string
		args []string
		vars map[string]string
		want []string
	}{
		{"no --from", []string{"restore"}, nil, []string{"restore needs --from FILE"}},
		{"missing", []string{"restore", "--from", filepath.Join(dir, "none.db")}, nil, []string{"cannot read --from " + filepath.Join(dir, "none.db")}},
		{"a directory", []string{"restore", "--from", dir}, nil, []string{"is not a regular file"}},
		{"the database itself", []string{"restore", "--from", filepath.Join(data, "portico.db")}, nil, []string{"is the database itself"}},
		{"newer", []string{"restore", "--from", newer}, nil, []string{"cannot be restored: it was made by a newer Portico (its last migration is 99991231235959, this binary knows up to " + latest + ")", "nothing was changed"}},
		{"damaged", []string{"restore", "--from", damaged}, nil, []string{"cannot be restored: it is damaged", "nothing was changed"}},
		{"not a database", []string{"restore", "--from", notADatabase}, nil, []string{"cannot be restored: it does not open as a SQLite database", "nothing was changed"}},
		{"foreign", []string{"restore", "--from", foreign}, nil, []string{"cannot be restored: it is not a Portico database", "nothing was changed"}},
		{"with a -wal", []string{"restore", "--from", inUse}, nil, []string{"has a in-use.db-wal beside it", "portico backup --to FILE"}},
		{"postgres", []string{"restore", "--from", backup}, map[string]string{"PORTICO_DATABASE_URL": "postgres://portico:secret@db:5432/portico"},
			[]string{"this portal runs on PostgreSQL", `pg_restore --clean --if-exists --no-owner --dbname="$PORTICO_DATABASE_URL" portico.dump`}},
	}
	live := filepath.Join(data, "portico.db")
	before := fileSum(t, live)
	entries := dataEntries(t, data)
	for _, tt := range tests {
		vars := map[string]string{"PORTICO_DATA_DIR": data}
		for k, v := range tt.vars {
			vars[k] = v
		}
		e, out, _ := testEnv(vars, "")
		err := runEnv(context.Background(), tt.args, e)
		if err == nil {
			t.Errorf("%s: restored (%s), want a refusal", tt.name, out.String())
			continue
		}
		t.Logf("%s: %v", tt.name, err)
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %v, want an error containing %q", tt.name, err, w)
			}
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("%s: the error shows the database password: %v", tt.name, err)
		}
		if fileSum(t, live) != before {
			t.Errorf("%s: the live database changed", tt.name)
		}
		if got := dataEntries(t, data); !slices.Equal(got, entries) {
			t.Errorf("%s: the data directory holds %v, want %v as before", tt.name, got, entries)
		}
	}
	if n := countTeam(t, live, "after-the-backup"); n != 1 {
		t.Errorf("the live database lost its team after-the-backup: %d", n)
	}
}

// TestRestoreRefusedWhileServing: portico restore refuses while a portal
// runs on the database, naming it, and changes nothing; so it does after
// the portal was killed, while its last heartbeat is recent; and it
// restores once that heartbeat is old. The portal is a process of its own,
// as in production (locks between processes are the file system's).
func TestRestoreRefusedWhileServing(t *testing.T) {
	p := startServed(t)
	data := p.cmd.Args[slices.Index(p.cmd.Args, "--data")+1]
	backup := filepath.Join(t.TempDir(), "backup.db")
	e, _, _ := testEnv(map[string]string{"PORTICO_DATA_DIR": data}, "")
	if err := runEnv(context.Background(), []string{"backup", "--to", backup}, e); err != nil {
		t.Fatal(err)
	}
	e, _, _ = testEnv(map[string]string{"PORTICO_DATA_DIR": data}, "")
	if err := runEnv(context.Background(), []string{"team", "create", "--slug", "after-the-backup", "--name", "Later"}, e); err != nil {
		t.Fatal(err)
	}
	live := filepath.Join(data, "portico.db")
	entries := dataEntries(t, data)
	// The WAL may be checkpointed into the database (as any command's
	// last connection does on closing it); nothing else may change.
	noWAL := func(names []string) []string {
		return slices.DeleteFunc(names, func(n string) bool { return strings.HasSuffix(n, "-wal") || strings.HasSuffix(n, "-shm") })
	}
	entries = noWAL(entries)
	unchanged := func(when string) {
		t.Helper()
		if got := noWAL(dataEntries(t, data)); !slices.Equal(got, entries) {
			t.Errorf("%s: the data directory holds %v, want %v as before", when, got, entries)
		}
		if n := countTeam(t, live, "after-the-backup"); n != 1 {
			t.Errorf("%s: the live database lost its team after-the-backup: %d", when, n)
		}
	}

	_, err := runRestore(t, data, backup, nil)
	if err == nil || !strings.Contains(err.Error(), "a portal is running on "+live+": instance ") ||
		!strings.Contains(err.Error(), "listening on "+p.addr) || !strings.Contains(err.Error(), "stop it (SIGTERM") || !strings.Contains(err.Error(), "nothing was changed") {
		t.Errorf("restore beside a running portal: %v, want a refusal naming it", err)
	}
	t.Logf("while serving: %v", err)
	unchanged("while serving")
	if p.status("/readyz") != 200 {
		t.Errorf("the portal after the refused restore: /readyz %d", p.status("/readyz"))
	}

	// Killed: its heartbeat stays recent for a few seconds.
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-p.done
	killed := time.Now()
	_, err = runRestore(t, data, backup, nil)
	if time.Since(killed) < 4*time.Second {
		if err == nil || !strings.Contains(err.Error(), "a portal is running on "+live+": instance ") || !strings.Contains(err.Error(), "last heartbeat") {
			t.Errorf("restore just after the portal was killed: %v, want a refusal naming its heartbeat", err)
		}
		t.Logf("just after the kill: %v", err)
		unchanged("just after the kill")
	}
	time.Sleep(time.Until(killed.Add(6 * time.Second)))
	out, err := runRestore(t, data, backup, nil)
	if err != nil {
		t.Fatalf("restore after the killed portal's heartbeat aged: %v", err)
	}
	if !strings.Contains(out, "restored ") {
		t.Errorf("restore said %q", out)
	}
	if n := countTeam(t, live, "after-the-backup"); n != 0 {
		t.Errorf("the restored database holds the team made after the backup")
	}
}

// TestRestoreIntoANewDataDirectory restores a backup where no database is
// yet (a new host): it is put in place, nothing is kept, and it is the
// backup's, up to date.
func TestRestoreIntoANewDataDirectory(t *testing.T) {
	_, backup := backupOf(t)
	data := filepath.Join(t.TempDir(), "new", "data")
	out, err := runRestore(t, data, backup, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "restored "+backup+" into "+filepath.Join(data, "portico.db")) || strings.Contains(out, "kept as") {
		t.Errorf("restore said %q", out)
	}
	if got := dataEntries(t, data); !slices.Equal(got, []string{"portico.db", "search.bleve.rebuilding"}) {
		t.Errorf("the new data directory holds %v", got)
	}
	e, out2, _ := testEnv(map[string]string{"PORTICO_DATA_DIR": data}, "")
	if err := runEnv(context.Background(), []string{"migrate"}, e); err != nil || !strings.Contains(out2.String(), "up to date") {
		t.Errorf("migrate on the restored database: %v %q", err, out2.String())
	}
	if n := countTeam(t, filepath.Join(data, "portico.db"), "in-the-backup"); n != 1 {
		t.Errorf("the restored database has %d teams in-the-backup, want 1", n)
	}
}

// TestRestoreUndoCommandRunsAsPrinted runs the undo command restore prints,
// word for word, in a shell without PORTICO_DATA_DIR (the operator who gave
// --data on the command line): it must name the data directory it restored
// into, or it restores the kept database into ./data, a data directory no
// portal uses, and leaves the restored one in place.
func TestRestoreUndoCommandRunsAsPrinted(t *testing.T) {
	data, backup := backupOf(t)
	e, out, _ := testEnv(nil, "")
	if err := runEnv(context.Background(), []string{"restore", "--data", data, "--from", backup}, e); err != nil {
		t.Fatalf("restore: %v", err)
	}
	_, undo, ok := strings.Cut(out.String(), "to undo, run ")
	if !ok {
		t.Fatalf("restore prints no undo command:\n%s", out)
	}
	undo, _, _ = strings.Cut(undo, ";")
	args := strings.Fields(undo)
	if len(args) < 2 || args[0] != "portico" || args[1] != "restore" {
		t.Fatalf("the undo command %q is not a portico restore", undo)
	}
	i := slices.Index(args, "--data")
	if i < 0 || i+1 >= len(args) || args[i+1] != data {
		t.Fatalf("the undo command %q does not name the data directory %s: run as printed, it restores into ./data", undo, data)
	}
	e, out, _ = testEnv(nil, "")
	if err := runEnv(context.Background(), args[1:], e); err != nil {
		t.Fatalf("%s: %v", undo, err)
	}
	if n := countTeam(t, filepath.Join(data, "portico.db"), "after-the-backup"); n != 1 {
		t.Errorf("after the undo command the database has %d teams after-the-backup, want the previous database's (1)\n%s", n, out)
	}
}

func TestShellWord(t *testing.T) {
	for in, want := range map[string]string{
		"/var/lib/portico": "/var/lib/portico",
		"sqlite:/srv/p.db": "sqlite:/srv/p.db",
		"/srv/my data":     "'/srv/my data'",
		"/srv/it's":        `'/srv/it'\''s'`,
		"":                 "''",
	} {
		if got := shellWord(in); got != want {
			t.Errorf("shellWord(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestRestoreTwiceInOneSecond: a restore and its undo (or a second restore)
// within the same second both succeed, each keeping the database it
// replaced under a name of its own.
func TestRestoreTwiceInOneSecond(t *testing.T) {
	data, backup := backupOf(t)
	// Start early in a second, so that both restores fall within it.
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
	for i := range 2 {
		if out, err := runRestore(t, data, backup, nil); err != nil {
			t.Fatalf("restore %d: %v\n%s", i+1, err, out)
		}
	}
	var kept []string
	for _, name := range dataEntries(t, data) {
		if strings.HasPrefix(name, "portico.db.before-restore-") {
			kept = append(kept, name)
		}
	}
	if len(kept) != 2 {
		t.Fatalf("kept databases %v, want two", kept)
	}
	if n := countTeam(t, filepath.Join(data, kept[0]), "after-the-backup") + countTeam(t, filepath.Join(data, kept[1]), "after-the-backup"); n != 1 {
		t.Errorf("the first kept database should hold after-the-backup, the second not: %d of them do", n)
	}
}
