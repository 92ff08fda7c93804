package control_test

import (
	"context"
	"fmt"
	"runtime/pprof"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/control"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// The scale Portico is built for: 10,000 APIs with a published version
// each, and 50,000 active keys (5 apps subscribed to every API).
const (
	scaleAPIs = 10_000
	scaleKeys = 50_000
)

// seedScale writes the scale's rows straight into the tables, in batches.
func seedScale(b *testing.B, s *store.Store) {
	b.Helper()
	ctx := context.Background()
	db := s.DB()
	now := time.Now().UTC()
	team := &store.Team{Slug: "scale", Name: "Scale"}
	if err := s.CreateTeam(ctx, db, team); err != nil {
		b.Fatal(err)
	}
	insert := func(v any) {
		if _, err := db.NewInsert().Model(v).Exec(ctx); err != nil {
			b.Fatal(err)
		}
	}
	const batch = 1000
	for i := 0; i < scaleAPIs; i += batch {
		apis := make([]store.API, batch)
		for j := range apis {
			apis[j] = store.API{TeamID: team.ID, Slug: fmt.Sprintf("api-%d", i+j), Name: "API", Visibility: store.VisibilityPublic,
				Upstreams: store.StringList{"http://10.0.0.1:8080/api"}, Tags: store.StringList{}, LockVersion: 1, CreatedAt: now, UpdatedAt: now}
		}
		insert(&apis)
		vs := make([]store.APIVersion, batch)
		ps := make([]store.Plan, batch)
		for j := range vs {
			vs[j] = store.APIVersion{APIID: apis[j].ID, Version: "1.0.0", Major: 1, State: "published", SpecFormat: "openapi-3.0", LockVersion: 1, CreatedAt: now, UpdatedAt: now, PublishedAt: &now}
			ps[j] = store.Plan{APIID: apis[j].ID, Slug: "standard", Name: "Standard", RatePerMinute: 600, Burst: 50, Approval: "auto", Open: true, LockVersion: 1, CreatedAt: now, UpdatedAt: now}
		}
		insert(&vs)
		insert(&ps)
		apps := []store.App{}
		if i == 0 {
			for a := 0; a < scaleKeys/scaleAPIs; a++ {
				apps = append(apps, store.App{TeamID: team.ID, Slug: fmt.Sprintf("app-%d", a), Name: "App", LockVersion: 1, CreatedAt: now, UpdatedAt: now})
			}
			insert(&apps)
		} else {
			if err := db.NewSelect().Model(&apps).Order("id").Scan(ctx); err != nil {
				b.Fatal(err)
			}
		}
		subs := make([]store.Subscription, 0, batch*len(apps))
		for j := range apis {
			for _, app := range apps {
				subs = append(subs, store.Subscription{AppID: app.ID, ConsumerTeamID: team.ID, APIID: apis[j].ID, ProviderTeamID: team.ID, Major: 1,
					PlanID: ps[j].ID, State: "active", LockVersion: 1, CreatedAt: now, UpdatedAt: now})
			}
		}
		insert(&subs)
		keys := make([]store.APIKey, len(subs))
		for j, sub := range subs {
			n := i*len(apps) + j
			keys[j] = store.APIKey{Kid: fmt.Sprintf("k%06d", n), SubscriptionID: sub.ID, APIID: sub.APIID, Major: 1, PlanID: sub.PlanID,
				KeyHash: gateway.HashKey(fmt.Sprintf("ptk_k%06d_secret", n)), State: store.KeyActive, CreatedAt: now}
		}
		insert(&keys)
	}
}

// BenchmarkCompileAtScale measures, at 10,000 APIs and 50,000 keys, what a
// key revocation costs the portal: compiling what belongs to the key's API
// from the database, comparing it with that API's items of the newest
// version, deriving and hashing the next version and recording its delta
// (ms/compile). It also reports, once each, the first compile of a new
// portal (validate, encode and hash everything, write a checkpoint) and a
// compile of everything after a one-key change (what a change of no API,
// such as a node registration, costs).
//
//	go test ./gateway/control -run '^$' -bench CompileAtScale -benchtime 10x
//
// (with PORTICO_TEST_DATABASE_URL set, on PostgreSQL; on SQLite otherwise).
func BenchmarkCompileAtScale(b *testing.B) {
	d := store.SQLite
	if len(storetest.Dialects(b)) > 1 {
		d = store.PostgreSQL
	}
	s := storetest.Open(b, d)
	seedScale(b, s)
	ctx := context.Background()
	if d == store.PostgreSQL {
		if _, err := s.DB().ExecContext(ctx, "ANALYZE"); err != nil { // as autovacuum would have
			b.Fatal(err)
		}
	}
	src := control.NewSource(s, nil)
	start, startCPU := time.Now(), cpuTime(b)
	head, err := src.Publish(ctx, "")
	if err != nil {
		b.Fatal(err)
	}
	first, firstCPU := time.Since(start), cpuTime(b)-startCPU
	r, p, k := src.State().Counts()
	if r != scaleAPIs || k != scaleKeys {
		b.Fatalf("compiled %d routes, %d plans, %d keys", r, p, k)
	}
	var keys []struct {
		Kid string `bun:"kid"`
		API string `bun:"api"`
	}
	if err := s.DB().NewSelect().TableExpr("api_keys AS k").Join("JOIN apis AS a ON a.id = k.api_id").ColumnExpr("k.kid, a.slug AS api").
		OrderExpr("k.id").Limit(maxRevocations+fullRuns).Scan(ctx, &keys); err != nil {
		b.Fatal(err)
	}
	revoke := func(kid string) {
		if _, err := s.DB().NewUpdate().Table("api_keys").Set("state = ?", store.KeyRevoked).Where("kid = ?", kid).Exec(ctx); err != nil {
			b.Fatal(err)
		}
	}
	publish := func(api string) time.Duration {
		t := time.Now()
		next, err := src.Publish(ctx, api)
		took := time.Since(t)
		if err != nil {
			b.Fatal(err)
		}
		if next.Version != head.Version+1 {
			b.Fatalf("version %d after %d", next.Version, head.Version)
		}
		head = next
		return took
	}
	// A compile of everything after a one-key change, fullRuns times (a
	// different key each), timed by the wall clock and by the process's CPU
	// time (user and system: less noisy on a shared machine); the medians
	// are reported.
	walls, cpus := make([]time.Duration, 0, fullRuns), make([]time.Duration, 0, fullRuns)
	for i := range fullRuns {
		revoke(keys[len(keys)-1-i].Kid)
		c := cpuTime(b)
		// Labelled for a CPU profile (go tool pprof -tagfocus compile=full;
		// a revocation's compile below is compile=api)
		pprof.Do(ctx, pprof.Labels("compile", "full"), func(context.Context) { walls = append(walls, publish("")) })
		cpus = append(cpus, cpuTime(b)-c)
	}
	everything, everythingCPU := median(walls), median(cpus)
	b.ResetTimer()
	var total, totalCPU time.Duration
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		if i >= maxRevocations {
			b.Fatalf("at most %d revocations (-benchtime %dx)", maxRevocations, maxRevocations)
		}
		revoke(keys[i].Kid)
		b.StartTimer()
		c := cpuTime(b)
		pprof.Do(ctx, pprof.Labels("compile", "api"), func(context.Context) { total += publish(keys[i].API) })
		totalCPU += cpuTime(b) - c
	}
	if _, ok := src.State().Key(keys[0].Kid); ok {
		b.Fatal("a revoked key is still in the configuration")
	}
	b.ReportMetric(float64(first.Milliseconds()), "first-compile-ms")
	b.ReportMetric(float64(firstCPU.Milliseconds()), "first-compile-cpu-ms")
	b.ReportMetric(float64(everything.Milliseconds()), "full-compile-ms")
	b.ReportMetric(float64(everythingCPU.Milliseconds()), "full-compile-cpu-ms")
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/compile")
	b.ReportMetric(float64(totalCPU.Microseconds())/1000/float64(b.N), "cpu-ms/compile")
	b.Logf("%s, %d routes, %d plans, %d keys: first compile %s (CPU %s), compile of everything after a one-key change %s (CPU %s, medians of %d: %v), a key revocation (its API's compile) %s (CPU %s) on average over %d",
		d, r, p, k, first.Round(time.Millisecond), firstCPU.Round(time.Millisecond), everything.Round(time.Millisecond), everythingCPU.Round(time.Millisecond),
		fullRuns, walls, (total / time.Duration(b.N)).Round(time.Millisecond), (totalCPU / time.Duration(b.N)).Round(time.Millisecond), b.N)
}

// fullRuns is how many compiles of everything BenchmarkCompileAtScale
// times; maxRevocations bounds its revocations (b.N).
const (
	fullRuns       = 5
	maxRevocations = 1000
)

// cpuTime returns the CPU time (user and system) the process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
