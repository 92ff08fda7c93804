package control_test

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/control"
	"github.com/portico-dev/portico/gateway/push"
	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/outbox"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/spec/spectest"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
	"github.com/portico-dev/portico/subscriptions"
)

type fixture struct {
	s                       *store.Store
	life                    *lifecycle.Service
	svc                     *control.Service
	src                     *control.Source
	subs                    *subscriptions.Service
	team                    *store.Team
	shop                    *store.App // the team's app, once subscribe made it
	admin, maint, dev, appr *store.User
}

func newFixture(t *testing.T, s *store.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{s: s}
	f.team = storetest.Team(t, s, "pets", "Pets")
	f.admin = storetest.User(t, s, "admin", policy.RoleAdmin, nil, "")
	f.maint = storetest.User(t, s, "maint", policy.RoleMember, f.team, policy.RoleMaintainer)
	f.dev = storetest.User(t, s, "dev", policy.RoleMember, f.team, policy.RoleDeveloper)
	f.appr = storetest.User(t, s, "appr", policy.RoleApprover, nil, "")
	p, err := policy.New(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	f.life = lifecycle.New(s, p, lifecycle.Options{MinSunsetNotice: 24 * time.Hour})
	f.src = control.NewSource(s, nil)
	f.svc = control.New(s, p, f.src, nil, control.Options{})
	f.subs = subscriptions.New(s, p, f.life, subscriptions.Options{})
	return f
}

// instance is another portal instance over the fixture's database: its own
// source, at the database's head now, and a hub over it that records node
// statuses in the database; head is the hub's.
func (f *fixture) instance(t *testing.T) (src *control.Source, hub *push.Hub, head gateway.Head) {
	t.Helper()
	ctx := context.Background()
	src = control.NewSource(f.s, nil)
	if _, err := src.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	hub = push.NewHub(src, push.Options{Recorder: control.NewNodes(f.s, nil), MaxWait: 10 * time.Second})
	head, err := hub.Refresh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return src, hub, head
}

// node returns the active registration of the node name, as its token
// authenticates it.
func (f *fixture) node(t *testing.T, name string) push.Node {
	t.Helper()
	ns, err := f.s.GatewayNodes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range ns {
		if n.Name == name {
			return push.Node{Name: n.Name, ID: n.ID}
		}
	}
	t.Fatalf("no active registration of %s", name)
	return push.Node{}
}

// subscribe gives the team's app shop (made at the first call) an active
// subscription to a's major 1 through a new open plan gold of a: 600
// requests a minute, a burst of 20, quotaPerDay a day ("" for none).
func (f *fixture) subscribe(t *testing.T, a *store.API, quotaPerDay string) (*store.Plan, *store.Subscription) {
	t.Helper()
	ctx := context.Background()
	plan, err := f.subs.CreatePlan(ctx, f.maint, a, subscriptions.PlanInput{Slug: "gold", Name: "Gold", RatePerMinute: "600", Burst: "20", QuotaPerDay: quotaPerDay, Approval: "auto", Open: true})
	if err != nil {
		t.Fatal(err)
	}
	if f.shop == nil {
		if f.shop, err = f.subs.CreateApp(ctx, f.maint, f.team, subscriptions.AppInput{Slug: "shop", Name: "Shop"}); err != nil {
			t.Fatal(err)
		}
	}
	sub, err := f.subs.Subscribe(ctx, f.maint, f.shop, subscriptions.SubscribeInput{API: a.Slug, Plan: "gold", Major: "1", Purpose: "the shop sells " + a.Slug})
	if err != nil {
		t.Fatal(err)
	}
	return plan, sub
}

// publishAPI creates an API with upstreams and publishes version.
func (f *fixture) publishAPI(t *testing.T, slug string, upstreams []string, version string) (*store.API, *store.APIVersion) {
	t.Helper()
	ctx := context.Background()
	a, err := f.s.APIBySlug(ctx, slug)
	if errors.Is(err, store.ErrNotFound) {
		a, err = f.life.CreateAPI(ctx, f.maint, f.team, lifecycle.APIInput{Slug: slug, Name: slug, Upstreams: upstreams})
	}
	if err != nil {
		t.Fatal(err)
	}
	v, err := f.life.CreateVersion(ctx, f.dev, a, version, []byte(spectest.PetsV1))
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.life.Submit(ctx, f.dev, a, v, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.life.Approve(ctx, f.appr, r, "", false); err != nil {
		t.Fatal(err)
	}
	v, err = f.s.Version(ctx, a.ID, version)
	if err != nil {
		t.Fatal(err)
	}
	return a, v
}

// drain delivers the outbox's gateway messages (and drops the others) as
// the portal's worker does.
// registerNode registers the gateway node name as the admin and returns
// it with its token.
func (f *fixture) registerNode(t *testing.T, name string) (*store.GatewayNode, string) {
	t.Helper()
	n, token, err := f.svc.RegisterNode(context.Background(), f.admin, control.NodeInput{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	return n, token
}

func (f *fixture) drain(t *testing.T) {
	t.Helper()
	w := outbox.New(f.s, map[string]outbox.Handler{
		store.TopicGatewayChanged:  f.src.Handle,
		lifecycle.TopicSearchIndex: func(context.Context, []byte) error { return nil },
	}, outbox.Options{})
	if _, err := w.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestPublishDeprecateRetireReachTheConfiguration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		f.drain(t)
		a, v1 := f.publishAPI(t, "pets", []string{"http://10.0.0.1:8080/pets", "http://10.0.0.2:8080/pets"}, "1.0.0")
		f.drain(t)
		st := f.src.State()
		if st == nil {
			t.Fatal("no configuration after a publication")
		}
		r, ok := st.Route("pets/v1")
		if !ok || r.State != gateway.StatePublished || len(r.Targets) != 2 {
			t.Fatalf("route pets/v1 = %+v, %v; want published with 2 targets", r, ok)
		}
		first := st.Head()

		_, v2 := f.publishAPI(t, "pets", nil, "2.0.0")
		sunset := time.Now().Add(48 * time.Hour).UTC()
		if err := f.life.Deprecate(ctx, f.maint, a, v1, sunset, v2.Version); err != nil {
			t.Fatal(err)
		}
		f.drain(t)
		st = f.src.State()
		r, _ = st.Route("pets/v1")
		if r.State != gateway.StateDeprecated || r.Successor != "2.0.0" || r.SuccessorMajor != 2 || !r.Sunset.Equal(sunset.Truncate(time.Second)) || r.DeprecatedAt.IsZero() {
			t.Errorf("deprecated route = %+v", r)
		}
		if _, ok := st.Route("pets/v2"); !ok {
			t.Error("pets/v2 is not served after its publication")
		}
		v1, _ = s.Version(ctx, a.ID, "1.0.0")
		if err := f.life.Retire(ctx, f.maint, a, v1); err != nil {
			t.Fatal(err)
		}
		f.drain(t)
		st = f.src.State()
		// Retired two days before its sunset: the route carries when it was
		// retired (what its 410 states), apart from the planned sunset.
		v1, _ = s.Version(ctx, a.ID, "1.0.0")
		if r, _ := st.Route("pets/v1"); r.State != gateway.StateRetired || v1.RetiredAt == nil || !r.RetiredAt.Equal(v1.RetiredAt.UTC().Truncate(time.Second)) ||
			!r.RetiredAt.Before(r.Sunset) || !r.Sunset.Equal(sunset.Truncate(time.Second)) {
			t.Errorf("retired route = %+v, want retired at %v (the version's retirement), sunset %v", r, v1.RetiredAt, sunset)
		}
		// A node at the first version gets a delta naming only the routes
		// that changed, and it verifies.
		d, ok, err := f.src.DeltaSince(ctx, first)
		if err != nil || !ok {
			t.Fatalf("DeltaSince(first) = %v, %v", ok, err)
		}
		old, err := gateway.NewState(first.Version, []gateway.Route{{API: "pets", Major: 1, Targets: []string{"http://10.0.0.1:8080/pets", "http://10.0.0.2:8080/pets"}, State: gateway.StatePublished}}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if old.Hash() != first.Hash {
			t.Fatalf("the first version's hash %s is not that of its one route (%s)", first.Hash, old.Hash())
		}
		got, err := old.Apply(d)
		if err != nil {
			t.Fatalf("the delta from the first version does not apply: %v", err)
		}
		if got.Head() != st.Head() {
			t.Errorf("delta result %v, want %v", got.Head(), st.Head())
		}
		// Compiling again with nothing changed records no version.
		before := st.Head()
		if h, err := f.src.Publish(ctx, ""); err != nil || h != before {
			t.Errorf("Publish with nothing changed = %v, %v; want %v", h, err, before)
		}
	})
}

// Calendar versions (the demo's World Time API: 20210108, then 20210109)
// are routes like any other: the older deprecated, naming its successor's
// major, and nothing left out.
func TestCalendarVersionsAreRouted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		a, old := f.publishAPI(t, "worldtime", []string{"http://10.0.0.1:8080/api"}, "20210108.0.0")
		_, next := f.publishAPI(t, "worldtime", nil, "20210109.0.0")
		if err := f.life.Deprecate(ctx, f.maint, a, old, time.Now().Add(72*time.Hour), next.Version); err != nil {
			t.Fatal(err)
		}
		f.drain(t)
		st := f.src.State()
		if sk := f.src.Skipped(); len(sk) != 0 {
			t.Errorf("left out: %v", sk)
		}
		r, ok := st.Route("worldtime/v20210108")
		if !ok || r.State != gateway.StateDeprecated || r.Successor != "20210109.0.0" || r.SuccessorMajor != 20210109 {
			t.Errorf("worldtime/v20210108 = %+v, %v; want deprecated with successor major 20210109", r, ok)
		}
		if r, ok := st.Route("worldtime/v20210109"); !ok || r.State != gateway.StatePublished || r.Targets[0] != "http://10.0.0.1:8080/api" {
			t.Errorf("worldtime/v20210109 = %+v, %v; want published at the catalog's upstream", r, ok)
		}
	})
}

