package control_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/control"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
	"github.com/portico-dev/portico/subscriptions"
)

// TestReachCountsNodesServingTheCurrentSettings: an API major version's
// reach counts the registered nodes that have applied the configuration
// version that gave its route its settings, or a later one. A node behind
// the head but past that version serves it; one before it does not;
// settings saved but not compiled yet are served by none; a revoked node
// is not counted at all, an unreachable one is counted as not serving.
// The Gateway settings page (Service.Settings) and the version's page
// (Reaches.OfServed) say the same.
func TestReachCountsNodesServingTheCurrentSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		pets, _ := f.publishAPI(t, "pets", []string{"http://pets.internal:8080"}, "1.0.0")
		other, _ := f.publishAPI(t, "other", []string{"http://other.internal:8080"}, "1.0.0")
		f.drain(t)

		check := func(step string, serving, total int, status string) {
			t.Helper()
			rs, err := f.svc.Settings(ctx, f.maint, pets)
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) != 1 || rs[0].Reach == nil {
				t.Fatalf("%s: settings %+v, want v1 with its reach", step, rs)
			}
			if got := *rs[0].Reach; got != (control.Reach{Serving: serving, Total: total}) || got.Status() != status {
				t.Errorf("%s: the settings page's reach %+v %q, want %d of %d %q", step, got, got.Status(), serving, total, status)
			}
			served, err := control.ServedRoutes(ctx, s, []int64{pets.ID})
			if err != nil {
				t.Fatal(err)
			}
			reaches, err := f.svc.Reaches(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got := reaches.OfServed(served, pets.ID, 1); got != (control.Reach{Serving: serving, Total: total}) {
				t.Errorf("%s: the version page's reach %+v, want %d of %d", step, got, serving, total)
			}
		}
		check("no node", 0, 0, "no gateway node registered")

		ids := map[string]int64{}
		for _, name := range []string{"edge-1", "edge-2", "edge-3"} {
			n, _, err := f.svc.RegisterNode(ctx, f.admin, control.NodeInput{Name: name})
			if err != nil {
				t.Fatal(err)
			}
			ids[name] = n.ID
		}
		f.drain(t)
		applied := func(name string, h gateway.Head) {
			t.Helper()
			if err := s.RecordGatewayNodeStatus(ctx, ids[name], store.GatewayNodeStatus{AppliedVersion: int64(h.Version), AppliedHash: h.Hash}); err != nil {
				t.Fatal(err)
			}
		}
		h1, _ := f.src.Current(ctx)
		applied("edge-1", h1)
		applied("edge-2", h1)
		// edge-3 never connected: unreachable.
		check("two of three at the head", 2, 3, "reaching nodes: 2 of 3 serve this version's current settings")
		if err := f.svc.RevokeNode(ctx, f.admin, "edge-3"); err != nil {
			t.Fatal(err)
		}
		check("the third revoked", 2, 2, "served by all 2 nodes")

		if _, _, err := f.svc.Deploy(ctx, f.maint, pets, 1, control.SettingsInput{Targets: []string{"http://pets-2.internal:8080"}, ResponseTimeoutMS: "5000"}); err != nil {
			t.Fatal(err)
		}
		check("new settings not compiled yet", 0, 2, "reaching nodes: 0 of 2 serve this version's current settings")
		f.drain(t)
		h2, _ := f.src.Current(ctx)
		if h2.Version <= h1.Version {
			t.Fatalf("the deployment compiled no version: %v after %v", h2, h1)
		}
		check("compiled, no node has it", 0, 2, "reaching nodes: 0 of 2 serve this version's current settings")
		applied("edge-1", h2)
		check("one node has it", 1, 2, "reaching nodes: 1 of 2 serve this version's current settings")

		// Another API changes: edge-2, behind the head, still serves pets
		// v1's current settings once it has h2; edge-1 at h2 too.
		if _, _, err := f.svc.Deploy(ctx, f.maint, other, 1, control.SettingsInput{Targets: []string{"http://other-2.internal:8080"}}); err != nil {
			t.Fatal(err)
		}
		f.drain(t)
		h3, _ := f.src.Current(ctx)
		if h3.Version <= h2.Version {
			t.Fatalf("the other API's deployment compiled no version: %v after %v", h3, h2)
		}
		applied("edge-2", h2)
		check("both past the version of pets v1's settings, neither at the head", 2, 2, "served by all 2 nodes")

		// A node silent for longer than the threshold serves nothing as
		// far as the portal knows.
		if _, err := s.DB().NewUpdate().Table("gateway_nodes").Set("last_seen_at = ?", time.Now().UTC().Add(-2*time.Minute)).
			Where("id = ?", ids["edge-2"]).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		check("one unreachable", 1, 2, "reaching nodes: 1 of 2 serve this version's current settings")
		applied("edge-2", h3)
		check("back, at the head", 2, 2, "served by all 2 nodes")

		// Another instance, which loaded the configuration whole, counts
		// no node that serves less.
		src, _, _ := f.instance(t)
		svc := control.New(s, nil, src, nil, control.Options{})
		served, err := control.ServedRoutes(ctx, s, []int64{pets.ID})
		if err != nil {
			t.Fatal(err)
		}
		reaches, err := svc.Reaches(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := reaches.OfServed(served, pets.ID, 1); got != (control.Reach{Serving: 2, Total: 2}) {
			t.Errorf("another instance: reach %+v, want 2 of 2", got)
		}
	})
}

