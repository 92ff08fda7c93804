package search

import (
	"context"
	"path/filepath"
	"testing"
)

// TestBlevePositionKeepsItsStamp: the position and the time of its entry
// survive a reopen, and a position kept before stamps (a bare number) still
// reads, without a stamp.
func TestBlevePositionKeepsItsStamp(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "index")
	idx, err := OpenBleve(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := LogPosition{Entry: 42, Stamp: 1796530000123456}
	if err := idx.Apply(ctx, want, conformanceCorpus(), nil); err != nil {
		t.Fatal(err)
	}
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}
	if idx, err = OpenBleve(dir); err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if got, ok, err := idx.Position(); err != nil || !ok || got != want {
		t.Errorf("position after reopening: %+v %v %v, want %+v", got, ok, err, want)
	}
	if err := idx.idx.SetInternal([]byte(positionKey), []byte("17")); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := idx.Position(); err != nil || !ok || got != (LogPosition{Entry: 17}) {
		t.Errorf("a position kept before stamps: %+v %v %v, want entry 17 without a stamp", got, ok, err)
	}
	if err := idx.idx.SetInternal([]byte(positionKey), []byte("17@x")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := idx.Position(); err == nil {
		t.Error("a garbled stamp reads without an error")
	}
}
