package handlers_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/handlers"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/spec/spectest"
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

// TestMetricsGatewayNodes: /metrics counts the nodes by the states the
// Gateway API shows, one series per node, and the configuration version.
func TestMetricsGatewayNodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newEnvOn(t, s)
		p, err := policy.New(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		parts := handlers.NewGatewayParts(s, p, slog.New(slog.DiscardHandler))
		e.app = handlers.New(s, p, handlers.Options{Hasher: e.hasher, MetricsToken: testMetricsToken, Gateway: parts}).App()
		admin := e.user("admin", policy.RoleAdmin, "", "")
		tok := e.token(admin)
		pagePublishedAPI(t, e, admin, "payments", "orders", store.VisibilityPublic, spectest.PetsV1)
		if res, out := e.api("PUT", "/api/v1/apis/orders/gateway/1", tok, map[string]any{"targets": []string{"http://orders:8080"}}); res.StatusCode != 201 {
			t.Fatalf("deploy: %d %v", res.StatusCode, out)
		}
		head, err := parts.Source.Publish(ctx, "")
		if err != nil || head.Version == 0 {
			t.Fatalf("publish: %v %v", head, err)
		}
		if _, err := parts.Source.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		if cur, _ := parts.Source.Current(ctx); cur != head {
			t.Fatalf("current %v, published %v", cur, head)
		}

		for _, name := range []string{"edge-sync", "edge-behind", "edge-reject", "edge-silent", "edge-never", "edge-gone"} {
			if res, out := e.api("POST", "/api/v1/gateway/nodes", tok, map[string]any{"name": name}); res.StatusCode != 201 {
				t.Fatalf("register %s: %d %v", name, res.StatusCode, out)
			}
		}
		record := func(name string, st store.GatewayNodeStatus) {
			t.Helper()
			n, err := s.ActiveGatewayNode(ctx, s.DB(), name)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.RecordGatewayNodeStatus(ctx, n.ID, st); err != nil {
				t.Fatal(err)
			}
		}
		inSync := store.GatewayNodeStatus{AppliedVersion: int64(head.Version), AppliedHash: head.Hash}
		record("edge-sync", inSync)
		record("edge-behind", store.GatewayNodeStatus{})
		record("edge-reject", store.GatewayNodeStatus{RejectedVersion: int64(head.Version), RejectedHash: head.Hash, LastError: "bad"})
		record("edge-silent", inSync)
		record("edge-gone", inSync)
		if _, err := s.DB().NewUpdate().Model((*store.GatewayNode)(nil)).Set("last_seen_at = ?", time.Now().Add(-time.Hour)).
			Where("name = 'edge-silent'").Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if res, _ := e.api("DELETE", "/api/v1/gateway/nodes/edge-gone", tok, nil); res.StatusCode != 204 {
			t.Fatalf("revoke: %d", res.StatusCode)
		}

		body := scrapeMetrics(t, e)
		wantMetric(t, body, `portico_gateway_nodes_up`, 1)
		wantMetric(t, body, `portico_gateway_config_version`, float64(head.Version))
		wantMetric(t, body, `portico_gateway_nodes{state="in_sync"}`, 1)
		wantMetric(t, body, `portico_gateway_nodes{state="behind"}`, 1)
		wantMetric(t, body, `portico_gateway_nodes{state="rejecting"}`, 1)
		wantMetric(t, body, `portico_gateway_nodes{state="unreachable"}`, 2)

		// Each node's series has the state GET /api/v1/gateway/nodes shows.
		var list []struct{ Name, State string }
		status, text := e.apiText("GET", "/api/v1/gateway/nodes", tok)
		if err := json.Unmarshal([]byte(text), &list); status != 200 || err != nil || len(list) != 5 {
			t.Fatalf("nodes: %d %s %v", status, text, err)
		}
		want := map[string]string{"edge-sync": "in_sync", "edge-behind": "behind", "edge-reject": "rejecting", "edge-silent": "unreachable", "edge-never": "unreachable"}
		for _, n := range list {
			if n.State != want[n.Name] {
				t.Errorf("API: %s is %s, want %s", n.Name, n.State, want[n.Name])
			}
			wantMetric(t, body, `portico_gateway_node_state{node="`+n.Name+`",state="`+n.State+`"}`, 1)
		}
		if strings.Contains(body, `node="edge-gone"`) {
			t.Errorf("a revoked node in the metrics")
		}
		if n := strings.Count(body, "\nportico_gateway_node_state{"); n != 5 {
			t.Errorf("%d node series, want 5", n)
		}
	})
}

// TestMetricsDBPool: /metrics shows this instance's connection pool.
func TestMetricsDBPool(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnvOn(t, s)
		body := scrapeMetrics(t, e)
		wantMetric(t, body, `go_sql_max_open_connections{db_name="portico"}`, float64(s.DB().Stats().MaxOpenConnections))
		if open, ok := metricValue(t, body, `go_sql_open_connections{db_name="portico"}`); !ok || open < 1 {
			t.Errorf("open connections %v (present %v), want at least the one the migrations used", open, ok)
		}
		for _, series := range []string{"go_sql_in_use_connections", "go_sql_idle_connections", "go_sql_wait_count_total", "go_sql_wait_duration_seconds_total"} {
			if _, ok := metricValue(t, body, series+`{db_name="portico"}`); !ok {
				t.Errorf("no %s", series)
			}
		}
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
		if _, ok := metricValue(t, body, `go_sql_open_connections{db_name="portico"}`); !ok {
			t.Errorf("the rest of the scrape is missing")
		}
		wantMetric(t, body, `portico_gateway_nodes_up`, 1)
		wantMetric(t, body, `portico_gateway_nodes{state="in_sync"}`, 0)

		if s.Dialect() != store.PostgreSQL {
			return
		}
		// Each table locked in turn: the scrape ends in time, without
		// the series of the read given up and with the other's.
		for _, c := range []struct{ table, down, up, upSeries, downSeries string }{
			{"outbox", "portico_outbox_up", "portico_gateway_nodes_up", `portico_gateway_nodes{state="in_sync"}`, "\nportico_outbox_pending{"},
			{"gateway_nodes", "portico_gateway_nodes_up", "portico_outbox_up", `portico_outbox_pending{topic="test.alpha"}`, "\nportico_gateway_nodes{"},
		} {
			tx, err := s.DB().BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tx.ExecContext(ctx, "LOCK TABLE "+c.table+" IN ACCESS EXCLUSIVE MODE"); err != nil {
				t.Fatal(err)
			}
			e.app = e.build() // an instance without the cached reads
			start := time.Now()
			body = scrapeMetrics(t, e)
			took := time.Since(start)
			if err := tx.Rollback(); err != nil {
				t.Fatal(err)
			}
			if took > 5*time.Second {
				t.Errorf("scrape with %s locked took %v", c.table, took)
			}
			wantMetric(t, body, c.down, 0)
			wantMetric(t, body, c.up, 1)
			if _, ok := metricValue(t, body, c.upSeries); !ok {
				t.Errorf("with %s locked: no %s", c.table, c.upSeries)
			}
			if strings.Contains(body, c.downSeries) {
				t.Errorf("with %s locked: %s shown though not read in time", c.table, c.downSeries)
			}
		}
	})
}