func TestInstancesFollowTheChangeLog(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		f.publishAPI(t, "pets", []string{"http://10.0.0.1:8080"}, "1.0.0")
		f.drain(t)
		// Another instance starts: it loads the checkpoint and the changes.
		other := control.NewSource(s, nil)
		if _, err := other.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		h1, _ := f.src.Current(ctx)
		h2, _ := other.Current(ctx)
		if h1 != h2 || h1.Version == 0 {
			t.Fatalf("instances at %v and %v", h1, h2)
		}
		// Changes published by the first reach the second by its log.
		a, _ := s.APIBySlug(ctx, "pets")
		for i := 0; i < 5; i++ {
			if _, _, err := f.svc.Deploy(ctx, f.maint, a, 1, control.SettingsInput{Targets: []string{"http://10.0.0.1:" + strconv.Itoa(9000+i)}}); err != nil {
				t.Fatal(err)
			}
			f.drain(t)
		}
		if _, err := other.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		h1, _ = f.src.Current(ctx)
		h2, _ = other.Current(ctx)
		if h1 != h2 {
			t.Errorf("after five changes: %v and %v", h1, h2)
		}
		// And the second answers deltas from versions it followed.
		if _, ok, _ := other.DeltaSince(ctx, gateway.Head{Version: h1.Version - 1, Hash: mustHash(t, s, h1.Version-1)}); !ok {
			t.Errorf("the following instance has no delta from the previous version (head %v)", h1)
		}
	})
}

