package control

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/store"
)

// Compiler is the version of Compile: of what it makes of a database (the
// items, their fields and values, what it leaves out) and of the encoding
// of what it records (gateway.Schema). Every version of the configuration
// records the compiler that wrote it.
//
// Bump it whenever Compile (or anything it calls, gateway.Schema among
// them) may make a different configuration of the same database: two
// consecutive Portico versions run side by side during a rolling upgrade
// (README, "Upgrading"), and without a bump the older instances' compiles
// and the newer ones' would undo each other, each recording a version
// whenever it compiles, so nodes would swing between the two. With it, an
// instance never records a version over one a newer compiler wrote (its
// compile returns ErrNewerCompiler, its outbox worker stops claiming the
// topic and a newer instance delivers the message at once), and the first compile of a newer one compiles
// everything, not only the API it was asked for.
//
// 2: routes carry the CORS origins of their deployment.
const Compiler = 2

// Items are what a compile reads from the database: everything gateways
// serve, and what they cannot serve with the reason.
type Items struct {
	Routes []gateway.Route
	Plans  []gateway.Plan
	Keys   []gateway.Key
	// Skipped names the routes and keys left out, with why (an API version
	// without a valid upstream target, a key of a plan that does not exist).
	Skipped []string

	// base is the state Compile compared the items with (nil: none), and
	// routes, plans and keys what it found.
	base   *gateway.State
	routes compared[gateway.Route]
	plans  compared[gateway.Plan]
	keys   compared[gateway.Key]
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
// version. The state is the lifecycle's: while a version of the major is
// published the route is published (no deprecation, sunset or successor:
// subscribers were told of none, and retiring a newer version ends
// nothing); a major with no published version but a deprecated one is
// deprecated, with the newest deprecated version's deprecation date, sunset
// and successor; a major whose versions are all retired is a retired route
// (410), with the newest retired version's sunset, successor and
// retirement time. Its upstream
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
//
// The four reads run at once (r must allow that; *store.Store does: a
// PostgreSQL pool, SQLite's WAL readers): the keys' read is the longest,
// and the others go alongside it on another connection and core.
//
// base, when not nil, is the state the items will be compared with (the
// newest version): an item equal to base's is known valid (a state holds
// valid items only) and is not validated again, and the comparison is
// made here, once, for the diff that follows (see diff).
func Compile(ctx context.Context, r Reader, now time.Time, apiID int64, base *gateway.State) (*Items, error) {
	var (
		apis     []store.GatewayRouteAPI
		versions []store.GatewayRouteVersion
		deps     []store.GatewayDeployment
		ps       []store.GatewayPlan
		ks       []store.GatewayKey
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		ks, err = r.GatewayKeysOf(gctx, apiID, now.Add(-expiredKept))
		return err
	})
	g.Go(func() (err error) {
		if apis, versions, err = r.GatewayRouteSources(gctx, apiID); err != nil {
			return err
		}
		if deps, err = r.CurrentGatewayDeployments(gctx, apiID); err != nil {
			return err
		}
		ps, err = r.GatewayPlans(gctx, apiID)
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	deployed := make(map[routeKey]*store.GatewayDeployment, len(deps))
	for i := range deps {
		deployed[routeKey{deps[i].APIID, deps[i].Major}] = &deps[i]
	}
	byID := make(map[int64]*store.GatewayRouteAPI, len(apis))
	for i := range apis {
		byID[apis[i].ID] = &apis[i]
	}
	best := standing(versions)
	items := &Items{base: base}
	routes := make([]idRoute, 0, len(best))
	for k, v := range best {
		a := byID[k.api]
		if a == nil {
			continue
		}
		r := compileRoute(a, k.major, v, deployed[k])
		routes = append(routes, idRoute{r.ID(), r})
	}
	slices.SortFunc(routes, func(a, b idRoute) int { return strings.Compare(a.id, b.id) })
	items.Routes = make([]gateway.Route, 0, len(routes))
	for i := range routes {
		r := &routes[i].r
		if len(r.Targets) == 0 {
			items.Skipped = append(items.Skipped, routes[i].id+": no upstream target (set one on the API's Gateway page)")
			continue
		}
		admit(&items.Routes, &items.routes, r, base, (*gateway.State).Route, routes[i].id, routeEqual, gateway.Route.Validate, &items.Skipped)
	}
	plans := make(map[int64]string, len(ps))
	items.Plans = make([]gateway.Plan, 0, len(ps))
	for _, p := range ps {
		gp := gateway.Plan{ID: PlanID(p.API, p.Slug), RatePerMinute: p.RatePerMinute, Burst: p.Burst, DailyQuota: int(p.QuotaPerDay)}
		if admit(&items.Plans, &items.plans, &gp, base, (*gateway.State).Plan, gp.ID, func(a, b *gateway.Plan) bool { return *a == *b },
			gateway.Plan.Validate, &items.Skipped) {
			plans[p.ID] = gp.ID
		}
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
		admit(&items.Keys, &items.keys, &gk, base, (*gateway.State).Key, gk.ID, keyEqual, gateway.Key.Validate, &items.Skipped)
	}
	slices.Sort(items.Skipped)
	if n := len(items.Skipped); n > maxSkippedShown {
		items.Skipped = append(items.Skipped[:maxSkippedShown:maxSkippedShown], fmt.Sprintf("… and %d more", n-maxSkippedShown))
	}
	return items, nil
}

type idRoute struct {
	id string
	r  gateway.Route
}

// admit appends v, whose id is id, to *items unless it is invalid (then
// it says why in *skipped and returns false). An item that base holds
// equal is valid (a state holds valid items only) and is not validated
// again; cmp notes what the comparison with base found.
func admit[T any](items *[]T, cmp *compared[T], v *T, base *gateway.State, get func(*gateway.State, string) (*T, bool), id string,
	equal func(a, b *T) bool, validate func(T) error, skipped *[]string) bool {
	if base != nil {
		if old, ok := get(base, id); ok {
			cmp.held++
			if equal(old, v) {
				*items = append(*items, *v)
				return true
			}
		}
	}
	if err := validate(*v); err != nil {
		*skipped = append(*skipped, err.Error())
		return false
	}
	*items = append(*items, *v)
	cmp.changed = append(cmp.changed, *v)
	return true
}

// compared is what Compile found comparing one section's items with its
// base: the items that base does not hold equal, and how many of base's
// items the items hold.
type compared[T any] struct {
	changed []T
	held    int
}

// standing returns, per API major, the version that stands for its
// route: the newest published one, else the newest deprecated one, else
// the newest retired one.
func standing(versions []store.GatewayRouteVersion) map[routeKey]*store.GatewayRouteVersion {
	best := map[routeKey]*store.GatewayRouteVersion{}
	for i := range versions {
		v := &versions[i]
		k := routeKey{v.APIID, v.Major}
		if cur, ok := best[k]; !ok || stands(v, cur) {
			best[k] = v
		}
	}
	return best
}

// compileRoute is the route Compile makes of the major of the API a, whose
// standing version is v and deployment in force d (nil: none): its state
// and lifecycle dates, its targets, timeouts and CORS origins. Reaches
// compares it with the route compiled.
func compileRoute(a *store.GatewayRouteAPI, major int, v *store.GatewayRouteVersion, d *store.GatewayDeployment) gateway.Route {
	r := gateway.Route{API: a.Slug, Major: major, State: v.State}
	r.Targets = targetsInForce(d, a.Upstreams)
	if d != nil {
		r.ConnectTimeoutMS, r.ResponseTimeoutMS = d.ConnectTimeoutMS, d.ResponseTimeoutMS
		if len(d.CORSOrigins) > 0 {
			r.CORSOrigins = browserOrigins(d.CORSOrigins)
		}
	}
	if v.State == gateway.StateDeprecated {
		r.DeprecatedAt = wholeSecond(v.DeprecatedAt)
		if r.DeprecatedAt.IsZero() {
			r.DeprecatedAt = wholeSecond(v.SunsetAt) // never left unset: the header needs a date
		}
	}
	if v.State == gateway.StateRetired {
		r.RetiredAt = wholeSecond(v.RetiredAt)
	}
	if v.State != gateway.StatePublished {
		r.Sunset = wholeSecond(v.SunsetAt)
		if v.Successor != "" {
			r.Successor = v.Successor
			r.SuccessorMajor = majorOf(v.Successor)
		}
	}
	return r
}

// stands reports whether version v stands for its route rather than cur:
// a published version beats a deprecated one, which beats a retired one
// (the major's state is the lifecycle's: deprecated only when no version
// of it is published), then the newer one wins. The choice depends on the
// versions alone, not on their order, so a compile of one API and one of
// all give the same route.
func stands(v, cur *store.GatewayRouteVersion) bool {
	if vr, cr := stateRank(v.State), stateRank(cur.State); vr != cr {
		return vr > cr
	}
	return compareVersions(v, cur) > 0
}

// stateRank orders version states by which stands for a route.
func stateRank(state string) int {
	switch state {
	case gateway.StatePublished:
		return 2
	case gateway.StateDeprecated:
		return 1
	}
	return 0
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

// targetsInForce are the upstream targets of an API major version: those of
// d, its deployment in force, or else (d nil) the API's upstream URLs as
// far as they are valid targets (catalogTargets). A route without targets
// is not compiled; ServedRoutes asks the same question for pages, and
// RouteSettings.Targets shows the answer on the Gateway settings page.
func targetsInForce(d *store.GatewayDeployment, upstreams []string) []string {
	if d != nil {
		return slices.Clone([]string(d.Targets))
	}
	return catalogTargets(upstreams)
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

// browserOrigins returns a deployment's allowed origins as browsers send
// them today (gateway.ParseOrigin), without repeats: a deployment stored
// by an older portal may hold an IPv4-mapped IPv6 origin in the dotted
// form, which no browser sends and the nodes refuse, or one ParseOrigin
// now refuses (a host ending in a hex number: a browser sends it as an
// IPv4 address), which matches no browser: it is left out rather than
// have the nodes refuse the route.
func browserOrigins(stored []string) []string {
	out := make([]string, 0, len(stored))
	for _, o := range stored {
		if o != gateway.AnyOrigin {
			n, err := gateway.ParseOrigin(o)
			if err != nil {
				continue
			}
			o = n
		}
		if !slices.Contains(out, o) {
			out = append(out, o)
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
	if err != nil || n < 0 || n > gateway.MaxMajor {
		return 0
	}
	return n
}

// routeEqual reports whether two routes encode the same.
func routeEqual(a, b *gateway.Route) bool {
	return a.API == b.API && a.Major == b.Major && slices.Equal(a.Targets, b.Targets) &&
		a.ConnectTimeoutMS == b.ConnectTimeoutMS && a.ResponseTimeoutMS == b.ResponseTimeoutMS &&
		a.State == b.State && a.DeprecatedAt.Equal(b.DeprecatedAt) && a.Sunset.Equal(b.Sunset) && a.RetiredAt.Equal(b.RetiredAt) &&
		a.Successor == b.Successor && a.SuccessorMajor == b.SuccessorMajor && slices.Equal(a.CORSOrigins, b.CORSOrigins)
}

func keyEqual(a, b *gateway.Key) bool {
	return a.ID == b.ID && a.Hash == b.Hash && a.Subscription == b.Subscription && a.Team == b.Team && a.App == b.App &&
		a.API == b.API && a.Major == b.Major && a.Plan == b.Plan && a.ExpiresAt.Equal(b.ExpiresAt) &&
		a.GraceEndsAt.Equal(b.GraceEndsAt) && a.State == b.State
}

// diff returns the changes that turn cur's items into items (cur may be
// nil). With api not empty, items are those of that API only, and only
// cur's items of that API are compared with them. When Compile compared
// the items with cur already, diff takes what it found.
func diff(cur *gateway.State, items *Items, api string) gateway.Delta {
	var d gateway.Delta
	var nr, np, nk int // how many of cur's items items do not hold
	if cur != nil {
		nr, np, nk = cur.Counts()
	}
	if cur != nil && items.base == cur {
		d.Routes.Upsert, nr = items.routes.changed, nr-items.routes.held
		d.Plans.Upsert, np = items.plans.changed, np-items.plans.held
		d.Keys.Upsert, nk = items.keys.changed, nk-items.keys.held
	} else {
		d.Routes.Upsert, nr = upserts(items.Routes, nr, func(r *gateway.Route) (bool, bool) {
			old, ok := lookup(cur, (*gateway.State).Route, r.ID())
			return ok, ok && routeEqual(old, r)
		})
		d.Plans.Upsert, np = upserts(items.Plans, np, func(p *gateway.Plan) (bool, bool) {
			old, ok := lookup(cur, (*gateway.State).Plan, p.ID)
			return ok, ok && *old == *p
		})
		d.Keys.Upsert, nk = upserts(items.Keys, nk, func(k *gateway.Key) (bool, bool) {
			old, ok := lookup(cur, (*gateway.State).Key, k.ID)
			return ok, ok && keyEqual(old, k)
		})
	}
	if cur == nil {
		return d
	}
	// Deletions: cur's items (of api) that items do not hold. Items' ids
	// are distinct (the database's keys), so when items hold as many of
	// cur's items as cur has, of everything, none is deleted and the
	// search is skipped.
	if api != "" || nr > 0 {
		seen := idSet(items.Routes, (*gateway.Route).ID)
		for r := range cur.Routes() {
			if !seen[r.ID()] && (api == "" || r.API == api) {
				d.Routes.Delete = append(d.Routes.Delete, r.ID())
			}
		}
	}
	if api != "" || np > 0 {
		seen := idSet(items.Plans, func(p *gateway.Plan) string { return p.ID })
		for p := range cur.Plans() {
			if !seen[p.ID] && (api == "" || strings.HasPrefix(p.ID, api+".")) {
				d.Plans.Delete = append(d.Plans.Delete, p.ID)
			}
		}
	}
	if api != "" || nk > 0 {
		seen := idSet(items.Keys, func(k *gateway.Key) string { return k.ID })
		for k := range cur.Keys() {
			if !seen[k.ID] && (api == "" || k.API == api) {
				d.Keys.Delete = append(d.Keys.Delete, k.ID)
			}
		}
	}
	return d
}

// upserts returns the items that same does not report as unchanged, and
// left less the number of items that same reports as present.
func upserts[T any](items []T, left int, same func(*T) (present, equal bool)) ([]T, int) {
	var out []T
	for i := range items {
		present, equal := same(&items[i])
		if present {
			left--
		}
		if !equal {
			out = append(out, items[i])
		}
	}
	return out, left
}

// lookup finds id in cur (nil: nothing is there) by get.
func lookup[T any](cur *gateway.State, get func(*gateway.State, string) (*T, bool), id string) (*T, bool) {
	if cur == nil {
		return nil, false
	}
	return get(cur, id)
}

func idSet[T any](items []T, id func(*T) string) map[string]bool {
	seen := make(map[string]bool, len(items))
	for i := range items {
		seen[id(&items[i])] = true
	}
	return seen
}

func describe(d *gateway.Delta) string {
	return fmt.Sprintf("%d routes, %d plans, %d keys changed", d.Routes.Len(), d.Plans.Len(), d.Keys.Len())
}
