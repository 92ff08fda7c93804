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

// TestDecodeUsageBatchIgnoresANewerNodesFields: nodes are upgraded before
// the portals, so a portal reads the batches of newer nodes. A field it
// does not know is ignored, and the counts it knows are taken, rather than
// the whole batch refused (which the node drops as invalid: a minute's
// usage lost for a field the portal did not need).
func TestDecodeUsageBatchIgnoresANewerNodesFields(t *testing.T) {
	body := `{"id":"b1","node":"edge-9","points":[{"minute":1796540400,"subscription":"1","key":"k1","api":"ledger/v1","s2xx":4,"s1xx":2,` +
		`"latency":[4,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}]}`
	b, err := gateway.DecodeUsageBatch(strings.NewReader(body))
	if err != nil {
		t.Fatalf("a newer node's batch: %v; want it read", err)
	}
	if b.ID != "b1" || len(b.Points) != 1 || b.Points[0].S2xx != 4 || b.Points[0].API != "ledger/v1" {
		t.Fatalf("a newer node's batch read as %+v", b)
	}
}
