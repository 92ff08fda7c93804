package push_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/gatewaytest"
	"github.com/portico-dev/portico/gateway/push"
	"github.com/portico-dev/portico/gateway/ratelimit"
)

// countSource is quota counts in memory, as the portal's database holds
// them: revised by every change, a subscription's count removed only with
// the subscription.
type countSource struct {
	mu   sync.Mutex
	day  int64
	seq  int
	used map[string]int64
	// read is how long the reads took (the copy, as a database read
	// builds the map).
	read time.Duration
	// written numbers the writes of the day's counts, in order (the
	// portal's usage_quota_days.seq); returned is how many counts the
	// reads returned.
	written  []string
	returned int
}

// changeSource is countSource read as the portal reads its database: the
// whole counts first, then only the counts written since the last read.
type changeSource struct{ *countSource }

func (c changeSource) QuotaChanges(_ context.Context, since push.QuotaMark) (*push.QuotaChanges, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	start := time.Now()
	out := &push.QuotaChanges{Day: c.day, Mark: push.QuotaMark{Day: c.day, Seq: int64(len(c.written))}}
	if since.Day != c.day || since == (push.QuotaMark{}) {
		out.Whole, out.Used = true, maps.Clone(c.used)
	} else {
		out.Used = map[string]int64{}
		for _, sub := range c.written[since.Seq:] {
			out.Used[sub] = c.used[sub]
		}
	}
	c.returned += len(out.Used)
	c.read += time.Since(start)
	return out, nil
}

func (c changeSource) QuotaRevisionOf(day, rows, sum int64) string {
	return fmt.Sprintf("%d-%d-%d", day, rows, sum)
}

func newCountSource(day int64, subs int) *countSource {
	c := &countSource{day: day, used: make(map[string]int64, subs)}
	for i := range subs {
		c.used[strconv.Itoa(1_000_000+i)] = int64(1 + i%5000)
	}
	return c
}

func (c *countSource) QuotaRevision(context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return fmt.Sprintf("%d-%d", c.day, c.seq), nil
}

func (c *countSource) Quotas(context.Context) (*gateway.Quotas, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	start := time.Now()
	used := maps.Clone(c.used)
	c.read += time.Since(start)
	return &gateway.Quotas{Revision: fmt.Sprintf("%d-%d", c.day, c.seq), Day: c.day, Used: used}, nil
}

// change adds to n counts from the i-th on (new subscriptions past the
// end).
func (c *countSource) change(i, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for j := i; j < i+n; j++ {
		sub := strconv.Itoa(1_000_000 + j)
		c.used[sub] += 3
		c.written = append(c.written, sub)
	}
	c.seq++
}

func (c *countSource) remove(sub string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.used, sub)
	c.seq++
}

func (c *countSource) nextDay() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.day++
	c.used = map[string]int64{"1000000": 1}
	c.written = []string{"1000000"}
	c.seq++
}

