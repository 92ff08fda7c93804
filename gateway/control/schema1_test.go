package control_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/control"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// legacy writes st as a portal before schema 2 did: the whole document
// hashed. It returns the wire snapshot and its hash.
func legacy(st *gateway.State) (string, string) {
	var items [3][]string
	for r := range st.Routes() {
		items[0] = append(items[0], string(gateway.CanonicalJSON(*r)))
	}
	for p := range st.Plans() {
		items[1] = append(items[1], string(gateway.CanonicalJSON(*p)))
	}
	for k := range st.Keys() {
		items[2] = append(items[2], string(gateway.CanonicalJSON(*k)))
	}
	body := `,"routes":[` + strings.Join(items[0], ",") + `],"plans":[` + strings.Join(items[1], ",") + `],"keys":[` + strings.Join(items[2], ",") + `]}`
	head := `{"schema":1,"version":` + strconv.FormatUint(st.Version(), 10)
	sum := sha256.Sum256([]byte(head + body))
	h := hex.EncodeToString(sum[:])
	return head + `,"hash":"` + h + `"` + body, h
}

// A database whose change log an earlier portal wrote (schema 1: a
// checkpoint and a delta) is read, and the next change is recorded in
// schema 2 on top of it; instances and nodes follow across the two.
func TestSchema1ChangeLogIsUpgraded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		a, _ := f.publishAPI(t, "pets", []string{"http://10.0.0.1:8080"}, "1.0.0")
		f.drain(t)
		cur := f.src.State()
		v := cur.Version()

		// Rewrite the log as a schema-1 portal would have: a checkpoint at
		// v and one delta after it.
		snap, h1 := legacy(cur)
		r, _ := cur.Route("pets/v1")
		moved := *r
		moved.Targets = []string{"http://10.0.0.9:8080"}
		next, err := gateway.NewState(v+1, []gateway.Route{moved}, collect(cur.Plans()), collect(cur.Keys()))
		if err != nil {
			t.Fatal(err)
		}
		_, h2 := legacy(next)
		d := gateway.Delta{Schema: 1, BaseVersion: v, BaseHash: h1, Version: v + 1, Hash: h2, Routes: gateway.Changes[gateway.Route]{Upsert: []gateway.Route{moved}}}
		enc := string(d.Encode())
		db := s.DB()
		if _, err := db.NewDelete().Table("gateway_changes").Where("1 = 1").Exec(ctx); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		rows := []store.GatewayLogEntry{
			{Version: int64(v), Hash: h1, Delta: `{"schema":1}`, DeltaBytes: 12, Checkpoint: &snap, CheckpointBytes: int64(len(snap)), CreatedAt: now},
			{Version: int64(v + 1), BaseHash: h1, Hash: h2, Delta: enc, DeltaBytes: int64(len(enc)), CreatedAt: now},
		}
		if _, err := db.NewInsert().Model(&rows).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := db.NewUpdate().Table("gateway_head").Set("version = ?", v+1).Set("hash = ?", h2).Where("id = 1").Exec(ctx); err != nil {
			t.Fatal(err)
		}

		// An instance starting on that log reads it, verified by schema 1.
		other := control.NewSource(s, nil)
		if _, err := other.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		if h, _ := other.Current(ctx); h != (gateway.Head{Version: v + 1, Hash: h2}) || other.State().Schema() != 1 {
			t.Fatalf("an instance on the schema-1 log is at %v, schema %d", h, other.State().Schema())
		}
		// A node that took that state as a schema-1 snapshot.
		nodeSnap, _ := legacy(other.State())
		node, err := gateway.DecodeSnapshot([]byte(nodeSnap), gateway.DefaultLimits)
		if err != nil || node.Hash() != h2 {
			t.Fatalf("node: %v", err)
		}

		// The next change is recorded in schema 2 on top of it.
		if _, _, err := f.svc.Deploy(ctx, f.maint, a, 1, control.SettingsInput{Targets: []string{"http://10.0.0.7:8080"}}); err != nil {
			t.Fatal(err)
		}
		f.drain(t)
		head, _ := f.src.Current(ctx)
		if head.Version != v+2 || f.src.State().Schema() != gateway.Schema {
			t.Fatalf("after a change: %v, schema %d", head, f.src.State().Schema())
		}
		if _, err := other.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		if h, _ := other.Current(ctx); h != head {
			t.Fatalf("the other instance is at %v, want %v", h, head)
		}
		delta, ok, err := other.DeltaSince(ctx, node.Head())
		if err != nil || !ok {
			t.Fatalf("no delta from the schema-1 version: %v", err)
		}
		applied, err := node.Apply(delta)
		if err != nil {
			t.Fatal(err)
		}
		if applied.Head() != head || applied.Schema() != gateway.Schema {
			t.Fatalf("the node applied %v (schema %d), want %v", applied.Head(), applied.Schema(), head)
		}
		if rt, _ := applied.Route("pets/v1"); rt.Targets[0] != "http://10.0.0.7:8080" {
			t.Fatalf("route targets %v", rt.Targets)
		}
	})
}

func collect[T any](seq func(func(*T) bool)) []T {
	var out []T
	for v := range seq {
		out = append(out, *v)
	}
	return out
}
