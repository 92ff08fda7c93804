package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// User is a person who logs in to Portico.
type User struct {
	bun.BaseModel `bun:"table:users"`

	ID           int64  `bun:"id,pk,autoincrement"`
	Username     string `bun:"username"`
	DisplayName  string `bun:"display_name"`
	Email        string `bun:"email"`
	PasswordHash string `bun:"password_hash"`
	OrgRole      string `bun:"org_role"`
	Disabled     bool   `bun:"disabled"`
	// MustChangePassword says the password is a one-time password someone
	// else chose: the user chooses their own before using any page.
	MustChangePassword bool `bun:"must_change_password"`
	// PasswordExpiresAt is when a one-time password stops working; nil for
	// a password the user chose, which never expires.
	PasswordExpiresAt *time.Time `bun:"password_expires_at"`
	// LockVersion moves on with every change of the profile, org role or
	// status: a save of a user as read at one version is refused once
	// someone else changed them.
	LockVersion int64     `bun:"lock_version"`
	CreatedAt   time.Time `bun:"created_at"`
	UpdatedAt   time.Time `bun:"updated_at"`
}

// Name is the name to show for the user.
func (u *User) Name() string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.Username
}

// CreateUser inserts u. It returns ErrConflict when the username is taken.
func (s *Store) CreateUser(ctx context.Context, db bun.IDB, u *User) error {
	now := s.now()
	u.CreatedAt, u.UpdatedAt, u.LockVersion = now, now, 1
	if _, err := db.NewInsert().Model(u).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("create user %q: %w", u.Username, translate(err))
	}
	if err := s.bumpPolicyVersion(ctx, db); err != nil {
		return err
	}
	return nil
}

// UserByID returns the user with id.
func (s *Store) UserByID(ctx context.Context, id int64) (*User, error) {
	u := new(User)
	if err := s.db.NewSelect().Model(u).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("user %d: %w", id, translate(err))
	}
	return u, nil
}

// UserDisabled reports whether the user with id is disabled, read through
// db (inside a transaction that changed roles, so as it stands for it).
func (s *Store) UserDisabled(ctx context.Context, db bun.IDB, id int64) (bool, error) {
	var disabled bool
	if err := db.NewSelect().Model((*User)(nil)).Column("disabled").Where("id = ?", id).Scan(ctx, &disabled); err != nil {
		return false, fmt.Errorf("user %d disabled: %w", id, translate(err))
	}
	return disabled, nil
}

// LockUserDisabled is UserDisabled for a transaction that is about to
// give the user a role: on PostgreSQL it locks the user's row FOR SHARE,
// so that a disable under way (its row changed, not committed) is waited
// for and read as committed, and one that comes later waits for tx to end.
// Take it before anything else tx locks (the policy version), as a disable
// changes the user's row first: the same order, no deadlock. On SQLite the
// transaction holds the database's write lock from its start.
func (s *Store) LockUserDisabled(ctx context.Context, db bun.IDB, id int64) (bool, error) {
	var disabled bool
	q := db.NewSelect().Model((*User)(nil)).Column("disabled").Where("id = ?", id)
	if s.dialect == PostgreSQL {
		q = q.For("SHARE")
	}
	if err := q.Scan(ctx, &disabled); err != nil {
		return false, fmt.Errorf("user %d disabled: %w", id, translate(err))
	}
	return disabled, nil
}

// UserByUsername returns the user named username.
func (s *Store) UserByUsername(ctx context.Context, username string) (*User, error) {
	if !findable(username) {
		return nil, fmt.Errorf("user %q: %w", username, ErrNotFound)
	}
	u := new(User)
	if err := s.db.NewSelect().Model(u).Where("username = ?", username).Scan(ctx); err != nil {
		return nil, fmt.Errorf("user %q: %w", username, translate(err))
	}
	return u, nil
}

// ListUsers returns every user ordered by username (byte by byte on both
// databases: usernames are lowercase ASCII).
func (s *Store) ListUsers(ctx context.Context) ([]User, error) {
	var users []User
	if err := s.db.NewSelect().Model(&users).OrderExpr(s.bytewise("username")).Scan(ctx); err != nil {
		return nil, fmt.Errorf("list users: %w", translate(err))
	}
	return users, nil
}

// UsersPage returns limit users in username order (as ListUsers) after
// the first offset, and the number of users.
func (s *Store) UsersPage(ctx context.Context, offset, limit int) ([]User, int, error) {
	var users []User
	n, err := scanAndCount(ctx, s.db.NewSelect().Model(&users).OrderExpr(s.bytewise("username")).Offset(int64(offset)).Limit(int64(limit)))
	if err != nil {
		return nil, 0, fmt.Errorf("list users: %w", translate(err))
	}
	return users, n, nil
}

