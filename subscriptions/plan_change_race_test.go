package subscriptions_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
	"github.com/portico-dev/portico/subscriptions"
)

// TestSubscribeAfterAPlanChangeTakesTheChange: a subscription request has
// read its plan (auto approval, open) and waits in its transaction (for the
// row of the major's published version, held here) while the provider
// closes the plan, or makes it need approval, and commits. The request,
// coming after the change, is refused on the closed plan and waits for
// approval on the other: it used to be created active from what it had read
// before, on a closed plan or past the approval the provider had just
// required.
func TestSubscribeAfterAPlanChangeTakesTheChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if s.Dialect() != store.PostgreSQL {
			t.Skip("SQLite writes one transaction at a time: a request cannot wait inside its transaction while the plan changes")
		}
		ctx := context.Background()
		f := newFixture(t, s)
		for _, c := range []struct {
			name   string
			change func(*subscriptions.PlanInput)
		}{
			{"closed", func(in *subscriptions.PlanInput) { in.Open = false }},
			{"manual", func(in *subscriptions.PlanInput) { in.Approval = subscriptions.ApprovalManual }},
		} {
			p, err := f.svc.CreatePlan(ctx, f.maint, f.api, subscriptions.PlanInput{Slug: "plan-" + c.name, Name: c.name, Approval: subscriptions.ApprovalAuto, Open: true})
			if err != nil {
				t.Fatal(err)
			}
			app, err := f.svc.CreateApp(ctx, f.dev, f.shop, subscriptions.AppInput{Slug: "app-" + c.name, Name: "App " + c.name})
			if err != nil {
				t.Fatal(err)
			}
			hold, err := s.DB().BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := hold.ExecContext(ctx, "SELECT id FROM api_versions WHERE id = ? FOR UPDATE", f.v1.ID); err != nil {
				t.Fatal(err)
			}
			type result struct {
				sub *store.Subscription
				err error
			}
			done := make(chan result, 1)
			go func() {
				sub, err := f.svc.Subscribe(ctx, f.dev, app, subscriptions.SubscribeInput{API: "pets", Plan: p.Slug, Purpose: "racing the plan"})
				done <- result{sub, err}
			}()
			// Wait until the request waits for the held row.
			for waiting := 0; waiting == 0; {
				if err := hold.QueryRowContext(ctx, `SELECT count(*) FROM pg_locks w WHERE NOT w.granted AND w.locktype = 'transactionid'
					AND w.transactionid = (SELECT h.transactionid FROM pg_locks h WHERE h.locktype = 'transactionid' AND h.granted
					AND h.mode = 'ExclusiveLock' AND h.pid = pg_backend_pid())`).Scan(&waiting); err != nil {
					t.Fatal(err)
				}
				select {
				case r := <-done:
					t.Fatalf("%s: the request ended (%v, %v) without waiting for the held row", c.name, r.sub, r.err)
				case <-time.After(10 * time.Millisecond):
				}
			}
			in := subscriptions.PlanInputOf(p)
			c.change(&in)
			if err := f.svc.UpdatePlan(ctx, f.maint, f.api, p, in); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if err := hold.Rollback(); err != nil {
				t.Fatal(err)
			}
			r := <-done
			switch c.name {
			case "closed":
				var ie *apperr.InputError
				if !errors.As(r.err, &ie) || ie.Fields["plan"] == "" {
					state := ""
					if r.sub != nil {
						state = r.sub.State
					}
					t.Errorf("subscribing to the plan closed meanwhile: %q subscription, err %v; want a field error on plan", state, r.err)
				}
			case "manual":
				if r.err != nil {
					t.Fatalf("subscribing to the plan that needs approval since: %v", r.err)
				}
				got, err := s.SubscriptionByID(ctx, r.sub.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.State != "pending" || got.DecidedAt != nil {
					t.Errorf("subscribing to the plan that needs approval since: stored %q (decided at %v), want pending, undecided", got.State, got.DecidedAt)
				}
			}
		}
	})
}
