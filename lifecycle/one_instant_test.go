package lifecycle_test

import (
	"context"
	"testing"
	"time"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/spec/spectest"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// A transition's times are one instant: a version is published when its
// request is approved and updated then, and deprecated or retired when it
// is updated, not at clock reads a moment apart. The service's clock (a
// fixed test clock here, store.Now in the portal) is the one read.
func TestTransitionTimesAreOneInstant(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		now := time.Now().UTC().Truncate(time.Second).Add(-time.Hour)
		f.svc = f.serviceWith(t, lifecycle.Options{MinSunsetNotice: 7 * 24 * time.Hour, Now: func() time.Time { return now }})
		a := f.api(t)
		_, r := f.submit(t, f.dev, a, "1.0.0", spectest.PetsV1)
		now = now.Add(time.Minute)
		if err := f.svc.Approve(ctx, f.approver, r, "ok", false); err != nil {
			t.Fatal(err)
		}
		read := func() *store.APIVersion {
			t.Helper()
			got, err := s.Version(ctx, a.ID, "1.0.0")
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		decided, err := s.Request(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Approve publishes the version as it reads it, not the copy v.
		v := read()
		for _, got := range []*store.APIVersion{v} {
			if got.PublishedAt == nil || !got.PublishedAt.Equal(now) || !got.UpdatedAt.Equal(now) || decided.DecidedAt == nil || !decided.DecidedAt.Equal(now) {
				t.Errorf("approved at %v: published_at %v, updated_at %v, the request's decided_at %v; want one instant", now, got.PublishedAt, got.UpdatedAt, decided.DecidedAt)
			}
		}
		now = now.Add(time.Minute)
		if err := f.svc.Deprecate(ctx, f.maintainer, a, v, now.AddDate(0, 1, 0), ""); err != nil {
			t.Fatal(err)
		}
		for _, got := range []*store.APIVersion{v, read()} {
			if got.DeprecatedAt == nil || !got.DeprecatedAt.Equal(now) || !got.UpdatedAt.Equal(now) {
				t.Errorf("deprecated at %v: deprecated_at %v, updated_at %v; want one instant", now, got.DeprecatedAt, got.UpdatedAt)
			}
		}
		now = now.Add(time.Minute)
		if err := f.svc.Retire(ctx, f.maintainer, a, v); err != nil {
			t.Fatal(err)
		}
		for _, got := range []*store.APIVersion{v, read()} {
			if got.RetiredAt == nil || !got.RetiredAt.Equal(now) || !got.UpdatedAt.Equal(now) {
				t.Errorf("retired at %v: retired_at %v, updated_at %v; want one instant", now, got.RetiredAt, got.UpdatedAt)
			}
		}
	})
}