// CountUsers returns the number of users.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	n, err := s.db.NewSelect().Model((*User)(nil)).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("count users: %w", translate(err))
	}
	return int(n), nil
}

// UpdateUser saves the profile, org role and disabled flag of u if nobody
// changed the user since it was read (u.LockVersion); otherwise it returns
// ErrConflict. A change of role or of the disabled flag changes
// permissions, so the policy version is bumped. Ending a disabled user's
// sessions and tokens is the caller's (people.Service.UpdateUser), in the
// same transaction.
func (s *Store) UpdateUser(ctx context.Context, db bun.IDB, u *User) error {
	u.UpdatedAt = s.now()
	res, err := db.NewUpdate().Model(u).
		Column("display_name", "email", "org_role", "disabled", "updated_at").
		Set("lock_version = lock_version + 1").
		Where("id = ? AND lock_version = ?", u.ID, u.LockVersion).Exec(ctx)
	if err != nil {
		return fmt.Errorf("update user %q: %w", u.Username, translate(err))
	}
	if oneRow(res) != nil {
		return fmt.Errorf("update user %q: changed by someone else: %w", u.Username, ErrConflict)
	}
	u.LockVersion++
	return s.bumpPolicyVersion(ctx, db)
}

// CountActiveWithOrgRole counts the users with an org role who are not
// disabled, read through db (inside a transaction that changed users).
func (s *Store) CountActiveWithOrgRole(ctx context.Context, db bun.IDB, role string) (int, error) {
	n, err := db.NewSelect().Model((*User)(nil)).Where("org_role = ? AND disabled = ?", role, false).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("count users with org role %s: %w", role, translate(err))
	}
	return int(n), nil
}

// UpdateProfile saves the display name and email of u, and nothing else:
// the user saves their own profile from a copy read when their request
// began, whose role and status an admin may have changed since. It moves
// the lock version on, so an admin's form read before it is refused.
func (s *Store) UpdateProfile(ctx context.Context, db bun.IDB, u *User) error {
	u.UpdatedAt = s.now()
	var lock int64
	err := db.NewUpdate().Model(u).Column("display_name", "email", "updated_at").
		Set("lock_version = lock_version + 1").WherePK().Returning("lock_version").Scan(ctx, &lock)
	if err != nil {
		return fmt.Errorf("update profile %q: %w", u.Username, translate(err))
	}
	u.LockVersion = lock
	// Sessions are cached with their user, who is shown by name.
	return s.authChanged(ctx, db)
}

// SetPassword replaces the password hash current of the user with id, who
// is not disabled, with one the user chose (so no change of password is
// required any more, and it never expires). It returns ErrConflict when
// the user's hash is no longer current (an admin reset it, or another
// change went first) or the user was disabled: the change was checked
// against a password that no longer holds.
func (s *Store) SetPassword(ctx context.Context, db bun.IDB, id int64, current, hash string) error {
	res, err := db.NewUpdate().Model((*User)(nil)).
		Set("password_hash = ?", hash).Set("must_change_password = ?", false).Set("password_expires_at = NULL").Set("updated_at = ?", s.now()).
		Where("id = ? AND password_hash = ? AND disabled = ?", id, current, false).Exec(ctx)
	if err != nil {
		return fmt.Errorf("set password: %w", translate(err))
	}
	if err := oneRow(res); errors.Is(err, ErrNotFound) {
		return fmt.Errorf("set password: changed or user disabled meanwhile: %w", ErrConflict)
	} else if err != nil {
		return err
	}
	return s.authChanged(ctx, db)
}

// SetOneTimePassword replaces the password hash of the user with id with
// one someone else chose (an admin's reset): the user must choose their
// own at the next login, and the password stops working at expires.
func (s *Store) SetOneTimePassword(ctx context.Context, db bun.IDB, id int64, hash string, expires time.Time) error {
	res, err := db.NewUpdate().Model((*User)(nil)).
		Set("password_hash = ?", hash).Set("must_change_password = ?", true).Set("password_expires_at = ?", expires.UTC()).Set("updated_at = ?", s.now()).
		Where("id = ?", id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("set one-time password: %w", translate(err))
	}
	if err := oneRow(res); err != nil {
		return err
	}
	return s.authChanged(ctx, db)
}
