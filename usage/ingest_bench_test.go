package usage_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// BenchmarkIngestQuotaCounting ingests batches of one point for each of
// 1,000 subscriptions (what a node sends every 10 s at the scale),
// alternately for subscriptions on a plan without a daily quota and on one
// with a quota (whose counts ingest keeps per day), and prints both medians
// and their ratio from one run, on each database:
//
//	go test ./usage -run '^$' -bench IngestQuotaCounting -benchtime 40x
func BenchmarkIngestQuotaCounting(b *testing.B) {
	const subsPerPlan = 1000
	for _, d := range storetest.Dialects(b) {
		b.Run(string(d), func(b *testing.B) {
			s := storetest.Open(b, d)
			f := newFixture(b, s)
			ctx := context.Background()
			plans := []store.Plan{{APIID: f.sub.APIID, Slug: "plain", Name: "Plain", Approval: "auto"},
				{APIID: f.sub.APIID, Slug: "quota", Name: "Quota", Approval: "auto", QuotaPerDay: 1_000_000_000}}
			if err := s.CreatePlans(ctx, s.DB(), plans); err != nil {
				b.Fatal(err)
			}
			var planIDs []int64
			if err := s.DB().NewSelect().Table("plans").Column("id").Where("slug IN ('plain', 'quota')").Order("slug").Scan(ctx, &planIDs); err != nil {
				b.Fatal(err)
			}
			var apps []store.App
			for i := range 2 * subsPerPlan {
				apps = append(apps, store.App{TeamID: f.sub.ConsumerTeamID, Slug: "bench-" + strconv.Itoa(i), Name: "Bench " + strconv.Itoa(i), Contact: "b@example.com"})
			}
			if err := s.CreateApps(ctx, s.DB(), apps); err != nil {
				b.Fatal(err)
			}
			var appIDs []int64
			if err := s.DB().NewSelect().Table("apps").Column("id").Where("slug LIKE 'bench-%'").Order("id").Scan(ctx, &appIDs); err != nil {
				b.Fatal(err)
			}
			var subs []store.Subscription
			for i, id := range appIDs {
				subs = append(subs, store.Subscription{AppID: id, ConsumerTeamID: f.sub.ConsumerTeamID, APIID: f.sub.APIID, ProviderTeamID: f.sub.ProviderTeamID,
					Major: f.sub.Major, PlanID: planIDs[i%2], State: "active", Purpose: "bench"})
			}
			if err := s.CreateSubscriptions(ctx, s.DB(), subs); err != nil {
				b.Fatal(err)
			}
			var rows []struct {
				ID     int64 `bun:"id"`
				PlanID int64 `bun:"plan_id"`
			}
			if err := s.DB().NewSelect().Table("subscriptions").Column("id", "plan_id").Where("purpose = 'bench'").Scan(ctx, &rows); err != nil {
				b.Fatal(err)
			}
			byPlan := map[int64][]int64{}
			for _, r := range rows {
				byPlan[r.PlanID] = append(byPlan[r.PlanID], r.ID)
			}
			batch := func(id string, subIDs []int64) *gateway.UsageBatch {
				minute := f.now.Unix() / 60 * 60
				pts := make([]gateway.UsagePoint, len(subIDs))
				for i, sid := range subIDs {
					lat := make([]int64, gateway.LatencyBuckets)
					lat[3] = 50
					pts[i] = gateway.UsagePoint{Minute: minute, Subscription: strconv.FormatInt(sid, 10), Key: "k" + strconv.FormatInt(sid, 10), API: "pets/v1", S2xx: 48, S429: 2, Latency: lat}
				}
				return &gateway.UsageBatch{ID: id, Points: pts}
			}
			var plain, quota []time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for j, planID := range planIDs {
					start := time.Now()
					if _, err := f.svc.Ingest(ctx, "node-"+strconv.Itoa(i), batch("b"+strconv.Itoa(j), byPlan[planID])); err != nil {
						b.Fatal(err)
					}
					if j == 0 {
						plain = append(plain, time.Since(start))
					} else {
						quota = append(quota, time.Since(start))
					}
				}
			}
			b.StopTimer()
			slices.Sort(plain)
			slices.Sort(quota)
			p, q := plain[len(plain)/2], quota[len(quota)/2]
			b.ReportMetric(float64(q)/float64(p), "quota/plain")
			fmt.Printf("%s: batch of %d points, median %.1f ms without quotas, %.1f ms with (ratio %.2f, %d batches each)\n",
				d, subsPerPlan, float64(p.Microseconds())/1000, float64(q.Microseconds())/1000, float64(q)/float64(p), len(plain))
		})
	}
}