func mustHash(t *testing.T, s *store.Store, version uint64) string {
	t.Helper()
	cs, err := s.GatewayChangesAfter(context.Background(), int64(version)-1, 1)
	if err != nil || len(cs) == 0 {
		t.Fatalf("change %d: %v", version, err)
	}
	return cs[0].Hash
}

func TestNodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		if _, _, err := f.svc.RegisterNode(ctx, f.maint, control.NodeInput{Name: "edge-1"}); !isDenied(err) {
			t.Errorf("a team maintainer registered a node: %v", err)
		}
		if _, _, err := f.svc.RegisterNode(ctx, f.admin, control.NodeInput{Name: "Bad Name!"}); fieldError(err, "name") == "" {
			t.Errorf("a bad name: %v, want a field error", err)
		}
		n, token, err := f.svc.RegisterNode(ctx, f.admin, control.NodeInput{Name: " Edge-1 "})
		if err != nil {
			t.Fatal(err)
		}
		if n.Name != "edge-1" || n.TokenHash == token || len(token) < 40 {
			t.Errorf("node %q with token of %d characters", n.Name, len(token))
		}
		if _, _, err := f.svc.RegisterNode(ctx, f.admin, control.NodeInput{Name: "edge-1"}); fieldError(err, "name") == "" {
			t.Errorf("a second edge-1: %v, want a field error", err)
		}
		nodes := control.NewNodes(s, nil)
		if node, err := nodes.AuthenticateNode(ctx, token); err != nil || node != f.node(t, "edge-1") {
			t.Errorf("AuthenticateNode = %+v, %v; want %+v", node, err, f.node(t, "edge-1"))
		}
		if _, err := nodes.AuthenticateNode(ctx, token+"x"); !errors.Is(err, push.ErrUnknownNode) {
			t.Errorf("a wrong token: %v", err)
		}
		// What a hub records is what the overview shows, classified.
		f.drain(t)
		head, _ := f.src.Current(ctx)
		if err := nodes.RecordNodeStatus(ctx, push.NodeStatus{Name: "edge-1", ID: n.ID, Applied: head, LastSeen: time.Now()}); err != nil {
			t.Fatal(err)
		}
		o, err := f.svc.Overview(ctx, f.admin)
		if err != nil {
			t.Fatal(err)
		}
		if len(o.Nodes) != 1 || o.Nodes[0].State != push.StateInSync || o.Nodes[0].AppliedVersion != head.Version {
			t.Errorf("overview nodes = %+v, want edge-1 in sync at %d", o.Nodes, head.Version)
		}
		if err := nodes.RecordNodeStatus(ctx, push.NodeStatus{Name: "edge-1", ID: n.ID, Applied: gateway.Head{Version: head.Version - 0}, LastSeen: time.Now(),
			Rejected: &gateway.Rejection{Version: head.Version, Hash: head.Hash, Reason: "hash mismatch"}, LastError: "hash mismatch"}); err != nil {
			t.Fatal(err)
		}
		o, _ = f.svc.Overview(ctx, f.admin)
		if o.Nodes[0].State != push.StateRejecting || o.Nodes[0].LastError != "hash mismatch" {
			t.Errorf("rejecting node shown as %+v", o.Nodes[0])
		}
		if _, err := f.svc.Overview(ctx, f.maint); !isDenied(err) {
			t.Errorf("a maintainer saw the nodes: %v", err)
		}
		if err := f.svc.RevokeNode(ctx, f.maint, "edge-1"); !isDenied(err) {
			t.Errorf("a maintainer revoked a node: %v", err)
		}
		if err := f.svc.RevokeNode(ctx, f.admin, "edge-1"); err != nil {
			t.Fatal(err)
		}
		if _, err := nodes.AuthenticateNode(ctx, token); !errors.Is(err, push.ErrUnknownNode) {
			t.Errorf("a revoked token: %v", err)
		}
		var nf *apperr.NotFoundError
		if err := f.svc.RevokeNode(ctx, f.admin, "edge-1"); !errors.As(err, &nf) {
			t.Errorf("revoking twice: %v", err)
		}
		// The name is free again.
		if _, _, err := f.svc.RegisterNode(ctx, f.admin, control.NodeInput{Name: "edge-1"}); err != nil {
			t.Errorf("re-registering a revoked name: %v", err)
		}
		events, err := s.ListAudit(ctx, store.AuditFilter{ObjectType: "gateway_node", Limit: 10})
		if err != nil || len(events) != 3 {
			t.Errorf("audit events of nodes: %d, %v; want 3", len(events), err)
		}
		for _, e := range events {
			if e.After == token || e.Before == token {
				t.Error("a token is in the audit log")
			}
		}
	})
}

