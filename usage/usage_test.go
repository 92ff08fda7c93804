package usage_test

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/spec/spectest"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
	"github.com/portico-dev/portico/subscriptions"
	"github.com/portico-dev/portico/usage"
)

type fixture struct {
	s                 *store.Store
	svc               *usage.Service
	now               time.Time
	admin, maint, dev *store.User
	outsider          *store.User
	sub               *store.Subscription
	kid               string
	otherSub          *store.Subscription
}

// newFixture: team pets provides API "pets"; team shop's app subscribes to
// it (sub, with a key); team other's app subscribes too (otherSub).
func newFixture(t testing.TB, s *store.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{s: s, now: time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)}
	team := func(slug string) *store.Team {
		return storetest.Team(t, s, slug, strings.ToUpper(slug))
	}
	pets, shop, other := team("pets"), team("shop"), team("other")
	f.admin = storetest.User(t, s, "admin", policy.RoleAdmin, nil, "")
	f.maint = storetest.User(t, s, "maint", policy.RoleMember, pets, policy.RoleMaintainer)
	f.dev = storetest.User(t, s, "dev", policy.RoleMember, shop, policy.RoleDeveloper)
	f.outsider = storetest.User(t, s, "outsider", policy.RoleMember, other, policy.RoleOwner)
	p, err := policy.New(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	life := lifecycle.New(s, p, lifecycle.Options{MinSunsetNotice: 7 * 24 * time.Hour})
	subs := subscriptions.New(s, p, life, subscriptions.Options{})
	api, err := life.CreateAPI(ctx, f.maint, pets, lifecycle.APIInput{Slug: "pets", Name: "Pets"})
	if err != nil {
		t.Fatal(err)
	}
	v, err := life.CreateVersion(ctx, f.maint, api, "1.0.0", []byte(spectest.PetsV1))
	if err != nil {
		t.Fatal(err)
	}
	if err := life.Import(ctx, f.admin, api, v); err != nil {
		t.Fatal(err)
	}
	if _, err := subs.CreatePlan(ctx, f.maint, api, subscriptions.PlanInput{Slug: "free", Name: "Free", RatePerMinute: "60", Approval: "auto", Open: true}); err != nil {
		t.Fatal(err)
	}
	subscribe := func(u *store.User, tm *store.Team, app string) *store.Subscription {
		a, err := subs.CreateApp(ctx, u, tm, subscriptions.AppInput{Slug: app, Name: app, Contact: "x@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		sub, err := subs.Subscribe(ctx, u, a, subscriptions.SubscribeInput{API: "pets", Plan: "free", Purpose: "tests"})
		if err != nil {
			t.Fatal(err)
		}
		return sub
	}
	f.sub = subscribe(f.dev, shop, "shop-web")
	f.otherSub = subscribe(f.outsider, other, "other-app")
	k, _, err := subs.IssueKey(ctx, f.dev, f.sub, subscriptions.KeyInput{Name: "ci"})
	if err != nil {
		t.Fatal(err)
	}
	f.kid = k.Kid
	f.svc = usage.New(s, p, usage.Options{Now: func() time.Time { return f.now }})
	return f
}

func point(sub *store.Subscription, kid string, minute time.Time, ok, errs, limited int64, latency time.Duration) gateway.UsagePoint {
	lat := make([]int64, gateway.LatencyBuckets)
	lat[gateway.LatencyBucket(latency)] = ok + errs + limited
	return gateway.UsagePoint{Minute: minute.Unix(), Subscription: strconv.FormatInt(sub.ID, 10), Key: kid, API: "pets/v1",
		S2xx: ok, S5xx: errs, S429: limited, Latency: lat, BytesIn: 10 * ok, BytesOut: 100 * ok}
}

func total(t *testing.T, f *fixture, u *store.User, q usage.Query) (requests, errs, limited int64, n int) {
	t.Helper()
	s, err := f.svc.Series(context.Background(), u, q)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range s.Points {
		requests += p.Requests
		errs += p.Errors
		limited += p.RateLimited
	}
	return requests, errs, limited, len(s.Points)
}

func TestIngestOnceSeriesAndVisibility(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		m := f.now.Add(-10 * time.Minute)
		batch := &gateway.UsageBatch{ID: "b-1", Points: []gateway.UsagePoint{
			point(f.sub, f.kid, m, 90, 5, 5, 3*time.Millisecond),
			point(f.sub, f.kid, m.Add(time.Minute), 10, 0, 0, 40*time.Millisecond),
			point(f.otherSub, "kother", m, 7, 0, 0, time.Millisecond),
			{Minute: m.Unix(), Subscription: "999999", Key: "kx", API: "pets/v1", S2xx: 1, Latency: make([]int64, gateway.LatencyBuckets)},
		}}
		res, err := f.svc.Ingest(ctx, "node-a", batch)
		if err != nil || res.Duplicate || res.Points != 3 || res.Skipped != 1 {
			t.Fatalf("ingest: %+v %v", res, err)
		}
		// The same batch again, from the same node: counted once. From
		// another node it is another batch.
		if res, err := f.svc.Ingest(ctx, "node-a", batch); err != nil || !res.Duplicate {
			t.Fatalf("second sending: %+v %v", res, err)
		}
		q := usage.Query{API: "pets", From: f.now.Add(-time.Hour), To: f.now, Step: time.Minute}
		if r, e, l, n := total(t, f, f.maint, q); r != 117 || e != 5 || l != 5 || n != 2 {
			t.Fatalf("provider sees %d requests, %d errors, %d limited in %d points; want 117, 5, 5 in 2", r, e, l, n)
		}
		if r, _, _, _ := total(t, f, f.dev, q); r != 110 {
			t.Fatalf("consumer sees %d requests, want only its own 110", r)
		}
		if r, _, _, _ := total(t, f, f.outsider, q); r != 7 {
			t.Fatalf("the other consumer sees %d requests, want its own 7", r)
		}
		if r, _, _, _ := total(t, f, f.admin, q); r != 117 {
			t.Fatalf("admin sees %d", r)
		}
		// Another team's subscription: as if it did not exist.
		if _, err := f.svc.Series(ctx, f.outsider, usage.Query{Subscription: f.sub.ID, From: q.From, To: q.To, Step: time.Minute}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("outsider reading shop's subscription: %v, want not found", err)
		}
		s1, err := f.svc.Series(ctx, f.dev, usage.Query{Subscription: f.sub.ID, From: q.From, To: q.To, Step: time.Hour})
		if err != nil || len(s1.Points) != 1 {
			t.Fatalf("hourly series: %+v %v", s1, err)
		}
		p := s1.Points[0]
		if p.Requests != 110 || p.BytesIn != 1000 || p.BytesOut != 10000 || p.P50MS <= 2 || p.P50MS > 5 || p.P99MS <= 20 || p.P99MS > 50 {
			t.Fatalf("hourly point %+v", p)
		}
		// The key's last use comes from the report.
		k, err := s.KeyByKid(ctx, f.kid)
		if err != nil || k.LastUsedAt == nil || !k.LastUsedAt.Equal(m.Add(time.Minute+59*time.Second)) {
			t.Fatalf("last used %v (%v), want %s", k.LastUsedAt, err, m.Add(time.Minute+59*time.Second))
		}
		// Bad queries say what is wrong.
		if _, err := f.svc.Series(ctx, f.dev, usage.Query{From: q.From, To: q.To, Step: time.Second}); err == nil {
			t.Fatal("a step under a minute is accepted")
		}
		if _, err := f.svc.Series(ctx, f.dev, usage.Query{From: f.now.Add(-30 * 24 * time.Hour), To: f.now, Step: time.Minute}); err == nil {
			t.Fatal("a series of 43,200 points is accepted")
		}
	})
}

