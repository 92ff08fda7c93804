// Package push is the portal's side of the gateway sync protocol (see
// gateway.SyncPath): a hub that holds each node's long-poll until there is
// something to send, answers with the full state or a delta, and keeps per
// node what it applied, when it was last heard from and its last error.
//
// The hub reads configurations from a SnapshotSource (the portal's compiled
// snapshot and change log) and authenticates nodes with an Authenticator;
// both are the portal's to implement.
package push

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/portico-dev/portico/gateway"
)

// SnapshotSource gives the hub the configurations to push. Every portal
// instance reads the same database, so nodes converge whichever instance they
// are connected to.
type SnapshotSource interface {
	// Current returns the newest version and hash. The hub calls it on every
	// sync request and on every Refresh: it must be cheap.
	Current(ctx context.Context) (gateway.Head, error)
	// Snapshot returns the newest full state.
	Snapshot(ctx context.Context) (*gateway.State, error)
	// DeltaSince returns the changes from base to the newest state, with
	// BaseVersion/BaseHash equal to base and Version/Hash to the newest.
	// ok is false when the change log does not reach back to base or base's
	// hash is not the one recorded for its version: the node gets the full
	// state.
	DeltaSince(ctx context.Context, base gateway.Head) (d *gateway.Delta, ok bool, err error)
}

// Follower is a SnapshotSource that can catch up with the newest state at
// once (the portal's Source reads its database's change log). The hub asks it
// to when a node reports a state the source does not hold yet that may be
// newer (the node was answered by another, faster, portal instance), before
// deciding what to send: a node is never sent back to an older state
// because its request reached an instance that lags behind.
type Follower interface {
	Sync(ctx context.Context) (bool, error)
}

// QuotaSource gives the hub the daily quota counts to push (optional: a
// portal that counts no quotas has none). Every portal instance reads the
// same database, so each hub's counts are the portal's.
type QuotaSource interface {
	// QuotaRevision names today's counts: it changes whenever one does.
	// The hub calls it every Run interval: it must be cheap.
	QuotaRevision(ctx context.Context) (string, error)
	// Quotas returns today's counts, with their revision.
	Quotas(ctx context.Context) (*gateway.Quotas, error)
}

// QuotaChangeSource is a QuotaSource that also reads only the counts
// written since an earlier read (the portal numbers each write of a count,
// see store.QuotaDayChanges), so that a change costs the hub what changed,
// not a read and a comparison of every subscription of the day. The hub
// then reads changes every Run interval instead of the revision, keeps the
// whole counts itself, and names them with QuotaRevisionOf, as Quotas
// would: counts equal on two instances have one name, and a node moving
// between instances is sent nothing new.
type QuotaChangeSource interface {
	QuotaSource
	// QuotaChanges returns today's counts: the whole counts (Whole) when
	// since is the zero QuotaMark or of another day, otherwise those
	// written since the read that returned since: every count changed
	// since, and maybe some that did not. Today's counts are never
	// removed (only days before yesterday are pruned).
	QuotaChanges(ctx context.Context, since QuotaMark) (*QuotaChanges, error)
	// QuotaRevisionOf names the counts of day of rows subscriptions
	// whose counts sum to sum: the revision Quotas gives them.
	QuotaRevisionOf(day, rows, sum int64) string
}

// QuotaMark is where a read of the quota counts stood in their sequence of
// writes (the zero mark: no read).
type QuotaMark struct {
	Day int64
	Seq int64
}

// QuotaChanges is an answer of QuotaChangeSource.QuotaChanges.
type QuotaChanges struct {
	Day int64
	// Whole says Used is every count of Day; otherwise it holds the
	// counts written since the mark asked about.
	Whole bool
	Used  map[string]int64
	// Mark is this read's, to ask from next time.
	Mark QuotaMark
}

