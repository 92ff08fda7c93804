package control_test

import (
	"context"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway/control"
	"github.com/portico-dev/portico/gateway/push"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestUnreachableFollowsTheHubsMaxWait: the Gateway page calls a node
// unreachable after the hub's threshold (its configured maximum wait plus
// a margin), not after a fixed 60 s; without a hub (the CLI) the default
// maximum wait gives the README's 60 s.
func TestUnreachableFollowsTheHubsMaxWait(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		p, err := policy.New(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		_, hub, _ := f.instance(t) // MaxWait 10 s
		svc := control.New(s, p, f.src, hub, control.Options{})
		n, _, err := svc.RegisterNode(ctx, f.admin, control.NodeInput{Name: "edge-1"})
		if err != nil {
			t.Fatal(err)
		}
		f.drain(t)
		head, _ := f.src.Current(ctx)
		silent := hub.UnreachableAfter() + 5*time.Second
		if err := control.NewNodes(s, nil).RecordNodeStatus(ctx, push.NodeStatus{Name: "edge-1", ID: n.ID, Applied: head}); err != nil {
			t.Fatal(err)
		}
		// The contact is stamped by the database's clock: move it back there.
		if _, err := s.DB().NewUpdate().Table("gateway_nodes").Set("last_seen_at = ?", time.Now().UTC().Add(-silent)).Where("id = ?", n.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		o, err := svc.Overview(ctx, f.admin)
		if err != nil {
			t.Fatal(err)
		}
		if o.UnreachableAfter != hub.UnreachableAfter() || len(o.Nodes) != 1 || o.Nodes[0].State != push.StateUnreachable {
			t.Errorf("hub threshold %v, node silent for %v: page threshold %v, nodes %+v; want the hub's threshold and unreachable", hub.UnreachableAfter(), silent, o.UnreachableAfter, o.Nodes)
		}
		if o, err := f.svc.Overview(ctx, f.admin); err != nil || o.UnreachableAfter != 60*time.Second {
			t.Errorf("without a hub: threshold %v (%v), want 60s", o.UnreachableAfter, err)
		}
	})
}
