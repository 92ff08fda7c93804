// Package usage is what the portal keeps of the gateway nodes' usage
// reports: it ingests a node's batch exactly once (by node and batch id),
// adds its points to minute rollups per subscription and key, sets the keys'
// last use, compacts minutes into hours and hours into days as they age,
// deletes what is older than the retention, and answers series of requests,
// errors, rate-limited requests, latency percentiles and bytes.
//
// Who sees what (Series): the members of an API's team (permission
// "subscribers read") see the usage of every subscription to it; the
// members of an app's team ("apps read") the usage of their own
// subscriptions; org admins everything. The rules are those of the
// subscriptions' pages (package subscriptions).
package usage

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
)

// Authorizer answers permission questions; *policy.Enforcer implements it.
type Authorizer interface {
	Teams(ctx context.Context, userID int64, obj, act string) (policy.Scope, error)
}

// APIVisibility answers who sees an API; *lifecycle.Service implements it.
type APIVisibility interface {
	CanSeeAPI(ctx context.Context, u *store.User, a *store.API) (bool, error)
}

// Options configure the service; zero values take the defaults.
type Options struct {
	// APIs says who sees an API named by a query: to anyone else it is
	// answered as missing (store.ErrNotFound), so that a team-only API's
	// existence stays private. Nil sees a public API, and another only
	// from a team whose usage the user reads.
	APIs APIVisibility
	// HoursAfter is the age after which minute rollups become hours
	// (default 48 h); DaysAfter the age after which hours become days
	// (default 30 days); Retention the age after which usage is deleted
	// (default 400 days). BatchesKept is how long a batch id is
	// remembered against a second sending (default 7 days).
	HoursAfter, DaysAfter, Retention, BatchesKept time.Duration
	Now                                           func() time.Time
}

// Service ingests and answers usage.
type Service struct {
	store *store.Store
	auth  Authorizer
	opts  Options
	// ingest lets one batch at a time write on SQLite, which has one
	// writer: the others wait here, in order, rather than in SQLite's busy
	// handler (which polls, and fails a batch after its timeout).
	ingest sync.Mutex
}

