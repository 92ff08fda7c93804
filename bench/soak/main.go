// Command soak runs a portal and two portico-gateway nodes on 127.0.0.1 for
// a bounded time under churn, and looks for slow leaks: it samples each
// process's goroutines, open file descriptors and resident memory, the row
// counts of the database's tables and the nodes' data directories, and
// prints how each grew between the first sample after the warm-up and the
// last, flagging what grows steadily with time or with the churn.
//
// It builds `portico` and `portico-gateway` from this tree, fills a portal
// (SQLite in a temporary directory) with the demo's data, registers the
// nodes and an upstream of its own, then, until -duration ends:
//
//   - publishes new versions of an API through review, deprecates and
//     undeprecates it, and moves an API's upstream between two servers;
//   - subscribes an app on a plan that needs approval, approves the
//     subscription, cancels it; issues, rotates and revokes keys;
//   - kills node B (SIGKILL and SIGTERM in turns) and starts it again on the
//     same data, so it reconnects to the portal's long-poll;
//   - sends requests through both nodes with good, revoked, unknown and no
//     keys, and requests a slow upstream answers that the client gives up on;
//   - searches the catalog (JSON API and page), logs in and out, calls the
//     JSON API with tokens;
//   - opens the portal's long-poll (as a third node), the MCP endpoint, and
//     half-sent requests to the portal and the nodes, and drops them.
//
// Everything stops when the run ends or on Ctrl-C; nothing is installed.
package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"text/tabwriter"
	"time"

	_ "modernc.org/sqlite"
)

const metricsToken = "soak-metrics-token-0123456789"

func main() {
	duration := flag.Duration("duration", 5*time.Minute, "how long the churn runs, warm-up included (30s to 15m)")
	warmup := flag.Duration("warmup", 150*time.Second, "samples before this are not compared: caches fill, and the nodes keep a replaced upstream's idle connections for 60 s and its DNS cache for 2 min")
	interval := flag.Duration("interval", 10*time.Second, "time between samples")
	restartEvery := flag.Duration("restart-every", 15*time.Second, "how often node B is killed and started again")
	keep := flag.Bool("keep", false, "keep the work directory (logs, goroutine dumps of the portal and node A at the start and end of the compared span, the samples as CSV) and print its path")
	flag.Parse()
	if *duration < 30*time.Second || *duration > 15*time.Minute {
		fmt.Fprintln(os.Stderr, "soak: -duration from 30s to 15m")
		os.Exit(2)
	}
	if *warmup >= *duration || *interval < time.Second || *restartEvery < 2*time.Second {
		fmt.Fprintln(os.Stderr, "soak: -warmup shorter than -duration, -interval at least 1s, -restart-every at least 2s")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, *duration, *warmup, *interval, *restartEvery, *keep)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}

// counters of what the churn did, by operation and outcome.
type counters struct {
	mu sync.Mutex
	m  map[string]int
}

func (c *counters) add(k string) {
	c.mu.Lock()
	c.m[k]++
	c.mu.Unlock()
}

func (c *counters) total(prefix string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for k, v := range c.m {
		if strings.HasPrefix(k, prefix) {
			n += v
		}
	}
	return n
}

type env struct {
	dir, bin, gwBin string
	portalURL       string
	portalAddr      string
	pprofAddr       string
	data            string
	tokens          map[string]string
	password        string
	ops             *counters
	churn           atomic.Int64 // changes made through the portal and node restarts
	client          *http.Client
}

