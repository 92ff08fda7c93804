package subscriptions_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/policy"
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
		p, err := policy.New(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		life := lifecycle.New(s, p, lifecycle.Options{MinSunsetNotice: 7 * 24 * time.Hour, Now: f.clock.Now})
		svc := subscriptions.New(s, p, life, subscriptions.Options{Now: f.clock.Now})
		var times []string
		want := func(what string, at time.Time, got ...time.Time) {
			t.Helper()
			times = times[:0]
			ok := true
			for _, g := range got {
				times = append(times, g.UTC().Format(time.RFC3339Nano))
				ok = ok && g.Equal(at)
			}
			if !ok {
				t.Errorf("%s at %s: got %s; want one instant", what, at.Format(time.RFC3339Nano), strings.Join(times, ", "))
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
		note := func(u *store.User, kind string) time.Time {
			t.Helper()
			ns, err := s.Notifications(ctx, u.ID, 20)
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range ns {
				if n.Kind == kind {
					return n.CreatedAt
				}
			}
			t.Fatalf("%s has no %s notification", u.Username, kind)
			return time.Time{}
		}
		apiUpdated := func() time.Time {
			t.Helper()
			a, err := s.APIByID(ctx, f.api.ID)
			if err != nil {
				t.Fatal(err)
			}
			return a.UpdatedAt
		}
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
		want("published (published_at, updated_at, decided_at, the API's updated_at, audit, notification)", at,
			*v.PublishedAt, v.UpdatedAt, *decided.DecidedAt, apiUpdated(), audit("version.approve"), note(f.maint, "review.approved"))

		// A subscription decision: approving a manual plan's request.
		sub := f.subscribe(t, "gold")
		f.clock.advance(time.Minute)
		if err := svc.Approve(ctx, f.maint, sub); err != nil {
			t.Fatal(err)
		}
		at = f.clock.Now()
		sub = reread(t, s, sub.ID)
		want("subscription approved (decided_at, updated_at, audit, notification)", at,
			*sub.DecidedAt, sub.UpdatedAt, audit("subscription.approve"), note(f.dev, "subscription.approve"))

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
		want("key rotated (old key's revoked_at, new key's created_at, subscription's updated_at, audit)", at,
			*old.RevokedAt, fresh.CreatedAt, reread(t, s, sub.ID).UpdatedAt, audit("key.rotate"))

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
		want("deprecated (deprecated_at, updated_at, the API's updated_at, audit, notification)", at,
			*v.DeprecatedAt, v.UpdatedAt, apiUpdated(), audit("version.deprecate"), note(f.dev, "subscription.deprecated"))
	})
}
