package node

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/ratelimit"
)

type fakeSharer struct {
	day   int64
	count map[string]int64
}

func (f *fakeSharer) SetOthers(day int64, count map[string]int64) { f.day, f.count = day, count }

func (f *fakeSharer) UpdateOthers(day int64, changed map[string]int64) bool {
	if f.count == nil || f.day != day {
		return false
	}
	for k, n := range changed {
		if n > 0 {
			f.count[k] = n
		} else {
			delete(f.count, k)
		}
	}
	return true
}

func pt(minute time.Time, sub string, ok, limited int64) gateway.UsagePoint {
	return gateway.UsagePoint{Minute: minute.Unix() / 60 * 60, Subscription: sub, Key: "k", API: "a/v1", S2xx: ok, S429: limited}
}

// TestQuotaShareRule: the portal's counts minus what this node had
// reported when it asked are the others' share; batches of earlier runs,
// refused or dropped ones are never subtracted; a batch confirmed while the
// request was out makes the node ask again.
func TestQuotaShareRule(t *testing.T) {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	day := now.Unix() / 86400
	q := newQuotaShare()
	l := &fakeSharer{}
	if q.revision() != gateway.QuotasNone {
		t.Fatalf("a new node holds %q", q.revision())
	}

	// Two batches of this run: 7 accepted of s1 (and 3 refused), 4 of s2;
	// a batch of yesterday. The portal confirms the first and yesterday's.
	q.spooled("b1", []gateway.UsagePoint{pt(now, "s1", 7, 3), pt(now.Add(-24*time.Hour), "s1", 50, 0)})
	q.spooled("b2", []gateway.UsagePoint{pt(now, "s2", 4, 0)})
	q.spooled("b3", []gateway.UsagePoint{pt(now, "s1", 100, 0)})
	q.confirmed("b1")
	q.forget("b3")       // refused by the portal: never counted there
	q.confirmed("old-1") // a batch of an earlier run: not this run's count
	ask := q.ask()

	// The portal counted 20 of s1 (7 of them this node's), 4 of s2 (this
	// node's second batch, confirmed after the node asked: not subtracted)
	// and 5 of s3.
	c := &gateway.Quotas{Revision: "r1", Day: day, Used: map[string]int64{"s1": 20, "s2": 4, "s3": 5}}
	q.received(l, c, ask)
	if got, want := fmt.Sprint(l.day, l.count), fmt.Sprint(day, map[string]int64{"s1": 13, "s2": 4, "s3": 5}); got != want {
		t.Errorf("others %s, want %s", got, want)
	}
	if q.revision() != "r1" {
		t.Errorf("holds %q, want r1", q.revision())
	}

	// b2 is confirmed after the request left: the counts may hold it
	// twice, so the node asks again; the next answer subtracts it.
	ask = q.ask()
	q.confirmed("b2")
	q.received(l, c, ask)
	if q.revision() != gateway.QuotasNone {
		t.Errorf("after a confirmation during the request the node holds %q, want to ask again", q.revision())
	}
	q.received(l, c, q.ask())
	if got, want := fmt.Sprint(l.count), fmt.Sprint(map[string]int64{"s1": 13, "s3": 5}); got != want || q.revision() != "r1" {
		t.Errorf("others %s (holding %q), want %s", got, q.revision(), want)
	}

	// A confirmation after the counts arrived: they may hold the batch
	// unsubtracted, so the next request asks again.
	q.spooled("b4", []gateway.UsagePoint{pt(now, "s1", 1, 0)})
	q.confirmed("b4")
	if q.revision() != gateway.QuotasNone {
		t.Errorf("after a confirmation the node holds %q, want to ask again", q.revision())
	}

	// Counts of another day subtract nothing of today's reports.
	q.received(l, &gateway.Quotas{Revision: "r2", Day: day + 1, Used: map[string]int64{"s1": 2}}, q.ask())
	if got := fmt.Sprint(l.day, l.count); got != fmt.Sprint(day+1, map[string]int64{"s1": 2}) {
		t.Errorf("next day's others %s", got)
	}
}

