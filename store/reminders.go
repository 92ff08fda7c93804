package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Reminder kinds: what a row of reminders is of (its object_id).
const (
	// ReminderSunset is of a deprecated API version's sunset.
	ReminderSunset = "sunset"
	// ReminderKeyExpiry is of an API key's expiry.
	ReminderKeyExpiry = "key.expiry"
	// ReminderKeyGrace is of the end of a rotated API key's grace period.
	ReminderKeyGrace = "key.grace"
)

// RecordReminder records, through db (the transaction that writes the
// reminder's notifications), that the reminder of kind for object whose
// end is endsAt, threshold before it, is sent. It reports false when it
// was already (nothing is written then): two instances finding the same
// reminder due both try, and one of them writes it. On PostgreSQL the
// second insert waits for the first's transaction and does nothing once
// it commits.
func (s *Store) RecordReminder(ctx context.Context, db bun.IDB, kind string, objectID int64, endsAt time.Time, threshold time.Duration, at time.Time) (bool, error) {
	res, err := db.NewRaw("INSERT INTO reminders (kind, object_id, ends_at, threshold_seconds, sent_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, object_id, ends_at, threshold_seconds) DO NOTHING",
		kind, objectID, Stored(endsAt), int64(threshold/time.Second), Stored(at)).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("record reminder: %w", translate(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("record reminder: %w", err)
	}
	return n == 1, nil
}

// notReminded is the condition that no reminder of kind (first argument)
// and threshold (second, in seconds) is recorded for the row's object (the
// column idCol) and end (endCol).
func notReminded(idCol, endCol string) string {
	return "NOT EXISTS (SELECT 1 FROM reminders r WHERE r.kind = ? AND r.threshold_seconds = ? AND r.object_id = " + idCol + " AND r.ends_at = " + endCol + ")"
}

// SunsetsToRemind returns at most limit deprecated versions (without their
// spec), by id after afterID, whose sunset is after from and at or before
// to, whose major no other version serves after that sunset, and that have
// no reminder of threshold recorded for that sunset.
func (s *Store) SunsetsToRemind(ctx context.Context, from, to time.Time, threshold time.Duration, afterID int64, limit int) ([]APIVersion, error) {
	var vs []APIVersion
	err := s.db.NewSelect().Model(&vs).ExcludeColumn("spec_raw", "spec_json").
		Where("v.state = ? AND v.sunset_at > ? AND v.sunset_at <= ? AND v.id > ?", "deprecated", Stored(from), Stored(to), afterID).
		Where(notReminded("v.id", "v.sunset_at"), ReminderSunset, int64(threshold/time.Second)).
		// Not one whose major another version serves after its sunset
		// (OutlivedInMajor, which the reminder's transaction checks
		// again): found every minute, it would open a transaction each
		// time to be skipped.
		Where("NOT EXISTS (SELECT 1 FROM api_versions o WHERE o.api_id = v.api_id AND o.major = v.major AND o.id <> v.id AND " +
			"(o.state = 'published' OR (o.state = 'deprecated' AND (o.sunset_at > v.sunset_at OR (o.sunset_at = v.sunset_at AND o.id > v.id)))))").
		Order("v.id").Limit(int64(limit)).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("sunsets to remind: %w", translate(err))
	}
	return vs, nil
}

// KeyToRemind is a key KeysToRemind found: its id, the end it is to be
// reminded of and when that end was set, so that the scheduler skips,
// before any transaction, a reminder that would come too soon after it
// (remind.MinLead).
type KeyToRemind struct {
	ID int64 `bun:"id"`
	// Set is when the key was issued (its expiry) or rotated, its
	// successor issued (its grace end); End is its expiry or grace end.
	Set time.Time `bun:"set_at"`
	End time.Time `bun:"end_at"`
}

// KeysToRemind returns at most limit keys, by id after afterID, whose end
// of kind is after from and at or before to, with no reminder of threshold
// recorded for that end: for ReminderKeyExpiry, the expiry of active keys
// not rotated, of active subscriptions; for ReminderKeyGrace, the grace
// end of rotated keys that do not expire before it (a key expiring first
// has its successor expire then too, which that key's reminders tell).
func (s *Store) KeysToRemind(ctx context.Context, kind string, from, to time.Time, threshold time.Duration, afterID int64, limit int) ([]KeyToRemind, error) {
	var ks []KeyToRemind
	q := s.db.NewSelect().TableExpr("api_keys AS k").ColumnExpr("k.id").Where("k.state = ? AND k.id > ?", KeyActive, afterID)
	switch kind {
	case ReminderKeyExpiry:
		q = q.ColumnExpr("k.created_at AS set_at, k.expires_at AS end_at").
			Where("k.grace_ends_at IS NULL AND k.expires_at IS NOT NULL AND k.expires_at > ? AND k.expires_at <= ?", Stored(from), Stored(to)).
			Where("EXISTS (SELECT 1 FROM subscriptions s WHERE s.id = k.subscription_id AND s.state = 'active')").
			Where(notReminded("k.id", "k.expires_at"), kind, int64(threshold/time.Second))
	case ReminderKeyGrace:
		// Rotated when its successor was issued.
		q = q.ColumnExpr("successor.created_at AS set_at, k.grace_ends_at AS end_at").
			Join("JOIN api_keys AS successor ON successor.id = k.rotated_to").
			Where("k.grace_ends_at IS NOT NULL AND k.grace_ends_at > ? AND k.grace_ends_at <= ?", Stored(from), Stored(to)).
			Where("(k.expires_at IS NULL OR k.expires_at > k.grace_ends_at)").
			Where(notReminded("k.id", "k.grace_ends_at"), kind, int64(threshold/time.Second))
	default:
		return nil, fmt.Errorf("keys to remind: unknown kind %q", kind)
	}
	if err := q.Order("k.id").Limit(int64(limit)).Scan(ctx, &ks); err != nil {
		return nil, fmt.Errorf("keys to remind: %w", translate(err))
	}
	return ks, nil
}

