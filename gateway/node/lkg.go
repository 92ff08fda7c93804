package node

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/portico-dev/portico/gateway"
)

// lkgFile is the last-known-good configuration in the data directory: the
// wire snapshot, so it is verified by its hash when it is read back.
const lkgFile = "snapshot.json"

// saveLKG writes st as the last-known-good configuration atomically: a
// temporary file in the same directory, fsync, rename over the old one, fsync
// of the directory. A crash leaves the old file or the new one, never a mix.
func saveLKG(dir string, st *gateway.State) (err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".snapshot-*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w := bufio.NewWriterSize(tmp, 1<<20)
	if err := st.WriteSnapshot(w); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, lkgFile)); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// errNoLKG says the data directory holds no configuration yet.
var errNoLKG = errors.New("no last-known-good configuration")

// loadLKG reads and verifies the last-known-good configuration.
func loadLKG(dir string, lim gateway.Limits) (*gateway.State, error) {
	f, err := os.Open(filepath.Join(dir, lkgFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, errNoLKG
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := gateway.ReadLimited(f, lim.MaxBytes)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", f.Name(), err)
	}
	st, err := gateway.DecodeSnapshot(data, lim)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name(), err)
	}
	return st, nil
}