type fakeFloor struct {
	day  int64
	used map[string]int64
}

func (f *fakeFloor) SetFloor(day int64, used map[string]int64) { f.day, f.used = day, used }

func (f *fakeFloor) UpdateFloor(day int64, changed map[string]int64, limit int) int {
	if f.used == nil || f.day != day {
		return -1
	}
	for k, n := range changed {
		f.used[k] = n
	}
	return len(f.used)
}

// TestQuotaShareTakesDeltas: a node names the whole counts it holds as the
// base of a delta, applies a delta to them (with Redis and without), and
// asks for the whole counts again after a delta it cannot apply.
func TestQuotaShareTakesDeltas(t *testing.T) {
	q := newQuotaShare()
	f := &fakeFloor{}
	q.floor = f
	if q.base() != "" {
		t.Fatalf("a new node names base %q", q.base())
	}
	if err := q.received(nil, &gateway.Quotas{Revision: "r1", Day: 9, Used: map[string]int64{"s1": 5, "s2": 7}}, q.ask()); err != nil {
		t.Fatal(err)
	}
	if q.base() != "r1" || q.revision() != "r1" {
		t.Fatalf("holding r1: base %q, revision %q", q.base(), q.revision())
	}
	if err := q.received(nil, &gateway.Quotas{Revision: "r2", Base: "r1", Day: 9, Used: map[string]int64{"s2": 9, "s3": 1}}, q.ask()); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(f.day, f.used); got != "9 map[s1:5 s2:9 s3:1]" || q.base() != "r2" {
		t.Errorf("floor after a delta: %s (base %q), want 9 map[s1:5 s2:9 s3:1] at r2", got, q.base())
	}
	err := q.received(nil, &gateway.Quotas{Revision: "r4", Base: "r3", Day: 9, Used: map[string]int64{"s1": 50}}, q.ask())
	if err != gateway.ErrQuotaBase || q.base() != "" || q.revision() != gateway.QuotasNone {
		t.Errorf("a delta from counts not held: %v, base %q, revision %q; want ErrQuotaBase and asking for all", err, q.base(), q.revision())
	}
	if got := fmt.Sprint(f.used); got != "map[s1:5 s2:9 s3:1]" {
		t.Errorf("a delta not applied changed the floor: %s", got)
	}

	// Without Redis: the others' share comes from the whole counts.
	w := newQuotaShare()
	l := &fakeSharer{}
	w.received(l, &gateway.Quotas{Revision: "r1", Day: 9, Used: map[string]int64{"s1": 5, "s2": 7}}, w.ask())
	w.received(l, &gateway.Quotas{Revision: "r2", Base: "r1", Day: 9, Used: map[string]int64{"s2": 8}}, w.ask())
	if got := fmt.Sprint(l.count); got != "map[s1:5 s2:8]" {
		t.Errorf("others after a delta: %s, want map[s1:5 s2:8]", got)
	}
}

