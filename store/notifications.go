package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/gateway"
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

// Isolate marks a name taken from outside (a team's, an app's, an API's,
// a plan's, a person's; a version; a reason) for a notification message: it
// wraps it in FIRST STRONG ISOLATE (U+2068) and POP DIRECTIONAL ISOLATE
// (U+2069), so a right-to-left name, or one ending in punctuation, does not
// reorder the sentence around it. The notifications page shows each marked
// run in a <bdi>; a message stored before names were marked is plain text
// and reads as it did. Isolates already in s are dropped (names refuse
// them; free texts such as reasons may hold them), so the marks always pair.
func Isolate(s string) string {
	s = strings.Map(func(r rune) rune {
		if r >= 0x2066 && r <= 0x2069 {
			return -1
		}
		return r
	}, s)
	return "\u2068" + s + "\u2069"
}

// MaxEcho is how many characters of an input a refusal quotes back, unless
// it says otherwise.
const MaxEcho = 80

// Echo quotes an input echoed back in a refusal ("There is no user
// "…"."): cut to its first max characters, Go-escaped (%.80q), and
// isolated with its quotes as Isolate does a name, so that a right-to-left
// input does not reorder the sentence. The page shows it in a <bdi>; the
// JSON API and the CLI pass the marks on. The secret part of a Portico key
// or token in s is replaced as in logs (gateway.RedactSecrets): a refusal
// never shows a secret pasted into the wrong field.
func Echo(s string, max int) string {
	return Isolate(fmt.Sprintf("%.*q", max, gateway.RedactSecrets(s)))
}

// Notify stores one notification per user, skipping duplicates in userIDs,
// sent at at: the instant of the operation it tells of.
func (s *Store) Notify(ctx context.Context, db bun.IDB, userIDs []int64, kind, message, link string, at time.Time) error {
	seen := map[int64]bool{}
	var ns []Notification
	now := Stored(at)
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
	if err := s.db.NewSelect().Model(&ns).Where("user_id = ?", userID).Order("id DESC").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("notifications: %w", translate(err))
	}
	return ns, nil
}

// NotificationsPage returns limit of a user's notifications, newest first,
// after the first offset, and the number of their notifications.
func (s *Store) NotificationsPage(ctx context.Context, userID int64, offset, limit int) ([]Notification, int, error) {
	var ns []Notification
	n, err := scanAndCount(ctx, s.db.NewSelect().Model(&ns).Where("user_id = ?", userID).Order("id DESC").Offset(int64(offset)).Limit(int64(limit)))
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
