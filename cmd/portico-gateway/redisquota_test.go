package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/gatewaytest"
	"github.com/portico-dev/portico/gateway/push"
)

// quotaCountsApplied reports whether the node's log says it applied the
// portal's quota counts of revision rev.
func quotaCountsApplied(p *proc, rev string) bool {
	for line := range strings.Lines(p.out.String()) {
		var l struct {
			Msg      string `json:"msg"`
			Revision string `json:"revision"`
		}
		if json.Unmarshal([]byte(line), &l) == nil && l.Msg == "quota counts applied" && l.Revision == rev {
			return true
		}
	}
	return false
}

// TestRedisRestartedEmptyKeepsTheDaysQuota: two real nodes share a daily
// quota in a redis-server of the test's own, and a portal counts their
// usage reports and pushes the counts to them, as the portal does. Once the
// subscription is over its quota and the portal's counts reached both
// nodes, Redis is restarted without its data: the nodes keep refusing the
// subscription (Redis's counter is raised to the portal's count by the
// first call for it), where they used to accept a whole quota again.
func TestRedisRestartedEmptyKeepsTheDaysQuota(t *testing.T) {
	rs := startRedisServer(t)
	gatewaytest.ClearOfMidnight(t, 2*time.Minute)
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	t.Cleanup(upstream.Close)
	const quota = 20
	sub := "s-quota"
	st, err := gateway.NewState(1,
		[]gateway.Route{{API: "ledger", Major: 1, Targets: []string{upstream.URL}, State: gateway.StatePublished}},
		[]gateway.Plan{{ID: "daily", DailyQuota: quota}},
		[]gateway.Key{{ID: "kq", Hash: gateway.HashKey("ptk_kq_secret"), Subscription: sub, Team: "t", App: "a", API: "ledger", Major: 1, Plan: "daily", State: gateway.KeyActive}})
	if err != nil {
		t.Fatal(err)
	}

	// The portal: the sync protocol through the real hub, with quota
	// counts made from the nodes' usage reports.
	counts := gatewaytest.NewQuotas()
	hub := push.NewHub(gatewaytest.NewSource(st), push.Options{MaxWait: 5 * time.Second, Quotas: counts})
	auth := gatewaytest.Tokens{"tok-a": "node-a", "tok-b": "node-b"}
	mux := http.NewServeMux()
	mux.Handle(gateway.SyncPath, hub.Handler(auth))
	mux.Handle(gateway.UsagePath, gatewaytest.UsageHandler(auth, counts))
	portal := httptest.NewServer(mux)
	t.Cleanup(portal.Close)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go hub.Run(ctx, 100*time.Millisecond)

	// 5 s per Redis call: on a busy machine a slower call would be decided
	// by the node's own limits, which is not what this test is about.
	args := []string{"--redis-url", rs.url(), "--redis-timeout", "5s", "--usage-interval", "1s"}
	a := startProc(t, portal.URL, "tok-a", t.TempDir(), args...)
	b := startProc(t, portal.URL, "tok-b", t.TempDir(), args...)
	nodes := []*proc{a, b}
	within(t, time.Now(), 10*time.Second, "/ledger/v1/x", "", 401, a, b)

	send := func(n *proc) int {
		code, _ := n.status(t, "/ledger/v1/x", "ptk_kq_secret")
		if code != 200 && code != 429 {
			t.Fatalf("a request answered %d:\n%s", code, n.out)
		}
		return code
	}
	accepted := 0
	for i := range quota + 10 {
		if send(nodes[i%2]) == 200 {
			accepted++
		}
	}
	if accepted != quota {
		t.Fatalf("the two nodes accepted %d of %d requests, want the quota (%d) exactly", accepted, quota+10, quota)
	}

	// The portal counts the nodes' reports and pushes the counts.
	if !gatewaytest.Eventually(20*time.Second, func() bool { return counts.Used(sub) == quota }) {
		t.Fatalf("the portal counted %d of the subscription's %d accepted requests", counts.Used(sub), quota)
	}
	rev, _ := counts.QuotaRevision(ctx)
	for _, n := range nodes {
		if !gatewaytest.Eventually(20*time.Second, func() bool { return quotaCountsApplied(n, rev) }) {
			t.Fatalf("node %s did not apply the portal's counts %s:\n%s", n.addr, rev, n.out)
		}
	}

	// Redis restarts without its data.
	rs.kill()
	rs.start(t)
	day := strconv.FormatInt(time.Now().Unix()/86400, 10)
	quotaKey := "portico:rl:{" + sub + "}:q:" + day
	if v, err := rs.do("EXISTS " + quotaKey); err != nil || v != ":0" {
		t.Fatalf("the restarted Redis holds the quota counter (%q, %v): it is not empty", v, err)
	}
	// Requests go on to both nodes until the counter is back in Redis and
	// for 3 s more: a node's first call may fail on its dead connection
	// (it then decides alone for a second, from the count Redis last gave
	// it), and a refusal is held a second without a call; after that each
	// node's requests call Redis. Nothing may be accepted.
	deadline := time.Now().Add(20 * time.Second)
	var seen time.Time
	sent := 0
	for ; seen.IsZero() || time.Since(seen) < 3*time.Second; sent++ {
		if time.Now().After(deadline) {
			t.Fatalf("after %d requests in 20 s, the nodes have not used the restarted Redis:\n%s\n%s", sent, a.out, b.out)
		}
		n := nodes[sent%2]
		if send(n) == 200 {
			v, _, _ := rs.get(quotaKey)
			t.Fatalf("with Redis restarted empty, node %s accepted request %d of a subscription the portal counts at its quota (Redis's counter now %q)", n.addr, sent+1, v)
		}
		if _, ok, _ := rs.get(quotaKey); ok && seen.IsZero() {
			seen = time.Now()
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, n := range nodes {
		if up := metricValue(t, n, "portico_gateway_ratelimit_redis_up"); up != 1 {
			t.Fatalf("node %s does not use the restarted Redis (redis_up %v):\n%s", n.addr, up, n.out)
		}
	}
	// The counter holds the portal's count, with the day's expiry.
	if v, ok, err := rs.get(quotaKey); err != nil || !ok || v != strconv.Itoa(quota) {
		t.Fatalf("the quota counter after the restart: %q (%v, %v), want the portal's %d", v, ok, err, quota)
	}
	exp, err := rs.do("EXPIRETIME " + quotaKey)
	d, _ := strconv.ParseInt(day, 10, 64)
	if want := ":" + strconv.FormatInt((d+1)*86400+3600, 10); err != nil || exp != want {
		t.Fatalf("the quota counter expires at %q (%v), want %s (an hour after the day)", exp, err, want)
	}
	t.Logf("after Redis restarted empty, the nodes refused all %d requests of the subscription over its quota", sent)
}

// get reads key's string value; ok is false when there is none.
func (r *redisServer) get(key string) (v string, ok bool, err error) {
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", r.port), time.Second)
	if err != nil {
		return "", false, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Second))
	if _, err := io.WriteString(c, "GET "+key+"\r\n"); err != nil {
		return "", false, err
	}
	br := bufio.NewReader(c)
	line, err := br.ReadString('\n')
	switch {
	case err != nil:
		return "", false, err
	case strings.HasPrefix(line, "$-1"):
		return "", false, nil
	case !strings.HasPrefix(line, "$"):
		return "", false, fmt.Errorf("redis: GET answered %q", strings.TrimSpace(line))
	}
	val, err := br.ReadString('\n')
	return strings.TrimSpace(val), err == nil, err
}
