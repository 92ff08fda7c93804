package node

import (
	"context"
	"fmt"
	"sync"

	"github.com/portico-dev/portico/gateway"
)

// Daily quotas without Redis. The portal counts each subscription's
// accepted requests of the day from every node's usage reports and pushes
// the counts (gateway.Quotas) on the sync connection. The node enforces
//
//	own count + max(0, portal's count − what this node had reported when it asked)
//
// where "own count" is what its limiter accepted today and "reported" is
// the accepted requests in this process's batches the portal had confirmed
// before the node sent the request the counts answer. The hub reads the
// counts after the request arrived (push.Hub.quotaCounts), so they hold
// every confirmed batch: the second term is what the other nodes (and this
// node's earlier runs) had reported, never less. What it lacks is what the
// others accepted since their last report reached the portal: the lag is one
// report interval plus the hub's refresh interval plus the time a request
// takes. A batch confirmed after the node asked may be in the counts that
// answer, and is then counted twice until the next counts, which errs on
// the side of refusing: the node asks again with its next request after
// each confirmation, and at once when the confirmation came while a
// request naming the counts it holds was out (the hub holds such a request
// until something changes, up to its wait: the node would refuse what it
// should accept all that time).

// quotaSharer is a limiter that takes the portal's counts
// (ratelimit.Local). A shared limiter (Redis) counts across nodes itself.
type quotaSharer interface {
	// SetOthers gives the others' share of every subscription of day
	// (count belongs to the limiter afterwards).
	SetOthers(day int64, count map[string]int64)
	// UpdateOthers changes the share of the subscriptions in changed, in
	// place (0 or less: none), on the share of day given last; false
	// without one.
	UpdateOthers(day int64, changed map[string]int64) bool
}

// quotaFloorer is a shared limiter (ratelimit.Redis) that takes the
// portal's counts as they are, as the least its shared count may be: a
// Redis that lost its data then starts the day's quotas from the portal's
// counts, not from zero. Its own count holds every node's requests, so
// nothing of this node's reports is subtracted, and a confirmation does
// not make the node ask again: the next counts come when they change.
type quotaFloorer interface {
	SetFloor(day int64, used map[string]int64)
	// UpdateFloor applies a delta to the counts of day set last, in
	// place, and returns how many subscriptions they hold; -1, changing
	// nothing: no counts of day, or more than limit subscriptions after.
	UpdateFloor(day int64, changed map[string]int64, limit int) int
}

type dayKey struct {
	day int64
	sub string
}

// quotaShare is what this process's reports brought to the portal.
type quotaShare struct {
	// floor, when set, takes the counts instead of a quotaSharer; this
	// node's reports are then not followed.
	floor quotaFloorer

	mu sync.Mutex
	// pending holds the accepted requests of the spooled batches of this
	// process, by spool file, until the portal confirms them.
	pending map[string]map[dayKey]int64
	// day and reported: the accepted requests of the newest day in the
	// confirmed batches of this process; gen counts the confirmations.
	day      int64
	reported map[string]int64
	gen      uint64
	// recent are the confirmations since the last ask, and askedGen the
	// gen at that ask: what had been reported when the request out was
	// sent is reported less recent (reportedAt), without a copy of
	// reported for each request.
	recent   []confirmation
	askedGen uint64
	// touched are the subscriptions whose reported count changed since
	// the others' share given to the limiter was computed (retouchAll:
	// every subscription, the reports moved to a new day), and othersDay
	// the day of that share (0: none). A delta then costs the limiter its
	// subscriptions and these, not every subscription of the day.
	touched    map[string]struct{}
	retouchAll bool
	othersDay  int64
	// rev is the revision of the counts held (gateway.QuotasNone: none,
	// or ask again); held is the whole counts received last, which a
	// delta from the portal applies to (nil: none). With a floor, held
	// has no Used: the floor holds the counts and takes deltas in place.
	rev  string
	held *gateway.Quotas
	// out cancels the sync request out that names rev (nil: none is),
	// and reasked says that a confirmation cancelled it.
	out     context.CancelFunc
	reasked bool
}

