package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/portico-dev/portico/cluster"
	"github.com/portico-dev/portico/migrations"
	"github.com/portico-dev/portico/search"
	"github.com/portico-dev/portico/store"
)

// restoreLockWait is how long portico restore waits for the exclusive lock
// of the live database: a portal or a command holds it open for as long as
// it runs, so waiting longer would not help.
const restoreLockWait = 2 * time.Second

// cmdRestore puts a backup in place of the SQLite database, with the
// portal stopped. The backup is copied into the data directory and checked
// first (integrity, a Portico database, not from a newer Portico); then,
// under an exclusive lock of the live database that no other process can
// hold beside it (a running portal keeps it open, and so holds it off),
// the live database is turned into one self-contained file, kept under a
// new name, its -wal and -shm removed, and the copy renamed into place.
// The embedded search index is marked for a rebuild at the next start.
func cmdRestore(ctx context.Context, args []string, e env) error {
	var from string
	c, err := parse("restore", args, e, func(f *flag.FlagSet) {
		f.StringVar(&from, "from", "", "the backup to restore, a file written by portico backup (required)")
	})
	if err != nil {
		return err
	}
	live, ok := store.SQLiteFile(c.DatabaseURL, c.DataDir)
	if !ok {
		return errors.New("portico restore restores a SQLite database; this portal runs on PostgreSQL: back it up and restore it with " + pgDumpHint)
	}
	if strings.TrimSpace(from) == "" {
		return errors.New("restore needs --from FILE, a backup written by portico backup")
	}
	live, err = filepath.Abs(live)
	if err != nil {
		return fmt.Errorf("invalid database path: %w", err)
	}
	src, err := os.Open(from)
	if err != nil {
		return fmt.Errorf("cannot read --from %s: %v", from, errors.Unwrap(err))
	}
	defer src.Close()
	fi, err := src.Stat()
	if err != nil {
		return fmt.Errorf("cannot read --from %s: %w", from, err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("--from %s is not a regular file", from)
	}
	if cur, err := os.Stat(live); err == nil && os.SameFile(fi, cur) {
		return fmt.Errorf("--from %s is the database itself: restore a backup written by portico backup", from)
	}
	// A live database copied with cp has its last commits in its -wal,
	// which the copy below would leave behind.
	if wal, err := os.Stat(from + "-wal"); err == nil && wal.Size() > 0 {
		return fmt.Errorf("--from %s has a %s-wal beside it: it is a database in use (or copied with its WAL), not a backup; make a backup with portico backup --to FILE and restore that", from, filepath.Base(from))
	}
	dataDir := filepath.Dir(live)
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return fmt.Errorf("create the data directory: %w", err)
	}

	// The copy is made and checked in a directory of its own in the data
	// directory (so that the rename into place is atomic); it is removed
	// whatever happens.
	dir, err := os.MkdirTemp(dataDir, ".portico-restore-*")
	if err != nil {
		return fmt.Errorf("create a temporary directory in %s: %w", dataDir, err)
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, "portico.db")
	if err := copyFile(src, tmp); err != nil {
		return err
	}
	latest, err := migrations.Latest()
	if err != nil {
		return err
	}
	migration, err := checkRestorable(ctx, tmp, latest)
	if err != nil {
		return fmt.Errorf("--from %s cannot be restored: %w; nothing was changed", from, err)
	}
	if err := syncFile(tmp); err != nil {
		return err
	}

	var kept string
	if _, err := os.Stat(live); errors.Is(err, fs.ErrNotExist) {
		// No database yet (a new data directory): nothing to lock or keep;
		// a link, unlike a rename, fails if a portal created one meanwhile.
		if err := markIndex(c, from); err != nil {
			return err
		}
		if err := os.Link(tmp, live); err != nil {
			return fmt.Errorf("put the backup in place at %s: %w", live, err)
		}
	} else {
		lock, err := lockLive(ctx, live)
		if err != nil {
			return err
		}
		kept, err = replaceLive(lock, c, live, tmp, from)
		lock.release()
		if err != nil {
			return err
		}
	}
	if err := syncDir(dataDir); err != nil {
		return err
	}

	fmt.Fprintf(e.stdout, "restored %s into %s (integrity ok, last migration %s)\n", from, live, migration)
	if migration < latest {
		fmt.Fprintf(e.stdout, "the backup is older than this portico (its migrations end at %s, this binary's at %s): the next start migrates it\n", migration, latest)
	}
	if kept != "" {
		fmt.Fprintf(e.stdout, "the previous database is kept as %s: to undo, run %s; delete it once the restore is confirmed\n", kept, undoCommand(c, live, kept))
	}
	if c.MeilisearchURL != "" {
		fmt.Fprintln(e.stdout, "the next start finds that the Meilisearch index does not match the restored database and rebuilds it")
	} else {
		fmt.Fprintln(e.stdout, "the next start rebuilds the search index from the restored database")
	}
	return nil
}

