package gateway_test

import (
	"testing"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/gatewaytest"
)

// The scale Portico is built for: 10,000 APIs and 50,000 subscriptions' keys.
var scale = gatewaytest.Config{APIs: 10_000, Keys: 50_000, Upstream: "http://10.0.0.1:8080/api", RatePerMinute: 600, Burst: 50}

// BenchmarkNewState is the in-memory part of a compile: validate, encode,
// sort and hash 10,000 routes and 50,000 keys.
func BenchmarkNewState(b *testing.B) {
	routes, plans, keys := gatewaytest.Items(scale)
	b.ResetTimer()
	for b.Loop() {
		if _, err := gateway.NewState(1, routes, plans, keys); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeSnapshot is what a node does with a full snapshot.
func BenchmarkDecodeSnapshot(b *testing.B) {
	st, err := gatewaytest.State(1, scale)
	if err != nil {
		b.Fatal(err)
	}
	enc := st.EncodeSnapshot()
	b.ResetTimer()
	for b.Loop() {
		if _, err := gateway.DecodeSnapshot(enc, gateway.DefaultLimits); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(enc))/(1<<20), "MiB")
}

// BenchmarkApplyOneKeyDelta is what a node does with a key revocation.
func BenchmarkApplyOneKeyDelta(b *testing.B) {
	st, err := gatewaytest.State(1, scale)
	if err != nil {
		b.Fatal(err)
	}
	src := gatewaytest.NewSource(st)
	k, _ := st.Key("k012345")
	revoked := *k
	revoked.State = gateway.KeyRevoked
	src.Change(gateway.Delta{Keys: gateway.Changes[gateway.Key]{Upsert: []gateway.Key{revoked}}})
	d, _, _ := src.DeltaSince(b.Context(), st.Head())
	enc := d.Encode()
	b.ResetTimer()
	for b.Loop() {
		d, err := gateway.DecodeDelta(enc, gateway.DefaultLimits)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := st.Apply(d); err != nil {
			b.Fatal(err)
		}
	}
}
