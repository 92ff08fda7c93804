package subscriptions_test

import (
	"context"
	"testing"
	"time"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
	"github.com/portico-dev/portico/subscriptions"
)

// TestKeyExpiryThreeYearsOut: a key's expiry may be at most 3 years ahead,
// so the date 3 years from today is accepted (it stands for the end of that
// day, UTC), even with a leap day between, and the day after is refused;
// as a time, exactly 3 years from now is accepted and a second later not.
func TestKeyExpiryThreeYearsOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		f.clock.t = time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC) // 2028-02-29 lies within 3 years
		sub := f.subscribe(t, "free")
		issue := func(expires string) (*store.APIKey, error) {
			t.Helper()
			k, _, err := f.svc.IssueKey(ctx, f.dev, sub, subscriptions.KeyInput{Name: "e", ExpiresAt: expires})
			if err == nil {
				if err := f.svc.RevokeKey(ctx, f.dev, k, sub); err != nil {
					t.Fatal(err)
				}
			}
			return k, err
		}
		k, err := issue("2029-12-06")
		if err != nil {
			t.Fatalf("expiry on 2029-12-06, 3 years from 2026-12-06: %v", err)
		}
		if want := time.Date(2029, 12, 6, 23, 59, 59, 0, time.UTC); k.ExpiresAt == nil || !k.ExpiresAt.Equal(want) {
			t.Errorf("expiry on 2029-12-06 is %v, want %v", k.ExpiresAt, want)
		}
		_, err = issue("2029-12-07")
		fieldError(t, err, "expires_at")
		if _, err := issue("2029-12-06T12:00:00Z"); err != nil {
			t.Errorf("expiry exactly 3 years from now: %v", err)
		}
		_, err = issue("2029-12-06T12:00:01Z")
		fieldError(t, err, "expires_at")
	})
}
