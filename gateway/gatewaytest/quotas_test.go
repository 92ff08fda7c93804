package gatewaytest_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/gatewaytest"
)

// TestUsageHandler: the usage route of the tests' portals answers and
// counts as the portal's does.
func TestUsageHandler(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 30, 0, 0, time.UTC)
	counts := gatewaytest.NewQuotas()
	counts.Now = func() time.Time { return now }
	srv := httptest.NewServer(gatewaytest.UsageHandler(gatewaytest.Tokens{"tok-a": "node-a"}, counts))
	t.Cleanup(srv.Close)
	minute := now.Unix()
	batch, err := json.Marshal(gateway.UsageBatch{ID: "b1", Points: []gateway.UsagePoint{
		{Minute: minute, Subscription: "sub-1", Key: "k1", API: "ledger/v1", S2xx: 3, S429: 2, Latency: make([]int64, gateway.LatencyBuckets)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	post := func(token string, body []byte) int {
		t.Helper()
		req, err := http.NewRequest("POST", srv.URL+gateway.UsagePath, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	for _, tt := range []struct {
		what  string
		token string
		body  []byte
		code  int
		used  int64
	}{
		{"an unknown token", "tok-x", batch, 401, 0},
		{"no batch", "tok-a", []byte(`{"id":"b1","points":[{}]}`), 400, 0},
		{"a batch", "tok-a", batch, 200, 3}, // a 429 does not count
		{"the batch again", "tok-a", batch, 200, 3},
	} {
		if code := post(tt.token, tt.body); code != tt.code {
			t.Errorf("%s: answered %d, want %d", tt.what, code, tt.code)
		}
		if used := counts.Used("sub-1"); used != tt.used {
			t.Errorf("after %s: used %d, want %d", tt.what, used, tt.used)
		}
	}
}