// Recorder keeps node statuses where every portal instance reads them (the
// database). Optional: without one, statuses are this instance's memory.
// It stamps the contact with a clock every instance shares (the
// database's), not with NodeStatus.LastSeen: the instances' clocks differ,
// and one instance's stamp compared with another's clock would show a
// connected node as unreachable.
// It records by registration (NodeStatus.ID, Node.ID), and only while the
// registration is active: a request of a revoked registration ending late
// must not change the row of the name's next registration.
type Recorder interface {
	RecordNodeStatus(ctx context.Context, s NodeStatus) error
	// RecordNodeSeen notes that the node is connected now (the end of a
	// held request), leaving what it reported as it is: its newer
	// requests may have reached another instance meanwhile.
	RecordNodeSeen(ctx context.Context, node Node) error
}

// NodeStatus is what the hub knows of one node.
type NodeStatus struct {
	Name string
	// ID is the registration the node's token belongs to (Node.ID).
	ID int64
	// Applied is the configuration the node serves.
	Applied gateway.Head
	// LastSeen is the last time the node was in contact (a request started
	// or a held request ended), by this hub's clock.
	LastSeen time.Time
	// LastError is the node's last refusal or own problem ("" when none).
	LastError string
	// Rejected is the configuration the node refused, while it refuses it.
	Rejected *gateway.Rejection
	Agent    string
	// Quotas is the revision of the quota counts the node holds
	// (gateway.QuotasNone: none; "": it takes none).
	Quotas string
	// Waiting is true while a request of the node is held by this hub.
	Waiting bool
	// Report numbers the request that reported Applied, LastError,
	// Rejected, Agent and Quotas (see gateway.ReportHeader): a Recorder
	// stores a status only over an older one.
	Report gateway.Report
}

// Node states shown to admins.
const (
	StateInSync      = "in_sync"
	StateBehind      = "behind"
	StateRejecting   = "rejecting"
	StateUnreachable = "unreachable"
)

// Classify says whether a node is in sync with head, behind it, rejecting
// it, or unreachable (not heard from for longer than unreachableAfter).
func Classify(s NodeStatus, head gateway.Head, now time.Time, unreachableAfter time.Duration) string {
	switch {
	case !s.Waiting && now.Sub(s.LastSeen) > unreachableAfter:
		return StateUnreachable
	case s.Applied == head:
		return StateInSync
	case s.Rejected != nil:
		return StateRejecting
	}
	return StateBehind
}

// Reply is one answer to a node: a media type and a body, gzip-compressed
// once on demand when it is cached for many nodes.
type Reply struct {
	Media string
	Body  []byte
	once  sync.Once
	gz    []byte
}

// Gzip returns the body compressed (computed once).
func (r *Reply) Gzip() []byte {
	r.once.Do(func() {
		var b bytes.Buffer
		w, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
		w.Write(r.Body)
		w.Close()
		r.gz = b.Bytes()
	})
	return r.gz
}

// ErrDisconnected ends the held request of a node that was disconnected.
var ErrDisconnected = errors.New("node disconnected")

// Hub serves the sync protocol.
type Hub struct {
	src      SnapshotSource
	recorder Recorder
	log      *slog.Logger
	// MaxWait caps how long a request is held (gateway.MaxWait by default).
	maxWait time.Duration

	mu      sync.Mutex
	head    gateway.Head
	changed chan struct{}
	nodes   map[string]*nodeEntry

	cacheMu sync.Mutex
	full    *Reply
	fullAt  gateway.Head
	deltas  map[gateway.Head]*Reply // by base, for deltaTo
	deltaTo gateway.Head

	// The quota counts: the last read (its revision, day, counts and when
	// the read began), one read at a time, and what a delta needs: the
	// read (quotaGen) at which each subscription's count last changed and
	// the read of each recent revision of the day. The whole counts and
	// each delta are encoded once, when a node first needs them.
	quotas      QuotaSource
	quotaMu     sync.Mutex
	quotaRead   bool
	quotaRev    string
	quotaDay    int64
	quotaUsed   map[string]int64
	quotaReadAt time.Time
	quotaGen    uint64
	quotaGenOf  map[string]uint64
	quotaGens   map[string]uint64
	quotaOrder  []string
	quotaFull   *Reply
	quotaDeltas map[uint64]*Reply
	// With a QuotaChangeSource: the mark of the last read, and the sum of
	// the counts held (their revision's).
	quotaMark QuotaMark
	quotaSum  int64
	// quotaLog lists the subscriptions changed at each read since
	// quotaLogFrom (oldest first), for deltas that cost what changed
	// rather than a look at every subscription's read.
	quotaLog     []quotaLogEntry
	quotaLogged  int
	quotaLogFrom uint64
}

