package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// IndexLogEntry says that the search document of an API changed (or that
// the API is gone). Every search index applies the entries after its
// position, in id order.
type IndexLogEntry struct {
	bun.BaseModel `bun:"table:index_log,alias:l"`

	ID        int64     `bun:"id,pk,autoincrement"`
	APIID     int64     `bun:"api_id"`
	CreatedAt time.Time `bun:"created_at"`
}

// IndexFeed is the position of a search index that several instances share
// (one Meilisearch index), and the run that feeds it.
type IndexFeed struct {
	bun.BaseModel `bun:"table:index_feeds,alias:f"`

	Name string `bun:"name,pk"`
	// Position is the last log entry applied; nil until the index was built.
	Position   *int64     `bun:"position"`
	LeasedBy   *string    `bun:"leased_by"`
	LeaseUntil *time.Time `bun:"lease_until"`
	// HandoffTo is the run that asked for the lease (RequestIndexFeed).
	HandoffTo *string   `bun:"handoff_to"`
	UpdatedAt time.Time `bun:"updated_at"`
}

type indexLogState struct {
	bun.BaseModel `bun:"table:index_log_state"`

	ID            int64 `bun:"id,pk"`
	PrunedThrough int64 `bun:"pruned_through"`
}

// AppendIndexLog appends one entry per API in a transaction of its own and
// returns the id of the last one (see AppendIndexLogTx).
func (s *Store) AppendIndexLog(ctx context.Context, apiIDs ...int64) (int64, error) {
	var last int64
	err := s.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		last, err = s.AppendIndexLogTx(ctx, tx, apiIDs...)
		return err
	})
	return last, err
}

// AppendIndexLogTx appends one entry per API in tx and returns the id of the
// last one. The append holds the log's write lock until tx ends, so entries
// become visible in id order: a reader that has read up to id N never finds
// a new entry below N later (ids of concurrent transactions could otherwise
// commit out of order). Keep tx short: other appends wait for it. The
// commit wakes every instance's followers.
func (s *Store) AppendIndexLogTx(ctx context.Context, tx bun.Tx, apiIDs ...int64) (int64, error) {
	if len(apiIDs) == 0 {
		return 0, nil
	}
	entries := make([]IndexLogEntry, len(apiIDs))
	for i, id := range apiIDs {
		entries[i] = IndexLogEntry{APIID: id}
	}
	if err := s.lockIndexLog(ctx, tx); err != nil {
		return 0, err
	}
	if _, err := tx.NewInsert().Model(&entries).Value("created_at", "?", s.clock()).Exec(ctx); err != nil {
		return 0, fmt.Errorf("append to the index log: %w", translate(err))
	}
	if err := s.Wake(ctx, tx, WakeIndex); err != nil {
		return 0, err
	}
	return entries[len(entries)-1].ID, nil
}

// lockIndexLog takes the log's write lock for the rest of tx. On SQLite
// every write transaction holds the database's one write lock already (it
// begins IMMEDIATE); PostgreSQL locks the table against other writers while
// readers go on.
func (s *Store) lockIndexLog(ctx context.Context, tx bun.Tx) error {
	if s.dialect != PostgreSQL {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "LOCK TABLE index_log IN EXCLUSIVE MODE"); err != nil {
		return fmt.Errorf("lock the index log: %w", translate(err))
	}
	return nil
}

// IndexLogAfter returns up to limit entries after position, in id order.
func (s *Store) IndexLogAfter(ctx context.Context, position int64, limit int) ([]IndexLogEntry, error) {
	var out []IndexLogEntry
	if err := s.db.NewSelect().Model(&out).Where("l.id > ?", position).Order("l.id").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("read the index log: %w", translate(err))
	}
	return out, nil
}

// IndexLogHead describes the log as seen from one position.
type IndexLogHead struct {
	// Head is the id of the newest entry (0 for an empty log), and HeadAt
	// when it was appended (zero for an empty log).
	Head   int64
	HeadAt time.Time
	// PrunedThrough is the newest id pruned away: an index below it missed
	// entries and must be rebuilt.
	PrunedThrough int64
	// Next is when the first entry after the position was appended (zero
	// when the position is the head), and Now the database clock: Now-Next
	// is how long the index has lagged.
	Next, Now time.Time
}