func TestRollupsAndRetention(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		// A month and a half of one point every 6 hours, 10 requests each.
		start := f.now.Add(-45 * 24 * time.Hour).Truncate(time.Hour)
		var pts []gateway.UsagePoint
		for at := start; at.Before(f.now); at = at.Add(6 * time.Hour) {
			pts = append(pts, point(f.sub, f.kid, at, 10, 0, 0, 2*time.Millisecond))
		}
		// And the last hour minute by minute.
		for at := f.now.Add(-time.Hour); at.Before(f.now); at = at.Add(time.Minute) {
			pts = append(pts, point(f.sub, f.kid, at, 1, 0, 0, 2*time.Millisecond))
		}
		if _, err := f.svc.Ingest(ctx, "node-a", &gateway.UsageBatch{ID: "month", Points: pts}); err != nil {
			t.Fatal(err)
		}
		all := usage.Query{From: start, To: f.now, Step: 24 * time.Hour}
		before, _, _, _ := total(t, f, f.dev, all)
		if before != int64(10*len(pts)-9*60) {
			t.Fatalf("before compaction %d requests, want %d", before, 10*len(pts)-9*60)
		}
		minutes, hours, pruned, err := f.svc.Compact(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if minutes == 0 || hours == 0 || pruned != 0 {
			t.Fatalf("compaction moved %d minute and %d hour rows, pruned %d", minutes, hours, pruned)
		}
		if after, _, _, _ := total(t, f, f.dev, all); after != before {
			t.Fatalf("after compaction %d requests, want %d", after, before)
		}
		// Compacting again changes nothing.
		if m, h, _, err := f.svc.Compact(ctx); err != nil || m != 0 || h != 0 {
			t.Fatalf("second compaction moved %d, %d (%v)", m, h, err)
		}
		if after, _, _, _ := total(t, f, f.dev, all); after != before {
			t.Fatalf("after a second compaction %d requests, want %d", after, before)
		}
		var stale []int64
		if err := s.DB().NewRaw("SELECT COUNT(*) FROM usage_rollups WHERE (step = 60 AND t < ?) OR (step = 3600 AND t < ?) UNION ALL SELECT COUNT(*) FROM usage_rollups WHERE step = 86400 UNION ALL SELECT COUNT(*) FROM usage_rollups WHERE step = 3600",
			f.now.Add(-48*time.Hour).Unix()/3600*3600, f.now.Add(-30*24*time.Hour).Unix()/86400*86400).Scan(ctx, &stale); err != nil {
			t.Fatal(err)
		}
		if len(stale) != 3 || stale[0] != 0 || stale[1] == 0 || stale[2] == 0 {
			t.Fatalf("minute rows older than 48 h and hour rows older than 30 days, day rows, hour rows: %v; want 0, some, some", stale)
		}
		// Retention: a service keeping 20 days deletes the older days.
		short := usage.New(s, nil, usage.Options{Retention: 20 * 24 * time.Hour, Now: func() time.Time { return f.now }})
		if _, _, pruned, err := short.Compact(ctx); err != nil || pruned == 0 {
			t.Fatalf("retention pruned %d (%v)", pruned, err)
		}
		if after, _, _, _ := total(t, f, f.dev, all); after >= before || after == 0 {
			t.Fatalf("after retention %d requests of %d", after, before)
		}
	})
}