// TestReachStatus: the words for each case.
func TestReachStatus(t *testing.T) {
	for _, c := range []struct {
		r    control.Reach
		want string
	}{
		{control.Reach{}, "no gateway node registered"},
		{control.Reach{Serving: 1, Total: 1}, "served by the only node"},
		{control.Reach{Serving: 0, Total: 1}, "reaching nodes: 0 of 1 serve this version's current settings"},
		{control.Reach{Serving: 2, Total: 2}, "served by all 2 nodes"},
		{control.Reach{Serving: 1, Total: 2}, "reaching nodes: 1 of 2 serve this version's current settings"},
	} {
		if got := c.r.Status(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.r, got, c.want)
		}
	}
}

// TestReachWaitsForALifecycleChange: deprecating or retiring a version
// changes its route (Deprecation and Sunset headers, then 410): until the
// change is compiled and a node has applied it, no node serves the
// version's current settings, though its targets did not change.
func TestReachWaitsForALifecycleChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		pets, v1 := f.publishAPI(t, "pets", []string{"http://pets.internal:8080"}, "1.0.0")
		_, v2 := f.publishAPI(t, "pets", nil, "2.0.0")
		f.drain(t)
		n, _, err := f.svc.RegisterNode(ctx, f.admin, control.NodeInput{Name: "edge-1"})
		if err != nil {
			t.Fatal(err)
		}
		atHead := func() {
			t.Helper()
			h, _ := f.src.Current(ctx)
			if err := s.RecordGatewayNodeStatus(ctx, n.ID, store.GatewayNodeStatus{AppliedVersion: int64(h.Version), AppliedHash: h.Hash}); err != nil {
				t.Fatal(err)
			}
		}
		check := func(step string, serving int) {
			t.Helper()
			served, err := control.ServedRoutes(ctx, s, []int64{pets.ID})
			if err != nil {
				t.Fatal(err)
			}
			reaches, err := f.svc.Reaches(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got := reaches.OfServed(served, pets.ID, 1); got != (control.Reach{Serving: serving, Total: 1}) {
				t.Errorf("%s: reach %+v (%s), want %d of 1", step, got, got.Status(), serving)
			}
		}
		atHead()
		check("published, the node at the head", 1)

		if err := f.life.Deprecate(ctx, f.maint, pets, v1, time.Now().Add(48*time.Hour), v2.Version); err != nil {
			t.Fatal(err)
		}
		check("deprecated, not compiled yet", 0)
		f.drain(t)
		check("deprecated and compiled, the node behind", 0)
		atHead()
		check("deprecated, the node at the head", 1)

		v1, _ = s.Version(ctx, pets.ID, "1.0.0")
		if err := f.life.Retire(ctx, f.maint, pets, v1); err != nil {
			t.Fatal(err)
		}
		check("retired, not compiled yet", 0)
		f.drain(t)
		atHead()
		check("retired, the node at the head", 1)
	})
}

// TestReachCountsNoRejectingOrForeignNode: a node serves a version's
// settings when it has applied the configuration the portal made, at or
// after the version of the route's settings: not one that reports that
// version with another hash (a configuration of a database restored from
// a backup, or of another portal), nor one beyond the newest version, nor
// one that rejects the newer configuration (shown "rejecting" on the
// Gateway page).
func TestReachCountsNoRejectingOrForeignNode(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		pets, _ := f.publishAPI(t, "pets", []string{"http://pets.internal:8080"}, "1.0.0")
		f.drain(t)
		ids := map[string]int64{}
		for _, name := range []string{"edge-1", "edge-2"} {
			n, _, err := f.svc.RegisterNode(ctx, f.admin, control.NodeInput{Name: name})
			if err != nil {
				t.Fatal(err)
			}
			ids[name] = n.ID
		}
		f.drain(t)
		h1, _ := f.src.Current(ctx)
		f.publishAPI(t, "other", []string{"http://other.internal:8080"}, "1.0.0")
		f.drain(t)
		h2, _ := f.src.Current(ctx)
		if h2.Version <= h1.Version {
			t.Fatalf("another API's publication compiled no version: %v after %v", h2, h1)
		}
		report := func(name string, st store.GatewayNodeStatus) {
			t.Helper()
			if err := s.RecordGatewayNodeStatus(ctx, ids[name], st); err != nil {
				t.Fatal(err)
			}
		}
		check := func(step string, serving int) {
			t.Helper()
			served, err := control.ServedRoutes(ctx, s, []int64{pets.ID})
			if err != nil {
				t.Fatal(err)
			}
			reaches, err := f.svc.Reaches(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got := reaches.OfServed(served, pets.ID, 1); got != (control.Reach{Serving: serving, Total: 2}) {
				t.Errorf("%s: reach %+v (%s), want %d of 2", step, got, got.Status(), serving)
			}
		}
		foreign := strings.Repeat("f", 64)
		report("edge-1", store.GatewayNodeStatus{AppliedVersion: int64(h2.Version), AppliedHash: h2.Hash})
		report("edge-2", store.GatewayNodeStatus{AppliedVersion: int64(h1.Version), AppliedHash: h1.Hash})
		check("one at the head, one behind with pets as it is", 2)
		report("edge-2", store.GatewayNodeStatus{AppliedVersion: int64(h1.Version), AppliedHash: h1.Hash,
			RejectedVersion: int64(h2.Version), RejectedHash: h2.Hash, LastError: "refused"})
		check("one rejecting the head", 1)
		report("edge-2", store.GatewayNodeStatus{AppliedVersion: int64(h1.Version), AppliedHash: foreign})
		check("one behind with another hash", 1)
		report("edge-2", store.GatewayNodeStatus{AppliedVersion: int64(h2.Version), AppliedHash: foreign})
		check("one at the head's version with another hash", 1)
		report("edge-2", store.GatewayNodeStatus{AppliedVersion: int64(h2.Version) + 5, AppliedHash: foreign})
		check("one beyond the head", 1)
		report("edge-2", store.GatewayNodeStatus{AppliedVersion: int64(h2.Version), AppliedHash: h2.Hash})
		check("both at the head", 2)
	})
}

