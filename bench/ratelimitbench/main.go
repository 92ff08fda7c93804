// Command ratelimitbench measures what the shared Redis limiter adds to a
// gateway request: it times ratelimit.Redis.Allow (a request served from the
// node's lease, or one atomic script call) against ratelimit.Local.Allow,
// with concurrent callers over -subs subscriptions (1: one hot subscription;
// as many as calls: every call a cold one), in rounds that alternate the
// two, and prints the medians of p50 and p99, the p99 added by Redis and how
// many script calls Redis ran per request. It needs a Redis (default
// redis://127.0.0.1:6379/0); its keys use a fresh prefix and are deleted at
// the end. bench/ratelimit.sh -compare runs an older build against this one
// in turns.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/portico-dev/portico/gateway/ratelimit"
)

func main() {
	url := flag.String("redis-url", "redis://127.0.0.1:6379/0", "the Redis to measure")
	n := flag.Int("n", 100_000, "calls per limiter and round")
	c := flag.Int("c", 32, "concurrent callers (like concurrent requests on a node)")
	subs := flag.Int("subs", 1000, "subscriptions the calls are spread over")
	rounds := flag.Int("rounds", 3, "rounds (each measures both limiters)")
	flag.Parse()
	if *n < 1000 || *n > 10_000_000 || *c < 1 || *c > 1024 || *subs < 1 || *rounds < 1 || *rounds > 10 {
		fmt.Fprintln(os.Stderr, "ratelimitbench: -n 1000 to 10000000, -c 1 to 1024, -subs ≥ 1, -rounds 1 to 10")
		os.Exit(2)
	}
	if err := run(*url, *n, *c, *subs, *rounds); err != nil {
		fmt.Fprintln(os.Stderr, "ratelimitbench:", err)
		os.Exit(1)
	}
}

type result struct{ p50, p99, p999 time.Duration }

func run(url string, n, c, subs, rounds int) error {
	var b [6]byte
	rand.Read(b[:])
	prefix := "portico-bench:" + hex.EncodeToString(b[:]) + ":"
	rl, err := ratelimit.NewRedis(ratelimit.RedisOptions{URL: url, Prefix: prefix})
	if err != nil {
		return err
	}
	defer rl.Close()
	ctx := context.Background()
	if err := rl.Ping(ctx); err != nil {
		return fmt.Errorf("redis at %s: %w", url, err)
	}
	defer cleanup(url, prefix)
	local := ratelimit.NewLocal()
	// A plan the load never exhausts, with a quota: every call runs the
	// whole script (rate and quota), as a request of a limited plan does.
	limit := ratelimit.Limit{PerMinute: 100_000_000, Burst: 10_000_000, DailyQuota: 1_000_000_000}
	keys := make([]string, subs)
	floor := make(map[string]int64, subs)
	for i := range keys {
		keys[i] = fmt.Sprintf("sub-%d", i)
		floor[keys[i]] = 1
	}
	// The portal's counts of today for every subscription, as a node
	// holds them: each script call carries its subscription's.
	rl.SetFloor(time.Now().Unix()/86400, floor)
	limiters := []struct {
		name string
		l    interface {
			Allow(context.Context, string, ratelimit.Limit, time.Time) (ratelimit.Decision, error)
		}
	}{{"local", local}, {"redis", rl}}

	fmt.Printf("%d calls per limiter and round, %d concurrent callers, %d subscriptions, %d rounds, %d CPUs, load average %s\n", n, c, subs, rounds, runtime.NumCPU(), loadavg())
	results := map[string][]result{}
	var calls, requests int64
	for r := 1; r <= rounds; r++ {
		for _, lm := range limiters {
			before := scriptCalls(ctx, url)
			res, err := measure(ctx, lm.l, keys, limit, n, c)
			if err != nil {
				return err
			}
			results[lm.name] = append(results[lm.name], res)
			extra := ""
			if lm.name == "redis" {
				if after := scriptCalls(ctx, url); before >= 0 && after >= before {
					calls, requests = calls+after-before, requests+int64(n/c*c)
					extra = fmt.Sprintf("  script calls per request %.3f", float64(after-before)/float64(n/c*c))
				}
			}
			fmt.Printf("  round %d  %-6s p50 %-10v p99 %-10v p99.9 %v%s\n", r, lm.name, res.p50, res.p99, res.p999, extra)
		}
	}
	if f := rl.Fallbacks(); f > 0 {
		return fmt.Errorf("%d calls fell back to local limits: Redis failed during the run", f)
	}
	med := map[string]result{}
	for name, rs := range results {
		slices.SortFunc(rs, func(a, b result) int { return int(a.p99 - b.p99) })
		med[name] = rs[len(rs)/2]
	}
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "median of rounds\tp50\tp99\tp99.9\t")
	for _, lm := range limiters {
		m := med[lm.name]
		fmt.Fprintf(w, "%s\t%v\t%v\t%v\t\n", lm.name, m.p50.Round(10*time.Nanosecond), m.p99.Round(10*time.Nanosecond), m.p999.Round(10*time.Nanosecond))
	}
	w.Flush()
	added := med["redis"].p99 - med["local"].p99
	if requests > 0 {
		fmt.Printf("script calls per request: %.3f (Redis's commandstats; other clients of the same Redis count too)\n", float64(calls)/float64(requests))
	}
	fmt.Printf("goal: the Redis limiter adds ≤ 0.5ms p99 per request (measured %v; load average after: %s)\n", added.Round(10*time.Nanosecond), loadavg())
	return nil
}

// scriptCalls is how many EVALSHA and EVAL calls Redis has run, or -1.
func scriptCalls(ctx context.Context, url string) int64 {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return -1
	}
	c := redis.NewClient(opt)
	defer c.Close()
	info, err := c.Info(ctx, "commandstats").Result()
	if err != nil {
		return -1
	}
	var total int64
	for _, line := range strings.Split(info, "\n") {
		for _, cmd := range []string{"cmdstat_evalsha:calls=", "cmdstat_eval:calls="} {
			if rest, ok := strings.CutPrefix(strings.TrimSpace(line), cmd); ok {
				v, _ := strconv.ParseInt(strings.SplitN(rest, ",", 2)[0], 10, 64)
				total += v
			}
		}
	}
	return total
}

func measure(ctx context.Context, l interface {
	Allow(context.Context, string, ratelimit.Limit, time.Time) (ratelimit.Decision, error)
}, keys []string, limit ratelimit.Limit, n, c int) (result, error) {
	per := n / c
	lat := make([][]time.Duration, c)
	var wg sync.WaitGroup
	errs := make(chan error, c)
	for g := range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ds := make([]time.Duration, 0, per)
			for i := range per {
				start := time.Now()
				if _, err := l.Allow(ctx, keys[(g*per+i)%len(keys)], limit, start); err != nil {
					errs <- err
					return
				}
				ds = append(ds, time.Since(start))
			}
			lat[g] = ds
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return result{}, err
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	at := func(q float64) time.Duration { return all[min(int(q*float64(len(all))), len(all)-1)] }
	return result{at(0.5), at(0.99), at(0.999)}, nil
}

func cleanup(url, prefix string) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return
	}
	c := redis.NewClient(opt)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	for key := range iter.Vals(ctx) {
		c.Del(ctx, key)
	}
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil || len(b) < 14 {
		return "?"
	}
	return string(b[:14])
}
