package subscriptions_test

import (
	"context"
	"strings"
	"testing"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/spec/spectest"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
	"github.com/portico-dev/portico/subscriptions"
)

// The audit trail names a version "api@version", a plan "api/plan" and a
// subscription "id app→api/vN": with slugs and versions of the longest
// length allowed, longer than audit_events.object_id's first 128
// characters. PostgreSQL enforced that length (SQLite does not), so the
// change failed, audit and all, on PostgreSQL only.
func TestLongestSlugsAreAuditedOnEveryDatabase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		apiSlug := "a" + strings.Repeat("p", 63)
		a, err := f.life.CreateAPI(ctx, f.maint, f.pets, lifecycle.APIInput{Slug: apiSlug, Name: "Long"})
		if err != nil {
			t.Fatal(err)
		}
		version := "1.0.0-" + strings.Repeat("r", lifecycle.MaxVersionLength-len("1.0.0-"))
		v, err := f.life.CreateVersion(ctx, f.maint, a, version, []byte(spectest.PetsV1))
		if err != nil {
			t.Fatalf("version %d characters long of an API with a %d-character slug: %v", len(version), len(apiSlug), err)
		}
		if err := f.life.Import(ctx, f.admin, a, v); err != nil {
			t.Fatal(err)
		}
		planSlug := "p" + strings.Repeat("l", 63)
		if _, err := f.svc.CreatePlan(ctx, f.maint, a, subscriptions.PlanInput{Slug: planSlug, Name: "Long", RatePerMinute: "60",
			Burst: "10", QuotaPerDay: "100", Approval: "auto", Open: true}); err != nil {
			t.Fatalf("plan with a %d-character slug: %v", len(planSlug), err)
		}
		app, err := f.svc.CreateApp(ctx, f.dev, f.shop, subscriptions.AppInput{Slug: "w" + strings.Repeat("e", 63), Name: "Long"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Subscribe(ctx, f.dev, app, subscriptions.SubscribeInput{API: apiSlug, Plan: planSlug, Purpose: "a long name"}); err != nil {
			t.Fatalf("subscription of a %d-character app slug to a %d-character API slug: %v", len(app.Slug), len(apiSlug), err)
		}
		for _, id := range []string{apiSlug + "@" + version, apiSlug + "/" + planSlug} {
			if n, err := s.CountAudit(ctx, store.AuditFilter{ObjectID: id}); err != nil || n == 0 {
				t.Errorf("audit events of %q: %d, %v", id, n, err)
			}
		}
	})
}
