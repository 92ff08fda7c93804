// Command searchload fires a bounded number of catalog searches at a local
// Portico (GET /api/v1/search on 127.0.0.1 only) and reports the latency
// percentiles. It stops at whichever comes first: -n requests or -duration.
package main

import (
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
	"sync"
	"time"
)

// Hard limits, whatever the flags say: this is a check, not a stress tool.
const (
	maxRequests    = 200000
	maxDuration    = 2 * time.Minute
	maxConcurrency = 32
)

func queries() []string {
	return []string{
		"send an SMS", "invoice", "payments refund", "/v1/invoices", "listShipments", "user sessions", "tracking events",
		"stock levels", "playlists", "geocode address", "employee absences", "signature", "webhook", "credit notes",
		"inventry", "shipmnt", "dashboards export", "Partner billing", "realtime analytics", "get a ticket", "",
	}
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "searchload:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("searchload", flag.ContinueOnError)
	base := fs.String("url", "http://127.0.0.1:8080", "Portico base URL (loopback only)")
	token := fs.String("token", os.Getenv("PORTICO_TOKEN"), "personal access token (env PORTICO_TOKEN)")
	n := fs.Int("n", 5000, fmt.Sprintf("number of requests (at most %d)", maxRequests))
	duration := fs.Duration("duration", 10*time.Second, fmt.Sprintf("time limit (at most %s)", maxDuration))
	concurrency := fs.Int("c", 4, fmt.Sprintf("concurrent clients (at most %d)", maxConcurrency))
	if err := fs.Parse(args); err != nil {
		return err
	}
	u, err := url.Parse(*base)
	if err != nil {
		return fmt.Errorf("parse -url: %w", err)
	}
	if ip := net.ParseIP(u.Hostname()); u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("-url %s: only loopback addresses (127.0.0.1, ::1, localhost) are allowed", *base)
	}
	if *token == "" {
		return errors.New("pass -token or set PORTICO_TOKEN (portico token create --username NAME)")
	}
	*n = min(max(*n, 1), maxRequests)
	*duration = min(max(*duration, time.Second), maxDuration)
	*concurrency = min(max(*concurrency, 1), maxConcurrency)

	ctx, cancel := context.WithTimeout(context.Background(), *duration)
	defer cancel()
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: *concurrency}}
	qs := queries()
	jobs := make(chan int)
	var mu sync.Mutex
	var lat []time.Duration
	var failures int
	var firstErr error
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
				d, err := one(ctx, client, u.JoinPath("/api/v1/search").String()+"?"+q.Encode(), *token)
				mu.Lock()
				if err != nil {
					if ctx.Err() == nil {
						failures++
						if firstErr == nil {
							firstErr = err
						}
					}
				} else {
					lat = append(lat, d)
				}
				mu.Unlock()
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
	if len(lat) == 0 {
		return fmt.Errorf("no successful request (%d failures): %v", failures, firstErr)
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	fmt.Fprintf(out, "requests %d ok, %d failed in %s (%.0f req/s, %d clients)\n", len(lat), failures, elapsed.Round(time.Millisecond), float64(len(lat))/elapsed.Seconds(), *concurrency)
	fmt.Fprintf(out, "latency p50 %s  p95 %s  p99 %s  max %s\n", pct(0.50).Round(10*time.Microsecond), pct(0.95).Round(10*time.Microsecond), pct(0.99).Round(10*time.Microsecond), lat[len(lat)-1].Round(10*time.Microsecond))
	if firstErr != nil {
		fmt.Fprintf(out, "first failure: %v\n", firstErr)
	}
	return nil
}

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
