package subscriptions_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
	"github.com/portico-dev/portico/subscriptions"
)

// TestKeysOverviewSplitsWorkingFromEndedKeys: what an app's page shows of
// a subscription's keys (those that work, the newest that ended, how many
// ended) and the page of all its keys follow the clock: a key rotated out,
// revoked or expired counts as ended, on both databases.
func TestKeysOverviewSplitsWorkingFromEndedKeys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		sub := f.subscribe(t, "free")
		issue := func(name, expires string) *store.APIKey {
			k, _, err := f.svc.IssueKey(ctx, f.dev, sub, subscriptions.KeyInput{Name: name, ExpiresAt: expires})
			if err != nil {
				t.Fatal(err)
			}
			return k
		}
		a := issue("a", "")
		b, _, err := f.svc.RotateKey(ctx, f.dev, a, sub, "3600")
		if err != nil {
			t.Fatal(err)
		}
		c, _, err := f.svc.RotateKey(ctx, f.dev, b, sub, "0")
		if err != nil {
			t.Fatal(err)
		}
		d := issue("d", f.clock.Now().Add(24*time.Hour).Format(time.RFC3339))
		e := issue("e", "")
		if err := f.svc.RevokeKey(ctx, f.dev, e, sub); err != nil {
			t.Fatal(err)
		}
		check := func(when string, ended int, live, recent []*store.APIKey, total int) {
			t.Helper()
			m, err := s.KeysOverview(ctx, []int64{sub.ID, sub.ID + 1000}, f.clock.Now(), ended)
			if err != nil {
				t.Fatal(err)
			}
			o := m[sub.ID]
			kids := func(ks []store.APIKey) (out []string) {
				for _, k := range ks {
					out = append(out, k.Name+"/"+k.Kid)
				}
				return out
			}
			want := func(ks []*store.APIKey) (out []string) {
				for _, k := range ks {
					out = append(out, k.Name+"/"+k.Kid)
				}
				return out
			}
			if o == nil || m[sub.ID+1000] == nil {
				t.Fatalf("%s: no overview of a subscription", when)
			}
			if g, w := kids(o.Live), want(live); !slices.Equal(g, w) {
				t.Errorf("%s: working keys %v, want %v", when, g, w)
			}
			if g, w := kids(o.Ended), want(recent); !slices.Equal(g, w) {
				t.Errorf("%s: newest ended keys %v, want %v", when, g, w)
			}
			if o.EndedTotal != total {
				t.Errorf("%s: %d ended keys, want %d", when, o.EndedTotal, total)
			}
			for _, k := range o.Live {
				if k.Creator == nil || k.Creator.Username != "dev" {
					t.Errorf("%s: key %s without its creator", when, k.Name)
				}
			}
		}
		// a was rotated into b with 1 hour of grace, b into c at once; d
		// expires in a day; e was revoked.
		check("now", 3, []*store.APIKey{d, c, a}, []*store.APIKey{e, b}, 2)
		check("now, one ended key shown", 1, []*store.APIKey{d, c, a}, []*store.APIKey{e}, 2)
		f.clock.advance(2 * time.Hour)
		check("2 hours on", 3, []*store.APIKey{d, c}, []*store.APIKey{e, b, a}, 3)
		f.clock.advance(2 * 24 * time.Hour)
		check("2 days on", 3, []*store.APIKey{c}, []*store.APIKey{e, d, b}, 4)

		keys, total, err := f.svc.KeysPage(ctx, sub, 1, 2)
		if err != nil {
			t.Fatal(err)
		}
		if total != 5 || len(keys) != 2 || keys[0].ID != d.ID || keys[1].ID != c.ID {
			t.Errorf("keys 2 and 3 of %d: %v", total, keys)
		}
	})
}
