package main

import (
	"net/http"
	"regexp"
	"testing"
	"time"
)

// TestServePprof: the profiler is off unless --pprof-addr names a loopback
// address, and is never served on the portal's own address.
func TestServePprof(t *testing.T) {
	for _, on := range []bool{false, true} {
		vars := map[string]string{"PORTICO_DATA_DIR": t.TempDir(), "PORTICO_ADDR": "127.0.0.1:0"}
		if on {
			vars["PORTICO_PPROF_ADDR"] = "127.0.0.1:0"
		}
		e, _, logs := testEnv(vars, "")
		e.logFlushEvery = 10 * time.Millisecond
		srv := startServing(t, e)
		addr := srv.addr
		client := &http.Client{Timeout: 10 * time.Second}
		get := func(url string) int {
			t.Helper()
			res, err := client.Get(url)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res.StatusCode
		}
		if got := get("http://" + addr + "/debug/pprof/"); got != http.StatusNotFound {
			t.Errorf("pprof on the portal's address: %d, want 404", got)
		}
		if on {
			var m []string
			for deadline := time.Now().Add(10 * time.Second); m == nil && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
				m = regexp.MustCompile(`msg=profiler .*addr=(127\.0\.0\.1:\d+)`).FindStringSubmatch(logs.String())
			}
			if m == nil {
				t.Fatalf("no profiler address in the log:\n%s", logs.String())
			}
			if got := get("http://" + m[1] + "/debug/pprof/"); got != http.StatusOK {
				t.Errorf("pprof index: %d, want 200", got)
			}
			if got := get("http://" + m[1] + "/debug/pprof/heap"); got != http.StatusOK {
				t.Errorf("heap profile: %d, want 200", got)
			}
		}
		if err := srv.stop(); err != nil {
			t.Fatal(err)
		}
		if !on && regexp.MustCompile(`msg=profiler`).MatchString(logs.String()) {
			t.Error("the profiler started without --pprof-addr")
		}
	}
}
