package subscriptions_test

import (
	"context"
	"testing"
	"time"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
	"github.com/portico-dev/portico/subscriptions"
)

// TestGraceDateWithinThirtyDays: the rotation form's date field says
// "Within 30 days", so a date whose day is 30 days out (whose end is later
// than now + 30 days) is accepted and ends at the end of that day; the day
// after is refused, as is a time later than now + 30 days.
func TestGraceDateWithinThirtyDays(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		y, m, d := f.clock.Now().Date()
		f.clock.t = time.Date(y, m, d, 12, 0, 0, 0, time.UTC)
		sub := f.subscribe(t, "free")
		rotate := func(grace string) (*store.APIKey, error) {
			t.Helper()
			k, _, err := f.svc.IssueKey(ctx, f.dev, sub, subscriptions.KeyInput{Name: "g"})
			if err != nil {
				t.Fatal(err)
			}
			nk, _, err := f.svc.RotateKey(ctx, f.dev, k, sub, grace)
			if err == nil {
				if err := f.svc.RevokeKey(ctx, f.dev, nk, sub); err != nil {
					t.Fatal(err)
				}
				if err := f.svc.RevokeKey(ctx, f.dev, k, sub); err != nil {
					t.Fatal(err)
				}
			} else if err := f.svc.RevokeKey(ctx, f.dev, k, sub); err != nil {
				t.Fatal(err)
			}
			return k, err
		}
		day30 := f.clock.Now().Add(subscriptions.MaxGrace).Format("2006-01-02")
		k, err := rotate(day30)
		if err != nil {
			t.Fatalf("grace until %s (30 days out): %v", day30, err)
		}
		want := f.clock.Now().Add(subscriptions.MaxGrace).Truncate(24 * time.Hour).Add(24*time.Hour - time.Second)
		if k.GraceEndsAt == nil || !k.GraceEndsAt.Equal(want) {
			t.Errorf("grace until %s ends %v, want %v", day30, k.GraceEndsAt, want)
		}
		day31 := f.clock.Now().Add(subscriptions.MaxGrace + 24*time.Hour).Format("2006-01-02")
		_, err = rotate(day31)
		fieldError(t, err, "grace")
		_, err = rotate(f.clock.Now().Add(subscriptions.MaxGrace + time.Second).Format(time.RFC3339))
		fieldError(t, err, "grace")
		if _, err := rotate(f.clock.Now().Add(subscriptions.MaxGrace).Format(time.RFC3339)); err != nil {
			t.Errorf("grace until exactly now + 30 days: %v", err)
		}
	})
}
