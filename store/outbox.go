package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/apperr"
)

// OutboxMessage is a side effect (search indexing, gateway push,
// notification) recorded in the same transaction as the change that causes
// it and delivered after commit by a worker, with retries.
type OutboxMessage struct {
	bun.BaseModel `bun:"table:outbox"`

	ID          int64      `bun:"id,pk,autoincrement"`
	Topic       string     `bun:"topic"`
	Payload     string     `bun:"payload"`
	CreatedAt   time.Time  `bun:"created_at"`
	AvailableAt time.Time  `bun:"available_at"`
	Attempts    int        `bun:"attempts"`
	LastError   string     `bun:"last_error"`
	DoneAt      *time.Time `bun:"done_at"`
	// LeasedBy is the run holding the message's lease (see ClaimOutbox).
	LeasedBy *string `bun:"leased_by"`
}

// TopicSearchIndex is the outbox topic asking to re-index one API
// (lifecycle.TopicSearchIndex; its payload is {"api_id": N}).
const TopicSearchIndex = "search.index"

// ReindexTeamAPIs asks, in db's transaction, to re-index every API of the
// team teamID: one TopicSearchIndex message each, written in one insert,
// and one wake. The index holds the team's name with each API.
func (s *Store) ReindexTeamAPIs(ctx context.Context, db bun.IDB, teamID int64) error {
	var ids []int64
	if err := db.NewSelect().Model((*API)(nil)).Column("id").Where("team_id = ?", teamID).Order("id").Scan(ctx, &ids); err != nil {
		return fmt.Errorf("team apis: %w", translate(err))
	}
	if len(ids) == 0 {
		return nil
	}
	for chunk := range slices.Chunk(ids, 500) {
		ms := make([]OutboxMessage, len(chunk))
		for i, id := range chunk {
			ms[i] = OutboxMessage{Topic: TopicSearchIndex, Payload: fmt.Sprintf(`{"api_id":%d}`, id)}
		}
		if _, err := db.NewInsert().Model(&ms).Value("created_at", "?", s.clock()).Value("available_at", "?", s.clock()).Exec(ctx); err != nil {
			return fmt.Errorf("enqueue %s: %w", TopicSearchIndex, translate(err))
		}
	}
	return s.Wake(ctx, db, WakeOutbox)
}

// Enqueue records a message for topic with payload encoded as JSON, and
// wakes the outbox workers of every instance when db commits.
func (s *Store) Enqueue(ctx context.Context, db bun.IDB, topic string, payload any) error {
	b, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("encode outbox payload: %w", err)
	}
	m := &OutboxMessage{Topic: topic, Payload: string(b)}
	if _, err := db.NewInsert().Model(m).
		Value("created_at", "?", s.clock()).Value("available_at", "?", s.clock()).Exec(ctx); err != nil {
		return fmt.Errorf("enqueue %s: %w", topic, translate(err))
	}
	return s.Wake(ctx, db, WakeOutbox)
}

// ClaimOutbox leases up to limit due messages to owner for lease, so that
// no other worker (in this or another instance) takes them meanwhile. A
// message whose worker dies becomes due again when its lease ends, or as
// soon as its owner is found dead (see ReleaseDeadLeases); an empty owner
// (a worker of no registered instance) relies on the lease's end alone.
//
// A claimed message's AvailableAt is its lease's end, which identifies the
// lease: RenewOutbox, CompleteOutbox and RetryOutbox act only while the
// message still has it, so a worker whose lease ran out (and another worker
// took the message) or was released can no longer settle the message.
//
// Leases are taken and judged by the store's clock (see clock), so that
// instances whose clocks differ do not take each other's live leases.
//
// With topics, only messages of those topics are leased (a worker's, so
// that an older instance leaves a newer topic to the newer instances that
// handle it); without, messages of every topic.
func (s *Store) ClaimOutbox(ctx context.Context, owner string, limit int, lease time.Duration, topics ...string) ([]OutboxMessage, error) {
	now, err := s.ClockNow(ctx)
	if err != nil {
		return nil, err
	}
	until := leaseEnd(now, lease)
	var due []OutboxMessage
	q := s.db.NewSelect().Model(&due).Where("done_at IS NULL AND available_at <= ?", now)
	if len(topics) > 0 {
		q = q.Where("topic IN (?)", bun.List(topics))
	}
	if err := q.Order("id").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("read outbox: %w", translate(err))
	}
	claimed := due[:0]
	for _, m := range due {
		// Optimistic claim: only one worker moves available_at from the value it read.
		res, err := s.db.NewUpdate().Model((*OutboxMessage)(nil)).
			Set("available_at = ?", until).
			Set("attempts = attempts + 1").
			Set("leased_by = ?", leaseOwner(owner)).
			Where("id = ? AND available_at = ? AND done_at IS NULL", m.ID, m.AvailableAt).
			Exec(ctx)
		if err != nil {
			return nil, fmt.Errorf("claim outbox %d: %w", m.ID, translate(err))
		}
		if oneRow(res) == nil {
			m.Attempts++
			m.LeasedBy = leaseOwner(owner)
			m.AvailableAt = until
			claimed = append(claimed, m)
		}
	}
	return claimed, nil
}

func leaseOwner(owner string) *string {
	if owner == "" {
		return nil
	}
	return &owner
}

// leaseEnd is now+lease to the microsecond, which both databases store
// exactly, so that the lease can be found again by its end.
func leaseEnd(now time.Time, lease time.Duration) time.Time {
	return now.Add(lease).Truncate(time.Microsecond)
}

