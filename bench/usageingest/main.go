// Command usageingest measures how the portal ingests the gateway nodes'
// usage reports at the scale: N nodes (default 100) each reporting
// the traffic of S active subscriptions (default 1,000) every interval
// (default 10 s), that is nodes/interval batches a second of S rows each.
//
// It builds portico, fills a new portal with `portico demo --synthetic 20
// --subscriptions …` (SQLite in a temporary data directory, or the empty
// PostgreSQL database given with -postgres), registers the nodes, starts
// `portico serve` on 127.0.0.1 and posts batches shaped like a node's (one
// row per subscription and key for the current minute: requests by status
// class, the latency histogram, bytes) to POST /api/v1/gateway/usage, each
// node on its own schedule, one batch at a time as a node does (a batch
// waits for the previous one's answer). The portal answers after its
// transaction has committed: the lag of a batch is from its scheduled
// sending to that answer (time waiting behind a slow previous batch
// included), when it is counted and queryable.
//
// It prints the batches and rows ingested per second, their ratio to what
// was offered (1.00: it kept up), the lag's p50, p99 and maximum, the load
// average, and checks that the rollups hold exactly the requests of the
// answered batches. With -pprof-addr it also writes a CPU profile of the
// portal during the load (-cpuprofile).
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/control"
	"github.com/portico-dev/portico/logtest"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
)

type options struct {
	nodes, subs        int
	interval, duration time.Duration
	postgres           string
	pprofAddr, cpuProf string
}

func main() {
	var o options
	flag.IntVar(&o.nodes, "nodes", 100, "gateway nodes reporting (1 to 1000)")
	flag.IntVar(&o.subs, "subs", 1000, "active subscriptions each node reports (1 to 20000)")
	flag.DurationVar(&o.interval, "interval", 10*time.Second, "how often each node sends a batch (1s to 60s)")
	flag.DurationVar(&o.duration, "duration", 60*time.Second, "how long the load lasts (10s to 10m)")
	flag.StringVar(&o.postgres, "postgres", "", "an empty PostgreSQL database (postgres://…) instead of SQLite in a temporary directory")
	flag.StringVar(&o.pprofAddr, "pprof-addr", "", "serve the portal's profiler on this loopback address (e.g. 127.0.0.1:6060)")
	flag.StringVar(&o.cpuProf, "cpuprofile", "usage-ingest.cpu.prof", "with -pprof-addr: where to write the portal's CPU profile taken during the load")
	flag.Parse()
	switch {
	case o.nodes < 1 || o.nodes > 1000, o.subs < 1 || o.subs > 20000:
		fail(errors.New("-nodes must be 1 to 1000 and -subs 1 to 20000"))
	case o.interval < time.Second || o.interval > time.Minute, o.duration < 10*time.Second || o.duration > 10*time.Minute:
		fail(errors.New("-interval must be 1s to 60s and -duration 10s to 10m"))
	case o.postgres != "" && !strings.HasPrefix(o.postgres, "postgres://") && !strings.HasPrefix(o.postgres, "postgresql://"):
		fail(errors.New("-postgres must be a postgres:// URL"))
	case o.pprofAddr != "" && !regexp.MustCompile(`^127\.0\.0\.1:\d+$`).MatchString(o.pprofAddr):
		fail(errors.New("-pprof-addr must be 127.0.0.1:PORT"))
	}
	// On SIGINT or SIGTERM the run stops and still stops what it started.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, o)
	stop()
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "usageingest:", err)
	os.Exit(1)
}

// target is one subscription a node reports, with its keys.
type target struct {
	sub   int64
	route string
	kids  []string
}

