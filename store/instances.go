package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Instance is one running portal process (`portico serve`) on this database.
type Instance struct {
	bun.BaseModel `bun:"table:instances,alias:i"`

	// Name identifies the instance to people (--instance); RunID identifies
	// one run of it, and owns the leases the run takes.
	Name    string `bun:"name,pk"`
	RunID   string `bun:"run_id"`
	Addr    string `bun:"addr"`
	Version string `bun:"version"`
	// Search describes its search index, without secrets.
	Search string `bun:"search"`
	// IndexPosition is how far its index has applied the index log.
	IndexPosition int64     `bun:"index_position"`
	StartedAt     time.Time `bun:"started_at"`
	SeenAt        time.Time `bun:"seen_at"`
}

// clock is the time "now" in a statement: the database server's clock on
// PostgreSQL, so that instances on several hosts judge heartbeats and lags
// by one clock whatever their own say; this process's clock on SQLite (one
// host, and one time format for every stored time).
func (s *Store) clock() any {
	if s.dialect == PostgreSQL {
		return bun.Safe("CURRENT_TIMESTAMP")
	}
	return s.now()
}

// clockAgo is clock() minus d.
func (s *Store) clockAgo(d time.Duration) any {
	if s.dialect == PostgreSQL {
		return bun.SafeQuery("(CURRENT_TIMESTAMP - ?::interval)", fmt.Sprintf("%d milliseconds", d.Milliseconds()))
	}
	return s.now().Add(-d)
}

// ClockNow returns the time by the clock that heartbeats and the index log
// use (see clock).
func (s *Store) ClockNow(ctx context.Context) (time.Time, error) {
	if s.dialect != PostgreSQL {
		return s.now(), nil
	}
	var t time.Time
	if err := s.db.NewRaw("SELECT CURRENT_TIMESTAMP").Scan(ctx, &t); err != nil {
		return time.Time{}, fmt.Errorf("read the database clock: %w", translate(err))
	}
	return t.UTC(), nil
}

// RegisterInstance records in as running, with started and seen times by
// the database clock. When an instance of the same name is registered
// already, it is taken over only if its heartbeat is older than stale (it
// stopped or died: its leases are released); otherwise RegisterInstance
// returns ErrConflict and the registered instance.
func (s *Store) RegisterInstance(ctx context.Context, in *Instance, stale time.Duration) (*Instance, error) {
	var prev *Instance
	err := s.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		old := new(Instance)
		// Two runs starting under one name both find the old row; the
		// delete below lets only one of them take it over.
		err := tx.NewSelect().Model(old).Where("i.name = ?", in.Name).Scan(ctx)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read instance %s: %w", in.Name, translate(err))
		}
		if err == nil {
			prev = old
			res, err := tx.NewDelete().Model((*Instance)(nil)).
				Where("name = ? AND run_id = ? AND seen_at < ?", in.Name, old.RunID, s.clockAgo(stale)).Exec(ctx)
			if err != nil {
				return fmt.Errorf("take over instance %s: %w", in.Name, translate(err))
			}
			if oneRow(res) != nil {
				return ErrConflict
			}
			if err := s.releaseLeases(ctx, tx, old.RunID); err != nil {
				return err
			}
		}
		_, err = tx.NewInsert().Model(in).
			Value("started_at", "?", s.clock()).Value("seen_at", "?", s.clock()).Exec(ctx)
		if err != nil {
			return fmt.Errorf("register instance %s: %w", in.Name, translate(err))
		}
		return nil
	})
	if errors.Is(err, ErrConflict) {
		return prev, ErrConflict
	}
	return prev, err
}

// HeartbeatInstance records that the run is alive and how far its index is.
// It returns ErrNotFound when the name is no longer registered to this run
// (another process took it over after this one stopped heartbeating).
func (s *Store) HeartbeatInstance(ctx context.Context, name, runID string, indexPosition int64) error {
	res, err := s.db.NewUpdate().Model((*Instance)(nil)).
		Set("seen_at = ?", s.clock()).Set("index_position = ?", indexPosition).
		Where("name = ? AND run_id = ?", name, runID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("heartbeat of instance %s: %w", name, translate(err))
	}
	if oneRow(res) != nil {
		return fmt.Errorf("instance %s is registered to another run: %w", name, ErrNotFound)
	}
	return nil
}

