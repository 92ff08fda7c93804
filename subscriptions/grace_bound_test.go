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

// TestRotationsInGraceAreBounded: rotating the successor again and again,
// each time with a grace period, leaves at most MaxGracedKeys keys in their
// grace period; one more rotation with grace is refused with a message
// naming the way out, while a rotation without grace still works, and a
// grace that ends or a graced key revoked frees a place.
func TestRotationsInGraceAreBounded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		sub := f.subscribe(t, "free")
		k, key, err := f.svc.IssueKey(ctx, f.dev, sub, subscriptions.KeyInput{Name: "prod"})
		if err != nil {
			t.Fatal(err)
		}
		keys := []string{key}
		graced := []*store.APIKey{}
		for i := 0; i < subscriptions.MaxGracedKeys; i++ {
			nk, nkey, err := f.svc.RotateKey(ctx, f.dev, k, sub, "3600")
			if err != nil {
				t.Fatalf("rotation %d: %v", i+1, err)
			}
			graced = append(graced, k)
			k, keys = nk, append(keys, nkey)
			f.clock.advance(time.Minute)
		}
		_, _, err = f.svc.RotateKey(ctx, f.dev, k, sub, "3600")
		if !isConflict(err) {
			t.Fatalf("rotation %d with grace: %v, want a conflict", subscriptions.MaxGracedKeys+1, err)
		}
		if msg := err.Error(); !strings.Contains(msg, subscriptions.Prefix(graced[0].Kid)) || !strings.Contains(msg, "no grace") {
			t.Errorf("refusal %q names neither the oldest key in grace nor rotating with no grace", msg)
		}
		verifying := 0
		for _, key := range keys {
			if _, err := f.svc.Verify(ctx, key); err == nil {
				verifying++
			}
		}
		if verifying != subscriptions.MaxGracedKeys+1 {
			t.Errorf("%d keys verify, want %d", verifying, subscriptions.MaxGracedKeys+1)
		}

		// Revoking a graced key frees a place.
		if err := f.svc.RevokeKey(ctx, f.dev, graced[2], sub); err != nil {
			t.Fatal(err)
		}
		nk, _, err := f.svc.RotateKey(ctx, f.dev, k, sub, "3600")
		if err != nil {
			t.Fatalf("rotation after revoking a graced key: %v", err)
		}
		k = nk
		if _, _, err := f.svc.RotateKey(ctx, f.dev, k, sub, "3600"); !isConflict(err) {
			t.Errorf("rotation with grace at the bound again: %v, want a conflict", err)
		}
		// Without grace the old key ends at once: always allowed.
		nk, _, err = f.svc.RotateKey(ctx, f.dev, k, sub, "0")
		if err != nil {
			t.Fatalf("rotation without grace at the bound: %v", err)
		}
		k = nk
		// Once the oldest grace is over, a place is free.
		f.clock.advance(time.Hour - 4*time.Minute + time.Second)
		if _, _, err := f.svc.RotateKey(ctx, f.dev, k, sub, "3600"); err != nil {
			t.Fatalf("rotation after the oldest grace ended: %v", err)
		}
	})
}
