package control

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/push"
	"github.com/portico-dev/portico/outbox"
	"github.com/portico-dev/portico/store"
)

// keptChanges is how many recent changes a Source keeps in memory to answer
// deltas; a node further behind gets the full state.
const keptChanges = 512

// Source is one portal instance's copy of the gateway configuration: the
// newest state, followed from the database's change log, and the recent
// changes, from which it answers deltas. It implements push.SnapshotSource.
// Publish compiles the next version from the database; any instance may, and
// the head row's optimistic lock makes them take turns.
type Source struct {
	store *store.Store
	log   *slog.Logger
	// compile reads the items (of one API when apiID is not 0), compared
	// with base (see Compile).
	compile func(ctx context.Context, apiID int64, base *gateway.State) (*Items, error)
	// compiler is the version of compile (Compiler).
	compiler int

	// publishMu makes this instance's compiles take turns (other
	// instances' are ordered by the head's lock).
	publishMu sync.Mutex

	mu      sync.Mutex
	cur     *gateway.State
	changes []change // the recent changes, oldest first, contiguous up to cur
	skipped []string // what the newest compile of this instance left out
	// routeSince is, per route of cur, the version of the newest change
	// that touched it, as far as this instance knows: those it applied,
	// and those the checkpoint it loaded recorded (checkpointSince); a
	// route not in it was last touched at or before since (the first
	// version, or the version of a checkpoint that recorded none). See
	// RouteSince.
	routeSince map[string]uint64
	since      uint64
}

// change is one version's delta as far as deltas need it: its base and the
// ids it touched.
type change struct {
	base   gateway.Head
	routes []string
	plans  []string
	keys   []string
}

// NewSource returns a Source over s. Call Sync before serving.
func NewSource(s *store.Store, log *slog.Logger) *Source {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	src := &Source{store: s, log: log, compiler: Compiler}
	src.compile = func(ctx context.Context, apiID int64, base *gateway.State) (*Items, error) {
		return Compile(ctx, s, time.Now(), apiID, base)
	}
	return src
}

var _ push.SnapshotSource = (*Source)(nil)

// Current returns the newest version and hash this instance holds (zero
// before the first version exists).
func (s *Source) Current(context.Context) (gateway.Head, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur == nil {
		return gateway.Head{}, nil
	}
	return s.cur.Head(), nil
}

// Snapshot returns the newest state.
func (s *Source) Snapshot(context.Context) (*gateway.State, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur == nil {
		return nil, errors.New("no gateway configuration has been compiled yet")
	}
	return s.cur, nil
}

// State returns the newest state, nil before the first.
func (s *Source) State() *gateway.State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur
}

// Skipped says what this instance's newest compile left out, and why.
func (s *Source) Skipped() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.skipped
}

// DeltaSince merges the changes after base into one delta, or reports
// ok=false when the kept changes do not reach back to base.
func (s *Source) DeltaSince(_ context.Context, base gateway.Head) (*gateway.Delta, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur == nil || base.Version >= s.cur.Version() || len(s.changes) == 0 {
		return nil, false, nil
	}
	first := s.cur.Version() - uint64(len(s.changes)) // the base of changes[0]
	if base.Version < first {
		return nil, false, nil
	}
	i := base.Version - first
	if s.changes[i].base != base {
		return nil, false, nil
	}
	routes, plans, keys := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, c := range s.changes[i:] {
		for _, id := range c.routes {
			routes[id] = true
		}
		for _, id := range c.plans {
			plans[id] = true
		}
		for _, id := range c.keys {
			keys[id] = true
		}
	}
	return s.cur.DeltaFrom(base, routes, plans, keys), true, nil
}

func touched(d *gateway.Delta) change {
	c := change{base: gateway.Head{Version: d.BaseVersion, Hash: d.BaseHash}}
	for i := range d.Routes.Upsert {
		c.routes = append(c.routes, d.Routes.Upsert[i].ID())
	}
	c.routes = append(c.routes, d.Routes.Delete...)
	for i := range d.Plans.Upsert {
		c.plans = append(c.plans, d.Plans.Upsert[i].ID)
	}
	c.plans = append(c.plans, d.Plans.Delete...)
	for i := range d.Keys.Upsert {
		c.keys = append(c.keys, d.Keys.Upsert[i].ID)
	}
	c.keys = append(c.keys, d.Keys.Delete...)
	return c
}

