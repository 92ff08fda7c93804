package control

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/portico-dev/portico/auth"
	"github.com/portico-dev/portico/gateway/push"
	"github.com/portico-dev/portico/outage"
	"github.com/portico-dev/portico/store"
)

// Nodes authenticates nodes by their token and records what the hub hears
// from them in the database, so that every portal instance shows the same.
// It implements push.Authenticator and push.Recorder.
type Nodes struct {
	store *store.Store
	clock func(context.Context) (time.Time, error) // the database's: store.ClockNow

	// offset is the database's clock minus this process's, as measured
	// at measured (zero: not yet); tried is when it was last read, well or
	// not, and reading whether a reading is under way; see clockOffset.
	mu       sync.Mutex
	offset   time.Duration
	measured time.Time
	tried    time.Time
	reading  bool
	// unmeasured logs the runs of readings not taken (failed or slow):
	// the first, then at most once a minute, then the end of the run.
	unmeasured outage.Log
}

// NewNodes returns the node authenticator and recorder over s, logging to
// log (nil: nowhere) the runs of failures to read the database's clock.
func NewNodes(s *store.Store, log *slog.Logger) *Nodes {
	return &Nodes{store: s, clock: s.ClockNow, unmeasured: unmeasuredLog(log)}
}

// unmeasuredLog is the outage log of the clock readings not taken.
func unmeasuredLog(log *slog.Logger) outage.Log {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return outage.Log{Name: "gateway node clock offset not measured", Again: "gateway node clock offset measured again", Logger: log, Level: slog.LevelWarn}
}

var (
	_ push.Authenticator = (*Nodes)(nil)
	_ push.Recorder      = (*Nodes)(nil)
)

// AuthenticateNode returns the active registration holding token.
func (n *Nodes) AuthenticateNode(ctx context.Context, token string) (push.Node, error) {
	if len(token) < len(NodeTokenPrefix)+20 || len(token) > 200 {
		return push.Node{}, push.ErrUnknownNode
	}
	node, err := n.store.GatewayNodeByToken(ctx, auth.HashToken(token))
	if errors.Is(err, store.ErrNotFound) {
		return push.Node{}, push.ErrUnknownNode
	}
	if err != nil {
		return push.Node{}, err
	}
	return push.Node{Name: node.Name, ID: node.ID}, nil
}

// RecordNodeStatus stores what the hub knows of a node, on its registration
// while it is active and unless the status stored is from a newer report
// of the node (see store.RecordGatewayNodeStatus). The contact is stamped
// by the database's clock, not by s.LastSeen (this instance's clock): the
// Gateway page of any instance compares it with the database's clock. The
// report is stamped with s.LastSeen, when its request arrived, moved to the
// database's clock (clockOffset): a node that numbers no reports has them
// ordered by it, whichever instance writes last and however late.
func (n *Nodes) RecordNodeStatus(ctx context.Context, s push.NodeStatus) error {
	offset, err := n.clockOffset(ctx)
	if err != nil {
		return err
	}
	arrived := s.LastSeen
	if arrived.IsZero() {
		arrived = time.Now()
	}
	st := store.GatewayNodeStatus{AppliedVersion: int64(s.Applied.Version), AppliedHash: s.Applied.Hash,
		LastError: s.LastError, Agent: s.Agent, ReportSession: s.Report.Session, ReportSeq: int64(s.Report.Seq),
		ReportedAt: arrived.Add(offset)}
	if s.Rejected != nil {
		st.RejectedVersion, st.RejectedHash = int64(s.Rejected.Version), s.Rejected.Hash
	}
	return n.store.RecordGatewayNodeStatus(ctx, s.ID, st)
}

// The database's clock is read again after offsetEvery; a reading whose
// round trip took longer than offsetRoundTrip (a busy pool, a pause) is
// not taken over an earlier one, as its error may be up to half of it, nor
// is a failed one: the clock is read again after offsetRetry.
const (
	offsetEvery     = time.Minute
	offsetRetry     = 10 * time.Second
	offsetRoundTrip = 100 * time.Millisecond
)