// TestReachAfterARestartCountsFromTheRouteChange: a portal instance that
// loads the configuration from a checkpoint (at its start, or after
// falling behind) knows since which version each route has been as it is
// from what the checkpoint recorded: a node older than the checkpoint but
// past the route's last change serves it; one from before that change
// does not.
func TestReachAfterARestartCountsFromTheRouteChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		pets, _ := f.publishAPI(t, "pets", []string{"http://pets.internal:8080"}, "1.0.0")
		other, _ := f.publishAPI(t, "other", []string{"http://other.internal:8080"}, "1.0.0")
		_, sub := f.subscribe(t, other, "")
		ids := map[string]int64{}
		for _, name := range []string{"edge-1", "edge-2"} {
			n, _, err := f.svc.RegisterNode(ctx, f.admin, control.NodeInput{Name: name})
			if err != nil {
				t.Fatal(err)
			}
			ids[name] = n.ID
		}
		f.drain(t)
		old, _ := f.src.Current(ctx)
		if _, _, err := f.svc.Deploy(ctx, f.maint, pets, 1, control.SettingsInput{Targets: []string{"http://pets-2.internal:8080"}}); err != nil {
			t.Fatal(err)
		}
		f.drain(t)
		if _, _, err := f.subs.IssueKey(ctx, f.maint, sub, subscriptions.KeyInput{Name: "mid"}); err != nil {
			t.Fatal(err)
		}
		f.drain(t)
		mid, _ := f.src.Current(ctx)
		// Changes of the other API's keys until a checkpoint is written
		// after mid.
		for i := 0; ; i++ {
			var cp int64
			if err := s.DB().NewSelect().Table("gateway_changes").ColumnExpr("COALESCE(MAX(version), 0)").Where("checkpoint_bytes > 0").Scan(ctx, &cp); err != nil {
				t.Fatal(err)
			}
			if cp > int64(mid.Version) {
				break
			}
			if i == 200 {
				t.Fatalf("no checkpoint after version %d", mid.Version)
			}
			k, _, err := f.subs.IssueKey(ctx, f.maint, sub, subscriptions.KeyInput{Name: "k" + strconv.Itoa(i)})
			if err != nil {
				t.Fatal(err)
			}
			f.drain(t)
			if err := f.subs.RevokeKey(ctx, f.maint, k, sub); err != nil {
				t.Fatal(err)
			}
			f.drain(t)
		}
		head, _ := f.src.Current(ctx)
		report := func(name string, h gateway.Head) {
			t.Helper()
			if err := s.RecordGatewayNodeStatus(ctx, ids[name], store.GatewayNodeStatus{AppliedVersion: int64(h.Version), AppliedHash: h.Hash}); err != nil {
				t.Fatal(err)
			}
		}
		// The instance that compiled everything, and one started now.
		restarted, _, _ := f.instance(t)
		svcs := map[string]*control.Service{"the compiling instance": f.svc, "a restarted instance": control.New(s, nil, restarted, nil, control.Options{})}
		check := func(step string, serving int) {
			t.Helper()
			served, err := control.ServedRoutes(ctx, s, []int64{pets.ID})
			if err != nil {
				t.Fatal(err)
			}
			for name, svc := range svcs {
				reaches, err := svc.Reaches(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if got := reaches.OfServed(served, pets.ID, 1); got != (control.Reach{Serving: serving, Total: 2}) {
					t.Errorf("%s, %s: reach %+v (%s), want %d of 2", name, step, got, got.Status(), serving)
				}
			}
		}
		report("edge-1", head)
		report("edge-2", mid)
		check("one at the head, one before the checkpoint but after pets' deployment", 2)
		report("edge-2", old)
		check("one before pets' deployment", 1)
	})
}
