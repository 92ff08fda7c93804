// Command gatewaybench measures portico-gateway against nginx and against the
// upstream called directly, in one run on 127.0.0.1, and prints requests per
// second, p99 latency and the CPU time per request of the answering process,
// with ratios. It starts everything itself (one nginx as the fixed upstream,
// another as the proxy to compare with, a test portal that pushes the
// gateway's configuration, the gateway) and stops it all at the end. It needs
// wrk and nginx (Debian: apt-get install -y wrk nginx-light).
//
// The three targets are measured in turns, round after round, and the medians
// are compared, so that a noisy machine (other work on the same cores) weighs
// on all three alike.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/gatewaytest"
	"github.com/portico-dev/portico/gateway/push"
)

const benchKey = "ptk_bench_0123456789abcdef0123456789abcdef"

func main() {
	rounds := flag.Int("rounds", 3, "rounds of measurements (each measures every target once)")
	duration := flag.Duration("duration", 5*time.Second, "length of one wrk run (at most 30s)")
	conns := flag.Int("c", 32, "wrk connections")
	threads := flag.Int("t", 2, "wrk threads")
	accessLog := flag.Bool("access-log", true, "the gateway and nginx write an access log (buffered, to a file)")
	hold := flag.Bool("hold", false, "start everything, print the targets and the gateway's pid, and wait for Ctrl-C instead of measuring (to profile the gateway under a load of one's own)")
	redisURL := flag.String("redis-url", "", "also measure a second gateway whose limits are shared in this Redis (e.g. redis://127.0.0.1:6379/0; keys under portico:rl:{sub-bench}, expiring on their own), and print the p99 the Redis limiter adds")
	spike := flag.Bool("spike", false, "also measure bench/evloopspike, the node's hot path on nbio's event loops (a spike, not the gateway)")
	hertz := flag.Bool("hertz", false, "also measure bench/hertzspike, the node's hot path on CloudWeGo Hertz and its netpoll transport (a spike, not the gateway; a module of its own)")
	haproxy := flag.Bool("haproxy", false, "also measure HAProxy as a plain reverse proxy, and HAProxy doing the node's work on a request in its configuration language (key hash map, stick-table rate limit, consumer headers; a spike for the engine choice, not the gateway; apt-get install -y haproxy)")
	gnet := flag.Bool("gnet", false, "also measure bench/gnetspike, the node's hot path on gnet v2's event loops (a spike, not the gateway; a module of its own)")
	var variants, spikeArgs, bins, gnetArgs []string
	flag.Func("gnet-args", "with -gnet: flags for one gnet spike, space-separated (e.g. \"-lock-os-thread -edge-triggered\"; the word poll_opt builds it with gnet's poll_opt tag instead); repeatable, each measures one more", func(v string) error {
		gnetArgs = append(gnetArgs, v)
		return nil
	})
	flag.Func("spike-args", "with -spike: flags for one spike, space-separated (e.g. -pollers=1); repeatable, each measures one more spike", func(v string) error {
		spikeArgs = append(spikeArgs, v)
		return nil
	})
	flag.Func("gateway-env", "also measure another gateway run with this environment, e.g. GOMAXPROCS=1 or GOGC=400 (repeatable; several variables space-separated)", func(v string) error {
		variants = append(variants, v)
		return nil
	})
	flag.Func("gateway-bin", "also measure this portico-gateway binary (built with another Go or at another commit: GOTOOLCHAIN=go1.27.3 go build -o /tmp/gw127 ./cmd/portico-gateway), in turns with this tree's (repeatable)", func(v string) error {
		if _, err := os.Stat(v); err != nil {
			return err
		}
		bins = append(bins, v)
		return nil
	})
	spikeProcs := flag.Int("spike-procs", 0, "also measure N bench/evloopspike processes (N ≥ 2) sharing one port with SO_REUSEPORT, each with one event loop and GOMAXPROCS=1, as nginx's worker processes share its port")
	paced := flag.Float64("paced", -1, "after the saturation rounds, measure every target at this same offered load (requests per second over all connections, paced by wrk), in as many rounds, and print the latency each adds over direct at that load; -1: half the gateway's median saturation throughput; 0: not at all")
	tlsOn := flag.Bool("tls", false, "also measure a gateway serving HTTPS (--tls-cert with an ECDSA P-256 certificate made for the run); wrk keeps its connections, so this is the cost of encryption on the data plane, not of handshakes")
	flag.IntVar(&portBase, "ports", 0, "listen on 127.0.0.1 ports N to N+3 (upstream, nginx, gateway, its admin) instead of free ports the system picks")
	flag.Parse()
	if *duration > 30*time.Second || *rounds < 1 || *rounds > 10 {
		fmt.Fprintln(os.Stderr, "gatewaybench: -duration at most 30s, -rounds 1 to 10")
		os.Exit(2)
	}
	if *spikeProcs == 1 || *spikeProcs < 0 || *spikeProcs > 16 {
		fmt.Fprintln(os.Stderr, "gatewaybench: -spike-procs from 2 to 16")
		os.Exit(2)
	}
	// On SIGINT or SIGTERM the run stops and still stops what it started.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, *rounds, *duration, *conns, *threads, *accessLog, *hold, *redisURL, *spike, spikeArgs, variants, bins, *spikeProcs, *paced, *hertz, *gnet, gnetArgs, *haproxy, *tlsOn)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gatewaybench:", err)
		os.Exit(1)
	}
}

