package gateway_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/gatewaytest"
)

func sample(t testing.TB, version uint64) *gateway.State {
	t.Helper()
	st, err := gatewaytest.State(version, gatewaytest.Config{APIs: 5, Keys: 20, Upstream: "http://127.0.0.1:9000/base", RatePerMinute: 60, Burst: 10})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestNewStateHashIgnoresOrderAndSeesEveryField(t *testing.T) {
	routes, plans, keys := gatewaytest.Items(gatewaytest.Config{APIs: 3, Keys: 4, Upstream: "http://u:1", RatePerMinute: 5})
	a, err := gateway.NewState(7, routes, plans, keys)
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(routes)
	slices.Reverse(keys)
	b, err := gateway.NewState(7, routes, plans, keys)
	if err != nil {
		t.Fatal(err)
	}
	if a.Hash() != b.Hash() {
		t.Fatalf("hash depends on order: %s vs %s", a.Hash(), b.Hash())
	}
	changes := map[string]func(){
		"version": func() {},
		"target":  func() { routes[0].Targets = []string{"http://u:2"} },
		"state": func() {
			routes[1].State, routes[1].DeprecatedAt = gateway.StateDeprecated, time.Date(2029, 1, 1, 0, 0, 0, 0, time.UTC)
		},
		"sunset": func() { routes[1].Sunset = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC) },
		"retired": func() {
			routes[2].State, routes[2].RetiredAt = gateway.StateRetired, time.Date(2029, 6, 1, 0, 0, 0, 0, time.UTC)
		},
		"retired_at": func() { routes[2].RetiredAt = time.Date(2029, 6, 2, 0, 0, 0, 0, time.UTC) },
		"cors":       func() { routes[0].CORSOrigins = []string{"https://app.example.com"} },
		"cors any":   func() { routes[1].CORSOrigins = []string{gateway.AnyOrigin} },
		"plan":       func() { plans[0].Burst = 3 },
		"key plan":   func() { keys[0].State = gateway.KeyRevoked },
	}
	seen := map[string]string{a.Hash(): "base"}
	for name, change := range changes {
		version := uint64(7)
		if name == "version" {
			version = 8
		}
		change()
		c, err := gateway.NewState(version, routes, plans, keys)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if other, dup := seen[c.Hash()]; dup {
			t.Errorf("changing %s gives the hash of %s", name, other)
		}
		seen[c.Hash()] = name
	}
}

