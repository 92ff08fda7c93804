package handlers_test

import (
	"encoding/csv"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/policy"
)

// usageFixture is the API pets of payments with a plan of 100 requests a
// day, the app finder of the team search subscribed to it, and a node
// token; it returns the subscription's id.
func usageFixture(t testing.TB, e *lcEnv) string {
	t.Helper()
	e.tok["stranger"] = e.token(e.user("stranger", policy.RoleMember, "elsewhere", policy.RoleOwner))
	e.createAPI("pets", "public")
	e.version("pets", "1.0.0", lifecycle.Published)
	e.call("POST", "/api/v1/apis/pets/plans", "maint", map[string]any{"slug": "free", "name": "Free", "rate_per_minute": 60, "quota_per_day": 100, "approval": "auto"}, 201)
	e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": "finder", "name": "Finder", "contact": "finder@example.com"}, 201)
	sub := e.call("POST", "/api/v1/apps/finder/subscriptions", "outsider", map[string]any{"api": "pets", "plan": "free", "purpose": "search pets"}, 201)
	node := e.call("POST", "/api/v1/gateway/nodes", "admin", map[string]any{"name": "node-a"}, 201)
	e.tok["node"] = node["token"].(string)
	return fmt.Sprint(sub["id"])
}

// usagePoint is a minute of traffic of sub with every request in the
// latency bucket of lat.
func usagePoint(sub string, minute time.Time, ok, s5xx, s429 int64, lat time.Duration) gateway.UsagePoint {
	l := make([]int64, gateway.LatencyBuckets)
	l[gateway.LatencyBucket(lat)] = ok + s5xx + s429
	return gateway.UsagePoint{Minute: minute.Unix(), Subscription: sub, Key: "k1", API: "pets/v1", S2xx: ok, S5xx: s5xx, S429: s429, Latency: l, BytesOut: 100}
}