// adopt makes next (the result of d) the current state. Call with mu held.
func (s *Source) adopt(next *gateway.State, d *gateway.Delta) {
	if d == nil || s.cur == nil || d.BaseVersion != s.cur.Version() {
		s.changes = nil
		s.loaded(next, nil)
	} else {
		c := touched(d)
		s.changes = append(s.changes, c)
		if len(s.changes) > keptChanges {
			s.changes = append([]change(nil), s.changes[len(s.changes)-keptChanges:]...)
		}
		for i := range d.Routes.Upsert {
			s.routeSince[c.routes[i]] = next.Version()
		}
		for _, id := range d.Routes.Delete {
			delete(s.routeSince, id)
		}
	}
	s.cur = next
}

// loaded notes that st was loaded whole (a checkpoint, the first
// version): since when its routes have been as they are is what the
// checkpoint recorded (cs, nil when it recorded nothing: then they count
// from st's version, the earliest known). Call with mu held.
func (s *Source) loaded(st *gateway.State, cs *checkpointSince) {
	s.routeSince, s.since = map[string]uint64{}, 0
	if st == nil {
		return
	}
	s.since = st.Version()
	if cs == nil {
		return
	}
	// Never later than st, never beyond it: a version recorded wrongly
	// counts from st.
	s.since = min(cs.Since, st.Version())
	for id, v := range cs.Routes {
		if _, ok := st.Route(id); ok && v <= st.Version() {
			s.routeSince[id] = v
		}
	}
}

// checkpointSince is what a checkpoint records of since when its routes
// have been as they are (store.GatewayLogEntry.CheckpointSince): a route
// not in Routes since Since.
type checkpointSince struct {
	Since  uint64            `json:"since"`
	Routes map[string]uint64 `json:"routes,omitempty"`
}

// sinceOf returns, encoded, since when the routes of next have been as
// they are, next being cur with the change d (nil: next is the first
// version), for a checkpoint of next; nil when this instance has moved
// on from cur (the checkpoint is not written then: another compile went
// first). Call with mu held.
func (s *Source) sinceOf(cur, next *gateway.State, d *gateway.Delta) *string {
	cs := checkpointSince{Since: next.Version()}
	if cur != nil {
		if s.cur != cur {
			return nil
		}
		cs.Since, cs.Routes = s.since, make(map[string]uint64, len(s.routeSince)+len(d.Routes.Upsert))
		for id, v := range s.routeSince {
			cs.Routes[id] = v
		}
		for i := range d.Routes.Upsert {
			cs.Routes[d.Routes.Upsert[i].ID()] = next.Version()
		}
		for _, id := range d.Routes.Delete {
			delete(cs.Routes, id)
		}
	}
	b, err := json.Marshal(cs)
	if err != nil {
		return nil
	}
	out := string(b)
	return &out
}

// RouteSince returns the newest state this instance holds and, for the
// route id, the version from which that state's route has been as it is
// now: the newest version whose change touched it. A state loaded whole
// (from a checkpoint, at this instance's start or after falling too far
// behind) knows it from what the checkpoint recorded; from a checkpoint
// that recorded nothing (written by an older Portico), a route unchanged
// since counts from the checkpoint's version: no earlier, so a node at
// least there has the route as it is, though one a little older may have
// it too. ok is false when the state has no such route (or there is no
// state yet).
func (s *Source) RouteSince(id string) (st *gateway.State, version uint64, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur == nil {
		return nil, 0, false
	}
	if _, found := s.cur.Route(id); !found {
		return s.cur, 0, false
	}
	if v, found := s.routeSince[id]; found {
		return s.cur, v, true
	}
	return s.cur, s.since, true
}

// Sync brings this instance's copy up to the database's head: it applies
// the changes after its version, or loads the newest checkpoint and the
// changes after it when it has none or the log no longer reaches back. It
// reports whether the head moved.
func (s *Source) Sync(ctx context.Context) (bool, error) {
	head, err := s.store.ReadGatewayHead(ctx)
	if err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.syncLocked(ctx, head)
}

func (s *Source) syncLocked(ctx context.Context, head store.GatewayHead) (bool, error) {
	if head.Version == 0 {
		return false, nil
	}
	if s.cur != nil && s.cur.Version() == uint64(head.Version) && s.cur.Hash() == head.Hash {
		return false, nil
	}
	if s.cur != nil && s.cur.Version() < uint64(head.Version) {
		err := s.applyChangesAfter(ctx)
		if err == nil && s.cur.Version() >= uint64(head.Version) {
			return true, nil
		}
		if err != nil {
			s.log.Warn("gateway change log not applied, reloading from the checkpoint", "err", err)
		}
	}
	version, snap, since, err := s.store.LatestGatewayCheckpoint(ctx)
	if err != nil {
		return false, err
	}
	st, err := gateway.DecodeSnapshot([]byte(snap), checkpointLimits)
	if err != nil {
		return false, fmt.Errorf("gateway checkpoint %d: %w", version, err)
	}
	var cs *checkpointSince
	if since != "" {
		cs = new(checkpointSince)
		if err := json.Unmarshal([]byte(since), cs); err != nil {
			s.log.Warn("gateway checkpoint's route versions not read: its routes count from it", "version", version, "err", err)
			cs = nil
		}
	}
	s.cur, s.changes = st, nil
	s.loaded(st, cs)
	if err := s.applyChangesAfter(ctx); err != nil {
		return true, err
	}
	return true, nil
}