func run(ctx context.Context, o options) error {
	dir, err := os.MkdirTemp("", "portico-usage-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "portico")
	fmt.Fprintln(os.Stderr, "building portico…")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/portico").CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "data")
	dbArgs := []string{"--data", data}
	if o.postgres != "" {
		dbArgs = append(dbArgs, "--database-url", o.postgres)
	}
	// Every twentieth generated subscription is pending: ask for enough.
	fmt.Fprintf(os.Stderr, "filling the portal (%d subscriptions)…\n", o.subs)
	demo := exec.CommandContext(ctx, bin, append([]string{"demo", "--synthetic", "20", "--subscriptions", strconv.Itoa(o.subs*20/19 + 20)}, dbArgs...)...)
	if out, err := demo.CombinedOutput(); err != nil {
		return fmt.Errorf("portico demo: %v\n%s", err, out)
	}
	targets, tokens, err := prepare(ctx, o, data)
	if err != nil {
		return err
	}

	serveArgs := append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "warn"}, dbArgs...)
	if o.pprofAddr != "" {
		serveArgs = append(serveArgs, "--pprof-addr", o.pprofAddr)
	}
	var out logtest.Buffer
	serve := exec.Command(bin, serveArgs...)
	serve.Stdout, serve.Stderr = &out, &out
	if err := serve.Start(); err != nil {
		return err
	}
	defer func() {
		serve.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { serve.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			serve.Process.Kill()
			<-done
		}
	}()
	base, err := waitReady(ctx, &out)
	if err != nil {
		return err
	}

	fmt.Fprintf(os.Stderr, "load: %d nodes × %d subscriptions every %s for %s…\n", o.nodes, len(targets), o.interval, o.duration)
	load0 := loadavg()
	cpu0 := cpuTime(serve.Process.Pid)
	var profErr chan error
	if o.pprofAddr != "" {
		profErr = make(chan error, 1)
		secs := max(5, int(o.duration.Seconds())-5)
		go func() {
			profErr <- fetchProfile(ctx, "http://"+o.pprofAddr+"/debug/pprof/profile?seconds="+strconv.Itoa(secs), o.cpuProf)
		}()
	}
	res := load(ctx, o, base, targets, tokens)
	res.cpu = cpuTime(serve.Process.Pid) - cpu0
	load1 := loadavg()
	if profErr != nil {
		if err := <-profErr; err != nil {
			fmt.Fprintln(os.Stderr, "usageingest: no CPU profile:", err)
		} else {
			fmt.Fprintf(os.Stderr, "the portal's CPU profile during the load: %s (go tool pprof -top %s)\n", o.cpuProf, o.cpuProf)
		}
	}
	if res.failed > 0 {
		fmt.Fprintf(os.Stderr, "%d posts failed, the first: %v\nthe portal's errors:\n", res.failed, res.firstErr)
		lines := strings.Split(out.String(), "\n")
		shown := 0
		for _, l := range lines {
			if strings.Contains(l, "ERROR") && shown < 10 {
				fmt.Fprintln(os.Stderr, "  "+l)
				shown++
			}
		}
	}
	counted, err := countedRequests(ctx, o, data)
	if err != nil {
		return err
	}
	report(o, res, len(targets), counted, load0, load1)
	if counted != res.requests {
		return fmt.Errorf("the rollups count %d requests, the answered batches held %d", counted, res.requests)
	}
	return nil
}

// prepare reads the active subscriptions with their keys and registers
// the nodes, straight in the store before the portal starts.
func prepare(ctx context.Context, o options, data string) ([]target, []string, error) {
	s, err := store.Open(ctx, o.postgres, data)
	if err != nil {
		return nil, nil, err
	}
	defer s.Close()
	var rows []struct {
		ID    int64  `bun:"id"`
		Slug  string `bun:"slug"`
		Major int    `bun:"major"`
		Kid   string `bun:"kid"`
	}
	if err := s.DB().NewRaw(`SELECT s.id, a.slug, s.major, k.kid FROM subscriptions s JOIN apis a ON a.id = s.api_id
		JOIN api_keys k ON k.subscription_id = s.id WHERE s.state = 'active' AND k.state = 'active' ORDER BY s.id, k.id`).Scan(ctx, &rows); err != nil {
		return nil, nil, fmt.Errorf("reading subscriptions: %w", err)
	}
	var targets []target
	for _, r := range rows {
		if n := len(targets); n > 0 && targets[n-1].sub == r.ID {
			// A rotated key still in its grace period: one subscription
			// in ten uses both.
			if r.ID%10 == 0 {
				targets[n-1].kids = append(targets[n-1].kids, r.Kid)
			}
			continue
		}
		if len(targets) == o.subs {
			break
		}
		targets = append(targets, target{sub: r.ID, route: r.Slug + "/v" + strconv.Itoa(r.Major), kids: []string{r.Kid}})
	}
	if len(targets) < o.subs {
		return nil, nil, fmt.Errorf("the demo made %d active subscriptions with keys, want %d", len(targets), o.subs)
	}
	enforcer, err := policy.New(ctx, s)
	if err != nil {
		return nil, nil, err
	}
	svc := control.New(s, enforcer, control.NewSource(s, nil), nil, control.Options{})
	tokens := make([]string, o.nodes)
	for i := range tokens {
		_, tok, err := svc.Console("usage-bench").RegisterNode(ctx, control.NodeInput{Name: fmt.Sprintf("bench-node-%03d", i)})
		if err != nil {
			return nil, nil, fmt.Errorf("registering node %d: %w", i, err)
		}
		tokens[i] = tok
	}
	return targets, tokens, nil
}

