package handlers_test

import (
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/gatewaytest"
	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestAPIUsage: the consumer and the provider read a subscription's usage;
// a user of a third team cannot, neither by subscription nor through the
// API's series; bad parameters answer 422.
func TestAPIUsage(t *testing.T) {
	e := newLCEnv(t)
	e.tok["stranger"] = e.token(e.user("stranger", policy.RoleMember, "elsewhere", policy.RoleOwner))
	e.createAPI("pets", "public")
	e.version("pets", "1.0.0", lifecycle.Published)
	e.call("POST", "/api/v1/apis/pets/plans", "maint", map[string]any{"slug": "free", "name": "Free", "rate_per_minute": 60, "approval": "auto"}, 201)
	e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": "finder", "name": "Finder", "contact": "finder@example.com"}, 201)
	sub := e.call("POST", "/api/v1/apps/finder/subscriptions", "outsider", map[string]any{"api": "pets", "plan": "free", "purpose": "search pets"}, 201)
	id := fmt.Sprint(sub["id"])

	minute := time.Now().UTC().Add(-30 * time.Minute).Truncate(time.Minute)
	lat := make([]int64, gateway.LatencyBuckets)
	lat[gateway.LatencyBucket(3*time.Millisecond)] = 12
	// A registered node reports through its token; the same batch sent
	// again counts once.
	node := e.call("POST", "/api/v1/gateway/nodes", "admin", map[string]any{"name": "node-a"}, 201)
	e.tok["node"] = node["token"].(string)
	batch := gateway.UsageBatch{ID: "b1", Points: []gateway.UsagePoint{
		{Minute: minute.Unix(), Subscription: id, Key: "k1", API: "pets/v1", S2xx: 10, S5xx: 1, S429: 1, Latency: lat, BytesOut: 500},
	}}
	if got := e.call("POST", gateway.UsagePath, "node", batch, 200); got["points"] != float64(1) || got["duplicate"] != false {
		t.Errorf("ingest: %v", got)
	}
	if got := e.call("POST", gateway.UsagePath, "node", batch, 200); got["duplicate"] != true {
		t.Errorf("the same batch again: %v, want a duplicate", got)
	}
	e.call("POST", gateway.UsagePath, "admin", batch, 401) // a user's token is no node token
	e.call("POST", gateway.UsagePath, "", batch, 401)
	e.call("POST", gateway.UsagePath, "node", map[string]any{"id": "b2", "points": []any{map[string]any{"minute": 61}}}, 422)

	for _, who := range []string{"outsider", "maint", "admin"} {
		out := e.call("GET", "/api/v1/usage?subscription="+id+"&step=3600", who, nil, 200)
		pts, _ := out["points"].([]any)
		if len(pts) != 1 {
			t.Fatalf("%s: %v", who, out)
		}
		p := pts[0].(map[string]any)
		if p["requests"] != float64(12) || p["errors"] != float64(1) || p["rate_limited"] != float64(1) || p["bytes_out"] != float64(500) || p["p50_ms"].(float64) <= 2 {
			t.Errorf("%s sees %v", who, p)
		}
	}
	e.call("GET", "/api/v1/usage?subscription="+id, "stranger", nil, 404)
	if out := e.call("GET", "/api/v1/usage?api=pets", "stranger", nil, 200); len(out["points"].([]any)) != 0 {
		t.Errorf("a third team reads the API's usage: %v", out)
	}
	bad := e.call("GET", "/api/v1/usage?step=30&from=yesterday", "outsider", nil, 422)
	if errs, _ := bad["errors"].([]any); len(errs) != 2 {
		t.Errorf("errors %v, want step and from", bad["errors"])
	}
	// A time whose UTC year is past 9999 has no JSON form: refused, not a 500.
	far := e.call("GET", "/api/v1/usage?api=pets&step=86400&from=9999-12-30T00:00:00Z&to=9999-12-31T23:00:00-05:00", "outsider", nil, 422)
	if errs, _ := far["errors"].([]any); len(errs) != 1 {
		t.Errorf("errors %v, want to", far["errors"])
	}
}

// TestQuotaNotificationsThroughIngest: the node's reports, through the
// portal's ingest route, bring a subscription past 80 % and then 100 % of its
// plan's daily quota; the consumer team is told of each once (a batch sent
// again tells nobody again), the provider team and a third team are not.
func TestQuotaNotificationsThroughIngest(t *testing.T) {
	gatewaytest.ClearOfMidnight(t, 2*time.Minute)
	e := newLCEnv(t)
	e.tok["stranger"] = e.token(e.user("stranger", policy.RoleMember, "elsewhere", policy.RoleOwner))
	e.createAPI("pets", "public")
	e.version("pets", "1.0.0", lifecycle.Published)
	e.call("POST", "/api/v1/apis/pets/plans", "maint", map[string]any{"slug": "capped", "name": "Capped", "rate_per_minute": 60, "quota_per_day": 10, "approval": "auto"}, 201)
	e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": "finder", "name": "Finder", "contact": "finder@example.com"}, 201)
	sub := e.call("POST", "/api/v1/apps/finder/subscriptions", "outsider", map[string]any{"api": "pets", "plan": "capped", "purpose": "search pets"}, 201)
	id := fmt.Sprint(sub["id"])
	node := e.call("POST", "/api/v1/gateway/nodes", "admin", map[string]any{"name": "node-a"}, 201)
	e.tok["node"] = node["token"].(string)

	minute := time.Now().UTC().Truncate(time.Minute)
	batch := func(bid string, ok, limited int64) gateway.UsageBatch {
		lat := make([]int64, gateway.LatencyBuckets)
		lat[0] = ok + limited
		return gateway.UsageBatch{ID: bid, Points: []gateway.UsagePoint{{Minute: minute.Unix(), Subscription: id, Key: "k1", API: "pets/v1", S2xx: ok, S429: limited, Latency: lat}}}
	}
	quotaNotes := func(who string) []string {
		t.Helper()
		b := e.browser()
		b.login(who)
		var out []string
		doc(t, b.get("/notifications")).Find(`[data-testid="notification"]`).Each(func(_ int, s *goquery.Selection) {
			if txt := strings.Join(strings.Fields(s.Text()), " "); strings.Contains(txt, "daily quota") {
				out = append(out, txt)
			}
		})
		return out
	}

	e.call("POST", gateway.UsagePath, "node", batch("b1", 7, 3), 200)
	if got := quotaNotes("outsider"); len(got) != 0 {
		t.Errorf("at 7 of 10: %q, want nothing", got)
	}
	e.call("POST", gateway.UsagePath, "node", batch("b2", 1, 0), 200)
	if got := e.call("POST", gateway.UsagePath, "node", batch("b2", 1, 0), 200); got["duplicate"] != true {
		t.Errorf("the batch sent again: %v, want a duplicate", got)
	}
	got := quotaNotes("outsider")
	if len(got) != 1 || !strings.Contains(got[0], "Finder on API pets v1 has used 80 % of its daily quota") || !strings.Contains(got[0], "8 of 10") {
		t.Errorf("at 8 of 10 (the batch sent twice): %q, want one 80 %% notification", got)
	}
	e.call("POST", gateway.UsagePath, "node", batch("b3", 2, 0), 200)
	e.call("POST", gateway.UsagePath, "node", batch("b4", 1, 5), 200)
	got = quotaNotes("outsider")
	if len(got) != 2 || !strings.Contains(got[0], "whole daily quota") || !strings.Contains(got[0], "10 of 10") {
		t.Errorf("past 10 of 10: %q, want the 100 %% notification above the 80 %% one", got)
	}
	for _, who := range []string{"maint", "dev", "stranger"} {
		if got := quotaNotes(who); len(got) != 0 {
			t.Errorf("%s was notified of another team's quota: %q", who, got)
		}
	}

	// The node's sync connection carries the day's count to the nodes
	// that take counts, once it serves the newest configuration.
	sync := map[string]any{"type": "hello", "wait_ms": 50, "quotas": gateway.QuotasNone}
	for range 3 {
		res, out := e.api("POST", gateway.SyncPath, e.tok["node"], sync)
		if res.StatusCode != 200 {
			t.Fatalf("sync: %d %v", res.StatusCode, out)
		}
		if res.Header.Get("Content-Type") != gateway.MediaQuotas {
			sync["type"], sync["version"], sync["hash"] = "ack", out["version"], out["hash"]
			continue
		}
		day := float64(time.Now().Unix() / 86400)
		if used, _ := out["used"].(map[string]any); used[id] != float64(11) || out["day"] != day {
			t.Errorf("quota counts %v, want %s: 11 on day %v", out, id, day)
		}
		return
	}
	t.Error("the sync route sent no quota counts")
}

// TestUsageIngestRefusesTrailingData: a node's body holding a batch and then
// more (a second batch) is refused whole, 422, and nothing of it is counted;
// the first batch alone is then accepted as new.
func TestUsageIngestRefusesTrailingData(t *testing.T) {
	storetest.Each(t, testUsageIngestRefusesTrailingData)
}

func testUsageIngestRefusesTrailingData(t *testing.T, s *store.Store) {
	e := newLCEnvOn(t, s)
	node := e.call("POST", "/api/v1/gateway/nodes", "admin", map[string]any{"name": "node-a"}, 201)
	minute := time.Now().UTC().Add(-30 * time.Minute).Truncate(time.Minute).Unix()
	one := fmt.Sprintf(`{"id":"b1","points":[{"minute":%d,"subscription":"1","key":"k1","api":"pets/v1","s2xx":1,"latency":[%s]}]}`,
		minute, strings.TrimSuffix(strings.Repeat("0,", gateway.LatencyBuckets), ","))
	post := func(body string) (int, string) {
		t.Helper()
		req := httptest.NewRequest("POST", gateway.UsagePath, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+node["token"].(string))
		req.Header.Set("Content-Type", "application/json")
		res, err := e.app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(raw)
	}
	if code, out := post(one + strings.Replace(one, `"b1"`, `"b2"`, 1)); code != 422 || !strings.Contains(out, "data after the batch") {
		t.Errorf("two batches in one body: %d %s, want 422 naming the data after the batch", code, out)
	}
	if code, out := post(one); code != 200 || !strings.Contains(out, `"duplicate":false`) {
		t.Errorf("the first batch alone: %d %s, want 200 and not a duplicate", code, out)
	}
}
