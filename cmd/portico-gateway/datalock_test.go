package main

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/logtest"
)

// TestSecondNodeOnOneDataDirectoryStops: two nodes started with the same
// --data would write one journal and one snapshot each: the second stops at
// once, naming the directory and the running node's pid, and the first
// serves on.
func TestSecondNodeOnOneDataDirectoryStops(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	defer upstream.Close()
	portal := newTestPortal(t, testState(t, upstream.URL))
	dir := t.TempDir()
	first := startProc(t, portal.url(), "tok-a", dir)
	within(t, time.Now(), pushed, "/ledger/v1/x", "ptk_ka_secret", 200, first)

	out := &logtest.Buffer{}
	cmd := exec.Command(gatewayBinary(t), "--portal", portal.url(), "--addr", "127.0.0.1:0", "--admin-addr", "127.0.0.1:0", "--data", dir)
	cmd.Env = append(cmd.Environ(), "PORTICO_GATEWAY_TOKEN=tok-b")
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() == 0 {
			t.Errorf("the second node exited with %v, want a failure status\n%s", err, out)
		}
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		<-exited
		t.Fatalf("the second node on %s still runs after 10 s, want it stopped at once:\n%s", dir, out)
	}
	want := "data directory " + strconv.Quote(dir) + " is in use by another portico-gateway (pid " + strconv.Itoa(first.cmd.Process.Pid) + ")"
	if !strings.Contains(out.String(), want) {
		t.Errorf("the second node said:\n%s\nwant it to say %q", out, want)
	}
	if strings.Contains(out.String(), "portico-gateway started") {
		t.Errorf("the second node started:\n%s", out)
	}
	if got, _ := first.status(t, "/ledger/v1/x", "ptk_ka_secret"); got != 200 {
		t.Errorf("the first node answers %d, want 200:\n%s", got, first.out)
	}

	// Once the first has stopped (even killed), a node starts on the
	// directory and serves its last-known-good.
	first.kill()
	again := startProc(t, portal.url(), "tok-a", dir)
	if !strings.Contains(again.out.String(), `"msg":"serving the last-known-good configuration"`) {
		t.Errorf("the node started after the first did not load the last-known-good:\n%s", again.out)
	}
}
