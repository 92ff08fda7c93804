package components

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// TestNewUsageChart lays out no data, one point and a month of days.
func TestNewUsageChart(t *testing.T) {
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	if c := NewUsageChart("u", "Requests", from, from.Add(time.Hour), time.Minute, nil); !c.Empty {
		t.Errorf("no data: not empty")
	}
	// A point outside the range is no traffic in it.
	out := []UsagePoint{{T: from.Add(2 * time.Hour), Requests: 5}}
	if c := NewUsageChart("u", "Requests", from, from.Add(time.Hour), time.Minute, out); !c.Empty {
		t.Errorf("a point after the range: not empty")
	}

	one := NewUsageChart("u", "Requests", from, from.Add(time.Hour), time.Minute,
		[]UsagePoint{{T: from.Add(30 * time.Minute), Requests: 12, Errors: 1, RateLimited: 1, P50MS: 2.5, P95MS: 9}})
	if one.Empty || len(one.Bars) != 3 || len(one.Rows) != 1 || len(one.Lines) != 2 || !one.Lines[0].Dot {
		t.Fatalf("one point: %+v", one)
	}
	// The stacked bar reaches 12 on an axis of 0 to 15 (ticks of 5): 4/5
	// of the plot's 180 units above the baseline at 192.
	top := one.YTicks[len(one.YTicks)-1]
	if top.Label != "15" || top.Pos != "12" || one.Bars[2].Y != "48" || len(one.YTicks) != 4 {
		t.Errorf("axis top %+v, last segment at y %s", top, one.Bars[2].Y)
	}
	if want := "12 requests in total, 1 errors, 1 rate limited; the busiest minute was 2026-11-01 00:30 with 12 requests"; !strings.Contains(one.Summary, want) {
		t.Errorf("summary %q, want %q", one.Summary, want)
	}
	if r := one.Rows[0]; r.Requests != "12" || r.OK != "10" || r.P50 != "2.5 ms" || r.P95 != "9 ms" {
		t.Errorf("row %+v", r)
	}

	var month []UsagePoint
	for d := range 30 {
		month = append(month, UsagePoint{T: from.AddDate(0, 0, d), Requests: int64(1000 * (d + 1)), Errors: int64(d), P50MS: 10, P95MS: float64(50 + d)})
	}
	c := NewUsageChart("m", "Requests", from, from.AddDate(0, 0, 30), 24*time.Hour, month)
	if len(c.Rows) != 30 || len(c.Lines) != 2 || c.Lines[0].Dot || strings.Count(c.Lines[1].Points, ",") != 30 || len(c.XTicks) != 6 {
		t.Errorf("a month: %d rows, %d lines, %d x ticks", len(c.Rows), len(c.Lines), len(c.XTicks))
	}
	if got := c.YTicks[len(c.YTicks)-1].Label; got != "30k" {
		t.Errorf("axis top %q, want 30k", got)
	}
	var buf bytes.Buffer
	if err := UsageCharts(c).Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	if strings.Count(html, `role="img"`) != 2 || strings.Count(html, `data-testid="usage-row"`) != 30 || strings.Count(html, "<rect") != 30+30-1+5 {
		t.Errorf("rendered %d charts, %d rows, %d rects", strings.Count(html, `role="img"`), strings.Count(html, `data-testid="usage-row"`), strings.Count(html, "<rect"))
	}
}

// TestUsageChartEscapes: the title reaches the page escaped.
func TestUsageChartEscapes(t *testing.T) {
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	c := NewUsageChart(`x"><script>`, "<b>Requests</b>", from, from.Add(time.Hour), time.Minute, []UsagePoint{{T: from, Requests: 1}})
	var buf bytes.Buffer
	if err := UsageCharts(c).Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "<script>") || strings.Contains(buf.String(), "<b>") {
		t.Errorf("unescaped: %s", buf.String())
	}
}

// TestNewSparkline: the peak at the top, zero at the bottom, a flat line
// without traffic.
func TestNewSparkline(t *testing.T) {
	if got := NewSparkline("x", []int64{0, 5, 10}).Points; got != "0,23 60,12 120,1" {
		t.Errorf("points %q", got)
	}
	if got := NewSparkline("x", []int64{0, 0}).Points; got != "0,23 120,23" {
		t.Errorf("no traffic: %q", got)
	}
}
