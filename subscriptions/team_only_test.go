package subscriptions_test

import (
	"context"
	"testing"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/spec/spectest"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
	"github.com/portico-dev/portico/subscriptions"
)

// TestTeamOnlyAPIIsNotSubscribedOutsideItsTeam: a team-only API is not
// subscribable outside its team, even by someone who sees it (a member of
// both teams, an org approver, an org admin) subscribing an app of another
// team; the API's own team's apps subscribe to it.
func TestTeamOnlyAPIIsNotSubscribedOutsideItsTeam(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		both := storetest.User(t, s, "both", policy.RoleMember, f.pets, policy.RoleDeveloper)
		if _, err := s.SetTeamMember(ctx, s.DB(), f.shop.ID, both.ID, policy.RoleDeveloper); err != nil {
			t.Fatal(err)
		}
		approver := storetest.User(t, s, "rita", policy.RoleApprover, f.shop, policy.RoleDeveloper)
		p, err := policy.New(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		svc := subscriptions.New(s, p, f.life, subscriptions.Options{Now: f.clock.Now})

		secret, err := f.life.CreateAPI(ctx, f.maint, f.pets, lifecycle.APIInput{Slug: "secret", Name: "Secret", Visibility: store.VisibilityTeam})
		if err != nil {
			t.Fatal(err)
		}
		f.publish(t, secret, "1.0.0", spectest.PetsV1)
		if _, err := svc.CreatePlan(ctx, f.maint, secret, subscriptions.PlanInput{Slug: "free", Name: "Free", Approval: "auto", Open: true}); err != nil {
			t.Fatal(err)
		}
		in := subscriptions.SubscribeInput{API: "secret", Plan: "free", Purpose: "internal"}
		for _, u := range []*store.User{both, approver, f.admin} {
			sub, err := svc.Subscribe(ctx, u, f.app, in)
			if err == nil {
				t.Errorf("%s subscribed %s (team %s) to %s's team-only API: %s", u.Username, f.app.Slug, f.shop.Slug, f.pets.Slug, sub.State)
				if err := svc.Cancel(ctx, f.admin, sub); err != nil {
					t.Fatal(err)
				}
				continue
			}
			fieldError(t, err, "api")
		}
		// The API's own team subscribes its apps.
		own, err := svc.CreateApp(ctx, both, f.pets, subscriptions.AppInput{Slug: "pets-web", Name: "Pets web"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Subscribe(ctx, both, own, in); err != nil {
			t.Errorf("the API's team subscribing its own app: %v", err)
		}
	})
}