type result struct {
	rps      float64
	p50, p99 time.Duration
	// cpu is the CPU time (user and system) the answering process spent
	// per request: on a machine shared with other work, a steadier measure
	// of what a request costs than the requests per second.
	cpu time.Duration
}

func run(ctx context.Context, rounds int, duration time.Duration, conns, threads int, accessLog, hold bool, redisURL string, spike bool, spikeArgs, variants, bins []string, spikeProcs int, paced float64, hertz, gnet bool, gnetArgs []string, haproxy, tlsOn bool) error {
	for _, tool := range []string{"wrk", "nginx"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s is not installed: apt-get install -y wrk nginx-light", tool)
		}
	}
	if _, err := exec.LookPath("haproxy"); haproxy && err != nil {
		return errors.New("haproxy is not installed: apt-get install -y haproxy")
	}
	dir, err := os.MkdirTemp("", "gatewaybench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	fmt.Println("building portico-gateway…")
	bin := filepath.Join(dir, "portico-gateway")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/portico-gateway").CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	spikeBin := filepath.Join(dir, "evloopspike")
	if spike || spikeProcs > 0 {
		if out, err := exec.CommandContext(ctx, "go", "build", "-o", spikeBin, "./bench/evloopspike").CombinedOutput(); err != nil {
			return fmt.Errorf("go build: %v\n%s", err, out)
		}
	}

	hertzBin := filepath.Join(dir, "hertzspike")
	if hertz {
		if out, err := exec.CommandContext(ctx, "go", "build", "-C", "bench/hertzspike", "-o", hertzBin, ".").CombinedOutput(); err != nil {
			return fmt.Errorf("go build: %v\n%s", err, out)
		}
	}
	gnetBin, gnetOptBin := filepath.Join(dir, "gnetspike"), filepath.Join(dir, "gnetspike-poll-opt")
	if gnet {
		if out, err := exec.CommandContext(ctx, "go", "build", "-C", "bench/gnetspike", "-o", gnetBin, ".").CombinedOutput(); err != nil {
			return fmt.Errorf("go build: %v\n%s", err, out)
		}
		if slices.ContainsFunc(gnetArgs, func(a string) bool { return slices.Contains(strings.Fields(a), "poll_opt") }) {
			if out, err := exec.CommandContext(ctx, "go", "build", "-C", "bench/gnetspike", "-tags", "poll_opt", "-o", gnetOptBin, ".").CombinedOutput(); err != nil {
				return fmt.Errorf("go build: %v\n%s", err, out)
			}
		}
	}

	upAddr, nginxAddr, gwAddr, adminAddr, portalAddr := free(), free(), free(), free(), free()
	// The upstream and the nginx proxy are two nginx, as the upstream and
	// the gateway are two processes: each proxy reaches the same upstream
	// process over loopback (one nginx serving both would hand a request to
	// its own upstream server in the same worker), and the CPU time of each
	// is its own.
	upCmd, stopUp, err := startNginx(dir, "nginx-upstream", upstreamServer(upAddr))
	if err != nil {
		return err
	}
	defer stopUp()
	proxyCmd, stopProxy, err := startNginx(dir, "nginx-proxy", proxyServer(dir, upAddr, nginxAddr, accessLog))
	if err != nil {
		return err
	}
	defer stopProxy()

	// The portal: one route to the upstream, one key, a plan whose limit the
	// load never reaches (so the limiter runs on every request).
	st, err := gateway.NewState(1,
		[]gateway.Route{{API: "bench", Major: 1, Targets: []string{"http://" + upAddr + "/v1"}, State: gateway.StatePublished}},
		[]gateway.Plan{{ID: "bench", RatePerMinute: 100_000_000, Burst: 10_000_000}},
		[]gateway.Key{{ID: "kbench", Hash: gateway.HashKey(benchKey), Subscription: "sub-bench", Team: "bench", App: "wrk", API: "bench", Major: 1, Plan: "bench", State: gateway.KeyActive}})
	if err != nil {
		return err
	}
	hub := push.NewHub(gatewaytest.NewSource(st), push.Options{})
	// The node also sends its usage reports every few seconds: the bench's
	// portal takes and drops them, as the real one ingests them.
	mux := http.NewServeMux()
	mux.Handle("/", hub.Handler(benchNode{}))
	mux.HandleFunc("POST /api/v1/gateway/usage", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, io.LimitReader(r.Body, 8<<20))
		w.WriteHeader(http.StatusNoContent)
	})
	portal := httptest.NewUnstartedServer(mux)
	portal.Listener.Close()
	if portal.Listener, err = net.Listen("tcp", portalAddr); err != nil {
		return err
	}
	portal.Start()
	defer portal.Close()

	// startGatewayBin runs the node binary gwBin with the given address and
	// extra flags; its access log goes to a file of its own. startGateway
	// runs this tree's.
	startGatewayBin := func(gwBin, name, addr, adminAddr string, env []string, extra ...string) (*exec.Cmd, error) {
		logTo := io.Discard
		if accessLog {
			f, err := os.Create(filepath.Join(dir, name+"-access.log"))
			if err != nil {
				return nil, err
			}
			logTo = f
		}
		args := append([]string{"--portal", portal.URL, "--addr", addr, "--admin-addr", adminAddr, "--data", filepath.Join(dir, name), "--access-log", onOff(accessLog), "--log-level", "warn"}, extra...)
		cmd := exec.Command(gwBin, args...)
		cmd.Env = append(append(os.Environ(), "PORTICO_GATEWAY_TOKEN=bench-token"), env...)
		cmd.Stdout, cmd.Stderr = logTo, os.Stderr
		return cmd, cmd.Start()
	}
	startGateway := func(name, addr, adminAddr string, env []string, extra ...string) (*exec.Cmd, error) {
		return startGatewayBin(bin, name, addr, adminAddr, env, extra...)
	}
	stopGateway := func(cmd *exec.Cmd) {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		if f, ok := cmd.Stdout.(*os.File); ok {
			f.Close()
		}
	}
	gw, err := startGateway("gw", gwAddr, adminAddr, nil)
	if err != nil {
		return err
	}
	defer stopGateway(gw)

	// Each target's CPU time is that of the processes that answer wrk: the
	// upstream for direct, the proxy for the others.
	type target struct {
		name, url string
		pids      []int
	}
	targets := []target{
		{"direct", "http://" + upAddr + "/v1/items", []int{upCmd.Process.Pid}},
		{"nginx", "http://" + nginxAddr + "/bench/v1/items", []int{proxyCmd.Process.Pid}},
		{"portico-gateway", "http://" + gwAddr + "/bench/v1/items", []int{gw.Process.Pid}},
	}
	if redisURL != "" {
		addr := free()
		gwr, err := startGateway("gw-redis", addr, free(), nil, "--redis-url", redisURL)
		if err != nil {
			return err
		}
		defer stopGateway(gwr)
		targets = append(targets, target{"gateway+redis", "http://" + addr + "/bench/v1/items", []int{gwr.Process.Pid}})
	}
	for i, v := range variants {
		addr := free()
		gwv, err := startGateway("gw-variant"+strconv.Itoa(i), addr, free(), strings.Fields(v))
		if err != nil {
			return err
		}
		defer stopGateway(gwv)
		targets = append(targets, target{"gateway " + v, "http://" + addr + "/bench/v1/items", []int{gwv.Process.Pid}})
	}
	for i, b := range bins {
		addr := free()
		gwb, err := startGatewayBin(b, "gw-bin"+strconv.Itoa(i), addr, free(), nil)
		if err != nil {
			return err
		}
		defer stopGateway(gwb)
		targets = append(targets, target{"gateway " + filepath.Base(b), "http://" + addr + "/bench/v1/items", []int{gwb.Process.Pid}})
	}
	if tlsOn {
		certFile, keyFile, err := writeCert(dir)
		if err != nil {
			return err
		}
		addr := free()
		gwt, err := startGateway("gw-tls", addr, free(), nil, "--tls-cert", certFile, "--tls-key", keyFile)
		if err != nil {
			return err
		}
		defer stopGateway(gwt)
		targets = append(targets, target{"gateway tls", "https://" + addr + "/bench/v1/items", []int{gwt.Process.Pid}})
	}
	if spike && len(spikeArgs) == 0 {
		spikeArgs = []string{""}
	}
	for _, args := range spikeArgs {
		if !spike {
			break
		}
		addr := free()
		cmd, err := startSpike(spikeBin, addr, upAddr, strings.Fields(args), nil)
		if err != nil {
			return err
		}
		defer stopSpike(cmd)
		targets = append(targets, target{strings.TrimSpace("evloop-spike " + args), "http://" + addr + "/bench/v1/items", []int{cmd.Process.Pid}})
	}
	if hertz {
		addr := free()
		cmd, err := startSpike(hertzBin, addr, upAddr, nil, nil)
		if err != nil {
			return err
		}
		defer stopSpike(cmd)
		targets = append(targets, target{"hertz-spike", "http://" + addr + "/bench/v1/items", []int{cmd.Process.Pid}})
	}
	if gnet && len(gnetArgs) == 0 {
		gnetArgs = []string{""}
	}
	for _, args := range gnetArgs {
		if !gnet {
			break
		}
		bin, flags := gnetBin, strings.Fields(args)
		if i := slices.Index(flags, "poll_opt"); i >= 0 {
			bin, flags = gnetOptBin, slices.Delete(flags, i, i+1)
		}
		addr := free()
		cmd, err := startSpike(bin, addr, upAddr, flags, nil)
		if err != nil {
			return err
		}
		defer stopSpike(cmd)
		targets = append(targets, target{strings.TrimSpace("gnet-spike " + args), "http://" + addr + "/bench/v1/items", []int{cmd.Process.Pid}})
	}
	if haproxy {
		addr := free()
		cmd, stop, err := startHAProxy(dir, "haproxy", upAddr, addr, accessLog, false)
		if err != nil {
			return err
		}
		defer stop()
		targets = append(targets, target{"haproxy", "http://" + addr + "/bench/v1/items", []int{cmd.Process.Pid}})
		addr = free()
		cmd, stop, err = startHAProxy(dir, "haproxy-work", upAddr, addr, accessLog, true)
		if err != nil {
			return err
		}
		defer stop()
		targets = append(targets, target{"haproxy + node's work", "http://" + addr + "/bench/v1/items", []int{cmd.Process.Pid}})
		if err := waitOK(ctx, "http://"+addr+"/bench/v1/items", 10*time.Second); err != nil {
			return fmt.Errorf("haproxy + node's work: %w", err)
		}
		// The work is done: no key is refused.
		resp, err := http.Get("http://" + addr + "/bench/v1/items")
		if err != nil {
			return fmt.Errorf("haproxy + node's work: %w", err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") == "" {
			return fmt.Errorf("haproxy + node's work: a request without a key got %s, want 401 with WWW-Authenticate", resp.Status)
		}
	}
	if spikeProcs > 0 {
		addr := free()
		t := target{name: fmt.Sprintf("evloop-spike ×%d procs", spikeProcs), url: "http://" + addr + "/bench/v1/items"}
		for range spikeProcs {
			cmd, err := startSpike(spikeBin, addr, upAddr, []string{"-pollers", "1", "-reuse-port"}, []string{"GOMAXPROCS=1"})
			if err != nil {
				return err
			}
			defer stopSpike(cmd)
			t.pids = append(t.pids, cmd.Process.Pid)
		}
		targets = append(targets, t)
	}
	for _, t := range targets {
		if err := waitOK(ctx, t.url, 10*time.Second); err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
	}

	if hold {
		fmt.Printf("portico-gateway pid %d; targets (header X-API-Key: %s):\n", gw.Process.Pid, benchKey)
		for _, t := range targets {
			fmt.Printf("  %-24s %s\n", t.name, t.url)
		}
		fmt.Println("waiting for Ctrl-C")
		<-ctx.Done()
		return nil
	}
	fmt.Printf("wrk -t%d -c%d -d%s, %d rounds; the gateway checks the key and the plan's rate limit on every request\n", threads, conns, duration, rounds)
	fmt.Printf("load average before: %s (%d CPUs; wrk, the upstream and the proxy share them)\n", loadavg(), runtime.NumCPU())
	results := map[string][]result{}
	for r := 1; r <= rounds; r++ {
		for _, t := range targets {
			before := cpuEach(t.pids)
			res, n, err := runWrk(ctx, t.url, duration, conns, threads, "")
			if err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
			split, ticks := cpuSplit(before, cpuEach(t.pids))
			res.cpu = time.Duration(ticks) * time.Second / clockTicks / time.Duration(n)
			results[t.name] = append(results[t.name], res)
			fmt.Printf("  round %d  %-24s %9.0f req/s  p99 %-9v  CPU %v per request%s\n", r, t.name, res.rps, res.p99, res.cpu.Round(100*time.Nanosecond), split)
		}
	}

	med := map[string]result{}
	for name, rs := range results {
		med[name] = median(rs)
	}
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "median of rounds\treq/s\tp99\tp99 added over direct\tthroughput vs nginx\tCPU per request\tCPU vs nginx\t")
	for _, t := range targets {
		m := med[t.name]
		fmt.Fprintf(w, "%s\t%.0f\t%v\t%v\t%.2f×\t%v\t%.2f×\t\n", t.name, m.rps, m.p99.Round(10*time.Microsecond), (m.p99 - med["direct"].p99).Round(10*time.Microsecond), m.rps/med["nginx"].rps,
			m.cpu.Round(100*time.Nanosecond), float64(m.cpu)/float64(med["nginx"].cpu))
	}
	w.Flush()
	fmt.Println("(CPU per request: user and system time of the answering process, the upstream for direct, per request wrk counted)")
	fmt.Printf("load average after: %s\n", loadavg())
	g, n := med["portico-gateway"], med["nginx"]
	fmt.Printf("goal: throughput ≥ 1.00× nginx (measured %.2f×), p99 added over direct ≤ 1ms (measured %v)\n", g.rps/n.rps, (g.p99 - med["direct"].p99).Round(10*time.Microsecond))
	if rg, ok := med["gateway+redis"]; ok {
		fmt.Printf("goal: the Redis limiter adds ≤ 0.5ms p99 (measured %v over the gateway with its own limits; %.2f× its req/s)\n", (rg.p99 - g.p99).Round(10*time.Microsecond), rg.rps/g.rps)
	}
	if gt, ok := med["gateway tls"]; ok {
		fmt.Printf("TLS: the gateway serving HTTPS did %.2f× the plain gateway's req/s at %.2f× its CPU per request (p99 %v against %v)\n",
			gt.rps/g.rps, float64(gt.cpu)/float64(g.cpu), gt.p99.Round(10*time.Microsecond), g.p99.Round(10*time.Microsecond))
	}
	if paced == 0 {
		return nil
	}

	// At saturation every target's p99 is mostly the wait for a core that
	// wrk, the upstream and the proxy share, and a slower target's
	// latency is longer by Little's law alone (32 connections / req/s).
	// The latency a proxy adds is measured at one offered load that none
	// of them saturates: every connection waits a random 0 to 2 × paceMS
	// after each answer before it sends the next request (wrk's delay()),
	// so the load is conns × 1000 / (paceMS + latency) requests per second,
	// within a few per cent of the same for every target (latencies are far
	// below paceMS), and arrivals are spread: with a fixed wait, the
	// connections' timers fell due in the same millisecond and the
	// requests came in bursts of all the connections at once, whose p99 was
	// the time to drain a burst.
	if paced < 0 {
		paced = g.rps / 2
	}
	const paceMS = 10
	pconns := max(1, min(1024, int(paced*paceMS/1000+0.5)))
	script := filepath.Join(dir, "pace.lua")
	if err := os.WriteFile(script, []byte("function delay() return math.random(0, "+strconv.Itoa(2*paceMS)+") end\n"), 0o644); err != nil {
		return err
	}
	fmt.Printf("\nthe same offered load for every target: about %.0f req/s (wrk -t%d -c%d, each connection waits 0 to %d ms, at random, after each answer), %d rounds of %s\n", paced, threads, pconns, 2*paceMS, rounds, duration)
	presults := map[string][]result{}
	for r := 1; r <= rounds; r++ {
		for _, t := range targets {
			before := cpuEach(t.pids)
			res, n, err := runWrk(ctx, t.url, duration, pconns, min(threads, pconns), script)
			if err != nil {
				return fmt.Errorf("%s, paced: %w", t.name, err)
			}
			split, ticks := cpuSplit(before, cpuEach(t.pids))
			res.cpu = time.Duration(ticks) * time.Second / clockTicks / time.Duration(n)
			presults[t.name] = append(presults[t.name], res)
			fmt.Printf("  round %d  %-24s %9.0f req/s  p50 %-9v p99 %-9v  CPU %v per request%s\n", r, t.name, res.rps, res.p50, res.p99, res.cpu.Round(100*time.Nanosecond), split)
		}
	}
	pmed := map[string]result{}
	for name, rs := range presults {
		pmed[name] = median(rs)
	}
	w = tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "median of paced rounds\treq/s\tp50\tp99\tp50 added over direct\tp99 added over direct\tCPU per request\t")
	for _, t := range targets {
		m := pmed[t.name]
		fmt.Fprintf(w, "%s\t%.0f\t%v\t%v\t%v\t%v\t%v\t\n", t.name, m.rps, m.p50.Round(10*time.Microsecond), m.p99.Round(10*time.Microsecond),
			(m.p50 - pmed["direct"].p50).Round(10*time.Microsecond), (m.p99 - pmed["direct"].p99).Round(10*time.Microsecond), m.cpu.Round(100*time.Nanosecond))
	}
	w.Flush()
	fmt.Printf("load average after: %s\n", loadavg())
	pg := pmed["portico-gateway"]
	fmt.Printf("goal at the same offered load: p99 added over direct ≤ 1ms (measured %v; nginx %v)\n", (pg.p99 - pmed["direct"].p99).Round(10*time.Microsecond), (pmed["nginx"].p99 - pmed["direct"].p99).Round(10*time.Microsecond))
	return nil
}

