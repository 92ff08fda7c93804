package node

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/portico-dev/portico/gateway"
)

// usageKey is one key's traffic on one API version in one minute.
type usageKey struct {
	minute          int64
	sub, key, route string
}

type usageAgg struct {
	classes  [5]int64 // 2xx, 3xx, 4xx, 429, 5xx
	latency  [gateway.LatencyBuckets]int64
	in, out  int64
	requests int64
}

// usageRecorder adds up the requests of known keys per minute, in shards so
// concurrent requests seldom wait for each other.
type usageRecorder struct {
	seed   maphash.Seed
	shards [16]usageShard
}

type usageShard struct {
	mu sync.Mutex
	m  map[usageKey]*usageAgg
}

func newUsageRecorder() *usageRecorder {
	u := &usageRecorder{seed: maphash.MakeSeed()}
	for i := range u.shards {
		u.shards[i].m = map[usageKey]*usageAgg{}
	}
	return u
}

// add counts one request; requests of other classes (1xx, invalid codes)
// are not reported.
func (u *usageRecorder) add(at time.Time, sub, key, route string, status int, d time.Duration, in, out int) {
	class := classOf(status)
	var idx int
	switch class {
	case class2xx:
		idx = 0
	case class3xx:
		idx = 1
	case class4xx:
		idx = 2
	case class429:
		idx = 3
	case class5xx:
		idx = 4
	default:
		return
	}
	k := usageKey{minute: at.Unix() / 60 * 60, sub: sub, key: key, route: route}
	s := &u.shards[maphash.String(u.seed, sub)%uint64(len(u.shards))]
	s.mu.Lock()
	a := s.m[k]
	if a == nil {
		a = &usageAgg{}
		s.m[k] = a
	}
	a.classes[idx]++
	a.latency[gateway.LatencyBucket(d)]++
	a.in += int64(in)
	a.out += int64(out)
	a.requests++
	s.mu.Unlock()
}

// take returns the points counted so far and starts again.
func (u *usageRecorder) take() []gateway.UsagePoint {
	var pts []gateway.UsagePoint
	for i := range u.shards {
		s := &u.shards[i]
		s.mu.Lock()
		m := s.m
		s.m = make(map[usageKey]*usageAgg, len(m))
		s.mu.Unlock()
		for k, a := range m {
			pts = append(pts, gateway.UsagePoint{
				Minute: k.minute, Subscription: k.sub, Key: k.key, API: k.route,
				S2xx: a.classes[0], S3xx: a.classes[1], S4xx: a.classes[2], S429: a.classes[3], S5xx: a.classes[4],
				Latency: slices.Clone(a.latency[:]), BytesIn: a.in, BytesOut: a.out,
			})
		}
	}
	slices.SortFunc(pts, func(a, b gateway.UsagePoint) int {
		if a.Minute != b.Minute {
			return int(a.Minute - b.Minute)
		}
		return strings.Compare(a.Key+" "+a.API, b.Key+" "+b.API)
	})
	return pts
}

// spool keeps batches on disk, one file each, until the portal has them.
// It holds at most maxBytes: beyond, the oldest batches are dropped.
type spool struct {
	dir      string
	maxBytes int64
	prefix   string // batch ids: a random per-process part and a sequence
	seq      uint64
}

func newSpool(dir string, maxBytes int64) (*spool, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("usage spool: %w", err)
	}
	var b [6]byte
	rand.Read(b[:])
	return &spool{dir: dir, maxBytes: maxBytes, prefix: strconv.FormatInt(time.Now().Unix(), 36) + "-" + hex.EncodeToString(b[:]) + "-"}, nil
}

// put writes a batch of pts (atomically: temporary file, fsync, rename) and
// drops the oldest batches beyond the bound; it returns how many it dropped.
func (s *spool) put(pts []gateway.UsagePoint, now time.Time) (name string, dropped []string, err error) {
	s.seq++
	b := gateway.UsageBatch{ID: s.prefix + strconv.FormatUint(s.seq, 10), Points: pts}
	data, err := json.Marshal(b)
	if err != nil {
		return "", nil, err
	}
	// Names sort by time of writing: nanoseconds, zero-padded.
	name = filepath.Join(s.dir, fmt.Sprintf("batch-%020d-%06d.json", now.UnixNano(), s.seq%1_000_000))
	tmp := name + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return "", nil, fmt.Errorf("usage spool: %w", err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, name)
	}
	if err != nil {
		os.Remove(tmp)
		return "", nil, fmt.Errorf("usage spool: %w", err)
	}
	files, sizes := s.list()
	var total int64
	for _, sz := range sizes {
		total += sz
	}
	for i := 0; total > s.maxBytes && i < len(files)-1; i++ {
		if os.Remove(files[i]) == nil {
			total -= sizes[i]
			dropped = append(dropped, files[i])
		}
	}
	return name, dropped, nil
}

// list returns the spooled batches, oldest first, with their sizes.
func (s *spool) list() ([]string, []int64) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, nil
	}
	var files []string
	var sizes []int64
	for _, e := range entries {
		if e.IsDir() || !strings.HasPrefix(e.Name(), "batch-") || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		files = append(files, filepath.Join(s.dir, e.Name()))
		sizes = append(sizes, info.Size())
	}
	return files, sizes // ReadDir sorts by name: oldest first
}

