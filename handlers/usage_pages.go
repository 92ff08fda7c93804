package handlers

import (
	"encoding/csv"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/usage"
	"github.com/portico-dev/portico/views/components"
	usageview "github.com/portico-dev/portico/views/pages/usage"
)

// usageRange is one of the ranges the usage pages offer, with the width of
// a bar.
type usageRange struct {
	Name  string
	Label string
	Span  time.Duration
	Step  time.Duration
}

// usageRanges are the ranges of the usage pages, the default first.
var usageRanges = []usageRange{
	{"24h", "24 hours", 24 * time.Hour, time.Hour},
	{"1h", "1 hour", time.Hour, time.Minute},
	{"7d", "7 days", 7 * 24 * time.Hour, time.Hour},
	{"30d", "30 days", 30 * 24 * time.Hour, 24 * time.Hour},
}

// rangeOf reads ?range=1h|24h|7d|30d (default 24h).
func rangeOf(c *fiber.Ctx) (usageRange, error) {
	v := c.Query("range")
	if v == "" {
		return usageRanges[0], nil
	}
	for _, r := range usageRanges {
		if r.Name == v {
			return r, nil
		}
	}
	return usageRange{}, clientError(fiber.StatusBadRequest, "Choose a range of 1h, 24h, 7d or 30d.")
}

// rangeLinks are the range links of a usage page at base, in a fixed
// order, the current one active.
func rangeLinks(base string, cur usageRange) []usageview.RangeLink {
	var out []usageview.RangeLink
	for _, name := range []string{"1h", "24h", "7d", "30d"} {
		for _, r := range usageRanges {
			if r.Name == name {
				out = append(out, usageview.RangeLink{Label: r.Label, Href: base + "?range=" + r.Name, Active: r == cur})
			}
		}
	}
	return out
}

// usageTotals sums a series for the numbers above the charts; latency is
// the worst step's percentile (a percentile of a range cannot be summed
// from steps).
func usageTotals(pts []usage.Point) usageview.Totals {
	var t usage.Point
	for _, p := range pts {
		t.Requests += p.Requests
		t.Errors += p.Errors
		t.RateLimited += p.RateLimited
		t.P50MS = max(t.P50MS, p.P50MS)
		t.P95MS = max(t.P95MS, p.P95MS)
	}
	return usageview.Totals{Requests: strconv.FormatInt(t.Requests, 10), Errors: strconv.FormatInt(t.Errors, 10),
		RateLimited: strconv.FormatInt(t.RateLimited, 10), ErrorRate: percent(t.Errors, t.Requests),
		P50: "≤ " + ms(t.P50MS), P95: "≤ " + ms(t.P95MS)}
}

// percent is n of total as a percentage with one decimal.
func percent(n, total int64) string {
	if total == 0 {
		return "0 %"
	}
	return strconv.FormatFloat(float64(n)*100/float64(total), 'f', 1, 64) + " %"
}

func ms(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) + " ms" }

// chartOf lays out a series for the page.
func chartOf(id, title string, s *usage.Series, step time.Duration) components.UsageChart {
	pts := make([]components.UsagePoint, len(s.Points))
	for i, p := range s.Points {
		pts[i] = components.UsagePoint{T: p.T, Requests: p.Requests, Errors: p.Errors, RateLimited: p.RateLimited, P50MS: p.P50MS, P95MS: p.P95MS}
	}
	return components.NewUsageChart(id, title, s.From, s.To, step, pts)
}