// clockOffset returns the database's clock minus this process's, read at
// most every offsetEvery: a time of this process plus it is the database's
// time, to within half the reading's round trip (and the clocks' drift
// since). The portal instances' clocks may differ by seconds; their
// estimates of the database's differ by milliseconds.
//
// Once there is a good reading, one report at a time reads the clock again
// when it is due, at most every offsetRetry while the readings are slow or
// fail; the other reports meanwhile, and that one if its reading is not
// taken, use the last good offset. Only the first reading may fail a
// report.
func (n *Nodes) clockOffset(ctx context.Context) (time.Duration, error) {
	n.mu.Lock()
	have := !n.measured.IsZero()
	if have && (n.reading || time.Since(n.measured) < offsetEvery || time.Since(n.tried) < offsetRetry) {
		defer n.mu.Unlock()
		return n.offset, nil
	}
	n.reading = true
	n.mu.Unlock()
	before := time.Now()
	db, err := n.clock(ctx)
	rtt := time.Since(before)
	n.mu.Lock()
	defer n.mu.Unlock()
	n.reading, n.tried = false, time.Now()
	if n.unmeasured.Logger == nil { // a Nodes not made by NewNodes
		n.unmeasured = unmeasuredLog(nil)
	}
	switch {
	case err == nil && (rtt <= offsetRoundTrip || n.measured.IsZero()):
		n.offset, n.measured = db.Sub(before.Add(rtt/2)), n.tried
		n.unmeasured.Ended()
	case err != nil:
		n.unmeasured.Failed(err)
		if n.measured.IsZero() {
			return 0, err
		}
	default:
		n.unmeasured.Failed(fmt.Errorf("the database's clock took %s to read, over %s: the reading is not taken", rtt.Round(time.Millisecond), offsetRoundTrip))
	}
	return n.offset, nil
}

// RecordNodeSeen notes that a node is connected now, by the database's
// clock, on its registration while it is active.
func (n *Nodes) RecordNodeSeen(ctx context.Context, node push.Node) error {
	return n.store.TouchGatewayNode(ctx, node.ID)
}

// followInterval is how often an instance looks at the head without a
// wake-up (one lost while a listener reconnects).
const followInterval = 2 * time.Second

// Follow keeps this instance's copy of the configuration at the database's
// head and wakes the hub's held requests when it moves, until ctx ends. It
// wakes on the gateway wake-ups (a change committed by any instance) and
// looks every 2 s anyway. It also disconnects the nodes whose tokens were
// revoked, wherever the revocation was made.
//
// A round that fails (the database is down) is logged as an outage (see
// package outage): its first failure, then once a minute, then its end.
func (s *Source) Follow(ctx context.Context, hub *push.Hub, wake <-chan struct{}) {
	out := outage.Log{Name: "gateway configuration not followed", Again: "gateway configuration followed again", Logger: s.log, Level: slog.LevelWarn}
	for {
		var errs []error
		if _, err := s.Sync(ctx); err != nil && !errors.Is(err, store.ErrNotFound) {
			errs = append(errs, fmt.Errorf("read the configuration: %w", err))
		}
		if _, err := hub.Refresh(ctx); err != nil {
			errs = append(errs, fmt.Errorf("refresh the held requests: %w", err))
		}
		if err := s.disconnectRevoked(ctx, hub); err != nil {
			errs = append(errs, fmt.Errorf("read the nodes: %w", err))
		}
		switch {
		case len(errs) == 0:
			out.Ended()
		case ctx.Err() == nil:
			out.Failed(errors.Join(errs...))
		}
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-time.After(followInterval):
		}
	}
}

// disconnectRevoked ends the held requests of registrations revoked on any
// instance: the hub knows each node's registration (its token's), so a
// revocation followed by a new registration of the name (how a node's token
// is replaced) is seen as well, on the first look as on any other.
func (s *Source) disconnectRevoked(ctx context.Context, hub *push.Hub) error {
	// The held registrations first, then the active ones: every
	// registration held was authenticated before the active ones are read,
	// so one that is not active then was revoked. (Read the other way, a
	// registration made between the two reads, and its request, would be
	// taken for a revoked one.)
	held := hub.Nodes()
	if len(held) == 0 {
		return nil
	}
	active, err := s.store.GatewayNodes(ctx)
	if err != nil {
		return err
	}
	ids := make(map[string]int64, len(active))
	for _, n := range active {
		ids[n.Name] = n.ID
	}
	for _, h := range held {
		id, ok := ids[h.Name]
		switch {
		case !ok:
			hub.Forget(push.Node{Name: h.Name, ID: h.ID})
			s.log.Info("gateway node disconnected: its registration was revoked", "node", h.Name)
		case id != h.ID:
			hub.Forget(push.Node{Name: h.Name, ID: h.ID})
			s.log.Info("gateway node disconnected: its name was registered again, with a new token", "node", h.Name)
		}
	}
	return nil
}

// RequestCompile asks the outbox for a compile (done at start, so that a
// new portal has a first version, possibly empty, and any drift is caught).
func (s *Source) RequestCompile(ctx context.Context) error {
	return s.store.GatewayChanged(ctx, s.store.DB(), "")
}
