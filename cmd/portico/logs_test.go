package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestServeLosesNoLogLineOnShutdown: request logs are buffered, and a
// graceful stop writes every one of them (and none is written before the
// buffer fills or the flush interval passes).
func TestServeLosesNoLogLineOnShutdown(t *testing.T) {
	vars := map[string]string{"PORTICO_DATA_DIR": t.TempDir(), "PORTICO_ADDR": "127.0.0.1:0"}
	e, _, logs := testEnv(vars, "")
	// Nothing is flushed on a timer during the test: only the stop writes.
	e.logFlushEvery = time.Hour
	srv := startServing(t, e)
	addr := srv.addr
	const n = 300
	client := &http.Client{Timeout: 10 * time.Second}
	for i := range n {
		res, err := client.Get(fmt.Sprintf("http://%s/healthz?i=%d", addr, i))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	if c := strings.Count(logs.String(), "path=/healthz"); c == n {
		t.Errorf("all %d request lines were written before the stop: the log is not buffered", c)
	}
	if err := srv.stop(); err != nil {
		t.Fatalf("serve returned %v", err)
	}
	got := logs.String()
	if c := strings.Count(got, "method=GET path=/healthz route=/healthz status=200"); c != n {
		t.Errorf("%d request lines logged, want %d", c, n)
	}
	if !strings.Contains(got, `msg="shutting down"`) {
		t.Errorf("the shutdown line is missing:\n%s", got[max(0, len(got)-2000):])
	}
}
