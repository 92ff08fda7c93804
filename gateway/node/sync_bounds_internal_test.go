package node

import (
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/gatewaytest"
)

// TestSyncRequestStaysWithinThePortalsBounds: what a node reports (a
// refusal's reason and hash, its own error) is cut to what the portal
// accepts. A reason cut in the middle of a character arrived as one more
// (U+FFFD) than allowed, the portal answered 422, and the node sent the same
// refusal again on every retry: it never synced again.
func TestSyncRequestStaysWithinThePortalsBounds(t *testing.T) {
	n := New(Options{DataDir: t.TempDir()})
	log := slog.New(slog.DiscardHandler)
	long := strings.Repeat("a", 1999) + "été refusé"
	for _, tc := range []struct {
		name  string
		r     gateway.Rejection
		error error
	}{
		{"a reason cut in a character", gateway.Rejection{Version: 3, Hash: strings.Repeat("ab", 32), Full: true, Reason: long}, nil},
		{"an error cut in a character", gateway.Rejection{}, errors.New(long)},
		{"a hash that is not one", gateway.Rejection{Version: 3, Hash: "NOT-A-HASH", Full: true, Reason: "snapshot hash must be 64 lowercase hex digits"}, nil},
		{"invalid UTF-8", gateway.Rejection{Version: 3, Reason: strings.Repeat("\xff", 1990)}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s syncState
			if tc.r.Version != 0 {
				n.reject(&s, tc.r, log)
			}
			n.applyMu.Lock()
			n.persistErr = tc.error
			n.applyMu.Unlock()
			b, err := json.Marshal(n.syncRequest(&s, time.Now()))
			if err != nil {
				t.Fatal(err)
			}
			var got gateway.SyncRequest
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if got.Type == "" {
				got.Type = gateway.MsgPoll
			}
			if err := got.Validate(); err != nil {
				t.Fatalf("the portal refuses the node's request: %v", err)
			}
		})
	}
}

// TestLeadingHeadOfACutAnswer: the head of an answer cut at the node's
// size limit is read from its start, the delta's own version and hash
// rather than its base's.
func TestLeadingHeadOfACutAnswer(t *testing.T) {
	base, err := gateway.NewState(3, nil, []gateway.Plan{{ID: "free", RatePerMinute: 60}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	src := gatewaytest.NewSource(base)
	next, err := src.Change(gateway.Delta{Plans: gateway.Changes[gateway.Plan]{Upsert: []gateway.Plan{{ID: "more", RatePerMinute: 6}}}})
	if err != nil {
		t.Fatal(err)
	}
	d, ok, err := src.DeltaSince(t.Context(), base.Head())
	if err != nil || !ok {
		t.Fatal("no delta", err)
	}
	for name, tc := range map[string]struct {
		enc  []byte
		want gateway.Head
	}{
		"snapshot": {base.EncodeSnapshot(), base.Head()},
		"delta":    {d.Encode(), next.Head()},
	} {
		cut := tc.enc[:len(tc.enc)-5]
		if got := leadingHead(cut); got != tc.want {
			t.Errorf("%s: got %+v, want %+v", name, got, tc.want)
		}
	}
	if got := leadingHead([]byte("not json")); got != (gateway.Head{}) {
		t.Errorf("not json: got %+v, want nothing", got)
	}
}
