package control_test

import (
	"context"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/control"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestServedRoutesAgreeWithCompile: ServedRoutes says an API major is
// served exactly when Compile gives it a route: a major with a deployment
// in force by its targets, one without by the API's upstream URLs; read
// for several APIs at once, and false for an API it was not asked about.
func TestServedRoutesAgreeWithCompile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		alpha, _ := f.publishAPI(t, "alpha", []string{"http://alpha.internal:8080"}, "1.0.0")
		f.publishAPI(t, "alpha", nil, "2.0.0")
		beta, _ := f.publishAPI(t, "beta", nil, "1.0.0")
		f.publishAPI(t, "beta", nil, "2.0.0")
		f.publishAPI(t, "beta", nil, "3.0.0")
		gamma, _ := f.publishAPI(t, "gamma", nil, "1.0.0")
		for _, d := range []struct {
			a     *store.API
			major int
		}{{alpha, 2}, {beta, 2}} {
			if _, _, err := f.svc.Deploy(ctx, f.maint, d.a, d.major, control.SettingsInput{Targets: []string{"http://" + d.a.Slug + "-v2.internal"}}); err != nil {
				t.Fatal(err)
			}
		}
		items, err := control.Compile(ctx, s, time.Now(), 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		compiled := map[string]bool{}
		for _, r := range items.Routes {
			compiled[r.ID()] = true
		}
		served, err := control.ServedRoutes(ctx, s, []int64{alpha.ID, beta.ID, gamma.ID, beta.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			a     *store.API
			major int
			want  bool
		}{
			{alpha, 1, true}, {alpha, 2, true}, {beta, 1, false}, {beta, 2, true}, {beta, 3, false}, {gamma, 1, false},
		} {
			id := gateway.RouteID(c.a.Slug, c.major)
			if got := served.Serves(c.a.ID, c.major); got != c.want || got != compiled[id] {
				t.Errorf("%s: Serves %v, compiled %v, want %v", id, got, compiled[id], c.want)
			}
		}
		if only, err := control.ServedRoutes(ctx, s, []int64{beta.ID}); err != nil || only.Serves(alpha.ID, 1) || !only.Serves(beta.ID, 2) {
			t.Errorf("ServedRoutes of beta alone: alpha v1 %v, beta v2 %v, err %v; want false, true", only.Serves(alpha.ID, 1), only.Serves(beta.ID, 2), err)
		}
		if none, err := control.ServedRoutes(ctx, s, nil); err != nil || none.Serves(alpha.ID, 1) {
			t.Errorf("ServedRoutes of no API: %v, %v", none.Serves(alpha.ID, 1), err)
		}
	})
}
