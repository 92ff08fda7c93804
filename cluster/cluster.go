// Package cluster lets several portal instances share one database. Each
// running `portico serve` joins under a name and writes a heartbeat every
// second; every instance releases the leases (outbox messages, the feed of a
// shared search index) held by runs whose heartbeat stopped, so that the
// work of an instance that dies is taken over within seconds rather than
// when its leases run out.
//
// What instances share is in the database: sessions, permissions, the
// outbox, the index log, notifications. Wake-ups between them (a message
// enqueued, the index log grown, the gateway configuration changed) are
// store.Wake and store.WakeUps: PostgreSQL NOTIFY, delivered at commit.
package cluster

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/portico-dev/portico/store"
)

// Defaults of Options.
const (
	DefaultHeartbeat = time.Second
	DefaultDeadAfter = 5 * time.Second
)

// Options tunes a Member; zero values take the defaults.
type Options struct {
	// Heartbeat is how often the instance records that it is alive, and
	// looks for dead instances' leases to release.
	Heartbeat time.Duration
	// DeadAfter is how old a heartbeat is when its instance counts as dead.
	// It must be several heartbeats, so that a slow database round does not
	// make a live instance look dead (its work would then be done twice,
	// which is safe but wasted).
	DeadAfter time.Duration
	// Logger is the instance's logger, which names the instance in every
	// line (the portal's: log.With("instance", name)); the Member's lines
	// do not name it again.
	Logger *slog.Logger
}

// Member is this process as a registered instance.
type Member struct {
	store *store.Store
	info  store.Instance
	opts  Options
	log   *slog.Logger
}

// Join registers the instance in. A previous run of the same name (this
// instance before a restart) is taken over once its heartbeat is older than
// DeadAfter: Join waits for that. A name whose run keeps its heartbeat is
// in use by another live process, and Join says so.
func Join(ctx context.Context, s *store.Store, in store.Instance, opts Options) (*Member, error) {
	if opts.Heartbeat <= 0 {
		opts.Heartbeat = DefaultHeartbeat
	}
	if opts.DeadAfter <= 0 {
		opts.DeadAfter = DefaultDeadAfter
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	b := make([]byte, 12)
	rand.Read(b)
	in.RunID = hex.EncodeToString(b)
	m := &Member{store: s, info: in, opts: opts, log: opts.Logger}
	deadline := time.Now().Add(opts.DeadAfter + 2*opts.Heartbeat)
	waiting := false
	for {
		info := in
		prev, err := s.RegisterInstance(ctx, &info, opts.DeadAfter)
		if err == nil {
			if prev != nil {
				m.log.Info("took over the registration of this instance's previous run", "previous_run", prev.RunID)
			}
			m.info = info
			return m, nil
		}
		if !errors.Is(err, store.ErrConflict) {
			return nil, err
		}
		if time.Now().After(deadline) {
			addr := ""
			if prev != nil {
				addr = prev.Addr
			}
			return nil, fmt.Errorf("instance name %q is in use by another running portal (listening on %s): give each instance its own --instance name", in.Name, addr)
		}
		if !waiting && prev != nil {
			waiting = true
			m.log.Info("an earlier run of this instance is registered: waiting for its heartbeat to stop", "dead_after", opts.DeadAfter.String())
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(opts.Heartbeat):
		}
	}
}

// Name is the instance's name.
func (m *Member) Name() string { return m.info.Name }

// RunID identifies this run of the instance; it owns the leases it takes.
func (m *Member) RunID() string { return m.info.RunID }

// Run writes the heartbeat (with the index position that position returns)
// and releases dead instances' leases every Heartbeat, until ctx ends. It
// returns an error when the registration was taken over by another process
// of the same name, after this one failed to heartbeat for DeadAfter: this
// process must stop, since its leases are no longer its own.
func (m *Member) Run(ctx context.Context, position func() int64) error {
	t := time.NewTicker(m.opts.Heartbeat)
	defer t.Stop()
	failing := false
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		err := m.store.HeartbeatInstance(ctx, m.info.Name, m.info.RunID, position())
		switch {
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, store.ErrNotFound):
			return fmt.Errorf("instance %s was taken over by another process after this one missed its heartbeats: stopping", m.info.Name)
		case err != nil:
			if !failing {
				m.log.Warn("heartbeat not recorded", "err", err)
			}
			failing = true
			continue
		case failing:
			failing = false
			m.log.Info("heartbeat recorded again")
		}
		n, err := m.store.ReleaseDeadLeases(ctx, m.opts.DeadAfter)
		if err != nil && ctx.Err() == nil {
			m.log.Warn("leases of stopped instances not released", "err", err)
		}
		if n > 0 {
			m.log.Info("released the outbox leases of an instance that stopped heartbeating", "messages", n)
		}
	}
}

// Leave unregisters the instance and releases its leases, so that the
// others take its work at once.
func (m *Member) Leave(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	return m.store.RemoveInstance(ctx, m.info.Name, m.info.RunID)
}
