package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Session is a logged-in browser. Only the SHA-256 of its id is stored.
type Session struct {
	bun.BaseModel `bun:"table:sessions"`

	IDHash     string    `bun:"id_hash,pk"`
	UserID     int64     `bun:"user_id"`
	RemoteAddr string    `bun:"remote_addr"`
	UserAgent  string    `bun:"user_agent"`
	CreatedAt  time.Time `bun:"created_at"`
	LastSeenAt time.Time `bun:"last_seen_at"`
	ExpiresAt  time.Time `bun:"expires_at"`

	User *User `bun:"rel:belongs-to,join:user_id=id"`
}

// CreateSession stores a session.
func (s *Store) CreateSession(ctx context.Context, sess *Session) error {
	now := s.now()
	sess.CreatedAt, sess.LastSeenAt = now, now
	if _, err := s.db.NewInsert().Model(sess).Exec(ctx); err != nil {
		return fmt.Errorf("create session: %w", translate(err))
	}
	return nil
}

// SessionTouchInterval is how often a session's last_seen_at moves: a
// request writes it only when it is older than this, so the recorded time
// lags the last request by up to this much.
const SessionTouchInterval = time.Minute

// ErrSessionIdle is the error (with ErrNotFound) of a session unused for
// longer than the idle timeout: SessionUser has ended it.
var ErrSessionIdle = errors.New("session idle")

// SessionUser returns the session with idHash and its user, if the session
// has not expired, has been used within idle (zero: no idle limit) and the
// user is not disabled. It slides last_seen_at forward at most once per
// SessionTouchInterval, so a session counts as idle only when its
// last_seen_at is older than idle plus that interval: it lasts at least
// idle after its last request. This runs on every page: the session is
// read from memory while nothing about sessions, users or roles has
// changed on any instance since it was read from the database
// (authcache.go).
//
// A session idle for too long is deleted and answered with ErrSessionIdle.
// Another instance may have served it since this one cached it (a touch
// there moves the row, not this cache), so an entry that looks idle is
// read again from the database, which has the latest last_seen_at of every
// instance, before it is ended.
func (s *Store) SessionUser(ctx context.Context, idHash string, idle time.Duration) (*Session, *User, error) {
	sess, cached := s.auth.cachedSession(idHash)
	if !cached {
		var err error
		if sess, err = s.readSession(ctx, idHash); err != nil {
			return nil, nil, err
		}
	}
	now := s.now()
	if !now.Before(sess.ExpiresAt) {
		return nil, nil, fmt.Errorf("session expired: %w", ErrNotFound)
	}
	// cutoff is the last_seen_at before which the session is idle.
	cutoff := now.Add(-idle - SessionTouchInterval)
	if idle > 0 && sess.LastSeenAt.Before(cutoff) {
		if cached {
			var err error
			if sess, err = s.readSession(ctx, idHash); err != nil {
				return nil, nil, err
			}
		}
		if sess.LastSeenAt.Before(cutoff) {
			// Only a row still idle goes: a request on another instance
			// that touched it meanwhile keeps it. Every instance drops
			// its copy, as at a logout.
			ended := false
			err := s.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
				res, err := tx.NewDelete().Model((*Session)(nil)).
					Where("id_hash = ? AND last_seen_at < ?", idHash, cutoff).Exec(ctx)
				if err != nil {
					return fmt.Errorf("end idle session: %w", translate(err))
				}
				if n, _ := res.RowsAffected(); n == 0 {
					return nil
				}
				ended = true
				return s.authChanged(ctx, tx)
			})
			if err != nil {
				return nil, nil, err
			}
			if ended {
				return nil, nil, fmt.Errorf("%w: %w", ErrSessionIdle, ErrNotFound)
			}
			// Touched or ended elsewhere since it was read.
			if sess, err = s.readSession(ctx, idHash); err != nil {
				return nil, nil, err
			}
		}
	}
	u := sess.User
	if u == nil {
		return nil, nil, fmt.Errorf("session user: %w", ErrNotFound)
	}
	if u.Disabled {
		return nil, nil, fmt.Errorf("user disabled: %w", ErrNotFound)
	}
	if now.Sub(sess.LastSeenAt) > SessionTouchInterval {
		sess.LastSeenAt = now
		if _, err := s.db.NewUpdate().Model(sess).Column("last_seen_at").WherePK().Exec(ctx); err != nil {
			return nil, nil, fmt.Errorf("touch session: %w", translate(err))
		}
		s.auth.touchSession(idHash, now)
	}
	return sess, u, nil
}

// readSession reads a session and its user from the database (one query)
// and caches it when the user may use it.
func (s *Store) readSession(ctx context.Context, idHash string) (*Session, error) {
	gen := s.auth.generation()
	sess := new(Session)
	if err := s.db.NewSelect().Model(sess).Relation("User").Where("session.id_hash = ?", idHash).Scan(ctx); err != nil {
		return nil, fmt.Errorf("session: %w", translate(err))
	}
	if sess.User != nil && !sess.User.Disabled {
		s.auth.putSession(gen, sess)
	}
	return sess, nil
}

// DeleteSession ends a session, on every instance at once.
func (s *Store) DeleteSession(ctx context.Context, idHash string) error {
	return s.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewDelete().Model((*Session)(nil)).Where("id_hash = ?", idHash).Exec(ctx); err != nil {
			return fmt.Errorf("delete session: %w", translate(err))
		}
		return s.authChanged(ctx, tx)
	})
}

