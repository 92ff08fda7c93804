package node

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/gatewaytest"
)

// journalFixture is a node that took version 1 in full and then applies
// one-key deltas from src, as its sync loop does.
type journalFixture struct {
	t   *testing.T
	dir string
	n   *Node
	src *gatewaytest.Source
	s   syncState
}

func newJournalFixture(t *testing.T) *journalFixture {
	st, err := gatewaytest.State(1, gatewaytest.Config{APIs: 20, Keys: 200, Upstream: "http://10.0.0.1:8080/api", RatePerMinute: 60})
	if err != nil {
		t.Fatal(err)
	}
	f := &journalFixture{t: t, dir: t.TempDir(), src: gatewaytest.NewSource(st)}
	f.n = New(Options{DataDir: f.dir})
	if err := f.n.Install(st); err != nil {
		t.Fatal(err)
	}
	return f
}

// change revokes key i and delivers the delta to the node.
func (f *journalFixture) change(i int) *gateway.State {
	f.t.Helper()
	next, err := f.src.Change(gateway.Delta{Keys: gateway.Changes[gateway.Key]{Delete: []string{"k" + pad(i)}}})
	if err != nil {
		f.t.Fatal(err)
	}
	d, ok, err := f.src.DeltaSince(f.t.Context(), f.n.Current().Head())
	if err != nil || !ok {
		f.t.Fatal("no delta", err)
	}
	f.n.receiveDelta(d.Encode(), &f.s, slog.New(slog.DiscardHandler))
	if f.s.typ != gateway.MsgAck || f.n.Current().Head() != next.Head() {
		f.t.Fatalf("delta not applied: %+v", f.s.rejected)
	}
	return next
}

func pad(i int) string {
	s := strconv.Itoa(i)
	for len(s) < 6 {
		s = "0" + s
	}
	return s
}

// restart loads the data directory into a new node.
func (f *journalFixture) restart() *Node {
	f.t.Helper()
	n := New(Options{DataDir: f.dir})
	if err := n.LoadLastKnownGood(); err != nil {
		f.t.Fatal(err)
	}
	return n
}

func TestJournalKeepsEveryAckedDelta(t *testing.T) {
	f := newJournalFixture(t)
	snap, _ := os.ReadFile(filepath.Join(f.dir, lkgFile))
	var last *gateway.State
	for i := range 5 {
		last = f.change(i)
	}
	if now, _ := os.ReadFile(filepath.Join(f.dir, lkgFile)); !bytes.Equal(now, snap) {
		t.Fatal("a one-key delta rewrote the snapshot file")
	}
	journal, _ := os.ReadFile(filepath.Join(f.dir, journalFile))
	if got := bytes.Count(journal, []byte("\n")); got != 5 {
		t.Fatalf("journal holds %d lines, want 5", got)
	}
	again := f.restart()
	if again.Current().Head() != last.Head() {
		t.Fatalf("restarted at %v, want %v", again.Current().Head(), last.Head())
	}
	if _, ok := again.Current().Key("k000003"); ok {
		t.Fatal("a revoked key is back after a restart")
	}

	// A full state replaces both files.
	full, _ := f.src.Snapshot(t.Context())
	next, err := gateway.NewState(full.Version()+1, deref(full.Routes()), deref(full.Plans()), deref(full.Keys())[1:])
	if err != nil {
		t.Fatal(err)
	}
	if err := f.n.Install(next); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(f.dir, journalFile)); !os.IsNotExist(err) {
		t.Fatalf("the journal outlives a full snapshot: %v", err)
	}
	if got := f.restart().Current().Head(); got != next.Head() {
		t.Fatalf("restarted at %v, want %v", got, next.Head())
	}
}

func deref[T any](seq func(func(*T) bool)) []T {
	var out []T
	for v := range seq {
		out = append(out, *v)
	}
	return out
}

// A crash while a line was written (before its ack) leaves a torn line: the
// node starts from the deltas before it and cuts the journal, so the next
// delta's line follows a whole one.
func TestJournalTornLineIsDropped(t *testing.T) {
	f := newJournalFixture(t)
	f.change(0)
	acked := f.change(1)
	path := filepath.Join(f.dir, journalFile)
	j, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	j.Write([]byte(`{"schema":2,"base_version":3,"base_hash":"ab`))
	j.Close()
	again := f.restart()
	if again.Current().Head() != acked.Head() {
		t.Fatalf("restarted at %v, want the last acked %v", again.Current().Head(), acked.Head())
	}
	journal, _ := os.ReadFile(path)
	if bytes.Count(journal, []byte("\n")) != 2 || !bytes.HasSuffix(journal, []byte("\n")) {
		t.Fatalf("journal not cut after its last whole line: %q", journal[max(0, len(journal)-60):])
	}
	// The restarted node goes on appending.
	f.n = again
	last := f.change(2)
	if got := f.restart().Current().Head(); got != last.Head() {
		t.Fatalf("restarted at %v, want %v", got, last.Head())
	}

	// A line whose delta does not verify (a bit flipped) ends the replay.
	journal, _ = os.ReadFile(path)
	journal[len(journal)-20] ^= 1
	os.WriteFile(path, journal, 0o600)
	if got := f.restart().Current().Head(); got.Version != last.Version()-1 {
		t.Fatalf("a corrupt last line: restarted at %v, want version %d", got, last.Version()-1)
	}
}

// When the journal has grown, a snapshot is written in the background and
// the journal keeps only the deltas after it; a restart gives the newest.
func TestJournalCompaction(t *testing.T) {
	f := newJournalFixture(t)
	var last *gateway.State
	for i := range journalMaxRecords + 10 {
		last = f.change(i)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		f.n.applyMu.Lock()
		compacting, snapshot, records := f.n.lkg.compacting, f.n.lkg.snapshot, len(f.n.lkg.records)
		f.n.applyMu.Unlock()
		if !compacting && snapshot.Version > 1 {
			if records >= journalMaxRecords {
				t.Fatalf("journal holds %d records after a compaction", records)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no compaction")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got := f.restart().Current().Head(); got != last.Head() {
		t.Fatalf("restarted at %v, want %v", got, last.Head())
	}
}

// A crash between a compaction's snapshot rename and its journal rewrite
// leaves a journal that starts with deltas the snapshot holds: they are
// skipped and the later ones applied.
func TestJournalAfterInterruptedCompaction(t *testing.T) {
	f := newJournalFixture(t)
	var states []*gateway.State
	for i := range 5 {
		states = append(states, f.change(i))
	}
	if _, err := writeSnapshotFile(f.dir, states[2]); err != nil {
		t.Fatal(err)
	}
	again := f.restart()
	if got := again.Current().Head(); got != states[4].Head() {
		t.Fatalf("restarted at %v, want %v", got, states[4].Head())
	}
	journal, _ := os.ReadFile(filepath.Join(f.dir, journalFile))
	if n := bytes.Count(journal, []byte("\n")); n != 2 {
		t.Fatalf("journal keeps %d lines, want the 2 after the snapshot", n)
	}
}
