package handlers_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
)

// largestSample names the largest description in samples/openapi.
func largestSample(tb testing.TB) string {
	tb.Helper()
	entries, err := os.ReadDir(pageSamplesDir)
	if err != nil {
		tb.Fatal(err)
	}
	var name string
	var size int64
	for _, en := range entries {
		info, err := en.Info()
		if err != nil {
			tb.Fatal(err)
		}
		if !en.IsDir() && info.Size() > size {
			name, size = en.Name(), info.Size()
		}
	}
	return filepath.Join(pageSamplesDir, name)
}

// BenchmarkDocs serves the API page and the docs page (the version page)
// of the largest sample description through the real router, beside
// /profile, and prints each one's throughput as a ratio to /profile's from
// the same run:
//
//	go test ./handlers -run '^$' -bench Docs -benchtime 100x
func BenchmarkDocs(b *testing.B) {
	e := newEnv(b)
	admin := e.user("admin", policy.RoleAdmin, "", "")
	data, err := os.ReadFile(largestSample(b))
	if err != nil {
		b.Fatal(err)
	}
	pagePublishedAPI(b, e, admin, "payments", "big", store.VisibilityPublic, string(data))
	br := e.browser()
	br.login("admin")
	pages := []struct{ name, path string }{
		{"profile", "/profile"},
		{"api_page", "/apis/big"},
		{"docs_page", "/apis/big/versions/1.0.0"},
		{"docs_filtered", "/apis/big/versions/1.0.0?q=list"},
	}
	perOp := map[string]float64{}
	for _, pg := range pages {
		b.Run(pg.name, func(b *testing.B) {
			// The first view renders what the others reuse: not measured.
			warm := pageGet(b, e, br, pg.path)
			io.Copy(io.Discard, warm.Body)
			warm.Body.Close()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				res := pageGet(b, e, br, pg.path)
				n, _ := io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != 200 {
					b.Fatalf("%s: status %d", pg.path, res.StatusCode)
				}
				b.SetBytes(n)
			}
			perOp[pg.name] = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		})
	}
	base := perOp["profile"]
	if base == 0 {
		return
	}
	for _, pg := range pages {
		if d := perOp[pg.name]; d > 0 {
			fmt.Printf("%-36s %8.2f ms/request  %6.3fx the throughput of /profile\n", pg.path, d/1e6, base/d)
		}
	}
}

// pageGet sends a GET with the browser's cookies straight to the app,
// without the browser's reading of the page (its CSRF token), so that a
// benchmark measures the server alone.
func pageGet(tb testing.TB, e *env, br *browser, path string) *http.Response {
	req := httptest.NewRequest("GET", path, nil)
	for k, v := range br.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	res, err := e.app.Test(req, -1)
	if err != nil {
		tb.Fatalf("GET %s: %v", path, err)
	}
	return res
}
