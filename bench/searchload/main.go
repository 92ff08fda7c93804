// Command searchload fires a bounded number of catalog searches at a local
// Portico (GET /api/v1/search on 127.0.0.1 only) and reports the latency
// percentiles. It stops at whichever comes first: -n requests or -duration.
//
// With -queries FILE it sends the queries of FILE (one per line) instead of
// its own short list; bench/search-load.sh passes the purpose queries of the
// relevance evaluation (go run ./search/releval -queries). With -compare URL it
// sends each query to both portals, one after the other in alternating order,
// and prints the percentiles of each and their ratios: two builds compared in
// one run, under the same machine load.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

// Hard limits, whatever the flags say: this is a check, not a stress tool.
const (
	maxRequests    = 200000
	maxDuration    = 2 * time.Minute
	maxConcurrency = 32
	maxQueries     = 10000
	maxQueryBytes  = 1000
)

// defaultQueries are short catalog queries: words, paths, typos and a listing.
func defaultQueries() []string {
	return []string{
		"send an SMS", "invoice", "payments refund", "/v1/invoices", "listShipments", "user sessions", "tracking events",
		"stock levels", "playlists", "geocode address", "employee absences", "signature", "webhook", "credit notes",
		"inventry", "shipmnt", "dashboards export", "Partner billing", "realtime analytics", "get a ticket", "",
	}
}

// readQueries reads one query per line, skipping empty lines.
func readQueries(r io.Reader) ([]string, error) {
	var qs []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 256), maxQueryBytes+1)
	for sc.Scan() {
		q := strings.TrimSpace(sc.Text())
		if q == "" {
			continue
		}
		if len(qs) == maxQueries {
			return nil, fmt.Errorf("more than %d queries", maxQueries)
		}
		qs = append(qs, q)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read queries: %w (at most %d bytes a line)", err, maxQueryBytes)
	}
	if len(qs) == 0 {
		return nil, errors.New("no queries")
	}
	return qs, nil
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "searchload:", err)
		os.Exit(1)
	}
}

// loopback parses a base URL and refuses anything but a loopback host.
func loopback(flagName, base string) (*url.URL, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", flagName, err)
	}
	if ip := net.ParseIP(u.Hostname()); u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("%s %s: only loopback addresses (127.0.0.1, ::1, localhost) are allowed", flagName, base)
	}
	return u, nil
}

// target is one portal under load and the latencies of its successful requests.
type target struct {
	name     string
	endpoint string
	lat      []time.Duration
	failures int
	firstErr error
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("searchload", flag.ContinueOnError)
	base := fs.String("url", "http://127.0.0.1:8080", "Portico base URL (loopback only)")
	compare := fs.String("compare", "", "base URL of a second Portico (another build on a copy of the same data, loopback only) to send every query to as well")
	token := fs.String("token", os.Getenv("PORTICO_TOKEN"), "personal access token (env PORTICO_TOKEN), valid on both portals")
	queryFile := fs.String("queries", "", "file of queries, one per line (default: twenty short queries)")
	n := fs.Int("n", 5000, fmt.Sprintf("number of queries (at most %d)", maxRequests))
	duration := fs.Duration("duration", 10*time.Second, fmt.Sprintf("time limit (at most %s)", maxDuration))
	concurrency := fs.Int("c", 4, fmt.Sprintf("concurrent clients (at most %d)", maxConcurrency))
	if err := fs.Parse(args); err != nil {
		return err
	}
	u, err := loopback("-url", *base)
	if err != nil {
		return err
	}
	targets := []*target{{name: *base, endpoint: u.JoinPath("/api/v1/search").String()}}
	if *compare != "" {
		c, err := loopback("-compare", *compare)
		if err != nil {
			return err
		}
		targets = append(targets, &target{name: *compare, endpoint: c.JoinPath("/api/v1/search").String()})
	}
	if *token == "" {
		return errors.New("pass -token or set PORTICO_TOKEN (portico token create --username NAME)")
	}
	qs := defaultQueries()
	if *queryFile != "" {
		f, err := os.Open(*queryFile)
		if err != nil {
			return err
		}
		qs, err = readQueries(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", *queryFile, err)
		}
	}
	*n = min(max(*n, 1), maxRequests)
	*duration = min(max(*duration, time.Second), maxDuration)
	*concurrency = min(max(*concurrency, 1), maxConcurrency)

	ctx, cancel := context.WithTimeout(context.Background(), *duration)
	defer cancel()
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: *concurrency}}
	jobs := make(chan int)
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for range *concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				q := url.Values{"q": {qs[i%len(qs)]}}
				if i%5 == 0 {
					q.Set("page", "2")
				}
				// Each query goes to every target, the first one in turn, so that neither always runs on a
				// cache the other warmed.
				for k := range targets {
					t := targets[(i+k)%len(targets)]
					d, err := one(ctx, client, t.endpoint+"?"+q.Encode(), *token)
					mu.Lock()
					if err != nil {
						if ctx.Err() == nil {
							t.failures++
							if t.firstErr == nil {
								t.firstErr = err
							}
						}
					} else {
						t.lat = append(t.lat, d)
					}
					mu.Unlock()
				}
			}
		}()
	}
loop:
	for i := range *n {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break loop
		}
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)
	fmt.Fprintf(out, "%d distinct queries, %d clients, %s\n", len(qs), *concurrency, elapsed.Round(time.Millisecond))
	for _, t := range targets {
		if len(t.lat) == 0 {
			return fmt.Errorf("%s: no successful request (%d failures): %v", t.name, t.failures, t.firstErr)
		}
		slices.Sort(t.lat)
		if len(targets) > 1 {
			fmt.Fprintf(out, "%s\n", t.name)
		}
		fmt.Fprintf(out, "requests %d ok, %d failed in %s (%.0f req/s, %d clients)\n", len(t.lat), t.failures, elapsed.Round(time.Millisecond), float64(len(t.lat))/elapsed.Seconds(), *concurrency)
		fmt.Fprintf(out, "latency p50 %s  p95 %s  p99 %s  max %s\n", round(pct(t.lat, 0.50)), round(pct(t.lat, 0.95)), round(pct(t.lat, 0.99)), round(t.lat[len(t.lat)-1]))
		if t.firstErr != nil {
			fmt.Fprintf(out, "first failure: %v\n", t.firstErr)
		}
	}
	if len(targets) > 1 {
		a, b := targets[0].lat, targets[1].lat
		ratio := func(p float64) float64 { return float64(pct(a, p)) / float64(pct(b, p)) }
		fmt.Fprintf(out, "ratio -url/-compare  p50 %.2f  p95 %.2f  p99 %.2f\n", ratio(0.50), ratio(0.95), ratio(0.99))
	}
	return nil
}

// pct is the p-quantile of the sorted latencies.
func pct(lat []time.Duration, p float64) time.Duration {
	return lat[min(len(lat)-1, int(p*float64(len(lat))))]
}

func round(d time.Duration) time.Duration { return d.Round(10 * time.Microsecond) }

func one(ctx context.Context, client *http.Client, target, token string) (time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	start := time.Now()
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	d := time.Since(start)
	if err != nil {
		return 0, err
	}
	if res.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("status %d for %s", res.StatusCode, target)
	}
	return d, nil
}
