package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Notification is a message for one user, shown in the portal.
type Notification struct {
	bun.BaseModel `bun:"table:notifications,alias:n"`

	ID        int64      `bun:"id,pk,autoincrement"`
	UserID    int64      `bun:"user_id"`
	Kind      string     `bun:"kind"`
	Message   string     `bun:"message"`
	Link      string     `bun:"link"`
	CreatedAt time.Time  `bun:"created_at"`
	ReadAt    *time.Time `bun:"read_at"`
}

// Notify stores one notification per user, skipping duplicates in userIDs.
func (s *Store) Notify(ctx context.Context, db bun.IDB, userIDs []int64, kind, message, link string) error {
	seen := map[int64]bool{}
	var ns []Notification
	now := s.now()
	for _, id := range userIDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		ns = append(ns, Notification{UserID: id, Kind: kind, Message: message, Link: link, CreatedAt: now})
	}
	if len(ns) == 0 {
		return nil
	}
	if _, err := db.NewInsert().Model(&ns).Exec(ctx); err != nil {
		return fmt.Errorf("notify: %w", translate(err))
	}
	return nil
}

// UnreadCount returns how many notifications a user has not read.
func (s *Store) UnreadCount(ctx context.Context, userID int64) (int, error) {
	n, err := s.countRows(ctx, "SELECT count(*) FROM notifications WHERE user_id = ? AND read_at IS NULL", userID)
	if err != nil {
		return 0, fmt.Errorf("unread notifications: %w", translate(err))
	}
	return n, nil
}

// Notifications returns a user's latest notifications, newest first.
func (s *Store) Notifications(ctx context.Context, userID int64, limit int) ([]Notification, error) {
	var ns []Notification
	if err := s.db.NewSelect().Model(&ns).Where("user_id = ?", userID).Order("id DESC").Limit(limit).Scan(ctx); err != nil {
		return nil, fmt.Errorf("notifications: %w", translate(err))
	}
	return ns, nil
}

// NotificationsPage returns limit of a user's notifications, newest first,
// after the first offset, and the number of their notifications.
func (s *Store) NotificationsPage(ctx context.Context, userID int64, offset, limit int) ([]Notification, int, error) {
	var ns []Notification
	n, err := scanAndCount(ctx, s.db.NewSelect().Model(&ns).Where("user_id = ?", userID).Order("id DESC").Offset(offset).Limit(limit))
	if err != nil {
		return nil, 0, fmt.Errorf("notifications: %w", translate(err))
	}
	return ns, n, nil
}

// MarkNotificationsRead marks every notification of a user read.
func (s *Store) MarkNotificationsRead(ctx context.Context, userID int64) error {
	if _, err := s.db.NewUpdate().Model((*Notification)(nil)).Set("read_at = ?", s.now()).
		Where("user_id = ? AND read_at IS NULL", userID).Exec(ctx); err != nil {
		return fmt.Errorf("mark notifications read: %w", translate(err))
	}
	return nil
}
