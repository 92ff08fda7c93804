package control_test

import (
	"context"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/control"
	"github.com/portico-dev/portico/gateway/push"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
	"github.com/portico-dev/portico/subscriptions"
)

// TestLaggingInstanceNeverSendsANodeBack: a node that applied a key
// revocation from one portal instance and whose next request reaches
// another instance that has not followed the change log yet must not be
// sent the older full state (the revoked key with it).
func TestLaggingInstanceNeverSendsANodeBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		a, _ := f.publishAPI(t, "pets", []string{"http://10.0.0.1:8080/pets"}, "1.0.0")
		_, sub := f.subscribe(t, a, "")
		subs := f.subs
		k, _, err := subs.IssueKey(ctx, f.maint, sub, subscriptions.KeyInput{Name: "ci"})
		if err != nil {
			t.Fatal(err)
		}
		f.drain(t)
		// Instance A follows the log up to the key's issue, then lags.
		lagging := control.NewSource(s, nil)
		if _, err := lagging.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		hub := push.NewHub(lagging, push.Options{MaxWait: time.Second})
		if _, err := hub.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		// The key is revoked and compiled by instance B (f.src); the node
		// applied it there.
		if err := subs.RevokeKey(ctx, f.maint, k, sub); err != nil {
			t.Fatal(err)
		}
		f.drain(t)
		nodeHead, _ := f.src.Current(ctx)
		// The node's next request reaches A before A's follower woke.
		reply, err := hub.Sync(ctx, push.Node{Name: "edge-1"}, gateway.SyncRequest{Type: gateway.MsgAck, Version: nodeHead.Version, Hash: nodeHead.Hash})
		if err != nil {
			t.Fatal(err)
		}
		if reply.Media == gateway.MediaSnapshot {
			st, err := gateway.DecodeSnapshot(reply.Body, gateway.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			if st.Version() < nodeHead.Version {
				_, resurrected := st.Key(k.Kid)
				t.Fatalf("a node at version %d was sent the full state of version %d (revoked key back in it: %v)", nodeHead.Version, st.Version(), resurrected)
			}
		}
		if _, ok := lagging.State().Key(k.Kid); ok {
			t.Error("the lagging instance did not catch up: the revoked key is still in its configuration")
		}
		// A node ahead of the database itself (restored from a backup)
		// still gets the database's full state.
		restored := gateway.Head{Version: nodeHead.Version + 5, Hash: nodeHead.Hash}
		reply, err = hub.Sync(ctx, push.Node{Name: "edge-1"}, gateway.SyncRequest{Type: gateway.MsgPoll, Version: restored.Version, Hash: restored.Hash})
		if err != nil {
			t.Fatal(err)
		}
		if reply.Media != gateway.MediaSnapshot {
			t.Fatalf("a node ahead of the database got %s, want the full state", reply.Media)
		}
		if st, err := gateway.DecodeSnapshot(reply.Body, gateway.DefaultLimits); err != nil || st.Head() != nodeHead {
			t.Fatalf("a node ahead of the database got %v, %v; want the full state of %v", st.Head(), err, nodeHead)
		}
	})
}