// csvSafe keeps a cell from being read as a formula by a spreadsheet: a
// cell starting with = + - @ (or a tab or carriage return) gets a leading
// quote.
func csvSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// sendUsageCSV answers a series as a CSV attachment named name.
func sendUsageCSV(c *fiber.Ctx, name string, s *usage.Series) error {
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	w := csv.NewWriter(c.Response().BodyWriter())
	// Latencies as GET /api/v1/usage writes them: the series holds them to
	// hundredths of a millisecond, and the shortest form keeps every digit.
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	i := func(n int64) string { return strconv.FormatInt(n, 10) }
	rows := [][]string{{"t", "requests", "errors", "rate_limited", "p50_ms", "p95_ms", "p99_ms", "bytes_in", "bytes_out"}}
	for _, p := range s.Points {
		rows = append(rows, []string{p.T.UTC().Format(time.RFC3339), i(p.Requests), i(p.Errors), i(p.RateLimited),
			f(p.P50MS), f(p.P95MS), f(p.P99MS), i(p.BytesIn), i(p.BytesOut)})
	}
	for _, r := range rows {
		for j := range r {
			r[j] = csvSafe(r[j])
		}
		if err := w.Write(r); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}

// usageCSVPath is the CSV download of the usage page at base for r.
func usageCSVPath(base string, r usageRange) string {
	return base + "?range=" + r.Name + "&format=csv"
}

// usageAsked reads what a usage page at base is asked for: the range, and
// whether the CSV download. done says that the answer is sent: an htmx
// request for the download is sent to its address (fileForHTMX).
func usageAsked(c *fiber.Ctx, base string) (r usageRange, asCSV, done bool, err error) {
	if r, err = rangeOf(c); err != nil {
		return r, false, false, err
	}
	if asCSV, err = wantsCSV(c); err != nil || !asCSV {
		return r, false, false, err
	}
	done, err = fileForHTMX(c, usageCSVPath(base, r))
	return r, true, done, err
}

// wantsCSV reads ?format= ("" for the page, csv for the download).
func wantsCSV(c *fiber.Ctx) (bool, error) {
	switch c.Query("format") {
	case "":
		return false, nil
	case "csv":
		return true, nil
	}
	return false, clientError(fiber.StatusBadRequest, "The format is csv, or none for the page.")
}

// ShowSubscriptionUsage is a subscription's usage for its consumer and
// provider teams (who see the subscription): requests, errors, latency and
// the daily quota used today; ?format=csv downloads the series.
func (h *Handler) ShowSubscriptionUsage(c *fiber.Ctx) error {
	ctx, u, sub := c.UserContext(), currentUser(c), currentSubscription(c)
	base := "/subscriptions/" + strconv.FormatInt(sub.ID, 10) + "/usage"
	r, asCSV, done, err := usageAsked(c, base)
	if done || err != nil {
		return err
	}
	now := h.now().UTC()
	s, err := h.usage.Series(ctx, u, usage.Query{Subscription: sub.ID, From: now.Add(-r.Span), To: now, Step: r.Step})
	if err != nil {
		return err
	}
	if asCSV {
		return sendUsageCSV(c, fmt.Sprintf("usage-subscription-%d-%s.csv", sub.ID, r.Name), s)
	}
	day := now.Truncate(24 * time.Hour)
	today, err := h.usage.Series(ctx, u, usage.Query{Subscription: sub.ID, From: day, To: now.Add(time.Second), Step: 24 * time.Hour})
	if err != nil {
		return err
	}
	var used int64
	for _, p := range today.Points {
		used += p.Requests - p.RateLimited
	}
	v := usageview.Subscription{ID: sub.ID, AppSlug: sub.App.Slug, AppName: sub.App.Name, AppRemoved: sub.App.DeletedAt != nil, APISlug: sub.API.Slug, APIName: sub.API.Name,
		Major: sub.Major, PlanName: sub.Plan.Name, ShowApp: h.can(c, policy.TeamDomain(sub.ConsumerTeam.Slug), "apps", "read"),
		Ranges: rangeLinks(base, r), CSV: usageCSVPath(base, r), Totals: usageTotals(s.Points),
		QuotaUsed: strconv.FormatInt(used, 10), Chart: chartOf("usage", "Requests", s, r.Step)}
	if q := sub.Plan.QuotaPerDay; q > 0 {
		v.Quota = strconv.FormatInt(q, 10)
		v.QuotaPercent = int(used * 100 / q)
	}
	return h.render(c, usageview.SubscriptionPage(h.page(c, "Usage of "+store.Isolate(sub.App.Name)+" on "+store.Isolate(sub.API.Name), "apps"), v))
}

// ShowAPIUsage is an API's usage for its team (those who see its
// subscribers): traffic over time, the apps calling it most, error rate and
// latency per major version; ?format=csv downloads the series.
func (h *Handler) ShowAPIUsage(c *fiber.Ctx) error {
	ctx, u, a := c.UserContext(), currentUser(c), currentAPI(c)
	base := "/apis/" + a.Slug + "/usage"
	r, asCSV, done, err := usageAsked(c, base)
	if done || err != nil {
		return err
	}
	now := h.now().UTC()
	q := usage.Query{API: a.Slug, From: now.Add(-r.Span), To: now, Step: r.Step}
	s, err := h.usage.Series(ctx, u, q)
	if err != nil {
		return err
	}
	if asCSV {
		return sendUsageCSV(c, "usage-"+a.Slug+"-"+r.Name+".csv", s)
	}
	v := usageview.API{APISlug: a.Slug, APIName: a.Name, Ranges: rangeLinks(base, r), CSV: usageCSVPath(base, r),
		Totals: usageTotals(s.Points), Chart: chartOf("usage", "Requests", s, r.Step)}
	if len(s.Points) > 0 {
		q.From = s.From
		bd, err := h.usage.Breakdown(ctx, u, q, 10)
		if err != nil {
			return err
		}
		for _, t := range bd.Subscriptions {
			g := group(t)
			g.Label = "subscription " + strconv.FormatInt(t.Key, 10)
			if sub, err := h.subs.Subscription(ctx, u, t.Key); err == nil {
				g.Label = sub.App.Name
				g.Sub = fmt.Sprintf("%s · v%d · %s", sub.ConsumerTeam.Name, sub.Major, sub.Plan.Name)
				g.Href = "/subscriptions/" + strconv.FormatInt(t.Key, 10) + "/usage?range=" + r.Name
			} else if !errors.Is(err, store.ErrNotFound) {
				return err
			}
			v.TopApps = append(v.TopApps, g)
		}
		for _, t := range bd.Majors {
			g := group(t)
			g.Label = "v" + strconv.FormatInt(t.Key, 10)
			v.Majors = append(v.Majors, g)
		}
	}
	return h.render(c, usageview.APIPage(h.page(c, "Usage of "+store.Isolate(a.Name), "catalog"), v))
}

// group is a breakdown line's numbers.
func group(t usage.Total) usageview.Group {
	return usageview.Group{Requests: strconv.FormatInt(t.Requests, 10), Errors: strconv.FormatInt(t.Errors, 10),
		ErrorRate: percent(t.Errors, t.Requests), P50: ms(t.P50MS), P95: ms(t.P95MS)}
}
