package subscriptions_test

import (
	"context"
	"testing"
	"time"

	"github.com/portico-dev/portico/spec/spectest"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
	"github.com/portico-dev/portico/subscriptions"
)

// Every row one operation writes carries the operation's one instant: the
// version's or subscription's times, the API's updated_at, the audit event
// and the notifications it sends. Both services read the fixture's test
// clock, set ahead of the database's, so any second clock read shows.
func TestOneOperationWritesOneTime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		life, svc := f.servicesAt(t, f.clock.Now)
		version := func(v string) *store.APIVersion {
			t.Helper()
			got, err := s.Version(ctx, f.api.ID, v)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}

		// A publication: approving the request.
		f.clock.advance(time.Hour)
		v, err := life.CreateVersion(ctx, f.maint, f.api, "1.0.1", []byte(spectest.PetsV1))
		if err != nil {
			t.Fatal(err)
		}
		r, err := life.Submit(ctx, f.maint, f.api, v, "")
		if err != nil {
			t.Fatal(err)
		}
		f.clock.advance(time.Minute)
		if err := life.Approve(ctx, f.admin, r, "ok", false); err != nil {
			t.Fatal(err)
		}
		at := f.clock.Now()
		v = version("1.0.1")
		decided, err := s.Request(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		checkOneInstant(t, "published (published_at, updated_at, decided_at, the API's updated_at, audit, notification)", at,
			*v.PublishedAt, v.UpdatedAt, *decided.DecidedAt, f.apiRow(t, f.api.ID).UpdatedAt, f.auditAt(t, "version.approve"), f.notifiedAt(t, f.maint, "review.approved"))

		// A subscription decision: approving a manual plan's request.
		sub := f.subscribe(t, "gold")
		f.clock.advance(time.Minute)
		if err := svc.Approve(ctx, f.maint, sub); err != nil {
			t.Fatal(err)
		}
		at = f.clock.Now()
		sub = reread(t, s, sub.ID)
		checkOneInstant(t, "subscription approved (decided_at, updated_at, audit, notification)", at,
			*sub.DecidedAt, sub.UpdatedAt, f.auditAt(t, "subscription.approve"), f.notifiedAt(t, f.dev, "subscription.approve"))

		// A key rotation with no grace: the old key revoked when the new
		// one is created.
		k, _, err := svc.IssueKey(ctx, f.dev, sub, subscriptions.KeyInput{Name: "production"})
		if err != nil {
			t.Fatal(err)
		}
		f.clock.advance(time.Minute)
		nk, _, err := svc.RotateKey(ctx, f.dev, k, sub, "0")
		if err != nil {
			t.Fatal(err)
		}
		at = f.clock.Now()
		old, err := s.KeyByKid(ctx, k.Kid)
		if err != nil {
			t.Fatal(err)
		}
		fresh, err := s.KeyByKid(ctx, nk.Kid)
		if err != nil {
			t.Fatal(err)
		}
		checkOneInstant(t, "key rotated (old key's revoked_at, new key's created_at, subscription's updated_at, audit)", at,
			*old.RevokedAt, fresh.CreatedAt, reread(t, s, sub.ID).UpdatedAt, f.auditAt(t, "key.rotate"))

		// A deprecation of the major's last published versions: its
		// subscribers are told.
		f.clock.advance(time.Minute)
		if err := life.Deprecate(ctx, f.maint, f.api, version("1.0.0"), f.clock.Now().AddDate(0, 1, 0), ""); err != nil {
			t.Fatal(err)
		}
		f.clock.advance(time.Minute)
		if err := life.Deprecate(ctx, f.maint, f.api, version("1.0.1"), f.clock.Now().AddDate(0, 1, 0), ""); err != nil {
			t.Fatal(err)
		}
		at = f.clock.Now()
		v = version("1.0.1")
		checkOneInstant(t, "deprecated (deprecated_at, updated_at, the API's updated_at, audit, notification)", at,
			*v.DeprecatedAt, v.UpdatedAt, f.apiRow(t, f.api.ID).UpdatedAt, f.auditAt(t, "version.deprecate"), f.notifiedAt(t, f.dev, "subscription.deprecated"))
	})
}