func TestSnapshotRoundTrip(t *testing.T) {
	st := sample(t, 3)
	enc := st.EncodeSnapshot()
	got, err := gateway.DecodeSnapshot(enc, gateway.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if got.Head() != st.Head() {
		t.Fatalf("got %+v, want %+v", got.Head(), st.Head())
	}
	if !bytes.Equal(got.EncodeSnapshot(), enc) {
		t.Fatal("re-encoding differs")
	}
	k, ok := got.KeyByHash(sha(gatewaytest.Key(4)))
	if !ok || k.ID != "k000004" {
		t.Fatalf("KeyByHash: got %v %v, want k000004", k, ok)
	}
	if r, ok := got.Route("api-2/v1"); !ok || r.API != "api-2" {
		t.Fatalf("Route: got %v %v", r, ok)
	}
}

func sha(key string) [32]byte {
	var h [32]byte
	hex.Decode(h[:], []byte(gateway.HashKey(key)))
	return h
}

func mutateJSON(t *testing.T, enc []byte, f func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(enc, &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeSnapshotRefuses(t *testing.T) {
	st := sample(t, 3)
	enc := st.EncodeSnapshot()
	small := gateway.DefaultLimits
	small.MaxKeys = 10
	tests := []struct {
		name string
		data []byte
		lim  gateway.Limits
		want string
	}{
		{"wrong hash", bytes.Replace(enc, []byte(st.Hash()), []byte(strings.Repeat("0", 64)), 1), gateway.DefaultLimits, "hash mismatch"},
		{"changed content", bytes.Replace(enc, []byte(`"team-a"`), []byte(`"team-b"`), 1), gateway.DefaultLimits, "hash mismatch"},
		{"other schema", mutateJSON(t, enc, func(m map[string]any) { m["schema"] = 3; m["extra"] = 1 }), gateway.DefaultLimits, "schema 3 is not supported"},
		{"unknown field", mutateJSON(t, enc, func(m map[string]any) { m["extra"] = 1 }), gateway.DefaultLimits, `field "extra" is not known to this node`},
		{"trailing data", append(slices.Clone(enc), []byte(" {}")...), gateway.DefaultLimits, "data after the document"},
		{"too deep", []byte(`{"schema":1,"routes":[{"targets":[[[[["x"]]]]]}]}`), gateway.DefaultLimits, "nested deeper"},
		{"too many keys", enc, small, "over the limits"},
		{"too many elements", []byte(`{"schema":1,"keys":[` + strings.Repeat("1,", 40) + `1]}`), gateway.Limits{MaxBytes: 1000, MaxRoutes: 5, MaxPlans: 5, MaxKeys: 5}, "more than 32 elements"},
		{"too large", enc, gateway.Limits{MaxBytes: 100, MaxRoutes: 10, MaxPlans: 10, MaxKeys: 10}, "larger than the size limit"},
		{"invalid target", mutateJSON(t, enc, func(m map[string]any) {
			m["routes"].([]any)[0].(map[string]any)["targets"] = []string{"ftp://x"}
		}), gateway.DefaultLimits, "scheme must be http or https"},
		{"key without plan", mutateJSON(t, enc, func(m map[string]any) {
			m["keys"].([]any)[0].(map[string]any)["plan"] = "gold"
		}), gateway.DefaultLimits, `plan "gold" is not in the snapshot`},
		{"repeated id", mutateJSON(t, enc, func(m map[string]any) {
			m["plans"] = append(m["plans"].([]any), m["plans"].([]any)[0])
		}), gateway.DefaultLimits, "appears twice"},
		{"not json", []byte(`{"schema":1,`), gateway.DefaultLimits, "invalid JSON"},
		{"deprecated without a date", mutateJSON(t, enc, func(m map[string]any) {
			m["routes"].([]any)[0].(map[string]any)["state"] = "deprecated"
		}), gateway.DefaultLimits, "needs deprecated_at"},
		{"version zero", mutateJSON(t, enc, func(m map[string]any) { m["version"] = 0 }), gateway.DefaultLimits, "version must be at least 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := gateway.DecodeSnapshot(tt.data, tt.lim)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
			if strings.Contains(err.Error(), gateway.HashKey(gatewaytest.Key(0))) {
				t.Fatalf("error names a key hash: %v", err)
			}
		})
	}
	if _, err := gateway.DecodeSnapshot(enc, gateway.Limits{MaxBytes: 100, MaxKeys: 100}); !errors.Is(err, gateway.ErrTooLarge) {
		t.Fatalf("got %v, want ErrTooLarge", err)
	}
}

func TestDiffApply(t *testing.T) {
	a := sample(t, 3)
	routes, plans, keys := gatewaytest.Items(gatewaytest.Config{APIs: 5, Keys: 20, Upstream: "http://127.0.0.1:9000/base", RatePerMinute: 60, Burst: 10})
	keys[3].State = gateway.KeyRevoked
	keys = slices.Delete(keys, 5, 7)
	routes[1].State, routes[1].DeprecatedAt = gateway.StateDeprecated, time.Date(2030, 5, 1, 0, 0, 0, 0, time.UTC)
	routes[1].Sunset = time.Date(2031, 5, 1, 0, 0, 0, 0, time.UTC)
	routes = append(routes, gateway.Route{API: "new", Major: 2, Targets: []string{"https://x.example/y"}, State: gateway.StatePublished})
	plans = append(plans, gateway.Plan{ID: "gold", RatePerMinute: 600})
	keys = append(keys, gateway.Key{ID: "zz", Hash: gateway.HashKey("ptk_zz"), Subscription: "s", Team: "t", App: "a", API: "new", Major: 2, Plan: "gold", State: gateway.KeyActive})
	b, err := gateway.NewState(9, routes, plans, keys)
	if err != nil {
		t.Fatal(err)
	}
	d := gateway.Diff(a, b)
	if got, want := d.Keys.Len(), 4; got != want {
		t.Errorf("key changes: got %d, want %d (%+v)", got, want, d.Keys)
	}
	wire, err := gateway.DecodeDelta(d.Encode(), gateway.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	c, err := a.Apply(wire)
	if err != nil {
		t.Fatal(err)
	}
	if c.Head() != b.Head() {
		t.Fatalf("got %+v, want %+v", c.Head(), b.Head())
	}
	if _, ok := c.KeyByHash(sha(gatewaytest.Key(5))); ok {
		t.Error("a deleted key is still found by its hash")
	}
	if _, ok := c.KeyByHash(sha("ptk_zz")); !ok {
		t.Error("an added key is not found by its hash")
	}
	if _, ok := a.KeyByHash(sha("ptk_zz")); ok {
		t.Error("applying a delta changed its base")
	}
	if !bytes.Equal(c.EncodeSnapshot(), b.EncodeSnapshot()) {
		t.Error("applied state encodes differently")
	}
}

// TestDeltaFromTakesTheBaseToTheState changes, adds and removes routes and
// keys, changes and adds a plan, and names them (and ids neither state has)
// to DeltaFrom.
func TestDeltaFromTakesTheBaseToTheState(t *testing.T) {
	a := sample(t, 3)
	routes, plans, keys := gatewaytest.Items(gatewaytest.Config{APIs: 5, Keys: 20, Upstream: "http://127.0.0.1:9000/base", RatePerMinute: 60, Burst: 10})
	routeIDs := []string{"never-there", routes[1].ID(), routes[4].ID(), "new/v2"}
	planIDs := []string{"never-there", plans[0].ID, "gold"}
	keyIDs := []string{"never-there", keys[3].ID}
	routes[1].Targets = []string{"https://elsewhere.example/v1"}
	plans[0].RatePerMinute = 61
	keys[3].State = gateway.KeyRevoked
	keys = slices.DeleteFunc(keys, func(k gateway.Key) bool {
		if k.API == routes[4].API {
			keyIDs = append(keyIDs, k.ID)
			return true
		}
		return false
	})
	routes = append(routes[:4], gateway.Route{API: "new", Major: 2, Targets: []string{"https://x.example/y"}, State: gateway.StatePublished})
	plans = append(plans, gateway.Plan{ID: "gold", RatePerMinute: 600})
	b, err := gateway.NewState(9, routes, plans, keys)
	if err != nil {
		t.Fatal(err)
	}
	set := func(ids []string) map[string]bool {
		m := map[string]bool{}
		for _, id := range ids {
			m[id] = true
		}
		return m
	}
	d := b.DeltaFrom(a.Head(), set(routeIDs), set(planIDs), set(keyIDs))
	if got, want := d.Routes.Len()+d.Plans.Len()+d.Keys.Len(), len(routeIDs)+len(planIDs)+len(keyIDs); got != want {
		t.Errorf("the delta names %d items, want %d", got, want)
	}
	if got, want := len(d.Routes.Delete)+len(d.Plans.Delete)+len(d.Keys.Delete), 3+1+(len(keyIDs)-2); got != want {
		t.Errorf("deletes: got %d, want %d (the items gone and the ids neither state has)", got, want)
	}
	c, err := a.Apply(d)
	if err != nil {
		t.Fatal(err)
	}
	if c.Head() != b.Head() {
		t.Fatalf("got %+v, want %+v", c.Head(), b.Head())
	}
}

func TestApplyRefuses(t *testing.T) {
	a := sample(t, 3)
	good := func() *gateway.Delta {
		src := gatewaytest.NewSource(a)
		k, _ := a.Key("k000001")
		revoked := *k
		revoked.State = gateway.KeyRevoked
		if _, err := src.Change(gateway.Delta{Keys: gateway.Changes[gateway.Key]{Upsert: []gateway.Key{revoked}}}); err != nil {
			t.Fatal(err)
		}
		d, ok, err := src.DeltaSince(t.Context(), a.Head())
		if !ok || err != nil {
			t.Fatal(ok, err)
		}
		return d
	}
	if _, err := a.Apply(good()); err != nil {
		t.Fatalf("the unmodified delta: %v", err)
	}
	tests := []struct {
		name   string
		mutate func(d *gateway.Delta)
		want   string
	}{
		{"wrong hash", func(d *gateway.Delta) { d.Hash = strings.Repeat("a", 64) }, "hash mismatch"},
		{"other base", func(d *gateway.Delta) { d.BaseVersion = 2 }, "the node has version 3"},
		{"not newer", func(d *gateway.Delta) { d.Version = 3 }, "not after its base"},
		{"schema", func(d *gateway.Delta) { d.Schema = 9 }, "schema 9"},
		{"twice", func(d *gateway.Delta) { d.Keys.Delete = []string{"k000001"} }, "twice"},
		{"plan removed under keys", func(d *gateway.Delta) { d.Plans.Delete = []string{"standard"} }, "is not in the snapshot"},
		{"duplicate key hash", func(d *gateway.Delta) {
			k, _ := a.Key("k000002")
			dup := *k
			dup.ID = "other"
			d.Keys.Upsert = append(d.Keys.Upsert, dup)
		}, "same hash"},
		{"retired_at not a whole second", func(d *gateway.Delta) {
			d.Routes.Upsert = []gateway.Route{{API: "old", Major: 1, Targets: []string{"http://x"}, State: gateway.StateRetired, RetiredAt: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)}}
		}, "whole seconds"},
		{"major over eight digits", func(d *gateway.Delta) {
			d.Routes.Upsert = []gateway.Route{{API: "cal", Major: 100_000_000, Targets: []string{"http://x"}, State: gateway.StatePublished}}
		}, "major must be 0 to 99999999"},
		{"invalid route", func(d *gateway.Delta) {
			d.Routes.Upsert = []gateway.Route{{API: "Bad Slug", Major: 1, Targets: []string{"http://x"}, State: gateway.StatePublished}}
		}, "must be a slug"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := good()
			tt.mutate(d)
			_, err := a.Apply(d)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestSourceDeltasAcrossManyChanges(t *testing.T) {
	a := sample(t, 1)
	src := gatewaytest.NewSource(a)
	states := []*gateway.State{a}
	for i := range 10 {
		k, _ := a.Key(fmt.Sprintf("k%06d", i))
		changed := *k
		changed.State = gateway.KeyRevoked
		d := gateway.Delta{Keys: gateway.Changes[gateway.Key]{Upsert: []gateway.Key{changed}}}
		if i%3 == 0 {
			d = gateway.Delta{Keys: gateway.Changes[gateway.Key]{Delete: []string{k.ID}}}
		}
		st, err := src.Change(d)
		if err != nil {
			t.Fatal(err)
		}
		states = append(states, st)
	}
	want := states[len(states)-1]
	for _, base := range states[:len(states)-1] {
		d, ok, err := src.DeltaSince(t.Context(), base.Head())
		if !ok || err != nil {
			t.Fatalf("from %d: %v %v", base.Version(), ok, err)
		}
		got, err := base.Apply(d)
		if err != nil {
			t.Fatalf("from %d: %v", base.Version(), err)
		}
		if got.Head() != want.Head() {
			t.Fatalf("from %d: got %+v, want %+v", base.Version(), got.Head(), want.Head())
		}
	}
	if _, ok, _ := src.DeltaSince(t.Context(), want.Head()); ok {
		t.Error("a delta from the newest version")
	}
	heads := make([]gateway.Head, len(states))
	for i, st := range states {
		heads[i] = st.Head()
	}
	src.Compact(5)
	if _, ok, _ := src.DeltaSince(t.Context(), heads[2]); ok {
		t.Error("a compacted log still answers from before its start")
	}
	if _, ok, _ := src.DeltaSince(t.Context(), gateway.Head{Version: 6, Hash: heads[4].Hash}); ok {
		t.Error("a delta from a version with the wrong hash")
	}
}

// TestDeltaEncodeIsWhatEncodingJSONWrites holds the hand-written delta
// encoder to encoding/json: empty and nil lists, deletes without upserts
// and the reverse, text that JSON escapes, times.
func TestDeltaEncodeIsWhatEncodingJSONWrites(t *testing.T) {
	st := sample(t, 3)
	var routes []gateway.Route
	for r := range st.Routes() {
		routes = append(routes, *r)
	}
	var plans []gateway.Plan
	for p := range st.Plans() {
		plans = append(plans, *p)
	}
	var keys []gateway.Key
	for k := range st.Keys() {
		keys = append(keys, *k)
	}
	odd := gateway.Route{API: "a<b>&c", Major: 2, Targets: []string{"http://x/é\"\\\n"}, State: "deprecated", Successor: "3.0.0\u2028", SuccessorMajor: 3,
		DeprecatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Sunset: time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC), CORSOrigins: []string{"https://a<b>", "*"}}
	retired := gateway.Route{API: "b", Major: 20210108, Targets: []string{"http://y"}, State: "retired", Successor: "20210109.0.0", SuccessorMajor: 20210109,
		Sunset: time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC), RetiredAt: time.Date(2026, 12, 3, 7, 8, 9, 0, time.UTC)}
	expiring := keys[0]
	expiring.ExpiresAt, expiring.GraceEndsAt = time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC), time.Date(2026, 5, 7, 7, 8, 9, 0, time.UTC)
	for i, d := range []gateway.Delta{
		{},
		{Schema: 2, BaseVersion: 3, BaseHash: st.Hash(), Version: 4, Hash: "h\xff"},
		{Schema: 2, Version: 1, Routes: gateway.Changes[gateway.Route]{Upsert: routes}, Plans: gateway.Changes[gateway.Plan]{Upsert: plans}, Keys: gateway.Changes[gateway.Key]{Upsert: keys}},
		{Routes: gateway.Changes[gateway.Route]{Upsert: []gateway.Route{odd, retired, {}}, Delete: []string{"x/v1", "<&>"}}},
		{Plans: gateway.Changes[gateway.Plan]{Delete: []string{"p"}}, Keys: gateway.Changes[gateway.Key]{Upsert: []gateway.Key{expiring}}},
		{Routes: gateway.Changes[gateway.Route]{Upsert: []gateway.Route{}}, Plans: gateway.Changes[gateway.Plan]{Delete: []string{}}, Keys: gateway.Changes[gateway.Key]{Upsert: []gateway.Key{}, Delete: []string{}}},
	} {
		want, err := json.Marshal(&d)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.Encode(); !bytes.Equal(got, want) {
			t.Errorf("delta %d encodes to\n%s\nencoding/json writes\n%s", i, got, want)
		}
	}
}
