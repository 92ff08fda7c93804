package subscriptions_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/policy"
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
		p, err := policy.New(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		c := &ticking{t: time.Now().UTC().Truncate(time.Second).Add(time.Hour)}
		life := lifecycle.New(s, p, lifecycle.Options{MinSunsetNotice: 7 * 24 * time.Hour, Now: c.Now})
		svc := subscriptions.New(s, p, life, subscriptions.Options{Now: c.Now})
		same := func(what string, got ...time.Time) {
			t.Helper()
			times := make([]string, len(got))
			ok := true
			for i, g := range got {
				times[i] = g.UTC().Format(time.RFC3339Nano)
				ok = ok && g.Equal(got[0])
			}
			if !ok {
				t.Errorf("%s: got %s; want one instant", what, strings.Join(times, ", "))
			}
		}
		audit := func(action string) time.Time {
			t.Helper()
			es, err := s.ListAudit(ctx, store.AuditFilter{Action: action, Limit: 1})
			if err != nil || len(es) == 0 {
				t.Fatalf("audit %s: %v, %d events", action, err, len(es))
			}
			return es[0].CreatedAt
		}
		apiRow := func(id int64) *store.API {
			t.Helper()
			a, err := s.APIByID(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return a
		}

		a, err := life.CreateAPI(ctx, f.maint, f.pets, lifecycle.APIInput{Slug: "cats", Name: "Cats", Visibility: store.VisibilityPublic})
		if err != nil {
			t.Fatal(err)
		}
		got := apiRow(a.ID)
		same("api created (answer's created_at, created_at, updated_at, audit)", a.CreatedAt, got.CreatedAt, got.UpdatedAt, audit("api.create"))

		got.Team = f.pets
		if err := life.UpdateAPI(ctx, f.maint, got, lifecycle.APIInput{Name: "Cats!", Visibility: store.VisibilityPublic}); err != nil {
			t.Fatal(err)
		}
		same("api updated (answer's updated_at, updated_at, audit)", got.UpdatedAt, apiRow(a.ID).UpdatedAt, audit("api.update"))

		v, err := life.CreateVersion(ctx, f.maint, a, "1.0.0", []byte(spectest.PetsV1))
		if err != nil {
			t.Fatal(err)
		}
		stored, err := s.Version(ctx, a.ID, "1.0.0")
		if err != nil {
			t.Fatal(err)
		}
		same("version created (answer's created_at, created_at, updated_at, the API's updated_at, audit)",
			v.CreatedAt, stored.CreatedAt, stored.UpdatedAt, apiRow(a.ID).UpdatedAt, audit("version.create"))

		pl, err := svc.CreatePlan(ctx, f.maint, f.api, subscriptions.PlanInput{Slug: "silver", Name: "Silver", RatePerMinute: "60", Approval: subscriptions.ApprovalAuto, Open: true})
		if err != nil {
			t.Fatal(err)
		}
		plan, err := s.PlanBySlug(ctx, f.api.ID, "silver")
		if err != nil {
			t.Fatal(err)
		}
		same("plan created (answer's created_at, created_at, updated_at, audit)", pl.CreatedAt, plan.CreatedAt, plan.UpdatedAt, audit("plan.create"))

		if err := svc.UpdatePlan(ctx, f.maint, f.api, plan, subscriptions.PlanInput{Name: "Silver", RatePerMinute: "120", Approval: subscriptions.ApprovalAuto, Open: true}); err != nil {
			t.Fatal(err)
		}
		after, err := s.PlanBySlug(ctx, f.api.ID, "silver")
		if err != nil {
			t.Fatal(err)
		}
		same("plan updated (answer's updated_at, updated_at, audit)", plan.UpdatedAt, after.UpdatedAt, audit("plan.update"))

		app, err := svc.CreateApp(ctx, f.dev, f.shop, subscriptions.AppInput{Slug: "shop-ios", Name: "Shop iOS", Contact: "ios@shop.example"})
		if err != nil {
			t.Fatal(err)
		}
		row, err := s.AppBySlug(ctx, "shop-ios")
		if err != nil {
			t.Fatal(err)
		}
		same("app created (answer's created_at, created_at, updated_at, audit)", app.CreatedAt, row.CreatedAt, row.UpdatedAt, audit("app.create"))

		if err := svc.UpdateApp(ctx, f.dev, row, subscriptions.AppInput{Name: "Shop iOS app", Contact: "ios@shop.example"}); err != nil {
			t.Fatal(err)
		}
		changed, err := s.AppBySlug(ctx, "shop-ios")
		if err != nil {
			t.Fatal(err)
		}
		same("app updated (answer's updated_at, updated_at, audit)", row.UpdatedAt, changed.UpdatedAt, audit("app.update"))

		sub, err := svc.SubscribeNewApp(ctx, f.dev, f.shop, subscriptions.AppInput{Slug: "shop-tv", Name: "Shop TV", Contact: "tv@shop.example"},
			subscriptions.SubscribeInput{API: "pets", Plan: "silver", Purpose: "the shop's catalogue on TV"})
		if err != nil {
			t.Fatal(err)
		}
		tv, err := s.AppBySlug(ctx, "shop-tv")
		if err != nil {
			t.Fatal(err)
		}
		ns, err := s.Notifications(ctx, f.maint.ID, 20)
		if err != nil {
			t.Fatal(err)
		}
		var told time.Time
		for _, n := range ns {
			if n.Kind == "subscription.created" {
				told = n.CreatedAt
				break
			}
		}
		subRow := reread(t, s, sub.ID)
		same("new app subscribed (app's created_at, app.create audit, subscription's created_at, decided_at, subscription.create audit, notification)",
			tv.CreatedAt, audit("app.create"), subRow.CreatedAt, *subRow.DecidedAt, audit("subscription.create"), told)
	})
}
