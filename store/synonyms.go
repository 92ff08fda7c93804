package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// SearchSynonyms is the org's search synonym list as saved by an admin.
type SearchSynonyms struct {
	bun.BaseModel `bun:"table:search_synonyms,alias:ss"`

	ID         int       `bun:"id,pk"`
	GroupsJSON string    `bun:"groups_json"`
	UpdatedBy  *int64    `bun:"updated_by"`
	UpdatedAt  time.Time `bun:"updated_at"`
	// LockVersion counts the saves, from 1: a save names the one it
	// replaces (0: none, the default list) and is refused when another
	// came between.
	LockVersion int64 `bun:"lock_version"`
}

// GetSearchSynonyms returns the saved synonym list, or an error wrapping ErrNotFound when none was saved.
func (s *Store) GetSearchSynonyms(ctx context.Context) (*SearchSynonyms, error) {
	return s.getSearchSynonyms(ctx, s.db, false)
}

// LockSearchSynonyms is GetSearchSynonyms in the transaction tx, the row locked (on PostgreSQL) until tx ends, so
// that a save reads the list it replaces.
func (s *Store) LockSearchSynonyms(ctx context.Context, tx bun.Tx) (*SearchSynonyms, error) {
	return s.getSearchSynonyms(ctx, tx, s.dialect == PostgreSQL)
}

func (s *Store) getSearchSynonyms(ctx context.Context, db bun.IDB, lock bool) (*SearchSynonyms, error) {
	row := new(SearchSynonyms)
	q := db.NewSelect().Model(row).Where("id = 1")
	if lock {
		q = q.For("UPDATE")
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("search synonyms: %w", translate(err))
	}
	return row, nil
}

// SetSearchSynonyms saves the synonym list in place of the save with lock
// version lockVersion (0: none yet, the default list) as the next lock
// version. When another save came between (the row's lock version is no
// longer lockVersion, or a first save inserted the row meanwhile), it
// changes nothing and returns an error wrapping ErrConflict.
func (s *Store) SetSearchSynonyms(ctx context.Context, db bun.IDB, groupsJSON string, by, lockVersion int64) error {
	row := &SearchSynonyms{ID: 1, GroupsJSON: groupsJSON, UpdatedBy: &by, UpdatedAt: s.now(), LockVersion: lockVersion + 1}
	res, err := db.NewInsert().Model(row).
		On("CONFLICT (id) DO UPDATE").
		Set("groups_json = EXCLUDED.groups_json").Set("updated_by = EXCLUDED.updated_by").Set("updated_at = EXCLUDED.updated_at").
		Set("lock_version = EXCLUDED.lock_version").
		Where("ss.lock_version = ?", lockVersion).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("set search synonyms: %w", translate(err))
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("set search synonyms: %w", err)
	} else if n != 1 {
		return fmt.Errorf("set search synonyms: saved by someone else since lock version %d: %w", lockVersion, ErrConflict)
	}
	return nil
}
