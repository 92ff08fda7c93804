package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// AuditEvent is one append-only record of who changed what.
type AuditEvent struct {
	bun.BaseModel `bun:"table:audit_events"`

	ID         int64     `bun:"id,pk,autoincrement"`
	CreatedAt  time.Time `bun:"created_at"`
	ActorID    *int64    `bun:"actor_id"`
	Actor      string    `bun:"actor"`
	Action     string    `bun:"action"`
	ObjectType string    `bun:"object_type"`
	ObjectID   string    `bun:"object_id"`
	TeamID     *int64    `bun:"team_id"`
	Before     string    `bun:"before_state"`
	After      string    `bun:"after_state"`
	Reason     string    `bun:"reason"`
}

// Audit appends an event. Call it inside the transaction of the change it records.
func (s *Store) Audit(ctx context.Context, db bun.IDB, e *AuditEvent) error {
	e.CreatedAt = s.now()
	if _, err := db.NewInsert().Model(e).Exec(ctx); err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, translate(err))
	}
	return nil
}

// AuditFilter narrows an audit listing. Zero fields match everything.
type AuditFilter struct {
	Actor      string
	Action     string
	ObjectType string
	ObjectID   string
	// APISlug selects the events of an API and of its versions: object
	// ids equal to the slug or starting with "slug@".
	APISlug string
	TeamID  int64
	Before  int64 // only events with a smaller id (keyset paging)
	Offset  int   // skips as many of the newest (numbered pages)
	Limit   int
}

// ListAudit returns events matching f, newest first.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) ([]AuditEvent, error) {
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	q := f.apply(s.db.NewSelect().Model((*AuditEvent)(nil)), s.dialect)
	if f.Offset > 0 {
		q = q.Offset(f.Offset)
	}
	var events []AuditEvent
	if err := q.Order("id DESC").Limit(limit).Scan(ctx, &events); err != nil {
		return nil, fmt.Errorf("list audit: %w", translate(err))
	}
	return events, nil
}

// CountAudit returns the number of events matching f (its offset and limit
// aside).
func (s *Store) CountAudit(ctx context.Context, f AuditFilter) (int, error) {
	n, err := f.apply(s.db.NewSelect().Model((*AuditEvent)(nil)), s.dialect).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("count audit: %w", translate(err))
	}
	return n, nil
}

func (f AuditFilter) apply(q *bun.SelectQuery, d Dialect) *bun.SelectQuery {
	if f.Actor != "" {
		q = q.Where("actor = ?", f.Actor)
	}
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if f.ObjectType != "" {
		q = q.Where("object_type = ?", f.ObjectType)
	}
	if f.ObjectID != "" {
		q = q.Where("object_id = ?", f.ObjectID)
	}
	if f.APISlug != "" {
		// The range, byte by byte, holds the slug and every "slug@…"
		// (and other ids that start with the slug, left out by the
		// condition after it): one range of audit_events_object_id_idx.
		col := "object_id"
		if d == PostgreSQL {
			col = `object_id COLLATE "C"`
		}
		q = q.Where(col+" >= ? AND "+col+" < ?", f.APISlug, f.APISlug+"A").
			Where("(object_id = ? OR object_id LIKE ? ESCAPE '\\')", f.APISlug, likeEscape(f.APISlug)+"@%")
	}
	if f.TeamID != 0 {
		q = q.Where("team_id = ?", f.TeamID)
	}
	if f.Before > 0 {
		q = q.Where("id < ?", f.Before)
	}
	return q
}

// likeEscape escapes the LIKE wildcards of s, with backslash as the escape.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}
