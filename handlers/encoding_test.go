package handlers_test

import (
	"bytes"
	"compress/gzip"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/portico-dev/portico/handlers"
)

// TestCompressedBodyRefused sends JSON bodies compressed far under the
// 256 KiB limit that expand far over it: the server refuses them (415)
// before expanding them, so a body's limit bounds its memory whatever its
// Content-Encoding, and nothing is created.
func TestCompressedBodyRefused(t *testing.T) {
	e := newLCEnv(t)
	// 64 MiB of white space before a valid object: JSON that decodes,
	// 256 times the route's limit once expanded.
	var gz bytes.Buffer
	w, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	_, _ = w.Write(bytes.Repeat([]byte(" "), 64<<20))
	_, _ = w.Write([]byte(`{"team":"payments","slug":"bomb","name":"Bomb","visibility":"public"}`))
	_ = w.Close()
	if gz.Len() > handlers.FormBodyLimit {
		t.Fatalf("the compressed body has %d bytes, want under the limit", gz.Len())
	}
	for _, enc := range []string{"gzip", "GZIP", "deflate, gzip", "br"} {
		t.Run(enc, func(t *testing.T) {
			req := httptest.NewRequest("POST", "/api/v1/apis", bytes.NewReader(gz.Bytes()))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Content-Encoding", enc)
			req.Header.Set("Authorization", "Bearer "+e.tok["maint"])
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			res, err := e.app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			runtime.ReadMemStats(&after)
			body := readAll(t, res)
			if res.StatusCode != 415 || res.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(body, "Content-Encoding") {
				t.Errorf("status %d (%s), want 415 as a problem document naming Content-Encoding: %.300s", res.StatusCode, res.Header.Get("Content-Type"), body)
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
				t.Errorf("the request allocated %d MiB, want the compressed body never expanded", grew>>20)
			}
		})
	}
	if res, _ := e.api("GET", "/api/v1/apis/bomb", e.tok["maint"], nil); res.StatusCode != 404 {
		t.Errorf("GET the API sent compressed: status %d, want 404 (never created)", res.StatusCode)
	}
}