// IndexLogHeadFrom reads the head of the log and the age of the first entry
// after position.
func (s *Store) IndexLogHeadFrom(ctx context.Context, position int64) (IndexLogHead, error) {
	var h IndexLogHead
	now, err := s.ClockNow(ctx)
	if err != nil {
		return h, err
	}
	h.Now = now
	var head IndexLogEntry
	err = s.db.NewSelect().Model(&head).Column("id", "created_at").Order("l.id DESC").Limit(1).Scan(ctx)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return h, fmt.Errorf("read the index log head: %w", translate(err))
	}
	if err == nil {
		h.Head, h.HeadAt = head.ID, head.CreatedAt.UTC()
	}
	var st indexLogState
	if err := s.db.NewSelect().Model(&st).Where("id = 1").Scan(ctx); err != nil {
		return h, fmt.Errorf("read the index log state: %w", translate(err))
	}
	h.PrunedThrough = st.PrunedThrough
	if h.Head > position {
		var next IndexLogEntry
		err := s.db.NewSelect().Model(&next).Column("created_at").Where("l.id > ?", position).Order("l.id").Limit(1).Scan(ctx)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return h, fmt.Errorf("read the index log: %w", translate(err))
		}
		h.Next = next.CreatedAt.UTC()
	}
	return h, nil
}

// IndexLogEntryAt returns when the entry id was appended; found is false
// when the log has no such entry (pruned, or never appended to this log).
func (s *Store) IndexLogEntryAt(ctx context.Context, id int64) (at time.Time, found bool, err error) {
	var e IndexLogEntry
	err = s.db.NewSelect().Model(&e).Column("created_at").Where("l.id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return at, false, nil
	}
	if err != nil {
		return at, false, fmt.Errorf("read the index log: %w", translate(err))
	}
	return e.CreatedAt.UTC(), true, nil
}

// PruneIndexLog deletes the entries older than age, always keeping the
// newest one, and records how far it pruned. It returns how many it deleted.
//
// It decides what to delete in a short transaction under the log's lock,
// and records it there, before deleting anything: the newest entry older
// than age below the head ("through"). Then it deletes the entries up to
// through a batch at a time (deleteBatched), each batch a statement of its
// own without the lock, so that appends (every catalog change) wait for the
// first transaction only, not for the deletion of a large backlog. This
// holds what the lock protected:
//
//   - through is below the head read under the lock, and every append,
//     before or after, takes an id above that head (appends hold the lock
//     and commit in id order); so the batches delete only entries that
//     were committed before the prune, never the head nor a new entry, and
//     the log's head (IndexLogHeadFrom, the feed's) never goes back;
//   - pruned_through is raised to through before the first entry goes, so
//     a feed on any instance (each behind the load balancer follows the log
//     on its own) that reads the log's state while batches are deleted
//     sees them as pruned already: an index whose position is below
//     through is rebuilt, as after a prune in one piece, and an index at or
//     past through reads only entries after it, which no batch deletes;
//   - two instances pruning at once each delete up to their own through,
//     below their own head: deleting an entry twice deletes it once, and
//     pruned_through only grows.
func (s *Store) PruneIndexLog(ctx context.Context, age time.Duration) (int64, error) {
	var through int64
	err := s.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.lockIndexLog(ctx, tx); err != nil {
			return err
		}
		if err := tx.NewSelect().Model((*IndexLogEntry)(nil)).ColumnExpr("COALESCE(MAX(l.id), 0)").
			Where("l.created_at < ?", s.clockAgo(age)).
			Where("l.id < (SELECT MAX(id) FROM index_log)").Scan(ctx, &through); err != nil {
			return fmt.Errorf("prune the index log: %w", translate(err))
		}
		if through == 0 {
			return nil
		}
		if _, err := tx.NewUpdate().Model((*indexLogState)(nil)).Set("pruned_through = ?", through).
			Where("id = 1 AND pruned_through < ?", through).Exec(ctx); err != nil {
			return fmt.Errorf("prune the index log: %w", translate(err))
		}
		return nil
	})
	if err != nil || through == 0 {
		return 0, err
	}
	n, err := s.deleteBatched(ctx, 0, "index_log", "id", "id <= ?", through)
	if err != nil {
		return n, fmt.Errorf("prune the index log: %w", err)
	}
	return n, nil
}

// LeaseIndexFeed takes or renews for owner the lease of the shared index
// feed name, for lease. ok is false while another run holds it (that run
// feeds the index). It returns the feed's position, nil when the index was
// never built. The lease is taken and judged by the store's clock (see
// clock), whatever the clocks of the instances say.
//
// The feed calls it at the start of each round, when none of its writes to
// the index is on its way: a holder that another run asked for the lease
// (RequestIndexFeed: portico reindex) hands it over to that run there
// instead of renewing it, and returns ok false. While a run asks for the
// lease, no other run takes it, even free or expired, so that the index has
// one writer at a time.
func (s *Store) LeaseIndexFeed(ctx context.Context, name, owner string, lease time.Duration) (position *int64, ok bool, err error) {
	return s.leaseIndexFeed(ctx, name, owner, lease, false)
}

