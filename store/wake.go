package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/driver/pgdriver"
)

// Wake-up channels: something every portal instance may be waiting for has
// changed. A wake-up says only that; the waiter reads what changed from the
// database (a position it polls: the outbox's due messages, the index log's
// head, the gateway configuration's head), and also looks on its own every
// few seconds, so a wake-up that is lost (a listener reconnecting) delays a
// change but never loses it.
//
// The writer wakes the others in the transaction of the change, and the
// wake-up is sent when it commits:
//
//	err := s.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
//		// … write the new gateway configuration and its head …
//		return s.Wake(ctx, tx, store.WakeGateway)
//	})
//
// and every instance's waiter reads the head again when woken:
//
//	wake, stop := s.WakeUps(store.WakeGateway)
//	defer stop()
//	for {
//		select {
//		case <-ctx.Done():
//			return
//		case <-wake:
//		case <-time.After(5 * time.Second):
//		}
//		hub.Refresh(ctx)
//	}
const (
	// WakeOutbox: an outbox message was enqueued or its lease released.
	WakeOutbox = "outbox"
	// WakeIndex: the index log grew.
	WakeIndex = "index"
	// WakeGateway: the gateway configuration changed, for the push hub of
	// every instance, which answers the nodes connected to it.
	WakeGateway = "gateway"
	// WakeAuth: sessions, tokens, users, roles or teams changed; every
	// instance drops its authentication cache (authcache.go).
	WakeAuth = "auth"
)

var wakeChannels = []string{WakeOutbox, WakeIndex, WakeGateway, WakeAuth}

// wakeHub fans wake-ups out to this process's subscribers.
type wakeHub struct {
	mu   sync.Mutex
	subs map[string]map[*wakeSub]struct{}
	// names maps the PostgreSQL channel names back to wake channels.
	names map[string]string
}

type wakeSub struct{ ch chan struct{} }

func newWakeHub() *wakeHub {
	return &wakeHub{subs: map[string]map[*wakeSub]struct{}{}, names: map[string]string{}}
}

func (h *wakeHub) fire(channel string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for sub := range h.subs[channel] {
		select {
		case sub.ch <- struct{}{}:
		default: // a wake-up is pending already: the subscriber reads everything when it wakes
		}
	}
}

func (h *wakeHub) fireAll() {
	for _, c := range wakeChannels {
		h.fire(c)
	}
}

// WakeUps returns a channel that receives a value after wake-ups of
// channel sent by any instance (several close together may arrive as one),
// and a function that ends the subscription.
func (s *Store) WakeUps(channel string) (<-chan struct{}, func()) {
	sub := &wakeSub{ch: make(chan struct{}, 1)}
	h := s.wake
	h.mu.Lock()
	if h.subs[channel] == nil {
		h.subs[channel] = map[*wakeSub]struct{}{}
	}
	h.subs[channel][sub] = struct{}{}
	h.mu.Unlock()
	return sub.ch, func() {
		h.mu.Lock()
		delete(h.subs[channel], sub)
		h.mu.Unlock()
	}
}

// Wake wakes the subscribers of channel in every instance once the
// transaction db belongs to commits, or at once when db is not a
// transaction of RunInTx. A rolled-back transaction wakes nobody. On
// PostgreSQL it is a NOTIFY, which the database delivers at commit to every
// instance's listener (see ListenWakeUps); this process's subscribers are also
// woken directly after the commit, which is all there is on SQLite.
func (s *Store) Wake(ctx context.Context, db bun.IDB, channel string) error {
	if s.dialect == PostgreSQL {
		if _, err := db.ExecContext(ctx, "SELECT pg_notify(?, '')", s.wakeName(channel)); err != nil {
			return fmt.Errorf("notify %s: %w", channel, translate(err))
		}
	}
	afterCommit(ctx, db, func() { s.wake.fire(channel) })
	return nil
}

// wakeName is the PostgreSQL channel of a wake-up: channels are per
// database, so the name carries the schema, and portals in two schemas of
// one database do not wake each other.
func (s *Store) wakeName(channel string) string {
	sum := sha256.Sum256([]byte(s.schema))
	return "portico_" + hex.EncodeToString(sum[:6]) + "_" + channel
}

// ListenWakeUps delivers the wake-ups sent by other instances to this process's
// subscribers until ctx ends. On PostgreSQL it holds one connection that
// LISTENs (the driver pings it and reconnects by itself; the waiters' own
// periodic looks cover what a reconnection misses). On SQLite, which only
// one instance uses, there is nothing to listen to.
//
// It also looks at the authentication version every second, so a lost
// wake-up, or a change made by another process on SQLite, leaves no
// cached session, token or membership for longer than that.
func (s *Store) ListenWakeUps(ctx context.Context, log *slog.Logger) {
	go s.watchAuthVersion(ctx, log)
	if s.dialect != PostgreSQL {
		<-ctx.Done()
		return
	}
	ln := pgdriver.NewListener(s.db)
	defer ln.Close()
	names := make([]string, 0, len(wakeChannels))
	s.wake.mu.Lock()
	for _, c := range wakeChannels {
		n := s.wakeName(c)
		s.wake.names[n] = c
		names = append(names, n)
	}
	s.wake.mu.Unlock()
	for {
		err := ln.Listen(ctx, names...)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return
		}
		log.Warn("listening for wake-ups from other instances failed; retrying", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(2 * time.Second):
		}
	}
	// Wake everybody once: what changed before the LISTEN is read now.
	s.auth.invalidate()
	s.wake.fireAll()
	ch := ln.Channel(pgdriver.WithChannelSize(256), pgdriver.WithChannelOverflowHandler(func(pgdriver.Notification) {
		s.auth.invalidate()
		s.wake.fireAll()
	}))
	for {
		select {
		case <-ctx.Done():
			return
		case n, ok := <-ch:
			if !ok {
				return
			}
			s.wake.mu.Lock()
			c, known := s.wake.names[n.Channel]
			s.wake.mu.Unlock()
			if c == WakeAuth {
				s.auth.invalidate()
			}
			if known {
				s.wake.fire(c)
			}
		}
	}
}

// txHooksKey marks the context of a RunInTx transaction with the functions
// to run after it commits.
type txHooksKey struct{}

type txHooks struct {
	tx  bun.Tx
	mu  sync.Mutex
	fns []func()
}

// afterCommit runs fn after the RunInTx transaction db belongs to commits,
// or at once when db is not such a transaction.
func afterCommit(ctx context.Context, db bun.IDB, fn func()) {
	tx, inTx := db.(bun.Tx)
	hooks, ok := ctx.Value(txHooksKey{}).(*txHooks)
	if !inTx || !ok || hooks.tx.Tx != tx.Tx {
		if !inTx {
			fn()
		}
		// A transaction this store did not open: its commit is not seen,
		// and the waiters' periodic looks pick the change up.
		return
	}
	hooks.mu.Lock()
	hooks.fns = append(hooks.fns, fn)
	hooks.mu.Unlock()
}
