package control

import (
	"context"
	"fmt"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/push"
	"github.com/portico-dev/portico/store"
)

// Reach is how many gateway nodes serve an API major version's current
// settings: of the registered (not revoked) nodes, Total, those reachable
// and not rejecting a configuration that have applied a version of the
// configuration at or after the one that gave its route its current
// settings (targets, timeouts, CORS origins, lifecycle state), with the
// hash the portal made it with, Serving. A route not compiled yet (settings
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

// of returns the reach of the route want, the route Compile makes of the
// settings and versions in the database (compileRoute).
func (r *Reaches) of(want *gateway.Route) Reach {
	out := Reach{Total: len(r.nodes)}
	if out.Total == 0 || r.src == nil {
		return out
	}
	st, since, ok := r.src.RouteSince(want.ID())
	if !ok {
		return out
	}
	// Settings saved or a lifecycle change made but not compiled yet (or
	// compiled by another instance and not seen here yet): no node serves
	// them.
	if rt, _ := st.Route(want.ID()); !routeEqual(rt, want) {
		return out
	}
	head := st.Head()
	for _, n := range r.nodes {
		if servesSince(n, head, since, r.now, r.after) {
			out.Serving++
		}
	}
	return out
}

// servesSince reports whether the node n serves the configuration as it
// has been since the version since, head being the newest: as the Gateway
// page classifies nodes (push.Classify), one in sync with head does, an
// unreachable or rejecting one does not; one behind does when it has
// applied since or a later version, the one the portal made: the hash the
// change log holds for its version is the one it applied.
func servesSince(n store.GatewayNodeApplied, head gateway.Head, since uint64, now time.Time, after time.Duration) bool {
	switch {
	case n.LastSeenAt == nil || now.Sub(*n.LastSeenAt) > after:
		return false // unreachable
	case n.AppliedVersion <= 0:
		return false
	case uint64(n.AppliedVersion) == head.Version && n.AppliedHash == head.Hash:
		return true // in sync
	case n.RejectedVersion > 0 || n.RejectedHash != "":
		return false // rejecting
	}
	return uint64(n.AppliedVersion) >= since && n.LoggedHash != nil && *n.LoggedHash == n.AppliedHash
}

// OfServed returns the reach of the major of the API apiID, whose settings
// served read (ServedRoutes).
func (r *Reaches) OfServed(served Served, apiID int64, major int) Reach {
	want, ok := served.route(apiID, major)
	if !ok {
		return Reach{Total: len(r.nodes)}
	}
	return r.of(&want)
}

// Calls tells, of the majors of some APIs, whether the gateway has a
// route for them (Served: a call URL is given) and how many nodes serve
// their current settings (Reach): what every page, JSON answer and MCP
// tool that gives a call URL says beside it.
type Calls struct {
	Served
	reaches *Reaches
}

// Calls reads Calls for the APIs apiIDs: three queries whatever their
// number (ServedRoutes, Reaches). No authorization: it tells which majors
// have a route and counts of nodes, next to a URL the caller may see.
func (s *Service) Calls(ctx context.Context, apiIDs []int64) (Calls, error) {
	served, err := ServedRoutes(ctx, s.store, apiIDs)
	if err != nil {
		return Calls{}, err
	}
	reaches, err := s.Reaches(ctx)
	if err != nil {
		return Calls{}, err
	}
	return Calls{Served: served, reaches: reaches}, nil
}

// Reach returns how many gateway nodes serve the current settings of the
// major of the API apiID; nil when the gateway has no route for it (or
// the nodes were not read: the zero Calls).
func (c Calls) Reach(apiID int64, major int) *Reach {
	if c.reaches == nil || !c.Serves(apiID, major) {
		return nil
	}
	r := c.reaches.OfServed(c.Served, apiID, major)
	return &r
}
