package agent_test

import (
	"context"
	"strings"
	"testing"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
	"github.com/portico-dev/portico/subscriptions"
)

type mySubs struct {
	Apps []struct {
		App  string `json:"app"`
		Team string `json:"team"`
	} `json:"apps"`
	Subscriptions []struct {
		ID    int64  `json:"id"`
		App   string `json:"app"`
		API   string `json:"api"`
		Major int    `json:"major"`
		State string `json:"state"`
		Plan  struct {
			Plan          string `json:"plan"`
			RatePerMinute int    `json:"rate_per_minute"`
			Approval      string `json:"approval"`
		} `json:"plan"`
	} `json:"subscriptions"`
}

// TestMySubscriptionsAndPlans: get_api shows the open plans, and
// my_subscriptions lists the caller's own apps and subscriptions only,
// never a key.
func TestMySubscriptionsAndPlans(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		p := newPortal(t, s, 0, 0)
		p.catalogFixture()
		owner := p.user("olga", policy.RoleMember, "commerce", policy.RoleOwner)
		bob := p.user("bob", policy.RoleMember, "shop", policy.RoleDeveloper)
		eve := p.user("eve", policy.RoleMember, "other", policy.RoleDeveloper)
		sms, err := s.APIBySlug(ctx, "sms")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.subs.CreatePlan(ctx, owner, sms, subscriptions.PlanInput{Slug: "starter", Name: "Starter", RatePerMinute: "60", Burst: "10", Approval: "auto", Open: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := p.subs.CreatePlan(ctx, owner, sms, subscriptions.PlanInput{Slug: "legacy", Name: "Legacy", RatePerMinute: "5", Approval: "manual", Open: false}); err != nil {
			t.Fatal(err)
		}
		sub, err := p.subs.SubscribeNewApp(ctx, bob, p.team("shop"), subscriptions.AppInput{Slug: "storefront", Name: "Storefront"},
			subscriptions.SubscribeInput{API: "sms", Plan: "starter", Purpose: "order texts"})
		if err != nil {
			t.Fatal(err)
		}
		_, secret, err := p.subs.IssueKey(ctx, bob, sub, subscriptions.KeyInput{Name: "prod"})
		if err != nil || secret == "" {
			t.Fatalf("issue key: %q, %v", secret, err)
		}

		bobToken, _ := p.token(bob)
		cs := p.mustConnect(bobToken)
		var api struct {
			Plans []struct {
				Plan     string `json:"plan"`
				Approval string `json:"approval"`
			} `json:"plans"`
			Offer string `json:"offer"`
		}
		structured(t, cs, "get_api", map[string]any{"api": "sms"}, &api)
		if len(api.Plans) != 1 || api.Plans[0].Plan != "starter" || api.Plans[0].Approval != "auto" || api.Offer != "" {
			t.Errorf("get_api plans %+v, offer %q: want the open plan only", api.Plans, api.Offer)
		}
		api.Plans, api.Offer = nil, ""
		structured(t, cs, "get_api", map[string]any{"api": "billing"}, &api)
		if len(api.Plans) != 0 || !strings.Contains(api.Offer, "no plan") {
			t.Errorf("billing: plans %+v, offer %q", api.Plans, api.Offer)
		}

		var mine mySubs
		raw := structured(t, cs, "my_subscriptions", nil, &mine)
		if len(mine.Apps) != 1 || mine.Apps[0].App != "storefront" || mine.Apps[0].Team != "shop" {
			t.Errorf("apps %+v", mine.Apps)
		}
		if len(mine.Subscriptions) != 1 {
			t.Fatalf("subscriptions %+v", mine.Subscriptions)
		}
		got := mine.Subscriptions[0]
		if got.ID != sub.ID || got.App != "storefront" || got.API != "sms" || got.Major != 1 || got.State != "active" ||
			got.Plan.Plan != "starter" || got.Plan.RatePerMinute != 60 {
			t.Errorf("subscription %+v", got)
		}
		if strings.Contains(raw, secret) || strings.Contains(raw, "ptk_") {
			t.Errorf("my_subscriptions shows a key: %s", raw)
		}
		mine = mySubs{}
		structured(t, cs, "my_subscriptions", map[string]any{"state": "pending"}, &mine)
		if len(mine.Subscriptions) != 0 {
			t.Errorf("state pending: %+v", mine.Subscriptions)
		}
		if msg := toolError(t, cs, "my_subscriptions", map[string]any{"state": "paused"}); !strings.Contains(msg, "state must be") {
			t.Errorf("bad state: %q", msg)
		}

		// Another team's member sees none of it.
		eveToken, _ := p.token(eve)
		mine = mySubs{}
		structured(t, p.mustConnect(eveToken), "my_subscriptions", nil, &mine)
		if len(mine.Apps) != 0 || len(mine.Subscriptions) != 0 {
			t.Errorf("outsider sees %+v", mine)
		}
	})
}