// RequestIndexFeed takes the lease of the shared index feed name for owner
// as LeaseIndexFeed does when it is free or expired (or owner's already);
// otherwise it asks the run that holds it to hand it over at the start of
// its next round (see LeaseIndexFeed), unless another run asked first. ok
// says whether owner holds the lease now: the caller asks again until it
// does. A request ends when owner gets the lease, releases its leases
// (RemoveInstance) or is found dead (ReleaseDeadLeases), so owner must be
// the run of a registered instance that heartbeats.
func (s *Store) RequestIndexFeed(ctx context.Context, name, owner string, lease time.Duration) (position *int64, ok bool, err error) {
	return s.leaseIndexFeed(ctx, name, owner, lease, true)
}

func (s *Store) leaseIndexFeed(ctx context.Context, name, owner string, lease time.Duration, request bool) (position *int64, ok bool, err error) {
	now, err := s.ClockNow(ctx)
	if err != nil {
		return nil, false, err
	}
	err = s.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(&IndexFeed{Name: name, UpdatedAt: now}).On("CONFLICT (name) DO NOTHING").Exec(ctx); err != nil {
			return fmt.Errorf("index feed %s: %w", name, translate(err))
		}
		if !request {
			res, err := tx.NewUpdate().Model((*IndexFeed)(nil)).
				Set("leased_by = handoff_to").Set("lease_until = ?", now.Add(lease)).Set("handoff_to = NULL").
				Where("name = ? AND leased_by = ? AND handoff_to IS NOT NULL AND handoff_to <> ?", name, owner, owner).Exec(ctx)
			if err != nil {
				return fmt.Errorf("hand over index feed %s: %w", name, translate(err))
			}
			if oneRow(res) == nil {
				return s.Wake(ctx, tx, WakeIndex)
			}
		}
		res, err := tx.NewUpdate().Model((*IndexFeed)(nil)).
			Set("leased_by = ?", owner).Set("lease_until = ?", now.Add(lease)).
			Set("handoff_to = CASE WHEN handoff_to = ? THEN NULL ELSE handoff_to END", owner).
			Where("name = ?", name).
			Where("(leased_by = ? OR ((leased_by IS NULL OR lease_until < ?) AND (handoff_to IS NULL OR handoff_to = ?)))", owner, now, owner).Exec(ctx)
		if err != nil {
			return fmt.Errorf("lease index feed %s: %w", name, translate(err))
		}
		ok = oneRow(res) == nil
		if !ok && request {
			res, err := tx.NewUpdate().Model((*IndexFeed)(nil)).Set("handoff_to = ?", owner).
				Where("name = ? AND handoff_to IS NULL", name).Exec(ctx)
			if err != nil {
				return fmt.Errorf("ask for index feed %s: %w", name, translate(err))
			}
			if oneRow(res) == nil {
				// The holder hands over at once rather than at its next poll.
				if err := s.Wake(ctx, tx, WakeIndex); err != nil {
					return err
				}
			}
		}
		f := new(IndexFeed)
		if err := tx.NewSelect().Model(f).Column("position").Where("f.name = ?", name).Scan(ctx); err != nil {
			return fmt.Errorf("index feed %s: %w", name, translate(err))
		}
		position = f.Position
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return position, ok, nil
}

// RenewIndexFeed renews owner's lease of the shared index feed name for
// lease, without handing it over to a run that asked for it (see
// LeaseIndexFeed): for a rebuild, which must not let another run write to
// the index before it ends. It returns ErrNotFound when owner no longer
// holds the lease (it expired and another run took it, or was released).
func (s *Store) RenewIndexFeed(ctx context.Context, name, owner string, lease time.Duration) error {
	now, err := s.ClockNow(ctx)
	if err != nil {
		return err
	}
	res, err := s.db.NewUpdate().Model((*IndexFeed)(nil)).Set("lease_until = ?", now.Add(lease)).
		Where("name = ? AND leased_by = ?", name, owner).Exec(ctx)
	if err != nil {
		return fmt.Errorf("renew the lease of index feed %s: %w", name, translate(err))
	}
	if oneRow(res) != nil {
		return fmt.Errorf("index feed %s is no longer leased by %s: %w", name, owner, ErrNotFound)
	}
	return nil
}

