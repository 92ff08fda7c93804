package search

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/portico-dev/portico/search/encoder"
)

// tornVectors writes a vectors file of three texts through keep, as the index appends them, and returns its bytes
// and the texts' keys and vectors.
func tornVectors(t *testing.T, path string) ([]byte, []textKey, [][]float32) {
	t.Helper()
	m, err := OpenMeaning(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	var keys []textKey
	var vecs [][]float32
	for i, text := range []string{"send a text message", "track a parcel", "convert a currency"} {
		v := make([]float32, encoder.Dim)
		for j := range v {
			v[j] = float32(i+1) / float32(j+1)
		}
		keys, vecs = append(keys, keyOf(text)), append(vecs, v)
	}
	// One append per text, as three upserts would do.
	for i := range keys {
		if err := m.keep(keys[i:i+1], []int{0}, vecs[i:i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	full, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return full, keys, vecs
}

// TestMeaningTornLastRecord: a vectors file whose last record was cut at any of its bytes (a crash or a full disk
// while appending), or replaced by garbage, or whose vector has one byte changed, opens with the records before it,
// never reads the last one as a vector, cuts it from the file and says so in the log.
func TestMeaningTornLastRecord(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vectors")
	full, keys, vecs := tornVectors(t, path)
	last := len(full) - recordSize // where the last record starts

	check := func(name string, content []byte, wantCut bool) {
		t.Helper()
		if err := os.WriteFile(path, content, 0o644); err != nil {
			t.Fatal(err)
		}
		var logs bytes.Buffer
		m, err := OpenMeaning(path, slog.New(slog.NewTextHandler(&logs, nil)))
		if err != nil {
			t.Fatalf("%s: OpenMeaning: %v", name, err)
		}
		defer m.Close()
		for i, k := range keys[:2] {
			row, ok := m.byKey[k]
			if !ok || !slices.Equal(m.rows[int(row)*encoder.Dim:(int(row)+1)*encoder.Dim], vecs[i]) {
				t.Errorf("%s: record %d (whole) not read back as written", name, i)
			}
		}
		if row, ok := m.byKey[keys[2]]; ok && !slices.Equal(m.rows[int(row)*encoder.Dim:(int(row)+1)*encoder.Dim], vecs[2]) {
			t.Errorf("%s: the damaged last record was read as a wrong vector", name)
		} else if ok {
			t.Errorf("%s: the damaged last record was read", name)
		}
		if len(m.byKey) != 2 {
			t.Errorf("%s: %d texts read, want 2", name, len(m.byKey))
		}
		if got := fileSize(t, path); got != int64(last) {
			t.Errorf("%s: the file has %d bytes after opening, want %d (the damaged record cut)", name, got, last)
		}
		if logged := strings.Contains(logs.String(), "damaged"); logged != wantCut {
			t.Errorf("%s: log %q, want a damaged record logged: %v", name, logs.String(), wantCut)
		}
	}
	check("the last record missing", full[:last], false)
	for cut := last + 1; cut < len(full); cut++ {
		check(fmt.Sprintf("cut at byte %d of the last record", cut-last), full[:cut], true)
		if t.Failed() {
			break // the first cut that fails is enough; the garbage is checked still
		}
	}
	garbage := slices.Clone(full)
	for i := last; i < len(garbage); i++ {
		garbage[i] = byte(i*31 + 7)
	}
	check("the last record garbage", garbage, true)
	flipped := slices.Clone(full)
	flipped[last+len(textKey{})+100] ^= 0x40 // one byte of the vector
	check("a byte of the last vector changed", flipped, true)
}

// TestMeaningVectorsFileOfTheFirstVersion: a vectors file written before records had a checksum is read, its last
// record cut short dropped, and rewritten with checksums: its texts are not encoded again.
func TestMeaningVectorsFileOfTheFirstVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vectors")
	_, keys, vecs := tornVectors(t, path)
	old := []byte(vectorsHeaderV1)
	for i, k := range keys {
		rec := appendRecord(nil, k, vecs[i])
		old = append(old, rec[:recordSizeV1]...)
	}
	old = old[:len(old)-10] // the last record cut short
	if err := os.WriteFile(path, old, 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := OpenMeaning(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range keys[:2] {
		row, ok := m.byKey[k]
		if !ok || !slices.Equal(m.rows[int(row)*encoder.Dim:(int(row)+1)*encoder.Dim], vecs[i]) {
			t.Errorf("record %d of the first version not read back as written", i)
		}
	}
	if len(m.byKey) != 2 {
		t.Errorf("%d texts read, want 2", len(m.byKey))
	}
	m.Close()
	if got, want := fileSize(t, path), int64(len(vectorsHeader)+2*recordSize); got != want {
		t.Errorf("file of %d bytes after opening, want %d (rewritten with checksums)", got, want)
	}
	m, err = OpenMeaning(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if len(m.byKey) != 2 {
		t.Errorf("reopened after the rewrite: %d texts read, want 2", len(m.byKey))
	}
}
