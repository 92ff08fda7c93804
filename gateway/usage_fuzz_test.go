package gateway_test

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/portico-dev/portico/gateway"
)

// FuzzDecodeUsageBatch reads arbitrary usage batches, as the portal reads
// what a node posts: a batch accepted has counts whose sums over the whole
// batch stay positive (no int64 wrap), latency quantiles within the
// buckets' bounds, and encodes to a batch that is accepted the same; a body
// accepted is one JSON document, nothing after it.
func FuzzDecodeUsageBatch(f *testing.F) {
	zeros := "[" + strings.TrimSuffix(strings.Repeat("0,", gateway.LatencyBuckets), ",") + "]"
	ones := "[" + strings.TrimSuffix(strings.Repeat("1,", gateway.LatencyBuckets), ",") + "]"
	for _, s := range []string{
		`{"id":"b1","points":[]}`,
		`{"id":"b1","points":[{"minute":60,"subscription":"s","key":"k","api":"ledger/v1","s2xx":3,"s429":1,"latency":` + ones + `,"bytes_in":10,"bytes_out":20}]}`,
		`{"id":"b2","points":[{"minute":120,"subscription":"s","key":"k","api":"a/v12345678","s5xx":4294967296,"latency":` + zeros + `,"bytes_out":281474976710656}]}`,
		`{"id":"b3","points":[{"minute":-60,"subscription":"s","key":"k","api":"a/v1","latency":[]}]}`,
		`{"id":"b4","extra":1}`,
		`{"id":"b5","points":null}{"id":"b6"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := gateway.DecodeUsageBatch(bytes.NewReader(data))
		if err != nil {
			return
		}
		if !json.Valid(data) {
			t.Fatalf("a body that is not one JSON document is accepted: %q", data)
		}
		var requests, bytesIn, latency int64
		for _, p := range b.Points {
			requests += p.Requests()
			bytesIn += p.BytesIn + p.BytesOut
			for _, n := range p.Latency {
				latency += n
			}
			for _, q := range []float64{0.5, 0.95, 0.99, 1} {
				v := gateway.Quantile(p.Latency, q)
				if math.IsNaN(v) || v < 0 || v > gateway.LatencyBoundsMS[len(gateway.LatencyBoundsMS)-1] {
					t.Fatalf("Quantile(%v, %v) = %v", p.Latency, q, v)
				}
			}
		}
		if requests < 0 || bytesIn < 0 || latency < 0 {
			t.Fatalf("the batch's sums wrapped: %d requests, %d bytes, %d latency counts", requests, bytesIn, latency)
		}
		enc, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		again, err := gateway.DecodeUsageBatch(bytes.NewReader(enc))
		if err != nil {
			t.Fatalf("an accepted batch, encoded again, is refused: %v\n%s", err, enc)
		}
		if a, _ := json.Marshal(again); !bytes.Equal(a, enc) {
			t.Fatalf("re-encoding is not stable:\n%s\n%s", enc, a)
		}
	})
}