// undoCommand is the command that puts kept back in place of live, with
// the data directory (and the database URL, when the database was named by
// one) spelled out: run in another shell, without the restore's flags or
// environment, it must reach the same database and index.
func undoCommand(c *config, live, kept string) string {
	args := []string{"portico", "restore"}
	if data, err := filepath.Abs(c.DataDir); err == nil {
		args = append(args, "--data", shellWord(data))
	}
	if c.DatabaseURL != "" {
		args = append(args, "--database-url", shellWord("sqlite:"+live))
	}
	return strings.Join(append(args, "--from", shellWord(kept)), " ")
}

// shellWord quotes s for a POSIX shell when it holds anything but
// letters, digits and -_./:+=@,
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:+=@,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// replaceLive does the swap under lock: it refuses while an instance
// heartbeats, marks the search index for a rebuild, keeps the live database
// under a new name, removes its -wal and -shm and renames tmp into place.
// It returns the name the previous database is kept under.
func replaceLive(lock *liveLock, c *config, live, tmp, from string) (string, error) {
	if running, err := runningInstances(lock, time.Now()); err != nil {
		return "", err
	} else if running != "" {
		return "", fmt.Errorf("a portal is running on %s: %s; stop it (SIGTERM: systemctl stop, docker stop, Ctrl-C) and wait until it has exited, then run portico restore again (a portal killed without stopping counts as running for %s after its last heartbeat); nothing was changed", live, running, cluster.DefaultDeadAfter)
	}
	// Leaving WAL mode checkpoints the WAL into the database file and
	// removes it: the previous database is then one self-contained file.
	var mode string
	if err := lock.conn.QueryRowContext(lock.ctx, "PRAGMA journal_mode=DELETE").Scan(&mode); err != nil || mode != "delete" {
		return "", fmt.Errorf("fold the WAL of %s into it (journal mode %q): %v; nothing was changed", live, mode, err)
	}
	if err := markIndex(c, from); err != nil {
		return "", err
	}
	// A second restore within the same second (an undo run at once) keeps
	// its database under the next free name: a link never replaces one.
	base := live + ".before-restore-" + time.Now().UTC().Format("20060102T150405Z")
	kept := base
	for n := 2; ; n++ {
		err := os.Link(live, kept)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrExist) || n > 100 {
			return "", fmt.Errorf("keep the previous database as %s: %w; nothing was changed", kept, err)
		}
		kept = fmt.Sprintf("%s-%d", base, n)
	}
	// The lock is held: no process reads or writes the WAL files.
	for _, ext := range []string{"-wal", "-shm", "-journal"} {
		if err := os.Remove(live + ext); err != nil && !errors.Is(err, fs.ErrNotExist) {
			os.Remove(kept)
			return "", fmt.Errorf("remove %s%s: %w; nothing was changed", live, ext, err)
		}
	}
	if err := os.Rename(tmp, live); err != nil {
		os.Remove(kept)
		return "", fmt.Errorf("put the backup in place at %s: %w; nothing was changed", live, err)
	}
	return kept, nil
}

// markIndex marks the embedded search index for a rebuild at the next
// start (see search.MarkForRebuild): it indexes another database.
func markIndex(c *config, from string) error {
	if c.MeilisearchURL != "" {
		return nil
	}
	reason := fmt.Sprintf("database restored from %s at %s", from, time.Now().UTC().Format(time.RFC3339))
	if err := search.MarkForRebuild(c.searchDir(), reason); err != nil {
		return fmt.Errorf("%w; nothing was changed", err)
	}
	return nil
}

// liveLock is an exclusive lock of the live database, held by one
// connection in SQLite's exclusive locking mode.
type liveLock struct {
	db   *sql.DB
	conn *sql.Conn
	ctx  context.Context
}

func (l *liveLock) release() {
	l.conn.Close()
	l.db.Close()
}

// lockLive takes the exclusive lock of the live database: a connection in
// exclusive locking mode takes the database file's exclusive lock at its
// first read and keeps it until it closes. A process that has the database
// open holds it off (in WAL mode every open connection keeps a shared lock
// of the file): a running portal (or command) makes lockLive fail, with a
// message naming what runs.
func lockLive(ctx context.Context, live string) (*liveLock, error) {
	db, err := sql.Open("sqlite", "file:"+live+fmt.Sprintf("?_pragma=locking_mode(EXCLUSIVE)&_pragma=busy_timeout(%d)", restoreLockWait.Milliseconds()))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", live, err)
	}
	conn, err := db.Conn(ctx)
	if err == nil {
		var n int
		if err = conn.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_master").Scan(&n); err != nil {
			conn.Close()
		}
	}
	if err != nil {
		db.Close()
		if strings.Contains(err.Error(), "SQLITE_BUSY") || strings.Contains(err.Error(), "database is locked") {
			return nil, busyError(ctx, live)
		}
		return nil, fmt.Errorf("lock the database %s: %w; nothing was changed", live, err)
	}
	return &liveLock{db: db, conn: conn, ctx: ctx}, nil
}

