package main

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/gatewaytest"
)

// A node killed (SIGKILL, a power cut) while it wrote its last-known-good
// leaves the temporary file it was writing: .snapshot-*.tmp (as large as the
// configuration) or .changes-*.tmp. The next start removes them, so that
// crashes do not fill the data directory with dead copies, and serves the
// last-known-good configuration, the portal up or down.
func TestRestartRemovesTheTempFilesOfAWriteCutShort(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	t.Cleanup(upstream.Close)
	portal := newTestPortal(t, testState(t, upstream.URL))
	dir := t.TempDir()
	n := startProc(t, portal.url(), "tok-a", dir)
	within(t, time.Now(), started, "/ledger/v1/x", "ptk_ka_secret", 200, n)
	if !gatewaytest.Eventually(started, func() bool { return portal.status("node-a").Applied.Version == 1 }) {
		t.Fatalf("the node did not ack version 1:\n%s", n.out)
	}
	n.kill()

	// What a kill in the middle of writing leaves (seen with the real binary
	// killed as soon as the file appeared): the temporary files, unrenamed,
	// holding part of the snapshot or nothing yet.
	snap, err := os.ReadFile(filepath.Join(dir, "snapshot.json"))
	if err != nil {
		t.Fatal(err)
	}
	leftovers := map[string][]byte{".snapshot-1234567.tmp": snap[:len(snap)/2], ".snapshot-89.tmp": nil, ".changes-4242.tmp": []byte(`{"schema":2,`)}
	for name, data := range leftovers {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// Another file of the operator's stays.
	if err := os.WriteFile(filepath.Join(dir, "notes.tmp"), []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}

	portal.stop()
	n = startProc(t, portal.url(), "tok-a", dir)
	within(t, time.Now(), started, "/ledger/v1/x", "ptk_ka_secret", 200, n)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	for name := range leftovers {
		if slices.Contains(names, name) {
			t.Errorf("%s is still in the data directory after the restart: %v", name, names)
		}
	}
	if !slices.Contains(names, "notes.tmp") || !slices.Contains(names, "snapshot.json") {
		t.Errorf("the restart removed files it did not write: %v", names)
	}
	if !gatewaytest.Eventually(started, func() bool {
		return strings.Contains(n.out.String(), "removed the temporary files of a last-known-good write cut short")
	}) {
		t.Errorf("no log line names the removed files:\n%s", n.out)
	}
}

// A delta line cut short (a kill while it was appended, or a write that
// ran out of disk) is dropped at the next start, which cuts the journal
// after the last whole line. On a full disk that cut cannot write a new
// file: the node must still serve the last-known-good it read, not refuse
// it and serve nothing while the portal is away.
func TestRestartOnAFullDiskServesTheLastKnownGoodOfATornJournal(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	t.Cleanup(upstream.Close)
	portal := newTestPortal(t, testState(t, upstream.URL))
	dir, full := noRoomDir(t)
	n := startProc(t, portal.url(), "tok-a", dir)
	within(t, time.Now(), started, "/ledger/v1/x", "ptk_ka_secret", 200, n)
	portal.change(t, gateway.Delta{Routes: gateway.Changes[gateway.Route]{Upsert: []gateway.Route{{API: "maps", Major: 1, Targets: []string{upstream.URL}, State: gateway.StatePublished}}}})
	within(t, time.Now(), started, "/maps/v1/x", "ptk_kb_secret", 200, n)
	if !gatewaytest.Eventually(started, func() bool { return portal.status("node-a").Applied.Version == 2 }) {
		t.Fatalf("the node did not ack version 2:\n%s", n.out)
	}
	n.kill()
	journal := filepath.Join(dir, "changes.jsonl")
	f, err := os.OpenFile(journal, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatalf("the delta was not journalled: %v", err)
	}
	if _, err := f.WriteString(`{"schema":2,"base_version":2,"base_hash":"`); err != nil { // the next delta, cut short
		t.Fatal(err)
	}
	f.Close()
	full()

	portal.stop()
	n = startProc(t, portal.url(), "tok-a", dir)
	within(t, time.Now(), started, "/maps/v1/x", "ptk_kb_secret", 200, n)
	if !strings.Contains(n.out.String(), `"msg":"serving the last-known-good configuration","version":2`) {
		t.Errorf("the node does not say it serves version 2:\n%s", n.out)
	}
}

// noRoomDir returns a data directory and a function that leaves no room to
// create a file in it: as root a 1 MiB tmpfs filled up (root writes through
// permissions), otherwise a directory made read-only.
func noRoomDir(t *testing.T) (string, func()) {
	t.Helper()
	dir := t.TempDir()
	if os.Geteuid() != 0 {
		t.Cleanup(func() { os.Chmod(dir, 0o700) })
		return dir, func() {
			if err := os.Chmod(dir, 0o500); err != nil {
				t.Fatal(err)
			}
		}
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Fatalf("mount a tmpfs: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	return dir, func() {
		f, err := os.Create(filepath.Join(dir, "filler"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		block := make([]byte, 4096)
		for {
			if _, err := f.Write(block); err != nil {
				if !errors.Is(err, syscall.ENOSPC) {
					t.Fatal(err)
				}
				return
			}
		}
	}
}
