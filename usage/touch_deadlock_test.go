package usage_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestConcurrentIngestsTouchingOneKeysDoNotDeadlock: two nodes report the
// same keys of a subscription, each key in other hours on either node (so
// the batches share no rollup rows), and the keys' last use times in
// opposite orders. Ingested at once (two portal instances on PostgreSQL),
// both batches set the same keys' last use: every batch must be ingested,
// none refused by a deadlock between the two transactions, and every key
// must end with its latest use.
func TestConcurrentIngestsTouchingOneKeysDoNotDeadlock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		const n, rounds = 100, 10
		f := newFixture(t, s)
		ctx := context.Background()
		keys := make([]store.APIKey, n)
		kids := make([]string, n)
		for i := range keys {
			kids[i] = fmt.Sprintf("touch%04d", i)
			keys[i] = store.APIKey{Kid: kids[i], SubscriptionID: f.sub.ID, APIID: f.sub.APIID, Major: f.sub.Major, PlanID: f.sub.PlanID,
				Name: kids[i], KeyHash: fmt.Sprintf("%064d", i), State: store.KeyActive}
		}
		if err := s.CreateKeys(ctx, s.DB(), keys); err != nil {
			t.Fatal(err)
		}
		// Round r's hours come after round r-1's, so that every round's
		// times are later than the keys' last use and touch them. Node a
		// uses key i in the round's i-th hour, node b in its (2n-1-i)-th:
		// a's last use times go up with the keys, b's down, and no hour of
		// the subscription is in both batches.
		first := f.now.Add(-time.Duration(rounds*2*n+2) * time.Hour).Truncate(time.Hour)
		hour := func(r, h int) int64 { return first.Add(time.Duration(r*2*n+h) * time.Hour).Unix() }
		batch := func(node string, r int) *gateway.UsageBatch {
			pts := make([]gateway.UsagePoint, n)
			for i, kid := range kids {
				h := i
				if node == "b" {
					h = 2*n - 1 - i
				}
				lat := make([]int64, gateway.LatencyBuckets)
				lat[2] = 1
				pts[i] = gateway.UsagePoint{Minute: hour(r, h), Subscription: strconv.FormatInt(f.sub.ID, 10), Key: kid, API: "pets/v1", S2xx: 1, Latency: lat}
			}
			return &gateway.UsageBatch{ID: node + "-" + strconv.Itoa(r), Points: pts}
		}
		var failed []error
		for r := range rounds {
			failed = append(failed, ingestAtOnce(ctx, f, map[string]*gateway.UsageBatch{"node-a": batch("a", r), "node-b": batch("b", r)})...)
		}
		if len(failed) > 0 {
			t.Fatalf("%d of %d batches failed, the first: %v", len(failed), 2*rounds, failed[0])
		}
		var got []store.APIKey
		if err := s.DB().NewSelect().Model(&got).Where("kid IN (?)", bun.List(kids)).Order("kid").Scan(ctx); err != nil {
			t.Fatal(err)
		}
		for i, k := range got {
			want := time.Unix(hour(rounds-1, max(i, 2*n-1-i))+59, 0)
			if k.LastUsedAt == nil || !k.LastUsedAt.Equal(want) {
				t.Errorf("key %s last used %v, want %v", k.Kid, k.LastUsedAt, want)
			}
		}
	})
}
