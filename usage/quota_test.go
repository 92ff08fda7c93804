package usage_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/push"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
	"github.com/portico-dev/portico/usage"
)

// setQuota gives the fixture's plan (both subscriptions are on it) a daily
// quota.
func setQuota(t *testing.T, f *fixture, quota int64) {
	t.Helper()
	if _, err := f.s.DB().NewUpdate().Table("plans").Set("quota_per_day = ?", quota).Where("id = ?", f.sub.PlanID).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// quotaNotes counts u's notifications by kind.
func quotaNotes(t *testing.T, f *fixture, u *store.User) map[string]int {
	t.Helper()
	ns, err := f.s.Notifications(context.Background(), u.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, n := range ns {
		got[n.Kind]++
	}
	return got
}

func ingest(t *testing.T, f *fixture, node, id string, pts ...gateway.UsagePoint) {
	t.Helper()
	if _, err := f.svc.Ingest(context.Background(), node, &gateway.UsageBatch{ID: id, Points: pts}); err != nil {
		t.Fatalf("ingest %s/%s: %v", node, id, err)
	}
}

func TestQuotaCountsAndNotifications(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		setQuota(t, f, 100)
		m := f.now.Add(-5 * time.Minute)
		day := f.now.Unix() / store.UsageDay
		want := func(label string, u *store.User, n80, n100 int) {
			t.Helper()
			got := quotaNotes(t, f, u)
			if got["usage.quota_80"] != n80 || got["usage.quota_100"] != n100 {
				t.Errorf("%s: %s's notifications %v, want %d at 80 %% and %d at 100 %%", label, u.Username, got, n80, n100)
			}
		}

		// 70 accepted and 10 refused (429): 70 % of the quota, nobody told.
		ingest(t, f, "node-a", "a-1", point(f.sub, f.kid, m, 70, 0, 10, time.Millisecond))
		want("at 70 %", f.dev, 0, 0)
		// Another node's report brings the day to 85: the consumer's
		// developer is told once; the provider and another team are not.
		b2 := point(f.sub, f.kid, m.Add(time.Minute), 15, 0, 0, time.Millisecond)
		ingest(t, f, "node-b", "b-1", b2)
		want("at 85 %", f.dev, 1, 0)
		want("at 85 %", f.maint, 0, 0)
		want("at 85 %", f.outsider, 0, 0)
		// The same batch sent again counts and notifies nothing more.
		ingest(t, f, "node-b", "b-1", b2)
		want("after a re-sent batch", f.dev, 1, 0)
		ingest(t, f, "node-a", "a-2", point(f.sub, f.kid, m, 10, 0, 0, time.Millisecond))
		want("at 95 %", f.dev, 1, 0)
		// Errors count as accepted: 5 more reach 100 %, once.
		ingest(t, f, "node-b", "b-2", point(f.sub, f.kid, m, 3, 2, 0, time.Millisecond))
		want("at 100 %", f.dev, 1, 1)
		ingest(t, f, "node-a", "a-3", point(f.sub, f.kid, m, 3, 0, 50, time.Millisecond))
		want("past 100 %", f.dev, 1, 1)

		// The other team's subscription jumps past both thresholds in one
		// batch: its owner is told of 100 % only, and the shop is not told.
		ingest(t, f, "node-a", "a-4", point(f.otherSub, "kother", m, 120, 0, 0, time.Millisecond))
		want("other team at 120 %", f.outsider, 0, 1)
		want("other team at 120 %", f.dev, 1, 1)

		// Yesterday's late report counts on its own day; a week-old one
		// (spooled long on a node) counts on none.
		ingest(t, f, "node-a", "a-5", point(f.sub, f.kid, f.now.Add(-24*time.Hour), 30, 0, 0, time.Millisecond),
			point(f.sub, f.kid, f.now.Add(-7*24*time.Hour), 500, 0, 0, time.Millisecond))
		got, err := s.QuotaDay(ctx, day)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint([]store.QuotaCount{{Day: day, SubscriptionID: f.sub.ID, Accepted: 103}, {Day: day, SubscriptionID: f.otherSub.ID, Accepted: 120}}) {
			t.Errorf("today's counts %+v, want 103 and 120", got)
		}
		if y, _ := s.QuotaDay(ctx, day-1); len(y) != 1 || y[0].Accepted != 30 {
			t.Errorf("yesterday's counts %+v, want 30", y)
		}
		if old, _ := s.QuotaDay(ctx, day-7); len(old) != 0 {
			t.Errorf("a week ago %+v, want nothing", old)
		}
		n, sum, err := s.QuotaDaySum(ctx, day)
		if err != nil || n != 2 || sum != 223 {
			t.Errorf("day sum %d rows %d accepted %v, want 2 and 223", n, sum, err)
		}

		// Compaction keeps yesterday and today only.
		f.now = f.now.Add(48 * time.Hour)
		if _, _, _, err := f.svc.Compact(ctx); err != nil {
			t.Fatal(err)
		}
		if c, _ := s.QuotaDay(ctx, day); len(c) != 0 {
			t.Errorf("counts of two days ago kept: %+v", c)
		}
	})
}