// ReleaseIndexFeed gives up owner's lease of the shared index feed name,
// and withdraws its request for it, and wakes the instances' feeds: one of
// them takes the lease at once.
func (s *Store) ReleaseIndexFeed(ctx context.Context, name, owner string) error {
	return s.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewUpdate().Model((*IndexFeed)(nil)).
			Set("leased_by = CASE WHEN leased_by = ? THEN NULL ELSE leased_by END", owner).
			Set("lease_until = CASE WHEN leased_by = ? THEN NULL ELSE lease_until END", owner).
			Set("handoff_to = CASE WHEN handoff_to = ? THEN NULL ELSE handoff_to END", owner).
			Where("name = ? AND (leased_by = ? OR handoff_to = ?)", name, owner, owner).Exec(ctx); err != nil {
			return fmt.Errorf("release index feed %s: %w", name, translate(err))
		}
		return s.Wake(ctx, tx, WakeIndex)
	})
}

// IndexFeedLease returns the run that holds the lease of the shared index
// feed name ("" for none) and the run that asked for it ("" for none).
func (s *Store) IndexFeedLease(ctx context.Context, name string) (leasedBy, handoffTo string, err error) {
	row := new(IndexFeed)
	err = s.db.NewSelect().Model(row).Column("leased_by", "handoff_to").Where("f.name = ?", name).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("index feed %s: %w", name, translate(err))
	}
	if row.LeasedBy != nil {
		leasedBy = *row.LeasedBy
	}
	if row.HandoffTo != nil {
		handoffTo = *row.HandoffTo
	}
	return leasedBy, handoffTo, nil
}

// IndexFeedPosition returns the position of a shared index feed, nil when
// its index was never built.
func (s *Store) IndexFeedPosition(ctx context.Context, name string) (*int64, error) {
	f := new(IndexFeed)
	err := s.db.NewSelect().Model(f).Column("position").Where("f.name = ?", name).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("index feed %s: %w", name, translate(err))
	}
	return f.Position, nil
}

// AdvanceIndexFeed moves a shared feed's position forward to position
// (never back), while owner holds the lease: it returns ErrNotFound when it
// lost it. A feed without a position (being rebuilt) keeps none.
func (s *Store) AdvanceIndexFeed(ctx context.Context, name, owner string, position int64) error {
	res, err := s.db.NewUpdate().Model((*IndexFeed)(nil)).
		Set("position = CASE WHEN position < ? THEN ? ELSE position END", position, position).
		Set("updated_at = ?", s.now()).Where("name = ? AND leased_by = ?", name, owner).Exec(ctx)
	if err != nil {
		return fmt.Errorf("index feed %s: %w", name, translate(err))
	}
	if oneRow(res) != nil {
		return fmt.Errorf("index feed %s is leased by another instance: %w", name, ErrNotFound)
	}
	return nil
}

// ForgetIndexFeedPosition clears a shared feed's position before its index
// is rebuilt: a rebuild that does not finish leaves the feed without one,
// and the instance holding the lease rebuilds the index.
func (s *Store) ForgetIndexFeedPosition(ctx context.Context, name string) error {
	now := s.now()
	if _, err := s.db.NewInsert().Model(&IndexFeed{Name: name, UpdatedAt: now}).On("CONFLICT (name) DO NOTHING").Exec(ctx); err != nil {
		return fmt.Errorf("index feed %s: %w", name, translate(err))
	}
	if _, err := s.db.NewUpdate().Model((*IndexFeed)(nil)).Set("position = NULL").Set("updated_at = ?", now).
		Where("name = ?", name).Exec(ctx); err != nil {
		return fmt.Errorf("index feed %s: %w", name, translate(err))
	}
	return nil
}

// MarkIndexFeedBuilt records that a shared feed's index was built up to
// position (never moving an existing position back). With an owner, only
// while it holds the lease (ErrNotFound otherwise); a command that rebuilds
// the index beside the running instances passes none.
func (s *Store) MarkIndexFeedBuilt(ctx context.Context, name, owner string, position int64) error {
	q := s.db.NewUpdate().Model((*IndexFeed)(nil)).
		Set("position = CASE WHEN position IS NULL OR position < ? THEN ? ELSE position END", position, position).
		Set("updated_at = ?", s.now()).Where("name = ?", name)
	if owner != "" {
		q = q.Where("leased_by = ?", owner)
	}
	res, err := q.Exec(ctx)
	if err != nil {
		return fmt.Errorf("index feed %s: %w", name, translate(err))
	}
	if oneRow(res) != nil {
		return fmt.Errorf("index feed %s is leased by another instance: %w", name, ErrNotFound)
	}
	return nil
}
