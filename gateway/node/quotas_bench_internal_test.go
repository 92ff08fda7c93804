package node

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/ratelimit"
)

// BenchmarkQuotaShareWithoutRedis measures what a node without Redis does
// with a delta of the portal's quota counts (gateway.Quotas.Base): apply
// it to the counts it holds and give its limiter the others' share (the
// counts minus what this node had reported), with a batch of this node's
// confirmed between two deltas. changed is the share of subscriptions in
// each delta; the gunzip and decode are BenchmarkQuotaCounts' (push).
//
//	go test ./gateway/node -run '^$' -bench QuotaShareWithoutRedis -benchtime 5x
func BenchmarkQuotaShareWithoutRedis(b *testing.B) {
	for _, subs := range []int{50_000, 500_000} {
		for _, changed := range []float64{0.001, 0.01, 0.10} {
			b.Run(fmt.Sprintf("subs=%d/changed=%g%%", subs, changed*100), func(b *testing.B) {
				benchQuotaShare(b, subs, max(1, int(float64(subs)*changed)))
			})
		}
	}
}

func benchQuotaShare(b *testing.B, subs, changed int) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	day := now.Unix() / 86400
	sub := func(i int) string { return strconv.Itoa(1_000_000 + i%subs) }
	used := make(map[string]int64, subs)
	for i := range subs {
		used[sub(i)] = int64(1 + i%5000)
	}
	q := newQuotaShare()
	l := ratelimit.NewLocal()
	// A batch of the day confirmed before the whole counts: the node's
	// reports are of the day when the deltas come.
	q.spooled("b", []gateway.UsagePoint{pt(now, sub(0), 1, 0)})
	q.confirmed("b")
	if err := q.received(l, &gateway.Quotas{Revision: "r0", Day: day, Used: used}, q.ask()); err != nil {
		b.Fatal(err)
	}
	var took time.Duration
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		// This node's batch of 100 subscriptions, confirmed.
		file := fmt.Sprintf("b%d", i)
		pts := make([]gateway.UsagePoint, 0, 100)
		for j := range 100 {
			pts = append(pts, pt(now, sub(i*100+j), 2, 0))
		}
		q.spooled(file, pts)
		q.confirmed(file)
		d := &gateway.Quotas{Revision: fmt.Sprintf("r%d", i+1), Base: fmt.Sprintf("r%d", i), Day: day, Used: make(map[string]int64, changed)}
		for j := range changed {
			d.Used[sub(i*changed+j)] = int64(10_000 + i)
		}
		a := q.ask()
		b.StartTimer()
		start := time.Now()
		if err := q.received(l, d, a); err != nil {
			b.Fatal(err)
		}
		took += time.Since(start)
	}
	b.ReportMetric(float64(took.Microseconds())/1e3/float64(b.N), "ms/change")
}
