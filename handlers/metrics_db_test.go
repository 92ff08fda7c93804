package handlers_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// scrapeMetrics GETs /metrics with the metrics token through the router.
func scrapeMetrics(t *testing.T, e *env) string {
	t.Helper()
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+testMetricsToken)
	res, err := e.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 {
		t.Fatalf("/metrics: %d", res.StatusCode)
	}
	return readAll(t, res)
}

// metricValue returns the value of the series (name with its labels, as
// exposed) in a scrape, and whether it is there.
func metricValue(t *testing.T, body, series string) (float64, bool) {
	t.Helper()
	for _, line := range strings.Split(body, "\n") {
		if rest, ok := strings.CutPrefix(line, series+" "); ok {
			v, err := strconv.ParseFloat(rest, 64)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return v, true
		}
	}
	return 0, false
}

func wantMetric(t *testing.T, body, series string, want float64) {
	t.Helper()
	if got, ok := metricValue(t, body, series); !ok || got != want {
		t.Errorf("%s = %v (present %v), want %v", series, got, ok, want)
	}
}

// TestMetricsOutbox: /metrics shows the outbox's pending messages by
// topic, those whose delivery failed, and the age of the oldest.
func TestMetricsOutbox(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newEnvOn(t, s)
		for _, topic := range []string{"test.alpha", "test.beta", "test.alpha", "test.alpha"} {
			if err := s.Enqueue(ctx, s.DB(), topic, map[string]string{"k": topic}); err != nil {
				t.Fatal(err)
			}
		}
		// Other topics' messages (the users' search indexing) may be
		// pending too: the first two test messages are found by topic.
		var ids []int64
		if err := s.DB().NewSelect().Model((*store.OutboxMessage)(nil)).Column("id").
			Where("topic LIKE 'test.%'").Order("id").Scan(ctx, &ids); err != nil {
			t.Fatal(err)
		}
		// alpha's first fails and waits for its retry; beta's is delivered.
		var claimed []store.OutboxMessage
		for len(claimed) < 2 {
			ms, err := s.ClaimOutbox(ctx, "", 100, time.Minute)
			if err != nil || len(ms) == 0 {
				t.Fatalf("claim: %v %v", ms, err)
			}
			for _, m := range ms {
				switch m.ID {
				case ids[0]:
					if err := s.RetryOutbox(ctx, m, errors.New("upstream said no"), time.Hour); err != nil {
						t.Fatal(err)
					}
					claimed = append(claimed, m)
				case ids[1]:
					if err := s.CompleteOutbox(ctx, m); err != nil {
						t.Fatal(err)
					}
					claimed = append(claimed, m)
				}
			}
		}
		now, err := s.ClockNow(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().NewUpdate().Model((*store.OutboxMessage)(nil)).Set("created_at = ?", now.Add(-10*time.Minute)).
			Where("id = ?", ids[0]).Exec(ctx); err != nil {
			t.Fatal(err)
		}

		body := scrapeMetrics(t, e)
		wantMetric(t, body, `portico_outbox_up`, 1)
		wantMetric(t, body, `portico_outbox_pending{topic="test.alpha"}`, 3)
		wantMetric(t, body, `portico_outbox_failing{topic="test.alpha"}`, 1)
		if age, ok := metricValue(t, body, `portico_outbox_oldest_pending_age_seconds{topic="test.alpha"}`); !ok || age < 600 || age > 660 {
			t.Errorf("oldest alpha message's age = %v (present %v), want about 600 s", age, ok)
		}
		for _, gone := range []string{`portico_outbox_pending{topic="test.beta"}`, `portico_outbox_failing{topic="test.beta"}`} {
			if _, ok := metricValue(t, body, gone); ok {
				t.Errorf("%s shown with nothing pending", gone)
			}
		}
		for _, help := range []string{"# HELP portico_outbox_pending ", "# HELP portico_outbox_failing ", "# HELP portico_outbox_oldest_pending_age_seconds ", "# HELP portico_outbox_up "} {
			if !strings.Contains(body, help) {
				t.Errorf("no %q", help)
			}
		}

		// A second scrape within a few seconds is served from the first's
		// reads: scrapers do not multiply the database's work.
		if err := s.Enqueue(ctx, s.DB(), "test.beta", nil); err != nil {
			t.Fatal(err)
		}
		body = scrapeMetrics(t, e)
		if _, ok := metricValue(t, body, `portico_outbox_pending{topic="test.beta"}`); ok {
			t.Errorf("second scrape read the database again")
		}
		// A new instance (its own cache) sees it.
		e.app = e.build()
		wantMetric(t, scrapeMetrics(t, e), `portico_outbox_pending{topic="test.beta"}`, 1)
	})
}

// TestMetricsDatabaseTrouble: when a read fails, its series are absent and
// its _up gauge says 0, the rest of the scrape unaffected; on PostgreSQL, a
// read held by a lock is given up after a bounded wait instead of holding
// the scrape.
func TestMetricsDatabaseTrouble(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newEnvOn(t, s)
		if err := s.Enqueue(ctx, s.DB(), "test.alpha", nil); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().ExecContext(ctx, "ALTER TABLE outbox RENAME TO outbox_away"); err != nil {
			t.Fatal(err)
		}
		body := scrapeMetrics(t, e)
		if _, err := s.DB().ExecContext(ctx, "ALTER TABLE outbox_away RENAME TO outbox"); err != nil {
			t.Fatal(err)
		}
		wantMetric(t, body, `portico_outbox_up`, 0)
		if strings.Contains(body, "\nportico_outbox_pending{") || strings.Contains(body, "\nportico_outbox_oldest_pending_age_seconds{") {
			t.Errorf("outbox series shown though the outbox was not read")
		}
		if _, ok := metricValue(t, body, `go_goroutines`); !ok {
			t.Errorf("the rest of the scrape is missing")
		}

		if s.Dialect() != store.PostgreSQL {
			return
		}
		tx, err := s.DB().BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if _, err := tx.ExecContext(ctx, "LOCK TABLE outbox IN ACCESS EXCLUSIVE MODE"); err != nil {
			t.Fatal(err)
		}
		e.app = e.build() // an instance without the cached reads
		start := time.Now()
		body = scrapeMetrics(t, e)
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("scrape with the outbox locked took %v", took)
		}
		wantMetric(t, body, `portico_outbox_up`, 0)
		if _, ok := metricValue(t, body, `portico_outbox_pending{topic="test.alpha"}`); ok {
			t.Errorf("outbox series shown though the outbox was not read in time")
		}
	})
}