// TestUsagePages: with no traffic the pages say so; after a node's report
// the consumer's and the provider's pages draw the chart and list the same
// numbers in the table, the quota used today, the top apps and the majors;
// the CSV holds the series; another team gets 404 or 403; a bad range or
// format answers 400.
func TestUsagePages(t *testing.T) {
	e := newLCEnv(t)
	id := usageFixture(t, e)
	subPage := "/subscriptions/" + id + "/usage"

	consumer, provider, stranger, viewer := e.browser(), e.browser(), e.browser(), e.browser()
	consumer.login("outsider")
	provider.login("maint")
	stranger.login("stranger")
	viewer.login("viewer")

	for _, path := range []string{subPage + "?range=1h", "/apis/pets/usage?range=30d"} {
		res := provider.get(path)
		if res.StatusCode != 200 {
			t.Fatalf("%s: status %d", path, res.StatusCode)
		}
		d := doc(t, res)
		if d.Find(`[data-testid=chart-empty]`).Length() != 1 || d.Find("svg[role=img]").Length() != 0 {
			t.Errorf("%s without traffic: want the empty state and no chart", path)
		}
	}

	now := time.Now().UTC()
	m1 := now.Add(-30 * time.Minute).Truncate(time.Minute)
	m2 := now.Add(-10 * time.Minute).Truncate(time.Minute)
	batch := gateway.UsageBatch{ID: "b1", Points: []gateway.UsagePoint{
		usagePoint(id, m1, 10, 1, 1, 3*time.Millisecond),
		usagePoint(id, m2, 5, 0, 0, 40*time.Millisecond),
	}}
	e.call("POST", gateway.UsagePath, "node", batch, 200)
	today := int64(0) // accepted requests since midnight UTC
	for _, p := range batch.Points {
		if p.Minute >= now.Truncate(24*time.Hour).Unix() {
			today += p.S2xx + p.S5xx
		}
	}

	for _, b := range []*browser{consumer, provider} {
		res := b.get(subPage + "?range=1h")
		if res.StatusCode != 200 {
			t.Fatalf("%s: status %d", subPage, res.StatusCode)
		}
		d := doc(t, res)
		chart := d.Find(`[data-testid=requests-chart] svg[role=img]`)
		if chart.Length() != 1 || chart.Find("title").First().Text() != "Requests" {
			t.Fatalf("no accessible requests chart")
		}
		if got := d.Find(`[data-testid=chart-summary]`).Text(); !strings.Contains(got, "17 requests in total, 1 errors, 1 rate limited") {
			t.Errorf("summary %q", got)
		}
		// Two minutes of traffic: the first as three segments (ok,
		// errors, rate limited), the second as one.
		if got := d.Find(`[data-testid=chart-bar]`).Length(); got != 4 {
			t.Errorf("%d bar segments, want 4", got)
		}
		if got := d.Find(`[data-testid=latency-chart] svg[role=img]`).Length(); got != 1 {
			t.Errorf("%d latency charts, want 1", got)
		}
		var rows []string
		d.Find(`[data-testid=usage-row]`).Each(func(_ int, s *goquery.Selection) {
			rows = append(rows, s.Find(`[data-testid=row-requests]`).Text()+"/"+s.Find(`[data-testid=row-errors]`).Text()+"/"+s.Find(`[data-testid=row-limited]`).Text())
		})
		if got, want := strings.Join(rows, " "), "12/1/1 5/0/0"; got != want {
			t.Errorf("table rows %q, want %q", got, want)
		}
		if got, want := d.Find(`[data-testid=quota]`).Text(), fmt.Sprintf("%d of 100 requests", today); !strings.Contains(got, want) {
			t.Errorf("quota %q, want %q", got, want)
		}
		if got := d.Find(`[data-testid=range-active]`).Text(); got != "1 hour" {
			t.Errorf("active range %q", got)
		}
	}

	// The provider's page: the same series, the app and the major.
	d := doc(t, provider.get("/apis/pets/usage?range=24h"))
	if got := d.Find(`[data-testid=total-requests]`).Text(); got != "17" {
		t.Errorf("API total %q, want 17", got)
	}
	top := d.Find(`[data-testid=top-apps] [data-testid=group-row]`)
	if top.Length() != 1 || !strings.Contains(top.Text(), "Finder") || top.Find(`[data-testid=group-requests]`).Text() != "17" ||
		top.Find(`[data-testid=group-error-rate]`).Text() != "5.9 %" {
		t.Errorf("top apps: %q", top.Text())
	}
	if maj := d.Find(`[data-testid=majors] [data-testid=group-row]`); maj.Length() != 1 || !strings.Contains(maj.Text(), "v1") {
		t.Errorf("majors: %q", maj.Text())
	}
	if d.Find(`[data-testid=usage-chart] svg[role=img]`).Length() != 2 {
		t.Errorf("the API's page draws no charts")
	}
	if doc(t, provider.get("/apis/pets")).Find(`a[data-testid=usage-tab][href="/apis/pets/usage"]`).Length() != 1 {
		t.Errorf("the API page does not link its usage")
	}
	if doc(t, provider.get("/apis/pets/subscribers")).Find(`a[data-testid=subscriber-usage][href="`+subPage+`"]`).Length() != 1 {
		t.Errorf("the subscribers tab does not link the subscription's usage")
	}
	if doc(t, consumer.get("/apps/finder")).Find(`a[data-testid=subscription-usage][href="`+subPage+`"]`).Length() != 1 {
		t.Errorf("the app page does not link the subscription's usage")
	}
	if doc(t, consumer.get("/apis/pets")).Find(`[data-testid=usage-tab]`).Length() != 0 {
		t.Errorf("the API page links its usage for a consumer")
	}

	// The dashboard: a sparkline per API of the viewer's teams.
	for _, b := range []*browser{provider, viewer} {
		row := doc(t, b.get("/")).Find(`[data-testid=api-traffic-row][data-api=pets]`)
		if row.Length() != 1 || row.Find(`[data-testid=api-traffic-requests]`).Text() != "17" ||
			row.Find(`svg[data-testid=sparkline][role=img]`).AttrOr("aria-label", "") != "API pets: 17 requests in the last 24 hours" {
			t.Errorf("dashboard traffic row: %q", row.Text())
		}
	}
	if n := doc(t, consumer.get("/")).Find(`[data-testid=api-traffic]`).Length(); n != 0 {
		t.Errorf("the consumer's dashboard shows its provider's traffic")
	}

	// CSV: an attachment with the series, no formula.
	res := consumer.get(subPage + "?range=24h&format=csv")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
		!strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment;") {
		t.Fatalf("csv: status %d, %q, %q", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"))
	}
	recs, err := csv.NewReader(strings.NewReader(readAll(t, res))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var total int
	for _, r := range recs[1:] {
		var n int
		fmt.Sscan(r[1], &n)
		total += n
	}
	if strings.Join(recs[0], ",") != "t,requests,errors,rate_limited,p50_ms,p95_ms,p99_ms,bytes_in,bytes_out" || total != 17 {
		t.Errorf("csv %v", recs)
	}
	if res := provider.get("/apis/pets/usage?range=7d&format=csv"); res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Disposition"), `filename="usage-pets-7d.csv"`) {
		t.Errorf("the API's csv: %d %q", res.StatusCode, res.Header.Get("Content-Disposition"))
	}
	// A boosted link to a CSV (one a description's Markdown holds) is sent
	// to the browser to fetch itself, never swapped into the page.
	for _, tc := range []struct {
		b          *browser
		path, want string
	}{
		{consumer, subPage + "?format=csv&range=7d", subPage + "?range=7d&format=csv"},
		{provider, "/apis/pets/usage?format=csv", "/apis/pets/usage?range=24h&format=csv"},
	} {
		req := httptest.NewRequest("GET", tc.path, nil)
		req.Header.Set("HX-Request", "true")
		req.Header.Set("HX-Boosted", "true")
		res := tc.b.do(req)
		if body := readAll(t, res); res.StatusCode != 200 || res.Header.Get("HX-Redirect") != tc.want || strings.Contains(body, "requests") ||
			!strings.Contains(res.Header.Get("Vary"), "HX-Request") {
			t.Errorf("boosted GET %s: status %d, HX-Redirect %q, Vary %q and %d bytes (%.40q), want HX-Redirect %q and not the file",
				tc.path, res.StatusCode, res.Header.Get("HX-Redirect"), res.Header.Get("Vary"), len(body), body, tc.want)
		}
	}

	// Another team: the subscription does not exist for it (page and CSV),
	// the API's usage is refused.
	for path, want := range map[string]int{
		subPage:                                404,
		subPage + "?format=csv":                404,
		"/apis/pets/usage":                     403,
		"/apis/pets/usage?range=1h&format=csv": 403,
	} {
		if res := stranger.get(path); res.StatusCode != want {
			t.Errorf("stranger %s: status %d, want %d", path, res.StatusCode, want)
		}
	}
	if res := consumer.get("/apis/pets/usage"); res.StatusCode != 403 {
		t.Errorf("the consumer reads the API's usage: status %d", res.StatusCode)
	}
	if res := viewer.get("/apis/pets/usage"); res.StatusCode != 200 {
		t.Errorf("a viewer of the API's team: status %d", res.StatusCode)
	}
	for _, q := range []string{"?range=2d", "?range=", "?range=1h&format=xlsx", "?range=24h%00"} {
		want := 400
		if q == "?range=" {
			want = 200 // the default range
		}
		if res := consumer.get(subPage + q); res.StatusCode != want {
			t.Errorf("%s: status %d, want %d", q, res.StatusCode, want)
		}
	}
}
