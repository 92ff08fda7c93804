package control

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/store"
)

// Items are what a compile reads from the database: everything gateways
// serve, and what they cannot serve with the reason.
type Items struct {
	Routes []gateway.Route
	Plans  []gateway.Plan
	Keys   []gateway.Key
	// Skipped names the routes and keys left out, with why (an API version
	// without a valid upstream target, a key of a plan that does not exist).
	Skipped []string
}

// Reader is what a compile reads; *store.Store implements it. apiID 0
// reads everything, another the rows of that API only.
type Reader interface {
	GatewayRouteSources(ctx context.Context, apiID int64) ([]store.GatewayRouteAPI, []store.GatewayRouteVersion, error)
	CurrentGatewayDeployments(ctx context.Context, apiID int64) ([]store.GatewayDeployment, error)
	GatewayPlans(ctx context.Context, apiID int64) ([]store.GatewayPlan, error)
	GatewayKeysOf(ctx context.Context, apiID int64, since time.Time) ([]store.GatewayKey, error)
}

// maxSkippedShown bounds the list of what a compile left out.
const maxSkippedShown = 50

// expiredKept is how long a compile keeps an expired key (which nodes
// refuse by its expiry themselves) before leaving it out.
const expiredKept = 24 * time.Hour

// PlanID is a plan's id in the configuration: its API's slug and its own.
func PlanID(api, plan string) string { return api + "." + plan }