// RemoveInstance unregisters a run that stops, and releases its leases so
// that the other instances take its work at once.
func (s *Store) RemoveInstance(ctx context.Context, name, runID string) error {
	err := s.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewDelete().Model((*Instance)(nil)).Where("name = ? AND run_id = ?", name, runID).Exec(ctx); err != nil {
			return fmt.Errorf("remove instance %s: %w", name, translate(err))
		}
		return s.releaseLeases(ctx, tx, runID)
	})
	return err
}

// releaseLeases makes the outbox messages and the shared index feeds leased
// by a run free at once, and wakes the workers.
func (s *Store) releaseLeases(ctx context.Context, tx bun.Tx, runID string) error {
	res, err := tx.NewUpdate().Model((*OutboxMessage)(nil)).
		Set("leased_by = NULL").Set("available_at = ?", s.clock()).
		Where("leased_by = ? AND done_at IS NULL", runID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("release outbox leases of %s: %w", runID, translate(err))
	}
	if _, err := tx.NewUpdate().Model((*IndexFeed)(nil)).
		Set("leased_by = NULL").Set("lease_until = NULL").
		Where("leased_by = ?", runID).Exec(ctx); err != nil {
		return fmt.Errorf("release index feed leases of %s: %w", runID, translate(err))
	}
	if _, err := tx.NewUpdate().Model((*IndexFeed)(nil)).Set("handoff_to = NULL").
		Where("handoff_to = ?", runID).Exec(ctx); err != nil {
		return fmt.Errorf("withdraw the index feed requests of %s: %w", runID, translate(err))
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return s.Wake(ctx, tx, WakeOutbox)
	}
	return nil
}

// ReleaseDeadLeases releases the leases held by runs that are not
// registered or whose heartbeat is older than stale, and returns how many
// outbox messages it released.
func (s *Store) ReleaseDeadLeases(ctx context.Context, stale time.Duration) (int64, error) {
	var released int64
	err := s.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		live := tx.NewSelect().Model((*Instance)(nil)).Column("run_id").Where("seen_at >= ?", s.clockAgo(stale))
		res, err := tx.NewUpdate().Model((*OutboxMessage)(nil)).
			Set("leased_by = NULL").Set("available_at = ?", s.clock()).
			Where("done_at IS NULL AND leased_by IS NOT NULL AND leased_by NOT IN (?)", live).Exec(ctx)
		if err != nil {
			return fmt.Errorf("release outbox leases of dead instances: %w", translate(err))
		}
		released, _ = res.RowsAffected()
		if _, err := tx.NewUpdate().Model((*IndexFeed)(nil)).
			Set("leased_by = NULL").Set("lease_until = NULL").
			Where("leased_by IS NOT NULL AND leased_by NOT IN (?)", live).Exec(ctx); err != nil {
			return fmt.Errorf("release index feed leases of dead instances: %w", translate(err))
		}
		if _, err := tx.NewUpdate().Model((*IndexFeed)(nil)).Set("handoff_to = NULL").
			Where("handoff_to IS NOT NULL AND handoff_to NOT IN (?)", live).Exec(ctx); err != nil {
			return fmt.Errorf("withdraw the index feed requests of dead instances: %w", translate(err))
		}
		if released > 0 {
			return s.Wake(ctx, tx, WakeOutbox)
		}
		return nil
	})
	return released, err
}

// Instances returns the registered instances by name (SortKey; sorted
// here, an admin's list of a few rows read whole), with the database
// clock's now to judge their heartbeats by.
func (s *Store) Instances(ctx context.Context) ([]Instance, time.Time, error) {
	now, err := s.ClockNow(ctx)
	if err != nil {
		return nil, now, err
	}
	var out []Instance
	if err := s.db.NewSelect().Model(&out).Scan(ctx); err != nil {
		return nil, now, fmt.Errorf("instances: %w", translate(err))
	}
	sortByName(out, func(in Instance) (string, int64) { return in.Name, 0 })
	return out, now, nil
}

// DeleteInstancesNotSeenSince forgets instances whose last heartbeat is
// older than age (they died long ago and were not restarted).
func (s *Store) DeleteInstancesNotSeenSince(ctx context.Context, age time.Duration) (int64, error) {
	res, err := s.db.NewDelete().Model((*Instance)(nil)).Where("seen_at < ?", s.clockAgo(age)).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("delete old instances: %w", translate(err))
	}
	n, _ := res.RowsAffected()
	return n, nil
}
