package control_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/push"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestRevokedNodeIsDisconnectedWhenItsNameIsReused: a node's token is
// replaced the only way there is, by revoking the node and registering the
// name again, on one portal instance. Another instance holding the old
// token's request must end it, even though the name is registered again
// by the time it looks, and must not record the old node's state as the new
// registration's.
func TestRevokedNodeIsDisconnectedWhenItsNameIsReused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		f.drain(t)
		f.registerNode(t, "edge-1")
		f.drain(t)
		// Instance B: its own source, hub and follower.
		srcB, hubB, head := f.instance(t)
		wake := make(chan struct{}, 1)
		fctx, stop := context.WithCancel(ctx)
		defer stop()
		followed := make(chan struct{})
		go func() { defer close(followed); srcB.Follow(fctx, hubB, wake) }()
		defer func() { stop(); <-followed }()
		// B's follower has looked at the registrations once, as a running
		// instance has long before a node connects: it takes the wake-up
		// only after its first look.
		wake <- struct{}{}
		for deadline := time.Now().Add(10 * time.Second); len(wake) > 0; time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("B's follower did not look within 10 s")
			}
		}

		// The old node's request is held by B; it serves the newest state
		// and says it cannot write its last-known-good.
		old := f.node(t, "edge-1")
		errc := pollWithError(hubB, old, head)
		// Held: the hub has recorded the request's report against the old
		// registration. (A fixed pause of 100 ms was too short on a loaded
		// machine: the request then arrived after the name was registered
		// again, which is not what this test is about.)
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			ns, err := s.GatewayNodes(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(ns) == 1 && ns[0].LastError == "the old node's disk is full" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the old node's request was not recorded within 10 s: %+v", ns)
			}
		}

		// Instance A (f.svc, no hub here) revokes it and registers the name
		// again, before B's follower looks.
		if err := f.svc.RevokeNode(ctx, f.admin, "edge-1"); err != nil {
			t.Fatal(err)
		}
		f.registerNode(t, "edge-1")
		wake <- struct{}{}
		oldRequestEnded(t, s, errc, old, "after the revocation")
	})
}

// pollWithError sends the old node's poll at head to hub, to be held up to
// 10 s, reporting that it cannot write its last-known-good; the request's
// error arrives on the channel.
func pollWithError(hub *push.Hub, old push.Node, head gateway.Head) <-chan error {
	errc := make(chan error, 1)
	go func() {
		_, err := hub.Sync(context.Background(), old, gateway.SyncRequest{Type: gateway.MsgPoll, Version: head.Version, Hash: head.Hash,
			WaitMS: 10_000, Error: "the old node's disk is full"})
		errc <- err
	}()
	return errc
}

// oldRequestEnded checks that the old registration's held request ends,
// disconnected, within 3 s (when says after what), and that the name's new
// registration shows nothing of the old node's.
func oldRequestEnded(t *testing.T, s *store.Store, errc <-chan error, old push.Node, when string) {
	t.Helper()
	select {
	case err := <-errc:
		if !errors.Is(err, push.ErrDisconnected) {
			t.Fatalf("the revoked token's held request ended with %v, want disconnected", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatalf("the revoked token's held request was still held 3 s %s", when)
	}
	ns, err := s.GatewayNodes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(ns) != 1 || ns[0].ID == old.ID || ns[0].LastError != "" || ns[0].LastSeenAt != nil {
		t.Errorf("the new registration shows the revoked node's state: %+v", ns)
	}
}

// TestRevokedNodeIsDisconnectedOnTheFollowersFirstLook: as above, but
// instance B's follower looks for the first time only after the name was
// registered again (B has just started, or its follower was slow): it has
// no earlier look to compare with, and must still end the old token's
// held request, and the request must not change the new registration.
func TestRevokedNodeIsDisconnectedOnTheFollowersFirstLook(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		f.drain(t)
		f.registerNode(t, "edge-1")
		f.drain(t)
		srcB, hubB, head := f.instance(t)
		old := f.node(t, "edge-1")
		errc := pollWithError(hubB, old, head)
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			if ns := hubB.Nodes(); len(ns) == 1 && ns[0].Waiting {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the old node's request was not held within 10 s")
			}
		}
		if err := f.svc.RevokeNode(ctx, f.admin, "edge-1"); err != nil {
			t.Fatal(err)
		}
		f.registerNode(t, "edge-1")

		fctx, stop := context.WithCancel(ctx)
		followed := make(chan struct{})
		go func() { defer close(followed); srcB.Follow(fctx, hubB, make(chan struct{})) }()
		defer func() { stop(); <-followed }()
		oldRequestEnded(t, s, errc, old, "after the follower's first look")
	})
}
