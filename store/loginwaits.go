package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// LoginWait is a login attempt waiting in a slow-down, on any instance
// sharing the database, until UntilAt at the latest.
type LoginWait struct {
	bun.BaseModel `bun:"table:login_waits"`

	ID       int64     `bun:"id,pk,autoincrement"`
	Username string    `bun:"username"`
	UntilAt  time.Time `bun:"until_at"`
}

// EnterLoginWait records an attempt at username waiting until until, and
// counts the attempts at username waiting at now, this one included.
// Counting after the insert, as RecordLoginAttempt does, keeps the count
// within a limit for attempts that arrive together on several instances
// (each sees the others that committed before its count), without a lock:
// two at once may both see each other and both be refused, never both
// pass a limit one of them fills. The caller removes the row when the
// wait ends or is refused (LeaveLoginWait); a row left by an instance
// that stopped counts no more after until.
func (s *Store) EnterLoginWait(ctx context.Context, username string, now, until time.Time) (int64, int, error) {
	w := &LoginWait{Username: username, UntilAt: Stored(until)}
	if _, err := s.db.NewInsert().Model(w).Returning("id").Exec(ctx); err != nil {
		return 0, 0, fmt.Errorf("record login wait: %w", translate(err))
	}
	n, err := s.db.NewSelect().Model((*LoginWait)(nil)).Where("username = ? AND until_at > ?", username, Stored(now)).Count(ctx)
	if err != nil {
		return w.ID, 0, fmt.Errorf("count login waits: %w", translate(err))
	}
	return w.ID, int(n), nil
}

// LeaveLoginWait removes a wait recorded by EnterLoginWait.
func (s *Store) LeaveLoginWait(ctx context.Context, id int64) error {
	if _, err := s.db.NewDelete().Model((*LoginWait)(nil)).Where("id = ?", id).Exec(ctx); err != nil {
		return fmt.Errorf("remove login wait: %w", translate(err))
	}
	return nil
}