// confirmation is what a confirmed batch added to the reported counts of
// day, and the gen it made.
type confirmation struct {
	gen    uint64
	day    int64
	counts map[string]int64
}

func newQuotaShare() *quotaShare {
	return &quotaShare{pending: map[string]map[dayKey]int64{}, reported: map[string]int64{}, touched: map[string]struct{}{}, rev: gateway.QuotasNone}
}

// spooled notes the accepted requests (every answer but 429) of a batch
// written to file.
func (q *quotaShare) spooled(file string, pts []gateway.UsagePoint) {
	if q.floor != nil {
		return
	}
	m := map[dayKey]int64{}
	for _, p := range pts {
		if n := p.Requests() - p.S429; n > 0 {
			m[dayKey{p.Minute / 86400, p.Subscription}] += n
		}
	}
	q.mu.Lock()
	q.pending[file] = m
	q.mu.Unlock()
}

// confirmed moves the batch in file to the reported counts: the portal has
// it. Batches of earlier runs are not in pending: what they counted is not
// in this process's limiter either.
func (q *quotaShare) confirmed(file string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	m, ok := q.pending[file]
	if !ok {
		return
	}
	delete(q.pending, file)
	for k := range m {
		if k.day > q.day {
			q.day, q.reported = k.day, map[string]int64{}
			q.retouchAll = true
		}
	}
	q.gen++
	c := confirmation{gen: q.gen, day: q.day, counts: map[string]int64{}}
	for k, n := range m {
		if k.day == q.day {
			q.reported[k.sub] += n
			c.counts[k.sub] += n
			q.touched[k.sub] = struct{}{}
		}
	}
	q.recent = append(q.recent, c)
	// The counts held may hold this batch already (read after its ingest,
	// received before its confirmation) without subtracting it: ask again
	// with the next request, and at once if one is out naming them.
	q.rev = gateway.QuotasNone
	if q.out != nil {
		q.out()
		q.out, q.reasked = nil, true
	}
}

// sending returns the revision a sync request names, and takes cancel to
// end that request when a confirmation comes while it is out (see
// confirmed), until returned is called.
func (q *quotaShare) sending(cancel context.CancelFunc) string {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.out, q.reasked = nil, false
	if q.rev != gateway.QuotasNone {
		q.out = cancel
	}
	return q.rev
}

// returned says that the request is back, and whether a confirmation
// ended it to ask again.
func (q *quotaShare) returned() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	reasked := q.reasked
	q.out, q.reasked = nil, false
	return reasked
}

// forget drops a batch that will never reach the portal (dropped from a
// full spool, or refused): its requests stay counted by the limiter alone.
func (q *quotaShare) forget(file string) {
	q.mu.Lock()
	delete(q.pending, file)
	q.mu.Unlock()
}

// quotaAsk names what the node had reported when it sent a sync request
// (the day and the confirmations counted then); reportedAt gives it back.
type quotaAsk struct {
	day int64
	gen uint64
}

// ask is called for each sync request, one at a time (the sync loop's).
func (q *quotaShare) ask() quotaAsk {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.recent, q.askedGen = nil, q.gen
	return quotaAsk{day: q.day, gen: q.gen}
}

// reportedAt is what this node had reported of sub on day when it sent
// the request of a (q.mu is held): 0 for another day than the reports
// of then and now, and for a request older than the last asked (no
// longer known: subtracting nothing errs on refusing).
func (q *quotaShare) reportedAt(a quotaAsk, day int64, sub string) int64 {
	if a.day != day || q.day != day || a.gen < q.askedGen {
		return 0
	}
	n := q.reported[sub]
	for _, c := range q.recent {
		if c.gen > a.gen && c.day == day {
			n -= c.counts[sub]
		}
	}
	return n
}

// giveAll gives the limiter the others' share of every subscription of
// the counts held: the rule's second term, the portal's count minus what
// this node had reported of that day when it asked (q.mu is held).
func (q *quotaShare) giveAll(l quotaSharer, a quotaAsk) {
	out := make(map[string]int64, len(q.held.Used))
	for sub, used := range q.held.Used {
		if v := used - q.reportedAt(a, q.held.Day, sub); v > 0 {
			out[sub] = v
		}
	}
	l.SetOthers(q.held.Day, out)
	q.othersDay = q.held.Day
	q.settled(a)
}