// New returns a Service.
func New(s *store.Store, auth Authorizer, o Options) *Service {
	if o.HoursAfter <= 0 {
		o.HoursAfter = 48 * time.Hour
	}
	if o.DaysAfter <= 0 {
		o.DaysAfter = 30 * 24 * time.Hour
	}
	if o.Retention <= 0 {
		o.Retention = 400 * 24 * time.Hour
	}
	if o.BatchesKept <= 0 {
		o.BatchesKept = 7 * 24 * time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Service{store: s, auth: auth, opts: o}
}

// IngestResult says what a batch did.
type IngestResult struct {
	// Duplicate is set when the batch was ingested before: nothing changed.
	Duplicate bool `json:"duplicate"`
	// Points were added; Skipped named no subscription the portal knows.
	Points  int `json:"points"`
	Skipped int `json:"skipped"`
	// Ahead were dated after the portal's current minute (the node's clock
	// ahead of the portal's): they were counted in the current minute.
	Ahead int `json:"ahead"`
}

// Ingest adds node's batch to the rollups, once: a batch id seen before
// from that node changes nothing. Points of unknown subscriptions (ended and
// deleted, or not from this portal) are skipped. Points dated after the
// portal's current minute count in that minute: a node whose clock runs
// ahead (by minutes or by years) neither loses its counts nor writes rows
// that no chart up to now shows and no compaction ever reaches.
func (s *Service) Ingest(ctx context.Context, node string, b *gateway.UsageBatch) (IngestResult, error) {
	if node == "" {
		return IngestResult{}, apperr.Denied("A node is required.")
	}
	if err := b.Validate(); err != nil {
		return IngestResult{}, apperr.Field("batch", err.Error())
	}
	ahead := clampToMinute(b.Points, s.opts.Now())
	if s.store.Dialect() == store.SQLite {
		s.ingest.Lock()
		defer s.ingest.Unlock()
		if err := ctx.Err(); err != nil {
			return IngestResult{}, err
		}
	}
	var res IngestResult
	err := s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		res = IngestResult{Ahead: ahead}
		fresh, err := s.store.RecordUsageBatch(ctx, tx, node, b.ID, len(b.Points), s.opts.Now())
		if err != nil {
			return err
		}
		if !fresh {
			res = IngestResult{Duplicate: true}
			return nil
		}
		ids := make([]int64, 0, len(b.Points))
		seen := map[int64]bool{}
		for _, p := range b.Points {
			if id, err := strconv.ParseInt(p.Subscription, 10, 64); err == nil && !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
		subs, err := s.store.UsageSubscriptions(ctx, tx, ids)
		if err != nil {
			return err
		}
		type rowKey struct {
			t   int64
			sub int64
			kid string
		}
		rows := map[rowKey]*store.UsageRow{}
		var order []rowKey
		lastUsed := map[string]time.Time{}
		for _, p := range b.Points {
			id, _ := strconv.ParseInt(p.Subscription, 10, 64)
			sub, ok := subs[id]
			if !ok {
				res.Skipped++
				continue
			}
			res.Points++
			k := rowKey{p.Minute, id, p.Key}
			r := rows[k]
			if r == nil {
				r = &store.UsageRow{Step: store.UsageMinute, T: p.Minute, SubscriptionID: id, Kid: p.Key, APIID: sub.APIID, Major: sub.Major,
					ProviderTeamID: sub.ProviderTeamID, ConsumerTeamID: sub.ConsumerTeamID}
				rows[k] = r
				order = append(order, k)
			}
			r.S2xx += p.S2xx
			r.S3xx += p.S3xx
			r.S4xx += p.S4xx
			r.S429 += p.S429
			r.S5xx += p.S5xx
			r.BytesIn += p.BytesIn
			r.BytesOut += p.BytesOut
			for i, n := range p.Latency {
				r.Latency[i] += n
			}
			if p.Requests() > 0 {
				// The key was used during that minute: its end is the
				// latest the report can tell.
				at := time.Unix(p.Minute+59, 0)
				if at.After(s.opts.Now()) {
					at = s.opts.Now()
				}
				if at.After(lastUsed[p.Key]) {
					lastUsed[p.Key] = at
				}
			}
		}
		list := make([]store.UsageRow, len(order))
		for i, k := range order {
			list[i] = *rows[k]
		}
		if err := s.store.AddUsage(ctx, tx, list); err != nil {
			return err
		}
		if err := s.store.TouchKeys(ctx, tx, lastUsed); err != nil {
			return err
		}
		return s.countQuotas(ctx, tx, b, subs)
	})
	return res, err
}

// clampToMinute moves the points dated after now's minute to that minute
// and says how many it moved.
func clampToMinute(points []gateway.UsagePoint, now time.Time) int {
	cur := now.Unix() - now.Unix()%60
	n := 0
	for i := range points {
		if points[i].Minute > cur {
			points[i].Minute = cur
			n++
		}
	}
	return n
}

