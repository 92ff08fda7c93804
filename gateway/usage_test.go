package gateway_test

import (
	"strings"
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

// A batch is one JSON document, as a snapshot is: anything after it (a
// second batch, stray bytes) refuses the whole body rather than counting
// the first document and dropping the rest unseen.
func TestDecodeUsageBatchTrailingData(t *testing.T) {
	one := `{"id":"b1","points":[]}`
	for _, tt := range []struct {
		name, body string
		ok         bool
	}{
		{"one batch", one, true},
		{"one batch and white space", one + " \n\t", true},
		{"two batches", one + `{"id":"b2","points":[]}`, false},
		{"stray bytes", one + " x", false},
		{"a second value", one + " 1", false},
		{"a closing brace too many", one + "}", false},
	} {
		_, err := gateway.DecodeUsageBatch(strings.NewReader(tt.body))
		if (err == nil) != tt.ok {
			t.Errorf("%s: got %v, want accepted %v", tt.name, err, tt.ok)
		}
		if err != nil && !tt.ok && !strings.Contains(err.Error(), "data after the batch") {
			t.Errorf("%s: %v, want it to say there is data after the batch", tt.name, err)
		}
	}
}