func TestSettingsDeployAndRollback(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		f.publishAPI(t, "pets", []string{"http://catalog.internal/pets"}, "1.0.0")
		f.drain(t)
		a, err := s.APIBySlug(ctx, "pets")
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			in    control.SettingsInput
			field string
		}{
			{control.SettingsInput{}, "targets"},
			{control.SettingsInput{Targets: []string{"ftp://x"}}, "targets"},
			{control.SettingsInput{Targets: []string{"/relative"}}, "targets"},
			{control.SettingsInput{Targets: []string{"http://a/x", "http://b/y"}}, "targets"},
			{control.SettingsInput{Targets: []string{"http://a/x", "http://a/x"}}, "targets"},
			{control.SettingsInput{Targets: []string{"http://a"}, ConnectTimeoutMS: "-1"}, "connect_timeout_ms"},
			{control.SettingsInput{Targets: []string{"http://a"}, ResponseTimeoutMS: "9999999"}, "response_timeout_ms"},
			{control.SettingsInput{Targets: make17()}, "targets"},
			{control.SettingsInput{Targets: []string{"http://a"}, CORSOrigins: []string{"app.example.com"}}, "cors_origins"},
			{control.SettingsInput{Targets: []string{"http://a"}, CORSOrigins: []string{"https://app.example.com/path"}}, "cors_origins"},
			{control.SettingsInput{Targets: []string{"http://a"}, CORSOrigins: []string{"https://*.example.com"}}, "cors_origins"},
			{control.SettingsInput{Targets: []string{"http://a"}, CORSOrigins: []string{"*", "https://app.example.com"}}, "cors_origins"},
			{control.SettingsInput{Targets: []string{"http://a"}, CORSOrigins: make33Origins()}, "cors_origins"},
		} {
			if _, _, err := f.svc.Deploy(ctx, f.maint, a, 1, tc.in); fieldError(err, tc.field) == "" {
				t.Errorf("Deploy(%+v) = %v, want an error on %s", tc.in, err, tc.field)
			}
		}
		if _, _, err := f.svc.Deploy(ctx, f.dev, a, 1, control.SettingsInput{Targets: []string{"http://a"}}); !isDenied(err) {
			t.Errorf("a developer deployed: %v", err)
		}
		var nf *apperr.NotFoundError
		if _, _, err := f.svc.Deploy(ctx, f.maint, a, 7, control.SettingsInput{Targets: []string{"http://a"}}); !errors.As(err, &nf) {
			t.Errorf("a major without versions: %v", err)
		}
		d1, _, err := f.svc.Deploy(ctx, f.maint, a, 1, control.SettingsInput{Targets: []string{"http://new-1:9000/pets", "http://new-2:9000/pets"}, ConnectTimeoutMS: "250", ResponseTimeoutMS: "2000",
			CORSOrigins: []string{" HTTPS://App.Example.com:443/ ", "", "http://localhost:3000", "https://app.example.com"}})
		if err != nil {
			t.Fatal(err)
		}
		wantOrigins := []string{"https://app.example.com", "http://localhost:3000"}
		if !slices.Equal(d1.CORSOrigins, wantOrigins) {
			t.Errorf("deployed origins %q, want %q (normalised, without repeats)", d1.CORSOrigins, wantOrigins)
		}
		f.drain(t)
		r, _ := f.src.State().Route("pets/v1")
		if len(r.Targets) != 2 || r.Targets[0] != "http://new-1:9000/pets" || r.ConnectTimeoutMS != 250 || r.ResponseTimeoutMS != 2000 || !slices.Equal(r.CORSOrigins, wantOrigins) {
			t.Errorf("route after deployment = %+v", r)
		}
		// The same settings with the origins differently typed change nothing.
		if d, created, err := f.svc.Deploy(ctx, f.maint, a, 1, control.SettingsInput{Targets: []string{"http://new-1:9000/pets", "http://new-2:9000/pets"}, ConnectTimeoutMS: "250", ResponseTimeoutMS: "2000",
			CORSOrigins: []string{"https://app.example.com", "http://localhost:3000"}}); err != nil || created || d.ID != d1.ID {
			t.Errorf("the same settings again: %v, created %v", err, created)
		}
		if _, _, err := f.svc.Deploy(ctx, f.maint, a, 1, control.SettingsInput{Targets: []string{"http://broken:1/pets"}}); err != nil {
			t.Fatal(err)
		}
		f.drain(t)
		if r, _ := f.src.State().Route("pets/v1"); r.CORSOrigins != nil {
			t.Errorf("route after a deployment without origins = %+v", r)
		}
		d3, err := f.svc.Rollback(ctx, f.maint, a, 1, d1.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d3.RollbackOf == nil || *d3.RollbackOf != d1.ID || d3.ID == d1.ID {
			t.Errorf("rollback deployment = %+v", d3)
		}
		f.drain(t)
		r, _ = f.src.State().Route("pets/v1")
		if len(r.Targets) != 2 || r.Targets[1] != "http://new-2:9000/pets" || r.ConnectTimeoutMS != 250 || !slices.Equal(r.CORSOrigins, wantOrigins) {
			t.Errorf("route after rollback = %+v", r)
		}
		rs, err := f.svc.Settings(ctx, f.maint, a)
		if err != nil || len(rs) != 1 || len(rs[0].Deployments) != 3 || rs[0].Current.ID != d3.ID {
			t.Errorf("settings = %+v, %v", rs, err)
		}
		events, _ := s.ListAudit(ctx, store.AuditFilter{ObjectType: "gateway_route", Limit: 10})
		if len(events) != 3 || events[0].Action != "gateway.rollback" {
			t.Errorf("audit = %+v", events)
		}
	})
}