func run(ctx context.Context, duration, warmup, interval, restartEvery time.Duration, keep bool) error {
	dir, err := os.MkdirTemp("", "portico-soak-")
	if err != nil {
		return err
	}
	if keep {
		fmt.Println("work directory (kept):", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	e := &env{dir: dir, data: filepath.Join(dir, "portal"), tokens: map[string]string{}, ops: &counters{m: map[string]int{}},
		client: &http.Client{Timeout: 30 * time.Second}}
	fmt.Println("building portico and portico-gateway…")
	e.bin, e.gwBin = filepath.Join(dir, "portico"), filepath.Join(dir, "portico-gateway")
	for bin, pkg := range map[string]string{e.bin: "./cmd/portico", e.gwBin: "./cmd/portico-gateway"} {
		if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
			return fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
		}
	}

	// Two upstreams: the API's target moves between them. /slow answers
	// after a second, later than the clients that call it wait.
	upstream := func(name string) *httptest.Server {
		return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/slow") {
				select {
				case <-time.After(time.Second):
				case <-r.Context().Done():
					return
				}
			}
			io.Copy(io.Discard, r.Body)
			fmt.Fprintf(w, "%s %s\n", name, r.URL.Path)
		}))
	}
	up1, up2 := upstream("up1"), upstream("up2")
	defer up1.Close()
	defer up2.Close()

	demo, err := e.portico(ctx, "demo")
	if err != nil {
		return err
	}
	m := regexp.MustCompile(`Demo users share one password, shown once: (\S+)`).FindStringSubmatch(demo)
	if m == nil {
		return fmt.Errorf("no demo password in:\n%s", demo)
	}
	e.password = m[1]
	for _, u := range []string{"admin", "ada", "emma", "rita"} {
		tok, err := e.portico(ctx, "token", "create", "--username", u, "--name", "soak")
		if err != nil {
			return err
		}
		e.tokens[u] = strings.TrimSpace(tok)
	}
	nodeTokens := map[string]string{}
	for _, n := range []string{"node-a", "node-b", "ghost"} {
		tok, err := e.portico(ctx, "gateway-node", "create", "--name", n)
		if err != nil {
			return err
		}
		nodeTokens[n] = strings.TrimSpace(tok)
	}

	e.portalAddr, e.pprofAddr = freeAddr(), freeAddr()
	e.portalURL = "http://" + e.portalAddr
	portal, err := startLogged(filepath.Join(dir, "portal.log"), nil, e.bin, "serve", "--data", e.data, "--addr", e.portalAddr,
		"--pprof-addr", e.pprofAddr, "--metrics-token", metricsToken, "--log-level", "warn")
	if err != nil {
		return err
	}
	defer portal.stop(syscall.SIGTERM)
	if err := waitOK(ctx, e.portalURL+"/readyz", 60*time.Second); err != nil {
		return fmt.Errorf("the portal did not become ready: %w (see %s)", err, filepath.Join(dir, "portal.log"))
	}

	// The demo's active subscription of commerce (emma) to an API of
	// payments (ada): its major routes to the upstream, its plan allows the
	// traffic, and it gets a key.
	var subs struct {
		Subscriptions []map[string]any `json:"subscriptions"`
	}
	if err := e.call(ctx, "GET", "/api/v1/subscriptions?role=consumer&state=active", "emma", nil, 200, &subs); err != nil {
		return err
	}
	if len(subs.Subscriptions) == 0 {
		return errors.New("the demo has no active subscription of commerce")
	}
	sub := subs.Subscriptions[0]
	api, major, app := sub["api"].(string), int(sub["major"].(float64)), sub["app"].(string)
	subID := fmt.Sprint(sub["id"])
	gwPath := fmt.Sprintf("/api/v1/apis/%s/gateway/%d", api, major)
	if err := e.call(ctx, "PUT", gwPath, "ada", map[string]any{"targets": []string{up1.URL + "/base"}}, 201, nil); err != nil {
		return err
	}
	if err := e.call(ctx, "PATCH", fmt.Sprintf("/api/v1/apis/%s/plans/%v", api, sub["plan"]), "ada", map[string]any{"rate_per_minute": 600000, "burst": 10000, "quota_per_day": 0}, 200, nil); err != nil {
		return err
	}
	// An API of its own, published through review, with a plan that
	// needs approval.
	steps := []struct {
		method, path, user string
		body               any
		want               int
	}{
		{"POST", "/api/v1/apis", "ada", map[string]any{"team": "payments", "slug": "soak", "name": "Soak", "visibility": "public"}, 201},
		{"POST", "/api/v1/apis/soak/versions", "ada", map[string]any{"version": "1.0.0", "spec": soakSpec("1.0.0")}, 201},
		{"PUT", "/api/v1/apis/soak/gateway/1", "ada", map[string]any{"targets": []string{up2.URL}}, 201},
		{"POST", "/api/v1/apis/soak/plans", "ada", map[string]any{"slug": "gold", "name": "Gold", "rate_per_minute": 6000, "burst": 100, "approval": "manual"}, 201},
	}
	for _, s := range steps {
		if err := e.call(ctx, s.method, s.path, s.user, s.body, s.want, nil); err != nil {
			return err
		}
	}
	if err := e.publish(ctx, "1.0.0"); err != nil {
		return err
	}

	// The nodes, on fixed addresses so that B comes back where it was.
	type node struct {
		name, addr, admin, data string
		p                       *proc
	}
	nodes := []*node{{name: "node-a"}, {name: "node-b"}}
	startNode := func(n *node) error {
		p, err := startLogged(filepath.Join(dir, n.name+".log"), []string{"PORTICO_GATEWAY_TOKEN=" + nodeTokens[n.name]}, e.gwBin,
			"--portal", e.portalURL, "--addr", n.addr, "--admin-addr", n.admin, "--data", n.data, "--access-log", "off",
			"--log-level", "warn", "--usage-interval", "2s")
		if err != nil {
			return err
		}
		n.p = p
		return waitOK(ctx, "http://"+n.admin+"/healthz", 20*time.Second)
	}
	for _, n := range nodes {
		n.addr, n.admin, n.data = freeAddr(), freeAddr(), filepath.Join(dir, n.name)
		if err := startNode(n); err != nil {
			return err
		}
	}
	defer func() {
		for _, n := range nodes {
			n.p.stop(syscall.SIGTERM)
		}
	}()
	var nodeMu sync.Mutex // guards nodes[1].p during restarts

	// keys: the newest good key of the demo subscription, and keys that
	// were revoked or rotated away (bad).
	var keyMu sync.Mutex
	var goodKey string
	var badKeys []string
	var k map[string]any
	if err := e.call(ctx, "POST", "/api/v1/subscriptions/"+subID+"/keys", "emma", map[string]any{"name": "soak"}, 201, &k); err != nil {
		return err
	}
	goodKey = k["key"].(string)
	liveKeyIDs := []string{k["id"].(string)}
	routePath := fmt.Sprintf("/%s/v%d/items", api, major)
	if err := waitStatus(ctx, "http://"+nodes[0].addr+routePath, goodKey, 200, 20*time.Second); err != nil {
		return fmt.Errorf("node A does not serve the demo API: %w", err)
	}

	end := time.Now().Add(duration)
	runCtx, cancel := context.WithDeadline(ctx, end)
	defer cancel()
	var wg sync.WaitGroup
	loop := func(every time.Duration, f func(i int)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.NewTicker(every)
			defer t.Stop()
			for i := 0; ; i++ {
				select {
				case <-runCtx.Done():
					return
				case <-t.C:
				}
				f(i)
			}
		}()
	}

	// The portal's changes, one round a second.
	version := 0
	var soakSub string
	loop(time.Second, func(i int) {
		c := runCtx
		// The upstream moves.
		target := up2.URL + "/base"
		if i%2 == 1 {
			target = up1.URL + "/base"
		}
		e.op(c, "upstream", "PUT", gwPath, "ada", map[string]any{"targets": []string{target}, "note": fmt.Sprintf("soak %d", i)}, 201, nil)
		// A key issued; then the oldest live key rotated (no grace) and
		// the next revoked. Keys replaced are sent later as bad keys.
		var nk map[string]any
		if e.op(c, "key-issue", "POST", "/api/v1/subscriptions/"+subID+"/keys", "emma", map[string]any{"name": fmt.Sprintf("soak %d", i)}, 201, &nk) {
			liveKeyIDs = append(liveKeyIDs, nk["id"].(string))
			keyMu.Lock()
			badKeys = append(badKeys, goodKey)
			goodKey = nk["key"].(string)
			keyMu.Unlock()
		}
		if len(liveKeyIDs) >= 3 {
			var rk map[string]any
			if e.op(c, "key-rotate", "POST", "/api/v1/keys/"+liveKeyIDs[0]+"/rotate", "emma", map[string]any{"grace_seconds": 0}, 201, &rk) {
				if id, ok := rk["id"].(string); ok {
					liveKeyIDs = append(liveKeyIDs, id)
				}
			}
			e.op(c, "key-revoke", "POST", "/api/v1/keys/"+liveKeyIDs[1]+"/revoke", "emma", nil, 200, nil)
			liveKeyIDs = liveKeyIDs[2:]
		}
		keyMu.Lock()
		if len(badKeys) > 50 {
			badKeys = badKeys[len(badKeys)-50:]
		}
		keyMu.Unlock()
		// A subscription that needs approval: asked, approved, cancelled.
		switch i % 3 {
		case 0:
			var s map[string]any
			if e.op(c, "subscribe", "POST", "/api/v1/apps/"+app+"/subscriptions", "emma", map[string]any{"api": "soak", "plan": "gold", "purpose": "soak test"}, 201, &s) {
				soakSub = fmt.Sprint(s["id"])
			}
		case 1:
			if soakSub != "" {
				e.op(c, "approve", "POST", "/api/v1/subscriptions/"+soakSub+"/approve", "ada", map[string]any{}, 200, nil)
			}
		case 2:
			if soakSub != "" {
				e.op(c, "cancel", "POST", "/api/v1/subscriptions/"+soakSub+"/cancel", "emma", nil, 200, nil)
				soakSub = ""
			}
		}
		// The lifecycle: a new version every 10 rounds, deprecated and
		// undeprecated in between.
		cur := fmt.Sprintf("1.0.%d", version)
		switch i % 10 {
		case 3:
			e.op(c, "deprecate", "POST", "/api/v1/apis/soak/versions/"+cur+"/deprecate", "ada", map[string]any{"sunset": time.Now().AddDate(0, 0, 90).Format("2006-01-02")}, 200, nil)
		case 6:
			e.op(c, "undeprecate", "POST", "/api/v1/apis/soak/versions/"+cur+"/undeprecate", "ada", nil, 200, nil)
		case 9:
			next := fmt.Sprintf("1.0.%d", version+1)
			if e.op(c, "draft", "POST", "/api/v1/apis/soak/versions", "ada", map[string]any{"version": next, "spec": soakSpec(next)}, 201, nil) {
				if err := e.publish(c, next); err != nil {
					e.ops.add("publish-fail")
				} else {
					e.ops.add("publish-ok")
					e.churn.Add(1)
					version++
				}
			}
		}
	})

	// Node B killed and started again.
	loop(restartEvery, func(i int) {
		nodeMu.Lock()
		defer nodeMu.Unlock()
		sig := syscall.SIGKILL
		if i%2 == 1 {
			sig = syscall.SIGTERM
		}
		nodes[1].p.stop(sig)
		if err := startNode(nodes[1]); err != nil {
			e.ops.add("node-restart-fail")
			return
		}
		e.ops.add("node-restart-ok")
		e.churn.Add(1)
	})

	// Requests through the nodes.
	for w := range 2 {
		loop(20*time.Millisecond, func(i int) {
			n := nodes[(i+w)%2]
			keyMu.Lock()
			key := goodKey
			switch i % 5 {
			case 1:
				if len(badKeys) > 0 {
					key = badKeys[rand.IntN(len(badKeys))]
				}
			case 2:
				key = "ptk_unknown_" + strconv.Itoa(i)
			case 3:
				key = ""
			}
			keyMu.Unlock()
			path, timeout, name := routePath, 5*time.Second, "node-req"
			if i%10 == 4 {
				path, timeout, name = fmt.Sprintf("/%s/v%d/slow", api, major), 50*time.Millisecond, "node-abandoned"
			}
			c, cancel := context.WithTimeout(runCtx, timeout)
			defer cancel()
			req, _ := http.NewRequestWithContext(c, "GET", "http://"+n.addr+path, nil)
			if key != "" {
				req.Header.Set("X-API-Key", key)
			}
			resp, err := e.client.Do(req)
			if err != nil {
				e.ops.add(name + "-err")
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			e.ops.add(fmt.Sprintf("%s-%d", name, resp.StatusCode))
		})
	}

	// Searches, pages, JSON API calls with tokens, logins and logouts.
	queries := []string{"payments", "parcel", "weather", "time zone", "refund", "soak", "invoice", "user accounts"}
	users := []string{"ada", "emma", "rita", "chen"}
	loop(150*time.Millisecond, func(i int) {
		c := runCtx
		q := url.QueryEscape(queries[i%len(queries)])
		switch i % 6 {
		case 0:
			e.op(c, "search", "GET", "/api/v1/search?q="+q, "emma", nil, 200, nil)
		case 1:
			e.op(c, "api-me", "GET", "/api/v1/me", "rita", nil, 200, nil)
		case 2:
			e.op(c, "api-subs", "GET", "/api/v1/subscriptions", "emma", nil, 200, nil)
		case 3:
			e.op(c, "api-get", "GET", "/api/v1/apis/soak/versions", "ada", nil, 200, nil)
		case 4, 5:
			if err := e.browse(c, users[i%len(users)], "/catalog?q="+q); err != nil {
				e.ops.add("login-cycle-fail")
			} else {
				e.ops.add("login-cycle-ok")
			}
		}
	})

	// Clients that open connections and drop them.
	var ghost struct {
		Version uint64 `json:"version"`
		Hash    string `json:"hash"`
	}
	loop(100*time.Millisecond, func(i int) {
		switch i % 5 {
		case 0: // the long-poll, as a node that goes away: once it knows
			// a version, the portal holds its polls until the next change
			c, cancel := context.WithTimeout(runCtx, time.Duration(rand.IntN(1500))*time.Millisecond)
			defer cancel()
			body := `{"type":"hello","version":0,"hash":"","wait_ms":25000,"agent":"soak ghost","quotas":"none"}`
			if ghost.Version > 0 {
				body = fmt.Sprintf(`{"type":"poll","version":%d,"hash":%q,"wait_ms":25000,"agent":"soak ghost","quotas":"none"}`, ghost.Version, ghost.Hash)
			}
			req, _ := http.NewRequestWithContext(c, "POST", e.portalURL+"/api/v1/gateway/sync", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+nodeTokens["ghost"])
			req.Header.Set("Content-Type", "application/json")
			resp, err := e.client.Do(req)
			if err == nil {
				// A snapshot or a heartbeat says the version; a delta is
				// dropped unread, and the next poll is from the old version.
				if ct := resp.Header.Get("Content-Type"); resp.StatusCode == 200 && ct != "application/vnd.portico.gateway.delta+json" {
					var h struct {
						Version uint64 `json:"version"`
						Hash    string `json:"hash"`
					}
					if json.NewDecoder(io.LimitReader(resp.Body, 4<<20)).Decode(&h) == nil && h.Version > 0 {
						ghost = h
					}
				}
				resp.Body.Close()
				e.ops.add(fmt.Sprintf("drop-sync-answered-%d", resp.StatusCode))
			} else {
				e.ops.add("drop-sync")
			}
		case 1: // MCP as an event stream
			c, cancel := context.WithTimeout(runCtx, 200*time.Millisecond)
			defer cancel()
			req, _ := http.NewRequestWithContext(c, "GET", e.portalURL+"/mcp", nil)
			req.Header.Set("Authorization", "Bearer "+e.tokens["emma"])
			req.Header.Set("Accept", "text/event-stream")
			if resp, err := e.client.Do(req); err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			e.ops.add("drop-mcp")
		case 2: // half a sync request to the portal
			halfSent(e.portalAddr, "POST /api/v1/gateway/sync HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "+nodeTokens["ghost"]+"\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"type\":")
			e.ops.add("drop-half-portal")
		case 3: // half a request's headers to a node
			halfSent(nodes[0].addr, "GET "+routePath+" HTTP/1.1\r\nHost: x\r\nX-API-Ke")
			e.ops.add("drop-half-node")
		case 4: // a body promised to a node and not sent
			keyMu.Lock()
			key := goodKey
			keyMu.Unlock()
			halfSent(nodes[0].addr, "POST "+routePath+" HTTP/1.1\r\nHost: x\r\nX-API-Key: "+key+"\r\nContent-Length: 100000\r\n\r\nabc")
			e.ops.add("drop-body-node")
		}
	})

	// The samples.
	type sample struct {
		at    time.Duration
		churn int64
		v     map[string]float64
	}
	var samples []sample
	start := time.Now()
	dumped := false
	takeSample := func() {
		s := sample{at: time.Since(start), churn: e.churn.Load(), v: map[string]float64{}}
		procSample(s.v, "portal", portal.cmd.Process.Pid, e.portalURL+"/metrics", metricsToken)
		procSample(s.v, "node-a", nodes[0].p.cmd.Process.Pid, "http://"+nodes[0].admin+"/metrics", "")
		nodeMu.Lock()
		procSample(s.v, "node-b", nodes[1].p.cmd.Process.Pid, "http://"+nodes[1].admin+"/metrics", "")
		nodeMu.Unlock()
		for _, n := range nodes {
			size, files := dirSize(n.data)
			s.v[n.name+" data bytes"], s.v[n.name+" data files"] = float64(size), float64(files)
		}
		dbSample(s.v, filepath.Join(e.data, "portico.db"))
		samples = append(samples, s)
		if s.at >= warmup && !dumped && keep {
			dumped = true
			e.dumpPortal("goroutines-portal-start.txt")
		}
		fmt.Printf("  %4.0fs  churn %5d  portal: %4.0f goroutines %4.0f fds %6.1f MiB   node A: %4.0f goroutines %4.0f fds %6.1f MiB\n",
			s.at.Seconds(), s.churn, s.v["portal goroutines"], s.v["portal fds"], s.v["portal rss"]/(1<<20),
			s.v["node-a goroutines"], s.v["node-a fds"], s.v["node-a rss"]/(1<<20))
	}
	fmt.Printf("churning for %s (warm-up %s, a sample every %s, node B restarted every %s)\n", duration, warmup, interval, restartEvery)
	takeSample()
	t := time.NewTicker(interval)
sampling:
	for {
		select {
		case <-runCtx.Done():
			break sampling
		case <-t.C:
			takeSample()
		}
	}
	t.Stop()
	cancel()
	wg.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	// The churn stopped: a last sample once the dropped connections have
	// had time to end, then the dumps.
	time.Sleep(3 * time.Second)
	takeSample()
	if keep {
		e.dumpPortal("goroutines-portal-end.txt")
		// SIGQUIT makes node A print every goroutine's stack to its log.
		nodes[0].p.cmd.Process.Signal(syscall.SIGQUIT)
		nodes[0].p.wait()
		var csv bytes.Buffer
		names := sortedKeys(samples[len(samples)-1].v)
		csv.WriteString("seconds,churn," + strings.Join(names, ",") + "\n")
		for _, s := range samples {
			fmt.Fprintf(&csv, "%.0f,%d", s.at.Seconds(), s.churn)
			for _, n := range names {
				fmt.Fprintf(&csv, ",%g", s.v[n])
			}
			csv.WriteString("\n")
		}
		os.WriteFile(filepath.Join(dir, "samples.csv"), csv.Bytes(), 0o644)
	}

	fmt.Println("\nwhat the churn did:")
	e.ops.mu.Lock()
	opNames := sortedKeys(e.ops.m)
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	for i, n := range opNames {
		fmt.Fprintf(w, "  %s\t%d", n, e.ops.m[n])
		if i%3 == 2 || i == len(opNames)-1 {
			fmt.Fprintln(w)
		} else {
			fmt.Fprint(w, "\t")
		}
	}
	e.ops.mu.Unlock()
	w.Flush()

	// Growth between the first sample after the warm-up and the last.
	var kept []sample
	for _, s := range samples {
		if s.at >= warmup {
			kept = append(kept, s)
		}
	}
	if len(kept) < 3 {
		return fmt.Errorf("only %d samples after the warm-up: run longer or sample more often", len(kept))
	}
	first, last := kept[0], kept[len(kept)-1]
	fmt.Printf("\ngrowth from %.0fs to %.0fs (churn %d → %d); node B's process figures are of its latest start:\n", first.at.Seconds(), last.at.Seconds(), first.churn, last.churn)
	w = tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "\tfirst\tlast\tlast/first\tr(time)\tr(churn)\tper 1000 churn\t\t")
	flagged := 0
	for _, n := range sortedKeys(last.v) {
		a, b := first.v[n], last.v[n]
		ts, cs, vs := make([]float64, len(kept)), make([]float64, len(kept)), make([]float64, len(kept))
		for i, s := range kept {
			ts[i], cs[i], vs[i] = s.at.Seconds(), float64(s.churn), s.v[n]
		}
		rt, rc := pearson(ts, vs), pearson(cs, vs)
		ratio := math.NaN()
		if a != 0 {
			ratio = b / a
		}
		per := (b - a) / math.Max(1, float64(last.churn-first.churn)) * 1000
		verdict := ""
		if why, ok := byDesign[strings.TrimPrefix(n, "db ")]; ok && strings.HasPrefix(n, "db ") {
			if b > a {
				verdict = "kept: " + why
			}
		} else if grows(n, a, b, rt, rc) {
			verdict = "GROWS"
			flagged++
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%.2f\t%.2f\t%.2f\t%s\t%s\t\n", n, num(a), num(b), ratio, rt, rc, num(per), verdict)
	}
	w.Flush()
	if flagged == 0 {
		fmt.Println("\nnothing grows steadily with time or churn beyond the thresholds (see grows in bench/soak/main.go)")
	} else {
		fmt.Printf("\n%d figures grow steadily (GROWS): more than the threshold between first and last, and correlated (r ≥ 0.8) with time or churn\n", flagged)
	}
	return nil
}