// checkpointLimits read the portal's own checkpoints: no tighter than what
// it can compile.
var checkpointLimits = gateway.Limits{MaxBytes: 1 << 30, MaxRoutes: 1_000_000, MaxPlans: 1_000_000, MaxKeys: 10_000_000}

// applyChangesAfter applies the logged deltas after the current version.
func (s *Source) applyChangesAfter(ctx context.Context) error {
	for {
		cs, err := s.store.GatewayChangesAfter(ctx, int64(s.cur.Version()), 100)
		if err != nil {
			return err
		}
		for _, c := range cs {
			d, err := gateway.DecodeDelta([]byte(c.Delta), checkpointLimits)
			if err != nil {
				return fmt.Errorf("gateway change %d: %w", c.Version, err)
			}
			next, err := s.cur.Apply(d)
			if err != nil {
				return fmt.Errorf("gateway change %d: %w", c.Version, err)
			}
			s.adopt(next, d)
		}
		if len(cs) < 100 {
			return nil
		}
	}
}

// ErrNewerCompiler is returned by Publish when the newest version was
// written by a newer compiler than this instance's (see Compiler).
// It wraps outbox.ErrNewerVersion: the outbox worker of an older instance
// stops claiming the topic and hands the message back at once.
var ErrNewerCompiler = fmt.Errorf("the gateway configuration was compiled by a newer Portico: %w", outbox.ErrNewerVersion)

// ErrBusy is returned by Publish when other compiles kept going first.
var ErrBusy = errors.New("other compiles of the gateway configuration kept going first; retry")

// Publish compiles the configuration from the database and, when it differs
// from the newest version, records the next version (its delta, and a
// checkpoint when the deltas since the last one have grown as large as it)
// and wakes every instance. It returns the head after it. With api not
// empty, it compiles only what belongs to that API (its routes, plans and
// keys) and compares it with that API's items: what a change to one API
// costs does not grow with the whole configuration's size.
func (s *Source) Publish(ctx context.Context, api string) (gateway.Head, error) {
	s.publishMu.Lock()
	defer s.publishMu.Unlock()
	for attempt := 0; attempt < 5; attempt++ {
		head, err := s.publishOnce(ctx, api)
		if errors.Is(err, store.ErrConflict) {
			continue // another instance went first: catch up and compile again
		}
		return head, err
	}
	return gateway.Head{}, ErrBusy
}

