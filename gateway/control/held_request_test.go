package control_test

import (
	"context"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/gatewaytest"
	"github.com/portico-dev/portico/gateway/push"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestHeldRequestEndKeepsANewerReport: a node left a request held on
// instance A, reporting the version A has, and acknowledged a newer version
// on instance B meanwhile (a load balancer sent its next request there).
// When A's request ends, the node's recorded status must stay B's: in sync
// with the newer version, not behind it until the node's next request.
func TestHeldRequestEndKeepsANewerReport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		f.registerNode(t, "edge-1")
		f.publishAPI(t, "pets", []string{"http://10.0.0.1:8080/pets"}, "1.0.0")
		f.drain(t)
		// Instance A follows the log up to here.
		_, hubA, old := f.instance(t)
		// A change; instance B has it.
		f.publishAPI(t, "toys", []string{"http://10.0.0.1:8080/toys"}, "1.0.0")
		f.drain(t)
		_, hubB, newer := f.instance(t)
		if newer.Version <= old.Version {
			t.Fatalf("heads %v then %v, want a newer one", old, newer)
		}

		// hold sends the node's request to hub and leaves it held; cancel
		// ends it, after which the returned channel says how it ended.
		hold := func(hub *push.Hub, req gateway.SyncRequest) (context.CancelFunc, <-chan error) {
			hctx, cancel := context.WithCancel(ctx)
			t.Cleanup(cancel)
			done := make(chan error, 1)
			go func() {
				_, err := hub.Sync(hctx, f.node(t, "edge-1"), req)
				done <- err
			}()
			return cancel, done
		}
		waitFor := func(v uint64) {
			if !gatewaytest.Eventually(5*time.Second, func() bool {
				ns, err := s.GatewayNodes(ctx)
				return err == nil && len(ns) == 1 && uint64(ns[0].AppliedVersion) == v
			}) {
				t.Fatalf("applied version %d not recorded", v)
			}
		}
		// The node's older request, held on A.
		cancelA, heldA := hold(hubA, gateway.SyncRequest{Type: gateway.MsgPoll, Version: old.Version, Hash: old.Hash, WaitMS: 10_000})
		waitFor(old.Version)
		// Its newer request, held on B, acknowledging the newer version.
		cancelB, heldB := hold(hubB, gateway.SyncRequest{Type: gateway.MsgAck, Version: newer.Version, Hash: newer.Hash, WaitMS: 10_000})
		waitFor(newer.Version)
		// The older request ends (the node gave it up).
		cancelA()
		<-heldA
		ov, err := f.svc.Overview(ctx, f.admin)
		if err != nil {
			t.Fatal(err)
		}
		if len(ov.Nodes) != 1 || ov.Nodes[0].AppliedVersion != newer.Version || ov.Nodes[0].State != push.StateInSync {
			t.Errorf("after the older request ended: %+v; want applied %d, in sync", ov.Nodes, newer.Version)
		}
		cancelB()
		<-heldB
	})
}
