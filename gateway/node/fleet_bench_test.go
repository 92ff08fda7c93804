package node_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/gatewaytest"
	"github.com/portico-dev/portico/gateway/node"
	"github.com/portico-dev/portico/gateway/push"
)

// fleetSize reads a positive whole number from the environment, or def.
func fleetSize(b *testing.B, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		b.Fatalf("%s must be a positive whole number", name)
	}
	return n
}

// BenchmarkRevocationOnAFleet is a key revocation reaching a fleet of nodes:
// PORTICO_BENCH_NODES nodes (default 100), each run in this process with its
// own listeners and data directory, long-polling one hub over HTTP, all
// serving a configuration of PORTICO_BENCH_APIS APIs and PORTICO_BENCH_KEYS
// keys (defaults 10,000 and 50,000). Each operation revokes one key and waits
// until every node serves the new version; it reports the latency from the
// change to each node's swap, p50 and p99 over all nodes and operations,
// and the Go heap per node. The last revoked key is then refused by every
// node on its listener.
//
//	go test ./gateway/node -run '^$' -bench RevocationOnAFleet -benchtime 20x
func BenchmarkRevocationOnAFleet(b *testing.B) {
	nodes := fleetSize(b, "PORTICO_BENCH_NODES", 100)
	cfg := gatewaytest.Config{APIs: fleetSize(b, "PORTICO_BENCH_APIS", 10_000), Keys: fleetSize(b, "PORTICO_BENCH_KEYS", 50_000),
		Upstream: "http://127.0.0.1:9/", RatePerMinute: 600, Burst: 50}
	st, err := gatewaytest.State(1, cfg)
	if err != nil {
		b.Fatal(err)
	}
	src := gatewaytest.NewSource(st)
	hub := push.NewHub(src, push.Options{MaxWait: 20 * time.Second})
	src.Changed = func() { hub.Refresh(context.Background()) }
	toks := gatewaytest.Tokens{}
	for i := range nodes {
		toks["tok-"+strconv.Itoa(i)] = "node-" + strconv.Itoa(i)
	}
	srv := httptest.NewServer(hub.Handler(toks))
	defer srv.Close()

	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	fleet := make([]*node.Node, nodes)
	addrs := make([]string, nodes)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: nodes + 10}}
	for i := range fleet {
		n := node.New(node.Options{Portal: srv.URL, Token: "tok-" + strconv.Itoa(i), DataDir: b.TempDir(), Logger: quiet,
			Wait: 20 * time.Second, HTTPClient: client})
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		fleet[i], addrs[i] = n, ln.Addr().String()
		wg.Add(2)
		go func() { defer wg.Done(); n.Serve(ctx, ln, time.Second) }()
		go func() { defer wg.Done(); n.RunSync(ctx) }()
	}
	defer func() { cancel(); wg.Wait() }()
	waitAll := func(v uint64, timeout time.Duration) []time.Duration {
		start := time.Now()
		took := make([]time.Duration, nodes)
		var w sync.WaitGroup
		for i, n := range fleet {
			w.Add(1)
			go func() {
				defer w.Done()
				for time.Since(start) < timeout {
					if s := n.Current(); s != nil && s.Version() >= v {
						took[i] = time.Since(start)
						return
					}
					time.Sleep(time.Millisecond)
				}
				took[i] = -1
			}()
		}
		w.Wait()
		for i, d := range took {
			if d < 0 {
				b.Fatalf("node %d does not serve version %d after %s", i, v, timeout)
			}
		}
		return took
	}
	start := time.Now()
	waitAll(1, 10*time.Minute)
	b.Logf("%d nodes took the full configuration (%d APIs, %d keys) in %s", nodes, cfg.APIs, cfg.Keys, time.Since(start).Round(time.Millisecond))
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)

	var all []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		id := fmt.Sprintf("k%06d", i%cfg.Keys) // as gatewaytest.Items names keys
		changed, err := src.Change(gateway.Delta{Keys: gateway.Changes[gateway.Key]{Delete: []string{id}}})
		if err != nil {
			b.Fatal(err)
		}
		all = append(all, waitAll(changed.Version(), time.Minute)...)
	}
	b.StopTimer()
	slices.Sort(all)
	pct := func(p float64) time.Duration { return all[min(len(all)-1, int(p*float64(len(all))))] }
	b.ReportMetric(float64(pct(0.50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(pct(0.99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(all[len(all)-1].Microseconds())/1000, "max-ms")
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(nodes)/(1<<20), "heap-MiB/node")
	b.ReportMetric(0, "ns/op")

	// The last revoked key is refused on every node's listener.
	last := gatewaytest.Key((b.N - 1) % cfg.Keys)
	for _, addr := range addrs {
		req, _ := http.NewRequest("GET", fmt.Sprintf("http://%s/api-%d/v1/x", addr, ((b.N-1)%cfg.Keys)%cfg.APIs), nil)
		req.Header.Set("X-API-Key", last)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 401 {
			b.Fatalf("a revoked key answers %d on %s, want 401", resp.StatusCode, addr)
		}
	}
}
