package usage_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestConcurrentIngestsOfOneHourDoNotDeadlock: two nodes report the same
// subscriptions in the same hour under other keys, each batch in the
// node's order (minute, key), which lists the subscriptions in opposite
// orders. Ingested at once (two portal instances on PostgreSQL), both
// batches add to the same hourly rows: every batch must be ingested, none
// refused by a deadlock between the two transactions.
func TestConcurrentIngestsOfOneHourDoNotDeadlock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		const n = 1000
		f := newFixture(t, s)
		ctx := context.Background()
		var apps []store.App
		for i := range n {
			apps = append(apps, store.App{TeamID: f.sub.ConsumerTeamID, Slug: "dl-" + strconv.Itoa(i), Name: "DL " + strconv.Itoa(i), Contact: "d@example.com"})
		}
		if err := s.CreateApps(ctx, s.DB(), apps); err != nil {
			t.Fatal(err)
		}
		var appIDs []int64
		if err := s.DB().NewSelect().Table("apps").Column("id").Where("slug LIKE 'dl-%'").Order("id").Scan(ctx, &appIDs); err != nil {
			t.Fatal(err)
		}
		var subs []store.Subscription
		for _, id := range appIDs {
			subs = append(subs, store.Subscription{AppID: id, ConsumerTeamID: f.sub.ConsumerTeamID, APIID: f.sub.APIID, ProviderTeamID: f.sub.ProviderTeamID,
				Major: f.sub.Major, PlanID: f.sub.PlanID, State: "active", Purpose: "deadlock"})
		}
		if err := s.CreateSubscriptions(ctx, s.DB(), subs); err != nil {
			t.Fatal(err)
		}
		var ids []int64
		if err := s.DB().NewSelect().Table("subscriptions").Column("id").Where("purpose = 'deadlock'").Order("id").Scan(ctx, &ids); err != nil {
			t.Fatal(err)
		}
		minute := f.now.Add(-10*time.Minute).Unix() / 60 * 60
		// Node a's key of the i-th subscription sorts i-th, node b's
		// (n-1-i)-th: a lists the subscriptions up, b down.
		batch := func(node string, round int) *gateway.UsageBatch {
			pts := make([]gateway.UsagePoint, n)
			for i, sid := range ids {
				j := i
				if node == "b" {
					j = n - 1 - i
				}
				lat := make([]int64, gateway.LatencyBuckets)
				lat[2] = 1
				pts[j] = gateway.UsagePoint{Minute: minute, Subscription: strconv.FormatInt(sid, 10), Key: fmt.Sprintf("%s%04d", node, j), API: "pets/v1", S2xx: 1, Latency: lat}
			}
			return &gateway.UsageBatch{ID: node + "-" + strconv.Itoa(round), Points: pts}
		}
		const rounds = 20
		var failed []error
		for r := range rounds {
			failed = append(failed, ingestAtOnce(ctx, f, map[string]*gateway.UsageBatch{"node-a": batch("a", r), "node-b": batch("b", r)})...)
		}
		if len(failed) > 0 {
			t.Errorf("%d of %d batches failed, the first: %v", len(failed), 2*rounds, failed[0])
		}
		var got int64
		if err := s.DB().NewSelect().Table("usage_hourly").ColumnExpr("COALESCE(SUM(s2xx), 0)").Where("subscription_id IN (?)", bun.List(ids)).Scan(ctx, &got); err != nil {
			t.Fatal(err)
		}
		if want := int64(2*rounds*n - len(failed)*n); got != want {
			t.Errorf("hourly rollups count %d requests, want %d", got, want)
		}
	})
}

// ingestAtOnce ingests each node's batch at the same time, from one
// goroutine per node as several portal instances do, and returns the
// errors of the ingests that failed.
func ingestAtOnce(ctx context.Context, f *fixture, batches map[string]*gateway.UsageBatch) []error {
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		failed []error
	)
	for node, b := range batches {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := f.svc.Ingest(ctx, node, b); err != nil {
				mu.Lock()
				failed = append(failed, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return failed
}
