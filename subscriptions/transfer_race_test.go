package subscriptions_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

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

// Likewise, a version deprecated or created by a maintainer of the team
// the API left, on a copy of the API read before the move, is refused as
// changed meanwhile: they act for a team that owns the API no more.
func TestVersionChangesOnCopyReadBeforeTransfer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		a, err := s.APIBySlug(ctx, "pets") // the copies the maintainer's requests hold
		if err != nil {
			t.Fatal(err)
		}
		v, err := s.Version(ctx, a.ID, "1.0.0")
		if err != nil {
			t.Fatal(err)
		}
		moved := *a
		if _, err := f.life.Transfer(ctx, f.admin, &moved, "other"); err != nil {
			t.Fatal(err)
		}
		err = f.life.Deprecate(ctx, f.maint, a, v, f.clock.Now().Add(30*24*time.Hour), "")
		var te *lifecycle.TransitionError // 409, "changed by someone else meanwhile"
		if !errors.As(err, &te) || !strings.Contains(te.Reason, "meanwhile") {
			t.Errorf("a maintainer of the team the API left deprecated its version on a copy read before the move: %v; want a conflict", err)
		}
		_, err = f.life.CreateVersion(ctx, f.maint, a, "1.1.0", []byte(spectest.PetsV1))
		var ce *apperr.ConflictError
		if !errors.As(err, &ce) || !strings.Contains(ce.Reason, "moved to another team meanwhile") {
			t.Errorf("a maintainer of the team the API left created a version on a copy read before the move: %v; want a conflict", err)
		}
		if v, err := s.Version(ctx, a.ID, "1.0.0"); err != nil || v.State != "published" {
			t.Errorf("version 1.0.0: %v, %v; want still published", v.State, err)
		}
		if _, err := s.Version(ctx, a.ID, "1.1.0"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("version 1.1.0: %v; want none", err)
		}
		if v.State != "published" {
			t.Errorf("the refused deprecation left the caller's copy %s, want published", v.State)
		}
		// The new team's copies, read after the move, act.
		fresh, err := s.APIBySlug(ctx, "pets")
		if err != nil {
			t.Fatal(err)
		}
		if v, err = s.Version(ctx, a.ID, "1.0.0"); err != nil {
			t.Fatal(err)
		}
		if err := f.life.Deprecate(ctx, f.admin, fresh, v, f.clock.Now().Add(30*24*time.Hour), ""); err != nil {
			t.Errorf("deprecating after the move, on the API read again: %v", err)
		}
	})
}

// TestPlanChangesOnCopyReadBeforeTransfer: a maintainer of the team an API
// left, whose requests read the API before the move committed, neither
// changes one of its plans nor adds one: both are refused as made
// meanwhile (409) and write nothing; the new team's copy, read after the
// move, changes the plan.
func TestPlanChangesOnCopyReadBeforeTransfer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		a, err := s.APIBySlug(ctx, "pets") // the copy the maintainer's requests hold
		if err != nil {
			t.Fatal(err)
		}
		moved := *a
		if _, err := f.life.Transfer(ctx, f.admin, &moved, "other"); err != nil {
			t.Fatal(err)
		}
		stale := *f.auto
		var ce *apperr.ConflictError
		err = f.svc.UpdatePlan(ctx, f.maint, a, &stale, subscriptions.PlanInput{Slug: stale.Slug, Name: "Changed", RatePerMinute: "1", Burst: "1", QuotaPerDay: "1", Approval: "auto", Open: true})
		if !errors.As(err, &ce) || !strings.Contains(ce.Reason, "moved to another team meanwhile") {
			t.Errorf("a maintainer of the team the API left changed its plan on a copy read before the move: %v; want a conflict", err)
		}
		_, err = f.svc.CreatePlan(ctx, f.maint, a, subscriptions.PlanInput{Slug: "late", Name: "Late", Approval: "auto", Open: true})
		if !errors.As(err, &ce) || !strings.Contains(ce.Reason, "moved to another team meanwhile") {
			t.Errorf("a maintainer of the team the API left added a plan on a copy read before the move: %v; want a conflict", err)
		}
		ps, err := s.Plans(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if p.Slug == "late" || p.Name == "Changed" {
				t.Errorf("plan %s (%s) written by the team the API left", p.Slug, p.Name)
			}
		}
		fresh, err := s.APIBySlug(ctx, "pets")
		if err != nil {
			t.Fatal(err)
		}
		p := *f.auto
		if err := f.svc.UpdatePlan(ctx, f.admin, fresh, &p, subscriptions.PlanInput{Slug: p.Slug, Name: "Changed", RatePerMinute: "1", Burst: "1", QuotaPerDay: "1", Approval: "auto", Open: true}); err != nil {
			t.Errorf("changing the plan after the move, on the API read again: %v", err)
		}
	})
}
