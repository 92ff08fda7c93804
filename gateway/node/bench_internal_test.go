package node

import (
	"log/slog"
	"testing"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/gatewaytest"
)

// BenchmarkInstallOneKeyChange is a key revocation reaching a node at 10,000
// routes and 50,000 keys, as the sync loop handles it: decode the wire
// delta, apply it and check the hash, swap, append it to the last-known-good
// journal with fsync (and, every so many changes, the background snapshot
// that shortens the journal).
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
	log := slog.New(slog.DiscardHandler)
	var s syncState
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		cur, _ := src.Snapshot(b.Context())
		k, _ := cur.Key("k000001")
		c := *k
		c.App = "app-" + string(rune('a'+i%26))
		if _, err := src.Change(gateway.Delta{Keys: gateway.Changes[gateway.Key]{Upsert: []gateway.Key{c}}}); err != nil {
			b.Fatal(err)
		}
		d, ok, err := src.DeltaSince(b.Context(), n.Current().Head())
		if err != nil || !ok {
			b.Fatal("no delta", err)
		}
		body := d.Encode()
		b.StartTimer()
		n.receiveDelta(body, &s, log)
		if s.typ != gateway.MsgAck || n.Current().Version() != d.Version {
			b.Fatalf("not applied: %+v", s.rejected)
		}
	}
}