// TestTotals: per subscription, the most requests first, and per major,
// each user seeing only what Series shows them.
func TestTotals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		m := f.now.Add(-2 * time.Hour)
		batch := &gateway.UsageBatch{ID: "b-1", Points: []gateway.UsagePoint{
			point(f.sub, f.kid, m, 8, 2, 0, 3*time.Millisecond),
			point(f.sub, f.kid, m.Add(time.Hour), 5, 0, 1, 3*time.Millisecond),
			point(f.otherSub, "kother", m, 30, 0, 0, 40*time.Millisecond),
		}}
		if _, err := f.svc.Ingest(ctx, "node-a", batch); err != nil {
			t.Fatal(err)
		}
		q := usage.Query{API: "pets", From: f.now.Add(-24 * time.Hour), To: f.now}
		got, err := f.svc.Totals(ctx, f.maint, q, store.BySubscription, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Key != f.otherSub.ID || got[0].Requests != 30 || got[1].Key != f.sub.ID || got[1].Requests != 16 ||
			got[1].Errors != 2 || got[1].RateLimited != 1 || got[0].P50MS <= got[1].P50MS {
			t.Fatalf("provider's totals per subscription: %+v", got)
		}
		if one, err := f.svc.Totals(ctx, f.maint, q, store.BySubscription, 1); err != nil || len(one) != 1 || one[0].Key != f.otherSub.ID {
			t.Fatalf("the top one: %+v %v", one, err)
		}
		if mine, err := f.svc.Totals(ctx, f.dev, q, store.BySubscription, 10); err != nil || len(mine) != 1 || mine[0].Key != f.sub.ID {
			t.Fatalf("a consumer's totals: %+v %v", mine, err)
		}
		majors, err := f.svc.Totals(ctx, f.admin, q, store.ByMajor, 10)
		if err != nil || len(majors) != 1 || majors[0].Key != 1 || majors[0].Requests != 46 {
			t.Fatalf("per major: %+v %v", majors, err)
		}
		// Breakdown: the same sums from one pass.
		bd, err := f.svc.Breakdown(ctx, f.maint, q, 1)
		if err != nil || len(bd.Subscriptions) != 1 || bd.Subscriptions[0] != got[0] || len(bd.Majors) != 1 || bd.Majors[0] != majors[0] {
			t.Fatalf("breakdown: %+v %v, want the top subscription %+v and the major %+v", bd, err, got[0], majors[0])
		}
		// Sparklines: per API and hour, for its provider only.
		lines, err := f.svc.Sparklines(ctx, f.maint, []int64{f.sub.APIID}, f.now.Add(-24*time.Hour), f.now, time.Hour)
		if line := lines[f.sub.APIID]; err != nil || len(line) != 24 || line[22] != 40 || line[23] != 6 {
			t.Fatalf("sparkline: %v %v, want 40 and 6 in the last hours", line, err)
		}
		if lines, err := f.svc.Sparklines(ctx, f.dev, []int64{f.sub.APIID}, f.now.Add(-24*time.Hour), f.now, time.Hour); err != nil || len(lines) != 0 {
			t.Fatalf("a consumer's sparklines: %v %v, want none", lines, err)
		}
		// The range bounds the sums: the last hour holds the second point.
		last, err := f.svc.Totals(ctx, f.dev, usage.Query{Subscription: f.sub.ID, From: m.Add(time.Hour), To: f.now}, store.BySubscription, 10)
		if err != nil || len(last) != 1 || last[0].Requests != 6 {
			t.Fatalf("the last hour: %+v %v", last, err)
		}
		if _, err := f.svc.Totals(ctx, f.outsider, usage.Query{Subscription: f.sub.ID, From: q.From, To: q.To}, store.ByMajor, 10); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another team's subscription: %v, want not found", err)
		}
	})
}