// VersionForReminder reads a version (without its spec) through db and,
// on PostgreSQL, locks its row until db's transaction ends, so that a
// change of the version (undeprecated, retired) commits either before the
// reminder's transaction reads it or after that transaction. On SQLite
// the transaction holds the database's write lock from its start.
func (s *Store) VersionForReminder(ctx context.Context, db bun.IDB, id int64) (*APIVersion, error) {
	v := new(APIVersion)
	q := db.NewSelect().Model(v).ExcludeColumn("spec_raw", "spec_json").Where("v.id = ?", id)
	if s.dialect == PostgreSQL {
		q = q.For("UPDATE")
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("version %d: %w", id, translate(err))
	}
	return v, nil
}

// KeyForReminder reads a key through db and, on PostgreSQL, locks its row
// until db's transaction ends, as VersionForReminder does a version's.
func (s *Store) KeyForReminder(ctx context.Context, db bun.IDB, id int64) (*APIKey, error) {
	k := new(APIKey)
	q := db.NewSelect().Model(k).Where("k.id = ?", id)
	if s.dialect == PostgreSQL {
		q = q.For("UPDATE")
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("key %d: %w", id, translate(err))
	}
	return k, nil
}

// KeyByIDIn returns the key with id, read through db.
func (s *Store) KeyByIDIn(ctx context.Context, db bun.IDB, id int64) (*APIKey, error) {
	k := new(APIKey)
	if err := db.NewSelect().Model(k).Where("k.id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("key %d: %w", id, translate(err))
	}
	return k, nil
}

// OutlivedInMajor counts the other versions of v's major that serve it
// after v's sunset: published ones, and deprecated ones whose sunset is
// later (or the same, with a greater id). While one remains, v's
// retirement ends no subscription.
func (s *Store) OutlivedInMajor(ctx context.Context, db bun.IDB, v *APIVersion) (int, error) {
	if v.SunsetAt == nil {
		return 0, fmt.Errorf("versions outliving %d: it has no sunset", v.ID)
	}
	sunset := Stored(*v.SunsetAt)
	n, err := db.NewSelect().Model((*APIVersion)(nil)).
		Where("v.api_id = ? AND v.major = ? AND v.id <> ?", v.APIID, v.Major, v.ID).
		WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("v.state = ?", "published").
				WhereOr("v.state = ? AND (v.sunset_at > ? OR (v.sunset_at = ? AND v.id > ?))", "deprecated", sunset, sunset, v.ID)
		}).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("versions outliving %d: %w", v.ID, translate(err))
	}
	return int(n), nil
}

// MajorSunset returns, through db, the deprecated version of the API's
// major whose sunset ends the major's subscriptions (the latest sunset,
// the greatest id among equal ones), and false when no version is
// deprecated or a published one serves the major, so that no sunset ends
// them. It reads the version without its spec.
func (s *Store) MajorSunset(ctx context.Context, db bun.IDB, apiID int64, major int) (*APIVersion, bool, error) {
	var vs []APIVersion
	err := db.NewSelect().Model(&vs).ExcludeColumn("spec_raw", "spec_json").
		Where("v.api_id = ? AND v.major = ? AND v.state = ? AND v.sunset_at IS NOT NULL", apiID, major, "deprecated").
		Where("NOT EXISTS (SELECT 1 FROM api_versions o WHERE o.api_id = v.api_id AND o.major = v.major AND o.state = ?)", "published").
		OrderExpr("v.sunset_at DESC, v.id DESC").Limit(1).Scan(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("sunset of major %d of API %d: %w", major, apiID, translate(err))
	}
	if len(vs) == 0 {
		return nil, false, nil
	}
	return &vs[0], true, nil
}

// PruneReminders deletes the records of reminders whose end is before
// before, a batch at a time, and returns how many it deleted. The
// scheduler never reminds of a passed end, so such a record guards
// nothing more.
func (s *Store) PruneReminders(ctx context.Context, before time.Time) (int64, error) {
	n, err := s.deleteBatched(ctx, 0, "reminders", "kind, object_id, ends_at, threshold_seconds", "ends_at < ?", Stored(before))
	if err != nil {
		return n, fmt.Errorf("prune reminders: %w", err)
	}
	return n, nil
}
