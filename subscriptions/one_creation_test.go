package subscriptions_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/spec/spectest"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
	"github.com/portico-dev/portico/subscriptions"
)

// ticking is a clock an hour ahead of the database's that moves a second
// on each read: an operation that reads it twice, or takes the store's
// clock for one of its rows, writes two different times.
type ticking struct {
	mu sync.Mutex
	t  time.Time
}

func (c *ticking) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

// Creating or changing an API, a version, a plan or an app writes the
// row's times, the audit event (and a new app's subscription, its audit
// and notifications) at the operation's one instant.
func TestCreatingWritesOneTime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		c := &ticking{t: time.Now().UTC().Truncate(time.Second).Add(time.Hour)}
		life, svc := f.servicesAt(t, c.Now)

		a, err := life.CreateAPI(ctx, f.maint, f.pets, lifecycle.APIInput{Slug: "cats", Name: "Cats", Visibility: store.VisibilityPublic})
		if err != nil {
			t.Fatal(err)
		}
		got := f.apiRow(t, a.ID)
		checkOneInstant(t, "api created (answer's created_at, created_at, updated_at, audit)", a.CreatedAt, got.CreatedAt, got.UpdatedAt, f.auditAt(t, "api.create"))

		got.Team = f.pets
		if err := life.UpdateAPI(ctx, f.maint, got, lifecycle.APIInput{Name: "Cats!", Visibility: store.VisibilityPublic}); err != nil {
			t.Fatal(err)
		}
		checkOneInstant(t, "api updated (answer's updated_at, updated_at, audit)", got.UpdatedAt, f.apiRow(t, a.ID).UpdatedAt, f.auditAt(t, "api.update"))

		v, err := life.CreateVersion(ctx, f.maint, a, "1.0.0", []byte(spectest.PetsV1))
		if err != nil {
			t.Fatal(err)
		}
		stored, err := s.Version(ctx, a.ID, "1.0.0")
		if err != nil {
			t.Fatal(err)
		}
		checkOneInstant(t, "version created (answer's created_at, created_at, updated_at, the API's updated_at, audit)",
			v.CreatedAt, stored.CreatedAt, stored.UpdatedAt, f.apiRow(t, a.ID).UpdatedAt, f.auditAt(t, "version.create"))

		pl, err := svc.CreatePlan(ctx, f.maint, f.api, subscriptions.PlanInput{Slug: "silver", Name: "Silver", RatePerMinute: "60", Approval: subscriptions.ApprovalAuto, Open: true})
		if err != nil {
			t.Fatal(err)
		}
		plan, err := s.PlanBySlug(ctx, f.api.ID, "silver")
		if err != nil {
			t.Fatal(err)
		}
		checkOneInstant(t, "plan created (answer's created_at, created_at, updated_at, audit)", pl.CreatedAt, plan.CreatedAt, plan.UpdatedAt, f.auditAt(t, "plan.create"))

		if err := svc.UpdatePlan(ctx, f.maint, f.api, plan, subscriptions.PlanInput{Name: "Silver", RatePerMinute: "120", Approval: subscriptions.ApprovalAuto, Open: true}); err != nil {
			t.Fatal(err)
		}
		after, err := s.PlanBySlug(ctx, f.api.ID, "silver")
		if err != nil {
			t.Fatal(err)
		}
		checkOneInstant(t, "plan updated (answer's updated_at, updated_at, audit)", plan.UpdatedAt, after.UpdatedAt, f.auditAt(t, "plan.update"))

		app, err := svc.CreateApp(ctx, f.dev, f.shop, subscriptions.AppInput{Slug: "shop-ios", Name: "Shop iOS", Contact: "ios@shop.example"})
		if err != nil {
			t.Fatal(err)
		}
		row, err := s.AppBySlug(ctx, "shop-ios")
		if err != nil {
			t.Fatal(err)
		}
		checkOneInstant(t, "app created (answer's created_at, created_at, updated_at, audit)", app.CreatedAt, row.CreatedAt, row.UpdatedAt, f.auditAt(t, "app.create"))

		if err := svc.UpdateApp(ctx, f.dev, row, subscriptions.AppInput{Name: "Shop iOS app", Contact: "ios@shop.example"}); err != nil {
			t.Fatal(err)
		}
		changed, err := s.AppBySlug(ctx, "shop-ios")
		if err != nil {
			t.Fatal(err)
		}
		checkOneInstant(t, "app updated (answer's updated_at, updated_at, audit)", row.UpdatedAt, changed.UpdatedAt, f.auditAt(t, "app.update"))

		sub, err := svc.SubscribeNewApp(ctx, f.dev, f.shop, subscriptions.AppInput{Slug: "shop-tv", Name: "Shop TV", Contact: "tv@shop.example"},
			subscriptions.SubscribeInput{API: "pets", Plan: "silver", Purpose: "the shop's catalogue on TV"})
		if err != nil {
			t.Fatal(err)
		}
		tv, err := s.AppBySlug(ctx, "shop-tv")
		if err != nil {
			t.Fatal(err)
		}
		told := f.notifiedAt(t, f.maint, "subscription.created")
		subRow := reread(t, s, sub.ID)
		checkOneInstant(t, "new app subscribed (app's created_at, app.create audit, subscription's created_at, decided_at, subscription.create audit, notification)",
			tv.CreatedAt, f.auditAt(t, "app.create"), subRow.CreatedAt, *subRow.DecidedAt, f.auditAt(t, "subscription.create"), told)
	})
}
