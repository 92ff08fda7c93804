package control

import (
	"context"
	"slices"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/store"
)

// TargetReader reads what decides which API majors have upstream targets
// in force; *store.Store implements it.
type TargetReader interface {
	GatewayTargetSources(ctx context.Context, apiIDs []int64) ([]store.GatewayRouteAPI, []store.GatewayDeployment, []store.GatewayRouteVersion, error)
}

// Served tells which majors of some APIs have upstream targets in force,
// as ServedRoutes read them. The zero Served serves nothing.
type Served struct {
	// catalog: the API's upstream URLs give targets (a major without a
	// deployment); deployed: whether the deployment in force of a major
	// has targets.
	catalog  map[int64]bool
	deployed map[routeKey]bool
	// apis, deps and best are what was read: each API's slug and
	// upstream URLs, the deployments in force, and the version that
	// stands for each major's route (for Reaches.OfServed).
	apis map[int64]store.GatewayRouteAPI
	deps map[routeKey]*store.GatewayDeployment
	best map[routeKey]*store.GatewayRouteVersion
}

type routeKey struct {
	api   int64
	major int
}

// Serves reports whether the major of the API apiID has upstream targets
// in force: Compile gives a route to such a major when it has a
// published, deprecated or retired version, and leaves out (Items.Skipped)
// one without, whose URL on the gateway answers 404.
func (s Served) Serves(apiID int64, major int) bool {
	if d, ok := s.deployed[routeKey{apiID, major}]; ok {
		return d
	}
	return s.catalog[apiID]
}

// ServedRoutes reads, in two queries whatever their number, which majors of
// the APIs apiIDs have upstream targets in force, by the rule Compile
// applies (targetsInForce): the deployment in force of the major, or else
// the API's upstream URLs.
func ServedRoutes(ctx context.Context, r TargetReader, apiIDs []int64) (Served, error) {
	ids := slices.Clone(apiIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	apis, deps, versions, err := r.GatewayTargetSources(ctx, ids)
	if err != nil {
		return Served{}, err
	}
	s := Served{catalog: make(map[int64]bool, len(apis)), deployed: make(map[routeKey]bool, len(deps)),
		apis: make(map[int64]store.GatewayRouteAPI, len(apis)), deps: make(map[routeKey]*store.GatewayDeployment, len(deps)),
		best: standing(versions)}
	for _, a := range apis {
		s.catalog[a.ID] = len(targetsInForce(nil, a.Upstreams)) > 0
		s.apis[a.ID] = a
	}
	for i := range deps {
		k := routeKey{deps[i].APIID, deps[i].Major}
		s.deployed[k] = len(targetsInForce(&deps[i], nil)) > 0
		s.deps[k] = &deps[i]
	}
	return s, nil
}

// route is the route Compile makes of the major of the API apiID from
// what was read (compileRoute); false when it makes none: the major has
// no published, deprecated or retired version (or the API was not read).
func (s Served) route(apiID int64, major int) (gateway.Route, bool) {
	k := routeKey{apiID, major}
	a, ok := s.apis[apiID]
	v := s.best[k]
	if !ok || v == nil {
		return gateway.Route{}, false
	}
	return compileRoute(&a, major, v, s.deps[k]), true
}
