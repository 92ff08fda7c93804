package components

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// UsagePoint is one step of a usage series as the charts show it: steps
// without traffic are absent.
type UsagePoint struct {
	T                             time.Time
	Requests, Errors, RateLimited int64
	P50MS, P95MS                  float64
}

// OK is the requests answered neither as errors nor rate limited.
func (p UsagePoint) OK() int64 { return p.Requests - p.Errors - p.RateLimited }

// Chart geometry, in SVG user units.
const (
	chartW      = 720
	chartH      = 220
	chartLeft   = 60
	chartRight  = 12
	chartTop    = 12
	chartBottom = 28
	plotW       = chartW - chartLeft - chartRight
	plotH       = chartH - chartTop - chartBottom
)

// ChartRect is one bar segment.
type ChartRect struct {
	X, Y, W, H string
	Fill       string
	Title      string
}

// ChartTick is an axis label at a position (x for the time axis, y for
// the value axis).
type ChartTick struct {
	Pos   string
	Label string
}

// ChartLine is a polyline of one latency series, or a single dot.
type ChartLine struct {
	Points string
	Dot    bool
	X, Y   string
	Stroke string
	Label  string
}

// ChartRow is a step with traffic, as the table beside the charts lists it.
type ChartRow struct {
	Time                              string
	Requests, OK, Errors, RateLimited string
	P50, P95                          string
}

// UsageChart is a usage series laid out as two SVG charts (requests per
// step, stacked as ok, errors and rate limited; latency p50 and p95) and
// the table of the same numbers. NewUsageChart fills it; the component
// UsageCharts draws it.
type UsageChart struct {
	// ID is unique on the page: it prefixes the ids of the titles.
	ID    string
	Title string
	// Empty is set when no step of the range had traffic.
	Empty bool
	// Summary and LatencySummary are the charts' text alternatives.
	Summary, LatencySummary string
	Width, Height           string
	Baseline, PlotLeft      string
	PlotRight               string
	Bars                    []ChartRect
	Lines                   []ChartLine
	XTicks                  []ChartTick
	YTicks, LatencyTicks    []ChartTick
	Rows                    []ChartRow
	// Step names the width of a bar ("minute", "hour", "day").
	Step string
}

var (
	fillOK      = "#16a34a"
	fillErrors  = "#dc2626"
	fillLimited = "#d97706"
	strokeP50   = "#2563eb"
	strokeP95   = "#7c3aed"
)

// NewUsageChart lays out the points of the range [from, to) with one bar
// per step. from is the start of the first step; points outside the range
// are ignored.
func NewUsageChart(id, title string, from, to time.Time, step time.Duration, points []UsagePoint) UsageChart {
	c := UsageChart{ID: id, Title: title, Step: stepName(step), Width: itoa(chartW), Height: itoa(chartH),
		Baseline: itoa(chartTop + plotH), PlotLeft: itoa(chartLeft), PlotRight: itoa(chartLeft + plotW)}
	if step <= 0 || !from.Before(to) {
		c.Empty = true
		return c
	}
	n := int((to.Sub(from) + step - 1) / step)
	var in []UsagePoint
	var maxReq int64
	var maxLat float64
	var total, errs, limited int64
	busiest := -1
	for _, p := range points {
		if p.T.Before(from) || !p.T.Before(to) || p.Requests <= 0 {
			continue
		}
		in = append(in, p)
		total += p.Requests
		errs += p.Errors
		limited += p.RateLimited
		if p.Requests > maxReq {
			maxReq, busiest = p.Requests, len(in)-1
		}
		maxLat = math.Max(maxLat, math.Max(p.P50MS, p.P95MS))
	}
	if len(in) == 0 {
		c.Empty = true
		return c
	}
	slot := float64(plotW) / float64(n)
	x := func(t time.Time) float64 { return chartLeft + float64(t.Sub(from)/step)*slot }
	reqTop, reqStep := niceScale(float64(maxReq))
	latTop, latStep := niceScale(maxLat)
	y := func(v, top float64) float64 { return chartTop + plotH - v/top*plotH }
	for v := 0.0; v <= reqTop+reqStep/2; v += reqStep {
		c.YTicks = append(c.YTicks, ChartTick{Pos: ftoa(y(v, reqTop)), Label: fmtCount(v)})
	}
	for v := 0.0; v <= latTop+latStep/2; v += latStep {
		c.LatencyTicks = append(c.LatencyTicks, ChartTick{Pos: ftoa(y(v, latTop)), Label: fmtMS(v)})
	}
	every := (n + 5) / 6
	for i := 0; i < n; i += every {
		t := from.Add(time.Duration(i) * step)
		c.XTicks = append(c.XTicks, ChartTick{Pos: ftoa(chartLeft + float64(i)*slot + slot/2), Label: tickLabel(t, to.Sub(from))})
	}
	barW := math.Max(slot*0.8, 1)
	var p50, p95 []string
	prev := -2
	flush := func() {
		for _, l := range []struct {
			pts    []string
			stroke string
			label  string
		}{{p50, strokeP50, "p50"}, {p95, strokeP95, "p95"}} {
			if len(l.pts) == 1 {
				xy := strings.SplitN(l.pts[0], ",", 2)
				c.Lines = append(c.Lines, ChartLine{Dot: true, X: xy[0], Y: xy[1], Stroke: l.stroke, Label: l.label})
			} else if len(l.pts) > 1 {
				c.Lines = append(c.Lines, ChartLine{Points: strings.Join(l.pts, " "), Stroke: l.stroke, Label: l.label})
			}
		}
		p50, p95 = nil, nil
	}
	for _, p := range in {
		i := int(p.T.Sub(from) / step)
		bx := x(p.T) + (slot-barW)/2
		label := fmt.Sprintf("%s: %d requests, %d errors, %d rate limited", rowTime(p.T, step), p.Requests, p.Errors, p.RateLimited)
		base := 0.0
		for _, seg := range []struct {
			v    int64
			fill string
		}{{p.OK(), fillOK}, {p.Errors, fillErrors}, {p.RateLimited, fillLimited}} {
			if seg.v <= 0 {
				continue
			}
			top := base + float64(seg.v)
			c.Bars = append(c.Bars, ChartRect{X: ftoa(bx), W: ftoa(barW), Y: ftoa(y(top, reqTop)), H: ftoa(y(base, reqTop) - y(top, reqTop)), Fill: seg.fill, Title: label})
			base = top
		}
		if i != prev+1 {
			flush()
		}
		prev = i
		cx := ftoa(x(p.T) + slot/2)
		p50 = append(p50, cx+","+ftoa(y(p.P50MS, latTop)))
		p95 = append(p95, cx+","+ftoa(y(p.P95MS, latTop)))
		c.Rows = append(c.Rows, ChartRow{Time: rowTime(p.T, step), Requests: itoa64(p.Requests), OK: itoa64(p.OK()),
			Errors: itoa64(p.Errors), RateLimited: itoa64(p.RateLimited), P50: fmtMS(p.P50MS), P95: fmtMS(p.P95MS)})
	}
	flush()
	var p50max, p95max float64
	for _, p := range in {
		p50max, p95max = math.Max(p50max, p.P50MS), math.Max(p95max, p.P95MS)
	}
	span := fmt.Sprintf("%s to %s UTC", rowTime(from, step), rowTime(to, step))
	c.Summary = fmt.Sprintf("%s, %s, one bar per %s: %d requests in total, %d errors, %d rate limited; the busiest %s was %s with %d requests.",
		title, span, c.Step, total, errs, limited, c.Step, rowTime(in[busiest].T, step), in[busiest].Requests)
	c.LatencySummary = fmt.Sprintf("Latency of %s, %s, per %s: p50 at most %s, p95 at most %s.",
		strings.ToLower(title[:1])+title[1:], span, c.Step, fmtMS(p50max), fmtMS(p95max))
	return c
}

