package handlers_test

import (
	"encoding/csv"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
)

// TestUsageCSVHasTheAPIsLatencies: the CSV download is the same series as
// GET /api/v1/usage, latencies included: the API gives them to two
// decimals, and the CSV wrote one.
func TestUsageCSVHasTheAPIsLatencies(t *testing.T) {
	e := newLCEnv(t)
	id := usageFixture(t, e)
	minute := time.Now().UTC().Add(-20 * time.Minute).Truncate(time.Minute)
	// 3 requests under 1 ms and 4 of 2 to 5 ms: the quantiles fall
	// inside buckets, at hundredths of a millisecond.
	l := make([]int64, gateway.LatencyBuckets)
	l[0], l[2] = 3, 4
	batch := gateway.UsageBatch{ID: "b1", Points: []gateway.UsagePoint{
		{Minute: minute.Unix(), Subscription: id, Key: "k1", API: "pets/v1", S2xx: 7, Latency: l, BytesOut: 100},
	}}
	e.call("POST", gateway.UsagePath, "node", batch, 200)

	series := e.call("GET", "/api/v1/usage?api=pets&subscription="+id, "outsider", nil, 200)
	want := map[string][]string{}
	points, _ := series["points"].([]any)
	for _, p := range points {
		p := p.(map[string]any)
		var ms []string
		for _, k := range []string{"p50_ms", "p95_ms", "p99_ms"} {
			ms = append(ms, strconv.FormatFloat(p[k].(float64), 'f', -1, 64))
		}
		want[p["t"].(string)] = ms
	}
	if len(want) != 1 {
		t.Fatalf("the API's series has %d points with traffic: %v", len(want), series)
	}

	b := e.browser()
	b.login("outsider")
	res := b.get("/subscriptions/" + id + "/usage?range=24h&format=csv")
	if res.StatusCode != 200 {
		t.Fatalf("csv: status %d", res.StatusCode)
	}
	recs, err := csv.NewReader(strings.NewReader(readAll(t, res))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 {
		t.Fatalf("csv rows %v, want a header and one step", recs)
	}
	row := recs[1]
	w, ok := want[row[0]]
	if !ok {
		t.Fatalf("csv step %s is not in the API's series %v", row[0], want)
	}
	if got := row[4:7]; strings.Join(got, ",") != strings.Join(w, ",") {
		t.Errorf("csv p50,p95,p99 = %v, the API's = %v", got, w)
	}
}
