package node

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/portico-dev/portico/gateway"
)

// The last-known-good configuration in the data directory is the state the
// node applied, on disk before it acks:
//
//   - lkgFile, a wire snapshot (so it is verified by its hash when read
//     back), written atomically: a temporary file, fsync, rename, fsync of
//     the directory;
//   - journalFile, the deltas applied since, one wire delta per line,
//     each appended and fsynced before the ack.
//
// Reading it back applies the journal's deltas in order to the snapshot,
// each verified like a delta from the portal (base, items, hash): it skips
// those the snapshot already holds and stops at the first that does not
// follow (a line torn by a crash while it was written, before its ack, or
// the journal of an older snapshot), and cuts the journal there. When the
// journal has grown (journalMaxRecords lines or a quarter of the snapshot's
// size), a new snapshot is written in the background; the journal then keeps
// only the deltas after it.
const (
	lkgFile     = "snapshot.json"
	journalFile = "changes.jsonl"
)

// journalMaxRecords bounds the deltas replayed at start.
const journalMaxRecords = 256

// journalMinBytes is the journal size below which no compaction starts.
const journalMinBytes = 1 << 20

// lkg is the node's view of its data directory; guarded by Node.applyMu.
type lkg struct {
	dir string
	// disk is the state that snapshot + journal hold; zero when unknown
	// (nothing written yet, or the last write failed).
	disk gateway.Head
	// snapshot is the head of the snapshot file and snapBytes its size.
	snapshot  gateway.Head
	snapBytes int64
	// records are the journal's lines (with their versions), in order.
	records      []journalRecord
	journalBytes int64
	// generation counts snapshot writes, so that a background compaction
	// never replaces a newer snapshot.
	generation uint64
	compacting bool
}

type journalRecord struct {
	version uint64
	line    []byte // the encoded delta and its newline
}

// needsCompaction reports whether the journal has grown enough for a new
// snapshot.
func (l *lkg) needsCompaction() bool {
	return !l.compacting && (len(l.records) >= journalMaxRecords || l.journalBytes > max(journalMinBytes, l.snapBytes/4))
}

// writeSnapshotFile writes st atomically as the snapshot file.
func writeSnapshotFile(dir string, st *gateway.State) (size int64, err error) {
	tmp, err := createTemp(dir, ".snapshot-*.tmp", func(w io.Writer) error { return st.WriteSnapshot(w) })
	if err != nil {
		return 0, err
	}
	return commitTemp(tmp, filepath.Join(dir, lkgFile))
}

// createTemp writes a temporary file in dir with write, fsynced and closed;
// the caller renames or removes it.
func createTemp(dir, pattern string, write func(io.Writer) error) (name string, err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w := bufio.NewWriterSize(tmp, 1<<20)
	if err := write(w); err != nil {
		return "", err
	}
	if err := w.Flush(); err != nil {
		return "", err
	}
	if err := tmp.Sync(); err != nil {
		return "", err
	}
	return tmp.Name(), tmp.Close()
}