// quotaLogEntry is the subscriptions whose count changed at read gen.
type quotaLogEntry struct {
	gen  uint64
	subs []string
}

type nodeEntry struct {
	status  NodeStatus
	waiting int
	gone    chan struct{} // closed by Disconnect
	// held are the node's requests held now, oldest first: each is
	// answered (with a heartbeat) when its channel is closed.
	held []chan struct{}
	// pending is the newest status not yet handed to the Recorder, and
	// writing says a request is writing the node's statuses now: one at a
	// time and in the order they arrived, so a slow write of an older
	// status never lands after a newer one.
	pending *NodeStatus
	writing bool
}

// MaxHeldPerNode bounds the requests of one node held at once. A node
// sends one at a time; more are requests it gave up (a connection that
// broke without the portal noticing, a node restarted) or someone holding
// its token opening many: beyond the bound, the oldest is answered with a
// heartbeat, so a node's token holds at most this many connections, each
// costing the portal a goroutine and a connection.
const MaxHeldPerNode = 4

// Options configure a hub.
type Options struct {
	Recorder Recorder
	Logger   *slog.Logger
	// MaxWait caps how long a sync request is held; at most gateway.MaxWait.
	MaxWait time.Duration
	// Quotas, when set, gives the daily quota counts sent to the nodes.
	Quotas QuotaSource
}

// NewHub returns a hub over src.
func NewHub(src SnapshotSource, o Options) *Hub {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Hub{src: src, recorder: o.Recorder, log: o.Logger, maxWait: maxWaitOrDefault(o.MaxWait), changed: make(chan struct{}), nodes: map[string]*nodeEntry{}, quotas: o.Quotas}
}

// wake ends the wait of every held request, which then decides again.
func (h *Hub) wake() {
	h.mu.Lock()
	close(h.changed)
	h.changed = make(chan struct{})
	h.mu.Unlock()
}

// RefreshQuotas reads the quota counts' revision and, when it changed,
// the counts, and wakes the held requests to send them. Run calls it every
// interval, so the counts reach the nodes at most an interval after any
// instance ingested them, and a node gets at most one update per interval
// however many reports arrive.
func (h *Hub) RefreshQuotas(ctx context.Context) error {
	if h.quotas == nil {
		return nil
	}
	if _, ok := h.quotas.(QuotaChangeSource); ok {
		// Reading what changed costs what changed: no revision first.
		h.quotaMu.Lock()
		before := h.quotaRev
		h.quotaMu.Unlock()
		_, rev, err := h.quotaCounts(ctx, time.Now(), "", false)
		if err != nil {
			return err
		}
		if rev != before {
			h.wake()
		}
		return nil
	}
	rev, err := h.quotas.QuotaRevision(ctx)
	if err != nil {
		return err
	}
	h.quotaMu.Lock()
	same := h.quotaRead && rev == h.quotaRev
	h.quotaMu.Unlock()
	if same {
		return nil
	}
	if _, _, err := h.quotaCounts(ctx, time.Now(), "", false); err != nil {
		return err
	}
	h.wake()
	return nil
}

// MaxQuotaBases bounds the revisions of the day's counts a hub can send a
// delta from: a node holding an older one (one read a second: about a
// minute behind) gets the whole counts.
const MaxQuotaBases = 64

