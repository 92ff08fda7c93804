package control

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/push"
	"github.com/portico-dev/portico/store"
)

// Reach is how many gateway nodes serve an API major version's current
// settings: of the registered (not revoked) nodes, Total, those reachable
// that have applied a version of the configuration at or after the one
// that gave its route its current settings (targets, timeouts, CORS
// origins, lifecycle state), Serving. A route not compiled yet (settings
// just saved, a version just published) is served by none; an unreachable
// node serves nothing as far as the portal knows.
type Reach struct {
	Serving int
	Total   int
}

// Status says it in words: "served by all 2 nodes", "reaching nodes: 1 of
// 2 serve this version's current settings", "no gateway node registered".
func (r Reach) Status() string {
	switch {
	case r.Total == 0:
		return "no gateway node registered"
	case r.Serving >= r.Total && r.Total == 1:
		return "served by the only node"
	case r.Serving >= r.Total:
		return fmt.Sprintf("served by all %d nodes", r.Total)
	}
	return fmt.Sprintf("reaching nodes: %d of %d serve this version's current settings", r.Serving, r.Total)
}

// Everywhere reports whether every registered node serves the settings
// (and there is one).
func (r Reach) Everywhere() bool { return r.Total > 0 && r.Serving >= r.Total }

// Reaches answers Reach for the routes of some APIs: what the nodes have
// applied, read once, and this instance's newest configuration.
type Reaches struct {
	nodes []store.GatewayNodeApplied
	now   time.Time
	after time.Duration
	src   *Source
}

// Reaches reads, in one query whatever the number of routes asked about
// after, what the active nodes have applied. No authorization: it tells
// counts of nodes only, next to a URL the caller may see.
func (s *Service) Reaches(ctx context.Context) (*Reaches, error) {
	ns, now, err := s.store.GatewayNodesApplied(ctx)
	if err != nil {
		return nil, err
	}
	after := push.UnreachableAfter(0)
	if s.hub != nil {
		after = s.hub.UnreachableAfter()
	}
	return &Reaches{nodes: ns, now: now, after: after, src: s.src}, nil
}

// Of returns the reach of api's major whose settings in force are d (nil:
// the API's catalog upstreams serve as targets).
func (r *Reaches) Of(api string, major int, d *store.GatewayDeployment, upstreams []string) Reach {
	out := Reach{Total: len(r.nodes)}
	if out.Total == 0 || r.src == nil {
		return out
	}
	st, since, ok := r.src.RouteSince(gateway.RouteID(api, major))
	if !ok {
		return out
	}
	// Settings saved but not compiled yet (or compiled by another
	// instance and not seen here yet): no node serves them.
	rt, _ := st.Route(gateway.RouteID(api, major))
	if !slices.Equal(rt.Targets, targetsInForce(d, upstreams)) {
		return out
	}
	var origins []string
	var connect, response int
	if d != nil {
		// As the compile writes them (browserOrigins).
		origins, connect, response = browserOrigins(d.CORSOrigins), d.ConnectTimeoutMS, d.ResponseTimeoutMS
	}
	if rt.ConnectTimeoutMS != connect || rt.ResponseTimeoutMS != response || !slices.Equal(rt.CORSOrigins, origins) {
		return out
	}
	for _, n := range r.nodes {
		if n.LastSeenAt == nil || r.now.Sub(*n.LastSeenAt) > r.after {
			continue // unreachable
		}
		if n.AppliedVersion > 0 && uint64(n.AppliedVersion) >= since {
			out.Serving++
		}
	}
	return out
}

// OfServed returns the reach of the major of the API apiID, whose settings
// served read (ServedRoutes).
func (r *Reaches) OfServed(served Served, apiID int64, major int) Reach {
	a := served.apis[apiID]
	return r.Of(a.Slug, major, served.deps[routeKey{apiID, major}], a.Upstreams)
}
