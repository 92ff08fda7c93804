package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/subscriptions"
)

// demoSubscriptions gives two public APIs an auto and a manual plan, and
// makes a consumer app of another team with an active subscription to the
// first and a request waiting for the second, through the subscriptions
// service as the teams' people would. It returns a line for the summary.
func (d *demo) demoSubscriptions(ctx context.Context, subs *subscriptions.Service) (string, error) {
	type offer struct {
		api   *store.API
		major int
	}
	var offers []offer
	for _, tn := range demoTeamNames {
		apis, err := d.s.TeamAPIs(ctx, d.teams[tn[0]].ID)
		if err != nil {
			return "", err
		}
		var team []offer
		for i := range apis {
			a := &apis[i]
			if a.Visibility != store.VisibilityPublic {
				continue
			}
			vs, err := d.s.Versions(ctx, a.ID)
			if err != nil {
				return "", err
			}
			if v := lifecycle.Default(vs); v != nil && lifecycle.State(v.State) == lifecycle.Published {
				team = append(team, offer{a, v.Major})
			}
		}
		if len(team) >= 2 {
			offers = team[:2]
			break
		}
	}
	if len(offers) < 2 {
		return "no plans: the demo has fewer than two public published APIs of one team", nil
	}
	provider := offers[0].api.Team.Slug
	lead := d.member(provider, "lead")
	for _, o := range offers {
		if _, err := subs.CreatePlan(ctx, lead, o.api, subscriptions.PlanInput{Slug: "starter", Name: "Starter", Description: "Try it out: active at once.",
			RatePerMinute: "60", Burst: "10", QuotaPerDay: "10000", Approval: subscriptions.ApprovalAuto, Open: true}); err != nil {
			return "", fmt.Errorf("demo plan: %w", err)
		}
		if _, err := subs.CreatePlan(ctx, lead, o.api, subscriptions.PlanInput{Slug: "business", Name: "Business", Description: "Production traffic; the team approves each subscription.",
			RatePerMinute: "1200", Burst: "100", QuotaPerDay: "1000000", Approval: subscriptions.ApprovalManual, Open: true}); err != nil {
			return "", fmt.Errorf("demo plan: %w", err)
		}
	}
	consumerTeam := "commerce"
	if provider == consumerTeam {
		consumerTeam = "platform"
	}
	dev := d.member(consumerTeam, "dev")
	app, err := subs.CreateApp(ctx, dev, d.teams[consumerTeam], subscriptions.AppInput{Slug: "storefront", Name: "Storefront",
		Description: "The web shop.", Contact: "storefront@" + consumerTeam + ".example"})
	if err != nil {
		return "", fmt.Errorf("demo app: %w", err)
	}
	if _, err := subs.Subscribe(ctx, dev, app, subscriptions.SubscribeInput{API: offers[0].api.Slug, Plan: "starter", Purpose: "Checkout of the web shop."}); err != nil {
		return "", fmt.Errorf("demo subscription: %w", err)
	}
	if _, err := subs.Subscribe(ctx, dev, app, subscriptions.SubscribeInput{API: offers[1].api.Slug, Plan: "business", Purpose: "Production traffic of the web shop."}); err != nil {
		return "", fmt.Errorf("demo subscription: %w", err)
	}
	return fmt.Sprintf("plans starter (auto) and business (manual) on %s and %s; app storefront of %s: active on %s, a request waiting for %s's approval",
		offers[0].api.Slug, offers[1].api.Slug, consumerTeam, offers[0].api.Slug, provider), nil
}

// synthAPIRef is a synthetic API as the subscription generator needs it.
type synthAPIRef struct {
	id, teamID int64
	major      int
}

// subscriptionsBatch is how many subscriptions are written per transaction.
const subscriptionsBatch = 5000

