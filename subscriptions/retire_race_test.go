package subscriptions_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/spec/spectest"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
	"github.com/portico-dev/portico/subscriptions"
)

// TestRetirementDoesNotUndoARevocation: the provider revokes an active
// subscription (with its reason) while the deprecated version it uses is
// retired. A revocation that succeeded stays: the retirement ends only
// the subscriptions still live when it writes, and never turns a revoked
// one into an ended one, losing the provider's reason.
func TestRetirementDoesNotUndoARevocation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		for i := range 20 {
			a, err := f.life.CreateAPI(ctx, f.maint, f.pets, lifecycle.APIInput{Slug: fmt.Sprintf("race-%d", i), Name: "Race"})
			if err != nil {
				t.Fatal(err)
			}
			v := f.publish(t, a, "1.0.0", spectest.PetsV1)
			if _, err := f.svc.CreatePlan(ctx, f.maint, a, subscriptions.PlanInput{Slug: "free", Name: "Free", Approval: "auto", Open: true}); err != nil {
				t.Fatal(err)
			}
			sub, err := f.svc.Subscribe(ctx, f.dev, f.app, subscriptions.SubscribeInput{API: a.Slug, Plan: "free", Purpose: "racing"})
			if err != nil {
				t.Fatal(err)
			}
			if err := f.life.Deprecate(ctx, f.maint, a, v, time.Now().AddDate(0, 1, 0), ""); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			var revokeErr, retireErr error
			wg.Add(2)
			go func() {
				defer wg.Done()
				revokeErr = f.svc.Revoke(ctx, f.maint, sub, "misuse")
			}()
			go func() {
				defer wg.Done()
				retireErr = f.life.Retire(ctx, f.maint, a, v)
			}()
			wg.Wait()
			if retireErr != nil {
				t.Fatalf("round %d: retiring: %v", i, retireErr)
			}
			got, err := s.SubscriptionByID(ctx, sub.ID)
			if err != nil {
				t.Fatal(err)
			}
			if revokeErr == nil && (got.State != "revoked" || got.Reason != "misuse") {
				t.Errorf("round %d: the revocation succeeded, then the subscription is %s (%q), want revoked (\"misuse\")", i, got.State, got.Reason)
			}
			if revokeErr != nil && got.State != "ended" {
				t.Errorf("round %d: the revocation was refused (%v), then the subscription is %s, want ended", i, revokeErr, got.State)
			}
		}
	})
}
