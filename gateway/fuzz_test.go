package gateway_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/gatewaytest"
)

var fuzzLimits = gateway.Limits{MaxBytes: 1 << 20, MaxRoutes: 100, MaxPlans: 100, MaxKeys: 1000}

// FuzzDecodeSnapshot: no input panics, and whatever decodes re-encodes to a
// document that decodes to the same head.
func FuzzDecodeSnapshot(f *testing.F) {
	st := sample(f, 4)
	f.Add(st.EncodeSnapshot())
	small, _ := gateway.NewState(1, nil, nil, nil)
	f.Add(small.EncodeSnapshot())
	f.Add([]byte(`{"schema":1,"version":1,"hash":"","routes":[{"targets":[[[[]]]]}]}`))
	f.Add([]byte(`{"schema":2}`))
	cors, err := gateway.NewState(2, []gateway.Route{
		{API: "ledger", Major: 1, Targets: []string{"http://127.0.0.1:9000"}, State: gateway.StatePublished, CORSOrigins: []string{"https://app.example.com", "http://localhost:3000"}},
		{API: "maps", Major: 2, Targets: []string{"http://127.0.0.1:9001"}, State: gateway.StatePublished, CORSOrigins: []string{gateway.AnyOrigin}},
	}, nil, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(cors.EncodeSnapshot())
	f.Add([]byte(`{"schema":2,"version":1,"hash":"","routes":[{"api":"a","major":1,"targets":["http://u"],"state":"published","cors_origins":["*","HTTPS://A"]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := gateway.DecodeSnapshot(data, fuzzLimits)
		if err != nil {
			return
		}
		enc := s.EncodeSnapshot()
		again, err := gateway.DecodeSnapshot(enc, fuzzLimits)
		if err != nil {
			t.Fatalf("a decoded snapshot does not decode again: %v", err)
		}
		if again.Head() != s.Head() || !bytes.Equal(again.EncodeSnapshot(), enc) {
			t.Fatal("re-encoding is not stable")
		}
	})
}

// FuzzApplyDelta: no delta panics, a base never changes, and an applied
// delta yields a state whose hash is the delta's and that Diff reproduces.
func FuzzApplyDelta(f *testing.F) {
	base := sample(f, 4)
	baseEnc := base.EncodeSnapshot()
	src := gatewaytest.NewSource(base)
	k, _ := base.Key("k000003")
	revoked := *k
	revoked.State = gateway.KeyRevoked
	src.Change(gateway.Delta{Keys: gateway.Changes[gateway.Key]{Upsert: []gateway.Key{revoked}, Delete: []string{"k000004", "absent"}}, Plans: gateway.Changes[gateway.Plan]{Upsert: []gateway.Plan{{ID: "gold", RatePerMinute: 1}}}})
	d, _, _ := src.DeltaSince(f.Context(), base.Head())
	f.Add(d.Encode())
	f.Add([]byte(`{"schema":1,"base_version":4,"base_hash":"` + base.Hash() + `","version":5,"hash":"` + base.Hash() + `"}`))
	r, _ := base.Route("api-0/v1")
	withCORS := *r
	withCORS.CORSOrigins = []string{"https://app.example.com"}
	src.Change(gateway.Delta{Routes: gateway.Changes[gateway.Route]{Upsert: []gateway.Route{withCORS}}})
	d, _, _ = src.DeltaSince(f.Context(), base.Head())
	f.Add(d.Encode())
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := gateway.DecodeDelta(data, fuzzLimits)
		if err != nil {
			return
		}
		got, err := base.Apply(d)
		if !bytes.Equal(base.EncodeSnapshot(), baseEnc) {
			t.Fatal("Apply changed its base")
		}
		if err != nil {
			return
		}
		if got.Hash() != d.Hash || got.Version() != d.Version {
			t.Fatalf("applied head %+v, delta says %d %s", got.Head(), d.Version, d.Hash)
		}
		again, err := base.Apply(gateway.Diff(base, got))
		if err != nil || again.Head() != got.Head() {
			t.Fatalf("Diff does not reproduce the applied state: %v", err)
		}
		if _, err := gateway.DecodeSnapshot(got.EncodeSnapshot(), gateway.DefaultLimits); err != nil {
			t.Fatalf("applied state does not decode: %v", err)
		}
	})
}

// FuzzCanonicalEncoding holds the hand-written encoders to encoding/json's
// output, for any field values.
func FuzzCanonicalEncoding(f *testing.F) {
	f.Add("ledger", 1, "http://a:1/x", 5, "deprecated", int64(1700000000), "2.0.0", "k1", "0123", "sub<&>", 3)
	f.Add("", 0, "", 0, "", int64(0), "", "", "", "\u2028\xff\"\\", -1)
	f.Fuzz(func(t *testing.T, api string, major int, target string, timeout int, state string, unix int64, successor, id, hash, text string, n int) {
		var tm time.Time
		if unix != 0 {
			tm = time.Unix(unix%253402300799, 0).UTC()
		}
		r := gateway.Route{API: api, Major: major, Targets: []string{target, text}, ConnectTimeoutMS: timeout, ResponseTimeoutMS: n, State: state, DeprecatedAt: tm, Sunset: tm, RetiredAt: tm, Successor: successor, SuccessorMajor: n}
		if target == "" {
			r.Targets = nil
		}
		if n%2 != 0 {
			r.CORSOrigins = []string{text, successor}
		}
		p := gateway.Plan{ID: id, RatePerMinute: n, Burst: timeout, DailyQuota: major}
		k := gateway.Key{ID: id, Hash: hash, Subscription: text, Team: api, App: successor, API: state, Major: major, Plan: target, ExpiresAt: tm, State: text}
		for _, v := range []any{r, p, k} {
			want, err := json.Marshal(v)
			if err != nil {
				continue
			}
			if got := gateway.CanonicalJSON(v); !bytes.Equal(got, want) {
				t.Fatalf("canonical\n%s\nencoding/json\n%s", got, want)
			}
		}
	})
}