// byDesign are the tables that grow with the churn as designed: history
// that is never pruned, or pruned only after days (cmd/portico/run.go's
// housekeeping), longer than a soak runs. Every other table is expected to
// stay bounded (sessions end at logout, gateway_changes keeps 512 changes
// and two checkpoints, instances and nodes are few).
var byDesign = map[string]string{
	"audit_events":         "never pruned",
	"api_keys":             "history",
	"api_versions":         "history",
	"apis":                 "history",
	"apps":                 "history",
	"subscriptions":        "history",
	"publication_requests": "history",
	"review_reports":       "history",
	"notifications":        "history",
	"gateway_deployments":  "history",
	"outbox":               "delivered kept 7 days",
	"index_log":            "kept 7 days",
	"form_submissions":     "kept 1 day",
	"usage_batches":        "ids kept 7 days",
	"usage_rollups":        "per minute, rolled up later",
	"usage_hourly":         "per hour",
}

// grows says whether a figure grew enough, and steadily enough, to be a
// leak candidate: an absolute floor per kind (a few goroutines or fds come
// and go with the load), 10 % over the first, and a correlation with time
// or churn of at least 0.8.
func grows(name string, a, b, rt, rc float64) bool {
	if strings.HasPrefix(name, "node-b ") && !strings.Contains(name, " data ") {
		return false // a new process every few seconds
	}
	floor := 10.0
	switch {
	case strings.HasSuffix(name, "goroutines"):
		floor = 20
	case strings.HasSuffix(name, " rss"):
		floor = 16 << 20
	case strings.HasSuffix(name, " bytes"):
		floor = 256 << 10
	}
	return b-a >= floor && b > a*1.1 && math.Max(rt, rc) >= 0.8
}

