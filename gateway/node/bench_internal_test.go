package node

import (
	"testing"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/gatewaytest"
)

// BenchmarkInstallOneKeyChange is a key revocation on a node at 10,000 routes
// and 50,000 keys: prepare the routes, swap, write the last-known-good file.
func BenchmarkInstallOneKeyChange(b *testing.B) {
	st, err := gatewaytest.State(1, gatewaytest.Config{APIs: 10_000, Keys: 50_000, Upstream: "http://10.0.0.1:8080/api", RatePerMinute: 600})
	if err != nil {
		b.Fatal(err)
	}
	n := New(Options{DataDir: b.TempDir()})
	if err := n.Install(st); err != nil {
		b.Fatal(err)
	}
	src := gatewaytest.NewSource(st)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		cur, _ := src.Snapshot(b.Context())
		k, _ := cur.Key("k000001")
		c := *k
		c.App = "app-" + string(rune('a'+i%26))
		next, err := src.Change(gateway.Delta{Keys: gateway.Changes[gateway.Key]{Upsert: []gateway.Key{c}}})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := n.Install(next); err != nil {
			b.Fatal(err)
		}
	}
}