// DeleteUserSessions ends every session of a user except keepHash, on
// every instance once the transaction db belongs to commits. It returns
// the number of sessions ended.
func (s *Store) DeleteUserSessions(ctx context.Context, db bun.IDB, userID int64, keepHash string) (int64, error) {
	res, err := db.NewDelete().Model((*Session)(nil)).
		Where("user_id = ? AND id_hash <> ?", userID, keepHash).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("delete sessions: %w", translate(err))
	}
	n, _ := res.RowsAffected()
	return n, s.authChanged(ctx, db)
}

// DeleteExpired removes expired sessions, login failures older than
// failuresBefore and login waits past their end (left by an instance that
// stopped mid-wait), a batch at a time (see deleteBatched). It returns the
// number of rows removed.
func (s *Store) DeleteExpired(ctx context.Context, failuresBefore time.Time) (int64, error) {
	n, err := s.deleteBatched(ctx, 0, "sessions", "id_hash", "expires_at < ?", s.now())
	if err != nil {
		return n, fmt.Errorf("delete expired sessions: %w", err)
	}
	m, err := s.deleteBatched(ctx, 0, "login_failures", "id", "created_at < ?", failuresBefore)
	if err != nil {
		return n + m, fmt.Errorf("delete old login failures: %w", err)
	}
	w, err := s.deleteBatched(ctx, 0, "login_waits", "id", "until_at < ?", s.now())
	if err != nil {
		return n + m + w, fmt.Errorf("delete ended login waits: %w", err)
	}
	return n + m + w, nil
}

// LoginFailure records a failed login, for rate limiting.
type LoginFailure struct {
	bun.BaseModel `bun:"table:login_failures"`

	ID         int64     `bun:"id,pk,autoincrement"`
	Username   string    `bun:"username"`
	RemoteAddr string    `bun:"remote_addr"`
	CreatedAt  time.Time `bun:"created_at"`
}

// LoginCounts counts the login attempts of a window: for one account from
// one address, for the address (every account), and for the account (every
// address).
type LoginCounts struct {
	Pair, Addr, Account int
}

// RecordLoginAttempt stores a login attempt as a failure before its
// password is checked, and counts the attempts since a time including it.
// Counting after the insert makes the limits hold for attempts that arrive
// together: the n-th attempt to commit counts at least n. The caller
// deletes the row (DeleteLoginAttempt) when it refuses the attempt without
// checking the password, and clears it with the pair's others
// (ClearLoginFailures) when the password was right.
func (s *Store) RecordLoginAttempt(ctx context.Context, username, remoteAddr string, since time.Time) (int64, LoginCounts, error) {
	f := &LoginFailure{Username: username, RemoteAddr: remoteAddr, CreatedAt: s.now()}
	if _, err := s.db.NewInsert().Model(f).Returning("id").Exec(ctx); err != nil {
		return 0, LoginCounts{}, fmt.Errorf("record login attempt: %w", translate(err))
	}
	n, err := s.LoginFailures(ctx, username, remoteAddr, since)
	return f.ID, n, err
}

// DeleteLoginAttempt removes an attempt recorded by RecordLoginAttempt.
func (s *Store) DeleteLoginAttempt(ctx context.Context, id int64) error {
	if _, err := s.db.NewDelete().Model((*LoginFailure)(nil)).Where("id = ?", id).Exec(ctx); err != nil {
		return fmt.Errorf("delete login attempt: %w", translate(err))
	}
	return nil
}

// LoginFailures counts failed logins since a time (one query).
func (s *Store) LoginFailures(ctx context.Context, username, remoteAddr string, since time.Time) (LoginCounts, error) {
	var n struct {
		Pair    int `bun:"pair"`
		Addr    int `bun:"addr"`
		Account int `bun:"account"`
	}
	err := s.db.NewSelect().Model((*LoginFailure)(nil)).
		ColumnExpr("COALESCE(SUM(CASE WHEN username = ? AND remote_addr = ? THEN 1 ELSE 0 END), 0) AS pair", username, remoteAddr).
		ColumnExpr("COALESCE(SUM(CASE WHEN remote_addr = ? THEN 1 ELSE 0 END), 0) AS addr", remoteAddr).
		ColumnExpr("COALESCE(SUM(CASE WHEN username = ? THEN 1 ELSE 0 END), 0) AS account", username).
		Where("(username = ? OR remote_addr = ?) AND created_at > ?", username, remoteAddr, since).
		Scan(ctx, &n)
	if err != nil {
		return LoginCounts{}, fmt.Errorf("count login failures: %w", translate(err))
	}
	return LoginCounts{Pair: n.Pair, Addr: n.Addr, Account: n.Account}, nil
}

// ClearLoginFailures forgets the failures of one account from one address
// after a successful login from there; those from other addresses stay.
func (s *Store) ClearLoginFailures(ctx context.Context, username, remoteAddr string) error {
	if _, err := s.db.NewDelete().Model((*LoginFailure)(nil)).Where("username = ? AND remote_addr = ?", username, remoteAddr).Exec(ctx); err != nil {
		return fmt.Errorf("clear login failures: %w", translate(err))
	}
	return nil
}