// TestQuotaFloorKeepsItsBound: a node with Redis merges a delta into the
// counts it holds only while the result keeps gateway.MaxQuotaEntries
// subscriptions at most (the bound DecodeQuotas holds whole counts to): a
// delta that would pass it is refused, the floor keeps its counts, and
// the node asks for the whole counts.
func TestQuotaFloorKeepsItsBound(t *testing.T) {
	lim, err := ratelimit.NewRedis(ratelimit.RedisOptions{URL: "redis://127.0.0.1:1", Timeout: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer lim.Close()
	q := newQuotaShare()
	q.floor = lim
	full := make(map[string]int64, gateway.MaxQuotaEntries)
	for i := range gateway.MaxQuotaEntries {
		full[strconv.Itoa(1_000_000+i)] = 1
	}
	if err := q.received(nil, &gateway.Quotas{Revision: "r1", Day: 9, Used: full}, q.ask()); err != nil {
		t.Fatal(err)
	}
	// A raised count keeps the bound: applied.
	if err := q.received(nil, &gateway.Quotas{Revision: "r2", Base: "r1", Day: 9, Used: map[string]int64{"1000000": 5}}, q.ask()); err != nil || q.base() != "r2" {
		t.Fatalf("a delta within the bound: %v, base %q", err, q.base())
	}
	// One subscription more than the bound.
	err = q.received(nil, &gateway.Quotas{Revision: "r3", Base: "r2", Day: 9, Used: map[string]int64{"1": 1, "1000001": 2}}, q.ask())
	if err == nil || q.base() != "" || q.revision() != gateway.QuotasNone {
		t.Errorf("a delta past %d subscriptions: %v, base %q, revision %q; want an error and asking for all", gateway.MaxQuotaEntries, err, q.base(), q.revision())
	}
	if n := floorSize(lim, 9); n != gateway.MaxQuotaEntries {
		t.Errorf("the floor holds %d subscriptions, want %d", n, gateway.MaxQuotaEntries)
	}
}

// floorSize is how many subscriptions lim's floor of day holds.
func floorSize(lim *ratelimit.Redis, day int64) int { return lim.UpdateFloor(day, nil, 0) }

// TestQuotaShareDeltasKeepTheRule: over random traffic (this node's
// batches confirmed before, between and after its requests, other nodes'
// counts, deltas and whole counts, a new day), the share a node without
// Redis gives its limiter, changed in place by each delta, is always the
// rule's over every subscription: the portal's count minus what this
// node had reported of that day when it sent the request.
func TestQuotaShareDeltasKeepTheRule(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 58))
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	q := newQuotaShare()
	l := &fakeSharer{}
	day := now.Unix() / 86400
	portal := map[string]int64{}             // the portal's counts of day
	reported := map[int64]map[string]int64{} // this node's confirmed, by day
	var held map[string]int64                // the counts the node holds (the portal's view of them)
	rev, file := 0, 0
	sub := func() string { return fmt.Sprint("s", rng.IntN(40)) }
	confirm := func() {
		file++
		name := fmt.Sprint("b", file)
		var pts []gateway.UsagePoint
		for range 1 + rng.IntN(4) {
			pts = append(pts, pt(now, sub(), int64(1+rng.IntN(5)), 0))
		}
		q.spooled(name, pts)
		if rng.IntN(5) == 0 {
			q.forget(name)
			return
		}
		if reported[day] == nil {
			reported[day] = map[string]int64{}
		}
		for _, p := range pts {
			portal[p.Subscription] += p.S2xx // ingested before it is confirmed
			reported[day][p.Subscription] += p.S2xx
		}
		q.confirmed(name)
	}
	for round := range 400 {
		if round == 200 {
			now, day, portal, held = now.Add(24*time.Hour), day+1, map[string]int64{}, nil
		}
		for range rng.IntN(3) {
			confirm()
		}
		a := q.ask()
		atAsk := maps.Clone(reported[day])
		for range rng.IntN(3) {
			portal[sub()] += int64(1 + rng.IntN(9)) // other nodes
		}
		if rng.IntN(4) == 0 {
			confirm() // while the request is out
		}
		rev++
		c := &gateway.Quotas{Revision: fmt.Sprint("r", rev), Day: day, Used: maps.Clone(portal)}
		if held != nil && rng.IntN(6) != 0 && q.base() != "" {
			c.Base = q.base()
			c.Used = map[string]int64{}
			for s, n := range portal {
				if held[s] != n {
					c.Used[s] = n
				}
			}
		}
		if err := q.received(l, c, a); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		held = maps.Clone(portal)
		want := map[string]int64{}
		for s, n := range portal {
			if v := n - atAsk[s]; v > 0 {
				want[s] = v
			}
		}
		if l.day != day || !maps.Equal(l.count, want) {
			t.Fatalf("round %d (delta %v): the limiter's share of day %d is %v, want %v of day %d", round, c.Base != "", l.day, l.count, want, day)
		}
	}
}