// countQuotas adds the batch's accepted requests (every answer but 429) to
// the daily counts of the subscriptions whose plan has a quota, and
// notifies the consumer team of a subscription whose count reaches 80 % or
// 100 % of the quota: once per threshold, subscription and UTC day, as the
// alert's row is written in this transaction under a unique key. Only
// yesterday and today count (Ingest has moved minutes ahead of the portal's
// to its current one): a batch that waited on a node's disk for longer is
// history, not quota.
func (s *Service) countQuotas(ctx context.Context, tx bun.IDB, b *gateway.UsageBatch, subs map[int64]store.UsageSubscription) error {
	today := s.opts.Now().Unix() / store.UsageDay
	type dayKey struct{ day, sub int64 }
	add := map[dayKey]int64{}
	for _, p := range b.Points {
		id, _ := strconv.ParseInt(p.Subscription, 10, 64)
		sub, ok := subs[id]
		accepted := p.Requests() - p.S429
		day := p.Minute / store.UsageDay
		if !ok || sub.QuotaPerDay <= 0 || accepted <= 0 || day < today-1 || day > today {
			continue
		}
		add[dayKey{day, id}] += accepted
	}
	if len(add) == 0 {
		return nil
	}
	counts := make([]store.QuotaCount, 0, len(add))
	for k, n := range add {
		counts = append(counts, store.QuotaCount{Day: k.day, SubscriptionID: k.sub, Accepted: n})
	}
	totals, err := s.store.AddQuotaCounts(ctx, tx, counts)
	if err != nil {
		return err
	}
	for _, t := range totals {
		if err := s.alertQuota(ctx, tx, t, subs[t.SubscriptionID].QuotaPerDay); err != nil {
			return err
		}
	}
	return nil
}

// QuotaThresholds are the shares of a daily quota, in percent, at which the
// consumer is notified.
var QuotaThresholds = []int{80, 100}

// alertQuota records the thresholds that count t reached of quota and
// notifies the consumer team of the highest one newly reached.
func (s *Service) alertQuota(ctx context.Context, tx bun.IDB, t store.QuotaCount, quota int64) error {
	reached, now := 0, s.opts.Now()
	for _, pct := range QuotaThresholds {
		if t.Accepted*100 < int64(pct)*quota {
			continue
		}
		fresh, err := s.store.RecordQuotaAlert(ctx, tx, t.SubscriptionID, t.Day, pct, now)
		if err != nil {
			return err
		}
		if fresh {
			reached = pct
		}
	}
	if reached == 0 {
		return nil
	}
	sub, err := s.store.SubscriptionIn(ctx, tx, t.SubscriptionID)
	if err != nil {
		return err
	}
	users, err := s.store.TeamUsersWithRoles(ctx, tx, sub.ConsumerTeamID, policy.RoleOwner, policy.RoleMaintainer, policy.RoleDeveloper)
	if err != nil || len(users) == 0 {
		return err
	}
	date := time.Unix(t.Day*store.UsageDay, 0).UTC().Format(time.DateOnly)
	what := fmt.Sprintf("%s on %s v%d", store.Isolate(sub.App.Name), store.Isolate(sub.API.Name), sub.Major)
	msg := fmt.Sprintf("%s has used %d %% of its daily quota on %s (UTC): %d of %d requests.", what, reached, date, t.Accepted, quota)
	if reached >= 100 {
		msg = fmt.Sprintf("%s has used its whole daily quota on %s (UTC): %d of %d requests; further requests answer 429 until midnight UTC.", what, date, t.Accepted, quota)
	}
	return s.store.Notify(ctx, tx, users, "usage.quota_"+strconv.Itoa(reached), msg, fmt.Sprintf("/subscriptions/%d/usage", sub.ID), now)
}

// Compact turns minute rollups older than HoursAfter into hours and hour
// rollups older than DaysAfter into days, then deletes what is older than
// the retention, the batch ids older than BatchesKept and the daily quota
// counts of days before yesterday. Concurrent calls
// (several portal instances) wait for each other and count nothing twice.
func (s *Service) Compact(ctx context.Context) (minutes, hours, pruned int64, err error) {
	now := s.opts.Now()
	hourCut := now.Add(-s.opts.HoursAfter).Unix() / store.UsageHour * store.UsageHour
	dayCut := now.Add(-s.opts.DaysAfter).Unix() / store.UsageDay * store.UsageDay
	if minutes, err = s.store.CompactUsage(ctx, store.UsageMinute, store.UsageHour, hourCut, now); err != nil {
		return
	}
	if hours, err = s.store.CompactUsage(ctx, store.UsageHour, store.UsageDay, dayCut, now); err != nil {
		return
	}
	if pruned, err = s.store.PruneUsage(ctx, now.Add(-s.opts.Retention).Unix(), now.Add(-s.opts.BatchesKept)); err != nil {
		return
	}
	// Quota counts serve today (and yesterday's late reports).
	_, err = s.store.PruneQuotas(ctx, now.Unix()/store.UsageDay-1)
	return
}

