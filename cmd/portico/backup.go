package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/portico-dev/portico/store"
)

// pgDumpHint is how to back up and restore a portal on PostgreSQL, which
// portico backup leaves to PostgreSQL's own tools.
const pgDumpHint = `pg_dump --format=custom --file=portico.dump "$PORTICO_DATABASE_URL" (restore, the portal stopped, with pg_restore --clean --if-exists --no-owner --dbname="$PORTICO_DATABASE_URL" portico.dump)`

// cmdBackup writes a consistent copy of the SQLite database to --to, while
// the server may run: the copy is made in a temporary directory beside the
// target, checked (PRAGMA integrity_check), synced, and only then given the
// target's name, so that a backup interrupted at any point leaves either no
// file or a whole one. The search index is not copied: it is derived from
// the database, and a portal started on a restored database rebuilds it.
func cmdBackup(ctx context.Context, args []string, e env) error {
	var to string
	var force bool
	c, err := parse("backup", args, e, func(f *flag.FlagSet) {
		f.StringVar(&to, "to", "", "the file to write the copy of the database to (required)")
		f.BoolVar(&force, "force", false, "replace --to if it exists")
	})
	if err != nil {
		return err
	}
	src, ok := store.SQLiteFile(c.DatabaseURL, c.DataDir)
	if !ok {
		return errors.New("portico backup copies a SQLite database; this portal runs on PostgreSQL: back it up with " + pgDumpHint)
	}
	if strings.TrimSpace(to) == "" {
		return errors.New("backup needs --to FILE, the file to write the copy of the database to")
	}
	target, err := filepath.Abs(to)
	if err != nil {
		return fmt.Errorf("invalid --to %q: %w", to, err)
	}
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("there is no database to back up at %s (%v): check --data or --database-url", src, errors.Unwrap(err))
	}
	if fi, err := os.Stat(target); err == nil {
		if same, _ := os.Stat(src); os.SameFile(fi, same) {
			return fmt.Errorf("--to %s is the database itself: choose another file", to)
		}
		if !force {
			return fmt.Errorf("--to %s exists: choose another file, or add --force to replace it", to)
		}
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("--to %s is not a regular file", to)
		}
	}
	// The copy is made and checked in a directory of its own beside the
	// target (on its file system, so that the rename is atomic); it is
	// removed whatever happens.
	dir, err := os.MkdirTemp(filepath.Dir(target), ".portico-backup-*")
	if err != nil {
		return fmt.Errorf("create a temporary directory beside --to %s: %w", to, err)
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, "portico.db")

	s, err := store.Open(ctx, c.DatabaseURL, c.DataDir)
	if err != nil {
		return err
	}
	err = s.BackupInto(ctx, tmp)
	s.Close()
	if err != nil {
		return err
	}
	migration, err := checkBackup(ctx, tmp)
	if err != nil {
		return err
	}
	if err := syncFile(tmp); err != nil {
		return err
	}
	if force {
		err = os.Rename(tmp, target)
	} else if err = os.Link(tmp, target); errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("--to %s was created while the copy was made: choose another file, or add --force to replace it", to)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", to, err)
	}
	if err := syncDir(filepath.Dir(target)); err != nil {
		return err
	}
	fi, err := os.Stat(target)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backed up %s to %s (%d bytes, integrity ok, last migration %s)\n", src, target, fi.Size(), migration)
	return nil
}

// checkBackup opens the copy, turns it into one self-contained file (a
// rollback journal rather than WAL, so that no -wal or -shm file belongs
// to it), runs PRAGMA integrity_check and returns the last migration
// applied to it.
func checkBackup(ctx context.Context, path string) (string, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return "", fmt.Errorf("open the copy: %w", err)
	}
	defer db.Close()
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode=DELETE").Scan(&mode); err != nil {
		return "", fmt.Errorf("open the copy: %w", err)
	}
	problems, err := integrityCheck(ctx, db)
	if err != nil {
		return "", fmt.Errorf("check the copy: %w", err)
	}
	if len(problems) > 0 {
		return "", fmt.Errorf("the copy fails PRAGMA integrity_check, so the database itself may be damaged: %s", strings.Join(problems, "; "))
	}
	var migration sql.NullString
	if err := db.QueryRowContext(ctx, "SELECT MAX(name) FROM bun_migrations").Scan(&migration); err != nil {
		return "", fmt.Errorf("read the copy's migrations: %w", err)
	}
	if !migration.Valid {
		return "none", nil
	}
	return migration.String, nil
}

// integrityCheck runs PRAGMA integrity_check on db and returns the
// problems it reports (none: the database is sound).
func integrityCheck(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return nil, err
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	return problems, rows.Err()
}

// syncFile makes path's contents durable and readable by its owner only
// (it holds password hashes and the portal's keys).
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return f.Close()
}

// syncDir makes a rename into dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