// niceScale returns the top of an axis at or above max and the distance
// between its ticks: 1, 2 or 5 times a power of ten, about four ticks.
func niceScale(max float64) (top, step float64) {
	if max <= 0 {
		return 1, 1
	}
	raw := max / 4
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step = 10 * mag
	for _, m := range []float64{1, 2, 5} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	if step < 1 && max >= 1 {
		step = 1
	}
	return math.Ceil(max/step) * step, step
}

func stepName(step time.Duration) string {
	switch {
	case step >= 24*time.Hour:
		return "day"
	case step >= time.Hour:
		return "hour"
	}
	return "minute"
}

func tickLabel(t time.Time, span time.Duration) string {
	if span <= 24*time.Hour+time.Hour {
		return t.UTC().Format("15:04")
	}
	return t.UTC().Format("Jan 2")
}

func rowTime(t time.Time, step time.Duration) string {
	if step >= 24*time.Hour {
		return t.UTC().Format("2006-01-02")
	}
	return t.UTC().Format("2006-01-02 15:04")
}

// fmtCount writes a count compactly: 950, 1.5k, 2M.
func fmtCount(v float64) string {
	switch {
	case v >= 1e6:
		return strconv.FormatFloat(v/1e6, 'f', -1, 64) + "M"
	case v >= 1e4:
		return strconv.FormatFloat(v/1e3, 'f', -1, 64) + "k"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// fmtMS writes milliseconds with at most one decimal.
func fmtMS(v float64) string {
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) + " ms"
}

func ftoa(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }
func itoa(n int) string     { return strconv.Itoa(n) }
func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// Sparkline is a small line of requests per step, with its text
// alternative.
type Sparkline struct {
	Points string
	Label  string
}

// NewSparkline draws counts (one per step, oldest first) in a 120 × 24 box;
// label says what the line shows in words.
func NewSparkline(label string, counts []int64) Sparkline {
	var peak int64
	for _, v := range counts {
		peak = max(peak, v)
	}
	pts := make([]string, len(counts))
	for i, v := range counts {
		x := 0.0
		if len(counts) > 1 {
			x = float64(i) * 120 / float64(len(counts)-1)
		}
		y := 23.0
		if peak > 0 {
			y = 23 - float64(v)/float64(peak)*22
		}
		pts[i] = ftoa(x) + "," + ftoa(y)
	}
	return Sparkline{Points: strings.Join(pts, " "), Label: label}
}