// Run compacts every interval until ctx ends, logging failures through
// logf.
func (s *Service) Run(ctx context.Context, interval time.Duration, logf func(msg string, args ...any)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, _, _, err := s.Compact(ctx); err != nil && ctx.Err() == nil {
			logf("usage compaction failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Query asks for a series.
type Query struct {
	// API is an API's slug; Subscription a subscription id (0: all the
	// user sees).
	API          string
	Subscription int64
	From, To     time.Time
	// Step is the width of a point: 60 s at least, a whole number of
	// minutes, and at most 2,000 points per series.
	Step time.Duration
}

// Point is one step of a series.
type Point struct {
	T time.Time `json:"t"`
	// Requests counts every answer; Errors the 4xx (other than 429) and
	// 5xx; RateLimited the 429 (rate or daily quota).
	Requests    int64   `json:"requests"`
	Errors      int64   `json:"errors"`
	RateLimited int64   `json:"rate_limited"`
	P50MS       float64 `json:"p50_ms"`
	P95MS       float64 `json:"p95_ms"`
	P99MS       float64 `json:"p99_ms"`
	BytesIn     int64   `json:"bytes_in"`
	BytesOut    int64   `json:"bytes_out"`
}

// Series is the answer: its range (From the first step's start, To the
// whole second it ends before) and step, and the points with traffic.
type Series struct {
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
	Step   int64     `json:"step"`
	Points []Point   `json:"points"`
}

// MaxPoints bounds a series.
const MaxPoints = 2000

// Series returns the usage u may see that q selects. An API or
// subscription u does not see answers store.ErrNotFound.
func (s *Service) Series(ctx context.Context, u *store.User, q Query) (*Series, error) {
	if u == nil {
		return nil, apperr.Denied("Sign in to see usage.")
	}
	fields := map[string]string{}
	if q.Step < time.Minute || q.Step%time.Minute != 0 {
		fields["step"] = "Use a step of at least 60 seconds, in whole minutes."
	}
	if q.From.IsZero() || q.To.IsZero() || !q.From.Before(q.To) {
		fields["from"] = "Give from before to (RFC 3339 times)."
	} else if q.To.UTC().Year() > 9999 {
		// The series states its range, and a later time has no RFC 3339 form.
		fields["to"] = "Give to on 9999-12-31 (UTC) or before."
	} else if q.Step >= time.Minute && q.To.Sub(q.From)/q.Step > MaxPoints {
		fields["step"] = fmt.Sprintf("At most %d points: use a larger step for this range.", MaxPoints)
	}
	if len(fields) > 0 {
		return nil, apperr.Invalid(fields)
	}
	// Points start at whole steps (in Unix time): older usage is kept in
	// hours and days, each counted at its start.
	step := int64(q.Step / time.Second)
	f, err := s.filter(ctx, u, q)
	if err != nil {
		return nil, err
	}
	f.From, f.Step = q.From.Unix()/step*step, step
	buckets, err := s.store.UsageSeries(ctx, f)
	if err != nil {
		return nil, err
	}
	// The series states the range it answered, as the store reads it:
	// from the first step's start to the whole second before which it
	// counted (usage is kept in whole seconds), not the request's
	// fraction of a second.
	out := &Series{From: time.Unix(f.From, 0).UTC(), To: time.Unix(f.To, 0).UTC(), Step: f.Step, Points: make([]Point, 0, len(buckets))}
	for _, b := range buckets {
		out.Points = append(out.Points, point(b))
	}
	return out, nil
}

// point is a bucket's sums as a point of a series.
func point(b store.UsageBucket) Point {
	lat := b.Latency()
	return Point{
		T:        time.Unix(b.T, 0).UTC(),
		Requests: b.S2xx + b.S3xx + b.S4xx + b.S429 + b.S5xx, Errors: b.S4xx + b.S5xx, RateLimited: b.S429,
		P50MS: gateway.Quantile(lat, 0.5), P95MS: gateway.Quantile(lat, 0.95), P99MS: gateway.Quantile(lat, 0.99),
		BytesIn: b.BytesIn, BytesOut: b.BytesOut,
	}
}

// Total is the usage of one subscription or one major version over a
// range: Key is the subscription's id or the major; Point.T is zero.
type Total struct {
	Key int64
	Point
}

// Totals returns the usage u may see that q selects (q.Step is ignored)
// per subscription (store.BySubscription) or per major version
// (store.ByMajor), the most requests first, at most limit (1 to 100)
// groups. Its rules are those of Series.
func (s *Service) Totals(ctx context.Context, u *store.User, q Query, by store.UsageGroup, limit int) ([]Total, error) {
	f, err := s.totalsFilter(ctx, u, q)
	if err != nil {
		return nil, err
	}
	if limit < 1 || limit > 100 {
		limit = 100
	}
	buckets, err := s.store.UsageTotals(ctx, f, by, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Total, len(buckets))
	for i, b := range buckets {
		out[i] = Total{Key: b.T, Point: point(b)}
		out[i].T = time.Time{}
	}
	return out, nil
}

// Breakdown is a range's usage per subscription and per major version,
// the most requests first.
type Breakdown struct {
	Subscriptions []Total
	Majors        []Total
}

// Breakdown returns the usage u may see that q selects (q.Step is ignored)
// per subscription (at most limit, 1 to 100) and per major version, from
// one pass over the rollups. Its rules are those of Series.
func (s *Service) Breakdown(ctx context.Context, u *store.User, q Query, limit int) (*Breakdown, error) {
	f, err := s.totalsFilter(ctx, u, q)
	if err != nil {
		return nil, err
	}
	if limit < 1 || limit > 100 {
		limit = 100
	}
	buckets, err := s.store.UsageTotals(ctx, f, store.BySubscription, 0)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(buckets))
	for i, b := range buckets {
		ids[i] = b.T
	}
	subs, err := s.store.UsageSubscriptions(ctx, s.store.DB(), ids)
	if err != nil {
		return nil, err
	}
	out := &Breakdown{}
	majors := map[int]*store.UsageBucket{}
	for i, b := range buckets {
		if i < limit {
			out.Subscriptions = append(out.Subscriptions, Total{Key: b.T, Point: point(b)})
			out.Subscriptions[i].T = time.Time{}
		}
		major := subs[b.T].Major
		m := majors[major]
		if m == nil {
			m = &store.UsageBucket{}
			majors[major] = m
		}
		m.Add(b)
	}
	for major, b := range majors {
		t := Total{Key: int64(major), Point: point(*b)}
		t.T = time.Time{}
		out.Majors = append(out.Majors, t)
	}
	slices.SortFunc(out.Majors, func(a, b Total) int {
		if a.Requests != b.Requests {
			return cmp.Compare(b.Requests, a.Requests)
		}
		return cmp.Compare(a.Key, b.Key)
	})
	return out, nil
}

// Sparklines counts the requests to each of apiIDs per step from from to
// to, for the APIs whose usage u sees as their provider ("subscribers
// read" in the API's team; org admins every API): by API id, one count per
// step (zero without traffic). APIs u does not see are absent.
func (s *Service) Sparklines(ctx context.Context, u *store.User, apiIDs []int64, from, to time.Time, step time.Duration) (map[int64][]int64, error) {
	if u == nil {
		return nil, apperr.Denied("Sign in to see usage.")
	}
	if step < time.Minute || !from.Before(to) || to.Sub(from)/step > MaxPoints {
		return nil, apperr.Invalid(map[string]string{"step": "Give a range and a step of at least a minute, at most 2,000 points."})
	}
	prov, err := s.teams(ctx, u, "subscribers", "read")
	if err != nil {
		return nil, err
	}
	st := int64(step / time.Second)
	f := store.UsageFilter{ProviderTeams: prov, ConsumerTeams: []int64{}, From: from.Unix() / st * st, To: to.Unix(), Step: st}
	if prov == nil {
		f.ConsumerTeams = nil // org admins: every API
	}
	pts, err := s.store.UsageRequestsByAPI(ctx, f, apiIDs)
	if err != nil {
		return nil, err
	}
	n := int((f.To - f.From + st - 1) / st)
	out := map[int64][]int64{}
	for _, p := range pts {
		line := out[p.APIID]
		if line == nil {
			line = make([]int64, n)
			out[p.APIID] = line
		}
		if i := int((p.T - f.From) / st); i >= 0 && i < n {
			line[i] += p.Requests
		}
	}
	return out, nil
}

// totalsFilter checks a query over a range (Totals, Breakdown) and returns
// the store filter of what u may see of it, from q.From to q.To.
func (s *Service) totalsFilter(ctx context.Context, u *store.User, q Query) (store.UsageFilter, error) {
	if u == nil {
		return store.UsageFilter{}, apperr.Denied("Sign in to see usage.")
	}
	if q.From.IsZero() || q.To.IsZero() || !q.From.Before(q.To) {
		return store.UsageFilter{}, apperr.Invalid(map[string]string{"from": "Give from before to (RFC 3339 times)."})
	}
	f, err := s.filter(ctx, u, q)
	if err != nil {
		return store.UsageFilter{}, err
	}
	f.From = q.From.Unix()
	return f, nil
}

// filter is the store filter of what u may see of q's API and
// subscription, up to q.To; the caller sets From and Step.
func (s *Service) filter(ctx context.Context, u *store.User, q Query) (store.UsageFilter, error) {
	f := store.UsageFilter{To: q.To.Unix(), SubscriptionID: q.Subscription}
	prov, err := s.teams(ctx, u, "subscribers", "read")
	if err != nil {
		return f, err
	}
	cons, err := s.teams(ctx, u, "apps", "read")
	if err != nil {
		return f, err
	}
	f.ProviderTeams, f.ConsumerTeams = prov, cons
	if q.API != "" {
		a, err := s.store.APIBySlug(ctx, q.API)
		if err != nil {
			return f, err
		}
		sees := a.Visibility == store.VisibilityPublic || in(prov, a.TeamID) || in(cons, a.TeamID)
		if s.opts.APIs != nil {
			if sees, err = s.opts.APIs.CanSeeAPI(ctx, u, a); err != nil {
				return f, err
			}
		}
		if !sees {
			return f, fmt.Errorf("api %q: %w", q.API, store.ErrNotFound)
		}
		f.APIID = a.ID
	}
	if q.Subscription != 0 {
		subs, err := s.store.UsageSubscriptions(ctx, s.store.DB(), []int64{q.Subscription})
		if err != nil {
			return f, err
		}
		sub, ok := subs[q.Subscription]
		if !ok || !(in(prov, sub.ProviderTeamID) || in(cons, sub.ConsumerTeamID)) {
			return f, fmt.Errorf("subscription %d: %w", q.Subscription, store.ErrNotFound)
		}
	}
	return f, nil
}

// teams returns the ids of the teams where u holds obj/act; nil means all.
func (s *Service) teams(ctx context.Context, u *store.User, obj, act string) ([]int64, error) {
	sc, err := s.auth.Teams(ctx, u.ID, obj, act)
	if err != nil {
		return nil, err
	}
	if sc.All {
		return nil, nil
	}
	ids, err := s.store.TeamIDs(ctx, sc.Teams)
	if err != nil {
		return nil, err
	}
	if ids == nil {
		ids = []int64{}
	}
	return ids, nil
}

// in reports whether id is in ids; nil ids means every team.
func in(ids []int64, id int64) bool {
	if ids == nil {
		return true
	}
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