type result struct {
	offered, answered, late int   // batches scheduled in the window; answered at all; answered after the window
	rows                    int64 // rows of the answered batches
	requests                int64 // requests they hold
	lags                    []time.Duration
	failed                  int
	firstErr                error
	window, drain           time.Duration
	cpu                     time.Duration // the portal's CPU time meanwhile
}

// load runs every node's schedule for o.duration, then waits (at most a
// minute) for the batches still queued or in flight.
func load(ctx context.Context, o options, base string, targets []target, tokens []string) *result {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: o.nodes}, Timeout: 2 * time.Minute}
	start := time.Now().Add(time.Second)
	end := start.Add(o.duration)
	var mu sync.Mutex
	res := &result{window: o.duration}
	var wg sync.WaitGroup
	for i, tok := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), 42))
			first := start.Add(time.Duration(i) * o.interval / time.Duration(len(tokens)))
			for k := 0; ; k++ {
				at := first.Add(time.Duration(k) * o.interval)
				if !at.Before(end) || ctx.Err() != nil {
					return
				}
				if d := time.Until(at); d > 0 {
					select {
					case <-time.After(d):
					case <-ctx.Done():
						return
					}
				}
				body, rows, reqs := batch(fmt.Sprintf("b-%d-%d", i, k), at, targets, rng)
				err := post(ctx, client, base, tok, body)
				done := time.Now()
				mu.Lock()
				res.offered++
				if err != nil {
					res.failed++
					if res.firstErr == nil {
						res.firstErr = err
					}
				} else {
					res.answered++
					if done.After(end) {
						res.late++
					}
					res.rows += int64(rows)
					res.requests += reqs
					res.lags = append(res.lags, done.Sub(at))
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.drain = max(0, time.Since(end))
	return res
}

// batch is one node's batch at at: a row per subscription and key for
// at's minute, with made-up but plausible traffic.
func batch(id string, at time.Time, targets []target, rng *rand.Rand) (body []byte, rows int, requests int64) {
	minute := at.Unix() / 60 * 60
	b := make([]byte, 0, 300*len(targets))
	b = append(b, `{"id":"`...)
	b = append(b, id...)
	b = append(b, `","points":[`...)
	for _, t := range targets {
		for _, kid := range t.kids {
			if rows > 0 {
				b = append(b, ',')
			}
			rows++
			n := 1 + rng.Int64N(200)
			s3, s4, s429, s5 := n/50, n/20, rng.Int64N(2), n/50
			s2 := n - s3 - s4 - s429 - s5
			requests += n
			var lat [gateway.LatencyBuckets]int64
			for range min(n, 16) { // a few draws spread the rest
				lat[2+rng.IntN(6)]++
			}
			lat[4] += n - min(n, 16)
			b = append(b, `{"minute":`...)
			b = strconv.AppendInt(b, minute, 10)
			b = append(b, `,"subscription":"`...)
			b = strconv.AppendInt(b, t.sub, 10)
			b = append(b, `","key":"`...)
			b = append(b, kid...)
			b = append(b, `","api":"`...)
			b = append(b, t.route...)
			b = append(b, '"')
			for _, c := range []struct {
				name string
				v    int64
			}{{"s2xx", s2}, {"s3xx", s3}, {"s4xx", s4}, {"s429", s429}, {"s5xx", s5}, {"bytes_in", n * (100 + rng.Int64N(400))}, {"bytes_out", n * (500 + rng.Int64N(4000))}} {
				if c.v == 0 {
					continue
				}
				b = append(b, `,"`...)
				b = append(b, c.name...)
				b = append(b, `":`...)
				b = strconv.AppendInt(b, c.v, 10)
			}
			b = append(b, `,"latency":[`...)
			for j, v := range lat {
				if j > 0 {
					b = append(b, ',')
				}
				b = strconv.AppendInt(b, v, 10)
			}
			b = append(b, "]}"...)
		}
	}
	b = append(b, "]}"...)
	return b, rows, requests
}

func post(ctx context.Context, client *http.Client, base, token string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+gateway.UsagePath, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
	if resp.StatusCode != 200 {
		return fmt.Errorf("%d %s", resp.StatusCode, msg)
	}
	if bytes.Contains(msg, []byte(`"duplicate":true`)) || bytes.Contains(msg, []byte(`"skipped":`)) && !bytes.Contains(msg, []byte(`"skipped":0`)) {
		return fmt.Errorf("unexpected answer %s", msg)
	}
	return nil
}

// countedRequests sums the requests in the rollups.
func countedRequests(ctx context.Context, o options, data string) (int64, error) {
	s, err := store.Open(ctx, o.postgres, data)
	if err != nil {
		return 0, err
	}
	defer s.Close()
	var n int64
	if err := s.DB().NewRaw("SELECT COALESCE(SUM(s2xx + s3xx + s4xx + s429 + s5xx), 0) FROM usage_rollups").Scan(ctx, &n); err != nil {
		return 0, fmt.Errorf("counting the rollups: %w", err)
	}
	return n, nil
}

func report(o options, r *result, subs int, counted int64, load0, load1 string) {
	db := "SQLite"
	if o.postgres != "" {
		db = "PostgreSQL"
	}
	offered := float64(o.nodes) / o.interval.Seconds()
	span := r.window + r.drain
	rate := float64(r.answered) / span.Seconds()
	rowsPer := 0.0
	if r.answered > 0 {
		rowsPer = float64(r.rows) / float64(r.answered)
	}
	slices.Sort(r.lags)
	q := func(p float64) time.Duration {
		if len(r.lags) == 0 {
			return 0
		}
		return r.lags[min(len(r.lags)-1, int(float64(len(r.lags))*p))]
	}
	fmt.Printf("usage ingest, %s: %d nodes × %d subscriptions every %s (%.0f rows a batch), %s of load\n", db, o.nodes, subs, o.interval, rowsPer, o.duration)
	fmt.Printf("  offered    %6.1f batches/s  %8.0f rows/s\n", offered, offered*rowsPer)
	fmt.Printf("  ingested   %6.1f batches/s  %8.0f rows/s  (%d of %d batches in %s; %d answered after the load ended, %s to drain)\n",
		rate, float64(r.rows)/span.Seconds(), r.answered, r.offered, span.Round(100*time.Millisecond), r.late, r.drain.Round(100*time.Millisecond))
	fmt.Printf("  kept up    %6.2f  (ingested / offered)\n", rate/offered)
	fmt.Printf("  lag        p50 %s  p99 %s  max %s  (scheduled sending → answer after commit)\n",
		q(0.5).Round(time.Millisecond), q(0.99).Round(time.Millisecond), q(1).Round(time.Millisecond))
	if r.answered > 0 && r.cpu > 0 {
		per := r.cpu / time.Duration(r.answered)
		fmt.Printf("  portal CPU %s for %d batches: %s a batch, %.1f batches/s per core (the offer needs %.2f cores)\n",
			r.cpu.Round(10*time.Millisecond), r.answered, per.Round(100*time.Microsecond), float64(time.Second)/float64(per), offered*per.Seconds())
	}
	fmt.Printf("  counted    %d requests in the rollups, %d in the answered batches\n", counted, r.requests)
	fmt.Printf("  load average %s before, %s after (%d CPUs)\n", load0, load1, runtime.NumCPU())
}

// cpuTime is the user and system CPU time process pid has used so far.
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// The fields after the command name (in parentheses): utime and stime
	// are the 12th and 13th, in clock ticks (100 a second on Linux).
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+st) * 10 * time.Millisecond
}

func waitReady(ctx context.Context, out *logtest.Buffer) (string, error) {
	re := regexp.MustCompile(`log in at (http://127\.0\.0\.1:\d+)/login`)
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			if resp, err := http.Get(m[1] + "/readyz"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == 200 {
					return m[1], nil
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return "", fmt.Errorf("the portal did not become ready:\n%s", out.String())
}

func fetchProfile(ctx context.Context, url, path string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("%s: %d", url, resp.StatusCode)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// loadavg is the 1, 5 and 15 minute load average, to judge how busy the
// machine was.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
