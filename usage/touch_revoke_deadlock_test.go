package usage_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
	"github.com/portico-dev/portico/subscriptions"
)

// TestIngestAndCancelOfOneSubscriptionDoNotDeadlock: a node reports the
// use of a subscription's keys while its team cancels it, which revokes
// them. Run at once on PostgreSQL, both write the same keys' rows: neither
// may be refused by a deadlock between the two transactions.
func TestIngestAndCancelOfOneSubscriptionDoNotDeadlock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		const rounds, n = 30, 40
		f := newFixture(t, s)
		ctx := context.Background()
		p, err := policy.New(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		subs := subscriptions.New(s, p, lifecycle.New(s, p, lifecycle.Options{}), subscriptions.Options{Now: func() time.Time { return f.now }})
		minute := f.now.Add(-10*time.Minute).Unix() / 60 * 60
		var failed []error
		for r := range rounds {
			a := store.App{TeamID: f.sub.ConsumerTeamID, Slug: "cancel-" + strconv.Itoa(r), Name: "Cancel " + strconv.Itoa(r), Contact: "c@example.com"}
			if err := s.CreateApps(ctx, s.DB(), []store.App{a}); err != nil {
				t.Fatal(err)
			}
			app, err := s.AppBySlug(ctx, a.Slug)
			if err != nil {
				t.Fatal(err)
			}
			sub := store.Subscription{AppID: app.ID, ConsumerTeamID: f.sub.ConsumerTeamID, APIID: f.sub.APIID, ProviderTeamID: f.sub.ProviderTeamID,
				Major: f.sub.Major, PlanID: f.sub.PlanID, State: "active", Purpose: "cancel " + strconv.Itoa(r)}
			if err := s.CreateSubscriptions(ctx, s.DB(), []store.Subscription{sub}); err != nil {
				t.Fatal(err)
			}
			var id int64
			if err := s.DB().NewSelect().Table("subscriptions").Column("id").Where("app_id = ?", app.ID).Scan(ctx, &id); err != nil {
				t.Fatal(err)
			}
			// Keys whose ids and kids sort in other orders, as random
			// kids do.
			keys := make([]store.APIKey, n)
			pts := make([]gateway.UsagePoint, n)
			for i := range keys {
				kid, hash := subscriptions.NewKeyHash()
				keys[i] = store.APIKey{Kid: kid, SubscriptionID: id, APIID: f.sub.APIID, Major: f.sub.Major, PlanID: f.sub.PlanID, Name: "k", KeyHash: hash, State: store.KeyActive}
				lat := make([]int64, gateway.LatencyBuckets)
				lat[2] = 1
				pts[i] = gateway.UsagePoint{Minute: minute, Subscription: strconv.FormatInt(id, 10), Key: kid, API: "pets/v1", S2xx: 1, Latency: lat}
			}
			if err := s.CreateKeys(ctx, s.DB(), keys); err != nil {
				t.Fatal(err)
			}
			loaded, err := s.SubscriptionByID(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			errs := make([]error, 2)
			wg.Add(2)
			go func() {
				defer wg.Done()
				_, errs[0] = f.svc.Ingest(ctx, "node", &gateway.UsageBatch{ID: fmt.Sprintf("b-%d", r), Points: pts})
			}()
			go func() {
				defer wg.Done()
				errs[1] = subs.Cancel(ctx, f.dev, loaded)
			}()
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					failed = append(failed, err)
				}
			}
		}
		if len(failed) > 0 {
			t.Errorf("%d of %d ingests and cancellations failed, the first: %v", len(failed), 2*rounds, failed[0])
		}
	})
}
