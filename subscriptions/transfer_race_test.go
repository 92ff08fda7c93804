package subscriptions_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/spec/spectest"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
	"github.com/portico-dev/portico/subscriptions"
)

// Subscribing to an API while it moves to another team never leaves a
// subscription provided by the team the API left: whichever commits
// second sees the other (a subscription that read the API before the move
// is refused, or moved with the API).
func TestSubscribeRacingTransfer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		for i := range 20 {
			slug := fmt.Sprintf("move-%d", i)
			a, err := f.life.CreateAPI(ctx, f.maint, f.pets, lifecycle.APIInput{Slug: slug, Name: "Move"})
			if err != nil {
				t.Fatal(err)
			}
			f.publish(t, a, "1.0.0", spectest.PetsV1)
			if _, err := f.svc.CreatePlan(ctx, f.maint, a, subscriptions.PlanInput{Slug: "free", Name: "Free", Approval: "auto", Open: true}); err != nil {
				t.Fatal(err)
			}
			a, err = s.APIBySlug(ctx, slug)
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			var sub *store.Subscription
			var subErr, moveErr error
			wg.Add(2)
			go func() {
				defer wg.Done()
				sub, subErr = f.svc.Subscribe(ctx, f.dev, f.app, subscriptions.SubscribeInput{API: slug, Plan: "free", Purpose: "racing"})
			}()
			go func() {
				defer wg.Done()
				_, moveErr = f.life.Transfer(ctx, f.admin, a, "other")
			}()
			wg.Wait()
			if moveErr != nil {
				t.Fatalf("round %d: transfer: %v", i, moveErr)
			}
			if subErr != nil {
				var ce *apperr.ConflictError
				if !errors.As(subErr, &ce) {
					t.Fatalf("round %d: subscribing: %v, want a conflict when the move wins", i, subErr)
				}
				continue
			}
			var provider int64
			if err := s.DB().NewSelect().Table("subscriptions").Column("provider_team_id").Where("id = ?", sub.ID).Scan(ctx, &provider); err != nil {
				t.Fatal(err)
			}
			if provider != f.other.ID {
				t.Fatalf("round %d: subscription provided by team %d after the API moved to other (%d)", i, provider, f.other.ID)
			}
		}
	})
}

// A decision taken on a subscription read before its API moved to another
// team is refused as changed meanwhile: the decider was allowed as a
// maintainer of the team the API left, which decides nothing of it any
// more (and the decision would be audited and told under that team).
func TestDecisionOnSubscriptionReadBeforeTransfer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		pending := f.subscribe(t, "gold")
		read, err := f.svc.Subscription(ctx, f.maint, pending.ID) // the copy the maintainer's request holds
		if err != nil {
			t.Fatal(err)
		}
		a, err := s.APIBySlug(ctx, "pets")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.life.Transfer(ctx, f.admin, a, "other"); err != nil {
			t.Fatal(err)
		}
		err = f.svc.Approve(ctx, f.maint, read)
		var ce *apperr.ConflictError
		if !errors.As(err, &ce) {
			t.Errorf("a maintainer of the team the API left approved its subscription read before the move: %v; want a conflict", err)
		}
		var state string
		if err := s.DB().NewSelect().Table("subscriptions").Column("state").Where("id = ?", pending.ID).Scan(ctx, &state); err != nil {
			t.Fatal(err)
		}
		if state != "pending" {
			t.Errorf("the subscription is %s, want still pending", state)
		}
	})
}
