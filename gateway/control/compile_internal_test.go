package control

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// seedSmall writes apis APIs with a published version, a plan and keys
// keys each (one app subscribed to all) straight into the tables.
func seedSmall(t *testing.T, s *store.Store, apis, keys int) {
	t.Helper()
	ctx := context.Background()
	db := s.DB()
	now := time.Now().UTC()
	team := &store.Team{Slug: "small", Name: "Small"}
	if err := s.CreateTeam(ctx, db, team); err != nil {
		t.Fatal(err)
	}
	insert := func(v any) {
		t.Helper()
		if _, err := db.NewInsert().Model(v).Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	app := &store.App{TeamID: team.ID, Slug: "shop", Name: "Shop", LockVersion: 1, CreatedAt: now, UpdatedAt: now}
	insert(app)
	for i := range apis {
		a := &store.API{TeamID: team.ID, Slug: fmt.Sprintf("api-%d", i), Name: "API", Visibility: store.VisibilityPublic,
			Upstreams: store.StringList{"http://10.0.0.1:8080/api"}, Tags: store.StringList{}, LockVersion: 1, CreatedAt: now, UpdatedAt: now}
		insert(a)
		insert(&store.APIVersion{APIID: a.ID, Version: "1.0.0", Major: 1, State: "published", SpecFormat: "openapi-3.0", LockVersion: 1, CreatedAt: now, UpdatedAt: now, PublishedAt: &now})
		p := &store.Plan{APIID: a.ID, Slug: "standard", Name: "Standard", RatePerMinute: 600, Burst: 50, Approval: "auto", Open: true, LockVersion: 1, CreatedAt: now, UpdatedAt: now}
		insert(p)
		sub := &store.Subscription{AppID: app.ID, ConsumerTeamID: team.ID, APIID: a.ID, ProviderTeamID: team.ID, Major: 1, PlanID: p.ID, State: "active", LockVersion: 1, CreatedAt: now, UpdatedAt: now}
		insert(sub)
		for j := range keys {
			kid := fmt.Sprintf("k%d-%d", i, j)
			insert(&store.APIKey{Kid: kid, SubscriptionID: sub.ID, APIID: a.ID, Major: 1, PlanID: p.ID, KeyHash: gateway.HashKey(kid), State: store.KeyActive, CreatedAt: now})
		}
	}
}

// sortedDelta orders a delta's lists by id, to compare two.
func sortedDelta(d gateway.Delta) gateway.Delta {
	slices.SortFunc(d.Routes.Upsert, func(a, b gateway.Route) int { return strings.Compare(a.ID(), b.ID()) })
	slices.SortFunc(d.Plans.Upsert, func(a, b gateway.Plan) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(d.Keys.Upsert, func(a, b gateway.Key) int { return strings.Compare(a.ID, b.ID) })
	for _, l := range [][]string{d.Routes.Delete, d.Plans.Delete, d.Keys.Delete} {
		slices.Sort(l)
	}
	return d
}

// TestCompileComparedWithItsBase checks what a compile takes from its
// comparison with the newest state (items equal to the base's are not
// validated again; the diff uses the comparison and skips the search for
// deletions when none can be): with changes of every kind in the
// database, the items, the delta and the resulting hash are those of a
// compile without a base and a full diff; and a comparison made with
// another state than the one diffed against (stale) is not used.
func TestCompileComparedWithItsBase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedSmall(t, s, 4, 3)
		now := time.Now()
		first, err := Compile(ctx, s, now, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		base, err := gateway.NewState(1, first.Routes, first.Plans, first.Keys)
		if err != nil {
			t.Fatal(err)
		}
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := s.DB().ExecContext(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		// A key revoked, one whose hash is no longer valid (left out,
		// so deleted), one added; a plan's rate and an API's upstream
		// changed.
		exec("UPDATE api_keys SET state = ? WHERE kid = ?", store.KeyRevoked, "k0-0")
		exec("UPDATE api_keys SET key_hash = ? WHERE kid = ?", "not-hex", "k1-1")
		exec("INSERT INTO api_keys (kid, subscription_id, api_id, major, plan_id, key_hash, state, created_at) SELECT 'k2-9', subscription_id, api_id, major, plan_id, ?, state, created_at FROM api_keys WHERE kid = 'k2-0'",
			gateway.HashKey("k2-9"))
		exec("UPDATE plans SET rate_per_minute = 60 WHERE api_id = (SELECT id FROM apis WHERE slug = 'api-3')")
		exec("UPDATE apis SET upstreams = ? WHERE slug = 'api-2'", `["http://10.0.0.2:8080/api"]`)

		full, err := Compile(ctx, s, now, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := sortedDelta(diff(base, full, ""))
		if got := describe(&want); got != "1 routes, 1 plans, 3 keys changed" {
			t.Fatalf("the full diff finds %s, want 1 route, 1 plan and 3 keys (one added, two deleted)", got)
		}
		compared, err := Compile(ctx, s, now, 0, base)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(compared.Skipped, full.Skipped) || len(compared.Skipped) != 1 {
			t.Errorf("skipped %q, want %q (one)", compared.Skipped, full.Skipped)
		}
		if !slices.EqualFunc(compared.Routes, full.Routes, func(a, b gateway.Route) bool { return routeEqual(&a, &b) }) ||
			!slices.Equal(compared.Plans, full.Plans) || !slices.EqualFunc(compared.Keys, full.Keys, func(a, b gateway.Key) bool { return keyEqual(&a, &b) }) {
			t.Error("a compile compared with its base reads other items than one without")
		}
		got := sortedDelta(diff(base, compared, ""))
		if describe(&got) != describe(&want) || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("the diff of a compile compared with its base is\n%+v\nwant\n%+v", got, want)
		}
		next := func(d gateway.Delta) string {
			t.Helper()
			d.Schema, d.BaseVersion, d.BaseHash, d.Version = gateway.Schema, base.Version(), base.Hash(), base.Version()+1
			n, err := base.Derive(&d)
			if err != nil {
				t.Fatal(err)
			}
			return n.Hash()
		}
		fresh, err := gateway.NewState(2, full.Routes, full.Plans, full.Keys)
		if err != nil {
			t.Fatal(err)
		}
		if h := next(got); h != fresh.Hash() {
			t.Errorf("the next version hashes to %.12s…, a state built from the items to %.12s…", h, fresh.Hash())
		}

		// Compared with another state (here the changed one, equal to
		// the items), the comparison says "nothing changed"; diffed
		// against base, it must not be believed.
		stale, err := Compile(ctx, s, now, 0, fresh)
		if err != nil {
			t.Fatal(err)
		}
		if d := diff(fresh, stale, ""); !d.Empty() {
			t.Errorf("compared with the state it equals, the diff is %s", describe(&d))
		}
		if got := sortedDelta(diff(base, stale, "")); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("a comparison with another state was used: the diff is %s, want %s", describe(&got), describe(&want))
		}
	})
}