func num(v float64) string {
	switch {
	case math.IsNaN(v):
		return "-"
	case math.Abs(v) >= 1<<20:
		return fmt.Sprintf("%.1fMi", v/(1<<20))
	case math.Abs(v) >= 10000:
		return fmt.Sprintf("%.0fk", v/1000)
	case v == math.Trunc(v):
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

func pearson(x, y []float64) float64 {
	n := float64(len(x))
	var sx, sy, sxx, syy, sxy float64
	for i := range x {
		sx, sy = sx+x[i], sy+y[i]
		sxx, syy, sxy = sxx+x[i]*x[i], syy+y[i]*y[i], sxy+x[i]*y[i]
	}
	d := math.Sqrt((n*sxx - sx*sx) * (n*syy - sy*sy))
	if d == 0 {
		return 0
	}
	return (n*sxy - sx*sy) / d
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// procSample records a process's goroutines (its Prometheus
// go_goroutines), open file descriptors and resident memory (from /proc).
func procSample(v map[string]float64, name string, pid int, metricsURL, token string) {
	if fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid)); err == nil {
		v[name+" fds"] = float64(len(fds))
	}
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid)); err == nil {
		for line := range strings.Lines(string(b)) {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
				kb, _ := strconv.ParseFloat(f[1], 64)
				v[name+" rss"] = kb * 1024
			}
		}
	}
	req, _ := http.NewRequest("GET", metricsURL, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		return
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 2 && f[0] == "go_goroutines" {
			v[name+" goroutines"], _ = strconv.ParseFloat(f[1], 64)
		}
	}
}