// settled notes that the limiter's share is computed with what had been
// reported at a (q.mu is held): what was confirmed since is still to be
// subtracted, at the next counts.
func (q *quotaShare) settled(a quotaAsk) {
	q.touched = map[string]struct{}{}
	for _, c := range q.recent {
		if c.gen > a.gen {
			for sub := range c.counts {
				q.touched[sub] = struct{}{}
			}
		}
	}
	q.retouchAll = q.day != a.day || a.gen < q.askedGen
}

// received installs counts that answered a request sent with a, and says
// which revision the node holds now: the counts' own, or none when a batch
// was confirmed meanwhile (the counts may hold it twice: ask again at once).
// Counts that are a delta apply to the whole counts held, in place, and
// change the limiter's share of their subscriptions and of those this
// node reported since the share was computed: a delta costs what changed.
// A delta from counts the node does not hold (gateway.ErrQuotaBase), or
// that would make them more than gateway.MaxQuotaEntries, changes nothing
// but makes the node ask for the whole counts. c belongs to q afterwards.
func (q *quotaShare) received(l quotaSharer, c *gateway.Quotas, a quotaAsk) error {
	if q.floor != nil {
		return q.receivedFloor(c)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if c.Base == "" {
		q.held = c
		q.giveAll(l, a)
	} else {
		if q.held == nil || q.held.Base != "" || q.held.Revision != c.Base || q.held.Day != c.Day {
			q.held, q.rev = nil, gateway.QuotasNone
			return gateway.ErrQuotaBase
		}
		added := 0
		for sub := range c.Used {
			if _, ok := q.held.Used[sub]; !ok {
				added++
			}
		}
		if len(q.held.Used)+added > gateway.MaxQuotaEntries {
			q.held, q.rev = nil, gateway.QuotasNone
			return fmt.Errorf("the quota counts with the delta would hold more than %d subscriptions", gateway.MaxQuotaEntries)
		}
		for sub, n := range c.Used {
			q.held.Used[sub] = n
		}
		q.held.Revision = c.Revision
		if q.retouchAll || q.othersDay != c.Day {
			q.giveAll(l, a)
		} else {
			changed := make(map[string]int64, len(c.Used)+len(q.touched))
			for sub := range c.Used {
				changed[sub] = q.held.Used[sub] - q.reportedAt(a, c.Day, sub)
			}
			for sub := range q.touched {
				changed[sub] = q.held.Used[sub] - q.reportedAt(a, c.Day, sub)
			}
			if l.UpdateOthers(c.Day, changed) {
				q.settled(a)
			} else {
				q.giveAll(l, a)
			}
		}
	}
	q.rev = c.Revision
	if q.gen != a.gen {
		q.rev = gateway.QuotasNone
	}
	return nil
}

// receivedFloor gives counts to the floor: whole counts replace the
// floor's, a delta from the counts held changes theirs in place, unless
// the merged counts would hold more than gateway.MaxQuotaEntries
// subscriptions (the bound DecodeQuotas holds whole counts to, which the
// node keeps whatever the portal sends).
func (q *quotaShare) receivedFloor(c *gateway.Quotas) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if c.Base == "" {
		q.floor.SetFloor(c.Day, c.Used)
	} else if q.held == nil || q.held.Revision != c.Base || q.held.Day != c.Day {
		q.held, q.rev = nil, gateway.QuotasNone
		return gateway.ErrQuotaBase
	} else if q.floor.UpdateFloor(c.Day, c.Used, gateway.MaxQuotaEntries) < 0 {
		q.held, q.rev = nil, gateway.QuotasNone
		return fmt.Errorf("the quota counts with the delta would hold more than %d subscriptions", gateway.MaxQuotaEntries)
	}
	q.held = &gateway.Quotas{Revision: c.Revision, Day: c.Day}
	q.rev = c.Revision
	return nil
}

// base is the revision of the whole counts held, which the portal may send
// a delta from ("": none).
func (q *quotaShare) base() string {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.held == nil {
		return ""
	}
	return q.held.Revision
}

func (q *quotaShare) revision() string {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.rev
}
