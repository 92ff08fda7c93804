package subscriptions_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
	"github.com/portico-dev/portico/subscriptions"
)

// TestSunsetRetirementNotifiesOnlyTheSubscriptionsItEnds: the provider
// revokes shop's only subscription while the sunset retires the version it
// used. The revocation holds the subscription's row when the retirement
// starts and commits while the retirement waits for that row: the
// retirement then ends only other's subscription, and only other's people
// are told their subscriptions ended. shop's were told of the revocation,
// not of an end that never happened to them. (The retirement used to read
// whom to tell before it ended the subscriptions, so shop's developer was
// told too.)
func TestSunsetRetirementNotifiesOnlyTheSubscriptionsItEnds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		shopSub := f.subscribe(t, "free")
		otherApp, err := f.svc.CreateApp(ctx, f.outsider, f.other, subscriptions.AppInput{Slug: "other-web", Name: "Other web", Contact: "web@other.example"})
		if err != nil {
			t.Fatal(err)
		}
		otherSub, err := f.svc.Subscribe(ctx, f.outsider, otherApp, subscriptions.SubscribeInput{API: "pets", Plan: "free", Purpose: "other things"})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.life.Deprecate(ctx, f.maint, f.api, f.v1, time.Now().AddDate(0, 1, 0), ""); err != nil {
			t.Fatal(err)
		}
		// The sunset has come.
		if _, err := s.DB().NewUpdate().Table("api_versions").Set("sunset_at = ?", time.Now().Add(-time.Hour).UTC()).
			Where("id = ?", f.v1.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}

		// The revocation's transaction, as far as its write of the row.
		tx, err := s.DB().BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback() //nolint:errcheck // committed below
		if _, err := tx.NewUpdate().Table("subscriptions").Set("state = ?", "revoked").Set("reason = ?", "misuse").
			Set("lock_version = lock_version + 1").Where("id = ?", shopSub.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		type result struct {
			n   int
			err error
		}
		done := make(chan result, 1)
		go func() {
			n, err := f.life.RetireDue(ctx)
			done <- result{n, err}
		}()
		if s.Dialect() == store.PostgreSQL {
			// Wait until the retirement waits for the revocation's row.
			deadline := time.Now().Add(10 * time.Second)
			for {
				var waiting int
				if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM pg_locks w WHERE NOT w.granted AND w.locktype = 'transactionid'
					AND w.transactionid = (SELECT h.transactionid FROM pg_locks h WHERE h.locktype = 'transactionid' AND h.granted
					AND h.mode = 'ExclusiveLock' AND h.pid = pg_backend_pid())`).Scan(&waiting); err != nil {
					t.Fatal(err)
				}
				if waiting > 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("the retirement never waited for the revoked subscription's row")
				}
				time.Sleep(10 * time.Millisecond)
			}
		} else {
			// SQLite: the retirement's transaction waits for the database's
			// write lock, which tx holds.
			time.Sleep(100 * time.Millisecond)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		r := <-done
		if r.err != nil || r.n != 1 {
			t.Fatalf("RetireDue = %d, %v, want 1, nil", r.n, r.err)
		}

		for _, c := range []struct {
			sub   *store.Subscription
			state string
			user  *store.User
			told  bool
		}{{shopSub, "revoked", f.dev, false}, {otherSub, "ended", f.outsider, true}} {
			got, err := s.SubscriptionByID(ctx, c.sub.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.State != c.state {
				t.Errorf("subscription of %s is %s, want %s", got.App.Slug, got.State, c.state)
			}
			ns, err := s.Notifications(ctx, c.user.ID, 50)
			if err != nil {
				t.Fatal(err)
			}
			var ended []string
			for _, n := range ns {
				if n.Kind == "subscription.ended" {
					ended = append(ended, n.Message)
				}
			}
			if told := len(ended) > 0; told != c.told {
				t.Errorf("%s told its subscriptions ended: %t (%s), want %t", c.user.Username, told, strings.Join(ended, " | "), c.told)
			}
		}
	})
}
