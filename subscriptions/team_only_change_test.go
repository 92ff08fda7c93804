package subscriptions_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/spec/spectest"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
	"github.com/portico-dev/portico/subscriptions"
)

// makeTeamOnly changes the API slug to team-only, as its edit form does
// (reading it first, with its lock version).
func makeTeamOnly(ctx context.Context, f *fixture, slug string) error {
	a, err := f.s.APIBySlug(ctx, slug)
	if err != nil {
		return err
	}
	return f.life.UpdateAPI(ctx, f.maint, a, lifecycle.APIInput{Name: a.Name, Summary: a.Summary, Description: a.Description,
		Tags: a.Tags, Upstreams: a.Upstreams, Visibility: store.VisibilityTeam})
}

// An API is not made team-only while apps of other teams subscribe to it:
// they would keep working keys to an API they may no longer see. The
// refusal names the apps; once their subscriptions end, the change is
// taken. The API's own team's subscriptions do not stand in the way.
func TestTeamOnlyRefusedWhileOtherTeamsSubscribe(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		sub, err := f.svc.Subscribe(ctx, f.dev, f.app, subscriptions.SubscribeInput{API: "pets", Plan: "free", Purpose: "checkout"})
		if err != nil {
			t.Fatal(err)
		}
		own, err := f.svc.CreateApp(ctx, f.maint, f.pets, subscriptions.AppInput{Slug: "pets-admin", Name: "Pets admin"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Subscribe(ctx, f.maint, own, subscriptions.SubscribeInput{API: "pets", Plan: "free", Purpose: "admin"}); err != nil {
			t.Fatal(err)
		}
		msg := fieldError(t, makeTeamOnly(ctx, f, "pets"), "visibility")
		if !strings.Contains(msg, store.Isolate("Shop web")+" ("+store.Isolate("Shop")+")") || strings.Contains(msg, "Pets admin") {
			t.Errorf("refusal %q: want it to name Shop web (Shop) only", msg)
		}
		if a, err := s.APIBySlug(ctx, "pets"); err != nil || a.Visibility != store.VisibilityPublic {
			t.Fatalf("after the refusal: visibility %q, %v; want public", a.Visibility, err)
		}
		if err := f.svc.Cancel(ctx, f.dev, sub); err != nil {
			t.Fatal(err)
		}
		if err := makeTeamOnly(ctx, f, "pets"); err != nil {
			t.Fatalf("with only its own team's subscription left: %v", err)
		}
	})
}

// Subscribing another team's app and making the API team-only at the same
// time end in one of them, never in a team-only API with a live
// subscription from outside its team.
func TestSubscribeRacingTeamOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		for i := range 20 {
			slug := fmt.Sprintf("race-%d", i)
			a, err := f.life.CreateAPI(ctx, f.maint, f.pets, lifecycle.APIInput{Slug: slug, Name: "Race"})
			if err != nil {
				t.Fatal(err)
			}
			f.publish(t, a, "1.0.0", spectest.PetsV1)
			if _, err := f.svc.CreatePlan(ctx, f.maint, a, subscriptions.PlanInput{Slug: "free", Name: "Free", Approval: "auto", Open: true}); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			var subErr, teamErr error
			wg.Add(2)
			go func() {
				defer wg.Done()
				_, subErr = f.svc.Subscribe(ctx, f.dev, f.app, subscriptions.SubscribeInput{API: slug, Plan: "free", Purpose: "racing"})
			}()
			go func() {
				defer wg.Done()
				teamErr = makeTeamOnly(ctx, f, slug)
			}()
			wg.Wait()
			var ie *apperr.InputError
			switch {
			case subErr == nil && teamErr == nil:
				t.Fatalf("round %d: got both the subscription and the team-only API, want one of them", i)
			case subErr != nil && !errors.As(subErr, &ie):
				t.Fatalf("round %d: subscribing: %v, want a field error when the change wins", i, subErr)
			case teamErr != nil && !errors.As(teamErr, &ie):
				t.Fatalf("round %d: making it team-only: %v, want a field error when the subscription wins", i, teamErr)
			}
		}
	})
}
