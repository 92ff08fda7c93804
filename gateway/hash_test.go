package gateway_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/gatewaytest"
)

// specHash computes a state's hash from its items exactly as the README's
// contract and gateway.State define schema 2, independently of the
// package's incremental code.
func specHash(st *gateway.State) string {
	section := func(encs map[string][]byte) []byte {
		var buckets [256][]string
		for id := range encs {
			b := sha256.Sum256([]byte(id))
			buckets[b[0]] = append(buckets[b[0]], id)
		}
		var all []byte
		for _, ids := range buckets {
			slices.Sort(ids)
			var cat []byte
			for _, id := range ids {
				d := sha256.Sum256(encs[id])
				cat = append(cat, d[:]...)
			}
			d := sha256.Sum256(cat)
			all = append(all, d[:]...)
		}
		d := sha256.Sum256(all)
		return d[:]
	}
	routes, plans, keys := map[string][]byte{}, map[string][]byte{}, map[string][]byte{}
	for r := range st.Routes() {
		routes[r.ID()] = gateway.CanonicalJSON(*r)
	}
	for p := range st.Plans() {
		plans[p.ID] = gateway.CanonicalJSON(*p)
	}
	for k := range st.Keys() {
		keys[k.ID] = gateway.CanonicalJSON(*k)
	}
	h := sha256.New()
	h.Write([]byte(`{"schema":2,"version":` + strconv.FormatUint(st.Version(), 10) + `}`))
	h.Write(section(routes))
	h.Write(section(plans))
	h.Write(section(keys))
	return hex.EncodeToString(h.Sum(nil))
}

// legacySnapshot writes st as an earlier (schema 1) portal or node did: the
// whole document hashed.
func legacySnapshot(st *gateway.State) []byte {
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
	return []byte(head + `,"hash":"` + hex.EncodeToString(sum[:]) + `"` + body)
}

func TestHashIsTheDocumentedTree(t *testing.T) {
	st := sample(t, 9)
	if got, want := st.Hash(), specHash(st); got != want {
		t.Fatalf("hash %s, the documented definition gives %s", got, want)
	}
	empty, _ := gateway.NewState(1, nil, nil, nil)
	if got, want := empty.Hash(), specHash(empty); got != want {
		t.Fatalf("empty state: hash %s, the documented definition gives %s", got, want)
	}
	if st.Schema() != gateway.Schema || !bytes.HasPrefix(st.EncodeSnapshot(), []byte(`{"schema":2,`)) {
		t.Fatalf("a new state is of schema %d", st.Schema())
	}
}

// A node that applied deltas one after the other holds the same hash as
// one that loaded the resulting full snapshot, and as the definition.
func TestIncrementalHashEqualsFullBuild(t *testing.T) {
	st, err := gatewaytest.State(1, gatewaytest.Config{APIs: 300, Keys: 2000, Upstream: "http://127.0.0.1:9000/base", RatePerMinute: 60})
	if err != nil {
		t.Fatal(err)
	}
	src := gatewaytest.NewSource(st)
	node := st
	rng := rand.New(rand.NewPCG(1, 2))
	for step := range 60 {
		cur, _ := src.Snapshot(t.Context())
		var d gateway.Delta
		switch step % 4 {
		case 0: // revoke (delete) a few keys, one of them absent
			for range 1 + rng.IntN(3) {
				id := fmt.Sprintf("k%06d", rng.IntN(2000))
				if !slices.Contains(d.Keys.Delete, id) {
					d.Keys.Delete = append(d.Keys.Delete, id)
				}
			}
		case 1: // change one key, add a new one
			keys := slices.Collect(cur.Keys())
			k := *keys[rng.IntN(len(keys))]
			k.App = "app-x" + strconv.Itoa(step)
			n := k
			n.ID, n.Hash = "new-"+strconv.Itoa(step), gateway.HashKey("ptk_new_"+strconv.Itoa(step))
			d.Keys.Upsert = []gateway.Key{k, n}
		case 2: // a route changes, one is added, one goes
			r, _ := cur.Route("api-" + strconv.Itoa(rng.IntN(300)) + "/v1")
			c := *r
			c.ResponseTimeoutMS = 1000 + step
			d.Routes.Upsert = []gateway.Route{c, {API: "added-" + strconv.Itoa(step), Major: 2, Targets: []string{"http://10.0.0.2"}, State: gateway.StatePublished}}
			if step > 10 {
				d.Routes.Delete = []string{"added-" + strconv.Itoa(step-8) + "/v2"}
			}
		case 3: // a plan changes, one is added
			d.Plans.Upsert = []gateway.Plan{{ID: "standard", RatePerMinute: 60 + step}, {ID: "gold-" + strconv.Itoa(step), RatePerMinute: 1}}
		}
		if _, err := src.Change(d); err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		delta, ok, err := src.DeltaSince(t.Context(), node.Head())
		if err != nil || !ok {
			t.Fatalf("step %d: no delta: %v", step, err)
		}
		next, err := node.Apply(gateway.DecodeMust(t, delta.Encode()))
		if err != nil {
			t.Fatalf("step %d: apply: %v", step, err)
		}
		node = next
		full, err := gateway.DecodeSnapshot(node.EncodeSnapshot(), gateway.DefaultLimits)
		if err != nil {
			t.Fatalf("step %d: the applied state's snapshot: %v", step, err)
		}
		rebuilt, err := gateway.NewState(node.Version(), deref(node.Routes()), deref(node.Plans()), deref(node.Keys()))
		if err != nil {
			t.Fatal(err)
		}
		if node.Hash() != full.Hash() || node.Hash() != rebuilt.Hash() || node.Hash() != specHash(node) {
			t.Fatalf("step %d: applied %s, snapshot %s, rebuilt %s, definition %s", step, node.Hash(), full.Hash(), rebuilt.Hash(), specHash(node))
		}
		if !bytes.Equal(node.EncodeSnapshot(), rebuilt.EncodeSnapshot()) {
			t.Fatalf("step %d: the applied state does not encode as the rebuilt one", step)
		}
		for k := range node.Keys() {
			if got, ok := node.KeyByHash(sha256Hex(t, k.Hash)); !ok || got.ID != k.ID {
				t.Fatalf("step %d: key %s not found by its hash", step, k.ID)
			}
		}
	}
	if _, ok := node.Key("new-1"); !ok {
		t.Fatal("an added key is missing")
	}
}