func make33Origins() []string {
	out := make([]string, 33)
	for i := range out {
		out[i] = "https://app" + strconv.Itoa(i) + ".example.com"
	}
	return out
}

func make17() []string {
	out := make([]string, 17)
	for i := range out {
		out[i] = "http://h" + string(rune('a'+i)) + ":80"
	}
	return out
}

func isDenied(err error) bool {
	var d *apperr.DeniedError
	return errors.As(err, &d)
}

func fieldError(err error, field string) string {
	var ie *apperr.InputError
	if errors.As(err, &ie) {
		return ie.Fields[field]
	}
	return ""
}

func TestPlansAndKeysReachTheConfiguration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		a, _ := f.publishAPI(t, "pets", []string{"http://10.0.0.1:8080/pets"}, "1.0.0")
		plan, sub := f.subscribe(t, a, "100000")
		subs := f.subs
		k, key, err := subs.IssueKey(ctx, f.maint, sub, subscriptions.KeyInput{Name: "ci", ExpiresAt: time.Now().AddDate(1, 0, 0).Format("2006-01-02")})
		if err != nil {
			t.Fatal(err)
		}
		f.drain(t)
		st := f.src.State()
		gp, ok := st.Plan(control.PlanID("pets", plan.Slug))
		if !ok || gp.RatePerMinute != 600 || gp.Burst != 20 || gp.DailyQuota != 100000 {
			t.Errorf("plan = %+v, %v", gp, ok)
		}
		gk, ok := st.Key(k.Kid)
		if !ok || gk.Hash != gateway.HashKey(key) || gk.API != "pets" || gk.Major != 1 || gk.App != "shop" || gk.Team != "pets" ||
			gk.Subscription != strconv.FormatInt(sub.ID, 10) || gk.ExpiresAt.Year() != time.Now().AddDate(1, 0, 0).Year() || gk.State != gateway.KeyActive {
			t.Errorf("key = %+v, %v", gk, ok)
		}
		before := st.Head()
		// A revocation is a one-key delta: the key leaves the configuration.
		if err := subs.RevokeKey(ctx, f.maint, k, sub); err != nil {
			t.Fatal(err)
		}
		f.drain(t)
		if _, ok := f.src.State().Key(k.Kid); ok {
			t.Error("a revoked key is still in the configuration")
		}
		d, ok, err := f.src.DeltaSince(ctx, before)
		if err != nil || !ok || d.Keys.Len() != 1 || d.Routes.Len() != 0 || d.Plans.Len() != 0 {
			t.Errorf("delta of a revocation = %+v, %v, %v; want one key", d, ok, err)
		}
	})
}

