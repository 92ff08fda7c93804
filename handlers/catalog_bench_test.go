package handlers_test

import (
	"fmt"
	"io"
	"net/http/httptest"
	"testing"
)

// BenchmarkCatalog serves the catalog through the real router over every
// sample of the repository (samples/openapi, published), beside /profile (a
// minimal logged-in page), and prints each catalog page's throughput as a
// ratio to /profile's from the same run, so that the machine's noise cancels:
//
//	go test ./handlers -run '^$' -bench Catalog -benchtime 300x
func BenchmarkCatalog(b *testing.B) {
	e := newEnvWithSearch(b)
	loadSamples(b, e)
	br := e.browser()
	br.login("publisher")
	pages := []struct{ name, path string }{
		{"profile", "/profile"},
		{"catalog", "/catalog"},
		{"catalog_q_payments", "/catalog?q=payments"},
		{"catalog_q_send_an_sms", "/catalog?q=send+an+sms"},
		{"catalog_filtered_page3", "/catalog?state=published&sort=name&page=3"},
	}
	perOp := map[string]float64{}
	for _, pg := range pages {
		b.Run(pg.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				res := br.do(httptest.NewRequest("GET", pg.path, nil))
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != 200 {
					b.Fatalf("%s: status %d", pg.path, res.StatusCode)
				}
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
			fmt.Printf("%-42s %6.2f ms/request  %5.2fx the throughput of /profile\n", pg.path, d/1e6, base/d)
		}
	}
}
