// Package outbox delivers the side effects recorded in the database outbox
// (search indexing, later gateway pushes and webhooks) after the transaction
// that caused them has committed. A Worker leases due messages, hands each to
// the handler registered for its topic, marks it done on success and, on
// failure, makes it due again after an exponential backoff. A message is
// never dropped: a worker that dies loses its lease and another worker (or
// the same one, restarted) takes the message again: at once when its
// instance is found dead (see store.ReleaseDeadLeases), at the end of the
// lease otherwise.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/portico-dev/portico/outage"
	"github.com/portico-dev/portico/store"
)

// Handler delivers one message of a topic. A nil error marks the message
// done; an error retries it later. Handlers must be idempotent: a message can
// be delivered more than once (after a crash between delivery and completion).
type Handler func(ctx context.Context, payload []byte) error

// ErrNewerVersion is wrapped by a handler's error when the work of its topic
// now belongs to the instances of a newer Portico (during a rolling upgrade,
// say, a newer instance wrote state this version must not overwrite). The
// worker then stops claiming that topic for the rest of its run and hands
// the message back due at once, without a backoff, so that an instance of
// the newer version, which claims the topic as well, delivers it without
// delay.
var ErrNewerVersion = errors.New("left to the instances of a newer version of portico")

// Queue is the durable outbox the worker drains; *store.Store implements it.
type Queue interface {
	// ClaimOutbox leases due messages of the given topics only.
	ClaimOutbox(ctx context.Context, owner string, limit int, lease time.Duration, topics ...string) ([]store.OutboxMessage, error)
	RenewOutbox(ctx context.Context, m *store.OutboxMessage, lease time.Duration) error
	CompleteOutbox(ctx context.Context, m store.OutboxMessage) error
	RetryOutbox(ctx context.Context, m store.OutboxMessage, cause error, backoff time.Duration) error
}

// Defaults of Options.
const (
	DefaultBatch          = 100
	DefaultLease          = time.Minute
	DefaultPoll           = 500 * time.Millisecond
	DefaultBaseBackoff    = time.Second
	DefaultMaxBackoff     = 5 * time.Minute
	DefaultUnknownBackoff = 15 * time.Minute
)

// Options tunes a Worker; zero values take the defaults above.
type Options struct {
	Logger *slog.Logger
	// Batch is how many messages are leased at once.
	Batch int
	// Lease is how long a leased message stays with this worker before
	// another may take it; it starts again when the message's delivery
	// starts. It must be longer than the slowest delivery.
	Lease time.Duration
	// Owner is the run of the registered instance the worker belongs to:
	// its leases end as soon as that run is found dead. Empty for a worker
	// of no registered instance, whose leases end with Lease alone.
	Owner string
	// Poll is the wait between two looks at the outbox when it was drained.
	Poll time.Duration
	// Wake, when set, ends that wait early (a message was enqueued, or the
	// leases of a dead instance were released).
	Wake <-chan struct{}
	// BaseBackoff and MaxBackoff bound the exponential backoff of failed
	// deliveries: BaseBackoff·2^(attempts-1), at most MaxBackoff, with jitter.
	BaseBackoff, MaxBackoff time.Duration
	// UnknownBackoff is the wait before a message of a topic without handler
	// is looked at again. A worker claims only the topics it has handlers
	// for (a message of a newer version's topic is left to the instances of
	// that version), so this is for a Queue that hands over others anyway.
	UnknownBackoff time.Duration
	// Now is the clock of the outage log's pace (time.Now when nil).
	Now func() time.Time
}

// Worker drains the outbox.
type Worker struct {
	queue    Queue
	handlers map[string]Handler
	mu       sync.Mutex
	topics   []string // claimed; a topic left to a newer version leaves it
	opts     Options
	log      *slog.Logger
}

