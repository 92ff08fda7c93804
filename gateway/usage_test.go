package gateway_test

import (
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
)

// A node's usage of a route is accepted for every major a route may have,
// calendar versions (YYYYMMDD) included, and refused beyond them.
func TestUsageBatchRouteIDs(t *testing.T) {
	minute := time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC).Unix()
	for _, tt := range []struct {
		api string
		ok  bool
	}{
		{"ledger/v1", true},
		{"worldtimeapi/v20210109", true},
		{"cal/v99999999", true},
		{"cal/v100000000", false},
		{"ledger/v", false},
		{"ledger/vx", false},
	} {
		b := gateway.UsageBatch{ID: "b1", Points: []gateway.UsagePoint{{Minute: minute, Subscription: "1", Key: "k1", API: tt.api, S2xx: 1,
			Latency: make([]int64, gateway.LatencyBuckets)}}}
		if err := b.Validate(); (err == nil) != tt.ok {
			t.Errorf("api %q: got %v, want accepted %v", tt.api, err, tt.ok)
		}
	}
}