// quotaCounts returns the revision of counts read after since: the last
// read when it began after since, otherwise a new read. With reply, it
// also returns what to send a node holding the whole counts of revision
// base: a delta from them when they are of the day and recent, else the
// whole counts. A node's request asks for counts read after it arrived, so
// they include every usage batch the node had sent (and the portal
// confirmed) before it asked: the node's rule counts on it.
func (h *Hub) quotaCounts(ctx context.Context, since time.Time, base string, reply bool) (*Reply, string, error) {
	h.quotaMu.Lock()
	defer h.quotaMu.Unlock()
	if !h.quotaRead || h.quotaReadAt.Before(since) {
		start := time.Now()
		if cs, ok := h.quotas.(QuotaChangeSource); ok {
			if err := h.readQuotaChanges(ctx, cs, start); err != nil {
				return nil, "", err
			}
		} else {
			q, err := h.quotas.Quotas(ctx)
			if err != nil {
				return nil, "", err
			}
			h.installQuotas(q, start)
		}
	}
	if !reply {
		return nil, h.quotaRev, nil
	}
	return h.quotaReplyFor(base), h.quotaRev, nil
}

// installQuotas takes the counts q read at start (quotaMu is held).
func (h *Hub) installQuotas(q *gateway.Quotas, start time.Time) {
	h.quotaReadAt = start
	if h.quotaRead && q.Revision == h.quotaRev && q.Day == h.quotaDay {
		return
	}
	h.quotaGen++
	g := h.quotaGen
	h.quotaFull, h.quotaDeltas = nil, map[uint64]*Reply{}
	same := 0
	var changed []string
	if h.quotaRead && q.Day == h.quotaDay {
		for sub, n := range q.Used {
			if old, ok := h.quotaUsed[sub]; ok {
				same++
				if old == n {
					continue
				}
			}
			h.quotaGenOf[sub] = g
			changed = append(changed, sub)
		}
	}
	if !h.quotaRead || q.Day != h.quotaDay || same != len(h.quotaUsed) {
		// A new day, or counts gone (a subscription deleted): a delta
		// cannot say it, every node gets the whole counts.
		h.quotaGenOf = make(map[string]uint64, len(q.Used))
		for sub := range q.Used {
			h.quotaGenOf[sub] = g
		}
		h.quotaGens, h.quotaOrder = map[string]uint64{}, nil
		h.quotaLog, h.quotaLogged, h.quotaLogFrom = nil, 0, g
	} else {
		h.logQuotaChange(g, changed)
	}
	h.quotaRead, h.quotaRev, h.quotaDay, h.quotaUsed = true, q.Revision, q.Day, q.Used
	h.noteQuotaRevision(g)
}

// logQuotaChange notes the subscriptions changed at read g (quotaMu is
// held). The log keeps at most as many entries as there are counts: past
// that, a look at every subscription's read costs less, and older bases
// get their delta that way.
func (h *Hub) logQuotaChange(g uint64, subs []string) {
	h.quotaLog = append(h.quotaLog, quotaLogEntry{gen: g, subs: subs})
	h.quotaLogged += len(subs)
	for len(h.quotaLog) > 0 && h.quotaLogged > max(len(h.quotaUsed), 1) {
		h.quotaLogFrom = h.quotaLog[0].gen
		h.quotaLogged -= len(h.quotaLog[0].subs)
		h.quotaLog = slices.Delete(h.quotaLog, 0, 1)
	}
}

// readQuotaChanges reads the counts written since the last read, or the
// whole counts for a first read or a new day, and takes them (quotaMu is
// held).
func (h *Hub) readQuotaChanges(ctx context.Context, cs QuotaChangeSource, start time.Time) error {
	since := h.quotaMark
	if !h.quotaRead {
		since = QuotaMark{}
	}
	c, err := cs.QuotaChanges(ctx, since)
	if err != nil {
		return err
	}
	if c.Whole {
		var sum int64
		for _, n := range c.Used {
			sum += n
		}
		h.installQuotas(&gateway.Quotas{Revision: cs.QuotaRevisionOf(c.Day, int64(len(c.Used)), sum), Day: c.Day, Used: c.Used}, start)
		h.quotaMark, h.quotaSum = c.Mark, sum
		return nil
	}
	if c.Day != h.quotaDay {
		return errors.New("quota source answered changes of another day than the counts held")
	}
	h.quotaReadAt, h.quotaMark = start, c.Mark
	var g uint64
	var changed []string
	for sub, n := range c.Used {
		old, ok := h.quotaUsed[sub]
		if ok && old == n {
			continue
		}
		if g == 0 {
			h.quotaGen++
			g = h.quotaGen
			h.quotaFull, h.quotaDeltas = nil, map[uint64]*Reply{}
		}
		// The counts are the hub's own (installQuotas took the source's
		// map, and a delta is encoded before it returns): changed in
		// place.
		h.quotaUsed[sub] = n
		h.quotaSum += n - old
		h.quotaGenOf[sub] = g
		changed = append(changed, sub)
	}
	if g == 0 {
		return nil
	}
	h.logQuotaChange(g, changed)
	h.quotaRev = cs.QuotaRevisionOf(h.quotaDay, int64(len(h.quotaUsed)), h.quotaSum)
	h.noteQuotaRevision(g)
	return nil
}

