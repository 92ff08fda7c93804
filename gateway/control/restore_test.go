package control_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestNodeOfARestoredDatabaseGetsItsFullState: a node applied a version of
// the configuration that the database no longer has, because the database
// was restored from an older backup and its versions went on from the
// backup's head, past or up to the node's version, with other contents. The
// node's version is not ahead of the database, but its hash is unknown
// there: it gets the database's full state, never a delta onto a state that
// is not the base the delta was made from (and never a heartbeat), so the
// route of the API created after the backup is gone from it.
func TestNodeOfARestoredDatabaseGetsItsFullState(t *testing.T) {
	storetest.Each(t, func(t *testing.T, before *store.Store) {
		ctx := context.Background()
		// The portal before the restore: the node applied its newest
		// version, with the route of fish, created after the backup.
		old := newFixture(t, before)
		old.drain(t)
		old.publishAPI(t, "pets", []string{"http://10.0.0.1:8080/pets"}, "1.0.0")
		old.publishAPI(t, "fish", []string{"http://10.0.0.2:8080/fish"}, "1.0.0")
		old.drain(t)
		nodeHead, err := old.src.Current(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := old.src.State().Route(gateway.RouteID("fish", 1)); !ok {
			t.Fatal("the node's state has no route of fish")
		}

		// The restored database knows no fish; its versions go on from the
		// backup's up to (equal) and past (ahead) the node's version.
		for _, tt := range []struct {
			name  string
			ahead uint64
		}{{"same version", 0}, {"later version", 2}} {
			t.Run(tt.name, func(t *testing.T) {
				f := newFixture(t, storetest.Open(t, before.Dialect()))
				f.drain(t)
				f.publishAPI(t, "pets", []string{"http://10.0.0.1:8080/pets"}, "1.0.0")
				f.drain(t)
				for n := 1; ; n++ {
					if n > 20 {
						t.Fatal("the restored database's version does not grow")
					}
					head, err := f.src.Current(ctx)
					if err != nil {
						t.Fatal(err)
					}
					if head.Version >= nodeHead.Version+tt.ahead {
						if head.Version != nodeHead.Version+tt.ahead {
							t.Skipf("the restored head went from %d to %d: no version equal to the node's + %d", nodeHead.Version+tt.ahead-1, head.Version, tt.ahead)
						}
						break
					}
					f.publishAPI(t, fmt.Sprintf("other-%d", n), []string{fmt.Sprintf("http://10.0.1.%d:8080/other", n)}, "1.0.0")
					f.drain(t)
				}
				f.registerNode(t, "edge-1")
				_, hub, head := f.instance(t)
				if head.Hash == nodeHead.Hash {
					t.Fatal("the restored database's state has the node's hash")
				}
				reply, err := hub.Sync(ctx, f.node(t, "edge-1"), gateway.SyncRequest{Type: gateway.MsgPoll, Version: nodeHead.Version, Hash: nodeHead.Hash})
				if err != nil {
					t.Fatal(err)
				}
				if reply.Media != gateway.MediaSnapshot {
					t.Fatalf("the node of version %d (database at %d) got %s, want the full state", nodeHead.Version, head.Version, reply.Media)
				}
				st, err := gateway.DecodeSnapshot(reply.Body, gateway.DefaultLimits)
				if err != nil || st.Head() != head {
					t.Fatalf("full state %v, %v; want the database's %v", st.Head(), err, head)
				}
				if _, ok := st.Route(gateway.RouteID("fish", 1)); ok {
					t.Error("the full state still routes fish, created after the backup")
				}
				if _, ok := st.Route(gateway.RouteID("pets", 1)); !ok {
					t.Error("the full state has no route of pets")
				}
			})
		}
	})
}
