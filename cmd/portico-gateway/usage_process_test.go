package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/gatewaytest"
)

// cutProxy stands between a node and the portal: it forwards everything
// while the portal is up and drops the connection (no answer at all, as an
// unreachable portal) while it is down. Armed, it lets the next usage
// batch reach the portal, kills the portal as soon as the portal has
// answered and drops that answer: the batch is counted but the node never
// learns it.
type cutProxy struct {
	p          *realPortal
	mu         sync.Mutex
	target     *url.URL // nil: the portal is down
	armed      bool
	lost       atomic.Int32 // answers to usage batches dropped
	duplicates atomic.Int32 // the portal answered "duplicate"
	batches    atomic.Int32 // usage batches the portal ingested
}

func (c *cutProxy) setTarget(raw string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.target = nil
	if raw != "" {
		c.target, _ = url.Parse(raw)
	}
}

func (c *cutProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	target, loseAnswer := c.target, c.armed && r.URL.Path == gateway.UsagePath
	if loseAnswer {
		c.armed = false
	}
	c.mu.Unlock()
	if target == nil {
		panic(http.ErrAbortHandler) // connection closed without an answer
	}
	rp := &httputil.ReverseProxy{
		Rewrite:       func(pr *httputil.ProxyRequest) { pr.SetURL(target) },
		FlushInterval: -1,
		ErrorHandler:  func(http.ResponseWriter, *http.Request, error) { panic(http.ErrAbortHandler) },
		ModifyResponse: func(resp *http.Response) error {
			if resp.Request.URL.Path != gateway.UsagePath {
				return nil
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				return err
			}
			resp.Body = io.NopCloser(bytes.NewReader(body))
			if resp.StatusCode == 200 {
				c.batches.Add(1)
				if strings.Contains(string(body), `"duplicate":true`) {
					c.duplicates.Add(1)
				}
			}
			if loseAnswer {
				// The portal has committed the batch: it dies now, and
				// the node never hears back.
				c.setTarget("")
				c.p.stop()
				c.lost.Add(1)
				return fmt.Errorf("answer dropped")
			}
			return nil
		},
	}
	rp.ServeHTTP(w, r)
}

// TestUsageCountedOnceAcrossAPortalOutage: a node reports usage through a
// proxy that can cut it off from a real portal. Requests before the
// outage are counted; the batch the portal ingested just before it died
// (its answer lost) and the batches of the requests served while it was
// down stay in the node's spool, reach the restarted portal, and the
// subscription's usage (GET /api/v1/usage) is exactly the number of
// requests served: none lost, none counted twice.
func TestUsageCountedOnceAcrossAPortalOutage(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "upstream "+r.URL.Path)
	}))
	t.Cleanup(upstream.Close)

	p := startRealPortal(t)
	token := strings.TrimSpace(p.portico("gateway-node", "create", "--name", "node-cut"))
	subs := p.call("GET", "/api/v1/subscriptions?role=consumer&state=active", "emma", nil, 200)["subscriptions"].([]any)
	if len(subs) == 0 {
		t.Fatal("the demo has no active subscription of commerce")
	}
	sub := subs[0].(map[string]any)
	api, major := sub["api"].(string), int(sub["major"].(float64))
	p.call("PUT", fmt.Sprintf("/api/v1/apis/%s/gateway/%d", api, major), "ada", map[string]any{"targets": []string{upstream.URL}}, 201)
	p.call("PATCH", fmt.Sprintf("/api/v1/apis/%s/plans/%v", api, sub["plan"]), "ada", map[string]any{"rate_per_minute": 60000, "burst": 1000}, 200)
	key := p.call("POST", fmt.Sprintf("/api/v1/subscriptions/%v/keys", sub["id"]), "emma", map[string]any{"name": "usage test"}, 201)["key"].(string)

	cut := &cutProxy{p: p}
	cut.setTarget(p.url)
	proxy := httptest.NewServer(cut)
	t.Cleanup(proxy.Close)
	dir := t.TempDir()
	spoolDir := filepath.Join(dir, "usage-spool")
	n := startProc(t, proxy.URL, token, dir, "--usage-interval", "1s")
	path := fmt.Sprintf("/%s/v%d/usage-test", api, major)
	within(t, time.Now(), 10*time.Second, path, key, 200, n)

	from := time.Now().Add(-10 * time.Minute).UTC()
	counted := func() int64 {
		t.Helper()
		q := url.Values{"subscription": {fmt.Sprint(sub["id"])}, "from": {from.Format(time.RFC3339)},
			"to": {time.Now().Add(10 * time.Minute).UTC().Format(time.RFC3339)}, "step": {"60"}}
		res := p.call("GET", "/api/v1/usage?"+q.Encode(), "emma", nil, 200)
		var sum int64
		for _, pt := range res["points"].([]any) {
			sum += int64(pt.(map[string]any)["requests"].(float64))
		}
		return sum
	}
	var served int64
	send := func(k int) {
		t.Helper()
		for range k {
			if got, _ := n.status(t, path, key); got != 200 {
				t.Fatalf("%s answers %d, want 200:\n%s", path, got, n.out)
			}
			served++
		}
	}
	spooled := func() int {
		entries, _ := os.ReadDir(spoolDir)
		k := 0
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".json") {
				k++
			}
		}
		return k
	}

	// Before the outage: the requests are counted within seconds (the
	// request of within() counts too).
	send(40)
	if !gatewaytest.Eventually(15*time.Second, func() bool { return counted() == served+1 }) {
		t.Fatalf("before the outage the portal counts %d requests, want %d", counted(), served+1)
	}
	served++

	// The next batch reaches the portal, which commits it and dies before
	// its answer reaches the node.
	cut.mu.Lock()
	cut.armed = true
	cut.mu.Unlock()
	send(25)
	if !gatewaytest.Eventually(15*time.Second, func() bool { return cut.lost.Load() == 1 }) {
		t.Fatalf("no usage batch was sent after the proxy was armed:\n%s", n.out)
	}
	// While the portal is down the node serves from its configuration and
	// keeps what it counts on disk, with the batch whose answer it lost.
	send(35)
	if !gatewaytest.Eventually(15*time.Second, func() bool { return spooled() >= 2 }) {
		t.Fatalf("%d batches in the spool during the outage, want the unanswered one and the outage's", spooled())
	}
	time.Sleep(1500 * time.Millisecond) // the node retries against the dead portal at least once
	if spooled() < 2 {
		t.Fatalf("the spool emptied while the portal was down")
	}

	// The portal comes back: the spool drains and every request is
	// counted once: the batch it had already ingested is answered as a
	// duplicate.
	p.serve()
	cut.setTarget(p.url)
	if !gatewaytest.Eventually(30*time.Second, func() bool { return spooled() == 0 && counted() >= served }) {
		t.Fatalf("after the outage the portal counts %d requests, want %d; %d batches still spooled:\n%s", counted(), served, spooled(), n.out)
	}
	time.Sleep(2500 * time.Millisecond) // more intervals: nothing more arrives
	if got := counted(); got != served {
		t.Errorf("the portal counts %d requests, want %d: each exactly once", got, served)
	}
	if cut.duplicates.Load() < 1 {
		t.Errorf("the batch whose answer was lost was not sent again (no duplicate answer among %d batches)", cut.batches.Load())
	}
	if !t.Failed() {
		t.Logf("%d requests counted once across the outage; %d batches ingested, %d answered as duplicates", served, cut.batches.Load(), cut.duplicates.Load())
	}
}