// noteQuotaRevision records that the counts of read g have the revision
// quotaRev, as a base for deltas (quotaMu is held).
func (h *Hub) noteQuotaRevision(g uint64) {
	if _, ok := h.quotaGens[h.quotaRev]; !ok {
		h.quotaGens[h.quotaRev] = g
		h.quotaOrder = append(h.quotaOrder, h.quotaRev)
		if len(h.quotaOrder) > MaxQuotaBases {
			delete(h.quotaGens, h.quotaOrder[0])
			h.quotaOrder = slices.Delete(h.quotaOrder, 0, 1)
			// No base needs the changes at or before the oldest one's.
			oldest := h.quotaGens[h.quotaOrder[0]]
			for len(h.quotaLog) > 0 && h.quotaLog[0].gen <= oldest {
				h.quotaLogFrom = h.quotaLog[0].gen
				h.quotaLogged -= len(h.quotaLog[0].subs)
				h.quotaLog = slices.Delete(h.quotaLog, 0, 1)
			}
		}
	}
}

// quotaReplyFor is what to send a node holding the whole counts of
// revision base (quotaMu is held): the subscriptions counted since, or
// the whole counts.
func (h *Hub) quotaReplyFor(base string) *Reply {
	if g, ok := h.quotaGens[base]; ok && base != "" {
		if r := h.quotaDeltas[g]; r != nil {
			return r
		}
		used := map[string]int64{}
		if g >= h.quotaLogFrom {
			for _, e := range h.quotaLog {
				if e.gen > g {
					for _, sub := range e.subs {
						used[sub] = h.quotaUsed[sub]
					}
				}
			}
		} else {
			for sub, at := range h.quotaGenOf {
				if at > g {
					used[sub] = h.quotaUsed[sub]
				}
			}
		}
		q := gateway.Quotas{Revision: h.quotaRev, Day: h.quotaDay, Used: used, Base: base}
		r := &Reply{Media: gateway.MediaQuotas, Body: q.Encode()}
		h.quotaDeltas[g] = r
		return r
	}
	if h.quotaFull == nil {
		q := gateway.Quotas{Revision: h.quotaRev, Day: h.quotaDay, Used: h.quotaUsed}
		h.quotaFull = &Reply{Media: gateway.MediaQuotas, Body: q.Encode()}
	}
	return h.quotaFull
}

// Refresh reads the source's newest head and wakes the held requests when it
// changed. Call it when a change is committed (the outbox handler) and
// periodically (Run), so changes made through another portal instance
// arrive too.
func (h *Hub) Refresh(ctx context.Context) (gateway.Head, error) {
	head, err := h.src.Current(ctx)
	if err != nil {
		return head, err
	}
	h.mu.Lock()
	if head != h.head {
		h.head = head
		close(h.changed)
		h.changed = make(chan struct{})
	}
	h.mu.Unlock()
	return head, nil
}

// Run refreshes every interval until ctx ends.
func (h *Hub) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := h.Refresh(ctx); err != nil && ctx.Err() == nil {
				h.log.Warn("gateway config head not read", "err", err)
			}
			if err := h.RefreshQuotas(ctx); err != nil && ctx.Err() == nil {
				h.log.Warn("gateway quota counts not read", "err", err)
			}
		}
	}
}