// Compile reads the configuration gateways serve from the database.
//
// Routes: one per API major version with a published, deprecated or retired
// version. The newest live (published or deprecated) version of the major
// gives the route's state, deprecation date, sunset and successor; a major
// whose versions are all retired is a retired route (410). Its upstream
// targets and timeouts are the major's deployment in force, or else the
// API's upstream URLs from its catalog entry.
//
// Plans: every plan, by its id. Keys: the active keys (a revoked key is
// left out, so nodes refuse it as unknown), with their subscription, the
// consumer team and app, the API and major, the plan, expiry and grace end;
// keys that expired or ended their grace more than a day before now are
// left out too.
//
// With apiID not 0 it reads only what belongs to that API (its routes,
// plans and keys): what a change of one API needs.
func Compile(ctx context.Context, r Reader, now time.Time, apiID int64) (*Items, error) {
	apis, versions, err := r.GatewayRouteSources(ctx, apiID)
	if err != nil {
		return nil, err
	}
	deps, err := r.CurrentGatewayDeployments(ctx, apiID)
	if err != nil {
		return nil, err
	}
	type routeKey struct {
		api   int64
		major int
	}
	deployed := make(map[routeKey]*store.GatewayDeployment, len(deps))
	for i := range deps {
		deployed[routeKey{deps[i].APIID, deps[i].Major}] = &deps[i]
	}
	byID := make(map[int64]*store.GatewayRouteAPI, len(apis))
	for i := range apis {
		byID[apis[i].ID] = &apis[i]
	}
	// The version that stands for each route: the newest live one, else the
	// newest retired one.
	best := map[routeKey]*store.GatewayRouteVersion{}
	for i := range versions {
		v := &versions[i]
		k := routeKey{v.APIID, v.Major}
		if cur, ok := best[k]; !ok || stands(v, cur) {
			best[k] = v
		}
	}
	items := &Items{Routes: make([]gateway.Route, 0, len(best))}
	for k, v := range best {
		a := byID[k.api]
		if a == nil {
			continue
		}
		r := gateway.Route{API: a.Slug, Major: k.major, State: v.State}
		if d := deployed[k]; d != nil {
			r.Targets = slices.Clone([]string(d.Targets))
			r.ConnectTimeoutMS, r.ResponseTimeoutMS = d.ConnectTimeoutMS, d.ResponseTimeoutMS
		} else {
			r.Targets = catalogTargets(a.Upstreams)
		}
		if v.State == gateway.StateDeprecated {
			r.DeprecatedAt = wholeSecond(v.DeprecatedAt)
			if r.DeprecatedAt.IsZero() {
				r.DeprecatedAt = wholeSecond(v.SunsetAt) // never left unset: the header needs a date
			}
		}
		if v.State != gateway.StatePublished {
			r.Sunset = wholeSecond(v.SunsetAt)
			if v.Successor != "" {
				r.Successor = v.Successor
				r.SuccessorMajor = majorOf(v.Successor)
			}
		}
		if len(r.Targets) == 0 {
			items.Skipped = append(items.Skipped, r.ID()+": no upstream target (set one on the API's Gateway page)")
			continue
		}
		if err := r.Validate(); err != nil {
			items.Skipped = append(items.Skipped, err.Error())
			continue
		}
		items.Routes = append(items.Routes, r)
	}
	ps, err := r.GatewayPlans(ctx, apiID)
	if err != nil {
		return nil, err
	}
	plans := make(map[int64]string, len(ps))
	for _, p := range ps {
		gp := gateway.Plan{ID: PlanID(p.API, p.Slug), RatePerMinute: p.RatePerMinute, Burst: p.Burst, DailyQuota: int(p.QuotaPerDay)}
		if err := gp.Validate(); err != nil {
			items.Skipped = append(items.Skipped, err.Error())
			continue
		}
		plans[p.ID] = gp.ID
		items.Plans = append(items.Plans, gp)
	}
	ks, err := r.GatewayKeysOf(ctx, apiID, now.Add(-expiredKept))
	if err != nil {
		return nil, err
	}
	items.Keys = make([]gateway.Key, 0, len(ks))
	for i := range ks {
		k := &ks[i]
		plan, ok := plans[k.PlanID]
		if !ok {
			items.Skipped = append(items.Skipped, "key "+k.Kid+": its plan is not served")
			continue
		}
		gk := gateway.Key{ID: k.Kid, Hash: k.KeyHash, Subscription: strconv.FormatInt(k.SubscriptionID, 10), Team: k.Team, App: k.App,
			API: k.API, Major: k.Major, Plan: plan, ExpiresAt: wholeSecond(k.ExpiresAt),
			GraceEndsAt: wholeSecond(k.GraceEndsAt), State: gateway.KeyActive}
		if err := gk.Validate(); err != nil {
			items.Skipped = append(items.Skipped, err.Error())
			continue
		}
		items.Keys = append(items.Keys, gk)
	}
	slices.SortFunc(items.Routes, func(a, b gateway.Route) int { return strings.Compare(a.ID(), b.ID()) })
	slices.Sort(items.Skipped)
	if n := len(items.Skipped); n > maxSkippedShown {
		items.Skipped = append(items.Skipped[:maxSkippedShown:maxSkippedShown], fmt.Sprintf("… and %d more", n-maxSkippedShown))
	}
	return items, nil
}

// stands reports whether version v stands for its route rather than cur:
// a live version beats a retired one, then the newer one wins.
func stands(v, cur *store.GatewayRouteVersion) bool {
	vl, cl := v.State != gateway.StateRetired, cur.State != gateway.StateRetired
	if vl != cl {
		return vl
	}
	return compareVersions(v, cur) > 0
}

// compareVersions orders versions by semver precedence (a release after
// its pre-releases), as the store's version order does.
func compareVersions(a, b *store.GatewayRouteVersion) int {
	if c := cmp.Compare(a.Major, b.Major); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Minor, b.Minor); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Patch, b.Patch); c != 0 {
		return c
	}
	switch {
	case a.Prerelease == b.Prerelease:
		return 0
	case a.Prerelease == "":
		return 1
	case b.Prerelease == "":
		return -1
	}
	return strings.Compare(a.Prerelease, b.Prerelease)
}