// TestChangeLogIsPruned makes sixty changes: the log keeps two
// checkpoints' snapshots only (and, here, every small delta: fewer than an
// instance keeps in memory), and an instance starting from it gets the same
// configuration as the one that compiled it.
func TestChangeLogIsPruned(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		a, _ := f.publishAPI(t, "pets", []string{"http://10.0.0.1:8080/pets"}, "1.0.0")
		_, sub := f.subscribe(t, a, "")
		subs := f.subs
		f.drain(t)
		first := f.src.State().Version()
		for i := range 30 {
			k, _, err := subs.IssueKey(ctx, f.maint, sub, subscriptions.KeyInput{Name: "k" + strconv.Itoa(i)})
			if err != nil {
				t.Fatal(err)
			}
			f.drain(t)
			if err := subs.RevokeKey(ctx, f.maint, k, sub); err != nil {
				t.Fatal(err)
			}
			f.drain(t)
		}
		changes := f.src.State().Version() - first
		snapshots, err := s.DB().NewSelect().Table("gateway_changes").Where("checkpoint IS NOT NULL").Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if changes < 60 || snapshots != 2 {
			t.Errorf("%d changes left %d checkpoints' snapshots in the log, want 2", changes, snapshots)
		}
		// With fewer deltas kept, the older ones go too.
		if _, err := s.PruneGatewayChanges(ctx, 10); err != nil {
			t.Fatal(err)
		}
		rows, err := s.DB().NewSelect().Table("gateway_changes").Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if rows >= int64(changes)/2 {
			t.Errorf("%d changes left %d rows in the log with 10 kept, want it pruned", changes, rows)
		}
		other := control.NewSource(s, nil)
		if _, err := other.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		if got, want := other.State().Head(), f.src.State().Head(); got != want {
			t.Errorf("an instance starting from the pruned log has %+v, want %+v", got, want)
		}
	})
}

