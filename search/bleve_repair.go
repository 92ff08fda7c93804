package search

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// How the embedded index repairs itself.
//
// A rebuild (`portico reindex`, or a start that builds the index) first
// writes a marker file beside the index directory and removes it only once
// the rebuild has completed, both durably (written to a temporary file,
// fsynced, renamed, and the directory fsynced). A process killed in between
// leaves the marker: the next OpenBleve finds it, empties the partial index,
// and the caller's feed rebuilds it from the database, since an empty index
// has no position in the index log.
//
// An index directory that does not open (garbage files, a truncated
// segment, a layout it cannot read) is renamed aside with a timestamp, kept
// for inspection, and an empty index is created in its place, to be rebuilt
// the same way. Repaired says what OpenBleve did, for the caller's log.

// markerPath is the rebuild marker of the index in dir: a sibling file, as
// a rebuild removes and recreates the directory itself.
func markerPath(dir string) string { return filepath.Clean(dir) + ".rebuilding" }

// asidePath is where a directory that failed to open at t is moved.
func asidePath(dir string, t time.Time) string {
	return filepath.Clean(dir) + ".corrupt-" + t.UTC().Format("20060102T150405.000Z")
}

// BeginRebuild records durably that the index is being rebuilt: until
// EndRebuild, an OpenBleve of this directory empties it first.
func (b *Bleve) BeginRebuild() error {
	return writeMarker(b.dir, "rebuild started "+time.Now().UTC().Format(time.RFC3339)+" by process "+strconv.Itoa(os.Getpid()))
}

// MarkForRebuild records durably, without opening the index in dir, that
// it no longer matches the database (portico restore put another database
// in place): the next OpenBleve empties it, as after an interrupted
// rebuild, and the caller's feed rebuilds it from the database. reason is
// kept in the marker and named by Repaired.
func MarkForRebuild(dir, reason string) error {
	return writeMarker(dir, reason)
}

// writeMarker writes the rebuild marker of the index in dir, durably: to a
// temporary file, fsynced, renamed into place, the directory fsynced.
func writeMarker(dir, body string) error {
	path := markerPath(dir)
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("write search index rebuild marker: %w", err)
	}
	_, err = f.WriteString(body + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err == nil {
		err = syncDir(filepath.Dir(path))
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write search index rebuild marker: %w", err)
	}
	return nil
}

// EndRebuild removes the marker of BeginRebuild, durably. Call it only once
// the rebuilt index, with its position, is on disk.
func (b *Bleve) EndRebuild() error {
	path := markerPath(b.dir)
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove search index rebuild marker: %w", err)
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return fmt.Errorf("remove search index rebuild marker: %w", err)
	}
	return nil
}

// Repaired returns what OpenBleve repaired on opening ("" when the index
// opened as it was): the caller logs it.
func (b *Bleve) Repaired() string { return b.repaired }

// syncDir fsyncs a directory, so that a rename or removal in it is on disk.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// interrupted reports whether a rebuild of the index was interrupted, or
// asked for (MarkForRebuild), and returns the marker's first line; it then
// empties the partial index (keeping the marker, which the next completed
// rebuild removes).
func (b *Bleve) interrupted() (bool, string, error) {
	f, err := os.Open(markerPath(b.dir))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return false, "", nil
		}
		return false, "", fmt.Errorf("open search index %s: %w", b.dir, err)
	}
	head := make([]byte, 300)
	n, _ := io.ReadFull(f, head)
	f.Close()
	reason, _, _ := strings.Cut(string(head[:n]), "\n")
	if err := b.Reset(context.Background()); err != nil {
		return true, reason, fmt.Errorf("empty the partly rebuilt search index %s: %w", b.dir, err)
	}
	return true, reason, nil
}

// moveAside renames the index directory that failed to open out of the way.
func moveAside(dir string) (string, error) {
	aside := asidePath(dir, time.Now())
	if err := os.Rename(filepath.Clean(dir), aside); err != nil {
		return "", err
	}
	if err := syncDir(filepath.Dir(aside)); err != nil {
		return "", err
	}
	return aside, nil
}
