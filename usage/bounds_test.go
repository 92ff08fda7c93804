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

// A node whose clock runs ahead (minutes or years) has its points counted
// in the portal's current minute: the series up to now shows them, the
// answer says how many were ahead, and the daily quota counts them today.
func TestIngestCountsPointsAheadInTheCurrentMinute(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		cur := f.now.Truncate(time.Minute)
		points := []gateway.UsagePoint{
			point(f.sub, f.kid, cur.Add(5*time.Minute), 2, 0, 0, time.Millisecond),
			point(f.sub, f.kid, time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), 3, 0, 0, time.Millisecond),
			point(f.sub, f.kid, cur, 1, 0, 0, time.Millisecond),
		}
		res, err := f.svc.Ingest(ctx, "node-a", &gateway.UsageBatch{ID: "b-1", Points: points})
		if err != nil {
			t.Fatal(err)
		}
		if res.Points != 3 || res.Ahead != 2 {
			t.Errorf("ingest: %+v, want 3 points of which 2 ahead", res)
		}
		ser, err := f.svc.Series(ctx, f.maint, usage.Query{API: "pets", From: f.now.Add(-time.Hour), To: f.now.Add(time.Minute), Step: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		if len(ser.Points) != 1 || ser.Points[0].Requests != 6 || !ser.Points[0].T.Equal(cur) {
			t.Fatalf("series: %+v, want the 6 requests in the current minute", ser.Points)
		}
		var later int64
		if err := s.DB().NewSelect().Table("usage_rollups").ColumnExpr("count(*)").Where("t > ?", cur.Unix()).Scan(ctx, &later); err != nil {
			t.Fatal(err)
		}
		if later != 0 {
			t.Errorf("%d usage rows dated after the current minute, want none", later)
		}
		again, err := f.svc.Ingest(ctx, "node-a", &gateway.UsageBatch{ID: "b-1", Points: points})
		if err != nil || !again.Duplicate || again.Ahead != 0 {
			t.Errorf("the batch again: %+v %v, want a duplicate that counted nothing", again, err)
		}
	})
}
