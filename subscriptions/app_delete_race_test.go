package subscriptions_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/spec/spectest"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
	"github.com/portico-dev/portico/subscriptions"
)

// Removing an app while a subscription is created for it and a key issued
// for its subscription never leaves a live subscription or an active key
// of the removed app: whichever commits second sees the other (a
// subscription or key written first is cancelled or revoked by the
// removal; one that comes second is refused as a conflict).
func TestDeleteAppRacingSubscribeAndIssueKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		cats, err := f.life.CreateAPI(ctx, f.maint, f.pets, lifecycle.APIInput{Slug: "cats", Name: "Cats"})
		if err != nil {
			t.Fatal(err)
		}
		f.publish(t, cats, "1.0.0", spectest.PetsV1)
		if _, err := f.svc.CreatePlan(ctx, f.maint, cats, subscriptions.PlanInput{Slug: "free", Name: "Free", Approval: "auto", Open: true}); err != nil {
			t.Fatal(err)
		}
		for i := range 20 {
			app, err := f.svc.CreateApp(ctx, f.dev, f.shop, subscriptions.AppInput{Slug: fmt.Sprintf("racer-%d", i), Name: "Racer"})
			if err != nil {
				t.Fatal(err)
			}
			sub, err := f.svc.Subscribe(ctx, f.dev, app, subscriptions.SubscribeInput{API: "pets", Plan: "free", Purpose: "racing"})
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			var subErr, keyErr, delErr error
			wg.Add(3)
			go func() {
				defer wg.Done()
				_, subErr = f.svc.Subscribe(ctx, f.dev, app, subscriptions.SubscribeInput{API: "cats", Plan: "free", Purpose: "racing"})
			}()
			go func() {
				defer wg.Done()
				_, _, keyErr = f.svc.IssueKey(ctx, f.dev, sub, subscriptions.KeyInput{Name: "racing"})
			}()
			go func() {
				defer wg.Done()
				delErr = f.svc.DeleteApp(ctx, f.dev, app)
			}()
			wg.Wait()
			if delErr != nil {
				t.Fatalf("round %d: removing: %v", i, delErr)
			}
			for what, err := range map[string]error{"subscribing": subErr, "issuing a key": keyErr} {
				if err != nil && !isConflict(err) {
					t.Fatalf("round %d: %s: %v, want a conflict when the removal wins", i, what, err)
				}
			}
			live, err := s.DB().NewSelect().Table("subscriptions").Where("app_id = ? AND state IN ('pending', 'active')", app.ID).Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			keys, err := s.DB().NewSelect().TableExpr("api_keys AS k").Join("JOIN subscriptions AS s ON s.id = k.subscription_id").
				Where("s.app_id = ? AND k.state = ?", app.ID, store.KeyActive).Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if live != 0 || keys != 0 {
				t.Fatalf("round %d: the removed app has %d live subscription(s) and %d active key(s) (subscribe: %v, key: %v)", i, live, keys, subErr, keyErr)
			}
		}
	})
}
