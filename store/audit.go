package store

import (
	"context"
	"fmt"
	"slices"
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
	// OtherTeamID is the second team of an event that concerns two: the
	// consuming team of a subscription's event (TeamID the providing
	// one), the providing team of a key's event (TeamID the consuming
	// one). The audit filtered by a team holds the events under either.
	OtherTeamID *int64 `bun:"other_team_id"`
	Before      string `bun:"before_state"`
	After       string `bun:"after_state"`
	Reason      string `bun:"reason"`
}

// Audit appends an event that happened at at. Call it inside the
// transaction of the change it records, with the instant the caller gives
// the other rows of that change, so that the event and the change have
// one time.
func (s *Store) Audit(ctx context.Context, db bun.IDB, e *AuditEvent, at time.Time) error {
	e.CreatedAt = Stored(at)
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
	// TeamID selects the events filed under the team, as their team or
	// their other team.
	TeamID int64
	// Before and After page by id (keyset): only events with a smaller
	// id, or a larger one. With After, ListAudit returns the Limit oldest
	// events above it (the page just newer than After), newest first. A
	// page deep in the log reads its own events on an index in id order,
	// never the newer ones it skips.
	Before int64
	After  int64
	Limit  int
}

// ListAudit returns events matching f, newest first.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) ([]AuditEvent, error) {
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	var events []AuditEvent
	var err error
	if f == (AuditFilter{TeamID: f.TeamID, APISlug: f.APISlug, Limit: f.Limit}) && f.TeamID != 0 && f.APISlug != "" &&
		!strings.Contains(f.APISlug, "@") {
		// An API page's history, on every view: SQL written once
		// (hotreads.go), through a prepared statement, on an index in
		// the query's order. (It reads team_id alone: an API's and its
		// versions' events are filed under one team, other_team_id is
		// for subscriptions and keys. Slugs hold no "@"; a filter with one
		// reads the byte range below.)
		events, err = readHot(ctx, s, apiHistoryQuery(s.dialect), auditFields,
			f.TeamID, f.APISlug, limit)
	} else {
		// Other listings go through a prepared statement too, their
		// values as arguments (the limit, at most 500, stays in the SQL).
		var args []any
		err = s.scanHot(ctx, f.pageQuery(s.db.NewSelect().Model(&events), s.dialect, &args, limit), &events, args...)
		if f.After > 0 {
			slices.Reverse(events)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", translate(err))
	}
	return events, nil
}

// CountAudit returns the number of events matching f (its limit aside).
func (s *Store) CountAudit(ctx context.Context, f AuditFilter) (int, error) {
	n, err := f.apply(s.db.NewSelect().Model((*AuditEvent)(nil)), s.dialect).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("count audit: %w", translate(err))
	}
	return int(n), nil
}

// CountAuditUpTo is CountAudit reading at most atMost events: it returns
// atMost when at least as many match, so that a page of a long log costs
// a bounded read, not the whole log.
func (s *Store) CountAuditUpTo(ctx context.Context, f AuditFilter, atMost int) (int, error) {
	matching := f.apply(s.db.NewSelect().Model((*AuditEvent)(nil)), s.dialect).Column("id").Limit(int64(atMost))
	var n int
	if err := s.db.NewSelect().TableExpr("(?) AS matching", matching).ColumnExpr("COUNT(*)").Scan(ctx, &n); err != nil {
		return 0, fmt.Errorf("count audit: %w", translate(err))
	}
	return n, nil
}

// pageQuery is ListAudit's read of f (but for an API page's history): its
// limit of events newest first, or with After the oldest above After
// first (the page just newer than After, on the same index read upwards;
// ListAudit turns it newest first). Before and After are conditions on id,
// the key every index of the audit ends with, so a page deep in the log
// starts where its cursor is, not at the newest event.
func (f AuditFilter) pageQuery(q *bun.SelectQuery, d Dialect, args *[]any, limit int) *bun.SelectQuery {
	order := "id DESC"
	if f.After > 0 {
		order = "id ASC"
	}
	return f.applyArgs(q, d, args).Order(order).Limit(int64(limit))
}

// AuditIDAt returns the id of the event n places after the newest that
// matches f (n = 0: the newest), 0 when fewer match. It reads n+1 ids on
// an index: the audit page takes it to turn an old numbered link into its
// cursor, for a bounded n only.
func (s *Store) AuditIDAt(ctx context.Context, f AuditFilter, n int) (int64, error) {
	var ids []int64
	err := f.apply(s.db.NewSelect().Model((*AuditEvent)(nil)), s.dialect).Column("id").
		Order("id DESC").Offset(int64(n)).Limit(1).Scan(ctx, &ids)
	if err != nil {
		return 0, fmt.Errorf("audit id at %d: %w", n, translate(err))
	}
	if len(ids) == 0 {
		return 0, nil
	}
	return ids[0], nil
}

func (f AuditFilter) apply(q *bun.SelectQuery, d Dialect) *bun.SelectQuery {
	return f.applyArgs(q, d, nil)
}

// applyArgs is apply; with args, it writes the values as placeholders (ph)
// and appends them to *args, for scanHot.
func (f AuditFilter) applyArgs(q *bun.SelectQuery, d Dialect, args *[]any) *bun.SelectQuery {
	v := func(x any) any {
		if args == nil {
			return x
		}
		*args = append(*args, x)
		return ph
	}
	if f.Actor != "" {
		q = q.Where("actor = ?", v(f.Actor))
	}
	if f.Action != "" {
		q = q.Where("action = ?", v(f.Action))
	}
	if f.ObjectType != "" {
		q = q.Where("object_type = ?", v(f.ObjectType))
	}
	if f.ObjectID != "" {
		q = q.Where("object_id = ?", v(f.ObjectID))
	}
	if f.APISlug != "" {
		// The range, byte by byte, holds the slug and every "slug@…"
		// (and other ids that start with the slug, left out by the
		// condition after it): one range of audit_events_object_id_idx.
		// Byte by byte, the ids from "slug@" up to "slugA" are exactly
		// those starting with "slug@" ('@' comes just before 'A'). No
		// LIKE: SQLite prepares a statement again at every use when a
		// LIKE pattern is a bound argument.
		col := "object_id"
		if d == PostgreSQL {
			col = `object_id COLLATE "C"`
		}
		q = q.Where(col+" >= ? AND "+col+" < ?", v(f.APISlug), v(f.APISlug+"A")).
			Where("(object_id = ? OR "+col+" >= ?)", v(f.APISlug), v(f.APISlug+"@"))
	}
	if f.TeamID != 0 {
		q = q.Where("(team_id = ? OR other_team_id = ?)", v(f.TeamID), v(f.TeamID))
	}
	if f.Before > 0 {
		q = q.Where("id < ?", v(f.Before))
	}
	if f.After > 0 {
		q = q.Where("id > ?", v(f.After))
	}
	return q
}