// dbSample records the row count of every table of the portal's database
// (read-only, on a connection of its own closed at once).
func dbSample(v map[string]float64, path string) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		return
	}
	defer db.Close()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'bun_%'`)
	if err != nil {
		return
	}
	var tables []string
	for rows.Next() {
		var t string
		rows.Scan(&t)
		tables = append(tables, t)
	}
	rows.Close()
	for _, t := range tables {
		var n float64
		if db.QueryRow(`SELECT count(*) FROM "`+t+`"`).Scan(&n) == nil {
			v["db "+t] = n
		}
	}
	if st, err := os.Stat(path + "-wal"); err == nil {
		v["db wal bytes"] = float64(st.Size())
	}
}

func dirSize(dir string) (int64, int) {
	var size int64
	files := 0
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				size += info.Size()
				files++
			}
		}
		return nil
	})
	return size, files
}

func (e *env) dumpPortal(name string) {
	resp, err := http.Get("http://" + e.pprofAddr + "/debug/pprof/goroutine?debug=1")
	if err != nil {
		return
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	os.WriteFile(filepath.Join(e.dir, name), b, 0o644)
}

// halfSent opens a connection, writes part of a request and drops it.
func halfSent(addr, part string) {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return
	}
	c.Write([]byte(part))
	time.Sleep(time.Duration(rand.IntN(300)) * time.Millisecond)
	if tc, ok := c.(*net.TCPConn); ok && rand.IntN(2) == 0 {
		tc.SetLinger(0) // a reset, not a close
	}
	c.Close()
}

func (e *env) portico(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, e.bin, append(args, "--data", e.data)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("portico %v: %v\n%s%s", args, err, stdout.String(), stderr.String())
	}
	return stdout.String(), nil
}

// call makes a JSON API call as user; an answer other than want is an error.
func (e *env) call(ctx context.Context, method, path, user string, body any, want int, out any) error {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, e.portalURL+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+e.tokens[user])
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := e.client.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s as %s: %d, want %d: %.300s", method, path, user, resp.StatusCode, want, raw)
	}
	if out != nil {
		return json.Unmarshal(raw, out)
	}
	return nil
}

// op is a call of the churn: counted by name and outcome; the first
// failures of each are printed.
func (e *env) op(ctx context.Context, name, method, path, user string, body any, want int, out any) bool {
	err := e.call(ctx, method, path, user, body, want, out)
	if err != nil {
		if ctx.Err() != nil {
			return false
		}
		e.ops.add(name + "-fail")
		if e.ops.total(name+"-fail") <= 2 {
			fmt.Println("  (churn)", err)
		}
		return false
	}
	e.ops.add(name + "-ok")
	if method != "GET" {
		e.churn.Add(1)
	}
	return true
}

// publish submits a version to review and approves it.
func (e *env) publish(ctx context.Context, version string) error {
	var review map[string]any
	if err := e.call(ctx, "POST", "/api/v1/apis/soak/versions/"+version+"/submit", "ada", nil, 201, &review); err != nil {
		return err
	}
	return e.call(ctx, "POST", fmt.Sprintf("/api/v1/reviews/%v/approve", review["id"]), "rita", map[string]any{"comment": "fine"}, 200, nil)
}

var csrfRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// browse logs in as user with a browser's cookie jar, opens page, and
// logs out.
func (e *env) browse(ctx context.Context, user, page string) error {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path string) (int, string, error) {
		req, _ := http.NewRequestWithContext(ctx, "GET", e.portalURL+path, nil)
		resp, err := c.Do(req)
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), nil
	}
	post := func(path string, form url.Values) (int, error) {
		req, _ := http.NewRequestWithContext(ctx, "POST", e.portalURL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := c.Do(req)
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	_, body, err := get("/login")
	if err != nil {
		return err
	}
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		return errors.New("no CSRF token on /login")
	}
	if st, err := post("/login", url.Values{"_csrf": {m[1]}, "username": {user}, "password": {e.password}}); err != nil || st != http.StatusSeeOther {
		return fmt.Errorf("login: %d %v", st, err)
	}
	// A user with a one-time password is sent to /password by every page;
	// the form there carries the session's token too.
	st, body, err := get(page)
	if err != nil {
		return err
	}
	if st == http.StatusSeeOther {
		if _, body, err = get("/password"); err != nil {
			return err
		}
	}
	if m = csrfRE.FindStringSubmatch(body); m == nil {
		return fmt.Errorf("no CSRF token on %s (%d)", page, st)
	}
	if st, err := post("/logout", url.Values{"_csrf": {m[1]}}); err != nil || st != http.StatusSeeOther {
		return fmt.Errorf("logout: %d %v", st, err)
	}
	return nil
}

// proc is a started process whose output goes to a file.
type proc struct {
	cmd    *exec.Cmd
	log    *os.File
	exited chan struct{}
}

func startLogged(logPath string, env []string, bin string, args ...string) (*proc, error) {
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, err
	}
	p := &proc{cmd: cmd, log: f, exited: make(chan struct{})}
	go func() {
		cmd.Wait()
		f.Close()
		close(p.exited)
	}()
	return p, nil
}

func (p *proc) wait() {
	select {
	case <-p.exited:
	case <-time.After(40 * time.Second):
		p.cmd.Process.Kill()
		<-p.exited
	}
}

// stop sends sig and waits for the exit (SIGKILL after 40 s).
func (p *proc) stop(sig syscall.Signal) {
	select {
	case <-p.exited:
		return
	default:
	}
	p.cmd.Process.Signal(sig)
	p.wait()
}

func freeAddr() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func waitOK(ctx context.Context, u string, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		resp, err := http.Get(u)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
			err = fmt.Errorf("%s: %s", u, resp.Status)
		}
		if time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func waitStatus(ctx context.Context, u, key string, want int, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		req, _ := http.NewRequestWithContext(ctx, "GET", u, nil)
		req.Header.Set("X-API-Key", key)
		resp, err := http.DefaultClient.Do(req)
		got := 0
		if err == nil {
			got = resp.StatusCode
			resp.Body.Close()
			if got == want {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("GET %s: %d %v, want %d", u, got, err, want)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func soakSpec(version string) string {
	return `openapi: 3.0.3
info:
  title: Soak
  version: ` + version + `
  description: An API the soak test publishes, deprecates and subscribes to.
servers:
  - url: https://soak.example.com/v1
paths:
  /items/{id}:
    get:
      operationId: getItem
      summary: One item
      tags: [items]
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200": {description: The item}
`
}
