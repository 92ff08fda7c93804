package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

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
	within(t, time.Now(), 5*time.Second, "/ledger/v1/x", "ptk_ka_secret", 200, n)
	if !gatewaytest.Eventually(5*time.Second, func() bool { return portal.status("node-a").Applied.Version == 1 }) {
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

	portal.srv.Close()
	n = startProc(t, portal.url(), "tok-a", dir)
	within(t, time.Now(), 5*time.Second, "/ledger/v1/x", "ptk_ka_secret", 200, n)
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
	if !gatewaytest.Eventually(5*time.Second, func() bool {
		return strings.Contains(n.out.String(), "removed the temporary files of a last-known-good write cut short")
	}) {
		t.Errorf("no log line names the removed files:\n%s", n.out)
	}
}