// TestHourlyRollupsAnswerAsTheMinutes: ranges of whole hours are read from
// the hourly rollups (one row per subscription and hour) and their edges
// from the per-key rollups; over 40 days of usage, compacted, every series
// and total equals the sums of the per-key rollups alone, for ranges that
// start and end inside an hour, also after the hourly rollups are rebuilt
// by the migration that introduced them.
func TestHourlyRollupsAnswerAsTheMinutes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		var pts []gateway.UsagePoint
		for m := f.now.Add(-40 * 24 * time.Hour); m.Before(f.now); m = m.Add(7 * time.Minute) {
			i := m.Unix() / 60
			pts = append(pts, point(f.sub, f.kid, m, 1+i%13, i%3, i%2, time.Duration(i%50)*time.Millisecond))
			if i%5 == 0 {
				pts = append(pts, point(f.otherSub, "kother", m, 2+i%7, 0, 0, 3*time.Millisecond))
			}
		}
		for start, n := 0, 0; start < len(pts); start, n = start+5000, n+1 {
			if _, err := f.svc.Ingest(ctx, "node-a", &gateway.UsageBatch{ID: "b-" + strconv.Itoa(n), Points: pts[start:min(start+5000, len(pts))]}); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, _, err := f.svc.Compact(ctx); err != nil {
			t.Fatal(err)
		}
		type sums struct{ requests, errs, bytesIn int64 }
		series := func(from, to time.Time, step int64) map[int64]sums {
			var rows []struct {
				B, R, E, BI int64
			}
			if err := s.DB().NewRaw("SELECT t - t % ? AS b, SUM(s2xx + s3xx + s4xx + s429 + s5xx) AS r, SUM(s4xx + s5xx) AS e, SUM(bytes_in) AS bi FROM usage_rollups WHERE t >= ? AND t < ? GROUP BY t - t % ?",
				step, from.Unix()/step*step, to.Unix(), step).Scan(ctx, &rows); err != nil {
				t.Fatal(err)
			}
			out := map[int64]sums{}
			for _, r := range rows {
				out[r.B] = sums{r.R, r.E, r.BI}
			}
			return out
		}
		perSub := func(from, to time.Time) map[int64]int64 {
			var rows []struct{ S, R int64 }
			if err := s.DB().NewRaw("SELECT subscription_id AS s, SUM(s2xx + s3xx + s4xx + s429 + s5xx) AS r FROM usage_rollups WHERE t >= ? AND t < ? GROUP BY subscription_id",
				from.Unix(), to.Unix()).Scan(ctx, &rows); err != nil {
				t.Fatal(err)
			}
			out := map[int64]int64{}
			for _, r := range rows {
				out[r.S] = r.R
			}
			return out
		}
		check := func(when string) {
			t.Helper()
			for _, span := range []time.Duration{90 * time.Minute, 24 * time.Hour, 3 * 24 * time.Hour, 7 * 24 * time.Hour, 30 * 24 * time.Hour, 39 * 24 * time.Hour} {
				for _, edges := range [][2]time.Duration{{0, 0}, {17 * time.Minute, -13 * time.Minute}, {-29 * time.Minute, -31*time.Hour - 5*time.Minute}} {
					from, to := f.now.Add(-span).Add(edges[0]), f.now.Add(edges[1])
					if !from.Before(to) {
						continue
					}
					for _, step := range []int64{300, 3600, 6 * 3600, 86400} {
						if (to.Sub(from) / (time.Duration(step) * time.Second)) > usage.MaxPoints {
							continue
						}
						got, err := f.svc.Series(ctx, f.admin, usage.Query{API: "pets", From: from, To: to, Step: time.Duration(step) * time.Second})
						if err != nil {
							t.Fatal(err)
						}
						want := series(from, to, step)
						if len(got.Points) != len(want) {
							t.Fatalf("%s: %s from %s to %s step %d: %d points, want %d", when, span, from, to, step, len(got.Points), len(want))
						}
						for _, p := range got.Points {
							if w := want[p.T.Unix()]; (sums{p.Requests, p.Errors, p.BytesIn}) != w {
								t.Fatalf("%s: %s from %s to %s step %d: point %s is %+v, want %+v", when, span, from, to, step, p.T, sums{p.Requests, p.Errors, p.BytesIn}, w)
							}
						}
					}
					totals, err := f.svc.Totals(ctx, f.admin, usage.Query{API: "pets", From: from, To: to}, store.BySubscription, 10)
					if err != nil {
						t.Fatal(err)
					}
					want := perSub(from, to)
					if len(totals) != len(want) {
						t.Fatalf("%s: totals from %s to %s: %d subscriptions, want %d", when, from, to, len(totals), len(want))
					}
					for i, tot := range totals {
						if tot.Requests != want[tot.Key] || (i > 0 && tot.Requests > totals[i-1].Requests) {
							t.Fatalf("%s: totals from %s to %s: %+v, want %v, the most requests first", when, from, to, totals, want)
						}
					}
				}
			}
		}
		var hourly int
		if err := s.DB().NewRaw("SELECT COUNT(*) FROM usage_hourly").Scan(ctx, &hourly); err != nil || hourly == 0 {
			t.Fatalf("%d hourly rollups (%v)", hourly, err)
		}
		check("as ingested")
		// The migration's backfill rebuilds the same hourly rollups.
		raw, err := os.ReadFile("../migrations/20261204021001_usage_hourly.tx.up.sql")
		if err != nil {
			t.Fatal(err)
		}
		parts := strings.Split(string(raw), "--bun:split")
		if _, err := s.DB().ExecContext(ctx, "DELETE FROM usage_hourly"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().ExecContext(ctx, parts[len(parts)-1]); err != nil {
			t.Fatal(err)
		}
		var again int
		if err := s.DB().NewRaw("SELECT COUNT(*) FROM usage_hourly").Scan(ctx, &again); err != nil || again != hourly {
			t.Fatalf("the backfill made %d hourly rollups, ingestion %d (%v)", again, hourly, err)
		}
		check("rebuilt by the migration")
	})
}
