package usage_test

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
	"github.com/portico-dev/portico/usage"
)

// A node's counts that would wrap past int64 when the portal adds them up
// (two points of one minute and key, each over half of int64) are refused
// with a message, and nothing of the batch is stored; they used to be
// stored as a negative number of requests.
func TestIngestRefusesCountsThatWouldWrap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		m := f.now.Add(-10 * time.Minute)
		p := point(f.sub, f.kid, m, 1, 0, 0, time.Millisecond)
		p.S2xx = math.MaxInt64/2 + 1
		res, err := f.svc.Ingest(ctx, "node-a", &gateway.UsageBatch{ID: "b-1", Points: []gateway.UsagePoint{p, p}})
		if err == nil || !strings.Contains(err.Error(), "must be at most") {
			t.Fatalf("ingest: %+v %v, want a refusal naming the bound", res, err)
		}
		ser, err := f.svc.Series(ctx, f.maint, usage.Query{API: "pets", From: f.now.Add(-time.Hour), To: f.now, Step: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		if len(ser.Points) != 0 {
			t.Fatalf("points stored from a refused batch: %+v", ser.Points)
		}
		p.S2xx, p.BytesIn = 1, gateway.MaxPointBytes+1
		if _, err := f.svc.Ingest(ctx, "node-a", &gateway.UsageBatch{ID: "b-2", Points: []gateway.UsagePoint{p}}); err == nil {
			t.Fatal("a byte count over the bound was accepted")
		}
		p.BytesIn, p.S2xx = 10, gateway.MaxPointRequests
		p.Latency[0] = gateway.MaxPointRequests
		if _, err := f.svc.Ingest(ctx, "node-a", &gateway.UsageBatch{ID: "b-3", Points: []gateway.UsagePoint{p}}); err != nil {
			t.Fatalf("a count at the bound: %v", err)
		}
	})
}