func deref[T any](seq func(func(*T) bool)) []T {
	var out []T
	for v := range seq {
		out = append(out, *v)
	}
	return out
}

func sha256Hex(t *testing.T, h string) [32]byte {
	var out [32]byte
	if _, err := hex.Decode(out[:], []byte(h)); err != nil {
		t.Fatal(err)
	}
	return out
}

// Snapshots and deltas of schema 1 (an earlier portal's checkpoint, an
// earlier node's last-known-good) are read and verified by their own
// definition; the next schema-2 delta moves the state to schema 2.
func TestSchema1IsStillRead(t *testing.T) {
	st := sample(t, 4)
	old := legacySnapshot(st)
	got, err := gateway.DecodeSnapshot(old, gateway.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if got.Schema() != 1 || got.Hash() == st.Hash() || !bytes.Contains(old, []byte(got.Hash())) {
		t.Fatalf("schema %d, hash %s", got.Schema(), got.Hash())
	}
	if !bytes.Equal(got.EncodeSnapshot(), old) {
		t.Fatal("a schema-1 state does not write the snapshot it was read from")
	}
	if _, err := gateway.DecodeSnapshot(bytes.Replace(old, []byte(`"team-a"`), []byte(`"team-b"`), 1), gateway.DefaultLimits); err == nil || !strings.Contains(err.Error(), "hash mismatch") {
		t.Fatalf("a changed schema-1 snapshot: %v", err)
	}

	// A schema-1 delta (from an earlier portal) is verified by the
	// whole-document hash.
	k, _ := got.Key("k000003")
	c := *k
	c.State = gateway.KeyRevoked
	d1 := gateway.Delta{Schema: 1, BaseVersion: 4, BaseHash: got.Hash(), Version: 5, Keys: gateway.Changes[gateway.Key]{Upsert: []gateway.Key{c}}}
	derived, err := got.Derive(&d1)
	if err != nil {
		t.Fatal(err)
	}
	d1.Hash = derived.Hash()
	v5, err := got.Apply(&d1)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := gateway.DecodeSnapshot(legacySnapshot(v5), gateway.DefaultLimits)
	if v5.Schema() != 1 || v5.Hash() != want.Hash() {
		t.Fatalf("schema-1 delta: schema %d hash %s, want %s", v5.Schema(), v5.Hash(), want.Hash())
	}

	// A schema-2 delta from it gives the same state as from scratch.
	d2 := gateway.Delta{Schema: gateway.Schema, BaseVersion: 5, BaseHash: v5.Hash(), Version: 6, Keys: gateway.Changes[gateway.Key]{Delete: []string{"k000004"}}}
	v6, err := v5.Derive(&d2)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := gateway.NewState(6, deref(v6.Routes()), deref(v6.Plans()), deref(v6.Keys()))
	if err != nil {
		t.Fatal(err)
	}
	if v6.Schema() != gateway.Schema || v6.Hash() != fresh.Hash() || v6.Hash() != specHash(v6) {
		t.Fatalf("after a schema-2 delta: schema %d, hash %s, want %s", v6.Schema(), v6.Hash(), fresh.Hash())
	}
	if _, err := gateway.DecodeSnapshot(bytes.Replace(st.EncodeSnapshot(), []byte(`"schema":2`), []byte(`"schema":3`), 1), gateway.DefaultLimits); err == nil || !strings.Contains(err.Error(), "schema 3 is not supported") {
		t.Fatalf("schema 3: %v", err)
	}
}