// TestQuotaNotificationsOnceUnderConcurrentIngest: batches of several nodes
// ingested at once (as by several portal instances) notify each threshold
// once.
func TestQuotaNotificationsOnceUnderConcurrentIngest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		setQuota(t, f, 100)
		m := f.now.Add(-time.Minute)
		batches := map[string]*gateway.UsageBatch{}
		for i := range 8 {
			batches[fmt.Sprintf("node-%d", i)] = &gateway.UsageBatch{ID: "x", Points: []gateway.UsagePoint{point(f.sub, f.kid, m, 15, 0, 0, time.Millisecond)}}
		}
		if failed := ingestAtOnce(context.Background(), f, batches); len(failed) > 0 {
			t.Fatal(failed[0])
		}
		got := quotaNotes(t, f, f.dev)
		// The batches add 15 each: one takes the day from 75 to 90 and
		// another from 90 to 105, whatever their order.
		if got["usage.quota_80"] != 1 || got["usage.quota_100"] != 1 {
			t.Errorf("notifications %v, want one at 80 %% and one at 100 %%", got)
		}
		if c, _ := s.QuotaDay(context.Background(), f.now.Unix()/store.UsageDay); len(c) != 1 || c[0].Accepted != 120 {
			t.Errorf("counts %+v, want 120", c)
		}
	})
}

// TestQuotaChanges: the hub's source of counts gives today's whole counts
// first, named as QuotaRevision names them, then the counts written since
// its last read, and the whole counts of a new day.
func TestQuotaChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		setQuota(t, f, 1000)
		qc := usage.NewQuotaCounts(s, func() time.Time { return f.now })
		day := f.now.Unix() / store.UsageDay
		sub, other := strconv.FormatInt(f.sub.ID, 10), strconv.FormatInt(f.otherSub.ID, 10)
		m := f.now.Add(-5 * time.Minute)
		ingest(t, f, "node-a", "a-1", point(f.sub, f.kid, m, 70, 0, 10, time.Millisecond))

		c, err := qc.QuotaChanges(ctx, push.QuotaMark{})
		if err != nil {
			t.Fatal(err)
		}
		if !c.Whole || c.Day != day || fmt.Sprint(c.Used) != fmt.Sprint(map[string]int64{sub: 70}) || c.Mark.Day != day {
			t.Fatalf("first read: %+v, want the whole counts of day %d: %s=70", c, day, sub)
		}
		rev, err := qc.QuotaRevision(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := qc.QuotaRevisionOf(day, 1, 70); got != rev {
			t.Errorf("QuotaRevisionOf the whole counts %q, QuotaRevision %q", got, rev)
		}

		ingest(t, f, "node-b", "b-1", point(f.otherSub, "kother", m, 20, 0, 0, time.Millisecond))
		c, err = qc.QuotaChanges(ctx, c.Mark)
		if err != nil {
			t.Fatal(err)
		}
		if c.Whole || c.Used[other] != 20 || (s.Dialect() == store.SQLite && len(c.Used) != 1) {
			t.Errorf("after another subscription's batch: %+v, want the changes: %s=20", c, other)
		}

		// A mark past the database's: it went back (a restore), the
		// whole counts.
		back, err := qc.QuotaChanges(ctx, push.QuotaMark{Day: day, Seq: c.Mark.Seq + 1<<40})
		if err != nil {
			t.Fatal(err)
		}
		if !back.Whole || len(back.Used) != 2 || back.Mark.Seq >= c.Mark.Seq+1<<40 {
			t.Errorf("from a mark the database never reached: %+v, want the whole counts and the database's mark", back)
		}

		f.now = f.now.Add(24 * time.Hour)
		c, err = qc.QuotaChanges(ctx, c.Mark)
		if err != nil {
			t.Fatal(err)
		}
		if !c.Whole || c.Day != day+1 || len(c.Used) != 0 {
			t.Errorf("a new day: %+v, want the whole (empty) counts of day %d", c, day+1)
		}
	})
}
