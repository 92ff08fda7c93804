package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// APIToken is a personal access token for the JSON API. Only its SHA-256 is stored.
type APIToken struct {
	bun.BaseModel `bun:"table:api_tokens"`

	ID         int64      `bun:"id,pk,autoincrement"`
	UserID     int64      `bun:"user_id"`
	Name       string     `bun:"name"`
	Prefix     string     `bun:"prefix"`
	TokenHash  string     `bun:"token_hash"`
	CreatedAt  time.Time  `bun:"created_at"`
	LastUsedAt *time.Time `bun:"last_used_at"`
	ExpiresAt  *time.Time `bun:"expires_at"`
	RevokedAt  *time.Time `bun:"revoked_at"`

	User *User `bun:"rel:belongs-to,join:user_id=id"`
}

// Active reports whether the token can still be used at now.
func (t *APIToken) Active(now time.Time) bool {
	return t.RevokedAt == nil && (t.ExpiresAt == nil || now.Before(*t.ExpiresAt))
}

// CreateToken stores a token.
func (s *Store) CreateToken(ctx context.Context, db bun.IDB, t *APIToken) error {
	t.CreatedAt = s.now()
	if _, err := db.NewInsert().Model(t).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("create token: %w", translate(err))
	}
	return nil
}

// CanHoldToken checks, inside the transaction db belongs to, that the user
// with id still has passwordHash and is not disabled, and holds the user's
// row until the transaction ends, so that a password change or a disable
// (which revoke every token) cannot commit in between. It returns
// ErrConflict when either happened: the request was made with credentials
// from before the change.
func (s *Store) CanHoldToken(ctx context.Context, db bun.IDB, id int64, passwordHash string) error {
	// An update, not a read: on PostgreSQL it waits for a change in
	// progress and then sees the new row; SQLite has one writer.
	res, err := db.NewUpdate().Model((*User)(nil)).Set("password_hash = password_hash").
		Where("id = ? AND password_hash = ? AND disabled = ?", id, passwordHash, false).Exec(ctx)
	if err != nil {
		return fmt.Errorf("check password: %w", translate(err))
	}
	if err := oneRow(res); errors.Is(err, ErrNotFound) {
		return fmt.Errorf("password changed or user disabled since the request's credentials were read: %w", ErrConflict)
	} else if err != nil {
		return err
	}
	return nil
}

// UserTokens lists the tokens of a user, newest first, without their
// hashes.
func (s *Store) UserTokens(ctx context.Context, userID int64) ([]APIToken, error) {
	// What the profile page shows (not the hashes), newest first.
	tokens, err := readHot(ctx, s, userTokensQuery, userTokenFields, userID)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", translate(err))
	}
	return tokens, nil
}

// TokenUser returns the active token with tokenHash and its enabled user,
// and records the use (at most once a minute). This runs on every API
// request: the token is read from memory while nothing about tokens, users
// or roles has changed on any instance since it was read (authcache.go).
func (s *Store) TokenUser(ctx context.Context, tokenHash string) (*APIToken, *User, error) {
	t, cached := s.auth.cachedToken(tokenHash)
	if !cached {
		gen := s.auth.generation()
		t = new(APIToken)
		// One query for the token and its user.
		if err := s.db.NewSelect().Model(t).Relation("User").Where("api_token.token_hash = ?", tokenHash).Scan(ctx); err != nil {
			return nil, nil, fmt.Errorf("token: %w", translate(err))
		}
		if t.RevokedAt == nil && t.User != nil && !t.User.Disabled {
			s.auth.putToken(gen, t)
		}
	}
	now := s.now()
	if !t.Active(now) {
		return nil, nil, fmt.Errorf("token revoked or expired: %w", ErrNotFound)
	}
	u := t.User
	if u == nil {
		return nil, nil, fmt.Errorf("token user: %w", ErrNotFound)
	}
	if u.Disabled {
		return nil, nil, fmt.Errorf("user disabled: %w", ErrNotFound)
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > time.Minute {
		t.LastUsedAt = &now
		if _, err := s.db.NewUpdate().Model(t).Column("last_used_at").WherePK().Exec(ctx); err != nil {
			return nil, nil, fmt.Errorf("touch token: %w", translate(err))
		}
		s.auth.touchToken(tokenHash, now)
	}
	return t, u, nil
}

// RevokeToken revokes a token of a user. It returns ErrNotFound when the
// user has no such active token.
func (s *Store) RevokeToken(ctx context.Context, db bun.IDB, userID, tokenID int64) (*APIToken, error) {
	t := new(APIToken)
	if err := db.NewSelect().Model(t).Where("id = ? AND user_id = ? AND revoked_at IS NULL", tokenID, userID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("revoke token: %w", translate(err))
	}
	now := s.now()
	t.RevokedAt = &now
	// The update checks again that the token is active: of two
	// revocations at once (a double click) on PostgreSQL, the second
	// finds it revoked once the first commits, and revokes nothing.
	res, err := db.NewUpdate().Model(t).Column("revoked_at").WherePK().Where("revoked_at IS NULL").Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("revoke token: %w", translate(err))
	}
	if err := oneRow(res); err != nil {
		return nil, fmt.Errorf("revoke token %d: %w", tokenID, err)
	}
	return t, s.authChanged(ctx, db)
}

// RevokeUserTokens revokes every active token of a user and returns how
// many; on every instance once the transaction db belongs to commits.
func (s *Store) RevokeUserTokens(ctx context.Context, db bun.IDB, userID int64) (int, error) {
	res, err := db.NewUpdate().Model((*APIToken)(nil)).Set("revoked_at = ?", s.now()).
		Where("user_id = ? AND revoked_at IS NULL", userID).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("revoke tokens: %w", translate(err))
	}
	n, _ := res.RowsAffected()
	return int(n), s.authChanged(ctx, db)
}
