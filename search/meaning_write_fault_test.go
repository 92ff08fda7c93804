package search

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"

	"github.com/portico-dev/portico/search/encoder"
)

// TestMeaningFailedAppendIsCut: an append to the vectors file that fails part-way (a full disk: some bytes written,
// then ENOSPC) is cut back to the last whole record, so that the records appended after it follow that record and
// are read at the next load, rather than stopping the load at a torn record with all that follows it.
func TestMeaningFailedAppendIsCut(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vectors")
	m, err := OpenMeaning(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	var keys []textKey
	var vecs [][]float32
	for i, text := range []string{"send a text message", "track a parcel", "convert a currency", "book a flight"} {
		v := make([]float32, encoder.Dim)
		for j := range v {
			v[j] = float32(i+1) / float32(j+1)
		}
		keys, vecs = append(keys, keyOf(text)), append(vecs, v)
	}
	keep := func(i int) error { return m.keep(keys[i:i+1], []int{0}, vecs[i:i+1]) }
	if err := keep(0); err != nil {
		t.Fatal(err)
	}
	// The second append, of two records, writes half of the first, then the disk is full.
	m.writeRecords = func(f *os.File, b []byte) (int, error) {
		n, err := f.Write(b[:recordSize/2])
		if err != nil {
			return n, err
		}
		return n, &os.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
	}
	if err := m.keep(keys[1:3], []int{0, 1}, vecs[1:3]); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("keep with a full disk: %v, want ENOSPC", err)
	}
	if got, want := fileSize(t, path), int64(len(vectorsHeader)+recordSize); got != want {
		t.Errorf("after the failed append the file has %d bytes, want %d (cut back to its last whole record)", got, want)
	}
	m.writeRecords = nil
	if err := keep(3); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	m, err = OpenMeaning(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	for _, i := range []int{0, 3} {
		row, ok := m.byKey[keys[i]]
		if !ok || !slices.Equal(m.rows[int(row)*encoder.Dim:(int(row)+1)*encoder.Dim], vecs[i]) {
			t.Errorf("record %d, appended before or after the failed append, not read back at the next load", i)
		}
	}
	if len(m.byKey) != 2 {
		t.Errorf("%d texts read at the next load, want 2 (those of the failed append are encoded again)", len(m.byKey))
	}
}