// Disconnect ends the held requests of node (its token was revoked); its
// next request is refused by the Authenticator.
func (h *Hub) Disconnect(node string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if e, ok := h.nodes[node]; ok {
		close(e.gone)
		e.gone = make(chan struct{})
	}
}

// Forget drops what the hub knows of the registration node (its token was
// revoked) and ends its held requests, in one step: a request ended by it
// finds the registration unknown and records nothing at its end. The hub
// keeps one registration per name: a newer registration of the name is
// left as it is.
func (h *Hub) Forget(node Node) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if e, ok := h.nodes[node.Name]; ok && e.status.ID == node.ID {
		close(e.gone)
		delete(h.nodes, node.Name)
	}
}

// Nodes returns what this hub knows of every node, by name.
func (h *Hub) Nodes() []NodeStatus {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]NodeStatus, 0, len(h.nodes))
	for _, e := range h.nodes {
		out = append(out, e.status)
	}
	slices.SortFunc(out, func(a, b NodeStatus) int {
		switch {
		case a.Name < b.Name:
			return -1
		case a.Name > b.Name:
			return 1
		}
		return 0
	})
	return out
}

// Head returns the newest head the hub has seen.
func (h *Hub) Head() gateway.Head {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.head
}

// DefaultMaxWait is how long a hub holds a sync request at most when
// Options.MaxWait does not say (or is out of range).
const DefaultMaxWait = 25 * time.Second

// reconnectMargin is how long a node may take, after a held request ends,
// to send its next one before it is called unreachable.
const reconnectMargin = 35 * time.Second

func maxWaitOrDefault(d time.Duration) time.Duration {
	if d <= 0 || d > gateway.MaxWait {
		return DefaultMaxWait
	}
	return d
}

// UnreachableAfter is how long a node may stay silent before Classify calls
// it unreachable, for hubs that hold requests at most maxWait (0 for
// DefaultMaxWait, as in Options): a held request plus a margin for
// reconnecting, 60 s by default.
func UnreachableAfter(maxWait time.Duration) time.Duration {
	return maxWaitOrDefault(maxWait) + reconnectMargin
}

// UnreachableAfter is this hub's UnreachableAfter, from its maximum wait.
func (h *Hub) UnreachableAfter() time.Duration { return UnreachableAfter(h.maxWait) }

// record notes a node's request (start) or the end of a held one, and
// reports whether the request's registration is the one the hub knows by
// its name. A request of a newer registration of the name (the token was
// replaced, and the revocation not seen yet here) ends the older one's
// held requests and takes its place; one of an older registration is
// refused, and a request's end records nothing once its registration is
// not the one known.
func (h *Hub) record(ctx context.Context, node Node, req *gateway.SyncRequest, start bool) bool {
	h.mu.Lock()
	e, ok := h.nodes[node.Name]
	if ok && e.status.ID != node.ID && (!start || node.ID < e.status.ID) {
		h.mu.Unlock()
		return false
	}
	if ok && e.status.ID != node.ID {
		close(e.gone)
		ok = false
	}
	if !ok && !start {
		h.mu.Unlock()
		return false
	}
	if !ok {
		e = &nodeEntry{status: NodeStatus{Name: node.Name, ID: node.ID}, gone: make(chan struct{})}
		h.nodes[node.Name] = e
	}
	s := &e.status
	s.LastSeen = time.Now()
	// A request the node sent before the one whose report this hub holds
	// (it gave the older one up, and its retry arrived first) is served,
	// but says nothing newer about the node.
	report := start && req.Report.Newer(s.Report)
	if start {
		e.waiting++
	} else {
		e.waiting--
	}
	if report {
		s.Report = req.Report
		s.Applied = gateway.Head{Version: req.Version, Hash: req.Hash}
		s.Agent = req.Agent
		s.Quotas = req.Quotas
		s.Rejected = req.Rejected
		s.LastError = req.Error
		if req.Rejected != nil {
			s.LastError = req.Rejected.Reason
		}
	}
	s.Waiting = e.waiting > 0
	write := false
	if report && h.recorder != nil {
		snapshot := *s
		e.pending = &snapshot
		write = !e.writing
		e.writing = true
	}
	h.mu.Unlock()
	if h.recorder == nil {
		return true
	}
	// What the node reported is recorded when it reports it; the end of a
	// held request says only that it was still connected (writing this
	// instance's copy of the report then would undo a newer one the node
	// made to another instance meanwhile).
	if report {
		if write {
			h.writeStatuses(context.WithoutCancel(ctx), e)
		}
	} else if err := h.recorder.RecordNodeSeen(ctx, node); err != nil {
		h.log.Warn("gateway node status not recorded", "node", node.Name, "err", err)
	}
	return true
}

