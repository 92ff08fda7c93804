package handlers_test

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"testing"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/store"
	"github.com/uptrace/bun"
)

// BenchmarkAPIPageTeams serves an API's overview (GET /apis/{slug}) through
// the real router in a portal of 10 teams and in one of 2,000, and prints
// the second's time per request as a ratio to the first's: the page names
// its owner apart from lookalike teams, a read whose cost must not grow
// with the number of teams.
//
//	go test ./handlers -run '^$' -bench APIPageTeams -benchtime 300x
func BenchmarkAPIPageTeams(b *testing.B) {
	perOp := map[int]float64{}
	counts := []int{10, 2000}
	for _, n := range counts {
		b.Run(fmt.Sprintf("teams_%d", n), func(b *testing.B) {
			e := newEnvWithSearch(b)
			p := e.publisher()
			p.publish("search", lifecycle.APIInput{Slug: "finder", Name: "Finder", Visibility: "public"}, "1.0.0", tinySpec("Finder", "/find", "Find"))
			err := e.store.RunInTx(context.Background(), func(ctx context.Context, tx bun.Tx) error {
				for i := 1; i < n; i++ {
					if err := e.store.CreateTeam(ctx, tx, &store.Team{Slug: fmt.Sprintf("team-%04d", i), Name: fmt.Sprintf("Team %d", i)}); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			e.drain()
			br := e.browser()
			br.login("publisher")
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				res := br.do(httptest.NewRequest("GET", "/apis/finder", nil))
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != 200 {
					b.Fatalf("/apis/finder: status %d", res.StatusCode)
				}
			}
			perOp[n] = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		})
	}
	if perOp[10] == 0 || perOp[2000] == 0 {
		return
	}
	fmt.Printf("GET /apis/finder: %.3f ms/request with 10 teams, %.3f ms with 2,000: %.2fx\n",
		perOp[10]/1e6, perOp[2000]/1e6, perOp[2000]/perOp[10])
}