type benchNode struct{}

func (benchNode) AuthenticateNode(_ context.Context, token string) (push.Node, error) {
	if token == "bench-token" {
		return push.Node{Name: "bench", ID: 1}, nil
	}
	return push.Node{}, push.ErrUnknownNode
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

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// portBase is the first of the fixed ports (-ports), 0 for ports the system
// picks.
var portBase int

// free returns a free loopback address: the next fixed port with -ports
// (it fails if another process holds it), else one the system picks.
func free() string {
	addr := "127.0.0.1:0"
	if portBase > 0 {
		addr = "127.0.0.1:" + strconv.Itoa(portBase)
		portBase++
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startNginx runs one nginx (worker_processes auto) with the given servers
// in its http block, from its own directory under dir. It returns the
// master process, whose workers do the work.
func startNginx(dir, name, servers string) (*exec.Cmd, func(), error) {
	ndir := filepath.Join(dir, name)
	os.MkdirAll(ndir, 0o755)
	conf := fmt.Sprintf(`worker_processes auto;
daemon off;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path %[1]s/body;
  proxy_temp_path %[1]s/proxy;
  fastcgi_temp_path %[1]s/fastcgi;
  uwsgi_temp_path %[1]s/uwsgi;
  scgi_temp_path %[1]s/scgi;
  keepalive_requests 1000000;
%[2]s
}
`, ndir, servers)
	path := filepath.Join(ndir, "nginx.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		return nil, nil, err
	}
	return startServer(syscall.SIGQUIT, "nginx", "-c", path, "-p", ndir, "-e", filepath.Join(ndir, "error.log"))
}

// startServer starts a proxy or server program and returns it with the
// function that stops it: the signal that makes it finish what it is
// doing and exit (nginx's SIGQUIT, HAProxy's SIGUSR1), then a kill after
// five seconds.
func startServer(stop syscall.Signal, name string, args ...string) (*exec.Cmd, func(), error) {
	cmd := exec.Command(name, args...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, nil, err
	}
	return cmd, func() {
		cmd.Process.Signal(stop)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}, nil
}

// upstreamServer is the fixed upstream: a JSON answer.
func upstreamServer(addr string) string {
	return fmt.Sprintf(`  server {
    listen %s;
    location / { default_type application/json; return 200 '{"id":1,"name":"item","ok":true}'; }
  }`, addr)
}

// proxyServer is nginx as the reverse proxy to the upstream, with upstream
// keep-alive.
func proxyServer(dir, upAddr, addr string, accessLog bool) string {
	access := "access_log off;"
	if accessLog {
		access = "access_log " + filepath.Join(dir, "nginx-proxy", "access.log") + " combined buffer=64k flush=1s;"
	}
	return fmt.Sprintf(`  upstream backend { server %s; keepalive 64; }
  server {
    listen %s;
    %s
    location /bench/v1/ {
      proxy_pass http://backend/v1/;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }`, upAddr, addr, access)
}

// cpuTicks is the user and system CPU time, in clock ticks, of the
// processes pids and of their children that are running (nginx's workers).
func cpuTicks(pids ...int) int64 {
	var sum int64
	want := map[int]bool{}
	for _, p := range pids {
		want[p] = true
	}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// The fields after the command (which may hold spaces), from the
		// state (field 3): ppid is field 4, utime 14, stime 15.
		i := strings.LastIndexByte(string(b), ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(b[i+1:]))
		if len(f) < 13 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		if !want[pid] && !want[ppid] {
			continue
		}
		ut, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		sum += ut + st
	}
	return sum
}

// cpuEach is cpuTicks of each process of pids.
func cpuEach(pids []int) []int64 {
	ticks := make([]int64, len(pids))
	for i, p := range pids {
		ticks[i] = cpuTicks(p)
	}
	return ticks
}

// cpuSplit is the CPU time the processes spent between two cpuEach, in
// all, and, when they are several, how it was split between them (as
// ", split 52/48 %"): processes sharing a port with SO_REUSEPORT get the
// connections the kernel hashes to each, not necessarily as many.
func cpuSplit(before, after []int64) (string, int64) {
	var sum int64
	for i := range after {
		sum += after[i] - before[i]
	}
	if len(after) < 2 || sum == 0 {
		return "", sum
	}
	parts := make([]string, len(after))
	for i := range after {
		parts[i] = strconv.FormatInt((after[i]-before[i])*100/sum, 10)
	}
	return ", split " + strings.Join(parts, "/") + " %", sum
}

// clockTicks is the kernel's USER_HZ: 100 on Linux.
const clockTicks = 100

func waitOK(ctx context.Context, url string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		req.Header.Set("X-API-Key", benchKey)
		resp, err := benchClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
			err = errors.New(resp.Status)
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("not answering 200: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

var (
	rpsLine   = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	countLine = regexp.MustCompile(`(\d+) requests in `)
	p99Line   = regexp.MustCompile(`(?m)^\s+99%\s+([0-9.]+)(us|ms|s)\s*$`)
	p50Line   = regexp.MustCompile(`(?m)^\s+50%\s+([0-9.]+)(us|ms|s)\s*$`)
	errLine   = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)|Socket errors: .*`)
)

// runWrk runs wrk against url, with the Lua script (its delay() paces the
// connections) when script is not empty.
func runWrk(ctx context.Context, url string, d time.Duration, conns, threads int, script string) (result, int, error) {
	ctx, cancel := context.WithTimeout(ctx, d+30*time.Second)
	defer cancel()
	args := []string{"-t" + strconv.Itoa(threads), "-c" + strconv.Itoa(conns), "-d" + strconv.Itoa(int(d.Seconds())) + "s", "--latency", "-H", "X-API-Key: " + benchKey}
	if script != "" {
		args = append(args, "-s", script)
	}
	cmd := exec.CommandContext(ctx, "wrk", append(args, url)...)
	out, err := cmd.Output()
	if err != nil {
		return result{}, 0, fmt.Errorf("wrk: %v", err)
	}
	s := string(out)
	if m := errLine.FindString(s); m != "" {
		return result{}, 0, fmt.Errorf("wrk saw failures (%s):\n%s", m, s)
	}
	rm, pm, hm, nm := rpsLine.FindStringSubmatch(s), p99Line.FindStringSubmatch(s), p50Line.FindStringSubmatch(s), countLine.FindStringSubmatch(s)
	if rm == nil || pm == nil || hm == nil || nm == nil {
		return result{}, 0, fmt.Errorf("unexpected wrk output:\n%s", s)
	}
	n, _ := strconv.Atoi(nm[1])
	if n == 0 {
		return result{}, 0, fmt.Errorf("wrk made no request:\n%s", s)
	}
	rps, _ := strconv.ParseFloat(rm[1], 64)
	return result{rps: rps, p50: wrkDuration(hm), p99: wrkDuration(pm)}, n, nil
}

// wrkDuration reads a latency wrk printed, as matched by p50Line or p99Line.
func wrkDuration(m []string) time.Duration {
	v, _ := strconv.ParseFloat(m[1], 64)
	unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[m[2]]
	return time.Duration(v * float64(unit))
}

func median(rs []result) result {
	rps := make([]float64, len(rs))
	p50 := make([]time.Duration, len(rs))
	p99 := make([]time.Duration, len(rs))
	cpu := make([]time.Duration, len(rs))
	for i, r := range rs {
		rps[i], p50[i], p99[i], cpu[i] = r.rps, r.p50, r.p99, r.cpu
	}
	slices.Sort(rps)
	slices.Sort(p50)
	slices.Sort(p99)
	slices.Sort(cpu)
	return result{rps: rps[len(rps)/2], p50: p50[len(p50)/2], p99: p99[len(p99)/2], cpu: cpu[len(cpu)/2]}
}

// startSpike starts bench/evloopspike's (or bench/hertzspike's, or bench/gnetspike's) binary on addr, proxying to upAddr with
// the bench key, with more flags and environment variables.
func startSpike(bin, addr, upAddr string, args, env []string) (*exec.Cmd, error) {
	cmd := exec.Command(bin, append([]string{"-addr", addr, "-upstream", upAddr, "-key", benchKey}, args...)...)
	if len(env) > 0 {
		cmd.Env = append(os.Environ(), env...)
	}
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	return cmd, cmd.Start()
}

// stopSpike ends a spike started by startSpike and waits for it.
func stopSpike(cmd *exec.Cmd) {
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()
}