// writeStatuses hands the node's pending status to the Recorder, and then
// any newer one its other requests left meanwhile, until none is left.
// Only one request writes a node's statuses at a time (e.writing); the
// others leave theirs in e.pending and go on.
func (h *Hub) writeStatuses(ctx context.Context, e *nodeEntry) {
	for {
		h.mu.Lock()
		s := e.pending
		e.pending = nil
		if s == nil {
			e.writing = false
			h.mu.Unlock()
			return
		}
		h.mu.Unlock()
		if err := h.recorder.RecordNodeStatus(ctx, *s); err != nil {
			h.log.Warn("gateway node status not recorded", "node", s.Name, "err", err)
		}
	}
}

// Sync answers one sync request of node (already authenticated): it returns
// at once when the node lacks the newest state, otherwise when it changes,
// or with a heartbeat after the wait the node asked for.
func (h *Hub) Sync(ctx context.Context, node Node, req gateway.SyncRequest) (*Reply, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	arrived := time.Now()
	if !h.record(ctx, node, &req, true) {
		// A request of a registration older than the one known here.
		return nil, ErrDisconnected
	}
	defer h.record(context.WithoutCancel(ctx), node, &req, false)
	if req.Type == gateway.MsgNack && req.Rejected != nil {
		h.log.Warn("gateway node refused a configuration", "node", node.Name, "version", req.Rejected.Version, "full", req.Rejected.Full, "reason", req.Rejected.Reason)
	}

	timer := time.NewTimer(req.Wait(h.maxWait))
	defer timer.Stop()
	h.mu.Lock()
	e := h.nodes[node.Name]
	if e == nil || e.status.ID != node.ID {
		// Forgotten (revoked) or replaced since its request began.
		h.mu.Unlock()
		return nil, ErrDisconnected
	}
	gone := e.gone
	superseded := make(chan struct{})
	e.held = append(e.held, superseded)
	if len(e.held) > MaxHeldPerNode {
		close(e.held[0])
		e.held = slices.Delete(e.held, 0, 1)
	}
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		if i := slices.Index(e.held, superseded); i >= 0 {
			e.held = slices.Delete(e.held, i, i+1)
		}
		h.mu.Unlock()
	}()
	caughtUp := false
	for {
		h.mu.Lock()
		changed := h.changed
		h.mu.Unlock()
		head, err := h.Refresh(ctx)
		if err != nil {
			return nil, err
		}
		if !caughtUp && h.nodeMayBeAhead(&req, head) {
			// The node may hold a newer state than this instance does (it
			// was answered by another instance): catch up with the
			// database first. If it is still ahead afterwards, the
			// database went back (a restore) and it gets the full state.
			caughtUp = true
			if f, ok := h.src.(Follower); ok {
				if _, err := f.Sync(ctx); err != nil && ctx.Err() == nil {
					return nil, err
				}
				if head, err = h.Refresh(ctx); err != nil {
					return nil, err
				}
			}
		}
		if r, err := h.decide(ctx, &req, head); r != nil || err != nil {
			return r, err
		}
		if r, err := h.decideQuotas(ctx, &req, arrived); r != nil || err != nil {
			return r, err
		}
		if req.Type == gateway.MsgHello {
			// A node's first request after it starts or after a failed one
			// is answered at once, in sync or not: it then knows (and logs,
			// and shows in its metrics) that it is connected again.
			return heartbeat(head), nil
		}
		select {
		case <-changed:
		case <-timer.C:
			return heartbeat(head), nil
		case <-superseded:
			return heartbeat(head), nil
		case <-gone:
			return nil, ErrDisconnected
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// nodeMayBeAhead reports whether the node serves a state the hub does not
// hold that is not older than head: one this instance has not followed yet,
// or one of a database that went back.
func (h *Hub) nodeMayBeAhead(req *gateway.SyncRequest, head gateway.Head) bool {
	return req.Version > 0 && req.Version >= head.Version && (gateway.Head{Version: req.Version, Hash: req.Hash}) != head
}

// decide returns what to send now, or nil to wait for a change.
func (h *Hub) decide(ctx context.Context, req *gateway.SyncRequest, head gateway.Head) (*Reply, error) {
	if rj := req.Rejected; rj != nil && (rj.Version == head.Version && rj.Hash == head.Hash || rj.Version == 0) {
		// The node refused the newest state: a refused delta gets the full
		// state; a refused full state is sent again when the node asks.
		if rj.Full && !rj.Retry {
			return nil, nil
		}
		return h.fullReply(ctx)
	}
	applied := gateway.Head{Version: req.Version, Hash: req.Hash}
	if applied == head {
		return nil, nil
	}
	if req.Version > 0 && req.Version < head.Version && req.Hash != "" {
		if r, err := h.deltaReply(ctx, applied, head); r != nil || err != nil {
			return r, err
		}
	}
	return h.fullReply(ctx)
}

// decideQuotas returns the quota counts when the node takes them (its
// request names the revision it holds, gateway.QuotasNone before the
// first) and holds other ones, or nil to wait. It comes after the configuration: a node gets the
// newest state first.
func (h *Hub) decideQuotas(ctx context.Context, req *gateway.SyncRequest, arrived time.Time) (*Reply, error) {
	if h.quotas == nil || req.Quotas == "" {
		return nil, nil
	}
	h.quotaMu.Lock()
	same := h.quotaRead && req.Quotas == h.quotaRev
	h.quotaMu.Unlock()
	if same {
		return nil, nil
	}
	r, rev, err := h.quotaCounts(ctx, arrived, req.QuotaBase, true)
	if err != nil {
		// The configuration still flows; the node limits on its own
		// count meanwhile.
		h.log.Warn("gateway quota counts not read", "err", err)
		return nil, nil
	}
	if rev == req.Quotas {
		return nil, nil
	}
	return r, nil
}

func heartbeat(head gateway.Head) *Reply {
	b, _ := json.Marshal(head)
	return &Reply{Media: gateway.MediaHeartbeat, Body: b}
}

// fullReply is the newest full state, encoded once for all nodes.
func (h *Hub) fullReply(ctx context.Context) (*Reply, error) {
	h.cacheMu.Lock()
	defer h.cacheMu.Unlock()
	head, err := h.src.Current(ctx)
	if err != nil {
		return nil, err
	}
	if h.full != nil && h.fullAt == head {
		return h.full, nil
	}
	st, err := h.src.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	h.full = &Reply{Media: gateway.MediaSnapshot, Body: st.EncodeSnapshot()}
	h.fullAt = st.Head()
	return h.full, nil
}

// deltaReply is the delta from base to head, encoded once per base; nil when
// the source cannot give one.
func (h *Hub) deltaReply(ctx context.Context, base, head gateway.Head) (*Reply, error) {
	h.cacheMu.Lock()
	defer h.cacheMu.Unlock()
	if h.deltaTo != head {
		h.deltas, h.deltaTo = map[gateway.Head]*Reply{}, head
	}
	if r, ok := h.deltas[base]; ok {
		return r, nil
	}
	d, ok, err := h.src.DeltaSince(ctx, base)
	if err != nil || !ok {
		return nil, err
	}
	if d.BaseVersion != base.Version || d.BaseHash != base.Hash {
		return nil, errors.New("snapshot source answered a delta from another base")
	}
	r := &Reply{Media: gateway.MediaDelta, Body: d.Encode()}
	if d.Version == head.Version && d.Hash == head.Hash {
		h.deltas[base] = r
	}
	return r, nil
}
