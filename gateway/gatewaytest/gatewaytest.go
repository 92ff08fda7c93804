// Package gatewaytest gives tests and benchmarks of the gateway generated
// configurations and an in-memory change log that serves them to the push
// hub like the portal's database does.
package gatewaytest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/push"
)

// Tokens authenticates nodes from a fixed table of token to node name, for
// the push hub (each name one registration, id 1); another token is
// push.ErrUnknownNode.
type Tokens map[string]string

// AuthenticateNode returns the node of token.
func (t Tokens) AuthenticateNode(_ context.Context, token string) (push.Node, error) {
	if name, ok := t[token]; ok {
		return push.Node{Name: name, ID: 1}, nil
	}
	return push.Node{}, push.ErrUnknownNode
}

// Key returns the raw API key of key number i of a generated configuration.
func Key(i int) string { return fmt.Sprintf("ptk_k%06d_%032x", i, i*7919) }

// Config describes a generated configuration.
type Config struct {
	APIs int
	Keys int
	// Upstream is every route's target, e.g. http://127.0.0.1:9000.
	Upstream string
	// RatePerMinute and Burst make the one plan, "standard".
	RatePerMinute, Burst int
}

// Items generates routes api-0/v1 … api-{APIs-1}/v1, one plan and Keys keys,
// key i belonging to subscription sub-i of api-(i mod APIs).
func Items(c Config) ([]gateway.Route, []gateway.Plan, []gateway.Key) {
	routes := make([]gateway.Route, c.APIs)
	for i := range routes {
		routes[i] = gateway.Route{API: fmt.Sprintf("api-%d", i), Major: 1, Targets: []string{c.Upstream}, State: gateway.StatePublished}
	}
	plans := []gateway.Plan{{ID: "standard", RatePerMinute: c.RatePerMinute, Burst: c.Burst}}
	keys := make([]gateway.Key, c.Keys)
	for i := range keys {
		keys[i] = gateway.Key{
			ID: fmt.Sprintf("k%06d", i), Hash: gateway.HashKey(Key(i)),
			Subscription: fmt.Sprintf("sub-%d", i), Team: "team-a", App: fmt.Sprintf("app-%d", i),
			API: fmt.Sprintf("api-%d", i%max(c.APIs, 1)), Major: 1, Plan: "standard", State: gateway.KeyActive,
		}
	}
	return routes, plans, keys
}

// State builds the generated configuration at version.
func State(version uint64, c Config) (*gateway.State, error) {
	r, p, k := Items(c)
	return gateway.NewState(version, r, p, k)
}

// Source is an in-memory change log: the current state and, per version,
// the ids each change touched, so it answers deltas from any version it has
// seen. It implements the push hub's SnapshotSource.
type Source struct {
	mu      sync.Mutex
	current *gateway.State
	// log[i] is the change that made version first+i+1.
	first uint64
	log   []change
	// Changed, when set, is called after every change (the hub's Refresh).
	Changed func()
}

type change struct {
	base gateway.Head
	d    *gateway.Delta
}

// NewSource starts a change log at st.
func NewSource(st *gateway.State) *Source {
	return &Source{current: st, first: st.Version()}
}

// Current returns the newest version and hash.
func (s *Source) Current(context.Context) (gateway.Head, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.current.Head(), nil
}

// Snapshot returns the newest state.
func (s *Source) Snapshot(context.Context) (*gateway.State, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.current, nil
}

// DeltaSince merges the changes after base into one delta, or reports
// ok=false when the log does not reach back to base.
func (s *Source) DeltaSince(_ context.Context, base gateway.Head) (*gateway.Delta, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if base.Version < s.first || base.Version >= s.current.Version() {
		return nil, false, nil
	}
	i := base.Version - s.first
	if s.log[i].base != base {
		return nil, false, nil
	}
	// Every id touched since base gets its current value, or a delete.
	routes, plans, keys := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, c := range s.log[i:] {
		touch(routes, c.d.Routes, func(r *gateway.Route) string { return r.ID() })
		touch(plans, c.d.Plans, func(p *gateway.Plan) string { return p.ID })
		touch(keys, c.d.Keys, func(k *gateway.Key) string { return k.ID })
	}
	return s.current.DeltaFrom(base, routes, plans, keys), true, nil
}

func touch[T any](ids map[string]bool, c gateway.Changes[T], id func(*T) string) {
	for i := range c.Upsert {
		ids[id(&c.Upsert[i])] = true
	}
	for _, k := range c.Delete {
		ids[k] = true
	}
}

// Change records the next version: d names the changes (its versions and
// hashes are filled in).
func (s *Source) Change(d gateway.Delta) (*gateway.State, error) {
	s.mu.Lock()
	d.Schema = gateway.Schema
	d.BaseVersion, d.BaseHash = s.current.Version(), s.current.Hash()
	d.Version = d.BaseVersion + 1
	next, err := s.current.Derive(&d)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	d.Hash = next.Hash()
	s.log = append(s.log, change{base: s.current.Head(), d: &d})
	s.current = next
	changed := s.Changed
	s.mu.Unlock()
	if changed != nil {
		changed()
	}
	return next, nil
}

// Compact forgets the changes before version v, so nodes behind it get the
// full state (what a change log with checkpoints does).
func (s *Source) Compact(v uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.first < v && len(s.log) > 0 {
		s.log = s.log[1:]
		s.first++
	}
}

// Eventually polls cond every 10 ms until it holds or timeout passes.
func Eventually(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// ClearOfMidnight waits, when the next UTC midnight is less than d away,
// until it has passed: for a test whose counts are by UTC day (daily
// quotas), which would see two days if it ran across midnight. d is a
// bound on how long the test takes.
func ClearOfMidnight(t testing.TB, d time.Duration) {
	t.Helper()
	if wait := untilClearOfMidnight(time.Now(), d); wait > 0 {
		t.Logf("waiting %v for UTC midnight to pass: this test counts by UTC day", wait.Round(time.Millisecond))
		time.Sleep(wait)
	}
}

// untilClearOfMidnight is how long to wait at now so that the next d does
// not cross a UTC midnight: 0 when it does not, else until a second past it.
func untilClearOfMidnight(now time.Time, d time.Duration) time.Duration {
	now = now.UTC()
	next := now.Truncate(24 * time.Hour).Add(24 * time.Hour)
	if left := next.Sub(now); left < d {
		return left + time.Second
	}
	return 0
}