// busyError says what holds the live database open: the instances whose
// heartbeat is recent, or some other process.
func busyError(ctx context.Context, live string) error {
	running := ""
	db, err := sql.Open("sqlite", "file:"+live+"?mode=ro&_pragma=busy_timeout(2000)")
	if err == nil {
		conn, err := db.Conn(ctx)
		if err == nil {
			running, _ = runningInstances(&liveLock{db: db, conn: conn, ctx: ctx}, time.Now())
			conn.Close()
		}
		db.Close()
	}
	if running != "" {
		return fmt.Errorf("a portal is running on %s: %s; stop it (SIGTERM: systemctl stop, docker stop, Ctrl-C) and wait until it has exited, then run portico restore again; nothing was changed", live, running)
	}
	return fmt.Errorf("another process has %s open (a portal, or a portico command such as backup, import or reindex): stop it and wait until it has exited, then run portico restore again; nothing was changed", live)
}

// runningInstances describes the instances registered in the database whose
// last heartbeat is more recent than cluster.DefaultDeadAfter ("" if none).
func runningInstances(l *liveLock, now time.Time) (string, error) {
	var n int
	if err := l.conn.QueryRowContext(l.ctx, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'instances'").Scan(&n); err != nil {
		return "", fmt.Errorf("read the instances of the database: %w", err)
	}
	if n == 0 {
		return "", nil
	}
	rows, err := l.conn.QueryContext(l.ctx, "SELECT name, addr, version, seen_at FROM instances ORDER BY name")
	if err != nil {
		return "", fmt.Errorf("read the instances of the database: %w", err)
	}
	defer rows.Close()
	var running []string
	for rows.Next() {
		var name, addr, version string
		var seen time.Time
		if err := rows.Scan(&name, &addr, &version, &seen); err != nil {
			return "", fmt.Errorf("read the instances of the database: %w", err)
		}
		if ago := now.Sub(seen); ago < cluster.DefaultDeadAfter {
			running = append(running, fmt.Sprintf("instance %s (portico %s, listening on %s, last heartbeat %s ago)", name, version, addr, ago.Round(100*time.Millisecond).Abs()))
		}
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("read the instances of the database: %w", err)
	}
	return strings.Join(running, ", "), nil
}

// copyFile copies src into a new file at path, readable by its owner only.
func copyFile(src io.Reader, path string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, src); err != nil {
		f.Close()
		return fmt.Errorf("copy the backup into the data directory: %w", err)
	}
	return f.Close()
}

// checkRestorable checks the copy of a backup at path: it opens as a
// SQLite database, turned into one self-contained file; it passes PRAGMA
// integrity_check; it is a Portico database (bun_migrations); and its last
// migration is not later than latest, this binary's. It returns that
// migration.
func checkRestorable(ctx context.Context, path, latest string) (string, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return "", err
	}
	defer db.Close()
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode=DELETE").Scan(&mode); err != nil {
		return "", fmt.Errorf("it does not open as a SQLite database (%v)", err)
	}
	problems, err := integrityCheck(ctx, db)
	if err != nil {
		return "", fmt.Errorf("it is damaged: PRAGMA integrity_check stopped on %v", err)
	}
	if len(problems) > 0 {
		if len(problems) > 5 {
			problems = append(problems[:5], fmt.Sprintf("and %d more", len(problems)-5))
		}
		return "", fmt.Errorf("it fails PRAGMA integrity_check (it is damaged): %s", strings.Join(problems, "; "))
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'bun_migrations'").Scan(&n); err != nil {
		return "", fmt.Errorf("read its tables: %w", err)
	}
	if n == 0 {
		return "", errors.New("it is not a Portico database (it has no bun_migrations table)")
	}
	var migration sql.NullString
	if err := db.QueryRowContext(ctx, "SELECT MAX(name) FROM bun_migrations").Scan(&migration); err != nil {
		return "", fmt.Errorf("read its migrations: %w", err)
	}
	if !migration.Valid {
		return "", errors.New("it is not a Portico database (no migration was applied to it)")
	}
	if migration.String > latest {
		return "", fmt.Errorf("it was made by a newer Portico (its last migration is %s, this binary knows up to %s): restore it with that version of portico, or a later one", migration.String, latest)
	}
	return migration.String, nil
}