// sum names whole counts by their content: equal sums, equal counts.
func sum(day int64, used map[string]int64) string {
	h := sha256.New()
	fmt.Fprintf(h, "%d\n", day)
	for _, sub := range slices.Sorted(maps.Keys(used)) {
		fmt.Fprintf(h, "%s=%d\n", sub, used[sub])
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// quotaNode is a node as gateway/node takes counts: it names the revision
// it holds, and the whole counts it can take a delta from.
type quotaNode struct {
	held  *gateway.Quotas
	base  bool // sends quota_base (a node from before deltas does not)
	wire  int  // gzip bytes received, last answer
	delta bool // the last answer was a delta
}

func (n *quotaNode) ask(t testing.TB, hub *push.Hub, head gateway.Head, again bool) {
	t.Helper()
	r := req(gateway.MsgPoll, head)
	r.Quotas = gateway.QuotasNone
	if n.held != nil && !again {
		r.Quotas = n.held.Revision
	}
	if n.base && n.held != nil {
		r.QuotaBase = n.held.Revision
	}
	reply, err := hub.Sync(context.Background(), push.Node{Name: "n"}, r)
	if err != nil {
		t.Fatal(err)
	}
	if reply.Media != gateway.MediaQuotas {
		t.Fatalf("media %s, want quota counts", reply.Media)
	}
	n.wire = len(reply.Gzip())
	q, err := gateway.DecodeQuotas(reply.Body)
	if err != nil {
		t.Fatal(err)
	}
	n.delta = q.Base != ""
	if n.held, err = q.Over(n.held); err != nil {
		t.Fatal(err)
	}
}

// TestQuotaDeltas: a node that holds whole counts of the day gets only
// the subscriptions counted since (a change of 30 of 20,000 subscriptions
// costs it a small fraction of the whole counts), and still holds exactly
// the portal's counts (their sums agree); a node that names no base (one
// from before deltas, or holding none), a base the hub does not know or
// too old, a day gone or a count removed gets the whole counts.
//
// With a QuotaChangeSource (the portal's), the same, the hub reading only
// the counts written since its last read.
func TestQuotaDeltas(t *testing.T) {
	t.Run("whole reads", func(t *testing.T) { testQuotaDeltas(t, false) })
	t.Run("changes", func(t *testing.T) { testQuotaDeltas(t, true) })
}

func testQuotaDeltas(t *testing.T, changes bool) {
	_, _, states := setup(t)
	head := states[3].Head()
	src := newCountSource(20_000, 20_000)
	var qs push.QuotaSource = src
	if changes {
		qs = changeSource{src}
	}
	hub := push.NewHub(newSourceAt(states[3]), push.Options{MaxWait: 2 * time.Second, Quotas: qs})
	converged := func(n *quotaNode, what string) {
		t.Helper()
		if got, want := sum(n.held.Day, n.held.Used), sum(src.day, src.used); got != want {
			t.Fatalf("%s: the node's counts sum to %s, the portal's to %s", what, got, want)
		}
	}

	a, old := &quotaNode{base: true}, &quotaNode{}
	a.ask(t, hub, head, false)
	old.ask(t, hub, head, false)
	full := a.wire
	if a.delta || old.delta {
		t.Fatal("a node holding no counts got a delta")
	}
	converged(a, "first counts")

	// 10 counts change, 20 subscriptions are new.
	src.returned = 0
	src.change(19_990, 30)
	if err := hub.RefreshQuotas(context.Background()); err != nil {
		t.Fatal(err)
	}
	if changes && src.returned != 30 {
		t.Errorf("30 counts written: the read returned %d counts, want 30", src.returned)
	}
	a.ask(t, hub, head, false)
	old.ask(t, hub, head, false)
	if !a.delta || a.wire*50 > full {
		t.Errorf("a change of 30 counts: %d bytes (delta %v), the whole counts %d: want a delta of less than a 50th", a.wire, a.delta, full)
	}
	if old.delta || old.wire < full {
		t.Errorf("a node from before deltas got %d bytes (delta %v), want the whole counts (%d)", old.wire, old.delta, full)
	}
	t.Logf("20,000 subscriptions: whole counts %d bytes gzip, 30 changed: %d bytes", full, a.wire)
	converged(a, "after a delta")
	converged(old, "the whole counts")

	// Asking again (a node without Redis after its batch was confirmed):
	// counts read anew, an empty delta when nothing changed.
	a.ask(t, hub, head, true)
	if !a.delta || len(a.held.Used) != 20_020 {
		t.Errorf("asking again: delta %v, %d subscriptions", a.delta, len(a.held.Used))
	}
	converged(a, "asked again")

	// Deltas from counts several reads old add up.
	for i := range 5 {
		src.change(i*100, 10)
		if err := hub.RefreshQuotas(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	a.ask(t, hub, head, false)
	if !a.delta {
		t.Error("counts 5 reads old: whole counts, want a delta")
	}
	converged(a, "5 reads behind")

	// A base the hub does not know (another instance's, or too old).
	stale := &quotaNode{base: true, held: &gateway.Quotas{Revision: "elsewhere", Day: src.day, Used: map[string]int64{}}}
	stale.ask(t, hub, head, false)
	if stale.delta {
		t.Error("a node holding counts the hub does not know got a delta")
	}
	converged(stale, "unknown base")
	b := &quotaNode{base: true}
	b.ask(t, hub, head, false)
	for i := range push.MaxQuotaBases {
		src.change(i, 1)
		if err := hub.RefreshQuotas(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	b.ask(t, hub, head, false)
	if b.delta {
		t.Errorf("a node %d reads behind got a delta", push.MaxQuotaBases)
	}
	converged(b, "far behind")

	// A count removed (a source of changes has none: the portal's
	// counts of today are never deleted), a new day: the whole counts.
	if !changes {
		src.remove("1000005")
		if err := hub.RefreshQuotas(context.Background()); err != nil {
			t.Fatal(err)
		}
		a.ask(t, hub, head, false)
		if a.delta {
			t.Error("after a count was removed: a delta, want the whole counts")
		}
		converged(a, "after a removal")
	}
	src.nextDay()
	if err := hub.RefreshQuotas(context.Background()); err != nil {
		t.Fatal(err)
	}
	a.ask(t, hub, head, false)
	if a.delta || len(a.held.Used) != 1 {
		t.Errorf("a new day: delta %v, %d subscriptions, want the day's whole counts", a.delta, len(a.held.Used))
	}
	converged(a, "a new day")
}

// A delta applies to the counts it names only.
func TestQuotaDeltaNeedsItsBase(t *testing.T) {
	held := &gateway.Quotas{Revision: "r1", Day: 9, Used: map[string]int64{"1": 5, "2": 7}}
	d := &gateway.Quotas{Revision: "r2", Day: 9, Base: "r1", Used: map[string]int64{"2": 8, "3": 1}}
	got, err := d.Over(held)
	if err != nil || got.Revision != "r2" || got.Base != "" || fmt.Sprint(got.Used) != "map[1:5 2:8 3:1]" {
		t.Fatalf("r1 + delta: %+v, %v", got, err)
	}
	if fmt.Sprint(held.Used) != "map[1:5 2:7]" {
		t.Errorf("the counts held were modified: %v", held.Used)
	}
	for _, h := range []*gateway.Quotas{nil, {Revision: "r0", Day: 9}, {Revision: "r1", Day: 8}} {
		if _, err := d.Over(h); err != gateway.ErrQuotaBase {
			t.Errorf("delta from r1 over %+v: %v, want ErrQuotaBase", h, err)
		}
	}
}

// BenchmarkQuotaCounts measures one change of the quota counts as it
// reaches one node with Redis: the portal's answer (the counts written
// since the last read taken into the counts held, then encoded once for
// every node, then gzip; the read itself, a query in the portal, is left
// out: see store's BenchmarkQuotaDayRead), the
// bytes on the wire, and the node's work to take it (gunzip, decode, then
// ratelimit.Redis.SetFloor for whole counts or UpdateFloor for a delta).
// "whole" is every change before deltas (and a node from before them);
// "delta" a node that names the counts it holds. changed is the share of
// subscriptions whose count changed since the node's last counts.
//
//	go test ./gateway/push -run '^$' -bench QuotaCounts -benchtime 5x
func BenchmarkQuotaCounts(b *testing.B) {
	for _, subs := range []int{50_000, 500_000} {
		for _, changed := range []float64{0.01, 0.10} {
			for _, mode := range []string{"whole", "delta"} {
				b.Run(fmt.Sprintf("subs=%d/changed=%g%%/%s", subs, changed*100, mode), func(b *testing.B) {
					benchQuotaCounts(b, subs, int(float64(subs)*changed), mode == "delta")
				})
			}
		}
	}
}

func benchQuotaCounts(b *testing.B, subs, changed int, delta bool) {
	st, err := gatewaytestState()
	if err != nil {
		b.Fatal(err)
	}
	head := st.Head()
	src := newCountSource(20_000, subs)
	hub := push.NewHub(newSourceAt(st), push.Options{Quotas: changeSource{src}})
	// The floor needs no Redis: nothing listens there.
	lim, err := ratelimit.NewRedis(ratelimit.RedisOptions{URL: "redis://127.0.0.1:1", Timeout: 10 * time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	defer lim.Close()
	n := &quotaNode{base: true}
	n.ask(b, hub, head, false)
	lim.SetFloor(n.held.Day, maps.Clone(n.held.Used))
	mirror := n.held
	var portal, node time.Duration
	var wire, body int
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		src.change((i*changed)%subs, changed)
		src.read = 0
		r := req(gateway.MsgPoll, head)
		r.Quotas = mirror.Revision
		if delta {
			r.QuotaBase = mirror.Revision
		}
		b.StartTimer()

		start := time.Now()
		if err := hub.RefreshQuotas(context.Background()); err != nil {
			b.Fatal(err)
		}
		reply, err := hub.Sync(context.Background(), push.Node{Name: "n"}, r)
		if err != nil {
			b.Fatal(err)
		}
		gz := reply.Gzip()
		portal += time.Since(start) - src.read

		start = time.Now()
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			b.Fatal(err)
		}
		var plain bytes.Buffer
		if _, err := plain.ReadFrom(zr); err != nil {
			b.Fatal(err)
		}
		q, err := gateway.DecodeQuotas(plain.Bytes())
		if err != nil {
			b.Fatal(err)
		}
		if delta != (q.Base != "") {
			b.Fatalf("asked for a delta: %v, got one: %v", delta, q.Base != "")
		}
		if q.Base == "" {
			lim.SetFloor(q.Day, q.Used)
		} else if lim.UpdateFloor(q.Day, q.Used, gateway.MaxQuotaEntries) < 0 {
			b.Fatal("a delta for no counts")
		}
		node += time.Since(start)
		wire += len(gz)
		body += len(reply.Body)

		b.StopTimer()
		if q.Base == "" {
			mirror = q
		} else {
			for sub, c := range q.Used {
				mirror.Used[sub] = c
			}
			mirror.Revision = q.Revision
		}
		b.StartTimer()
	}
	b.StopTimer()
	if got, want := sum(mirror.Day, mirror.Used), sum(src.day, src.used); got != want {
		b.Fatalf("the node's counts differ from the portal's")
	}
	b.ReportMetric(float64(wire)/float64(b.N), "wire-B/change")
	b.ReportMetric(float64(body)/float64(b.N), "json-B/change")
	b.ReportMetric(float64(portal.Microseconds())/1e3/float64(b.N), "portal-ms/change")
	b.ReportMetric(float64(node.Microseconds())/1e3/float64(b.N), "node-ms/change")
}

func newSourceAt(st *gateway.State) *gatewaytest.Source { return gatewaytest.NewSource(st) }

func gatewaytestState() (*gateway.State, error) {
	return gatewaytest.State(1, gatewaytest.Config{APIs: 1, Keys: 1, Upstream: "http://127.0.0.1:1", RatePerMinute: 10})
}