// commitTemp renames tmp to path and fsyncs the directory; it returns the
// file's size.
func commitTemp(tmp, path string) (int64, error) {
	fi, err := os.Stat(tmp)
	if err != nil {
		os.Remove(tmp)
		return 0, err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return 0, err
	}
	return fi.Size(), syncDir(filepath.Dir(path))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// saveFull writes st as the snapshot and empties the journal. The snapshot
// is renamed in before the journal goes, so a crash in between leaves the
// new snapshot with the old journal, whose deltas do not follow it.
func (l *lkg) saveFull(st *gateway.State) error {
	l.disk = gateway.Head{}
	l.generation++
	size, err := writeSnapshotFile(l.dir, st)
	if err != nil {
		return err
	}
	l.snapshot, l.snapBytes = st.Head(), size
	if err := l.rewriteJournal(nil); err != nil {
		return err
	}
	l.disk = st.Head()
	return nil
}

// rewriteJournal replaces the journal with records (none: removes it).
func (l *lkg) rewriteJournal(records []journalRecord) error {
	path := filepath.Join(l.dir, journalFile)
	if len(records) == 0 {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		l.records, l.journalBytes = nil, 0
		return syncDir(l.dir)
	}
	tmp, err := createTemp(l.dir, ".changes-*.tmp", func(w io.Writer) error {
		for _, r := range records {
			if _, err := w.Write(r.line); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	size, err := commitTemp(tmp, path)
	if err != nil {
		return err
	}
	l.records, l.journalBytes = records, size
	return nil
}

// appendDelta records d, applied to the state on disk, giving st: one line
// appended to the journal and fsynced.
func (l *lkg) appendDelta(d *gateway.Delta, st *gateway.State) error {
	line := append(d.Encode(), '\n')
	l.disk = gateway.Head{}
	f, err := os.OpenFile(filepath.Join(l.dir, journalFile), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(line); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if len(l.records) == 0 {
		// The journal file is new: its name must reach the disk too.
		if err := syncDir(l.dir); err != nil {
			return err
		}
	}
	l.records = append(l.records, journalRecord{version: d.Version, line: line})
	l.journalBytes += int64(len(line))
	l.disk = st.Head()
	return nil
}

// tempPatterns are the names of the temporary files createTemp writes.
var tempPatterns = []string{".snapshot-*.tmp", ".changes-*.tmp"}

// removeLeftovers removes the temporary files of writes a crash cut short
// (the process killed between createTemp and the rename): nothing reads
// them, and each may be as large as the configuration. Called at start,
// before anything is written. It returns the names removed.
func (l *lkg) removeLeftovers() (removed []string, err error) {
	for _, pattern := range tempPatterns {
		names, gerr := filepath.Glob(filepath.Join(l.dir, pattern))
		if gerr != nil {
			return removed, gerr
		}
		for _, name := range names {
			if rerr := os.Remove(name); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
				err = errors.Join(err, rerr)
				continue
			}
			removed = append(removed, filepath.Base(name))
		}
	}
	return removed, err
}

// errNoLKG says the data directory holds no configuration yet.
var errNoLKG = errors.New("no last-known-good configuration")

// load reads and verifies the last-known-good configuration: the snapshot
// and the journal's deltas after it. It cuts the journal after the last
// delta that follows; skipped tells how many lines were dropped. cutErr says
// the journal could not be cut (st is served all the same).
func (l *lkg) load(lim gateway.Limits) (st *gateway.State, skipped int, cutErr, err error) {
	f, err := os.Open(filepath.Join(l.dir, lkgFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, 0, nil, errNoLKG
	}
	if err != nil {
		return nil, 0, nil, err
	}
	defer f.Close()
	data, err := gateway.ReadLimited(f, lim.MaxBytes)
	if err != nil {
		return nil, 0, nil, fmt.Errorf("read %s: %w", f.Name(), err)
	}
	st, err = gateway.DecodeSnapshot(data, lim)
	if err != nil {
		return nil, 0, nil, fmt.Errorf("%s: %w", f.Name(), err)
	}
	l.snapshot, l.snapBytes = st.Head(), int64(len(data))
	journal, err := os.ReadFile(filepath.Join(l.dir, journalFile))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, 0, nil, err
	}
	var kept []journalRecord
	var keptBytes int64
	held := 0
	for len(journal) > 0 {
		i := bytes.IndexByte(journal, '\n')
		if i < 0 {
			skipped++ // a torn last line
			break
		}
		line := journal[:i+1]
		journal = journal[i+1:]
		d, err := gateway.DecodeDelta(line[:i], lim)
		if err != nil {
			skipped++
			break
		}
		if d.Version <= st.Version() && len(kept) == 0 {
			held++ // the snapshot holds it already (written by a compaction)
			continue
		}
		next, err := st.Apply(d)
		if err != nil {
			skipped++
			break
		}
		st = next
		kept = append(kept, journalRecord{version: d.Version, line: bytes.Clone(line)})
		keptBytes += int64(len(line))
	}
	for len(journal) > 0 {
		if i := bytes.IndexByte(journal, '\n'); i >= 0 {
			journal = journal[i+1:]
		} else {
			journal = nil
		}
		skipped++
	}
	l.disk = st.Head()
	switch {
	case held == 0 && skipped > 0:
		// The lines kept are the file's first bytes: cut it in place, which
		// takes no room on the disk (a full disk is what tears a line).
		cutErr = cutJournal(filepath.Join(l.dir, journalFile), keptBytes)
		l.records, l.journalBytes = kept, keptBytes
	case skipped > 0 || held > 0:
		cutErr = l.rewriteJournal(kept)
		if cutErr != nil {
			l.records, l.journalBytes = kept, keptBytes
		}
	default:
		l.records, l.journalBytes = kept, keptBytes
	}
	if cutErr != nil {
		// The state read is verified and served all the same; what is on
		// disk is not known, so the next apply writes the whole snapshot,
		// which replaces the journal.
		l.disk = gateway.Head{}
		cutErr = fmt.Errorf("cut %s: %w", journalFile, cutErr)
	}
	return st, skipped, cutErr, nil
}

// cutJournal truncates the journal at size and fsyncs it.
func cutJournal(path string, size int64) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if err := f.Truncate(size); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// compact writes st as the new snapshot, outside applyMu; then, under it,
// n.finishCompaction keeps the journal's deltas after st.
func (n *Node) compact(st *gateway.State, generation uint64) {
	tmp, err := createTemp(n.lkg.dir, ".snapshot-*.tmp", func(w io.Writer) error { return st.WriteSnapshot(w) })
	n.applyMu.Lock()
	defer n.applyMu.Unlock()
	l := &n.lkg
	l.compacting = false
	if err != nil {
		n.opts.Logger.Warn("last-known-good snapshot not written (the journal keeps the changes)", "version", st.Version(), "err", err)
		return
	}
	if l.generation != generation {
		os.Remove(tmp) // a full snapshot was written meanwhile
		return
	}
	size, err := commitTemp(tmp, filepath.Join(l.dir, lkgFile))
	if err != nil {
		n.opts.Logger.Warn("last-known-good snapshot not written (the journal keeps the changes)", "version", st.Version(), "err", err)
		return
	}
	l.generation++
	l.snapshot, l.snapBytes = st.Head(), size
	var after []journalRecord
	for i, r := range l.records {
		if r.version > st.Version() {
			after = l.records[i:]
			break
		}
	}
	if err := l.rewriteJournal(after); err != nil {
		// The old journal stays: its deltas up to st are skipped when read.
		n.opts.Logger.Warn("last-known-good journal not shortened", "err", err)
		return
	}
	n.opts.Logger.Debug("last-known-good snapshot written", "version", st.Version(), "journal", len(after))
}