func (s *Source) publishOnce(ctx context.Context, api string) (gateway.Head, error) {
	if _, err := s.Sync(ctx); err != nil && !errors.Is(err, store.ErrNotFound) {
		return gateway.Head{}, err
	}
	start := time.Now()
	cur := s.State()
	curCompiler := s.compiler
	if cur != nil {
		// The compiler that wrote cur: a newer one's version is not
		// replaced; over an older one's, everything is compiled (the
		// items of the other APIs too may differ). The append below moves
		// the head only from cur, so what is read here stays cur's.
		c, err := s.store.GatewayChangeCompiler(ctx, int64(cur.Version()))
		switch {
		case errors.Is(err, store.ErrNotFound):
			c = 0 // pruned: as old as it gets
		case err != nil:
			return gateway.Head{}, err
		}
		if c > s.compiler {
			return gateway.Head{}, fmt.Errorf("%w (version %d by compiler %d; this instance's is %d)", ErrNewerCompiler, cur.Version(), c, s.compiler)
		}
		if c < s.compiler {
			api = ""
		}
		curCompiler = c
	}
	var apiID int64
	if api != "" && cur != nil {
		a, err := s.store.APIBySlug(ctx, api)
		switch {
		case err == nil:
			apiID = a.ID
		case errors.Is(err, store.ErrNotFound):
			api = "" // compile everything
		default:
			return gateway.Head{}, err
		}
	} else {
		api = ""
	}
	items, err := s.compile(ctx, apiID, cur)
	if err != nil {
		return gateway.Head{}, err
	}
	var (
		next *gateway.State
		d    gateway.Delta
		base store.GatewayHead
	)
	if cur == nil {
		next, err = gateway.NewState(1, items.Routes, items.Plans, items.Keys)
		if err != nil {
			return gateway.Head{}, fmt.Errorf("compile gateway configuration: %w", err)
		}
		d = gateway.Delta{Schema: gateway.Schema, Version: 1, Hash: next.Hash(),
			Routes: gateway.Changes[gateway.Route]{Upsert: items.Routes}, Plans: gateway.Changes[gateway.Plan]{Upsert: items.Plans}, Keys: gateway.Changes[gateway.Key]{Upsert: items.Keys}}
	} else {
		d = diff(cur, items, api)
		if api == "" {
			s.setSkipped(items.Skipped)
		}
		if d.Empty() {
			if curCompiler < s.compiler {
				// This compiler makes cur of the database as well: cur is
				// its own from now on (its next compiles cover one API
				// again, and older instances leave the topic to it).
				if err := s.store.TakeGatewayChange(ctx, int64(cur.Version()), s.compiler); err != nil {
					return gateway.Head{}, err
				}
			}
			return cur.Head(), nil
		}
		d.Schema, d.BaseVersion, d.BaseHash, d.Version = gateway.Schema, cur.Version(), cur.Hash(), cur.Version()+1
		next, err = cur.Derive(&d)
		if err != nil {
			return gateway.Head{}, fmt.Errorf("compile gateway configuration: %w", err)
		}
		d.Hash = next.Hash()
		base = store.GatewayHead{Version: int64(cur.Version()), Hash: cur.Hash()}
	}
	enc := d.Encode()
	c := &store.GatewayLogEntry{Version: int64(next.Version()), BaseHash: d.BaseHash, Hash: next.Hash(), Delta: string(enc), DeltaBytes: int64(len(enc)), Compiler: s.compiler}
	err = s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		deltas, checkpoint, err := s.store.GatewayDeltaBytesSince(ctx, tx)
		if err != nil {
			return err
		}
		if cur == nil || deltas+c.DeltaBytes >= checkpoint {
			snap := string(next.EncodeSnapshot())
			c.Checkpoint, c.CheckpointBytes = &snap, int64(len(snap))
			s.mu.Lock()
			if cur == nil {
				c.CheckpointSince = s.sinceOf(nil, next, nil)
			} else {
				c.CheckpointSince = s.sinceOf(cur, next, &d)
			}
			s.mu.Unlock()
		}
		if err := s.store.AppendGatewayChange(ctx, tx, base, c); err != nil {
			return err
		}
		return s.store.Wake(ctx, tx, store.WakeGateway)
	})
	if err != nil {
		return gateway.Head{}, err
	}
	if c.Checkpoint != nil {
		// Storage grows with changes, not with checkpoints: the older
		// snapshots go, and the deltas older than what an instance keeps in
		// memory (an instance or node further behind reloads from a
		// checkpoint).
		if n, err := s.store.PruneGatewayChanges(ctx, keptChanges); err != nil {
			s.log.Warn("gateway change log not pruned", "err", err)
		} else if n > 0 {
			s.log.Debug("gateway change log pruned", "changes", n)
		}
	}
	s.mu.Lock()
	if s.cur == cur {
		if cur == nil {
			s.adopt(next, nil)
		} else {
			s.adopt(next, &d)
		}
	}
	if api == "" {
		s.skipped = items.Skipped
	}
	s.mu.Unlock()
	scope := api
	if scope == "" {
		scope = "everything"
	}
	s.log.Info("gateway configuration compiled", "version", next.Version(), "hash", next.Hash(), "scope", scope, "changes", describe(&d),
		"checkpoint", c.Checkpoint != nil, "duration", time.Since(start).Round(time.Millisecond))
	return next.Head(), nil
}

func (s *Source) setSkipped(sk []string) {
	s.mu.Lock()
	s.skipped = sk
	s.mu.Unlock()
}

// Handle is the outbox handler of store.TopicGatewayChanged: it publishes
// the next version, compiling the API the message names (everything when it
// names none). Idempotent: a compile that finds nothing new records nothing.
// Over a version a newer compiler wrote (a newer Portico's instance, during
// a rolling upgrade) it fails with ErrNewerCompiler: this instance's outbox
// worker stops claiming the topic and hands the message back due at once,
// and an instance of the newer version, which claims it as well, delivers
// it.
func (s *Source) Handle(ctx context.Context, payload []byte) error {
	var m store.GatewayChange
	if err := json.Unmarshal(payload, &m); err != nil {
		m.API = "" // an unreadable payload: compile everything
	}
	_, err := s.Publish(ctx, m.API)
	return err
}