// catalogTargets takes the API's upstream URLs as targets, as far as they
// are valid ones: replicas of one service (the first URL's scheme and
// path), distinct hosts, at most MaxTargets.
func catalogTargets(upstreams []string) []string {
	var out []string
	var scheme, path string
	seen := map[string]bool{}
	for _, t := range upstreams {
		u, err := gateway.ParseTarget(t)
		if err != nil || seen[u.Host] {
			continue
		}
		if len(out) == 0 {
			scheme, path = u.Scheme, u.Path
		} else if u.Scheme != scheme || u.Path != path {
			continue
		}
		seen[u.Host] = true
		out = append(out, t)
		if len(out) == MaxTargets {
			break
		}
	}
	return out
}

func wholeSecond(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Second)
}

// majorOf returns the major of a version such as 2.1.0 (0 when it has none).
func majorOf(v string) int {
	head, _, _ := strings.Cut(strings.TrimPrefix(v, "v"), ".")
	n, err := strconv.Atoi(head)
	if err != nil || n < 0 || n > 9999 {
		return 0
	}
	return n
}

// routeEqual reports whether two routes encode the same.
func routeEqual(a, b *gateway.Route) bool {
	return a.API == b.API && a.Major == b.Major && slices.Equal(a.Targets, b.Targets) &&
		a.ConnectTimeoutMS == b.ConnectTimeoutMS && a.ResponseTimeoutMS == b.ResponseTimeoutMS &&
		a.State == b.State && a.DeprecatedAt.Equal(b.DeprecatedAt) && a.Sunset.Equal(b.Sunset) &&
		a.Successor == b.Successor && a.SuccessorMajor == b.SuccessorMajor
}

func keyEqual(a, b *gateway.Key) bool {
	return a.ID == b.ID && a.Hash == b.Hash && a.Subscription == b.Subscription && a.Team == b.Team && a.App == b.App &&
		a.API == b.API && a.Major == b.Major && a.Plan == b.Plan && a.ExpiresAt.Equal(b.ExpiresAt) &&
		a.GraceEndsAt.Equal(b.GraceEndsAt) && a.State == b.State
}

// diff returns the changes that turn cur's items into items (cur may be
// nil). With api not empty, items are those of that API only, and only
// cur's items of that API are compared with them.
func diff(cur *gateway.State, items *Items, api string) gateway.Delta {
	var d gateway.Delta
	seenR := make(map[string]bool, len(items.Routes))
	for i := range items.Routes {
		r := &items.Routes[i]
		seenR[r.ID()] = true
		if cur != nil {
			if old, ok := cur.Route(r.ID()); ok && routeEqual(old, r) {
				continue
			}
		}
		d.Routes.Upsert = append(d.Routes.Upsert, *r)
	}
	seenP := make(map[string]bool, len(items.Plans))
	for i := range items.Plans {
		p := &items.Plans[i]
		seenP[p.ID] = true
		if cur != nil {
			if old, ok := cur.Plan(p.ID); ok && *old == *p {
				continue
			}
		}
		d.Plans.Upsert = append(d.Plans.Upsert, *p)
	}
	seenK := make(map[string]bool, len(items.Keys))
	for i := range items.Keys {
		k := &items.Keys[i]
		seenK[k.ID] = true
		if cur != nil {
			if old, ok := cur.Key(k.ID); ok && keyEqual(old, k) {
				continue
			}
		}
		d.Keys.Upsert = append(d.Keys.Upsert, *k)
	}
	if cur != nil {
		for r := range cur.Routes() {
			if !seenR[r.ID()] && (api == "" || r.API == api) {
				d.Routes.Delete = append(d.Routes.Delete, r.ID())
			}
		}
		for p := range cur.Plans() {
			if !seenP[p.ID] && (api == "" || strings.HasPrefix(p.ID, api+".")) {
				d.Plans.Delete = append(d.Plans.Delete, p.ID)
			}
		}
		for k := range cur.Keys() {
			if !seenK[k.ID] && (api == "" || k.API == api) {
				d.Keys.Delete = append(d.Keys.Delete, k.ID)
			}
		}
	}
	return d
}

func describe(d *gateway.Delta) string {
	return fmt.Sprintf("%d routes, %d plans, %d keys changed", d.Routes.Len(), d.Plans.Len(), d.Keys.Len())
}