// New returns a Worker delivering the messages of each topic to its handler.
func New(q Queue, handlers map[string]Handler, opts Options) *Worker {
	if opts.Batch <= 0 {
		opts.Batch = DefaultBatch
	}
	if opts.Lease <= 0 {
		opts.Lease = DefaultLease
	}
	if opts.Poll <= 0 {
		opts.Poll = DefaultPoll
	}
	if opts.BaseBackoff <= 0 {
		opts.BaseBackoff = DefaultBaseBackoff
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = DefaultMaxBackoff
	}
	if opts.MaxBackoff < opts.BaseBackoff {
		opts.MaxBackoff = opts.BaseBackoff
	}
	if opts.UnknownBackoff <= 0 {
		opts.UnknownBackoff = DefaultUnknownBackoff
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	hs := make(map[string]Handler, len(handlers))
	topics := make([]string, 0, len(handlers))
	for topic, h := range handlers {
		hs[topic] = h
		topics = append(topics, topic)
	}
	slices.Sort(topics)
	return &Worker{queue: q, handlers: hs, topics: topics, opts: opts, log: log}
}

// Run drains the outbox until ctx ends: it looks again at once after a full
// batch, otherwise after the poll interval. Errors reading the outbox (the
// database is down) are retried at the next poll and logged as an outage
// (see package outage): the first, then once a minute, then the recovery.
func (w *Worker) Run(ctx context.Context) {
	out := outage.Log{Name: "outbox", Again: "outbox: database reachable again", Logger: w.log, Level: slog.LevelError, Now: w.opts.Now}
	for {
		r, err := w.round(ctx)
		switch {
		case err == nil:
			out.Ended()
		case ctx.Err() == nil:
			out.Failed(err)
		}
		if err == nil && r.claimed == w.opts.Batch {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-w.opts.Wake:
		case <-time.After(w.opts.Poll):
		}
	}
}

// Drain delivers messages until none is due, and returns how many it
// delivered. It stops too when a whole batch failed, so that a message that
// keeps failing cannot keep it busy: that message waits for its backoff.
func (w *Worker) Drain(ctx context.Context) (int, error) {
	total := 0
	for {
		r, err := w.round(ctx)
		total += r.delivered
		if err != nil {
			return total, err
		}
		if r.claimed == 0 || r.delivered == 0 {
			return total, nil
		}
	}
}

type roundResult struct{ claimed, delivered int }

// round leases one batch and delivers it. Messages of the batch with the
// same topic and payload are delivered once (a burst of changes to one API
// re-indexes it once). Each message's lease is renewed just before its
// delivery, so that Lease bounds one delivery, not the whole batch; a
// message whose lease ran out meanwhile and that another worker took is
// left to that worker.
func (w *Worker) round(ctx context.Context) (roundResult, error) {
	topics := w.claimed()
	if len(topics) == 0 {
		return roundResult{}, nil // no topic to deliver: every message is another version's
	}
	// Only the topics this version handles: a message of a topic a newer
	// version added waits for an instance of that version, untouched.
	msgs, err := w.queue.ClaimOutbox(ctx, w.opts.Owner, w.opts.Batch, w.opts.Lease, topics...)
	if err != nil {
		return roundResult{}, err
	}
	r := roundResult{claimed: len(msgs)}
	done := map[[2]string]error{}
	for _, m := range msgs {
		if err := ctx.Err(); err != nil {
			return r, err // the leases end and the messages become due again
		}
		key := [2]string{m.Topic, m.Payload}
		derr, seen := done[key]
		if !seen {
			if err := w.queue.RenewOutbox(ctx, &m, w.opts.Lease); err != nil {
				if errors.Is(err, store.ErrConflict) {
					continue // taken over by another worker: it delivers the message
				}
				return r, err
			}
			derr = w.deliver(ctx, m)
			done[key] = derr
		}
		if derr == nil {
			if err := w.queue.CompleteOutbox(ctx, m); err != nil {
				if errors.Is(err, store.ErrConflict) {
					continue
				}
				return r, err
			}
			r.delivered++
			continue
		}
		backoff := w.backoff(m.Attempts)
		var unknown *unknownTopicError
		switch {
		case errors.As(derr, &unknown):
			backoff = w.opts.UnknownBackoff
		case errors.Is(derr, ErrNewerVersion):
			backoff = 0
			if w.leave(m.Topic) {
				w.log.Info("outbox: topic left to the instances of a newer version", "topic", m.Topic, "reason", derr)
			}
			seen = true // handed back, not failed: no warning
		}
		if !seen {
			w.log.Warn("outbox delivery failed", "topic", m.Topic, "id", m.ID, "attempts", m.Attempts, "retry_in", backoff.Round(time.Millisecond).String(), "err", derr)
		}
		if err := w.queue.RetryOutbox(ctx, m, derr, backoff); err != nil {
			if errors.Is(err, store.ErrConflict) {
				continue
			}
			return r, err
		}
	}
	return r, nil
}

// claimed returns the topics the worker claims.
func (w *Worker) claimed() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.topics
}

// leave stops claiming topic, reporting whether it was still claimed.
func (w *Worker) leave(topic string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	i := slices.Index(w.topics, topic)
	if i < 0 {
		return false
	}
	w.topics = slices.Delete(slices.Clone(w.topics), i, i+1)
	return true
}

type unknownTopicError struct{ topic string }

func (e *unknownTopicError) Error() string {
	return fmt.Sprintf("no handler for topic %q in this version of portico", e.topic)
}

// deliver runs the handler of the message's topic, turning a panic into an error.
func (w *Worker) deliver(ctx context.Context, m store.OutboxMessage) (err error) {
	h, ok := w.handlers[m.Topic]
	if !ok {
		return &unknownTopicError{topic: m.Topic}
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("handler for %s panicked: %v", m.Topic, p)
		}
	}()
	return h(ctx, []byte(m.Payload))
}

// backoff is the wait before the next attempt after attempts failed ones:
// BaseBackoff·2^(attempts-1) capped at MaxBackoff, then a random point in
// its upper half, so that many messages failing together do not retry in step.
func (w *Worker) backoff(attempts int) time.Duration {
	return Backoff(attempts, w.opts.BaseBackoff, w.opts.MaxBackoff, rand.Float64())
}

// Backoff is base·2^(attempts-1) capped at max, scaled into [d/2, d] by
// jitter in [0, 1).
func Backoff(attempts int, base, max time.Duration, jitter float64) time.Duration {
	d := base
	for i := 1; i < attempts && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	return d/2 + time.Duration(float64(d/2)*jitter)
}
