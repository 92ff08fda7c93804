package node

import (
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"testing"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/gatewaytest"
)

// A delta that would grow the configuration past the node's limits is
// refused like a snapshot over them: accepted, it would be served and
// saved, and the node would then refuse its own last-known-good when it
// starts (its snapshot, once compacted, over the limits it loads with).
func TestDeltaPastTheLimitsIsRefused(t *testing.T) {
	st, err := gatewaytest.State(1, gatewaytest.Config{APIs: 3, Keys: 20, Upstream: "http://10.0.0.1:8080/api", RatePerMinute: 60})
	if err != nil {
		t.Fatal(err)
	}
	_, _, keys := st.Counts()
	lim := gateway.DefaultLimits
	lim.MaxKeys = keys
	n := New(Options{DataDir: t.TempDir(), Limits: lim})
	if err := n.Install(st); err != nil {
		t.Fatal(err)
	}
	src := gatewaytest.NewSource(st)
	k, ok := st.Key("k000001")
	if !ok {
		t.Fatal("no key k000001 in the fixture")
	}
	more := *k
	sum := sha256.Sum256([]byte("ptk_one_more"))
	more.ID, more.Hash = "k-one-more", hex.EncodeToString(sum[:])
	if _, err := src.Change(gateway.Delta{Keys: gateway.Changes[gateway.Key]{Upsert: []gateway.Key{more}}}); err != nil {
		t.Fatal(err)
	}
	d, ok, err := src.DeltaSince(t.Context(), n.Current().Head())
	if err != nil || !ok {
		t.Fatal("no delta", err)
	}
	var s syncState
	n.receiveDelta(d.Encode(), &s, slog.New(slog.DiscardHandler))
	if s.typ != gateway.MsgNack || s.rejected == nil {
		t.Fatalf("a delta to %d keys on a node that holds at most %d: got %q, want a refusal", keys+1, keys, s.typ)
	}
	if got := n.Current().Head(); got != st.Head() {
		t.Errorf("served after the refusal: version %d, want %d kept", got.Version, st.Version())
	}
	t.Logf("refused: %s", s.rejected.Reason)
}