// TestGatewayKeysOfReadsWhatThePagedReadDoes checks the compile's key read
// (rows scanned by hand) against the paged read (scanned by bun) on keys
// with and without an expiry and a grace end, revoked and long expired
// ones, of everything and of one API.
func TestGatewayKeysOfReadsWhatThePagedReadDoes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		subs := f.subs
		var kids []string
		for _, api := range []string{"pets", "toys"} {
			a, _ := f.publishAPI(t, api, []string{"http://10.0.0.1:8080/" + api}, "1.0.0")
			_, sub := f.subscribe(t, a, "")
			for i, expires := range []string{"", time.Now().AddDate(1, 0, 0).Format("2006-01-02"), "", ""} {
				k, _, err := subs.IssueKey(ctx, f.maint, sub, subscriptions.KeyInput{Name: "k" + strconv.Itoa(i), ExpiresAt: expires})
				if err != nil {
					t.Fatal(err)
				}
				kids = append(kids, k.Kid)
			}
		}
		set := func(kid, expr string, arg any) {
			if _, err := s.DB().NewUpdate().Table("api_keys").Set(expr, arg).Where("kid = ?", kid).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		now := time.Now().UTC()
		set(kids[2], "grace_ends_at = ?", now.Add(90*time.Minute+123456789))
		set(kids[3], "state = ?", store.KeyRevoked)
		set(kids[6], "expires_at = ?", now.Add(-72*time.Hour))
		set(kids[7], "grace_ends_at = ?", now.Add(-72*time.Hour))
		since := now.Add(-24 * time.Hour)
		paged, err := s.GatewayKeys(ctx, 0, 1000, since)
		if err != nil {
			t.Fatal(err)
		}
		if len(paged) != 5 {
			t.Fatalf("the paged read found %d keys, want 5", len(paged))
		}
		same := func(a, b *time.Time) bool { return (a == nil) == (b == nil) && (a == nil || a.Equal(*b)) }
		check := func(apiID int64, want []store.GatewayKey) {
			t.Helper()
			got, err := s.GatewayKeysOf(ctx, apiID, since)
			if err != nil {
				t.Fatal(err)
			}
			slices.SortFunc(got, func(a, b store.GatewayKey) int { return cmp.Compare(a.ID, b.ID) })
			if len(got) != len(want) {
				t.Fatalf("api %d: %d keys, want %d", apiID, len(got), len(want))
			}
			for i := range want {
				g, w := got[i], want[i]
				if !same(g.ExpiresAt, w.ExpiresAt) || !same(g.GraceEndsAt, w.GraceEndsAt) {
					t.Errorf("api %d: key %s expires %v, grace %v; want %v, %v", apiID, w.Kid, g.ExpiresAt, g.GraceEndsAt, w.ExpiresAt, w.GraceEndsAt)
				}
				g.ExpiresAt, g.GraceEndsAt, w.ExpiresAt, w.GraceEndsAt = nil, nil, nil, nil
				if g != w {
					t.Errorf("api %d: key %+v, want %+v", apiID, g, w)
				}
			}
		}
		check(0, paged)
		toys, err := s.APIBySlug(ctx, "toys")
		if err != nil {
			t.Fatal(err)
		}
		var ofToys []store.GatewayKey
		for _, k := range paged {
			if k.API == "toys" {
				ofToys = append(ofToys, k)
			}
		}
		if len(ofToys) != 2 {
			t.Fatalf("%d keys of toys, want 2", len(ofToys))
		}
		check(toys.ID, ofToys)
	})
}