// synthesizeSubscriptions writes n subscriptions of generated apps to the
// synthetic APIs straight to the store in batches (test data: no
// notifications; one audit record per batch): one auto plan per API, one
// app per five subscriptions spread over the demo teams, every twentieth
// subscription pending, the others active with two keys each (the second
// rotated, in its grace period). Nobody knows the keys: each is a random
// key that is hashed and forgotten.
func (d *demo) synthesizeSubscriptions(ctx context.Context, n int) (keys int, err error) {
	if len(d.synthetic) < 5 {
		return 0, fmt.Errorf("--subscriptions needs at least 5 public synthetic APIs (--synthetic 10 or more): the subscriptions are to them")
	}
	plans := make([]store.Plan, len(d.synthetic))
	for i, a := range d.synthetic {
		plans[i] = store.Plan{APIID: a.id, Slug: "standard", Name: "Standard", RatePerMinute: 600, Burst: 50, QuotaPerDay: 100000, Approval: subscriptions.ApprovalAuto, Open: true}
	}
	if err := d.s.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error { return d.s.CreatePlans(ctx, tx, plans) }); err != nil {
		return 0, err
	}
	teamSlugs := make([]string, 0, len(demoTeamNames))
	for _, tn := range demoTeamNames {
		teamSlugs = append(teamSlugs, tn[0])
	}
	const perApp = 5
	now := time.Now().UTC().Truncate(time.Second)
	grace := now.Add(7 * 24 * time.Hour)
	for start := 0; start < n; start += subscriptionsBatch {
		end := min(start+subscriptionsBatch, n)
		err := d.s.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			firstApp, lastApp := start/perApp, (end-1)/perApp
			apps := make([]store.App, 0, lastApp-firstApp+1)
			for j := firstApp; j <= lastApp; j++ {
				team := d.teams[teamSlugs[j%len(teamSlugs)]]
				apps = append(apps, store.App{TeamID: team.ID, Slug: "synthetic-app-" + strconv.Itoa(j), Name: "Synthetic app " + strconv.Itoa(j),
					Contact: "app-" + strconv.Itoa(j) + "@" + team.Slug + ".example", Team: team})
			}
			if err := d.s.CreateApps(ctx, tx, apps); err != nil {
				return err
			}
			subs := make([]store.Subscription, 0, end-start)
			for i := start; i < end; i++ {
				app := &apps[i/perApp-firstApp]
				k := i / perApp
				ai := (k*perApp + i%perApp) % len(d.synthetic)
				api := d.synthetic[ai]
				sub := store.Subscription{AppID: app.ID, ConsumerTeamID: app.TeamID, APIID: api.id, ProviderTeamID: api.teamID, Major: api.major,
					PlanID: plans[ai].ID, State: string(subscriptions.Active), Purpose: "generated by portico demo --subscriptions", DecidedAt: &now}
				if i%20 == 19 {
					sub.State, sub.DecidedAt = string(subscriptions.Pending), nil
				}
				subs = append(subs, sub)
			}
			if err := d.s.CreateSubscriptions(ctx, tx, subs); err != nil {
				return err
			}
			ks := make([]store.APIKey, 0, 2*len(subs))
			for _, sub := range subs {
				if sub.State != string(subscriptions.Active) {
					continue
				}
				for j := 0; j < 2; j++ {
					kid, hash := subscriptions.NewKeyHash()
					k := store.APIKey{Kid: kid, SubscriptionID: sub.ID, APIID: sub.APIID, Major: sub.Major, PlanID: sub.PlanID,
						Name: "generated", KeyHash: hash, State: store.KeyActive}
					if j == 1 {
						k.GraceEndsAt = &grace
					}
					ks = append(ks, k)
				}
			}
			if err := d.s.CreateKeys(ctx, tx, ks); err != nil {
				return err
			}
			keys += len(ks)
			return d.s.Audit(ctx, tx, &store.AuditEvent{Actor: "demo", Action: "subscription.import", ObjectType: "subscription",
				ObjectID: fmt.Sprintf("%d-%d", subs[0].ID, subs[len(subs)-1].ID), After: fmt.Sprintf("%d subscriptions, %d keys", len(subs), len(ks)),
				Reason: "portico demo --subscriptions"}, store.Now())
		})
		if err != nil {
			return keys, err
		}
		fmt.Fprintf(d.out, "\rgenerating subscriptions %d/%d", end, n)
	}
	fmt.Fprintln(d.out)
	return keys, nil
}