// leaseHeld tells by the rows an update of a leased message changed
// whether the message still had the lease (ErrConflict when not).
func leaseHeld(res sql.Result) error {
	err := oneRow(res)
	if errors.Is(err, ErrNotFound) {
		return fmt.Errorf("lease lost, the message is another worker's: %w", ErrConflict)
	}
	return err
}

// RenewOutbox extends m's lease to lease from now, just before it is
// delivered, so that a batch's later messages are not taken over while the
// earlier ones are delivered. It returns ErrConflict when m no longer has
// its lease (another worker may be delivering it).
func (s *Store) RenewOutbox(ctx context.Context, m *OutboxMessage, lease time.Duration) error {
	now, err := s.ClockNow(ctx)
	if err != nil {
		return err
	}
	until := leaseEnd(now, lease)
	res, err := s.db.NewUpdate().Model((*OutboxMessage)(nil)).
		Set("available_at = ?", until).
		Where("id = ? AND available_at = ? AND done_at IS NULL", m.ID, m.AvailableAt).Exec(ctx)
	if err != nil {
		return fmt.Errorf("renew outbox %d: %w", m.ID, translate(err))
	}
	if err := leaseHeld(res); err != nil {
		return fmt.Errorf("renew outbox %d: %w", m.ID, err)
	}
	m.AvailableAt = until
	return nil
}

// CompleteOutbox marks m delivered. It returns ErrConflict when m no
// longer has the lease it was claimed (or renewed) with.
func (s *Store) CompleteOutbox(ctx context.Context, m OutboxMessage) error {
	res, err := s.db.NewUpdate().Model((*OutboxMessage)(nil)).
		Set("done_at = ?", s.clock()).Set("last_error = ''").Set("leased_by = NULL").
		Where("id = ? AND available_at = ? AND done_at IS NULL", m.ID, m.AvailableAt).Exec(ctx)
	if err != nil {
		return fmt.Errorf("complete outbox %d: %w", m.ID, translate(err))
	}
	if err := leaseHeld(res); err != nil {
		return fmt.Errorf("complete outbox %d: %w", m.ID, err)
	}
	return nil
}

// RetryOutbox records a failed delivery of m and makes it due again after
// backoff. It returns ErrConflict when m no longer has the lease it was
// claimed (or renewed) with: the message is then another worker's.
func (s *Store) RetryOutbox(ctx context.Context, m OutboxMessage, cause error, backoff time.Duration) error {
	msg := apperr.CutBytes(cause.Error(), 1000)
	now, err := s.ClockNow(ctx)
	if err != nil {
		return err
	}
	res, err := s.db.NewUpdate().Model((*OutboxMessage)(nil)).
		Set("available_at = ?", now.Add(backoff)).Set("last_error = ?", msg).Set("leased_by = NULL").
		Where("id = ? AND available_at = ? AND done_at IS NULL", m.ID, m.AvailableAt).Exec(ctx)
	if err != nil {
		return fmt.Errorf("retry outbox %d: %w", m.ID, translate(err))
	}
	if err := leaseHeld(res); err != nil {
		return fmt.Errorf("retry outbox %d: %w", m.ID, err)
	}
	return nil
}

// OutboxStats counts pending messages per topic.
func (s *Store) OutboxStats(ctx context.Context) (map[string]int, error) {
	var rows []struct {
		Topic string `bun:"topic"`
		N     int    `bun:"n"`
	}
	if err := s.db.NewSelect().Model((*OutboxMessage)(nil)).
		ColumnExpr("topic, COUNT(*) AS n").Where("done_at IS NULL").
		Group("topic").Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("outbox stats: %w", translate(err))
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.Topic] = r.N
	}
	return out, nil
}

// OutboxTopicHealth is what the metrics show of a topic's pending messages
// (not delivered yet, leased or not).
type OutboxTopicHealth struct {
	Topic string `bun:"topic"`
	// Pending counts the messages not delivered yet; Failing those of them
	// whose last delivery failed (waiting for their retry).
	Pending int `bun:"pending"`
	Failing int `bun:"failing"`
	// Oldest is when the oldest pending message was enqueued, by the
	// store's clock (see ClockNow).
	Oldest time.Time `bun:"oldest"`
}

// OutboxHealth reads the pending messages of every topic with one
// aggregate query over the pending ones (the index on done_at), and the
// store's clock to measure their age against. A topic with nothing pending
// is left out.
func (s *Store) OutboxHealth(ctx context.Context) ([]OutboxTopicHealth, time.Time, error) {
	var rows []OutboxTopicHealth
	if err := s.db.NewSelect().Model((*OutboxMessage)(nil)).
		ColumnExpr("topic, COUNT(*) AS pending").
		ColumnExpr("SUM(CASE WHEN last_error <> '' THEN 1 ELSE 0 END) AS failing").
		ColumnExpr("MIN(created_at) AS oldest").
		Where("done_at IS NULL").Group("topic").Order("topic").Scan(ctx, &rows); err != nil {
		return nil, time.Time{}, fmt.Errorf("outbox health: %w", translate(err))
	}
	now, err := s.ClockNow(ctx)
	if err != nil {
		return nil, time.Time{}, err
	}
	return rows, now, nil
}

// PruneOutbox deletes the messages delivered more than age ago, batch at a
// time (see deleteBatched; 0 for its default), and returns how many it
// deleted. Messages not delivered yet are never deleted, however old.
// Several instances may prune at once: a message deleted by one is not
// found by the other.
func (s *Store) PruneOutbox(ctx context.Context, age time.Duration, batch int) (int64, error) {
	n, err := s.deleteBatched(ctx, batch, "outbox", "id", "done_at < ?", s.clockAgo(age))
	if err != nil {
		return n, fmt.Errorf("prune the outbox: %w", err)
	}
	return n, nil
}
