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

// SetSearchSynonyms saves the synonym list.
func (s *Store) SetSearchSynonyms(ctx context.Context, db bun.IDB, groupsJSON string, by int64) error {
	row := &SearchSynonyms{ID: 1, GroupsJSON: groupsJSON, UpdatedBy: &by, UpdatedAt: s.now()}
	_, err := db.NewInsert().Model(row).
		On("CONFLICT (id) DO UPDATE").
		Set("groups_json = EXCLUDED.groups_json").Set("updated_by = EXCLUDED.updated_by").Set("updated_at = EXCLUDED.updated_at").
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("set search synonyms: %w", translate(err))
	}
	return nil
}