type usageMetrics struct {
	batches *prometheus.CounterVec
	spooled prometheus.Gauge
}

func newUsageMetrics(reg prometheus.Registerer) *usageMetrics {
	m := &usageMetrics{
		batches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portico_gateway_usage_batches_total",
			Help: "Usage batches: sent (the portal has them), dropped (the spool was full: oldest first) or rejected (the portal refused them as invalid).",
		}, []string{"result"}),
		spooled: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "portico_gateway_usage_spooled_batches", Help: "Usage batches on disk waiting for the portal.",
		}),
	}
	reg.MustRegister(m.batches, m.spooled)
	return m
}

// errRejected is a batch the portal refused as invalid: sending it again
// cannot help.
var errRejected = errors.New("the portal rejected the batch")

// RunUsage sends the usage counted by the data plane to the portal: every
// interval it writes what was counted since as one batch to the spool in
// the data directory, then sends the spooled batches oldest first, each
// removed once the portal confirms it. While the portal is unreachable the
// batches wait on disk (at most UsageSpoolBytes; the oldest are dropped
// beyond, and counted). When ctx ends it spools what is left and returns.
func (n *Node) RunUsage(ctx context.Context) error {
	sp, err := newSpool(filepath.Join(n.opts.DataDir, "usage-spool"), n.opts.UsageSpoolBytes)
	if err != nil {
		return err
	}
	endpoint, err := usageEndpoint(n.opts.Portal)
	if err != nil {
		return err
	}
	_, sizes := sp.list()
	n.usageMetrics.spooled.Set(float64(len(sizes)))
	n.usageSpool.Store(sp)
	t := time.NewTicker(n.opts.UsageInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			n.spoolUsage(sp, time.Now())
			return nil
		case now := <-t.C:
			n.spoolUsage(sp, now)
			n.sendSpooled(ctx, sp, endpoint)
		}
	}
}

// FlushUsage writes what was counted since the last batch to the spool,
// for the next start to send: the last step of a shutdown, once the data
// plane has stopped.
func (n *Node) FlushUsage() {
	if sp := n.usageSpool.Load(); sp != nil {
		n.spoolUsage(sp, time.Now())
	}
}

func (n *Node) spoolUsage(sp *spool, now time.Time) {
	n.usageSpoolMu.Lock()
	defer n.usageSpoolMu.Unlock()
	pts := n.usage.take()
	if len(pts) == 0 {
		return
	}
	for len(pts) > 0 {
		chunk := pts[:min(len(pts), gateway.MaxUsageBatchPoints)]
		pts = pts[len(chunk):]
		name, dropped, err := sp.put(chunk, now)
		if err != nil {
			n.opts.Logger.Error("usage not written to the spool: these points are lost", "points", len(chunk), "err", err)
			n.usageMetrics.batches.WithLabelValues("dropped").Inc()
			continue
		}
		if n.quota != nil {
			n.quota.spooled(name, chunk)
			for _, f := range dropped {
				n.quota.forget(f)
			}
		}
		if len(dropped) > 0 {
			n.usageMetrics.batches.WithLabelValues("dropped").Add(float64(len(dropped)))
			n.opts.Logger.Warn("usage spool full: oldest batches dropped", "dropped", len(dropped), "max_bytes", sp.maxBytes)
		}
	}
	_, sizes := sp.list()
	n.usageMetrics.spooled.Set(float64(len(sizes)))
}

// sendSpooled sends the spooled batches in order and stops at the first
// that does not reach the portal.
func (n *Node) sendSpooled(ctx context.Context, sp *spool, endpoint string) {
	files, _ := sp.list()
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		err = n.postUsage(ctx, endpoint, data)
		if errors.Is(err, errRejected) {
			n.opts.Logger.Error("usage batch rejected by the portal: dropped", "file", filepath.Base(f), "err", err)
			n.usageMetrics.batches.WithLabelValues("rejected").Inc()
			os.Remove(f)
			if n.quota != nil {
				n.quota.forget(f)
			}
			continue
		}
		if err != nil {
			n.opts.Logger.Debug("usage not sent: kept for later", "err", err, "spooled", len(files))
			break
		}
		os.Remove(f)
		if n.quota != nil {
			n.quota.confirmed(f)
		}
		n.usageMetrics.batches.WithLabelValues("sent").Inc()
	}
	_, sizes := sp.list()
	n.usageMetrics.spooled.Set(float64(len(sizes)))
}

func (n *Node) postUsage(ctx context.Context, endpoint string, data []byte) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(data))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+n.opts.Token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", n.opts.Agent)
	resp, err := n.opts.HTTPClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	switch {
	case resp.StatusCode/100 == 2:
		return nil
	case resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusUnprocessableEntity || resp.StatusCode == http.StatusRequestEntityTooLarge:
		return fmt.Errorf("%w: %d %s", errRejected, resp.StatusCode, truncate(printable(string(body)), 300))
	}
	return fmt.Errorf("portal answered %d", resp.StatusCode)
}

func usageEndpoint(portal string) (string, error) {
	sync, err := syncEndpoint(portal)
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(sync, gateway.SyncPath) + gateway.UsagePath, nil
}
