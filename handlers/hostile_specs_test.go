package handlers_test

import (
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/spec/spectest"
)

// TestHostileUploadsKeepThePortalServing uploads descriptions built to
// exhaust the server (anchor bombs, anchor chains, deep nesting, huge flat
// lists), several at once and alongside large real ones, while another
// user keeps reading: every hostile upload is refused with a located
// message, the reader is always answered, and the heap stays far below the
// 512 MB the server must hold to.
func TestHostileUploadsKeepThePortalServing(t *testing.T) {
	e := newLCEnv(t)
	e.createAPI("pets", "public")
	e.version("pets", "1.0.0", lifecycle.Published)
	stripe, err := os.ReadFile("../samples/openapi/stripe.com__stripe__2018-05-21.yaml")
	if err != nil {
		t.Fatal(err)
	}
	hostile := []string{
		spectest.AnchorBomb(7), spectest.SwaggerBomb(7), spectest.AnchorChain(5000),
		spectest.DeepItems(2, 9000), spectest.FlatArray(5 << 20),
	}

	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	var sampler sync.WaitGroup
	sampler.Add(1)
	go func() {
		defer sampler.Done()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > peak.Load() {
				peak.Store(m.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()

	var uploads sync.WaitGroup
	var refused, busy, served atomic.Int32
	for round := range 2 {
		for i, body := range hostile {
			uploads.Add(1)
			go func() {
				defer uploads.Done()
				version := "1." + itoa(int64(round*10+i+1)) + ".0"
				res, out := e.api("POST", "/api/v1/apis/pets/versions", e.tok["dev"], map[string]any{"version": version, "spec": body})
				detail := problemText(out)
				switch {
				case res.StatusCode == 422 && strings.Contains(detail, "line "):
					refused.Add(1)
				case res.StatusCode == 503 && res.Header.Get("Retry-After") != "":
					busy.Add(1) // the parser's turns and queue were full: shed, not parsed
				default:
					t.Errorf("hostile upload %d: status %d %v, want 422 with the line", i, res.StatusCode, out)
				}
			}()
		}
	}
	uploads.Add(1)
	go func() { // a large real description, parsed alongside
		defer uploads.Done()
		res, out := e.api("POST", "/api/v1/apis/pets/versions", e.tok["dev"], map[string]any{"version": "3.0.0", "spec": string(stripe)})
		if res.StatusCode != 201 && res.StatusCode != 503 {
			t.Errorf("Stripe upload: status %d %v, want 201 (or 503 when the parser is busy)", res.StatusCode, out)
		}
	}()
	done := make(chan struct{})
	go func() { uploads.Wait(); close(done) }()
	reading := true
	for reading {
		res, _ := e.api("GET", "/api/v1/apis/pets", e.tok["viewer"], nil)
		if res.StatusCode != 200 {
			t.Errorf("reader answered %d while uploads ran", res.StatusCode)
		}
		served.Add(1)
		select {
		case <-done:
			reading = false
		default:
		}
	}
	close(stop)
	sampler.Wait()

	if got, shed := int(refused.Load()), int(busy.Load()); got+shed != 2*len(hostile) || got < len(hostile) {
		t.Errorf("%d hostile uploads refused with their line and %d shed as busy, want all %d refused, most with their line", got, shed, 2*len(hostile))
	}
	growth := int64(peak.Load()) - int64(base.HeapAlloc)
	t.Logf("heap grew by at most %d MiB; the reader was answered %d times meanwhile", growth>>20, served.Load())
	if t.Failed() {
		t.Log(e.logs.String())
	}
	if growth > 256<<20 {
		t.Errorf("heap grew by %d MiB during the uploads, want under 256 MiB", growth>>20)
	}
}

// problemText joins a problem document's detail and field messages.
func problemText(out map[string]any) string {
	var b strings.Builder
	if d, ok := out["detail"].(string); ok {
		b.WriteString(d)
	}
	if errs, ok := out["errors"].([]any); ok {
		for _, e := range errs {
			if m, ok := e.(map[string]any); ok {
				if msg, ok := m["message"].(string); ok {
					b.WriteString(" " + msg)
				}
			}
		}
	}
	return b.String()
}
