package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"time"
)

// UsagePath is where a node sends its usage batches (POST, with its token).
const UsagePath = "/api/v1/gateway/usage"

// LatencyBoundsMS are the upper bounds (milliseconds, inclusive) of the
// latency histogram buckets of usage reports; a last bucket holds the
// slower requests. The buckets are fixed so that reports of any node and
// minute add up.
var LatencyBoundsMS = [...]float64{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000}

// LatencyBuckets is the number of buckets: one per bound and one beyond.
const LatencyBuckets = len(LatencyBoundsMS) + 1

// LatencyBucket is the bucket of a request that took d.
func LatencyBucket(d time.Duration) int {
	ms := float64(d) / float64(time.Millisecond)
	for i, b := range LatencyBoundsMS {
		if ms <= b {
			return i
		}
	}
	return len(LatencyBoundsMS)
}

// Quantile estimates the q-quantile (0 < q ≤ 1) in milliseconds of the
// requests counted in buckets, by linear interpolation inside the bucket
// that holds it; requests beyond the last bound count at that bound. It is
// 0 without requests.
func Quantile(buckets []int64, q float64) float64 {
	var total int64
	for _, n := range buckets {
		total += n
	}
	if total == 0 {
		return 0
	}
	rank := q * float64(total)
	var seen int64
	for i, n := range buckets {
		if n == 0 {
			continue
		}
		if float64(seen+n) >= rank {
			if i >= len(LatencyBoundsMS) {
				return LatencyBoundsMS[len(LatencyBoundsMS)-1]
			}
			lo := 0.0
			if i > 0 {
				lo = LatencyBoundsMS[i-1]
			}
			hi := LatencyBoundsMS[i]
			frac := (rank - float64(seen)) / float64(n)
			return math.Round((lo+(hi-lo)*frac)*100) / 100
		}
		seen += n
	}
	return LatencyBoundsMS[len(LatencyBoundsMS)-1]
}

// UsagePoint is one minute of one key's traffic on one node.
type UsagePoint struct {
	// Minute is the minute's start, Unix seconds (a multiple of 60).
	Minute       int64  `json:"minute"`
	Subscription string `json:"subscription"`
	Key          string `json:"key"`
	// API is the route id, {api}/v{major}.
	API string `json:"api"`
	// Requests by status class; 429 is apart from the other 4xx.
	S2xx int64 `json:"s2xx,omitempty"`
	S3xx int64 `json:"s3xx,omitempty"`
	S4xx int64 `json:"s4xx,omitempty"`
	S429 int64 `json:"s429,omitempty"`
	S5xx int64 `json:"s5xx,omitempty"`
	// Latency counts requests per LatencyBoundsMS bucket (LatencyBuckets).
	Latency  []int64 `json:"latency"`
	BytesIn  int64   `json:"bytes_in,omitempty"`
	BytesOut int64   `json:"bytes_out,omitempty"`
}

// Requests is the point's number of requests.
func (p UsagePoint) Requests() int64 { return p.S2xx + p.S3xx + p.S4xx + p.S429 + p.S5xx }

// UsageBatch is what a node sends: points of several minutes, under an id
// unique on that node, so the portal counts a batch sent twice once.
type UsageBatch struct {
	ID     string       `json:"id"`
	Points []UsagePoint `json:"points"`
}

// Bounds on a usage batch.
const (
	MaxUsageBatchBytes  = 8 << 20
	MaxUsageBatchPoints = 20_000
	// MaxPointRequests bounds each count of requests of a point (a minute
	// of one key on one node: 71 million a second) and MaxPointBytes its
	// byte counts, so that the portal's sums of points and batches cannot
	// wrap past int64 into negative counts.
	MaxPointRequests = 1 << 32
	MaxPointBytes    = 1 << 48
)

// DecodeUsageBatch reads and checks a batch of at most MaxUsageBatchBytes:
// one JSON document, data after it refused. Fields it does not know are
// ignored: nodes are upgraded before the portals, so a batch may come from
// a newer node, and refusing it would lose its counts (the node drops a
// refused batch). A node adds only fields an older portal may ignore.
func DecodeUsageBatch(r io.Reader) (*UsageBatch, error) {
	body, err := io.ReadAll(io.LimitReader(r, MaxUsageBatchBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading the batch: %w", err)
	}
	if len(body) > MaxUsageBatchBytes {
		return nil, fmt.Errorf("the batch is larger than %d bytes", MaxUsageBatchBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var b UsageBatch
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("the batch is not valid JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("the batch is not valid JSON: data after the batch")
	}
	if err := b.Validate(); err != nil {
		return nil, err
	}
	return &b, nil
}

// Validate checks the batch's bounds and each point.
func (b *UsageBatch) Validate() error {
	if !validID(b.ID) {
		return fmt.Errorf("batch id must be 1 to %d printable characters without spaces, quotes or slashes", maxIDLen)
	}
	if len(b.Points) > MaxUsageBatchPoints {
		return fmt.Errorf("a batch holds at most %d points", MaxUsageBatchPoints)
	}
	for i, p := range b.Points {
		switch {
		case p.Minute <= 0 || p.Minute%60 != 0:
			return fmt.Errorf("point %d: minute must be a positive Unix time at the start of a minute", i)
		case !validID(p.Subscription) || !validID(p.Key):
			return fmt.Errorf("point %d: subscription and key must be ids", i)
		case !validAPIRoute(p.API):
			return fmt.Errorf("point %d: api must be a route id such as ledger/v1", i)
		case len(p.Latency) != LatencyBuckets:
			return fmt.Errorf("point %d: latency must have %d buckets", i, LatencyBuckets)
		case p.S2xx < 0 || p.S3xx < 0 || p.S4xx < 0 || p.S429 < 0 || p.S5xx < 0 || p.BytesIn < 0 || p.BytesOut < 0:
			return fmt.Errorf("point %d: counts must not be negative", i)
		case p.S2xx > MaxPointRequests || p.S3xx > MaxPointRequests || p.S4xx > MaxPointRequests || p.S429 > MaxPointRequests || p.S5xx > MaxPointRequests:
			return fmt.Errorf("point %d: a count of requests must be at most %d", i, int64(MaxPointRequests))
		case p.BytesIn > MaxPointBytes || p.BytesOut > MaxPointBytes:
			return fmt.Errorf("point %d: a count of bytes must be at most %d", i, int64(MaxPointBytes))
		}
		for _, n := range p.Latency {
			if n < 0 {
				return fmt.Errorf("point %d: counts must not be negative", i)
			}
			if n > 5*MaxPointRequests {
				return fmt.Errorf("point %d: a latency count must be at most %d", i, int64(5*MaxPointRequests))
			}
		}
	}
	return nil
}

// validAPIRoute accepts a route id: {slug}/v{major}, the major of at most
// eight digits (MaxMajor).
func validAPIRoute(s string) bool {
	i := bytes.LastIndex([]byte(s), []byte("/v"))
	if i <= 0 || !ValidSlug(s[:i]) || len(s) == i+2 || len(s) > i+2+8 {
		return false
	}
	for _, c := range s[i+2:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
