package store

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/uptrace/bun"
)

// The authentication cache: every request is authenticated (its session or
// token and its user), most pages show the user's teams and check a
// permission, and none of that should cost a database round trip. So the
// store keeps, in memory, the sessions, tokens, memberships and policy
// version it read, and drops them all whenever anything they depend on
// changes, on every instance:
//
//   - Every change that ends a session or a token, or changes a user, their
//     roles or their teams (logout, password change, role change, a user
//     disabled, membership and reviewer changes, token revocation, a team
//     renamed) calls authChanged in its transaction. That bumps the
//     authentication version in the database (auth_state) and sends a
//     WakeAuth wake-up when the transaction commits.
//   - The instance that commits drops its cache synchronously after the
//     commit, before the request that made the change returns: the change
//     takes effect at once there.
//   - The other instances drop theirs when the wake-up reaches them
//     (PostgreSQL LISTEN/NOTIFY, delivered at commit: milliseconds). A
//     wake-up lost while a listener reconnects is covered by each
//     instance's look at the version every authPollInterval
//     (ListenWakeUps runs it), and a reconnected listener drops the cache
//     too.
//
// An entry is stored only if no change happened between the moment its
// query started and the moment it is stored (the generation did not move),
// so a read that raced a change is never kept. Entries are copies: callers
// may modify what they get. Expiry of sessions and tokens is checked on
// every hit, from the cached expiry time.
const (
	// authPollInterval bounds how long another instance's change can go
	// unseen when its wake-up is lost.
	authPollInterval = time.Second
	// authCacheMax bounds each map: when full, it is emptied and refilled
	// by the next requests (only valid sessions and tokens are stored, so
	// it fills only as fast as people log in).
	authCacheMax = 20000
)

type authCache struct {
	mu  sync.RWMutex
	gen uint64

	sessions    map[string]Session // by id hash, with User set
	tokens      map[string]APIToken
	memberships map[int64][]Membership
	policy      int64
	policySet   bool
	// seen is the last authentication version read from the database by
	// the poll.
	seen int64
}

func newAuthCache() *authCache {
	c := &authCache{}
	c.reset()
	return c
}

func (c *authCache) reset() {
	c.sessions = map[string]Session{}
	c.tokens = map[string]APIToken{}
	c.memberships = map[int64][]Membership{}
	c.policySet = false
}

// invalidate drops every entry.
func (c *authCache) invalidate() {
	c.mu.Lock()
	c.gen++
	c.reset()
	c.mu.Unlock()
}

func (c *authCache) generation() uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.gen
}

// store runs put under the lock if the generation is still gen.
func (c *authCache) store(gen uint64, put func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen == gen {
		put()
	}
}

func copyUser(u *User) *User {
	if u == nil {
		return nil
	}
	cp := *u
	return &cp
}

// cachedSession returns a copy of the cached session with idHash.
func (c *authCache) cachedSession(idHash string) (*Session, bool) {
	c.mu.RLock()
	e, ok := c.sessions[idHash]
	c.mu.RUnlock()
	if !ok {
		return nil, false
	}
	e.User = copyUser(e.User)
	return &e, true
}

func (c *authCache) putSession(gen uint64, sess *Session) {
	c.store(gen, func() {
		if len(c.sessions) >= authCacheMax {
			c.sessions = map[string]Session{}
		}
		e := *sess
		e.User = copyUser(sess.User)
		c.sessions[sess.IDHash] = e
	})
}

func (c *authCache) touchSession(idHash string, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.sessions[idHash]; ok {
		e.LastSeenAt = at
		c.sessions[idHash] = e
	}
}

func (c *authCache) cachedToken(hash string) (*APIToken, bool) {
	c.mu.RLock()
	e, ok := c.tokens[hash]
	c.mu.RUnlock()
	if !ok {
		return nil, false
	}
	e.User = copyUser(e.User)
	return &e, true
}

func (c *authCache) putToken(gen uint64, t *APIToken) {
	c.store(gen, func() {
		if len(c.tokens) >= authCacheMax {
			c.tokens = map[string]APIToken{}
		}
		e := *t
		e.User = copyUser(t.User)
		c.tokens[t.TokenHash] = e
	})
}

func (c *authCache) touchToken(hash string, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.tokens[hash]; ok {
		e.LastUsedAt = &at
		c.tokens[hash] = e
	}
}

// authChanged records, in the transaction db belongs to, that sessions,
// tokens, users, roles or teams changed: it bumps the authentication
// version, wakes the other instances when the transaction commits, and
// drops this instance's cache then (at once when db is not a transaction).
func (s *Store) authChanged(ctx context.Context, db bun.IDB) error {
	if _, err := db.NewUpdate().Table("auth_state").Set("version = version + 1").Where("id = 1").Exec(ctx); err != nil {
		return fmt.Errorf("bump authentication version: %w", translate(err))
	}
	// Dropped after the commit, before the wake-up's subscribers and the
	// request that made the change go on. A request of this instance that
	// read the old rows meanwhile stores them under the generation this
	// moves on, so they are not kept.
	afterCommit(ctx, db, s.auth.invalidate)
	return s.Wake(ctx, db, WakeAuth)
}

// authVersion reads the authentication version.
func (s *Store) authVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := s.db.NewSelect().Table("auth_state").Column("version").Where("id = 1").Scan(ctx, &v); err != nil {
		return 0, fmt.Errorf("authentication version: %w", translate(err))
	}
	return v, nil
}

// watchAuthVersion drops the cache whenever the authentication version in
// the database moves without a wake-up having done it: a lost wake-up, or
// a change made by another process on SQLite (the CLI). It looks every
// authPollInterval until ctx ends.
func (s *Store) watchAuthVersion(ctx context.Context, log *slog.Logger) {
	t := time.NewTicker(authPollInterval)
	defer t.Stop()
	failing := false
	for {
		v, err := s.authVersion(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			// The database is unreachable: nothing cached can be
			// trusted to be current once it is back.
			s.auth.invalidate()
			if !failing {
				log.Warn("reading the authentication version failed; the session cache is dropped until it works", "err", err)
			}
			failing = true
		case err == nil:
			failing = false
			s.auth.mu.Lock()
			// The version starts at 1: the first look drops what was
			// cached before the watch began.
			moved := s.auth.seen != v
			s.auth.seen = v
			s.auth.mu.Unlock()
			if moved {
				s.auth.invalidate()
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// cachedMemberships returns a copy of the cached memberships of a user.
func (c *authCache) cachedMemberships(userID int64) ([]Membership, bool) {
	c.mu.RLock()
	ms, ok := c.memberships[userID]
	c.mu.RUnlock()
	if !ok {
		return nil, false
	}
	return slices.Clone(ms), true
}

func (c *authCache) putMemberships(gen uint64, userID int64, ms []Membership) {
	c.store(gen, func() {
		if len(c.memberships) >= authCacheMax {
			c.memberships = map[int64][]Membership{}
		}
		c.memberships[userID] = slices.Clone(ms)
	})
}