// A major with a published version is served as published, whatever its
// other versions' states: the lifecycle announces a deprecation only when
// no published version of the major remains, and retiring a version while
// another still serves the major ends nothing. So with 1.0.0 published and
// 1.1.0 deprecated (then retired) the route sends no deprecation headers;
// once 1.0.0 is deprecated too, the newest deprecated version (1.1.0 while
// it lives, then 1.0.0) gives the deprecation. The change log's deltas
// agree with the compiles.
func TestMixedMajorIsPublishedWhileAVersionIsPublished(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		a, v10 := f.publishAPI(t, "ledger", []string{"http://10.0.0.1:8080/ledger"}, "1.0.0")
		_, v11 := f.publishAPI(t, "ledger", nil, "1.1.0")
		_, v2 := f.publishAPI(t, "ledger", nil, "2.0.0")
		f.drain(t)
		published := f.src.State().Head()
		want := func(what string, state string, deprecatedAt, sunset time.Time, successor string) {
			t.Helper()
			f.drain(t)
			st := f.src.State()
			r, ok := st.Route("ledger/v1")
			if !ok || r.State != state || !r.DeprecatedAt.Equal(deprecatedAt) || !r.Sunset.Equal(sunset) || r.Successor != successor {
				t.Errorf("%s: ledger/v1 = %+v, %v; want %s, deprecated %v, sunset %v, successor %q", what, r, ok, state, deprecatedAt, sunset, successor)
			}
			if st.Head() == published {
				return
			}
			// A node at the all-published version reaches this one by the delta.
			d, ok, err := f.src.DeltaSince(ctx, published)
			if err != nil || !ok {
				t.Fatalf("%s: DeltaSince = %v, %v", what, ok, err)
			}
			old, err := gateway.NewState(published.Version, []gateway.Route{
				{API: "ledger", Major: 1, Targets: []string{"http://10.0.0.1:8080/ledger"}, State: gateway.StatePublished},
				{API: "ledger", Major: 2, Targets: []string{"http://10.0.0.1:8080/ledger"}, State: gateway.StatePublished},
			}, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if old.Hash() != published.Hash {
				t.Fatalf("the all-published version's hash %s is not that of its routes (%s)", published.Hash, old.Hash())
			}
			if got, err := old.Apply(d); err != nil || got.Head() != st.Head() {
				t.Errorf("%s: the delta gives %v, %v; want %v", what, got, err, st.Head())
			}
		}
		sunset11 := time.Now().Add(48 * time.Hour).UTC()
		if err := f.life.Deprecate(ctx, f.maint, a, v11, sunset11, v2.Version); err != nil {
			t.Fatal(err)
		}
		want("1.1.0 deprecated, 1.0.0 published", gateway.StatePublished, time.Time{}, time.Time{}, "")
		if h := f.src.State().Head(); h != published {
			t.Errorf("deprecating 1.1.0 while 1.0.0 is published changed the configuration: %v, was %v", h, published)
		}

		sunset10 := time.Now().Add(72 * time.Hour).UTC()
		if err := f.life.Deprecate(ctx, f.maint, a, v10, sunset10, v2.Version); err != nil {
			t.Fatal(err)
		}
		v11, _ = s.Version(ctx, a.ID, "1.1.0")
		v10, _ = s.Version(ctx, a.ID, "1.0.0")
		want("both deprecated", gateway.StateDeprecated, v11.DeprecatedAt.UTC().Truncate(time.Second), sunset11.Truncate(time.Second), "2.0.0")

		if err := f.life.Retire(ctx, f.maint, a, v11); err != nil {
			t.Fatal(err)
		}
		want("1.1.0 retired, 1.0.0 deprecated", gateway.StateDeprecated, v10.DeprecatedAt.UTC().Truncate(time.Second), sunset10.Truncate(time.Second), "2.0.0")
	})
}

// Retiring the deprecated 1.1.0 (as the scheduler does at its sunset) while
// 1.0.0 is published leaves the major published.
func TestRetiringANewerVersionLeavesTheMajorPublished(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		a, _ := f.publishAPI(t, "ledger", []string{"http://10.0.0.1:8080/ledger"}, "1.0.0")
		_, v11 := f.publishAPI(t, "ledger", nil, "1.1.0")
		if err := f.life.Deprecate(ctx, f.maint, a, v11, time.Now().Add(48*time.Hour), ""); err != nil {
			t.Fatal(err)
		}
		v11, _ = s.Version(ctx, a.ID, "1.1.0")
		if err := f.life.Retire(ctx, f.maint, a, v11); err != nil {
			t.Fatal(err)
		}
		f.drain(t)
		if r, ok := f.src.State().Route("ledger/v1"); !ok || r.State != gateway.StatePublished || !r.Sunset.IsZero() || !r.DeprecatedAt.IsZero() || !r.RetiredAt.IsZero() {
			t.Errorf("ledger/v1 = %+v, %v; want published, with no deprecation, sunset or retirement", r, ok)
		}
	})
}
